//! `reelkit scenes INPUT [--detector content|adaptive|fade] [--threshold T]
//! [--min-scene-len S] [--out scenes.json|scenes.csv]`

use std::path::PathBuf;

use clap::Args;
use reelkit::scenes::{detect_scenes, to_csv, Detector, SceneConfig};

use crate::output::{emit_json, with_progress, write_output, CliError, Result};

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
    config.validate()?;
    let scenes = with_progress(|ctl| detect_scenes(&args.input, &config, ctl))?;
    let csv = args
        .out
        .as_deref()
        .and_then(|p| p.extension())
        .is_some_and(|e| e.eq_ignore_ascii_case("csv"));
    if csv {
        write_output(to_csv(&scenes).as_bytes(), args.out.as_deref())
    } else {
        emit_json(&scenes, args.out.as_deref())
    }
}
