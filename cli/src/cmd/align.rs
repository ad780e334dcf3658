//! `reelkit align INPUT --text EDITED [--transcript T.json] [--format F] [--out FILE]`

use std::path::PathBuf;

use clap::Args;
use reelkit::job::AlignParams;
use reelkit::{JobParams, JobSpec};

use super::asr_args::AsrArgs;
use super::transcribe::{print_unless_written, CueArgs, TranscriptFormat};
use crate::output::{run_job, Result};
use crate::report_of;

#[derive(Debug, Args)]
pub struct AlignArgs {
    pub input: PathBuf,
    /// The corrected text: plain text, or an edited SRT/WebVTT file.
    #[arg(long)]
    pub text: PathBuf,
    /// Text encoding of the edited text when it has no byte-order mark
    /// (a WHATWG label: latin1, windows-1251, shift_jis…; default: detected).
    #[arg(long, value_name = "LABEL")]
    pub sub_encoding: Option<String>,
    /// A reelkit transcript JSON of the input (default: transcribe it now).
    #[arg(long)]
    pub transcript: Option<PathBuf>,
    #[command(flatten)]
    pub asr: AsrArgs,
    #[command(flatten)]
    pub layout: CueArgs,
    /// Output format.
    #[arg(long, value_enum, default_value = "json")]
    pub format: TranscriptFormat,
    /// Output file (default: stdout).
    #[arg(long, short)]
    pub out: Option<PathBuf>,
}

pub fn run(args: AlignArgs) -> Result<()> {
    let mut params = AlignParams::new(&args.text);
    params.transcript = args.transcript.clone();
    params.subtitle_encoding = args.sub_encoding.clone();
    params.asr = args.asr.config()?;
    params.format = Some(args.format.into());
    params.cues = args.layout.config();
    let mut spec = JobSpec::with(JobParams::Align(params.clone())).input(args.input.to_string_lossy());
    spec.output = args.out.clone();
    let report = report_of!(run_job(&spec)?, Align);
    print_unless_written(&report, &params.cues)
}
