//! `reelkit.ingest`: bring a file or URL in (download, validate,
//! fingerprint, store), plus the fingerprint and the container sniffer.

use std::path::PathBuf;

use pyo3::prelude::*;
use reelkit::ingest::{FetchConfig, IngestConfig, ValidationPolicy};

use crate::errors;
use crate::json;
use crate::progress::{run, CancelToken};

/// Fetch (for an http(s) URL: directly, or through yt-dlp for pages and
/// playlists), fingerprint, probe and validate ``source``; with ``dest``,
/// store it there as ``<sha256>.<ext>`` (a duplicate is recognised).
///
/// ``policy`` is a partial ValidationPolicy dict (``max_bytes``,
/// ``max_duration``, ``min_duration``, ``allowed_containers``,
/// ``allowed_video_codecs``, ``allowed_audio_codecs``, ``min_width``,
/// ``min_height``, ``max_width``, ``max_height``, ``require_video``,
/// ``require_audio``); ``fetch`` a partial FetchConfig dict (``timeout``,
/// ``connect_timeout``, ``idle_timeout``, ``yt_dlp_mode``, ``yt_dlp``,
/// ``format``, ``user_agent``).
#[pyfunction]
#[pyo3(signature = (source, dest = None, *, policy = None, fetch = None, progress = None, cancel = None))]
pub fn ingest<'py>(
    py: Python<'py>,
    source: &Bound<'py, PyAny>,
    dest: Option<PathBuf>,
    policy: Option<&Bound<'py, PyAny>>,
    fetch: Option<&Bound<'py, PyAny>>,
    progress: Option<&Bound<'py, PyAny>>,
    cancel: Option<&CancelToken>,
) -> PyResult<Bound<'py, PyAny>> {
    let source = source_text(source)?;
    let mut config = IngestConfig::default()
        .policy(json::config_from::<ValidationPolicy>(policy, "policy")?)
        .fetch(json::config_from::<FetchConfig>(fetch, "fetch")?);
    if let Some(dest) = dest {
        config = config.dest(dest);
    }
    config.validate().map_err(errors::to_py)?;
    let report = run(py, progress, cancel, |w| {
        reelkit::ingest::ingest(&source, &config, w.ctl())
    })?;
    json::to_py(py, &report)
}

/// A path-like or a URL string.
fn source_text(source: &Bound<'_, PyAny>) -> PyResult<String> {
    if let Ok(text) = source.extract::<String>() {
        return Ok(text);
    }
    let path: PathBuf = source.extract().map_err(|_| {
        errors::invalid_parameter(source.py(), "source", "expected a path or a URL string")
    })?;
    Ok(path.display().to_string())
}

/// The lowercase hex SHA-256 of a file's bytes.
#[pyfunction]
#[pyo3(signature = (path, progress = None, cancel = None))]
pub fn fingerprint(
    py: Python<'_>,
    path: PathBuf,
    progress: Option<&Bound<'_, PyAny>>,
    cancel: Option<&CancelToken>,
) -> PyResult<String> {
    run(py, progress, cancel, |w| {
        reelkit::ingest::fingerprint(&path, w.ctl())
    })
}

/// The container of a file as its bytes say (``mp4``, ``mov``, ``mkv``,
/// ``webm``, ``mpegts``, ``mp3``...), or ``None`` when no signature matches.
#[pyfunction]
pub fn sniff_container(py: Python<'_>, path: PathBuf) -> PyResult<Option<String>> {
    py.detach(|| reelkit::ingest::sniff_container(&path))
        .map_err(errors::to_py)
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(pyo3::wrap_pyfunction!(ingest, m)?)?;
    m.add_function(pyo3::wrap_pyfunction!(fingerprint, m)?)?;
    m.add_function(pyo3::wrap_pyfunction!(sniff_container, m)?)
}
