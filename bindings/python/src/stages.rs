//! `ingest` and `transcode` as jobs on the shared engine, plus the content
//! fingerprint and the container sniffer (typed core calls).

use std::path::{Path, PathBuf};

use pyo3::prelude::*;
use reelkit::ingest::{FetchConfig, ValidationPolicy};
use reelkit::transcode::TranscodeJob;
use reelkit::{config, Error};
use serde_json::json;

use crate::convert::{self, finite, section};
use crate::engine::{report_of, run_job, shared};
use crate::errors;
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
    // A URL string or a path-like.
    let source: PathBuf = source
        .extract()
        .map_err(|_| errors::to_py(Error::invalid("source", "expected a path or a URL string")))?;
    let params = config::object([
        ("policy", section::<ValidationPolicy>(policy, "policy")?),
        ("fetch", section::<FetchConfig>(fetch, "fetch")?),
    ]);
    let spec = convert::job("ingest", Some(&source), dest.as_deref(), params)?;
    let report = report_of!(run_job(py, shared(), &spec, progress, cancel)?, Ingest);
    convert::to_py(py, &report)
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
    run(py, progress, cancel, |ctl| {
        reelkit::ingest::fingerprint(&path, ctl)
    })
}

/// The container of a file as its bytes say (``mp4``, ``mov``, ``mkv``,
/// ``webm``, ``mpegts``, ``mp3``...), or ``None`` when no signature matches.
#[pyfunction]
pub fn sniff_container(py: Python<'_>, path: PathBuf) -> PyResult<Option<String>> {
    py.detach(|| reelkit::ingest::sniff_container(&path))
        .map_err(errors::to_py)
}

/// Make every output asked for from one decode of ``input``.
///
/// Outputs (at least one): ``hls`` (a directory: master.m3u8, one
/// directory per rung, audio/), ``proxy`` (an MP4 path), ``thumbnails`` and
/// ``sprite`` (directories), ``waveform`` (a JSON path). ``ladder``,
/// ``preset``, ``crf``, ``segment_seconds`` and ``segment_format`` tune the
/// HLS ladder (defaults 1080/720/480, ``veryfast``, 23, 4 s, ``fmp4``).
/// ``options`` is a partial TranscodeJob dict for every other setting;
/// explicit arguments override it. Returns the report.
#[pyfunction]
#[pyo3(signature = (input, *, hls = None, ladder = None, preset = None, crf = None, segment_seconds = None, segment_format = None, proxy = None, thumbnails = None, sprite = None, waveform = None, options = None, progress = None, cancel = None))]
#[allow(clippy::too_many_arguments)]
pub fn transcode<'py>(
    py: Python<'py>,
    input: PathBuf,
    hls: Option<PathBuf>,
    ladder: Option<Vec<u32>>,
    preset: Option<String>,
    crf: Option<u8>,
    segment_seconds: Option<f64>,
    segment_format: Option<String>,
    proxy: Option<PathBuf>,
    thumbnails: Option<PathBuf>,
    sprite: Option<PathBuf>,
    waveform: Option<PathBuf>,
    options: Option<&Bound<'py, PyAny>>,
    progress: Option<&Bound<'py, PyAny>>,
    cancel: Option<&CancelToken>,
) -> PyResult<Bound<'py, PyAny>> {
    let options = section::<TranscodeJob>(options, "options")?;
    let tuning = config::object([
        ("ladder", json!(ladder)),
        ("preset", json!(preset)),
        ("crf", json!(crf)),
        (
            "segment_seconds",
            finite("segment_seconds", segment_seconds)?,
        ),
        ("segment_format", json!(segment_format)),
    ]);
    let has_hls = hls.is_some() || options.get("hls").is_some_and(|h| !h.is_null());
    if !has_hls && tuning.as_object().is_some_and(|t| !t.is_empty()) {
        let reason = "ladder, preset, crf and segment settings need an hls directory";
        return Err(errors::to_py(Error::invalid("hls", reason)));
    }
    let hls = has_hls.then(|| {
        config::merge(
            config::object([("dir", convert::path(hls.as_deref()))]),
            tuning,
        )
    });
    let at = |key: &str, p: Option<PathBuf>| p.map(|p| json!({ key: convert::path(Some(&p)) }));
    let overrides = config::object([
        ("hls", json!(hls)),
        ("proxy", json!(at("path", proxy))),
        ("thumbnails", json!(at("dir", thumbnails))),
        ("sprite", json!(at("dir", sprite))),
        ("waveform", json!(at("path", waveform))),
    ]);
    let spec = convert::job(
        "transcode",
        Some(&input),
        None::<&Path>,
        config::merge(options, overrides),
    )?;
    let report = report_of!(run_job(py, shared(), &spec, progress, cancel)?, Transcode);
    convert::to_py(py, &report)
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(ingest, m)?)?;
    m.add_function(wrap_pyfunction!(fingerprint, m)?)?;
    m.add_function(wrap_pyfunction!(sniff_container, m)?)?;
    m.add_function(wrap_pyfunction!(transcode, m)?)?;
    Ok(())
}
