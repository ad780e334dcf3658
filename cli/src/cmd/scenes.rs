//! `reelkit scenes INPUT [--threshold T] [--out FILE]`

use std::path::PathBuf;

use clap::Args;
use reelkit::scenes::{detect_scenes, SceneConfig};

use crate::output::{emit_json, with_progress, Result};

#[derive(Debug, Args)]
pub struct ScenesArgs {
    pub input: PathBuf,
    /// Content threshold (0..255).
    #[arg(long, default_value_t = 27.0)]
    pub threshold: f32,
    #[arg(long, short)]
    pub out: Option<PathBuf>,
}

pub fn run(args: ScenesArgs) -> Result<()> {
    let config = SceneConfig::default().threshold(args.threshold);
    let scenes = with_progress(|ctl| detect_scenes(&args.input, &config, ctl))?;
    emit_json(&scenes, args.out.as_deref())
}
