//! `reelkit.synthesize` / `tts` / `synthesize_batch` / `voices` / `dub` /
//! `measure_loudness`: text to speech and dubbing, one shared synthesiser
//! per process (voices load once).

use std::path::PathBuf;
use std::sync::LazyLock;

use numpy::PyArray1;
use pyo3::prelude::*;
use reelkit::audio::DubJob;
use reelkit::media::{decode_audio, AudioDecodeOptions};
use reelkit::tts::{Synthesizer, TtsConfig};

use crate::errors;
use crate::json;
use crate::progress::{run, CancelToken};
use crate::repr;

static SYNTHESIZER: LazyLock<Synthesizer> = LazyLock::new(Synthesizer::from_env);

/// Synthesised speech: ``audio`` is float32 mono in -1..1 at ``sample_rate``.
#[pyclass(module = "reelkit", frozen)]
pub struct Speech {
    #[pyo3(get)]
    audio: Py<PyArray1<f32>>,
    #[pyo3(get)]
    sample_rate: u32,
    /// Seconds of audio.
    #[pyo3(get)]
    duration: f64,
    /// The voice that spoke.
    #[pyo3(get)]
    voice: String,
    sentences: serde_json::Value,
    missing: serde_json::Value,
}

impl Speech {
    fn new(py: Python<'_>, speech: reelkit::tts::Speech) -> PyResult<Self> {
        let duration = speech.duration();
        let sentences = serde_json::to_value(&speech.sentences).unwrap_or_default();
        let missing = serde_json::to_value(&speech.missing_phonemes).unwrap_or_default();
        Ok(Self {
            sample_rate: speech.sample_rate,
            duration,
            voice: speech.voice,
            audio: PyArray1::from_vec(py, speech.samples).unbind(),
            sentences,
            missing,
        })
    }
}

#[pymethods]
impl Speech {
    /// One dict per sentence: ``text``, ``phonemes``, ``start``, ``end`` (seconds).
    #[getter]
    fn sentences<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        json::to_py(py, &self.sentences)
    }

    /// Phonemes the voice has no id for (skipped), with counts.
    #[getter]
    fn missing_phonemes<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        json::to_py(py, &self.missing)
    }

    fn __len__(&self, py: Python<'_>) -> usize {
        self.audio.bind(py).len().unwrap_or(0)
    }

    fn __repr__(&self) -> String {
        format!(
            "Speech(voice={}, sample_rate={}, duration={})",
            repr::string(&self.voice),
            self.sample_rate,
            repr::float(self.duration)
        )
    }
}

/// `TtsConfig` from a partial dict with the explicit arguments on top.
fn tts_config(
    voice: &str,
    speaker: Option<String>,
    rate: f32,
    seed: u64,
    options: Option<&Bound<'_, PyAny>>,
) -> PyResult<TtsConfig> {
    let mut config: TtsConfig = json::config_from(options, "options")?;
    config.voice = voice.to_owned();
    if speaker.is_some() {
        config.speaker = speaker;
    }
    config.rate = rate;
    config.seed = seed;
    config.validate().map_err(errors::to_py)?;
    Ok(config)
}

/// Speak ``text`` and return the audio. ``options`` takes any other
/// ``TtsConfig`` field (``noise_scale``, ``length_scale``, ``noise_w``,
/// ``sentence_pause``, ``markup``...). Equal seeds give identical audio.
#[pyfunction]
#[pyo3(signature = (text, voice = "joe", *, speaker = None, rate = 1.0, seed = 0, options = None, progress = None, cancel = None))]
#[allow(clippy::too_many_arguments)]
pub fn synthesize(
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
    let speech = run(py, progress, cancel, |w| SYNTHESIZER.synthesize(text, &config, w.ctl()))?;
    Speech::new(py, speech)
}

/// Speak many texts in parallel across cores; returns one :class:`Speech`
/// per text, in order (empty audio for a text with nothing speakable).
#[pyfunction]
#[pyo3(signature = (texts, voice = "joe", *, speaker = None, rate = 1.0, seed = 0, options = None, progress = None, cancel = None))]
#[allow(clippy::too_many_arguments)]
pub fn synthesize_batch(
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
    let speeches = run(py, progress, cancel, |w| {
        let mut out = Vec::with_capacity(texts.len());
        SYNTHESIZER.synthesize_batch(&texts, &config, w.ctl(), &mut |_, s| {
            out.push(s);
            Ok(())
        })?;
        Ok(out)
    })?;
    speeches.into_iter().map(|s| Speech::new(py, s)).collect()
}

