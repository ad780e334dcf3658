//! `reelkit` styled subtitles: render an ASS frame to a NumPy RGBA array,
//! burn a script into a video, list caption presets, load and check brand
//! kits.

use std::path::PathBuf;

use numpy::{PyArray1, PyArrayMethods};
use pyo3::prelude::*;
use reelkit::subtitle::{ass::Script, BrandKit, BurnOptions, FontLibrary, Preset, PresetName, SubtitleRenderer};

use crate::errors;
use crate::json;
use crate::progress::{run, CancelToken};

/// A script from a path, or from ASS text when `script` holds a line break.
fn load_script(script: &str) -> reelkit::Result<Script> {
    if script.contains('\n') {
        Script::parse(script)
    } else {
        Script::load(script)
    }
}

fn fonts(fonts_dir: Option<&PathBuf>) -> reelkit::Result<FontLibrary> {
    Ok(match fonts_dir {
        Some(d) => {
            let mut lib = FontLibrary::empty();
            lib.add_dir(d)?;
            lib
        }
        None => FontLibrary::bundled(),
    })
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
    let text = script.to_string_lossy().into_owned();
    let pixels = py
        .detach(|| -> reelkit::Result<Vec<u8>> {
            let script = load_script(&text)?;
            let renderer = SubtitleRenderer::for_script(&script, fonts(fonts_dir.as_ref())?);
            let image = renderer.render(&script, time, width, height)?;
            Ok(if premultiplied { image.to_premultiplied_rgba() } else { image.to_straight_rgba() })
        })
        .map_err(errors::to_py)?;
    Ok(PyArray1::from_vec(py, pixels).reshape([height as usize, width as usize, 4])?.into_any())
}

/// Burn `script` (a path, or ASS text) into `input`, writing an H.264 MP4
/// to `output` with the audio copied. ``brand`` is a brand kit file or
/// dict (watermark, intro/outro slates, fonts). Returns the report dict.
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
    let kit = brand.filter(|b| !b.is_none()).map(brand_kit).transpose()?;
    let text = script.to_string_lossy().into_owned();
    let preset = preset.to_owned();
    let report = run(py, progress, cancel, |w| {
        let script = load_script(&text)?;
        let mut options = BurnOptions::default().crf(crf).preset(preset);
        if let Some(d) = fonts_dir {
            options = options.fonts_dir(d);
        }
        if let Some(k) = kit {
            options = options.brand(k);
        }
        reelkit::subtitle::burn(&input, &script, &output, &options, w.ctl())
    })?;
    json::to_py(py, &report)
}

/// The caption presets: ``[{"name", "description", "preset"}]``.
#[pyfunction]
pub fn subtitle_presets(py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
    let list: Vec<serde_json::Value> = PresetName::ALL
        .iter()
        .map(|p| serde_json::json!({"name": p.as_str(), "description": p.description(), "preset": Preset::named(*p)}))
        .collect();
    json::to_py(py, &list)
}

fn brand_kit(value: &Bound<'_, PyAny>) -> PyResult<BrandKit> {
    if let Ok(path) = value.extract::<PathBuf>() {
        return BrandKit::load(path).map_err(errors::to_py);
    }
    let json = json::from_py(value, "brand")?;
    let kit = BrandKit::from_json(&json.to_string()).map_err(errors::to_py)?;
    kit.validate().map_err(errors::to_py)?;
    Ok(kit)
}

/// Load and check a brand kit (a JSON file path, or a dict whose relative
/// paths resolve against the current folder); returns it as a dict with
/// every default filled in. Raises :class:`InvalidParameterError` naming
/// the bad field, or :class:`MediaNotFoundError` for a missing file.
#[pyfunction]
pub fn load_brand_kit<'py>(py: Python<'py>, kit: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    let kit = brand_kit(kit)?;
    json::to_py(py, &kit)
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(pyo3::wrap_pyfunction!(render_subtitles, m)?)?;
    m.add_function(pyo3::wrap_pyfunction!(burn_subtitles, m)?)?;
    m.add_function(pyo3::wrap_pyfunction!(subtitle_presets, m)?)?;
    m.add_function(pyo3::wrap_pyfunction!(load_brand_kit, m)?)?;
    Ok(())
}
