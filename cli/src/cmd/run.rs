//! `reelkit run SPEC.json` (`-` reads stdin): run any job and print its
//! report as JSON.

use std::io::Read;
use std::path::PathBuf;

use clap::Args;
use reelkit::JobSpec;

use crate::output::{emit_json, run_job, CliError, Result};

#[derive(Debug, Args)]
pub struct RunArgs {
    /// The job spec: `{"kind", "input", "output", "params"}` (see `reelkit schema`); `-` reads stdin.
    pub spec: PathBuf,
}

pub fn run(args: RunArgs) -> Result<()> {
    let text = if args.spec.as_os_str() == "-" {
        let mut text = String::new();
        std::io::stdin().read_to_string(&mut text).map_err(|e| CliError::usage(format!("<stdin>: {e}")))?;
        text
    } else {
        std::fs::read_to_string(&args.spec).map_err(|e| CliError::usage(format!("{}: {e}", args.spec.display())))?
    };
    let spec = JobSpec::from_json(&text)?;
    let report = run_job(&spec)?;
    emit_json(&report, None)
}
