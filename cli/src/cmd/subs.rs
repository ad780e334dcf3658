//! `reelkit subs render|burn|presets|check`: styled ASS subtitles.

use std::path::PathBuf;

use clap::{Args, Subcommand};
use reelkit::subtitle::ass::Script;
use reelkit::subtitle::{FontLibrary, SubtitleRenderer};

use crate::output::{emit_json, run_job, write_output, CliError, Result};
use crate::report_of;
use reelkit::job::BurnParams;
use reelkit::{JobParams, JobSpec};
use reelkit::subtitle::{BrandKit, BurnOptions, Preset, PresetName};

#[derive(Debug, Args)]
pub struct SubsArgs {
    #[command(subcommand)]
    pub command: SubsCommand,
}

#[derive(Debug, Subcommand)]
pub enum SubsCommand {
    /// Render the subtitle layer of one frame to a PNG (RGBA, straight alpha,
    /// transparent background).
    Render(RenderArgs),
    /// Burn an ASS script into a video (H.264 MP4, audio copied).
    Burn(BurnArgs),
    /// Show the subtitle layer composited on the video frame at a time, as
    /// the burned export will show it (PNG).
    Preview(PreviewArgs),
    /// List the caption presets (JSON).
    Presets,
    /// Check an ASS script or a brand kit and list what was repaired.
    Check(CheckArgs),
}

#[derive(Debug, Args)]
pub struct BurnArgs {
    pub input: PathBuf,
    pub script: PathBuf,
    #[arg(long, short)]
    pub out: PathBuf,
    /// x264 preset.
    #[arg(long, default_value = "veryfast")]
    pub preset: String,
    /// x264 constant rate factor (0-51).
    #[arg(long, default_value_t = 20)]
    pub crf: u8,
    /// Use only the fonts in DIR (and fonts embedded in the script).
    #[arg(long)]
    pub fonts_dir: Option<PathBuf>,
    /// Brand kit JSON: fonts, watermark, intro/outro slates.
    #[arg(long)]
    pub brand: Option<PathBuf>,
    /// Encoder/decoder threads (0 = automatic).
    #[arg(long, default_value_t = 0)]
    pub threads: usize,
    /// Print the report as JSON.
    #[arg(long)]
    pub json: bool,
    /// Text encoding of the script when it has no byte-order mark (a WHATWG
    /// label: latin1, windows-1251, shift_jis…; default: detected).
    #[arg(long, value_name = "LABEL")]
    pub sub_encoding: Option<String>,
}

#[derive(Debug, Args)]
pub struct PreviewArgs {
    pub input: PathBuf,
    pub script: PathBuf,
    /// Time in seconds.
    #[arg(long)]
    pub time: f64,
    #[arg(long)]
    pub fonts_dir: Option<PathBuf>,
    #[arg(long)]
    pub brand: Option<PathBuf>,
    #[arg(long, short)]
    pub out: PathBuf,
    /// Text encoding of the script when it has no byte-order mark (a WHATWG
    /// label: latin1, windows-1251, shift_jis…; default: detected).
    #[arg(long, value_name = "LABEL")]
    pub sub_encoding: Option<String>,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// An .ass/.ssa script or a brand kit .json.
    pub file: PathBuf,
    /// Text encoding of the script when it has no byte-order mark (a WHATWG
    /// label: latin1, windows-1251, shift_jis…; default: detected).
    #[arg(long, value_name = "LABEL")]
    pub sub_encoding: Option<String>,
}

#[derive(Debug, Args)]
pub struct RenderArgs {
    pub script: PathBuf,
    /// Time in seconds.
    #[arg(long)]
    pub time: f64,
    /// Frame size WxH.
    #[arg(long)]
    pub size: String,
    /// Use only the fonts in DIR (and fonts embedded in the script).
    #[arg(long)]
    pub fonts_dir: Option<PathBuf>,
    #[arg(long, short)]
    pub out: PathBuf,
    /// Text encoding of the script when it has no byte-order mark (a WHATWG
    /// label: latin1, windows-1251, shift_jis…; default: detected).
    #[arg(long, value_name = "LABEL")]
    pub sub_encoding: Option<String>,
}

pub fn run(args: SubsArgs) -> Result<()> {
    match args.command {
        SubsCommand::Render(a) => render(a),
        SubsCommand::Burn(a) => burn(a),
        SubsCommand::Preview(a) => preview(a),
        SubsCommand::Presets => presets(),
        SubsCommand::Check(a) => check(a),
    }
}

/// `WxH` → (w, h).
pub fn parse_size(text: &str) -> Result<(u32, u32)> {
    let (w, h) = text
        .split_once(['x', 'X'])
        .ok_or_else(|| CliError::usage(format!("--size `{text}`: expected WxH, e.g. 1920x1080")))?;
    let parse = |v: &str| v.trim().parse::<u32>().ok().filter(|v| (1..=16384).contains(v));
    match (parse(w), parse(h)) {
        (Some(w), Some(h)) => Ok((w, h)),
        _ => Err(CliError::usage(format!("--size `{text}`: each side must be 1..=16384"))),
    }
}

