//! `reelkit transcribe INPUT [--format json|srt|vtt] [--out FILE]`

use std::path::PathBuf;

use clap::{Args, ValueEnum};
use reelkit::captions::{build_cues, write_srt, write_vtt, CueConfig};
use reelkit::Engine;

use super::asr_args::AsrArgs;
use crate::output::{with_progress, write_output, Result};

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum TranscriptFormat {
    Json,
    Srt,
    Vtt,
}

#[derive(Debug, Args)]
pub struct TranscribeArgs {
    pub input: PathBuf,
    #[command(flatten)]
    pub asr: AsrArgs,
    #[arg(long, value_enum, default_value = "json")]
    pub format: TranscriptFormat,
    /// Output file (default: stdout).
    #[arg(long, short)]
    pub out: Option<PathBuf>,
}

pub fn run(args: TranscribeArgs) -> Result<()> {
    let config = args.asr.config()?;
    let engine = Engine::from_env();
    let transcript = with_progress(|ctl| engine.transcribe(&args.input, &config, ctl))?;
    let text = match args.format {
        TranscriptFormat::Json => serde_json::to_string_pretty(&transcript).unwrap_or_default() + "\n",
        TranscriptFormat::Srt => write_srt(&build_cues(&transcript.words(), &CueConfig::default())?),
        TranscriptFormat::Vtt => write_vtt(&build_cues(&transcript.words(), &CueConfig::default())?),
    };
    write_output(text.as_bytes(), args.out.as_deref())
}
