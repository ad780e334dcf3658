//! `reelkit.pipeline`: the [`Engine`] that keeps models loaded, and the
//! module-level `transcribe` / `clips` / `models_*` that use one shared
//! engine per process.

use std::path::PathBuf;
use std::sync::{Arc, LazyLock};

use pyo3::prelude::*;
use reelkit::asr::{Device, WordTiming};
use reelkit::models::{FetchEvent, ModelStore};
use reelkit::{Aspect, AsrConfig, ClipsJob};

use crate::asr::Transcript;
use crate::errors;
use crate::json;
use crate::progress::{run, CancelToken, ProgressEvent};

/// The engine behind the module-level functions: models load once per process.
static DEFAULT_ENGINE: LazyLock<Arc<reelkit::Engine>> =
    LazyLock::new(|| Arc::new(reelkit::Engine::from_env()));

/// Loads models once and runs jobs with them.
///
/// ``Engine()`` uses the default model store (``$REELKIT_MODELS`` or
/// ``~/.cache/reelkit/models``); ``Engine(models_dir)`` uses another one. The
/// module-level functions share one engine over the default store.
#[pyclass(module = "reelkit", frozen)]
pub struct Engine {
    inner: Arc<reelkit::Engine>,
}

#[pymethods]
impl Engine {
    #[new]
    #[pyo3(signature = (models_dir = None))]
    fn new(models_dir: Option<PathBuf>) -> Self {
        let inner = match models_dir {
            Some(dir) => reelkit::Engine::new(ModelStore::at(dir)),
            None => reelkit::Engine::from_env(),
        };
        Self {
            inner: Arc::new(inner),
        }
    }

    /// The model store directory.
    #[getter]
    fn models_dir(&self) -> String {
        self.inner.store().root().display().to_string()
    }

    /// Transcribe any media file FFmpeg can open, with word timestamps.
    #[pyo3(signature = (path, model = "tiny.en", language = None, threads = 0, progress = None, cancel = None, *, device = "cpu", initial_prompt = None, beam_size = None, workers = 1, vad = true, word_timing = "hybrid"))]
    #[allow(clippy::too_many_arguments)]
    fn transcribe(
        &self,
        py: Python<'_>,
        path: PathBuf,
        model: &str,
        language: Option<String>,
        threads: usize,
        progress: Option<&Bound<'_, PyAny>>,
        cancel: Option<&CancelToken>,
        device: &str,
        initial_prompt: Option<String>,
        beam_size: Option<u32>,
        workers: usize,
        vad: bool,
        word_timing: &str,
    ) -> PyResult<Transcript> {
        let options = AsrOptions {
            model: model.to_owned(),
            language,
            threads,
            device,
            initial_prompt,
            beam_size,
            workers,
            vad,
            word_timing,
        };
        transcribe_with(py, &self.inner, path, options, progress, cancel)
    }

    /// Re-time a corrected transcript against the audio of ``path``.
    #[pyo3(signature = (path, transcript, edited_text, progress = None, cancel = None))]
    fn realign(
        &self,
        py: Python<'_>,
        path: PathBuf,
        transcript: &Bound<'_, PyAny>,
        edited_text: String,
        progress: Option<&Bound<'_, PyAny>>,
        cancel: Option<&CancelToken>,
    ) -> PyResult<Transcript> {
        realign_with(py, &self.inner, path, transcript, edited_text, progress, cancel)
    }

