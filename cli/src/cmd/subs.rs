//! `reelkit subs render|burn|presets|check`: styled ASS subtitles.

use std::path::PathBuf;

use clap::{Args, Subcommand};
use reelkit::subtitle::ass::Script;
use reelkit::subtitle::{FontLibrary, SubtitleRenderer};

use crate::output::{emit_json, CliError, Result};

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
}

pub fn run(args: SubsArgs) -> Result<()> {
    match args.command {
        SubsCommand::Render(a) => render(a),
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
    Ok(match dir {
        Some(d) => {
            let mut lib = FontLibrary::empty();
            lib.add_dir(d)?;
            lib
        }
        None => FontLibrary::bundled(),
    })
}

fn render(args: RenderArgs) -> Result<()> {
    let (w, h) = parse_size(&args.size)?;
    let script = Script::load(&args.script)?;
    for warning in &script.warnings {
        eprintln!("warning: {}: {warning}", args.script.display());
    }
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
