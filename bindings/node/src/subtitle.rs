//! Subtitles (core `subtitle` module): `readSubtitles`, `renderSubtitles`
//! to an RGBA `Buffer`, `burnSubtitles` (a `burn` job for a script file),
//! `subtitlePresets`, `loadBrandKit`.

use std::path::Path;

use napi::bindgen_prelude::{AsyncTask, Buffer};
use napi::Env;
use napi_derive::napi;
use reelkit::config::{self, object};
use reelkit::subtitle::{BrandKit, BurnOptions, Preset, PresetName, Script};
use reelkit::JobParams;
use serde_json::{json, Value};

use crate::convert::{from_js, record, wire};
use crate::engine;
use crate::error::throw;
use crate::progress::SignalArg;
use crate::run::{run_legacy, spec, Json};
use crate::task::{Job, ProgressCallback, promise};

/// Read an SRT or WebVTT file (format chosen from its content). Malformed
/// files throw with code `subtitle_parse` and the line in `line`.
#[napi(ts_return_type = "Array<SubtitleCue>")]
pub fn read_subtitles(env: &Env, path: String) -> napi::Result<Value> {
    match reelkit::subtitle::read_subtitles(&path) {
        Ok(doc) => Ok(doc.cues.iter().map(record).collect()),
        Err(e) => throw(env, e),
    }
}

/// A rendered subtitle layer: `width * height * 4` bytes of RGBA.
#[napi(object, object_from_js = false)]
pub struct SubtitleFrame {
    pub width: u32,
    pub height: u32,
    /// Straight alpha unless `premultiplied` was asked for.
    pub premultiplied: bool,
    pub data: Buffer,
}

/// How to render.
#[napi(object, object_to_js = false)]
pub struct RenderSubtitlesOptions {
    /// Use only the fonts in this folder (plus fonts embedded in the script).
    pub fonts_dir: Option<String>,
    /// Premultiplied instead of straight alpha.
    pub premultiplied: Option<bool>,
}

/// The subtitle layer of `script` (a path, or ASS text) at `time` seconds
/// on a `width` x `height` frame, over a transparent background.
#[napi(ts_return_type = "Promise<SubtitleFrame>")]
pub fn render_subtitles(
    env: &Env,
    script: String,
    time: f64,
    width: u32,
    height: u32,
    options: Option<RenderSubtitlesOptions>,
) -> napi::Result<AsyncTask<Job<SubtitleFrame>>> {
    let (fonts_dir, premultiplied) = options.map(|o| (o.fonts_dir, o.premultiplied.unwrap_or(false))).unwrap_or_default();
    promise(env, None, None, move |_| {
        let image = engine().render_subtitles(&script, time, width, height, fonts_dir.as_deref().map(Path::new))?;
        let data = if premultiplied { image.to_premultiplied_rgba() } else { image.to_straight_rgba() };
        Ok(SubtitleFrame { width, height, premultiplied, data: data.into() })
    })
}

/// How to burn.
#[napi(object, object_to_js = false)]
pub struct BurnSubtitlesOptions<'a> {
    /// x264 CRF 0..51 (default 20).
    pub crf: Option<u32>,
    /// x264 preset (default `veryfast`).
    pub preset: Option<String>,
    /// Use only the fonts in this folder (plus fonts embedded in the script).
    pub fonts_dir: Option<String>,
    /// A brand kit: JSON file path, or the kit object (relative paths
    /// resolve against the current folder).
    #[napi(ts_type = "string | BrandKit")]
    pub brand: Option<Value>,
    #[napi(ts_type = "(event: ProgressEvent) => void")]
    pub on_progress: Option<ProgressCallback<'a>>,
    #[napi(ts_type = "CancelToken | AbortSignal")]
    pub signal: Option<SignalArg<'a>>,
}

/// A brand kit from its file's path or its JSON object, checked.
fn brand_kit(value: Value) -> reelkit::Result<BrandKit> {
    match value {
        Value::String(path) => BrandKit::load(path),
        json => {
            let kit: BrandKit = config::from_value(from_js(json), "brand")?;
            kit.validate()?;
            Ok(kit)
        }
    }
}

/// Burn `script` (a path, or ASS text) into `input`, writing an H.264 MP4
/// to `output` with the audio copied; a brand kit adds its watermark and
/// intro/outro slates. A script file may also be SRT or WebVTT (drawn
/// with the `bold` preset).
#[napi(ts_return_type = "Promise<BurnReport>")]
pub fn burn_subtitles(
    env: &Env,
    input: String,
    script: String,
    output: String,
    options: Option<BurnSubtitlesOptions<'_>>,
) -> napi::Result<AsyncTask<Job<Json>>> {
    let (burn, brand, on_progress, signal) = match options {
        Some(o) => (
            object([("crf", json!(o.crf)), ("preset", json!(o.preset)), ("fonts_dir", json!(o.fonts_dir))]),
            o.brand,
            o.on_progress,
            o.signal,
        ),
        None => (json!({}), None, None, None),
    };
    promise(env, on_progress, signal, move |ctl| {
        let brand = brand.map(brand_kit).transpose()?;
        if Script::is_text(&script) {
            // No job reads a script from memory: burn it directly.
            let mut options: BurnOptions = config::from_value(burn, "options")?;
            options.brand = brand;
            options.validate()?;
            let report = reelkit::subtitle::burn(input, &Script::parse(&script)?, output, &options, ctl)?;
            return Ok(Json(record(&report)));
        }
        let mut spec = spec("burn", input, output, json!({ "script": script, "options": burn }))?;
        if let JobParams::Burn(params) = &mut spec.params {
            params.options.brand = brand;
        }
        run_legacy(&spec, ctl)
    })
}

/// A caption preset.
#[napi(object, object_from_js = false)]
pub struct SubtitlePreset {
    /// `bold`, `clean`, `karaoke` or `pop`.
    pub name: String,
    pub description: String,
    /// Every value of the preset (snake_case keys, as in brand kits).
    #[napi(ts_type = "Record<string, unknown>")]
    pub preset: Value,
}

/// The caption presets.
#[napi]
pub fn subtitle_presets() -> Vec<SubtitlePreset> {
    PresetName::ALL
        .iter()
        .map(|p| SubtitlePreset {
            name: p.as_str().into(),
            description: p.description().into(),
            preset: wire(serde_json::to_value(Preset::named(*p)).unwrap_or(Value::Null)),
        })
        .collect()
}

/// Load and check a brand kit (a JSON file path or the kit object); returns
/// it with every default filled in (snake_case keys, as in the file).
/// Throws with `code` `invalid_parameter` naming the bad field, or
/// `not_found` for a missing file.
#[napi(ts_return_type = "Record<string, unknown>")]
pub fn load_brand_kit(env: &Env, #[napi(ts_arg_type = "string | Record<string, unknown>")] kit: Value) -> napi::Result<Value> {
    match brand_kit(kit) {
        Ok(k) => Ok(wire(serde_json::to_value(&k).unwrap_or(Value::Null))),
        Err(e) => throw(env, e),
    }
}
