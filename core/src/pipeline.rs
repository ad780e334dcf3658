//! The whole job: from a video to captioned clips on disk, as `reelkit clips`
//! runs it. [`Engine`] keeps loaded models between jobs.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};

use crate::aspect::Aspect;
use crate::asr::{AsrConfig, Transcriber, Transcript};
use crate::captions::{build_cues, write_srt, write_vtt, CaptionRenderer, CaptionStyle, Cue, CueConfig, Overlay};
use crate::clips::{find_clips, ClipConfig, EnergyTrack, SignalScores, Signals};
use crate::error::{Error, Result};
use crate::media::{decode_audio, export_range, probe, AudioDecodeOptions, ExportOptions, RgbFrame};
use crate::models::ModelStore;
use crate::progress::{ProgressEvent, RunCtl, Stage};
use crate::scenes::{detect_scenes, SceneConfig};

/// Everything `reelkit clips` can be told. Serialises to the same JSON in
/// every binding and over HTTP.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct ClipsJob {
    pub asr: AsrConfig,
    pub clips: ClipConfig,
    pub cues: CueConfig,
    pub style: CaptionStyle,
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
}

impl Default for ClipsJob {
    fn default() -> Self {
        Self {
            asr: AsrConfig::default(),
            clips: ClipConfig::default(),
            cues: CueConfig::default(),
            style: CaptionStyle::default(),
            scenes: SceneConfig::default(),
            aspect: Aspect::Source,
            max_long_side: 1920,
            burn_captions: true,
            detect_scenes: true,
            crf: 20,
            preset: "veryfast".into(),
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

    pub fn validate(&self) -> Result<()> {
        self.asr.validate()?;
        self.clips.validate()?;
        self.cues.validate()?;
        self.style.validate()?;
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
}

/// Loads models once and runs jobs with them.
pub struct Engine {
    store: ModelStore,
    transcribers: Mutex<HashMap<String, Arc<Transcriber>>>,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine").field("models", &self.store.root()).finish()
    }
}

impl Engine {
    pub fn new(store: ModelStore) -> Self {
        Self { store, transcribers: Mutex::new(HashMap::new()) }
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

    /// Transcribe any media file FFmpeg can open.
    pub fn transcribe(&self, input: impl AsRef<Path>, config: &AsrConfig, ctl: &RunCtl) -> Result<Transcript> {
        let input = input.as_ref();
        let info = probe(input)?;
        if info.audio.is_none() {
            return Err(Error::MissingStream { path: input.into(), kind: "audio" });
        }
        let transcriber = self.transcriber(config)?;
        let audio = decode_audio(input, &AudioDecodeOptions::default(), ctl)?;
        transcriber.transcribe(&audio, ctl)
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
        let audio = decode_audio(input, &AudioDecodeOptions::default(), ctl)?;
        ctl.check()?;
        let transcript = transcriber.transcribe(&audio, ctl)?;
        ctl.check()?;
        let scenes = if info.video.is_some() && job.detect_scenes {
            Some(detect_scenes(input, &job.scenes, ctl)?)
        } else {
            None
        };
        ctl.report(Stage::Rank, 0.0, Some(1.0), "steps");
        let energy = EnergyTrack::measure(&audio, 0.1);
        let picks = find_clips(
            Signals { transcript: &transcript, energy: &energy, scenes: scenes.as_ref(), duration: info.duration },
            &job.clips,
        )?;
        ctl.report(Stage::Rank, 1.0, Some(1.0), "steps");

        std::fs::create_dir_all(out_dir).map_err(|e| Error::io(out_dir, e))?;
        let (src_w, src_h) = info.video.as_ref().map(|v| (v.display_width, v.display_height)).unwrap_or((1280, 720));
        let (crop, (width, height)) = job.aspect.crop_for(src_w, src_h, job.max_long_side);
        let renderer = CaptionRenderer::new(job.style.clone())?;
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

            let mut options = ExportOptions::range(pick.start, pick.end).size(width, height).crf(job.crf).preset(job.preset.clone());
            options.crop = crop;
            let video = format!("{stem}.mp4");
            let clip_ctl = clip_progress(ctl, i, total, &stem);
            let mut burner = CaptionBurner::new(&renderer, &cues);
            let hook: Option<&mut dyn crate::media::FrameHook> = if job.burn_captions { Some(&mut burner) } else { None };
            export_range(input, out_dir.join(&video), &options, hook, &clip_ctl)?;
            clips.push(ClipReport {
                index: i + 1,
                video,
                srt,
                vtt,
                start: pick.start,
                end: pick.end,
                duration: pick.duration(),
                score: pick.score,
                signals: pick.signals.clone(),
                text: pick.text.clone(),
                reason: pick.reason.clone(),
            });
        }
        let report = ClipsReport {
            input: input.display().to_string(),
            duration: info.duration,
            language: transcript.language.clone(),
            model: transcriber.model().name.clone(),
            aspect: job.aspect,
            width,
            height,
            clips,
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

/// Burns cues into frames, rendering each cue once per frame size.
pub struct CaptionBurner<'a> {
    renderer: &'a CaptionRenderer,
    cues: &'a [Cue],
    cached: Option<(usize, (u32, u32), Option<Overlay>)>,
}

impl<'a> CaptionBurner<'a> {
    pub fn new(renderer: &'a CaptionRenderer, cues: &'a [Cue]) -> Self {
        Self { renderer, cues, cached: None }
    }

    /// Draw the cue active at `time` (if any) onto `frame`.
    pub fn burn(&mut self, frame: &mut RgbFrame, time: f64) -> Result<()> {
        let Some(index) = self.cues.iter().position(|c| time >= c.start && time < c.end) else { return Ok(()) };
        let size = (frame.width, frame.height);
        let fresh = !matches!(&self.cached, Some((i, s, _)) if *i == index && *s == size);
        if fresh {
            let overlay = self.renderer.render(&self.cues[index].lines, frame.width, frame.height)?;
            self.cached = Some((index, size, overlay));
        }
        if let Some((_, _, Some(overlay))) = &self.cached {
            overlay.composite_onto(frame);
        }
        Ok(())
    }
}

impl crate::media::FrameHook for CaptionBurner<'_> {
    fn apply(&mut self, frame: &mut RgbFrame, time: f64) -> Result<()> {
        self.burn(frame, time)
    }
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
    }
}
