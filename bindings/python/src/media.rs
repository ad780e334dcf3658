//! `reelkit.media`: probe, decode audio to NumPy, iterate video frames, cut.

use std::path::PathBuf;
use std::sync::Mutex;

use numpy::{PyArray1, PyArrayMethods};
use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use reelkit::media::{AudioDecodeOptions, VideoDecodeOptions, VideoFrames};

use crate::errors;
use crate::json;
use crate::progress::{run, CancelToken};
use crate::repr;

/// One stream of the container.
#[pyclass(module = "reelkit", frozen)]
pub struct StreamInfo {
    #[pyo3(get)]
    index: usize,
    /// `video`, `audio`, `subtitle`, `data`, `attachment` or `unknown`.
    #[pyo3(get)]
    kind: String,
    #[pyo3(get)]
    codec: String,
    #[pyo3(get)]
    duration: Option<f64>,
    #[pyo3(get)]
    language: Option<String>,
    inner: reelkit::media::StreamInfo,
}

impl From<&reelkit::media::StreamInfo> for StreamInfo {
    fn from(s: &reelkit::media::StreamInfo) -> Self {
        let kind = serde_json::to_value(s.kind)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        Self {
            index: s.index,
            kind,
            codec: s.codec.clone(),
            duration: s.duration,
            language: s.language.clone(),
            inner: s.clone(),
        }
    }
}

#[pymethods]
impl StreamInfo {
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        json::to_py(py, &self.inner)
    }

    fn __repr__(&self) -> String {
        format!(
            "StreamInfo(index={}, kind={}, codec={})",
            self.index,
            repr::string(&self.kind),
            repr::string(&self.codec)
        )
    }
}

/// The primary video stream.
#[pyclass(module = "reelkit", frozen)]
pub struct VideoInfo {
    #[pyo3(get)]
    stream_index: usize,
    #[pyo3(get)]
    codec: String,
    /// Coded size, before rotation.
    #[pyo3(get)]
    width: u32,
    #[pyo3(get)]
    height: u32,
    /// Size as displayed, after rotation.
    #[pyo3(get)]
    display_width: u32,
    #[pyo3(get)]
    display_height: u32,
    /// Average frame rate (0 when unknown).
    #[pyo3(get)]
    fps: f64,
    /// Clockwise display rotation: 0, 90, 180 or 270.
    #[pyo3(get)]
    rotation: i32,
    #[pyo3(get)]
    pixel_format: String,
    /// Frame count when the container states it.
    #[pyo3(get)]
    frames: Option<u64>,
    inner: reelkit::media::VideoInfo,
}

impl From<&reelkit::media::VideoInfo> for VideoInfo {
    fn from(v: &reelkit::media::VideoInfo) -> Self {
        Self {
            stream_index: v.stream_index,
            codec: v.codec.clone(),
            width: v.width,
            height: v.height,
            display_width: v.display_width,
            display_height: v.display_height,
            fps: v.fps,
            rotation: v.rotation,
            pixel_format: v.pixel_format.clone(),
            frames: v.frames,
            inner: v.clone(),
        }
    }
}

#[pymethods]
impl VideoInfo {
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        json::to_py(py, &self.inner)
    }

    fn __repr__(&self) -> String {
        format!(
            "VideoInfo(codec={}, width={}, height={}, display_width={}, display_height={}, fps={}, rotation={})",
            repr::string(&self.codec),
            self.width,
            self.height,
            self.display_width,
            self.display_height,
            repr::float(self.fps),
            self.rotation
        )
    }
}

/// The primary audio stream.
#[pyclass(module = "reelkit", frozen)]
pub struct AudioInfo {
    #[pyo3(get)]
    stream_index: usize,
    #[pyo3(get)]
    codec: String,
    #[pyo3(get)]
    sample_rate: u32,
    #[pyo3(get)]
    channels: u32,
    #[pyo3(get)]
    sample_format: String,
    inner: reelkit::media::AudioInfo,
}

impl From<&reelkit::media::AudioInfo> for AudioInfo {
    fn from(a: &reelkit::media::AudioInfo) -> Self {
        Self {
            stream_index: a.stream_index,
            codec: a.codec.clone(),
            sample_rate: a.sample_rate,
            channels: a.channels,
            sample_format: a.sample_format.clone(),
            inner: a.clone(),
        }
    }
}

#[pymethods]
impl AudioInfo {
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        json::to_py(py, &self.inner)
    }

    fn __repr__(&self) -> String {
        format!(
            "AudioInfo(codec={}, sample_rate={}, channels={})",
            repr::string(&self.codec),
            self.sample_rate,
            self.channels
        )
    }
}