    /// Find the best clips of ``input`` and export them with captions into
    /// ``out_dir``; returns the report also written to ``clips.json``.
    #[pyo3(signature = (input, out_dir, top = None, *, model = None, aspect = None, min_duration = None, max_duration = None, options = None, progress = None, cancel = None))]
    #[allow(clippy::too_many_arguments)]
    fn clips<'py>(
        &self,
        py: Python<'py>,
        input: PathBuf,
        out_dir: PathBuf,
        top: Option<usize>,
        model: Option<String>,
        aspect: Option<String>,
        min_duration: Option<f64>,
        max_duration: Option<f64>,
        options: Option<&Bound<'py, PyAny>>,
        progress: Option<&Bound<'py, PyAny>>,
        cancel: Option<&CancelToken>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let overrides = ClipsOverrides {
            top,
            model,
            aspect,
            min_duration,
            max_duration,
        };
        clips_with(
            py,
            &self.inner,
            input,
            out_dir,
            overrides,
            options,
            progress,
            cancel,
        )
    }

    /// Every known model with its install state in this engine's store.
    fn models_list<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        json::to_py(py, &self.inner.store().list())
    }

    /// Download, verify and install models into this engine's store
    /// (default: every default model).
    #[pyo3(signature = (ids = None, progress = None, cancel = None))]
    fn models_fetch<'py>(
        &self,
        py: Python<'py>,
        ids: Option<Vec<String>>,
        progress: Option<&Bound<'py, PyAny>>,
        cancel: Option<&CancelToken>,
    ) -> PyResult<Bound<'py, PyAny>> {
        models_fetch_with(py, self.inner.store(), ids, progress, cancel)
    }

    fn __repr__(&self) -> String {
        format!(
            "Engine(models_dir={})",
            crate::repr::string(&self.models_dir())
        )
    }
}

struct AsrOptions<'a> {
    model: String,
    language: Option<String>,
    threads: usize,
    device: &'a str,
    initial_prompt: Option<String>,
    beam_size: Option<u32>,
    workers: usize,
    vad: bool,
    word_timing: &'a str,
}

fn parse_device(py: Python<'_>, device: &str) -> PyResult<Device> {
    match device {
        "cpu" => Ok(Device::Cpu),
        "cuda" | "gpu" => Ok(Device::Cuda(0)),
        other => other
            .strip_prefix("cuda:")
            .and_then(|n| n.parse().ok())
            .map(Device::Cuda)
            .ok_or_else(|| {
                errors::invalid_parameter(
                    py,
                    "device",
                    format!("`{other}` (expected cpu, cuda or cuda:N)"),
                )
            }),
    }
}

fn transcribe_with(
    py: Python<'_>,
    engine: &reelkit::Engine,
    path: PathBuf,
    o: AsrOptions<'_>,
    progress: Option<&Bound<'_, PyAny>>,
    cancel: Option<&CancelToken>,
) -> PyResult<Transcript> {
    let mut config = AsrConfig::default()
        .model(o.model)
        .threads(o.threads)
        .device(parse_device(py, o.device)?);
    if let Some(language) = o.language {
        config = config.language(language);
    }
    if let Some(prompt) = o.initial_prompt {
        config = config.initial_prompt(prompt);
    }
    if let Some(beam) = o.beam_size {
        config = config.beam_size(beam);
    }
    let timing: WordTiming = serde_json::from_value(serde_json::Value::String(o.word_timing.to_owned()))
        .map_err(|_| errors::invalid_parameter(py, "word_timing", format!("`{}` (expected hybrid, dtw or tokens)", o.word_timing)))?;
    let mut vad = config.vad.clone();
    vad.enabled = o.vad;
    config = config.workers(o.workers).word_timing(timing).vad(vad);
    let transcript = run(py, progress, cancel, |w| {
        engine.transcribe(&path, &config, w.ctl())
    })?;
    Transcript::new(py, transcript)
}

/// Explicit `clips()` arguments; each one given overrides `options`.
struct ClipsOverrides {
    top: Option<usize>,
    model: Option<String>,
    aspect: Option<String>,
    min_duration: Option<f64>,
    max_duration: Option<f64>,
}

