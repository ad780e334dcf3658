//! `reelkit.scenes`: scene-change detection.

use std::path::PathBuf;

use pyo3::prelude::*;
use reelkit::scenes::SceneConfig;

use crate::json;
use crate::progress::{run, CancelToken};

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
    let config = SceneConfig::default().threshold(threshold);
    let scenes = run(py, progress, cancel, |w| {
        reelkit::scenes::detect_scenes(&path, &config, w.ctl())
    })?;
    json::to_py(py, &scenes)
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(pyo3::wrap_pyfunction!(detect_scenes, m)?)
}