/// What :func:`probe` learns about a file.
#[pyclass(module = "reelkit", frozen)]
pub struct MediaInfo {
    #[pyo3(get)]
    path: String,
    /// Container short name(s), e.g. ``mov,mp4,m4a,3gp,3g2,mj2``.
    #[pyo3(get)]
    container: String,
    #[pyo3(get)]
    container_long: String,
    /// Seconds (0 when unknown).
    #[pyo3(get)]
    duration: f64,
    /// Bits per second (0 when unknown).
    #[pyo3(get)]
    bit_rate: u64,
    #[pyo3(get)]
    size_bytes: u64,
    #[pyo3(get)]
    streams: Vec<Py<StreamInfo>>,
    #[pyo3(get)]
    video: Option<Py<VideoInfo>>,
    #[pyo3(get)]
    audio: Option<Py<AudioInfo>>,
    inner: reelkit::MediaInfo,
}

impl MediaInfo {
    fn new(py: Python<'_>, info: reelkit::MediaInfo) -> PyResult<Self> {
        Ok(Self {
            path: info.path.clone(),
            container: info.container.clone(),
            container_long: info.container_long.clone(),
            duration: info.duration,
            bit_rate: info.bit_rate,
            size_bytes: info.size_bytes,
            streams: info
                .streams
                .iter()
                .map(|s| Py::new(py, StreamInfo::from(s)))
                .collect::<PyResult<_>>()?,
            video: info
                .video
                .as_ref()
                .map(|v| Py::new(py, VideoInfo::from(v)))
                .transpose()?,
            audio: info
                .audio
                .as_ref()
                .map(|a| Py::new(py, AudioInfo::from(a)))
                .transpose()?,
            inner: info,
        })
    }
}

#[pymethods]
impl MediaInfo {
    /// Whether the file has a (non cover-art) video stream.
    #[getter]
    fn has_video(&self) -> bool {
        self.inner.has_video()
    }

    #[getter]
    fn has_audio(&self) -> bool {
        self.inner.has_audio()
    }

    /// Everything as plain data (the same JSON as ``reelkit probe --json``).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        json::to_py(py, &self.inner)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let video = match &self.video {
            Some(v) => v.bind(py).repr()?.to_string(),
            None => "None".to_owned(),
        };
        let audio = match &self.audio {
            Some(a) => a.bind(py).repr()?.to_string(),
            None => "None".to_owned(),
        };
        Ok(format!(
            "MediaInfo(path={}, container={}, duration={}, video={video}, audio={audio})",
            repr::string(&self.path),
            repr::string(&self.container),
            repr::float(self.duration)
        ))
    }
}

/// Read container, streams, codecs, duration, frame rate, size, rotation and
/// audio format of a file.
#[pyfunction]
pub fn probe(py: Python<'_>, path: PathBuf) -> PyResult<MediaInfo> {
    let info = py.detach(|| reelkit::probe(&path)).map_err(errors::to_py)?;
    MediaInfo::new(py, info)
}

/// Decode the primary audio stream to float32 samples in -1..1: shape
/// ``(n,)`` for mono, ``(n, channels)`` otherwise.
#[pyfunction]
#[pyo3(signature = (path, sample_rate = 16000, channels = 1, start = 0.0, end = None))]
pub fn decode_audio<'py>(
    py: Python<'py>,
    path: PathBuf,
    sample_rate: u32,
    channels: u16,
    start: f64,
    end: Option<f64>,
) -> PyResult<Bound<'py, PyAny>> {
    let options = AudioDecodeOptions::default()
        .sample_rate(sample_rate)
        .channels(channels)
        .range(start, end);
    let audio = run(py, None, None, |w| {
        reelkit::media::decode_audio(&path, &options, w.ctl())
    })?;
    let channels = usize::from(audio.channels.max(1));
    let frames = audio.frames();
    let flat = PyArray1::from_vec(py, audio.samples);
    if channels == 1 {
        Ok(flat.into_any())
    } else {
        Ok(flat.reshape([frames, channels])?.into_any())
    }
}

/// `VideoFrames` holds an FFmpeg scaler context, which FFmpeg does not tie
/// to a thread, but `ffmpeg-next` does not mark `Send`.
struct Frames(VideoFrames);

// SAFETY: every FFmpeg object inside `VideoFrames` (demuxer, decoder, scaler)
// is plain heap state with no thread affinity; the reader only ever reaches
// it through the `Mutex` below, so it is used by one thread at a time.
unsafe impl Send for Frames {}