/// The job from a partial `ClipsJob` dict, with the explicit arguments on top.
fn clips_job(
    options: Option<&Bound<'_, PyAny>>,
    o: ClipsOverrides,
) -> PyResult<ClipsJob> {
    let mut job: ClipsJob = json::config_from(options, "options")?;
    if let Some(top) = o.top {
        job.clips.top = top;
    }
    if let Some(model) = o.model {
        job.asr.model = model;
    }
    if let Some(aspect) = o.aspect {
        job.aspect = aspect.parse::<Aspect>().map_err(errors::to_py)?;
    }
    if let Some(min) = o.min_duration {
        job.clips.min_duration = min;
    }
    if let Some(max) = o.max_duration {
        job.clips.max_duration = max;
    }
    job.validate().map_err(errors::to_py)?;
    Ok(job)
}

#[allow(clippy::too_many_arguments)]
fn clips_with<'py>(
    py: Python<'py>,
    engine: &reelkit::Engine,
    input: PathBuf,
    out_dir: PathBuf,
    overrides: ClipsOverrides,
    options: Option<&Bound<'py, PyAny>>,
    progress: Option<&Bound<'py, PyAny>>,
    cancel: Option<&CancelToken>,
) -> PyResult<Bound<'py, PyAny>> {
    let job = clips_job(options, overrides)?;
    let report = run(py, progress, cancel, |w| {
        engine.clips(&input, &out_dir, &job, w.ctl())
    })?;
    json::to_py(py, &report)
}

fn fetch_event(event: &FetchEvent) -> ProgressEvent {
    let (id, what, done, total) = match event {
        FetchEvent::Resolving { id } => (id, "resolving", 0.0, None),
        FetchEvent::Downloading { id, done, total } => {
            (id, "downloading", *done as f64, total.map(|t| t as f64))
        }
        FetchEvent::Verifying { id } => (id, "verifying", 0.0, None),
        FetchEvent::Unpacking { id } => (id, "unpacking", 0.0, None),
        FetchEvent::Converting { id } => (id, "converting", 0.0, None),
        FetchEvent::Ready { id, .. } => (id, "ready", 1.0, Some(1.0)),
        FetchEvent::AlreadyPresent { id } => (id, "already present", 1.0, Some(1.0)),
    };
    ProgressEvent::new("fetch", done, total, "bytes", Some(format!("{id}: {what}")))
}

fn models_fetch_with<'py>(
    py: Python<'py>,
    store: &ModelStore,
    ids: Option<Vec<String>>,
    progress: Option<&Bound<'py, PyAny>>,
    cancel: Option<&CancelToken>,
) -> PyResult<Bound<'py, PyAny>> {
    let ids = ids.unwrap_or_default();
    let statuses = run(py, progress, cancel, |w| {
        let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
        let token = w.ctl().cancel_token().clone();
        store
            .fetch(&ids, &mut |event| w.report(fetch_event(&event)), &|| {
                token.is_cancelled()
            })
            .map_err(reelkit::Error::from)
    })?;
    json::to_py(py, &statuses)
}

/// Transcribe any media file FFmpeg can open, with word timestamps.
#[pyfunction]
#[pyo3(signature = (path, model = "tiny.en", language = None, threads = 0, progress = None, cancel = None, *, device = "cpu", initial_prompt = None, beam_size = None, workers = 1, vad = true, word_timing = "hybrid"))]
#[allow(clippy::too_many_arguments)]
pub fn transcribe(
    py: Python<'_>,
    path: PathBuf,
    model: &str,
    language: Option<String>,
    threads: usize,
    progress: Option<&Bound<'_, PyAny>>,
    cancel: Option<&CancelToken>,
    device: &str,
    initial_prompt: Option<String>,
    beam_size: Option<u32>,
    workers: usize,
    vad: bool,
    word_timing: &str,
) -> PyResult<Transcript> {
    let options = AsrOptions {
        model: model.to_owned(),
        language,
        threads,
        device,
        initial_prompt,
        beam_size,
        workers,
        vad,
        word_timing,
    };
    transcribe_with(py, &DEFAULT_ENGINE, path, options, progress, cancel)
}

