//! Styled subtitles (core `subtitle` module): `renderSubtitles` to an RGBA
//! `Buffer`, `burnSubtitles`, `subtitlePresets`, `loadBrandKit`.

use napi::bindgen_prelude::{AsyncTask, Buffer};
use napi::Env;
use napi_derive::napi;
use reelkit::subtitle::{ass::Script, BrandKit, BurnOptions, FontLibrary, Preset, PresetName, SubtitleRenderer};
use serde_json::Value;

use crate::error::{throw, Failure};
use crate::progress::SignalArg;
use crate::task::{Control, Job, ProgressCallback};

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

/// A script from a path, or from ASS text when it holds a line break.
fn load_script(script: &str) -> reelkit::Result<Script> {
    if script.contains('\n') {
        Script::parse(script)
    } else {
        Script::load(script)
    }
}

fn fonts(dir: Option<&str>) -> reelkit::Result<FontLibrary> {
    Ok(match dir {
        Some(d) => {
            let mut lib = FontLibrary::empty();
            lib.add_dir(d)?;
            lib
        }
        None => FontLibrary::bundled(),
    })
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
    let control = Control::new(env, None, None)?;
    Ok(AsyncTask::new(Job::new(control, move || {
        let script = load_script(&script)?;
        let renderer = SubtitleRenderer::for_script(&script, fonts(fonts_dir.as_deref())?);
        let image = renderer.render(&script, time, width, height)?;
        let data = if premultiplied { image.to_premultiplied_rgba() } else { image.to_straight_rgba() };
        Ok(SubtitleFrame { width, height, premultiplied, data: data.into() })
    })))
}

/// What a burn produced.
#[napi(object, object_from_js = false)]
pub struct BurnReport {
    pub output: String,
    pub width: u32,
    pub height: u32,
    /// Frames encoded (slates included).
    pub frames: i64,
    /// How often the subtitle layer was rendered (it is reused while it does
    /// not change).
    pub overlay_renders: i64,
    pub duration: f64,
    /// `copied`, `none`, or why the audio was left out.
    pub audio: String,
    pub intro_seconds: f64,
    pub outro_seconds: f64,
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
    #[napi(ts_type = "string | Record<string, unknown>")]
    pub brand: Option<Value>,
    #[napi(ts_type = "(event: ProgressEvent) => void")]
    pub on_progress: Option<ProgressCallback<'a>>,
    #[napi(ts_type = "CancelToken | AbortSignal")]
    pub signal: Option<SignalArg<'a>>,
}

fn brand_kit(value: Value) -> Result<BrandKit, Failure> {
    let kit = match value {
        Value::String(path) => BrandKit::load(path)?,
        json => {
            let kit = BrandKit::from_json(&json.to_string())?;
            kit.validate()?;
            kit
        }
    };
    Ok(kit)
}

/// Burn `script` (a path, or ASS text) into `input`, writing an H.264 MP4
/// to `output` with the audio copied; a brand kit adds its watermark and
/// intro/outro slates.
#[napi(ts_return_type = "Promise<BurnReport>")]
pub fn burn_subtitles(
    env: &Env,
    input: String,
    script: String,
    output: String,
    options: Option<BurnSubtitlesOptions<'_>>,
) -> napi::Result<AsyncTask<Job<BurnReport>>> {
    let mut burn = BurnOptions::default();
    let (mut on_progress, mut signal) = (None, None);
    if let Some(o) = options {
        if let Some(crf) = o.crf {
            burn = burn.crf(u8::try_from(crf).unwrap_or(u8::MAX));
        }
        if let Some(p) = o.preset {
            burn = burn.preset(p);
        }
        if let Some(d) = o.fonts_dir {
            burn = burn.fonts_dir(d);
        }
        if let Some(b) = o.brand {
            match brand_kit(b) {
                Ok(kit) => burn = burn.brand(kit),
                Err(f) => return Err(f.into_napi(env)),
            }
        }
        (on_progress, signal) = (o.on_progress, o.signal);
    }
    let control = Control::new(env, on_progress, signal)?;
    let ctl = control.run_ctl();
    Ok(AsyncTask::new(Job::new(control, move || {
        let script = load_script(&script)?;
        let r = reelkit::subtitle::burn(input, &script, output, &burn, &ctl)?;
        Ok(BurnReport {
            output: r.output,
            width: r.width,
            height: r.height,
            frames: r.frames as i64,
            overlay_renders: r.overlay_renders as i64,
            duration: r.duration,
            audio: r.audio,
            intro_seconds: r.intro_seconds,
            outro_seconds: r.outro_seconds,
        })
    })))
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
            preset: serde_json::to_value(Preset::named(*p)).unwrap_or(Value::Null),
        })
        .collect()
}

/// Load and check a brand kit (a JSON file path or the kit object); returns
/// it with every default filled in. Throws with `code` `invalid_parameter`
/// naming the bad field, or `not_found` for a missing file.
#[napi(ts_return_type = "Record<string, unknown>")]
pub fn load_brand_kit(env: &Env, #[napi(ts_arg_type = "string | Record<string, unknown>")] kit: Value) -> napi::Result<Value> {
    match brand_kit(kit) {
        Ok(k) => Ok(serde_json::to_value(&k).unwrap_or(Value::Null)),
        Err(f) => throw(env, f),
    }
}