/// Decoded frames of a file's primary video stream, as ``(time, frame)``
/// pairs: ``time`` in seconds, ``frame`` a ``uint8`` array of shape
/// ``(height, width, 3)`` (RGB, display rotation applied).
#[pyclass(module = "reelkit", frozen)]
pub struct VideoReader {
    frames: Mutex<Option<Frames>>,
    /// Frames per second of the stream (0 when unknown).
    #[pyo3(get)]
    fps: f64,
    /// ``(width, height)`` of the frames yielded.
    #[pyo3(get)]
    size: (u32, u32),
    /// Duration of the file in seconds, when known.
    #[pyo3(get)]
    duration: Option<f64>,
    /// Clockwise display rotation of the stream (already applied to frames).
    #[pyo3(get)]
    rotation: i32,
}

#[pymethods]
impl VideoReader {
    #[new]
    #[pyo3(signature = (path, size = None, start = 0.0, end = None))]
    fn new(
        py: Python<'_>,
        path: PathBuf,
        size: Option<(u32, u32)>,
        start: f64,
        end: Option<f64>,
    ) -> PyResult<Self> {
        let mut options = VideoDecodeOptions::default().range(start, end);
        if let Some((w, h)) = size {
            options = options.size(w, h);
        }
        let frames = py
            .detach(|| VideoFrames::open(&path, options).map(Frames))
            .map_err(errors::to_py)?;
        Ok(Self {
            fps: frames.0.fps(),
            size: frames.0.output_size(),
            duration: frames.0.duration(),
            rotation: frames.0.rotation(),
            frames: Mutex::new(Some(frames)),
        })
    }

    fn __iter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __next__<'py>(&self, py: Python<'py>) -> PyResult<Option<(f64, Bound<'py, PyAny>)>> {
        // Lock only while detached: a thread waiting for the lock must not
        // hold the GIL that the decoding thread needs to return.
        let next = py.detach(|| {
            let mut guard = self.frames.lock().map_err(|_| "a previous read panicked")?;
            Ok::<_, &str>(guard.as_mut().and_then(|f| f.0.next()))
        });
        let next = next.map_err(PyRuntimeError::new_err)?;
        match next {
            None => Ok(None),
            Some(Err(e)) => Err(errors::to_py(e)),
            Some(Ok(frame)) => {
                let (w, h) = (frame.width as usize, frame.height as usize);
                let array = PyArray1::from_vec(py, frame.data).reshape([h, w, 3])?;
                Ok(Some((frame.time, array.into_any())))
            }
        }
    }

    /// Release the file and decoder; iteration then stops.
    fn close(&self, py: Python<'_>) {
        py.detach(|| {
            if let Ok(mut guard) = self.frames.lock() {
                guard.take();
            }
        });
    }

    fn __enter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    #[pyo3(signature = (exc_type, exc, tb, /))]
    fn __exit__(
        &self,
        py: Python<'_>,
        exc_type: &Bound<'_, PyAny>,
        exc: &Bound<'_, PyAny>,
        tb: &Bound<'_, PyAny>,
    ) -> bool {
        let _ = (exc_type, exc, tb);
        self.close(py);
        false
    }

    fn __repr__(&self) -> String {
        format!(
            "VideoReader(size={:?}, fps={}, duration={})",
            self.size,
            repr::float(self.fps),
            repr::opt_float(self.duration)
        )
    }
}

/// Cut ``[start, end)`` of ``input`` into ``output`` (H.264 + AAC MP4),
/// frame-accurately. Returns the path written.
#[pyfunction]
#[pyo3(signature = (input, output, start, end, progress = None, cancel = None))]
pub fn cut(
    py: Python<'_>,
    input: PathBuf,
    output: PathBuf,
    start: f64,
    end: f64,
    progress: Option<&Bound<'_, PyAny>>,
    cancel: Option<&CancelToken>,
) -> PyResult<String> {
    let written = run(py, progress, cancel, |w| {
        reelkit::media::cut(&input, &output, start, end, w.ctl())
    })?;
    Ok(written.display().to_string())
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<MediaInfo>()?;
    m.add_class::<StreamInfo>()?;
    m.add_class::<VideoInfo>()?;
    m.add_class::<AudioInfo>()?;
    m.add_class::<VideoReader>()?;
    m.add_function(pyo3::wrap_pyfunction!(probe, m)?)?;
    m.add_function(pyo3::wrap_pyfunction!(decode_audio, m)?)?;
    m.add_function(pyo3::wrap_pyfunction!(cut, m)?)?;
    Ok(())
}
