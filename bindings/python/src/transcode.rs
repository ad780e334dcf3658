//! `reelkit.transcode`: an HLS ladder, a proxy MP4, thumbnails, sprite
//! sheets and waveform peaks from one decode.

use std::path::PathBuf;

use pyo3::prelude::*;
use reelkit::transcode::{SegmentFormat, TranscodeJob};

use crate::errors;
use crate::json;
use crate::progress::{run, CancelToken};

/// Explicit `transcode()` arguments; each one given overrides `options`.
struct Overrides {
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
    let overrides = Overrides {
        hls,
        ladder,
        preset,
        crf,
        segment_seconds,
        segment_format,
        proxy,
        thumbnails,
        sprite,
        waveform,
    };
    let job = job(
        py,
        json::config_from::<TranscodeJob>(options, "options")?,
        overrides,
    )?;
    let report = run(py, progress, cancel, |w| {
        reelkit::transcode::transcode(&input, &job, w.ctl())
    })?;
    json::to_py(py, &report)
}

fn job(py: Python<'_>, mut job: TranscodeJob, o: Overrides) -> PyResult<TranscodeJob> {
    if let Some(dir) = o.hls {
        let mut section = job.hls.take().unwrap_or_default();
        section.dir = dir;
        job.hls = Some(section);
    }
    let tunes_hls = o.ladder.is_some()
        || o.preset.is_some()
        || o.crf.is_some()
        || o.segment_seconds.is_some()
        || o.segment_format.is_some();
    if tunes_hls {
        let Some(hls) = job.hls.as_mut() else {
            return Err(errors::invalid_parameter(
                py,
                "hls",
                "ladder, preset, crf and segment settings need an hls directory",
            ));
        };
        if let Some(ladder) = o.ladder {
            hls.ladder = ladder;
        }
        if let Some(preset) = o.preset {
            hls.preset = preset;
        }
        if let Some(crf) = o.crf {
            hls.crf = crf;
        }
        if let Some(seconds) = o.segment_seconds {
            hls.segment_seconds = seconds;
        }
        if let Some(format) = o.segment_format {
            hls.segment_format = format.parse::<SegmentFormat>().map_err(errors::to_py)?;
        }
    }
    if let Some(path) = o.proxy {
        let mut section = job.proxy.take().unwrap_or_default();
        section.path = path;
        job.proxy = Some(section);
    }
    if let Some(dir) = o.thumbnails {
        let mut section = job.thumbnails.take().unwrap_or_default();
        section.dir = dir;
        job.thumbnails = Some(section);
    }
    if let Some(dir) = o.sprite {
        let mut section = job.sprite.take().unwrap_or_default();
        section.dir = dir;
        job.sprite = Some(section);
    }
    if let Some(path) = o.waveform {
        let mut section = job.waveform.take().unwrap_or_default();
        section.path = path;
        job.waveform = Some(section);
    }
    job.validate().map_err(errors::to_py)?;
    Ok(job)
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(pyo3::wrap_pyfunction!(transcode, m)?)
}
