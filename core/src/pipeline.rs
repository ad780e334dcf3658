//! The clips job: from a video to ranked, captioned clips on disk, as
//! `reelkit clips` runs it.

use std::path::Path;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::aspect::Aspect;
use crate::asr::AsrConfig;
use crate::clips::{discover, ClipConfig, Discovery, SignalScores};
use crate::engine::Engine;
use crate::subtitle::{build_cues, write_srt, write_vtt, Cue, CueConfig};
use crate::error::{Error, Result};
use crate::media::{export_range, probe, AudioDecodeOptions, AudioReader, ExportOptions};
use crate::progress::{ProgressEvent, RunCtl, Stage};
use crate::scenes::{detect_scenes, SceneConfig};
use crate::subtitle::{captions_script, BrandKit, PresetName, SubtitleBurner};
use crate::timeline::TimelineFormat;

/// Everything `reelkit clips` can be told. Serialises to the same JSON in
/// every binding and over HTTP.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct ClipsJob {
    /// How many clips to export (default 3; overrides `clips.top`).
    pub top: Option<usize>,
    /// Shortest clip in seconds (default 15; overrides `clips.min_duration`).
    pub min_duration: Option<f64>,
    /// Longest clip in seconds (default 60; overrides `clips.max_duration`).
    pub max_duration: Option<f64>,
    /// Rank by closeness to this text (a topic, a question) instead of the
    /// default signals.
    pub query: Option<String>,
    pub asr: AsrConfig,
    /// Candidate picking and ranking settings.
    pub clips: ClipConfig,
    pub cues: CueConfig,
    /// Caption preset: `bold`, `clean`, `karaoke` or `pop`. `None` uses the
    /// brand kit's preset, else `bold` (big outlined words, the look clips
    /// had before presets existed).
    pub style: Option<PresetName>,
    /// Brand kit applied on export: fonts, colours, caption overrides,
    /// watermark, intro and outro slates.
    pub brand: Option<BrandKit>,
    pub scenes: SceneConfig,
    /// Frame shape of the clips (default: the source's).
    pub aspect: Aspect,
    /// Longest side of exported clips in pixels (default 1920).
    pub max_long_side: u32,
    /// Burn captions into the video (default true).
    pub burn_captions: bool,
    /// Run scene detection when the input has video (default true).
    pub detect_scenes: bool,
    pub crf: u8,
    pub preset: String,
    /// How a non-source `aspect` follows faces and speakers (layout,
    /// detection rate, pan limits...).
    pub reframe: crate::reframe::ReframeConfig,
    /// Editor timelines of the picks written beside the clips
    /// (`timeline.otio`, `timeline.fcpxml`, `timeline.edl`, `timeline.mlt`).
    pub timeline: Vec<TimelineFormat>,
}

impl Default for ClipsJob {
    fn default() -> Self {
        Self {
            top: None,
            min_duration: None,
            max_duration: None,
            query: None,
            asr: AsrConfig::default(),
            clips: ClipConfig::default(),
            cues: CueConfig::default(),
            style: None,
            brand: None,
            scenes: SceneConfig::default(),
            aspect: Aspect::Source,
            max_long_side: 1920,
            burn_captions: true,
            detect_scenes: true,
            crf: 20,
            preset: "veryfast".into(),
            reframe: crate::reframe::ReframeConfig::default(),
            timeline: Vec::new(),
        }
    }
}

impl ClipsJob {
    pub fn top(mut self, n: usize) -> Self {
        self.top = Some(n);
        self
    }
    pub fn duration(mut self, min: f64, max: f64) -> Self {
        self.min_duration = Some(min);
        self.max_duration = Some(max);
        self
    }
    /// Rank by similarity to `text` ("the part about pricing").
    pub fn query(mut self, text: impl Into<String>) -> Self {
        self.query = Some(text.into());
        self
    }

    /// The clip picking settings with the top-level `top`, `min_duration`
    /// and `max_duration` applied.
    pub fn effective_clips(&self) -> ClipConfig {
        let mut c = self.clips.clone();
        if let Some(top) = self.top {
            c.top = top;
        }
        if let Some(min) = self.min_duration {
            c.min_duration = min;
        }
        if let Some(max) = self.max_duration {
            c.max_duration = max;
        }
        if let Some(query) = &self.query {
            c.query = Some(query.clone());
        }
        c
    }
    pub fn aspect(mut self, aspect: Aspect) -> Self {
        self.aspect = aspect;
        self
    }
    pub fn asr(mut self, asr: AsrConfig) -> Self {
        self.asr = asr;
        self
    }
    pub fn clip_config(mut self, clips: ClipConfig) -> Self {
        self.clips = clips;
        self
    }
    pub fn timeline(mut self, formats: Vec<TimelineFormat>) -> Self {
        self.timeline = formats;
        self
    }