/// The core transcript behind a ``Transcript`` object or its ``to_dict()``.
fn core_transcript(py: Python<'_>, transcript: &Bound<'_, PyAny>) -> PyResult<reelkit::Transcript> {
    if let Ok(t) = transcript.cast::<Transcript>() {
        return Ok(t.borrow().inner().clone());
    }
    let value = json::from_py(transcript, "transcript")?;
    serde_json::from_value(value).map_err(|e| errors::invalid_parameter(py, "transcript", e.to_string()))
}

fn realign_with(
    py: Python<'_>,
    engine: &reelkit::Engine,
    path: PathBuf,
    transcript: &Bound<'_, PyAny>,
    edited_text: String,
    progress: Option<&Bound<'_, PyAny>>,
    cancel: Option<&CancelToken>,
) -> PyResult<Transcript> {
    let transcript = core_transcript(py, transcript)?;
    let aligned = run(py, progress, cancel, |w| engine.realign(&path, &transcript, &edited_text, w.ctl()))?;
    Transcript::new(py, aligned)
}

/// Re-time a corrected transcript against the audio of ``path``: words the
/// edit kept keep their times, edited runs are re-timed and flagged
/// ``estimated``.
#[pyfunction]
#[pyo3(signature = (path, transcript, edited_text, progress = None, cancel = None))]
pub fn realign(
    py: Python<'_>,
    path: PathBuf,
    transcript: &Bound<'_, PyAny>,
    edited_text: String,
    progress: Option<&Bound<'_, PyAny>>,
    cancel: Option<&CancelToken>,
) -> PyResult<Transcript> {
    realign_with(py, &DEFAULT_ENGINE, path, transcript, edited_text, progress, cancel)
}

/// Find the best clips of ``input`` and export them with captions into
/// ``out_dir``; returns the report also written to ``clips.json``.
#[pyfunction]
#[pyo3(signature = (input, out_dir, top = None, *, model = None, aspect = None, min_duration = None, max_duration = None, options = None, progress = None, cancel = None))]
#[allow(clippy::too_many_arguments)]
pub fn clips<'py>(
    py: Python<'py>,
    input: PathBuf,
    out_dir: PathBuf,
    top: Option<usize>,
    model: Option<String>,
    aspect: Option<String>,
    min_duration: Option<f64>,
    max_duration: Option<f64>,
    options: Option<&Bound<'py, PyAny>>,
    progress: Option<&Bound<'py, PyAny>>,
    cancel: Option<&CancelToken>,
) -> PyResult<Bound<'py, PyAny>> {
    let overrides = ClipsOverrides {
        top,
        model,
        aspect,
        min_duration,
        max_duration,
    };
    clips_with(
        py,
        &DEFAULT_ENGINE,
        input,
        out_dir,
        overrides,
        options,
        progress,
        cancel,
    )
}

/// Every known model with its install state.
#[pyfunction]
pub fn models_list(py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
    json::to_py(py, &DEFAULT_ENGINE.store().list())
}

/// Download, verify and install models (default: every default model).
#[pyfunction]
#[pyo3(signature = (ids = None, progress = None, cancel = None))]
pub fn models_fetch<'py>(
    py: Python<'py>,
    ids: Option<Vec<String>>,
    progress: Option<&Bound<'py, PyAny>>,
    cancel: Option<&CancelToken>,
) -> PyResult<Bound<'py, PyAny>> {
    models_fetch_with(py, DEFAULT_ENGINE.store(), ids, progress, cancel)
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Engine>()?;
    m.add_function(pyo3::wrap_pyfunction!(transcribe, m)?)?;
    m.add_function(pyo3::wrap_pyfunction!(realign, m)?)?;
    m.add_function(pyo3::wrap_pyfunction!(clips, m)?)?;
    m.add_function(pyo3::wrap_pyfunction!(models_list, m)?)?;
    m.add_function(pyo3::wrap_pyfunction!(models_fetch, m)?)?;
    Ok(())
}
