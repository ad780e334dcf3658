//! Media: `probe` and `detect_scenes` (jobs on the shared engine); audio to
//! NumPy, video frames, cuts and loudness (typed core calls: they return
//! arrays or have no job kind).

use std::path::PathBuf;
use std::sync::Mutex;

use numpy::{PyArray1, PyArrayMethods};
use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use reelkit::media::{AudioDecodeOptions, VideoDecodeOptions, VideoFrames};
use serde_json::json;

use crate::convert::{self, finite};
use crate::engine::{report_of, run_job, shared};
use crate::errors;
use crate::progress::{run, CancelToken};
use crate::records::MediaInfo;

/// Read container, streams, codecs, duration, frame rate, size, rotation and
/// audio format of a file.
#[pyfunction]
pub fn probe(py: Python<'_>, path: PathBuf) -> PyResult<MediaInfo> {
    let spec = convert::job("probe", Some(&path), None, json!({}))?;
    Ok(MediaInfo(report_of!(
        run_job(py, shared(), &spec, None, None)?,
        Probe
    )))
}

/// Detect scene changes in the primary video stream: returns
/// ``{"fps": float, "frames": int, "scenes": [{"start", "end", "start_frame", "end_frame"}, ...]}``.
#[pyfunction]
#[pyo3(signature = (path, threshold = 27.0, progress = None, cancel = None))]
pub fn detect_scenes<'py>(
    py: Python<'py>,
    path: PathBuf,
    threshold: f32,
    progress: Option<&Bound<'py, PyAny>>,
    cancel: Option<&CancelToken>,
) -> PyResult<Bound<'py, PyAny>> {
    let params = json!({"threshold": finite("threshold", Some(f64::from(threshold)))?});
    let spec = convert::job("scenes", Some(&path), None, params)?;
    let report = report_of!(run_job(py, shared(), &spec, progress, cancel)?, Scenes);
    convert::to_py(py, &report.scenes)
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
    let audio = run(py, None, None, |ctl| {
        reelkit::media::decode_audio(&path, &options, ctl)
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
        match next.map_err(PyRuntimeError::new_err)? {
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

    fn __repr__(slf: &Bound<'_, Self>) -> PyResult<String> {
        convert::repr(slf.as_any(), "VideoReader", &["size", "fps", "duration"])
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
    let written = run(py, progress, cancel, |ctl| {
        reelkit::media::cut(&input, &output, start, end, ctl)
    })?;
    Ok(written.display().to_string())
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
    let loudness = run(py, progress, cancel, |ctl| {
        reelkit::audio::measure_file(&path, ctl)
    })?;
    convert::to_py(py, &loudness)
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<VideoReader>()?;
    m.add_function(wrap_pyfunction!(probe, m)?)?;
    m.add_function(wrap_pyfunction!(detect_scenes, m)?)?;
    m.add_function(wrap_pyfunction!(decode_audio, m)?)?;
    m.add_function(wrap_pyfunction!(cut, m)?)?;
    m.add_function(wrap_pyfunction!(measure_loudness, m)?)?;
    Ok(())
}
