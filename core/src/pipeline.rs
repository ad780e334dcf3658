//! The whole job: from a video to captioned clips on disk, as `reelkit clips`
//! runs it. [`Engine`] keeps loaded models between jobs.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};

use crate::aspect::Aspect;
use crate::asr::{AsrConfig, Transcriber, Transcript};
use crate::captions::{build_cues, write_srt, write_vtt, Cue, CueConfig};
use crate::clips::{discover, ClipConfig, Discovery, SignalScores};
use crate::embed::SentenceEncoder;
use crate::error::{Error, Result};
use crate::media::{export_range, probe, AudioDecodeOptions, AudioReader, ExportOptions};
use crate::models::ModelStore;
use crate::progress::{ProgressEvent, RunCtl, Stage};
use crate::scenes::{detect_scenes, SceneConfig};
use crate::subtitle::{captions_script, BrandKit, BurnOptions, FontLibrary, PresetName, SubtitleBurner};
use crate::timeline::TimelineFormat;

/// Everything `reelkit clips` can be told. Serialises to the same JSON in
/// every binding and over HTTP.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct ClipsJob {
    pub asr: AsrConfig,
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
    /// Editor timelines of the picks written beside the clips
    /// (`timeline.otio`, `timeline.fcpxml`, `timeline.edl`, `timeline.mlt`).
    pub timeline: Vec<TimelineFormat>,
}

impl Default for ClipsJob {
    fn default() -> Self {
        Self {
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
            timeline: Vec::new(),
        }
    }
}

impl ClipsJob {
    pub fn top(mut self, n: usize) -> Self {
        self.clips.top = n;
        self
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
    /// Rank by similarity to `query` ("the part about pricing").
    pub fn query(mut self, query: impl Into<String>) -> Self {
        self.clips.query = Some(query.into());
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
        self.asr.validate()?;
        self.clips.validate()?;
        self.cues.validate()?;
        self.preset().validate()?;
        if let Some(kit) = &self.brand {
            kit.validate()?;
        }
        self.scenes.validate()?;
        if !(64..=8192).contains(&self.max_long_side) {
            return Err(Error::invalid("max_long_side", format!("{} (expected 64..=8192)", self.max_long_side)));
        }
        crate::media::VideoEncodeSettings::new(2, 2, 30.0).crf(self.crf).preset(self.preset.clone()).validate()
    }
}

/// One exported clip, as listed in `clips.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
}

/// What a clips run produced (the content of `clips.json`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClipsReport {
    pub input: String,
    pub duration: f64,
    pub language: String,
    pub model: String,
    pub aspect: Aspect,
    pub width: u32,
    pub height: u32,
    pub clips: Vec<ClipReport>,
    /// Timeline files written into the output directory.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub timelines: Vec<String>,
}

/// Loads models once and runs jobs with them.
pub struct Engine {
    store: ModelStore,
    transcribers: Mutex<HashMap<String, Arc<Transcriber>>>,
    encoder: Mutex<Option<Arc<SentenceEncoder>>>,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine").field("models", &self.store.root()).finish()
    }
}

impl Engine {
    pub fn new(store: ModelStore) -> Self {
        Self { store, transcribers: Mutex::new(HashMap::new()), encoder: Mutex::new(None) }
    }

    /// An engine over the default model store (`$REELKIT_MODELS` or
    /// `~/.cache/reelkit/models`).
    pub fn from_env() -> Self {
        Self::new(ModelStore::from_env())
    }

    pub fn store(&self) -> &ModelStore {
        &self.store
    }

    /// A loaded transcriber for `config`, shared between calls.
    pub fn transcriber(&self, config: &AsrConfig) -> Result<Arc<Transcriber>> {
        config.validate()?;
        let key = serde_json::to_string(config).unwrap_or_default();
        let mut cache = self.transcribers.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(t) = cache.get(&key) {
            return Ok(t.clone());
        }
        let t = Arc::new(Transcriber::new(config.clone(), &self.store)?);
        cache.insert(key, t.clone());
        Ok(t)
    }

    /// The sentence encoder (all-MiniLM-L6-v2), loaded once.
    pub fn sentence_encoder(&self) -> Result<Arc<SentenceEncoder>> {
        let mut slot = self.encoder.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(e) = slot.as_ref() {
            return Ok(e.clone());
        }
        let e = Arc::new(SentenceEncoder::load(&self.store)?);
        *slot = Some(e.clone());
        Ok(e)
    }

