//! The process-wide core engine, `run` (any job spec), and the [`Engine`]
//! object whose calls build a job spec and run it.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};

use serde_json::{json, Value};

use reelkit::config::object;
use reelkit::models::ModelStore;
use reelkit::subtitle::SubtitleCue;
use reelkit::{ClipsJob, ClipsReport, JobReport, JobSpec, MediaInfo, RetellReport, RunCtl, Transcript};

use crate::error::ReelkitError;
use crate::options::{ClipsOptions, RetellOptions, TranscribeOptions};
use crate::progress::{CancelHandle, ProgressObserver};
use crate::task::run_blocking;

/// The core engine of the model store at `models_dir` (`None`: the default
/// store). There is one per store for the whole process: every `Engine`
/// and `Synthesizer` object and every free function over the same store
/// shares its loaded models, voices and fonts.
pub(crate) fn shared(models_dir: Option<&str>) -> Arc<reelkit::Engine> {
    static ENGINES: OnceLock<Mutex<HashMap<PathBuf, Arc<reelkit::Engine>>>> = OnceLock::new();
    let store = models_dir.map_or_else(ModelStore::from_env, ModelStore::at);
    let mut engines = ENGINES.get_or_init(Default::default).lock().unwrap_or_else(|e| e.into_inner());
    engines.entry(store.root().to_path_buf()).or_insert_with(|| Arc::new(reelkit::Engine::new(store))).clone()
}

/// A job spec as JSON: `{"kind", "input", "output", "params"}`, unset parts left out.
pub(crate) fn spec(kind: &str, input: &str, output: Option<&str>, params: Value) -> Value {
    object([("kind", json!(kind)), ("input", json!(input)), ("output", json!(output)), ("params", params)])
}

/// Read `spec` strictly (before any work), then run it on a worker thread.
pub(crate) async fn run_spec(
    engine: Arc<reelkit::Engine>,
    spec: Value,
    observer: Option<Arc<dyn ProgressObserver>>,
    cancel: Option<Arc<CancelHandle>>,
) -> Result<JobReport, ReelkitError> {
    let spec = JobSpec::from_value(spec)?;
    spec.validate()?;
    run_blocking(spec.kind().as_str(), observer, cancel, move |ctl| Ok(engine.run(&spec, ctl)?)).await
}

/// The report of the kind a sugar call ran.
macro_rules! report_of {
    ($report:expr, $kind:ident) => {
        match $report {
            reelkit::JobReport::$kind(inner) => Ok(inner),
            other => Err($crate::error::ReelkitError::internal(format!("a {} job reported {}", stringify!($kind), other.kind()))),
        }
    };
}
pub(crate) use report_of;

/// Run any job: `specJson` is `{"kind", "input", "output", "params"}` (the
/// JSON Schema is `jobSchemaJson()`); returns the report as JSON
/// (`{"kind": ..., ...}`), exactly what `reelkit run` prints. Runs on the
/// process-wide engine of the default model store.
#[uniffi::export(default(observer = None, cancel = None))]
pub async fn run(
    spec_json: String,
    observer: Option<Arc<dyn ProgressObserver>>,
    cancel: Option<Arc<CancelHandle>>,
) -> Result<String, ReelkitError> {
    run_json(shared(None), &spec_json, observer, cancel).await
}

async fn run_json(
    engine: Arc<reelkit::Engine>,
    spec_json: &str,
    observer: Option<Arc<dyn ProgressObserver>>,
    cancel: Option<Arc<CancelHandle>>,
) -> Result<String, ReelkitError> {
    let spec = reelkit::config::from_json::<Value>(spec_json, "")?;
    let report = run_spec(engine, spec, observer, cancel).await?;
    Ok(crate::json::to_json(&report))
}

/// The JSON Schema (draft 2020-12) of job specs and reports.
#[uniffi::export]
pub fn job_schema_json() -> String {
    reelkit::job::schema::job_schema_json()
}

/// Read container, streams, codecs, duration, frame rate, size, rotation and
/// audio format of the file at `path`. Quick (headers only), so synchronous.
#[uniffi::export]
pub fn probe(path: String) -> Result<MediaInfo, ReelkitError> {
    let spec = JobSpec::from_value(spec("probe", &path, None, json!({})))?;
    report_of!(shared(None).run(&spec, &RunCtl::default())?, Probe)
}

