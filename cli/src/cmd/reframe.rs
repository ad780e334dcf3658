//! `reelkit reframe INPUT --aspect 9:16 --out OUT.mp4`

use std::path::PathBuf;

use clap::Args;
use reelkit::reframe::{LayoutMode, ReframeConfig, ReframeJob};
use reelkit::{JobParams, JobSpec};

use crate::output::{emit_json, run_job, write_output, CliError, Result};
use crate::report_of;

#[derive(Debug, Args)]
pub struct ReframeArgs {
    pub input: PathBuf,
    /// Output MP4.
    #[arg(long, short)]
    pub out: PathBuf,
    /// Frame shape: 9:16, 1:1, 4:5 or 16:9.
    #[arg(long, default_value = "9:16")]
    pub aspect: String,
    /// Layout: auto, follow, split, blur_fill or center.
    #[arg(long)]
    pub layout: Option<String>,
    /// Reframe settings as JSON (see `ReframeConfig`); flags win over it.
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Start of the range in seconds.
    #[arg(long, default_value_t = 0.0)]
    pub start: f64,
    /// End of the range in seconds (default: the end of the input).
    #[arg(long)]
    pub end: Option<f64>,
    /// x264 constant rate factor (0-51).
    #[arg(long, default_value_t = 20)]
    pub crf: u8,
    /// x264 preset.
    #[arg(long, default_value = "veryfast")]
    pub preset: String,
    /// Write the crop plan (keyframes, layout spans, speakers) as JSON here.
    #[arg(long)]
    pub plan: Option<PathBuf>,
    /// Print the report as JSON on stdout.
    #[arg(long)]
    pub json: bool,
}

/// A layout name as the config spells it.
pub fn parse_layout(name: &str) -> Result<LayoutMode> {
    serde_json::from_value(serde_json::Value::String(name.trim().replace('-', "_")))
        .map_err(|_| CliError::usage(format!("invalid layout `{name}` (expected auto, follow, split, blur_fill or center)")))
}

pub fn run(args: ReframeArgs) -> Result<()> {
    let mut config = match &args.config {
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(|e| CliError::usage(format!("{}: {e}", path.display())))?;
            reelkit::config::from_json::<ReframeConfig>(&text, "reframe").map_err(|e| CliError::usage(format!("{}: {e}", path.display())))?
        }
        None => ReframeConfig::default(),
    };
    if let Some(layout) = &args.layout {
        config.layout = parse_layout(layout)?;
    }
    let job = ReframeJob {
        aspect: args.aspect.parse()?,
        reframe: config,
        start: args.start,
        end: args.end,
        crf: args.crf,
        preset: args.preset.clone(),
        ..ReframeJob::default()
    };
    let spec = JobSpec::with(JobParams::Reframe(job)).input(args.input.to_string_lossy()).output(&args.out);
    let report = report_of!(run_job(&spec)?, Reframe);
    if let Some(path) = &args.plan {
        emit_json(&report.plan, Some(path))?;
    }
    if args.json {
        return emit_json(&report, None);
    }
    let spans: Vec<String> = report
        .plan
        .layout
        .iter()
        .map(|s| format!("{:.1}-{:.1} {}", s.start, s.end, serde_json::to_value(s.layout).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()))
        .collect();
    let text = format!(
        "{}  {}x{}  {} faces, {} speaker turns, {} keyframes  [{}]\n",
        report.output,
        report.plan.width,
        report.plan.height,
        report.plan.faces,
        report.plan.speakers.len(),
        report.plan.crop.len(),
        spans.join(", ")
    );
    write_output(text.as_bytes(), None)
}
