//! `probe` and the [`Engine`] object with its async calls.

use std::path::PathBuf;
use std::str::FromStr;
use std::sync::Arc;

use reelkit::asr::Device;
use reelkit::models::ModelStore;
use reelkit::{AsrConfig, Aspect, ClipsJob};

use crate::error::ReelkitError;
use crate::progress::{CancelHandle, ProgressObserver};
use crate::task::run_blocking;
use crate::types::{ClipsOptions, ClipsReport, MediaInfo, SubtitleCue, TranscribeOptions, Transcript};

/// Read container, streams, codecs, duration, frame rate, size, rotation and
/// audio format of the file at `path`. Quick (headers only), so synchronous.
#[uniffi::export]
pub fn probe(path: String) -> Result<MediaInfo, ReelkitError> {
    Ok(reelkit::probe(path)?.into())
}

/// Read an SRT or WebVTT file (format chosen from its content); malformed
/// files throw `SubtitleParse` naming the line.
#[uniffi::export]
pub fn read_subtitles(path: String) -> Result<Vec<SubtitleCue>, ReelkitError> {
    Ok(reelkit::subtitle::read_subtitles(path)?.cues.into_iter().map(Into::into).collect())
}

/// The default clips job as pretty JSON: a template for
/// `ClipsOptions.jobJson` listing every setting.
#[uniffi::export]
pub fn default_clips_job_json() -> String {
    serde_json::to_string_pretty(&ClipsJob::default()).unwrap_or_default()
}

/// Loads models once and runs jobs with them. Thread-safe: one engine can
/// serve many concurrent calls.
#[derive(uniffi::Object)]
pub struct Engine {
    inner: Arc<reelkit::Engine>,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.inner.fmt(f)
    }
}

#[uniffi::export]
impl Engine {
    /// An engine over the model store at `models_dir`; `nil` uses
    /// `$REELKIT_MODELS` or `~/.cache/reelkit/models`.
    #[uniffi::constructor(default(models_dir = None))]
    pub fn new(models_dir: Option<String>) -> Arc<Self> {
        let store = match models_dir {
            Some(dir) => ModelStore::at(PathBuf::from(dir)),
            None => ModelStore::from_env(),
        };
        Arc::new(Engine { inner: Arc::new(reelkit::Engine::new(store)) })
    }

    /// Root directory of the model store this engine loads from.
    pub fn models_dir(&self) -> String {
        self.inner.store().root().display().to_string()
    }

    /// Transcribe any media file FFmpeg can open, with word timestamps.
    #[uniffi::method(default(options = None, observer = None, cancel = None))]
    pub async fn transcribe(
        &self,
        path: String,
        options: Option<TranscribeOptions>,
        observer: Option<Arc<dyn ProgressObserver>>,
        cancel: Option<Arc<CancelHandle>>,
    ) -> Result<Transcript, ReelkitError> {
        let config = asr_config(&options.unwrap_or_default())?;
        let engine = self.inner.clone();
        run_blocking("transcribe", observer, cancel, move |ctl| {
            Ok(engine.transcribe(&path, &config, ctl)?.into())
        })
        .await
    }

    /// Re-time a corrected transcript against the audio of `path`: words the
    /// edit kept keep their times, edited runs are re-timed and their words
    /// flagged `estimated`.
    #[uniffi::method(default(observer = None, cancel = None))]
    pub async fn realign(
        &self,
        path: String,
        transcript: Transcript,
        edited_text: String,
        observer: Option<Arc<dyn ProgressObserver>>,
        cancel: Option<Arc<CancelHandle>>,
    ) -> Result<Transcript, ReelkitError> {
        let engine = self.inner.clone();
        let transcript: reelkit::Transcript = transcript.into();
        run_blocking("realign", observer, cancel, move |ctl| {
            Ok(engine.realign(&path, &transcript, &edited_text, ctl)?.into())
        })
        .await
    }

    /// Find the best clips of `input` and export them, with captions, into
    /// `out_dir` as `clip-01.mp4`, `clip-01.srt`, `clip-01.vtt`..., plus
    /// `clips.json` and `transcript.json`.
    #[uniffi::method(default(options = None, observer = None, cancel = None))]
    pub async fn clips(
        &self,
        input: String,
        out_dir: String,
        options: Option<ClipsOptions>,
        observer: Option<Arc<dyn ProgressObserver>>,
        cancel: Option<Arc<CancelHandle>>,
    ) -> Result<ClipsReport, ReelkitError> {
        let job = clips_job(&options.unwrap_or_default())?;
        let engine = self.inner.clone();
        run_blocking("clips", observer, cancel, move |ctl| {
            Ok(engine.clips(&input, &out_dir, &job, ctl)?.into())
        })
        .await
    }