/// Read an SRT or WebVTT file (format chosen from its content); malformed
/// files throw `SubtitleParse` naming the line.
#[uniffi::export]
pub fn read_subtitles(path: String) -> Result<Vec<SubtitleCue>, ReelkitError> {
    Ok(reelkit::subtitle::read_subtitles(path)?.cues)
}

/// The default params of a clips job as pretty JSON: a template for
/// `ClipsOptions.jobJson` listing every setting.
#[uniffi::export]
pub fn default_clips_job_json() -> String {
    serde_json::to_string_pretty(&ClipsJob::default()).unwrap_or_default()
}

/// Loads models once and runs jobs with them. Thread-safe: one engine can
/// serve many concurrent calls. Engines over the same model store share one
/// core engine.
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
    /// The engine of the model store at `models_dir`; `nil` uses
    /// `$REELKIT_MODELS` or `~/.cache/reelkit/models`.
    #[uniffi::constructor(default(models_dir = None))]
    pub fn new(models_dir: Option<String>) -> Arc<Self> {
        Arc::new(Engine { inner: shared(models_dir.as_deref()) })
    }

    /// Root directory of the model store this engine loads from.
    pub fn models_dir(&self) -> String {
        self.inner.store().root().display().to_string()
    }

    /// Run any job on this engine (see the free function `run`).
    #[uniffi::method(default(observer = None, cancel = None))]
    pub async fn run(
        &self,
        spec_json: String,
        observer: Option<Arc<dyn ProgressObserver>>,
        cancel: Option<Arc<CancelHandle>>,
    ) -> Result<String, ReelkitError> {
        run_json(self.inner.clone(), &spec_json, observer, cancel).await
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
        let params = json!({"asr": options.unwrap_or_default().asr()?});
        let report = run_spec(self.inner.clone(), spec("transcribe", &path, None, params), observer, cancel).await?;
        Ok(report_of!(report, Transcribe)?.transcript)
    }

    /// Re-time a corrected transcript against the audio of `path`: words the
    /// edit kept keep their times, edited runs are re-timed and their words
    /// flagged `estimated`. (Not a job: the transcript and the text are in
    /// memory, not files.)
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
        run_blocking("realign", observer, cancel, move |ctl| Ok(engine.realign(&path, &transcript, &edited_text, ctl)?))
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
        let params = options.unwrap_or_default().params()?;
        let report = run_spec(self.inner.clone(), spec("clips", &input, Some(&out_dir), params), observer, cancel).await?;
        report_of!(report, Clips)
    }

    /// Retell `input` in about `minutes` minutes into `out_dir`: chapters
    /// are found, a narration written and spoken over the best shots of
    /// each chapter, rendered once as `retell.mp4`, with `retell.srt`, the
    /// editable script `retell.json` and the timeline `retell.otio`.
    #[uniffi::method(default(minutes = 5.0, options = None, observer = None, cancel = None))]
    pub async fn retell(
        &self,
        input: String,
        out_dir: String,
        minutes: f64,
        options: Option<RetellOptions>,
        observer: Option<Arc<dyn ProgressObserver>>,
        cancel: Option<Arc<CancelHandle>>,
    ) -> Result<RetellReport, ReelkitError> {
        let params = options.unwrap_or_default().params(minutes)?;
        let report = run_spec(self.inner.clone(), spec("retell", &input, Some(&out_dir), params), observer, cancel).await?;
        report_of!(report, Retell)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_core_engine_per_store() {
        let a = Engine::new(Some("/nonexistent/models-a".into()));
        let b = Engine::new(Some("/nonexistent/models-a".into()));
        let c = Engine::new(Some("/nonexistent/models-c".into()));
        assert!(Arc::ptr_eq(&a.inner, &b.inner));
        assert!(!Arc::ptr_eq(&a.inner, &c.inner));
    }

    #[test]
    fn default_job_json_is_a_clips_job() {
        let params: Value = serde_json::from_str(&default_clips_job_json()).unwrap();
        let spec = JobSpec::from_value(spec("clips", "a.mp4", Some("out"), params)).unwrap();
        assert_eq!(spec.kind(), reelkit::JobKind::Clips);
    }
}