    pub fn style(mut self, preset: PresetName) -> Self {
        self.style = Some(preset);
        self
    }
    pub fn brand(mut self, kit: BrandKit) -> Self {
        self.brand = Some(kit);
        self
    }

    /// The caption preset this job uses, with the brand kit's overrides.
    pub fn preset(&self) -> crate::subtitle::Preset {
        match &self.brand {
            Some(kit) => kit.preset(self.style),
            None => crate::subtitle::Preset::named(self.style.unwrap_or_default()),
        }
    }

    pub fn validate(&self) -> Result<()> {
        self.asr.validate().map_err(|e| e.under_field("asr"))?;
        // Top-level keys are checked where the user wrote them.
        let top_level = |e: Error| match e.field() {
            Some("top") if self.top.is_some() => e,
            Some("min_duration") if self.min_duration.is_some() => e,
            Some("max_duration") if self.max_duration.is_some() => e,
            _ => e.under_field("clips"),
        };
        self.effective_clips().validate().map_err(top_level)?;
        if self.query.as_deref().is_some_and(|q| q.trim().is_empty()) {
            return Err(Error::invalid("query", "empty (leave it out to rank by the default signals)"));
        }
        self.cues.validate().map_err(|e| e.under_field("cues"))?;
        self.preset().validate()?;
        if let Some(kit) = &self.brand {
            kit.validate().map_err(|e| e.under_field("brand"))?;
        }
        self.scenes.validate().map_err(|e| e.under_field("scenes"))?;
        self.reframe.validate().map_err(|e| e.under_field("reframe"))?;
        if !(64..=8192).contains(&self.max_long_side) {
            return Err(Error::invalid("max_long_side", format!("{} (expected 64..=8192)", self.max_long_side)));
        }
        crate::media::VideoEncodeSettings::new(2, 2, 30.0).crf(self.crf).preset(self.preset.clone()).validate()
    }
}

/// One exported clip, as listed in `clips.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ClipReport {
    /// 1-based rank.
    pub index: usize,
    /// File names inside the output directory.
    pub video: String,
    pub srt: String,
    pub vtt: String,
    /// The styled captions as an ASS script (plays in any ASS player).
    pub ass: String,
    pub start: f64,
    pub end: f64,
    pub duration: f64,
    pub score: f64,
    pub signals: SignalScores,
    pub text: String,
    pub reason: String,
    /// With a non-source aspect: the region of the source shown over time
    /// (source seconds, source pixels) and the layout of each span.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub crop: Vec<crate::reframe::CropKeyframe>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub layout: Vec<crate::reframe::LayoutSpan>,
}

/// What a clips run produced (the content of `clips.json`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ClipsReport {
    pub input: String,
    pub duration: f64,
    pub language: String,
    pub model: String,
    pub aspect: Aspect,
    pub width: u32,
    pub height: u32,
    pub clips: Vec<ClipReport>,
    /// Timeline files written into the output directory (empty when none
    /// were asked for).
    #[serde(default)]
    pub timelines: Vec<String>,
}

impl Engine {
    /// Reframe `input` (or a range of it) to another shape, following faces
    /// and the active speaker (see [`crate::reframe`]).
    pub fn reframe(
        &self,
        input: impl AsRef<Path>,
        output: impl AsRef<Path>,
        job: &crate::reframe::ReframeJob,
        ctl: &RunCtl,
    ) -> Result<crate::reframe::ReframeReport> {
        crate::reframe::reframe_video(input.as_ref(), output.as_ref(), job, self.store(), ctl)
    }

