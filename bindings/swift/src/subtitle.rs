//! Styled subtitles: render a frame's subtitle layer to RGBA bytes, burn a
//! script into a video (a `burn` job), list the caption presets, load and
//! check brand kits.

use std::path::Path;
use std::sync::Arc;

use serde_json::json;

use reelkit::subtitle::{BurnOptions, BurnReport, Preset, PresetName, Script};

use crate::engine::{report_of, run_spec, shared, spec};
use crate::error::ReelkitError;
use crate::options::{brand_kit, BurnSubtitlesOptions};
use crate::progress::{CancelHandle, ProgressObserver};
use crate::task::run_blocking;

/// The subtitle layer of `script` (a path, or ASS text) at `time` seconds
/// on a `width` x `height` frame: `width * height * 4` bytes of RGBA with
/// straight alpha over a transparent background. With `fonts_dir`, only the
/// fonts in that folder (plus fonts embedded in the script) are used.
#[uniffi::export(default(fonts_dir = None))]
pub fn render_subtitles(script: String, time: f64, width: u32, height: u32, fonts_dir: Option<String>) -> Result<Vec<u8>, ReelkitError> {
    Ok(shared(None).render_subtitles(&script, time, width, height, fonts_dir.as_deref().map(Path::new))?.to_straight_rgba())
}

/// Burn `script` (a path to ASS, SRT or WebVTT, or ASS text) into `input`,
/// writing an H.264 MP4 to `output` with the audio copied; a brand kit adds
/// its watermark and intro/outro slates.
#[uniffi::export(default(options = None, observer = None, cancel = None))]
pub async fn burn_subtitles(
    input: String,
    script: String,
    output: String,
    options: Option<BurnSubtitlesOptions>,
    observer: Option<Arc<dyn ProgressObserver>>,
    cancel: Option<Arc<CancelHandle>>,
) -> Result<BurnReport, ReelkitError> {
    let options = options.unwrap_or_default().options()?;
    if !Script::is_text(&script) {
        let params = json!({"script": script, "options": options});
        let report = run_spec(shared(None), spec("burn", &input, Some(&output), params), observer, cancel).await?;
        return report_of!(report, Burn);
    }
    // A script in memory is not a job (jobs read files): the same options,
    // read as strictly, straight into the burn stage.
    let options: BurnOptions = reelkit::config::from_value(options, "options")?;
    options.validate().map_err(|e| e.under_field("options"))?;
    let script = Script::parse(&script)?;
    run_blocking("burn", observer, cancel, move |ctl| Ok(reelkit::subtitle::burn(&input, &script, &output, &options, ctl)?)).await
}

/// The caption presets (bold, clean, karaoke, pop) as JSON:
/// `[{"name", "description", "preset"}]`.
#[uniffi::export]
pub fn subtitle_presets_json() -> String {
    let list: Vec<serde_json::Value> = PresetName::ALL
        .iter()
        .map(|p| json!({"name": p.as_str(), "description": p.description(), "preset": Preset::named(*p)}))
        .collect();
    serde_json::to_string_pretty(&list).unwrap_or_default()
}

/// Load and check a brand kit (a JSON file path, or the kit as JSON text);
/// returns it as JSON with every default filled in.
#[uniffi::export]
pub fn load_brand_kit_json(kit: String) -> Result<String, ReelkitError> {
    Ok(brand_kit(&kit)?.to_json())
}
