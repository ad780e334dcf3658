//! `reelkit transcribe INPUT --model tiny.en|base --format json|srt|vtt|ass --out FILE`

use std::path::PathBuf;

use clap::{Args, ValueEnum};
use reelkit::job::{TranscribeParams, TranscriptReport};
use reelkit::subtitle::{render_transcript, CueConfig};
use reelkit::{JobParams, JobSpec};

use super::asr_args::AsrArgs;
use crate::output::{run_job, write_output, Result};
use crate::report_of;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TranscriptFormat {
    Json,
    Srt,
    Vtt,
    /// Advanced SubStation Alpha with per-word karaoke (`\k`) timing.
    Ass,
}

impl From<TranscriptFormat> for reelkit::subtitle::TranscriptFormat {
    fn from(f: TranscriptFormat) -> Self {
        match f {
            TranscriptFormat::Json => Self::Json,
            TranscriptFormat::Srt => Self::Srt,
            TranscriptFormat::Vtt => Self::Vtt,
            TranscriptFormat::Ass => Self::Ass,
        }
    }
}

#[derive(Debug, Args)]
pub struct TranscribeArgs {
    pub input: PathBuf,
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

/// Subtitle cue layout flags.
#[derive(Debug, Args)]
pub struct CueArgs {
    /// Characters per subtitle line.
    #[arg(long, default_value_t = 42)]
    pub max_chars: usize,
    /// Lines per subtitle cue.
    #[arg(long, default_value_t = 2)]
    pub max_lines: usize,
}

impl CueArgs {
    pub fn config(&self) -> CueConfig {
        CueConfig::default().max_chars_per_line(self.max_chars).max_lines(self.max_lines)
    }
}

/// Print the transcript when no file was written.
pub fn print_unless_written(report: &TranscriptReport, cues: &CueConfig) -> Result<()> {
    if report.output.is_some() {
        return Ok(());
    }
    let text = render_transcript(&report.transcript, report.format, cues)?;
    write_output(text.as_bytes(), None)
}

pub fn run(args: TranscribeArgs) -> Result<()> {
    let mut params = TranscribeParams::default();
    params.asr = args.asr.config()?;
    params.format = Some(args.format.into());
    params.cues = args.layout.config();
    let mut spec = JobSpec::with(JobParams::Transcribe(params.clone())).input(args.input.to_string_lossy());
    spec.output = args.out.clone();
    let report = report_of!(run_job(&spec)?, Transcribe);
    print_unless_written(&report, &params.cues)
}