fn fonts(dir: Option<&PathBuf>) -> Result<FontLibrary> {
    Ok(FontLibrary::from_dir_or_bundled(dir.map(PathBuf::as_path))?)
}

fn render(args: RenderArgs) -> Result<()> {
    let (w, h) = parse_size(&args.size)?;
    let script = load_script(&args.script, args.sub_encoding.as_deref())?;
    let renderer = SubtitleRenderer::for_script(&script, fonts(args.fonts_dir.as_ref())?);
    let image = renderer.render(&script, args.time, w, h)?;
    write_atomic(&args.out, &image.to_png())?;
    emit_json(
        &serde_json::json!({
            "out": args.out.display().to_string(),
            "width": w,
            "height": h,
            "time": args.time,
            "bbox": if image.is_empty() { serde_json::Value::Null } else { serde_json::json!([image.x, image.y, image.w, image.h]) },
        }),
        None,
    )
}

/// Write through a temporary name so a failure never leaves a partial file.
fn write_atomic(path: &std::path::Path, bytes: &[u8]) -> Result<()> {
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".partial");
    let tmp = PathBuf::from(tmp);
    std::fs::write(&tmp, bytes).map_err(|e| CliError::new(format!("{}: {e}", tmp.display()), 1))?;
    std::fs::rename(&tmp, path).map_err(|e| CliError::new(format!("{}: {e}", path.display()), 1))
}

fn burn_options(fonts_dir: Option<&PathBuf>, brand: Option<&PathBuf>) -> Result<BurnOptions> {
    let mut options = BurnOptions::default();
    if let Some(d) = fonts_dir {
        options = options.fonts_dir(d);
    }
    if let Some(b) = brand {
        options = options.brand(BrandKit::load(b)?);
    }
    Ok(options)
}

/// A script read with the declared encoding (`--sub-encoding`), checked first.
fn load_script(path: &PathBuf, encoding: Option<&str>) -> Result<Script> {
    check_encoding(encoding)?;
    let script = Script::load_with(path, encoding)?;
    for warning in &script.warnings {
        eprintln!("warning: {}: {warning}", path.display());
    }
    Ok(script)
}

fn check_encoding(encoding: Option<&str>) -> Result<()> {
    match encoding {
        Some(label) => Ok(reelkit::subtitle::check_encoding_label("--sub-encoding", label)?),
        None => Ok(()),
    }
}

fn burn(args: BurnArgs) -> Result<()> {
    load_script(&args.script, args.sub_encoding.as_deref())?; // warnings first
    let mut options = burn_options(args.fonts_dir.as_ref(), args.brand.as_ref())?.crf(args.crf).preset(args.preset.clone());
    options.threads = args.threads;
    let mut params = BurnParams::new(&args.script);
    params.options = options;
    params.subtitle_encoding = args.sub_encoding.clone();
    let spec = JobSpec::with(JobParams::Burn(params)).input(args.input.to_string_lossy()).output(&args.out);
    let report = report_of!(run_job(&spec)?, Burn);
    if args.json {
        return emit_json(&report, None);
    }
    write_output(format!("{}\n", report.output).as_bytes(), None)
}

fn preview(args: PreviewArgs) -> Result<()> {
    let script = load_script(&args.script, args.sub_encoding.as_deref())?;
    let options = burn_options(args.fonts_dir.as_ref(), args.brand.as_ref())?;
    let frame = reelkit::subtitle::preview_frame(&args.input, &script, args.time, &options)?;
    write_atomic(&args.out, &frame.to_rgb().to_png())?;
    write_output(format!("{}\n", args.out.display()).as_bytes(), None)
}

fn presets() -> Result<()> {
    let list: Vec<serde_json::Value> = PresetName::ALL
        .iter()
        .map(|p| serde_json::json!({"name": p.as_str(), "description": p.description(), "preset": Preset::named(*p)}))
        .collect();
    emit_json(&list, None)
}

fn check(args: CheckArgs) -> Result<()> {
    let is_json = args.file.extension().and_then(|e| e.to_str()).is_some_and(|e| e.eq_ignore_ascii_case("json"));
    if is_json {
        let kit = BrandKit::load(&args.file)?;
        return emit_json(&serde_json::json!({"kind": "brand_kit", "valid": true, "kit": kit}), None);
    }
    check_encoding(args.sub_encoding.as_deref())?;
    let script = Script::load_with(&args.file, args.sub_encoding.as_deref())?;
    let warnings: Vec<String> = script.warnings.iter().map(ToString::to_string).collect();
    emit_json(
        &serde_json::json!({
            "kind": "script",
            "valid": true,
            "play_res": [script.info.play_res_x, script.info.play_res_y],
            "styles": script.styles.len(),
            "events": script.events.len(),
            "embedded_fonts": script.fonts.len(),
            "warnings": warnings,
        }),
        None,
    )
}
