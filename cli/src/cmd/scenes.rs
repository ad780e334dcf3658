//! `reelkit scenes INPUT [--threshold T] [--out FILE]`

use std::path::PathBuf;

use clap::Args;
use reelkit::scenes::SceneConfig;
use reelkit::{JobParams, JobSpec};

use crate::output::{emit_json, run_job, Result};
use crate::report_of;

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
    let spec = JobSpec::with(JobParams::Scenes(config)).input(args.input.to_string_lossy());
    let scenes = report_of!(run_job(&spec)?, Scenes).scenes;
    emit_json(&scenes, args.out.as_deref())
}
