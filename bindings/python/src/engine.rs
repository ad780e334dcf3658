//! `Engine`: the core engine (models, voices and fonts loaded once) and the
//! calls that use what it holds: `run` (any job), `transcribe`, `realign`,
//! `clips`, the model store, speech synthesis and dubbing.
//!
//! One engine serves the whole process: ``Engine()`` wraps it, and the
//! module-level `run`, `transcribe`, `clips`, `tts`... are the methods of
//! that shared engine (registered in [`register`]), so they exist once.

use std::path::PathBuf;
use std::sync::{Arc, LazyLock};

use pyo3::prelude::*;
use reelkit::audio::DubJob;
use reelkit::tts::TtsConfig;
use reelkit::{config, ClipsJob, EngineConfig, JobReport, JobSpec};
use serde_json::{json, Value};

use crate::convert::{self, finite, section};
use crate::errors;
use crate::progress::{run, CancelToken};
use crate::records::{Speech, Transcript};

/// The engine of the process: models load once, on first use.
static SHARED: LazyLock<Arc<reelkit::Engine>> =
    LazyLock::new(|| Arc::new(reelkit::Engine::from_env()));

/// The process-wide engine, for calls that are not `Engine` methods.
pub fn shared() -> &'static reelkit::Engine {
    &SHARED
}

/// Run `spec` on `engine` with the GIL released.
pub fn run_job(
    py: Python<'_>,
    engine: &reelkit::Engine,
    spec: &JobSpec,
    progress: Option<&Bound<'_, PyAny>>,
    cancel: Option<&CancelToken>,
) -> PyResult<JobReport> {
    run(py, progress, cancel, |ctl| engine.run(spec, ctl))
}

/// The report of the kind a call ran: `report_of!(report, Clips)`.
macro_rules! report_of {
    ($report:expr, $kind:ident) => {
        match $report {
            reelkit::JobReport::$kind(inner) => inner,
            other => {
                let reason = format!("a {} job reported {}", stringify!($kind), other.kind());
                return Err($crate::errors::to_py(reelkit::Error::internal(reason)));
            }
        }
    };
}
pub(crate) use report_of;

/// Loads models once and runs jobs with them.
///
/// ``Engine()`` is the engine the module-level functions use (the default
/// model store: ``$REELKIT_MODELS`` or ``~/.cache/reelkit/models``).
/// ``Engine(models_dir)`` (or ``fonts_dir=``, ``voices_dir=``) makes another;
/// ``allow_playlists=True`` lets its jobs take an HLS playlist of local
/// segments as input (files outside the playlist's folder stay refused).
#[pyclass(module = "reelkit", frozen)]
pub struct Engine {
    inner: Arc<reelkit::Engine>,
}

#[pymethods]
impl Engine {
    #[new]
    #[pyo3(signature = (models_dir = None, *, fonts_dir = None, voices_dir = None, allow_playlists = false))]
    fn new(
        py: Python<'_>,
        models_dir: Option<PathBuf>,
        fonts_dir: Option<PathBuf>,
        voices_dir: Option<PathBuf>,
        allow_playlists: bool,
    ) -> PyResult<Self> {
        if models_dir.is_none() && fonts_dir.is_none() && voices_dir.is_none() && !allow_playlists {
            return Ok(Self {
                inner: SHARED.clone(),
            });
        }
        let mut config = EngineConfig::default();
        config.models_dir = models_dir;
        config.fonts_dir = fonts_dir;
        config.voices_dir = voices_dir;
        config.allow_playlists = allow_playlists;
        // Reads the fonts folder now (a bad one fails here, not mid-job).
        let engine = py
            .detach(|| reelkit::Engine::with_config(&config))
            .map_err(errors::to_py)?;
        Ok(Self {
            inner: Arc::new(engine),
        })
    }

    /// The model store directory.
    #[getter]
    fn models_dir(&self) -> String {
        self.inner.store().root().display().to_string()
    }