/// Speak ``text`` into a 16-bit WAV file as it is synthesised (memory stays
/// bounded for any length); returns the summary (duration, sentences,
/// real-time figures).
#[pyfunction]
#[pyo3(signature = (text, out, voice = "joe", *, speaker = None, rate = 1.0, seed = 0, options = None, progress = None, cancel = None))]
#[allow(clippy::too_many_arguments)]
pub fn tts<'py>(
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
    let config = tts_config(voice, speaker, rate, seed, options)?;
    let summary = run(py, progress, cancel, |w| SYNTHESIZER.synthesize_to_wav(text, &out, &config, w.ctl()))?;
    json::to_py(py, &summary)
}

/// Every voice: Piper voices of the model store and espeak-ng's formant
/// voices (``espeak:<language>``).
#[pyfunction]
pub fn voices(py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
    let voices = py.detach(|| SYNTHESIZER.voices()).map_err(errors::to_py)?;
    json::to_py(py, &voices)
}

/// Speak each cue of the SRT ``narration`` in its slot over ``input``'s own
/// audio (ducked), normalise the mix to ``lufs`` / ``true_peak`` (default
/// -14 LUFS, -1 dBTP, or what ``options["loudness"]`` says), and write
/// ``out`` (video copied, AAC mix) plus ``OUT.narration.wav`` and
/// ``OUT.bed.wav``. ``options`` takes any ``DubJob`` field (``duck``,
/// ``fit``, ``tts``...). Returns the report.
#[pyfunction]
#[pyo3(signature = (input, narration, out, voice = "joe", *, lufs = None, true_peak = None, options = None, progress = None, cancel = None))]
#[allow(clippy::too_many_arguments)]
pub fn dub<'py>(
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
    let mut job: DubJob = json::config_from(options, "options")?;
    job.tts.voice = voice.to_owned();
    if let Some(lufs) = lufs {
        job.loudness.lufs = lufs;
    }
    if let Some(tp) = true_peak {
        job.loudness.true_peak = tp;
    }
    job.validate().map_err(errors::to_py)?;
    let report = run(py, progress, cancel, |w| reelkit::audio::dub_srt(&SYNTHESIZER, &input, &narration, &out, &job, w.ctl()))?;
    json::to_py(py, &report)
}

/// EBU R128 loudness of a media file's audio: ``integrated_lufs`` (None for
/// silence), ``range_lu``, ``true_peak_dbtp``, ``sample_peak_dbfs``.
#[pyfunction]
#[pyo3(signature = (path, progress = None, cancel = None))]
pub fn measure_loudness<'py>(
    py: Python<'py>,
    path: PathBuf,
    progress: Option<&Bound<'py, PyAny>>,
    cancel: Option<&CancelToken>,
) -> PyResult<Bound<'py, PyAny>> {
    let loudness = run(py, progress, cancel, |w| {
        let info = reelkit::probe(&path)?;
        let channels = info.audio.as_ref().map(|a| a.channels.clamp(1, 2) as u16).unwrap_or(1);
        let audio = decode_audio(&path, &AudioDecodeOptions::default().sample_rate(48_000).channels(channels), w.ctl())?;
        reelkit::audio::measure(&audio)
    })?;
    json::to_py(py, &loudness)
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Speech>()?;
    m.add_function(pyo3::wrap_pyfunction!(synthesize, m)?)?;
    m.add_function(pyo3::wrap_pyfunction!(synthesize_batch, m)?)?;
    m.add_function(pyo3::wrap_pyfunction!(tts, m)?)?;
    m.add_function(pyo3::wrap_pyfunction!(voices, m)?)?;
    m.add_function(pyo3::wrap_pyfunction!(dub, m)?)?;
    m.add_function(pyo3::wrap_pyfunction!(measure_loudness, m)?)?;
    Ok(())
}
