//! The record objects results come as where attribute access reads better
//! than a dict: media info and transcripts. Each wraps the core record and
//! reads its fields through serde (see [`record!`](crate::convert::record));
//! `to_dict()` is the same JSON the CLI writes.

use numpy::PyArray1;
use pyo3::prelude::*;
use reelkit::subtitle::{build_cues, write_srt, write_vtt, Cue, CueConfig};

use crate::convert::{self, record};
use crate::errors;

record! {
    /// One stream of the container.
    StreamInfo(reelkit::media::StreamInfo) {
        index,
        /// `video`, `audio`, `subtitle`, `data`, `attachment` or `unknown`.
        kind,
        codec,
        duration,
        language,
    }
    repr(index, kind, codec)

    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        convert::to_py(py, &self.0)
    }
}

record! {
    /// The primary video stream.
    VideoInfo(reelkit::media::VideoInfo) {
        stream_index,
        codec,
        /// Coded width, before rotation.
        width,
        height,
        /// Width as displayed, after rotation.
        display_width,
        display_height,
        /// Average frame rate (0 when unknown).
        fps,
        /// Clockwise display rotation: 0, 90, 180 or 270.
        rotation,
        pixel_format,
        /// Frame count when the container states it.
        frames,
    }
    repr(codec, width, height, display_width, display_height, fps, rotation)

    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        convert::to_py(py, &self.0)
    }
}

record! {
    /// The primary audio stream.
    AudioInfo(reelkit::media::AudioInfo) { stream_index, codec, sample_rate, channels, sample_format }
    repr(codec, sample_rate, channels)

    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        convert::to_py(py, &self.0)
    }
}

record! {
    /// What :func:`probe` learns about a file.
    MediaInfo(reelkit::MediaInfo) {
        path,
        /// Container short name(s), e.g. ``mov,mp4,m4a,3gp,3g2,mj2``.
        container,
        container_long,
        /// Seconds (0 when unknown).
        duration,
        /// Bits per second (0 when unknown).
        bit_rate,
        size_bytes,
    }
    repr(path, container, duration, video, audio)

    #[getter]
    fn streams(&self) -> Vec<StreamInfo> {
        self.0.streams.iter().cloned().map(StreamInfo).collect()
    }

    #[getter]
    fn video(&self) -> Option<VideoInfo> {
        self.0.video.clone().map(VideoInfo)
    }

    #[getter]
    fn audio(&self) -> Option<AudioInfo> {
        self.0.audio.clone().map(AudioInfo)
    }

    /// Whether the file has a (non cover-art) video stream.
    #[getter]
    fn has_video(&self) -> bool {
        self.0.has_video()
    }

    #[getter]
    fn has_audio(&self) -> bool {
        self.0.has_audio()
    }

    /// Everything as plain data (the same JSON as ``reelkit probe --json``).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        convert::to_py(py, &self.0)
    }
}

record! {
    /// One recognised word.
    Word(reelkit::asr::Word) {
        /// The word as written, with attached punctuation (``"Hello,"``).
        word,
        /// Seconds from the start of the media.
        start,
        end,
        /// Recogniser confidence in 0..1.
        probability,
        /// True when the times were estimated (re-timed after an edit)
        /// rather than measured.
        estimated,
    }
    repr(word, start, end, probability)

    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        convert::to_py(py, &self.0)
    }
}

record! {
    /// A run of speech as the recogniser segmented it.
    Segment(reelkit::asr::Segment) { start, end, text }
    repr(start, end, text)

    #[getter]
    fn words(&self) -> Vec<Word> {
        self.0.words.iter().cloned().map(Word).collect()
    }

    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        convert::to_py(py, &self.0)
    }
}

record! {
    /// A whole transcript: language, duration and timed segments.
    Transcript(reelkit::Transcript) {
        /// ISO 639-1 code, e.g. ``en``.
        language,
        /// Seconds of audio transcribed.
        duration,
    }
    repr(language, duration)

    #[getter]
    fn segments(&self) -> Vec<Segment> {
        self.0.segments.iter().cloned().map(Segment).collect()
    }

    /// Every word of every segment, in time order.
    #[getter]
    fn words(&self) -> Vec<Word> {
        self.0.words().into_iter().map(Word).collect()
    }

    /// The full text, segments joined by spaces.
    #[getter]
    fn text(&self) -> String {
        self.0.text()
    }

    /// Everything as plain data (the same JSON as ``transcript.json``).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        convert::to_py(py, &self.0)
    }

    /// Captions as SubRip text, cut into readable cues.
    fn to_srt(&self) -> PyResult<String> {
        Ok(write_srt(&self.cues()?))
    }

    /// Captions as WebVTT text, cut into readable cues.
    fn to_vtt(&self) -> PyResult<String> {
        Ok(write_vtt(&self.cues()?))
    }
}

impl Transcript {
    fn cues(&self) -> PyResult<Vec<Cue>> {
        build_cues(&self.0.words(), &CueConfig::default()).map_err(errors::to_py)
    }
}

/// Synthesised speech: ``audio`` is float32 mono in -1..1 at ``sample_rate``.
#[pyclass(module = "reelkit", frozen)]
pub struct Speech {
    audio: Py<PyArray1<f32>>,
    /// The speech without its samples (they are in `audio`).
    inner: reelkit::tts::Speech,
}

impl Speech {
    pub fn new(py: Python<'_>, mut speech: reelkit::tts::Speech) -> Self {
        let samples = std::mem::take(&mut speech.samples);
        Self {
            audio: PyArray1::from_vec(py, samples).unbind(),
            inner: speech,
        }
    }
}

#[pymethods]
impl Speech {
    #[getter]
    fn audio(&self, py: Python<'_>) -> Py<PyArray1<f32>> {
        self.audio.clone_ref(py)
    }

    #[getter]
    fn sample_rate(&self) -> u32 {
        self.inner.sample_rate
    }

    /// Seconds of audio.
    #[getter]
    fn duration(&self, py: Python<'_>) -> f64 {
        self.__len__(py) as f64 / f64::from(self.inner.sample_rate.max(1))
    }

    /// The voice that spoke.
    #[getter]
    fn voice(&self) -> &str {
        &self.inner.voice
    }

    /// One dict per sentence: ``text``, ``phonemes``, ``start``, ``end`` (seconds).
    #[getter]
    fn sentences<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        convert::to_py(py, &self.inner.sentences)
    }

    /// Phonemes the voice has no id for (skipped), with counts.
    #[getter]
    fn missing_phonemes<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        convert::to_py(py, &self.inner.missing_phonemes)
    }

    fn __len__(&self, py: Python<'_>) -> usize {
        self.audio.bind(py).len().unwrap_or(0)
    }

    fn __repr__(slf: &Bound<'_, Self>) -> PyResult<String> {
        convert::repr(
            slf.as_any(),
            "Speech",
            &["voice", "sample_rate", "duration"],
        )
    }
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<MediaInfo>()?;
    m.add_class::<StreamInfo>()?;
    m.add_class::<VideoInfo>()?;
    m.add_class::<AudioInfo>()?;
    m.add_class::<Transcript>()?;
    m.add_class::<Segment>()?;
    m.add_class::<Word>()?;
    m.add_class::<Speech>()?;
    Ok(())
}