    /// Run any job: ``spec`` is ``{"kind", "input", "output", "params"}``
    /// exactly as ``reelkit run`` reads it (see ``reelkit schema``). Returns
    /// the job's report, ``{"kind": ..., ...}``. Unknown keys are refused
    /// with :class:`InvalidConfigError` naming their dotted path.
    #[pyo3(signature = (spec, progress = None, cancel = None))]
    fn run<'py>(
        &self,
        py: Python<'py>,
        spec: &Bound<'py, PyAny>,
        progress: Option<&Bound<'py, PyAny>>,
        cancel: Option<&CancelToken>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let spec = JobSpec::from_value(convert::to_json(spec, "")?).map_err(errors::to_py)?;
        convert::to_py(py, &run_job(py, &self.inner, &spec, progress, cancel)?)
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
        let device: reelkit::Device = device.parse().map_err(errors::to_py)?;
        let asr = config::object([
            ("model", json!(model)),
            ("language", json!(language)),
            ("threads", json!(threads)),
            ("device", json!(device)),
            ("initial_prompt", json!(initial_prompt)),
            ("beam_size", json!(beam_size)),
            ("workers", json!(workers)),
            ("vad", json!({"enabled": vad})),
            ("word_timing", json!(word_timing)),
        ]);
        let spec = convert::job("transcribe", Some(&path), None, json!({"asr": asr}))?;
        let report = report_of!(
            run_job(py, &self.inner, &spec, progress, cancel)?,
            Transcribe
        );
        Ok(Transcript(report.transcript))
    }

    /// Re-time a corrected transcript against the audio of ``path``: words
    /// the edit kept keep their times, edited runs are re-timed and flagged
    /// ``estimated``.
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
        // An `align` job reads files; this call takes the text and transcript
        // as values, so it calls the typed stage directly.
        let transcript = match transcript.cast::<Transcript>() {
            Ok(t) => t.get().0.clone(),
            Err(_) => config::from_value(convert::to_json(transcript, "transcript")?, "transcript")
                .map_err(errors::to_py)?,
        };
        let aligned = run(py, progress, cancel, |ctl| {
            self.inner.realign(&path, &transcript, &edited_text, ctl)
        })?;
        Ok(Transcript(aligned))
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
        let overrides = config::object([
            ("top", json!(top)),
            ("asr", config::object([("model", json!(model))])),
            ("aspect", json!(aspect)),
            ("min_duration", finite("min_duration", min_duration)?),
            ("max_duration", finite("max_duration", max_duration)?),
        ]);
        let params = config::merge(section::<ClipsJob>(options, "options")?, overrides);
        let spec = convert::job("clips", Some(&input), Some(&out_dir), params)?;
        let report = report_of!(run_job(py, &self.inner, &spec, progress, cancel)?, Clips);
        convert::to_py(py, &report)
    }

    /// Every known model with its install state in this engine's store.
    fn models_list<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        convert::to_py(py, &self.inner.store().list())
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
        let ids = ids.unwrap_or_default();
        let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
        let statuses = run(py, progress, cancel, |ctl| {
            self.inner.fetch_models(&ids, ctl)
        })?;
        convert::to_py(py, &statuses)
    }

    /// Speak ``text`` and return the audio. ``options`` takes any other
    /// ``TtsConfig`` field (``noise_scale``, ``length_scale``, ``noise_w``,
    /// ``sentence_pause``, ``markup``...). Equal seeds give identical audio.
    #[pyo3(signature = (text, voice = "joe", *, speaker = None, rate = 1.0, seed = 0, options = None, progress = None, cancel = None))]
    #[allow(clippy::too_many_arguments)]
    fn synthesize(
        &self,
        py: Python<'_>,
        text: &str,
        voice: &str,
        speaker: Option<String>,
        rate: f32,
        seed: u64,
        options: Option<&Bound<'_, PyAny>>,
        progress: Option<&Bound<'_, PyAny>>,
        cancel: Option<&CancelToken>,
    ) -> PyResult<Speech> {
        let config = tts_config(voice, speaker, rate, seed, options)?;
        let speech = run(py, progress, cancel, |ctl| {
            self.inner.synthesizer().synthesize(text, &config, ctl)
        })?;
        Ok(Speech::new(py, speech))
    }

    /// Speak many texts in parallel across cores; returns one
    /// :class:`Speech` per text, in order (empty audio for a text with
    /// nothing speakable).
    #[pyo3(signature = (texts, voice = "joe", *, speaker = None, rate = 1.0, seed = 0, options = None, progress = None, cancel = None))]
    #[allow(clippy::too_many_arguments)]
    fn synthesize_batch(
        &self,
        py: Python<'_>,
        texts: Vec<String>,
        voice: &str,
        speaker: Option<String>,
        rate: f32,
        seed: u64,
        options: Option<&Bound<'_, PyAny>>,
        progress: Option<&Bound<'_, PyAny>>,
        cancel: Option<&CancelToken>,
    ) -> PyResult<Vec<Speech>> {
        let config = tts_config(voice, speaker, rate, seed, options)?;
        let speeches = run(py, progress, cancel, |ctl| {
            let mut out = Vec::with_capacity(texts.len());
            self.inner
                .synthesizer()
                .synthesize_batch(&texts, &config, ctl, &mut |_, s| {
                    out.push(s);
                    Ok(())
                })?;
            Ok(out)
        })?;
        Ok(speeches.into_iter().map(|s| Speech::new(py, s)).collect())
    }

    /// Speak ``text`` into a 16-bit WAV file as it is synthesised (memory
    /// stays bounded for any length); returns the summary (duration,
    /// sentences, real-time figures).
    #[pyo3(signature = (text, out, voice = "joe", *, speaker = None, rate = 1.0, seed = 0, options = None, progress = None, cancel = None))]
    #[allow(clippy::too_many_arguments)]
    fn tts<'py>(
        &self,
        py: Python<'py>,
        text: &str,
        out: PathBuf,
        voice: &str,
        speaker: Option<String>,
        rate: f32,
        seed: u64,
        options: Option<&Bound<'py, PyAny>>,
        progress: Option<&Bound<'py, PyAny>>,
        cancel: Option<&CancelToken>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let tts = tts_params(voice, speaker, rate, seed, options)?;
        let spec = convert::job("tts", None, Some(&out), json!({"text": text, "tts": tts}))?;
        let report = report_of!(run_job(py, &self.inner, &spec, progress, cancel)?, Tts);
        convert::to_py(py, &report.summary)
    }

    /// Every voice: Piper voices of the model store and espeak-ng's formant
    /// voices (``espeak:<language>``).
    fn voices<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let voices = py
            .detach(|| self.inner.synthesizer().voices())
            .map_err(errors::to_py)?;
        convert::to_py(py, &voices)
    }

    /// Speak each cue of the SRT ``narration`` in its slot over ``input``'s
    /// own audio (ducked), normalise the mix to ``lufs`` / ``true_peak``
    /// (default -14 LUFS, -1 dBTP, or what ``options["loudness"]`` says),
    /// and write ``out`` (video copied, AAC mix) plus ``OUT.narration.wav``
    /// and ``OUT.bed.wav``. ``options`` takes any ``DubJob`` field
    /// (``duck``, ``fit``, ``tts``...). Returns the report.
    #[pyo3(signature = (input, narration, out, voice = "joe", *, lufs = None, true_peak = None, options = None, progress = None, cancel = None))]
    #[allow(clippy::too_many_arguments)]
    fn dub<'py>(
        &self,
        py: Python<'py>,
        input: PathBuf,
        narration: PathBuf,
        out: PathBuf,
        voice: &str,
        lufs: Option<f64>,
        true_peak: Option<f64>,
        options: Option<&Bound<'py, PyAny>>,
        progress: Option<&Bound<'py, PyAny>>,
        cancel: Option<&CancelToken>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let loudness = config::object([
            ("lufs", finite("lufs", lufs)?),
            ("true_peak", finite("true_peak", true_peak)?),
        ]);
        let dub = config::merge(
            section::<DubJob>(options, "options")?,
            json!({"tts": {"voice": voice}, "loudness": loudness}),
        );
        let params = json!({"narration": convert::path(Some(&narration)), "dub": dub});
        let spec = convert::job("dub", Some(&input), Some(&out), params)?;
        let report = report_of!(run_job(py, &self.inner, &spec, progress, cancel)?, Dub);
        convert::to_py(py, &report)
    }

    /// Retell ``input`` in about ``minutes`` minutes into the folder ``out``:
    /// ``retell.mp4``, ``retell.srt``, ``retell.json`` (the editable script),
    /// ``retell.otio``. ``options`` takes any ``RetellJob`` field (``bed``,
    /// ``voice``, ``preset``, ``llm``, ``script``...). Returns the report.
    #[pyo3(signature = (input, out, minutes = 5.0, *, options = None, progress = None, cancel = None))]
    fn retell<'py>(
        &self,
        py: Python<'py>,
        input: PathBuf,
        out: PathBuf,
        minutes: f64,
        options: Option<&Bound<'py, PyAny>>,
        progress: Option<&Bound<'py, PyAny>>,
        cancel: Option<&CancelToken>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let params = config::merge(
            section::<reelkit::RetellJob>(options, "options")?,
            json!({"minutes": finite("minutes", Some(minutes))?}),
        );
        let spec = convert::job("retell", Some(&input), Some(&out), params)?;
        let report = report_of!(run_job(py, &self.inner, &spec, progress, cancel)?, Retell);
        convert::to_py(py, &report)
    }

    fn __repr__(slf: &Bound<'_, Self>) -> PyResult<String> {
        convert::repr(slf.as_any(), "Engine", &["models_dir"])
    }
}

