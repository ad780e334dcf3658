//! `reelkit scenes INPUT [--detector content|adaptive|fade] [--threshold T]
//! [--min-scene-len S] [--out scenes.json|scenes.csv]`

use std::path::PathBuf;

use clap::Args;
use reelkit::scenes::{Detector, SceneConfig};
use reelkit::{JobParams, JobSpec};

use crate::output::{emit_json, run_job, CliError, Result};
use crate::report_of;

#[derive(Debug, Args)]
pub struct ScenesArgs {
    pub input: PathBuf,
    /// content (HSV deltas), adaptive (deltas against their neighbours) or
    /// fade (black/white runs).
    #[arg(long, default_value = "content")]
    pub detector: String,
    /// The detector's threshold: content score 0..255 (content, default 27),
    /// score ratio to the neighbours (adaptive, default 3), black level
    /// 0..255 (fade, default 12).
    #[arg(long)]
    pub threshold: Option<f32>,
    /// Shortest scene in seconds (default 0.5; at least 15 frames too).
    #[arg(long)]
    pub min_scene_len: Option<f64>,
    /// Write here instead of stdout: `.csv` writes PySceneDetect's CSV
    /// layout, anything else JSON.
    #[arg(long, short)]
    pub out: Option<PathBuf>,
}

pub fn run(args: ScenesArgs) -> Result<()> {
    let detector: Detector = args.detector.parse().map_err(|e: reelkit::Error| CliError::usage(e.to_string()))?;
    let mut config = SceneConfig::default().detector(detector);
    if let Some(t) = args.threshold {
        match detector {
            Detector::Content => config.threshold = t,
            Detector::Adaptive => config.adaptive.ratio = t,
            Detector::Fade => config.fade.black_level = t,
        }
    }
    if let Some(len) = args.min_scene_len {
        config.min_scene_len = len;
    }
    let mut spec = JobSpec::with(JobParams::Scenes(config)).input(args.input.to_string_lossy());
    spec.output = args.out.clone();
    let report = report_of!(run_job(&spec)?, Scenes);
    if args.out.is_none() {
        emit_json(&report.scenes, None)?;
    }
    Ok(())
}
