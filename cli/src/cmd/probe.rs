//! `reelkit probe INPUT [--json]`

use std::path::PathBuf;

use clap::Args;

use reelkit::{JobKind, JobSpec};

use crate::output::{emit_json, run_job, write_output, Result};
use crate::report_of;

#[derive(Debug, Args)]
pub struct ProbeArgs {
    pub input: PathBuf,
    /// Print JSON instead of a summary.
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: ProbeArgs) -> Result<()> {
    let spec = JobSpec::new(JobKind::Probe).input(args.input.to_string_lossy());
    let info = report_of!(run_job(&spec)?, Probe);
    if args.json {
        return emit_json(&info, None);
    }
    let mut text = format!(
        "{}: {} ({}), {:.3} s, {} bytes\n",
        info.path, info.container, info.container_long, info.duration, info.size_bytes
    );
    if let Some(v) = &info.video {
        text += &format!(
            "  video: {} {}x{} ({}x{} displayed, rotation {}°), {:.3} fps, {}\n",
            v.codec, v.width, v.height, v.display_width, v.display_height, v.rotation, v.fps, v.pixel_format
        );
    }
    if let Some(a) = &info.audio {
        text += &format!("  audio: {} {} Hz, {} channels, {}\n", a.codec, a.sample_rate, a.channels, a.sample_format);
    }
    for s in &info.streams {
        text += &format!("  stream {}: {:?} {}\n", s.index, s.kind, s.codec);
    }
    write_output(text.as_bytes(), None)
}
