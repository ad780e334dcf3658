//! Styled subtitles: render a frame's subtitle layer to RGBA bytes, burn a
//! script into a video (async, with progress and cancellation), list the
//! caption presets, load and check brand kits.

use std::sync::Arc;

use reelkit::subtitle::{ass::Script, BrandKit, BurnOptions, FontLibrary, Preset, PresetName, SubtitleRenderer};

use crate::error::ReelkitError;
use crate::progress::{CancelHandle, ProgressObserver};
use crate::task::run_blocking;

/// A script from a path, or from ASS text when it holds a line break.
fn load_script(script: &str) -> reelkit::Result<Script> {
    if script.contains('\n') {
        Script::parse(script)
    } else {
        Script::load(script)
    }
}

fn brand_kit(kit: &str) -> Result<BrandKit, ReelkitError> {
    if kit.trim_start().starts_with('{') {
        let k = BrandKit::from_json(kit)?;
        k.validate()?;
        Ok(k)
    } else {
        Ok(BrandKit::load(kit)?)
    }
}

/// The subtitle layer of `script` (a path, or ASS text) at `time` seconds
/// on a `width` x `height` frame: `width * height * 4` bytes of RGBA with
/// straight alpha over a transparent background. With `fonts_dir`, only the
/// fonts in that folder (plus fonts embedded in the script) are used.
#[uniffi::export(default(fonts_dir = None))]
pub fn render_subtitles(script: String, time: f64, width: u32, height: u32, fonts_dir: Option<String>) -> Result<Vec<u8>, ReelkitError> {
    let script = load_script(&script)?;
    let fonts = match fonts_dir {
        Some(d) => {
            let mut lib = FontLibrary::empty();
            lib.add_dir(d)?;
            lib
        }
        None => FontLibrary::bundled(),
    };
    let image = SubtitleRenderer::for_script(&script, fonts).render(&script, time, width, height)?;
    Ok(image.to_straight_rgba())
}

/// How to burn subtitles.
#[derive(Debug, Clone, PartialEq, Default, uniffi::Record)]
pub struct BurnSubtitlesOptions {
    /// x264 CRF 0...51 (default 20).
    #[uniffi(default = None)]
    pub crf: Option<u8>,
    /// x264 preset (default `veryfast`).
    #[uniffi(default = None)]
    pub preset: Option<String>,
    /// Use only the fonts in this folder (plus fonts embedded in the script).
    #[uniffi(default = None)]
    pub fonts_dir: Option<String>,
    /// A brand kit: a JSON file path, or the kit itself as JSON text.
    #[uniffi(default = None)]
    pub brand_kit: Option<String>,
}

/// What a burn produced.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct BurnReport {
    pub output: String,
    pub width: u32,
    pub height: u32,
    /// Frames encoded (slates included).
    pub frames: u64,
    /// How often the subtitle layer was rendered (reused while unchanged).
    pub overlay_renders: u64,
    pub duration: f64,
    /// `copied`, `none`, or why the audio was left out.
    pub audio: String,
    pub intro_seconds: f64,
    pub outro_seconds: f64,
}

/// Burn `script` (a path, or ASS text) into `input`, writing an H.264 MP4
/// to `output` with the audio copied; a brand kit adds its watermark and
/// intro/outro slates.
#[uniffi::export(default(options = None, observer = None, cancel = None))]
pub async fn burn_subtitles(
    input: String,
    script: String,
    output: String,
    options: Option<BurnSubtitlesOptions>,
    observer: Option<Arc<dyn ProgressObserver>>,
    cancel: Option<Arc<CancelHandle>>,
) -> Result<BurnReport, ReelkitError> {
    let o = options.unwrap_or_default();
    let mut burn = BurnOptions::default();
    if let Some(crf) = o.crf {
        burn = burn.crf(crf);
    }
    if let Some(p) = o.preset {
        burn = burn.preset(p);
    }
    if let Some(d) = o.fonts_dir {
        burn = burn.fonts_dir(d);
    }
    if let Some(k) = &o.brand_kit {
        burn = burn.brand(brand_kit(k)?);
    }
    run_blocking("burn_subtitles", observer, cancel, move |ctl| {
        let script = load_script(&script)?;
        let r = reelkit::subtitle::burn(&input, &script, &output, &burn, ctl)?;
        Ok(BurnReport {
            output: r.output,
            width: r.width,
            height: r.height,
            frames: r.frames,
            overlay_renders: r.overlay_renders,
            duration: r.duration,
            audio: r.audio,
            intro_seconds: r.intro_seconds,
            outro_seconds: r.outro_seconds,
        })
    })
    .await
}

/// The caption presets (bold, clean, karaoke, pop) as JSON:
/// `[{"name", "description", "preset"}]`.
#[uniffi::export]
pub fn subtitle_presets_json() -> String {
    let list: Vec<serde_json::Value> = PresetName::ALL
        .iter()
        .map(|p| serde_json::json!({"name": p.as_str(), "description": p.description(), "preset": Preset::named(*p)}))
        .collect();
    serde_json::to_string_pretty(&list).unwrap_or_default()
}

/// Load and check a brand kit (a JSON file path, or the kit as JSON text);
/// returns it as JSON with every default filled in.
#[uniffi::export]
pub fn load_brand_kit_json(kit: String) -> Result<String, ReelkitError> {
    Ok(brand_kit(&kit)?.to_json())
}
