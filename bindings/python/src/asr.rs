//! `reelkit.asr`: the transcript model (segments of timed words).

use pyo3::prelude::*;
use reelkit::subtitle::{build_cues, write_srt, write_vtt, CueConfig};

use crate::errors;
use crate::json;
use crate::repr;

/// One recognised word.
#[pyclass(module = "reelkit", frozen)]
pub struct Word {
    /// The word as written, with attached punctuation (``"Hello,"``).
    #[pyo3(get)]
    word: String,
    /// Seconds from the start of the media.
    #[pyo3(get)]
    start: f64,
    #[pyo3(get)]
    end: f64,
    /// Recogniser confidence in 0..1.
    #[pyo3(get)]
    probability: f32,
    /// True when the times were estimated (re-timed after an edit) rather
    /// than measured.
    #[pyo3(get)]
    estimated: bool,
}

#[pymethods]
impl Word {
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        json::to_py(py, &self.core())
    }

    fn __repr__(&self) -> String {
        format!(
            "Word(word={}, start={}, end={}, probability={})",
            repr::string(&self.word),
            repr::float(self.start),
            repr::float(self.end),
            repr::float(f64::from(self.probability))
        )
    }
}

impl Word {
    fn core(&self) -> reelkit::asr::Word {
        reelkit::asr::Word {
            word: self.word.clone(),
            start: self.start,
            end: self.end,
            probability: self.probability,
            estimated: self.estimated,
        }
    }
}

/// A run of speech as the recogniser segmented it.
#[pyclass(module = "reelkit", frozen)]
pub struct Segment {
    #[pyo3(get)]
    start: f64,
    #[pyo3(get)]
    end: f64,
    #[pyo3(get)]
    text: String,
    #[pyo3(get)]
    words: Vec<Py<Word>>,
    inner: reelkit::asr::Segment,
}

#[pymethods]
impl Segment {
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        json::to_py(py, &self.inner)
    }

    fn __repr__(&self) -> String {
        format!(
            "Segment(start={}, end={}, text={})",
            repr::float(self.start),
            repr::float(self.end),
            repr::string(self.text.trim())
        )
    }
}

/// A whole transcript: language, duration and timed segments.
#[pyclass(module = "reelkit", frozen)]
pub struct Transcript {
    /// ISO 639-1 code, e.g. ``en``.
    #[pyo3(get)]
    language: String,
    /// Seconds of audio transcribed.
    #[pyo3(get)]
    duration: f64,
    #[pyo3(get)]
    segments: Vec<Py<Segment>>,
    inner: reelkit::Transcript,
}

impl Transcript {
    pub fn new(py: Python<'_>, transcript: reelkit::Transcript) -> PyResult<Self> {
        let mut segments = Vec::with_capacity(transcript.segments.len());
        for s in &transcript.segments {
            let words = s
                .words
                .iter()
                .map(|w| {
                    Py::new(
                        py,
                        Word {
                            word: w.word.clone(),
                            start: w.start,
                            end: w.end,
                            probability: w.probability,
                            estimated: w.estimated,
                        },
                    )
                })
                .collect::<PyResult<_>>()?;
            segments.push(Py::new(
                py,
                Segment {
                    start: s.start,
                    end: s.end,
                    text: s.text.clone(),
                    words,
                    inner: s.clone(),
                },
            )?);
        }
        Ok(Self {
            language: transcript.language.clone(),
            duration: transcript.duration,
            segments,
            inner: transcript,
        })
    }

    /// The core transcript.
    pub fn inner(&self) -> &reelkit::Transcript {
        &self.inner
    }

    fn cues(&self) -> PyResult<Vec<reelkit::subtitle::Cue>> {
        build_cues(&self.inner.words(), &CueConfig::default()).map_err(errors::to_py)
    }
}

#[pymethods]
impl Transcript {
    /// The full text, segments joined by spaces.
    #[getter]
    fn text(&self) -> String {
        self.inner.text()
    }

    /// Every word of every segment, in time order.
    #[getter]
    fn words(&self, py: Python<'_>) -> Vec<Py<Word>> {
        self.segments
            .iter()
            .flat_map(|s| s.get().words.iter().map(|w| w.clone_ref(py)))
            .collect()
    }

    /// Everything as plain data (the same JSON as ``transcript.json``).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        json::to_py(py, &self.inner)
    }

    /// Captions as SubRip text, cut into readable cues.
    fn to_srt(&self) -> PyResult<String> {
        Ok(write_srt(&self.cues()?))
    }

    /// Captions as WebVTT text, cut into readable cues.
    fn to_vtt(&self) -> PyResult<String> {
        Ok(write_vtt(&self.cues()?))
    }

    fn __repr__(&self) -> String {
        let text = self.inner.text();
        let short: String = text.chars().take(60).collect();
        let ellipsis = if short.len() < text.len() { "…" } else { "" };
        format!(
            "Transcript(language={}, duration={}, segments={}, text={})",
            repr::string(&self.language),
            repr::float(self.duration),
            self.segments.len(),
            repr::string(&format!("{short}{ellipsis}"))
        )
    }
}

/// Read an SRT or WebVTT file (format chosen from its content) as a list of
/// cues: ``{"id", "start", "end", "lines", "settings"}``. Malformed files
/// raise ``SubtitleParseError`` naming the line.
#[pyfunction]
pub fn read_subtitles(py: Python<'_>, path: std::path::PathBuf) -> PyResult<Bound<'_, PyAny>> {
    let doc = reelkit::subtitle::read_subtitles(&path).map_err(errors::to_py)?;
    json::to_py(py, &doc.cues)
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(pyo3::wrap_pyfunction!(read_subtitles, m)?)?;
    m.add_class::<Transcript>()?;
    m.add_class::<Segment>()?;
    m.add_class::<Word>()?;
    Ok(())
}