    /// Find the best clips of `input` and export them, with captions, into
    /// `out_dir` as `clip-01.mp4`, `clip-01.srt`, `clip-01.vtt`…, plus
    /// `clips.json` and `transcript.json`.
    pub fn clips(&self, input: impl AsRef<Path>, out_dir: impl AsRef<Path>, job: &ClipsJob, ctl: &RunCtl) -> Result<ClipsReport> {
        let input = input.as_ref();
        let out_dir = out_dir.as_ref();
        job.validate()?;
        ctl.report(Stage::Probe, 0.0, Some(1.0), "files");
        let info = probe(input)?;
        if info.audio.is_none() {
            return Err(Error::missing_stream(input, "audio"));
        }
        if info.duration <= 0.0 {
            return Err(Error::corrupt_media(input, "zero duration"));
        }
        ctl.report(Stage::Probe, 1.0, Some(1.0), "files");
        let transcriber = self.transcriber_with(&job.asr, ctl)?;
        // Streaming: the audio is never held whole, however long the input.
        let reader = AudioReader::open(input, &AudioDecodeOptions::default())?;
        let (transcript, levels) = transcriber.transcribe_reader_with_levels(reader, ctl)?;
        ctl.check()?;
        let scenes = if info.video.is_some() && job.detect_scenes {
            Some(detect_scenes(input, &job.scenes, ctl)?)
        } else {
            None
        };
        ctl.report(Stage::Signals, 0.0, Some(1.0), "steps");
        let clip_config = job.effective_clips();
        let encoder = if clip_config.semantic { Some(self.sentence_encoder_with(ctl)?) } else { None };
        let discovery = Discovery {
            input,
            transcript: &transcript,
            levels: &levels,
            scenes: scenes.as_ref(),
            duration: info.duration,
            encoder: encoder.as_deref(),
        };
        let picks = discover(discovery, &clip_config, ctl)?;
        ctl.report(Stage::Signals, 1.0, Some(1.0), "steps");
        ctl.report(Stage::Rank, 0.0, Some(1.0), "steps");
        ctl.report(Stage::Rank, 1.0, Some(1.0), "steps");

        std::fs::create_dir_all(out_dir).map_err(|e| Error::io(out_dir, e))?;
        let (src_w, src_h) = info.video.as_ref().map(|v| (v.display_width, v.display_height)).unwrap_or((1280, 720));
        let (crop, (width, height)) = job.aspect.crop_for(src_w, src_h, job.max_long_side);
        let preset = job.preset();
        let mut cue_config = job.cues.clone();
        if height > width {
            cue_config.max_chars_per_line = cue_config.max_chars_per_line.min(22);
        }

        let mut clips = Vec::new();
        let total = picks.len() as f64;
        for (i, pick) in picks.iter().enumerate() {
            ctl.check()?;
            let stem = format!("clip-{:02}", i + 1);
            let words = transcript.words_between(pick.start, pick.end);
            let cues: Vec<Cue> = build_cues(&words, &cue_config)?.iter().map(|c| c.shifted(pick.start)).collect();
            let srt = format!("{stem}.srt");
            let vtt = format!("{stem}.vtt");
            write_file(&out_dir.join(&srt), write_srt(&cues).as_bytes())?;
            write_file(&out_dir.join(&vtt), write_vtt(&cues).as_bytes())?;
            let ass = format!("{stem}.ass");
            let script = captions_script(&cues, &preset, width, height)?;
            write_file(&out_dir.join(&ass), script.to_string().as_bytes())?;

            let mut options = ExportOptions::range(pick.start, pick.end).size(width, height).crf(job.crf).preset(job.preset.clone());
            options.crop = crop;
            let video = format!("{stem}.mp4");
            let clip_ctl = clip_progress(ctl, i, total, &stem);
            let captions = if job.burn_captions { script } else { crate::subtitle::Script::new(width, height) };
            let mut burner = SubtitleBurner::new(captions, self.fonts().clone(), job.brand.clone())?;
            let hook: Option<&mut dyn crate::media::FrameHook> =
                if job.burn_captions || job.brand.is_some() { Some(&mut burner) } else { None };
            let plan = crate::reframe::plan_for_clip(input, &info, pick.start, pick.end, job.aspect, job.max_long_side, &job.reframe, self.store(), ctl)?;
            match &plan {
                Some(plan) => crate::reframe::export_planned(input, &out_dir.join(&video), &options, plan, hook, &clip_ctl)?,
                None => export_range(input, out_dir.join(&video), &options, hook, &clip_ctl)?,
            };
            clips.push(ClipReport {
                index: i + 1,
                video,
                srt,
                vtt,
                ass,
                start: pick.start,
                end: pick.end,
                duration: pick.duration(),
                score: pick.score,
                signals: pick.signals.clone(),
                text: pick.text.clone(),
                reason: pick.reason.clone(),
                crop: plan.as_ref().map(|p| p.crop.clone()).unwrap_or_default(),
                layout: plan.map(|p| p.layout).unwrap_or_default(),
            });
        }
        let timelines = write_clip_timelines(input, &info, &picks, &clips, &job.timeline, out_dir)?;
        let report = ClipsReport {
            input: input.display().to_string(),
            duration: info.duration,
            language: transcript.language.clone(),
            model: transcriber.model().name.clone(),
            aspect: job.aspect,
            width,
            height,
            clips,
            timelines,
        };
        write_json(&out_dir.join("transcript.json"), &transcript)?;
        write_json(&out_dir.join("clips.json"), &report)?;
        ctl.report(Stage::Export, total, Some(total), "clips");
        Ok(report)
    }
}