/// `TtsConfig` JSON: the `options` dict with the explicit arguments on top.
fn tts_params(
    voice: &str,
    speaker: Option<String>,
    rate: f32,
    seed: u64,
    options: Option<&Bound<'_, PyAny>>,
) -> PyResult<Value> {
    let overrides = config::object([
        ("voice", json!(voice)),
        ("speaker", json!(speaker)),
        ("rate", finite("rate", Some(f64::from(rate)))?),
        ("seed", json!(seed)),
    ]);
    Ok(config::merge(
        section::<TtsConfig>(options, "options")?,
        overrides,
    ))
}

fn tts_config(
    voice: &str,
    speaker: Option<String>,
    rate: f32,
    seed: u64,
    options: Option<&Bound<'_, PyAny>>,
) -> PyResult<TtsConfig> {
    config::from_value(tts_params(voice, speaker, rate, seed, options)?, "options")
        .map_err(errors::to_py)
}

/// The methods of the shared engine that are also module-level functions.
const MODULE_FUNCTIONS: &[&str] = &[
    "run",
    "transcribe",
    "realign",
    "clips",
    "models_list",
    "models_fetch",
    "synthesize",
    "synthesize_batch",
    "tts",
    "voices",
    "dub",
    "retell",
];

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Engine>()?;
    let shared = Bound::new(
        m.py(),
        Engine {
            inner: SHARED.clone(),
        },
    )?;
    for name in MODULE_FUNCTIONS {
        m.add(*name, shared.getattr(*name)?)?;
    }
    Ok(())
}