    /// Transcribe any media file FFmpeg can open.
    pub fn transcribe(&self, input: impl AsRef<Path>, config: &AsrConfig, ctl: &RunCtl) -> Result<Transcript> {
        let input = input.as_ref();
        let info = probe(input)?;
        if info.audio.is_none() {
            return Err(Error::MissingStream { path: input.into(), kind: "audio" });
        }
        let transcriber = self.transcriber(config)?;
        let reader = AudioReader::open(input, &AudioDecodeOptions::default())?;
        transcriber.transcribe_reader(reader, ctl)
    }

    /// Re-time a corrected transcript against `input`'s audio: kept words
    /// keep their times, edited runs are re-timed (and flagged `estimated`).
    pub fn realign(&self, input: impl AsRef<Path>, transcript: &Transcript, edited_text: &str, ctl: &RunCtl) -> Result<Transcript> {
        // Only the audio's levels are needed: measure them while streaming.
        let mut reader = AudioReader::open(input, &AudioDecodeOptions::default())?;
        let mut levels = crate::asr::vad::FrameLevels::new(16_000);
        while let Some(block) = reader.read_block(16_000 * 10)? {
            ctl.check()?;
            levels.push(&block);
        }
        levels.finish();
        crate::asr::align::realign_with_levels(transcript, edited_text, &levels.levels)
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
            return Err(Error::MissingStream { path: input.into(), kind: "audio" });
        }
        if info.duration <= 0.0 {
            return Err(Error::CorruptMedia { path: input.into(), reason: "zero duration".into() });
        }
        ctl.report(Stage::Probe, 1.0, Some(1.0), "files");
        let transcriber = self.transcriber(&job.asr)?;
        // Streaming: the audio is never held whole, however long the input.
        let reader = AudioReader::open(input, &AudioDecodeOptions::default())?;
        let (transcript, levels) = transcriber.transcribe_reader_with_levels(reader, ctl)?;
        ctl.check()?;
        let scenes = if info.video.is_some() && job.detect_scenes {
            Some(detect_scenes(input, &job.scenes, ctl)?)
        } else {
            None
        };
        ctl.report(Stage::Rank, 0.0, Some(1.0), "steps");
        let encoder = if job.clips.semantic { Some(self.sentence_encoder()?) } else { None };
        let discovery = Discovery {
            input,
            transcript: &transcript,
            levels: &levels,
            scenes: scenes.as_ref(),
            duration: info.duration,
            encoder: encoder.as_deref(),
        };
        let picks = discover(discovery, &job.clips, ctl)?;
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
            let mut burner = SubtitleBurner::new(captions, FontLibrary::bundled(), job.brand.clone())?;
            let has_slates = job.brand.as_ref().is_some_and(|k| k.intro.is_some() || k.outro.is_some());
            let hook: Option<&mut dyn crate::media::FrameHook> =
                if job.burn_captions || job.brand.is_some() { Some(&mut burner) } else { None };
            export_range(input, out_dir.join(&video), &options, hook, &clip_ctl)?;
            if has_slates {
                add_slates(&out_dir.join(&video), job, &clip_ctl)?;
            }
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
            });
        }
        let timelines = crate::clips::write_timelines(input, &info, &picks, &job.timeline, out_dir)?;
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

/// Put the brand kit's intro and outro around an exported clip (one more
/// encode of the clip; the watermark is already drawn).
fn add_slates(clip: &Path, job: &ClipsJob, ctl: &RunCtl) -> Result<()> {
    let Some(kit) = &job.brand else { return Ok(()) };
    let mut slates_only = kit.clone();
    slates_only.watermark = None;
    let options = BurnOptions::default().crf(job.crf).preset(job.preset.clone()).brand(slates_only);
    let mut staged = clip.as_os_str().to_owned();
    staged.push(".slates.mp4");
    let staged = std::path::PathBuf::from(staged);
    let empty = crate::subtitle::Script::new(384, 288);
    crate::subtitle::burn(clip, &empty, &staged, &options, ctl)?;
    std::fs::rename(&staged, clip).map_err(|e| Error::io(clip, e))
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
    fn engine_is_shareable_across_threads() {
        fn check<T: Send + Sync>() {}
        check::<Engine>();
    }

    #[test]
    fn job_json_round_trips_with_defaults_filled_in() {
        let job: ClipsJob = serde_json::from_str(r#"{"clips": {"top": 2, "weights": {"scene_changes": 0}}, "aspect": "9:16"}"#).unwrap();
        assert_eq!(job.clips.top, 2);
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