/// The picks' timeline with each clip's crop keyframes and layout spans in
/// its metadata (OTIO keeps them as metadata, MLT as properties).
fn write_clip_timelines(
    input: &Path,
    info: &crate::media::MediaInfo,
    picks: &[crate::clips::ClipCandidate],
    clips: &[ClipReport],
    formats: &[TimelineFormat],
    out_dir: &Path,
) -> Result<Vec<String>> {
    if formats.is_empty() || picks.is_empty() {
        return Ok(Vec::new());
    }
    let mut timeline = crate::clips::picks_timeline(input, info, picks);
    for (range, clip) in timeline.ranges.iter_mut().zip(clips) {
        if !clip.crop.is_empty() {
            range.metadata.insert("crop".into(), serde_json::to_string(&clip.crop).unwrap_or_default());
            range.metadata.insert("layout".into(), serde_json::to_string(&clip.layout).unwrap_or_default());
        }
    }
    let written = crate::timeline::write_timeline(&timeline, formats, out_dir)?;
    Ok(written.iter().filter_map(|p| p.file_name().map(|n| n.to_string_lossy().into_owned())).collect())
}

/// Progress of one clip's export, reported as a share of all clips.
fn clip_progress(ctl: &RunCtl, index: usize, total: f64, name: &str) -> RunCtl {
    let parent = ctl.clone();
    let name = name.to_owned();
    let sink = move |e: &ProgressEvent| {
        let within = e.fraction().unwrap_or(0.0);
        parent.emit(ProgressEvent {
            stage: Stage::Export,
            done: index as f64 + within,
            total: Some(total),
            unit: "clips",
            message: Some(name.clone()),
            rate: None,
            eta: None,
        });
    };
    RunCtl::new(Arc::new(sink), ctl.cancel_token().clone())
}

fn write_file(path: &Path, bytes: &[u8]) -> Result<()> {
    std::fs::write(path, bytes).map_err(|e| Error::io(path, e))
}

fn write_json<T: Serialize>(path: &Path, value: &T) -> Result<()> {
    let json = serde_json::to_vec_pretty(value).map_err(|e| Error::invalid("json", e.to_string()))?;
    write_file(path, &json)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn job_json_round_trips_with_defaults_filled_in() {
        let job: ClipsJob = serde_json::from_str(r#"{"clips": {"top": 2, "weights": {"scene_changes": 0}}, "aspect": "9:16"}"#).unwrap();
        assert_eq!(job.effective_clips().top, 2);
        assert_eq!(job.aspect, Aspect::Portrait);
        assert_eq!(job.asr.model, "tiny.en");
        assert_eq!(job.clips.weights.scene_changes, 0.0);
        assert_eq!(job.clips.weights.energy, 1.0);
        assert_eq!(job.clips.max_duration, 60.0);
        job.validate().unwrap();
        let back: ClipsJob = serde_json::from_str(&serde_json::to_string(&job).unwrap()).unwrap();
        assert_eq!(back, job);
        assert!(ClipsJob { crf: 99, ..ClipsJob::default() }.validate().is_err());
        let styled: ClipsJob = serde_json::from_str(r##"{"style": "karaoke", "brand": {"captions": {"text_color": "#00FF00"}}}"##).unwrap();
        assert_eq!(styled.preset().name, PresetName::Karaoke);
        assert_eq!(styled.preset().text, crate::subtitle::ass::Color::rgb(0, 255, 0));
        assert_eq!(ClipsJob::default().preset().name, PresetName::Bold);
        assert!(serde_json::from_str::<ClipsJob>(r#"{"style": "fancy"}"#).is_err());
    }
}
