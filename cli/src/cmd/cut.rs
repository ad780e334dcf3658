//! `reelkit cut INPUT --start S --end S --out FILE`

use std::path::PathBuf;

use clap::Args;

use crate::output::{with_progress, write_output, Result};

#[derive(Debug, Args)]
pub struct CutArgs {
    pub input: PathBuf,
    /// Start in seconds.
    #[arg(long)]
    pub start: f64,
    /// End in seconds.
    #[arg(long)]
    pub end: f64,
    #[arg(long, short)]
    pub out: PathBuf,
}

pub fn run(args: CutArgs) -> Result<()> {
    let written = with_progress(|ctl| reelkit::media::cut(&args.input, &args.out, args.start, args.end, ctl))?;
    write_output(format!("{}\n", written.display()).as_bytes(), None)
}
