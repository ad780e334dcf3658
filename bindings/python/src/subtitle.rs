//! Subtitles: burn a script into a video (a `burn` job on the shared
//! engine); read SRT/WebVTT, render an ASS frame to a NumPy RGBA array,
//! list caption presets, load brand kits (typed core calls).

use std::io::Write;
use std::path::PathBuf;

use numpy::{PyArray1, PyArrayMethods};
use pyo3::prelude::*;
use reelkit::subtitle::{ass::Script, BrandKit, Preset, PresetName};
use reelkit::{Error, JobParams};
use serde_json::{json, Value};

use crate::convert;
use crate::engine::{report_of, run_job, shared};
use crate::errors;
use crate::progress::CancelToken;

/// Read an SRT or WebVTT file (format chosen from its content) as a list of
/// cues: ``{"id", "start", "end", "lines", "settings"}``. Malformed files
/// raise ``SubtitleParseError`` naming the line.
#[pyfunction]
pub fn read_subtitles(py: Python<'_>, path: PathBuf) -> PyResult<Bound<'_, PyAny>> {
    let doc = py
        .detach(|| reelkit::subtitle::read_subtitles(&path))
        .map_err(errors::to_py)?;
    convert::to_py(py, &doc.cues)
}

/// The subtitle layer of `script` (a path, or ASS text) at `time` seconds
/// on a `width` x `height` frame: a ``(height, width, 4)`` uint8 RGBA array
/// with straight alpha over a transparent background (premultiplied with
/// ``premultiplied=True``). ``fonts_dir`` limits fonts to that folder plus
/// fonts embedded in the script.
#[pyfunction]
#[pyo3(signature = (script, time, width, height, fonts_dir = None, premultiplied = false))]
pub fn render_subtitles<'py>(
    py: Python<'py>,
    script: PathBuf,
    time: f64,
    width: u32,
    height: u32,
    fonts_dir: Option<PathBuf>,
    premultiplied: bool,
) -> PyResult<Bound<'py, PyAny>> {
    let pixels = py
        .detach(|| -> reelkit::Result<Vec<u8>> {
            let script = script.to_string_lossy();
            let image =
                shared().render_subtitles(&script, time, width, height, fonts_dir.as_deref())?;
            Ok(if premultiplied {
                image.to_premultiplied_rgba()
            } else {
                image.to_straight_rgba()
            })
        })
        .map_err(errors::to_py)?;
    Ok(PyArray1::from_vec(py, pixels)
        .reshape([height as usize, width as usize, 4])?
        .into_any())
}

/// Burn `script` (a path to ASS, SRT or WebVTT, or ASS text) into `input`,
/// writing an H.264 MP4 to `output` with the audio copied. ``brand`` is a
/// brand kit file or dict (watermark, intro/outro slates, fonts). Returns
/// the report dict.
#[pyfunction]
#[pyo3(signature = (input, script, output, crf = 20, preset = "veryfast", fonts_dir = None, brand = None, progress = None, cancel = None))]
#[allow(clippy::too_many_arguments)]
pub fn burn_subtitles<'py>(
    py: Python<'py>,
    input: PathBuf,
    script: PathBuf,
    output: PathBuf,
    crf: u8,
    preset: &str,
    fonts_dir: Option<PathBuf>,
    brand: Option<&Bound<'py, PyAny>>,
    progress: Option<&Bound<'py, PyAny>>,
    cancel: Option<&CancelToken>,
) -> PyResult<Bound<'py, PyAny>> {
    // A burn job reads its script from a file: ASS text is staged in one.
    let staged = if Script::is_text(&script.to_string_lossy()) {
        Some(stage_script(&script.to_string_lossy()).map_err(errors::to_py)?)
    } else {
        None
    };
    let script = staged.as_ref().map_or(script, |f| f.path().to_path_buf());
    // A kit file keeps its own folder for relative paths, so it is loaded
    // here and set on the job as is; a dict crosses as JSON.
    let brand = brand.filter(|b| !b.is_none());
    let kit_file = brand.and_then(|b| b.extract::<PathBuf>().ok());
    let kit_dict = match (brand, &kit_file) {
        (Some(b), None) => convert::to_json(b, "brand")?,
        _ => Value::Null,
    };
    let options = reelkit::config::object([
        ("crf", json!(crf)),
        ("preset", json!(preset)),
        ("fonts_dir", convert::path(fonts_dir.as_deref())),
        ("brand", kit_dict),
    ]);
    let params = json!({"script": convert::path(Some(&script)), "options": options});
    let mut spec = convert::job("burn", Some(&input), Some(&output), params)?;
    if let (Some(file), JobParams::Burn(p)) = (kit_file, &mut spec.params) {
        p.options.brand = Some(BrandKit::load(file).map_err(errors::to_py)?);
    }
    let report = report_of!(run_job(py, shared(), &spec, progress, cancel)?, Burn);
    convert::to_py(py, &report)
}

fn stage_script(text: &str) -> reelkit::Result<tempfile::NamedTempFile> {
    let mut file = tempfile::Builder::new()
        .prefix("reelkit-")
        .suffix(".ass")
        .tempfile()
        .map_err(|e| Error::io(std::env::temp_dir(), e))?;
    file.write_all(text.as_bytes())
        .map_err(|e| Error::io(file.path(), e))?;
    Ok(file)
}

/// The caption presets: ``[{"name", "description", "preset"}]``.
#[pyfunction]
pub fn subtitle_presets(py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
    let list: Vec<Value> = PresetName::ALL
        .iter()
        .map(|p| json!({"name": p.as_str(), "description": p.description(), "preset": Preset::named(*p)}))
        .collect();
    convert::to_py(py, &list)
}

/// Load and check a brand kit (a JSON file path, or a dict whose relative
/// paths resolve against the current folder); returns it as a dict with
/// every default filled in. Raises :class:`InvalidParameterError` naming
/// the bad field, or :class:`MediaNotFoundError` for a missing file.
#[pyfunction]
pub fn load_brand_kit<'py>(
    py: Python<'py>,
    kit: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyAny>> {
    let kit = match kit.extract::<PathBuf>() {
        Ok(path) => BrandKit::load(path),
        Err(_) => {
            let value = convert::to_json(kit, "brand")?;
            reelkit::config::from_value::<BrandKit>(value, "brand")
                .and_then(|k| k.validate().map(|()| k))
        }
    };
    convert::to_py(py, &kit.map_err(errors::to_py)?)
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(read_subtitles, m)?)?;
    m.add_function(wrap_pyfunction!(render_subtitles, m)?)?;
    m.add_function(wrap_pyfunction!(burn_subtitles, m)?)?;
    m.add_function(wrap_pyfunction!(subtitle_presets, m)?)?;
    m.add_function(wrap_pyfunction!(load_brand_kit, m)?)?;
    Ok(())
}