    /// Cut `[start, end)` seconds of `input` into `output` (H.264 + AAC MP4),
    /// frame-accurately. Returns the path written.
    #[uniffi::method(default(observer = None, cancel = None))]
    pub async fn cut(
        &self,
        input: String,
        output: String,
        start: f64,
        end: f64,
        observer: Option<Arc<dyn ProgressObserver>>,
        cancel: Option<Arc<CancelHandle>>,
    ) -> Result<String, ReelkitError> {
        run_blocking("cut", observer, cancel, move |ctl| {
            Ok(reelkit::media::cut(&input, &output, start, end, ctl)?.display().to_string())
        })
        .await
    }
}

fn parse_device(s: &str) -> Result<Device, ReelkitError> {
    match s.trim() {
        "" | "cpu" => Ok(Device::Cpu),
        "cuda" | "gpu" => Ok(Device::Cuda(0)),
        other => other
            .strip_prefix("cuda:")
            .and_then(|n| n.parse().ok())
            .map(Device::Cuda)
            .ok_or_else(|| ReelkitError::invalid("device", format!("`{other}` (expected cpu, cuda or cuda:N)"))),
    }
}

fn asr_config(options: &TranscribeOptions) -> Result<AsrConfig, ReelkitError> {
    let mut config = AsrConfig::default()
        .model(options.model.clone())
        .threads(options.threads as usize)
        .device(parse_device(&options.device)?);
    if let Some(language) = &options.language {
        config = config.language(language.clone());
    }
    if let Some(prompt) = &options.initial_prompt {
        config = config.initial_prompt(prompt.clone());
    }
    if let Some(beam) = options.beam_size {
        config = config.beam_size(beam);
    }
    let timing = serde_json::from_value(serde_json::Value::String(options.word_timing.clone())).map_err(|_| {
        ReelkitError::invalid("word_timing", format!("`{}` (expected hybrid, dtw or tokens)", options.word_timing))
    })?;
    let mut vad = config.vad.clone();
    vad.enabled = options.vad;
    config = config.workers(options.workers as usize).word_timing(timing).vad(vad);
    config.validate()?;
    Ok(config)
}

fn clips_job(options: &ClipsOptions) -> Result<ClipsJob, ReelkitError> {
    let mut job = match &options.job_json {
        Some(json) => serde_json::from_str::<ClipsJob>(json)
            .map_err(|e| ReelkitError::invalid("job_json", e.to_string()))?,
        None => ClipsJob::default(),
    };
    if let Some(top) = options.top {
        job.clips.top = top as usize;
    }
    if let Some(model) = &options.model {
        job.asr.model = model.clone();
    }
    if let Some(language) = &options.language {
        job.asr.language = Some(language.clone());
    }
    if let Some(aspect) = &options.aspect {
        job.aspect = Aspect::from_str(aspect)?;
    }
    if let Some(min) = options.min_duration {
        job.clips.min_duration = min;
    }
    if let Some(max) = options.max_duration {
        job.clips.max_duration = max;
    }
    if let Some(style) = &options.style {
        job.style = Some(style.parse()?);
    }
    if let Some(kit) = &options.brand_kit {
        job.brand = Some(reelkit::subtitle::BrandKit::load(kit)?);
    }
    job.validate()?;
    Ok(job)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_override_the_job_json() {
        let options = ClipsOptions {
            top: Some(1),
            aspect: Some("9:16".into()),
            job_json: Some(r#"{"clips": {"top": 5, "max_duration": 30}, "crf": 23}"#.into()),
            ..ClipsOptions::default()
        };
        let job = clips_job(&options).unwrap();
        assert_eq!(job.clips.top, 1);
        assert_eq!(job.clips.max_duration, 30.0);
        assert_eq!(job.crf, 23);
        assert_eq!(job.aspect, Aspect::Portrait);
    }

    #[test]
    fn bad_options_are_invalid_parameters() {
        let bad_json = ClipsOptions { job_json: Some("{".into()), ..ClipsOptions::default() };
        assert_eq!(clips_job(&bad_json).unwrap_err().code(), "invalid_parameter");
        let bad_aspect = ClipsOptions { aspect: Some("3:2".into()), ..ClipsOptions::default() };
        assert_eq!(clips_job(&bad_aspect).unwrap_err().code(), "invalid_parameter");
        let bad_device = TranscribeOptions { device: "tpu".into(), ..TranscribeOptions::default() };
        assert!(matches!(asr_config(&bad_device), Err(ReelkitError::InvalidParameter { ref name, .. }) if name == "device"));
    }

    #[test]
    fn default_job_json_parses_back() {
        let job: ClipsJob = serde_json::from_str(&default_clips_job_json()).unwrap();
        assert_eq!(job, ClipsJob::default());
    }
}
