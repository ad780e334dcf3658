//! `reelkit transcribe INPUT --model tiny.en|base --format json|srt|vtt|ass --out FILE`

use std::path::PathBuf;

use clap::{Args, ValueEnum};
use reelkit::asr::Transcript;
use reelkit::captions::{build_cues, write_srt, write_vtt, CueConfig};
use reelkit::subtitle::presets::{karaoke_script, Preset, PresetName};
use reelkit::Engine;

use super::asr_args::AsrArgs;
use crate::output::{with_progress, write_output, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TranscriptFormat {
    Json,
    Srt,
    Vtt,
    /// Advanced SubStation Alpha with per-word karaoke (`\k`) timing.
    Ass,
}

#[derive(Debug, Args)]
pub struct TranscribeArgs {
    pub input: PathBuf,
    #[command(flatten)]
    pub asr: AsrArgs,
    #[command(flatten)]
    pub layout: CueArgs,
    #[arg(long, value_enum, default_value = "json")]
    pub format: TranscriptFormat,
    /// Output file (default: stdout).
    #[arg(long, short)]
    pub out: Option<PathBuf>,
}

/// How words are grouped into subtitle cues.
#[derive(Debug, Args)]
pub struct CueArgs {
    /// Characters per subtitle line.
    #[arg(long, default_value_t = 42)]
    pub max_chars: usize,
    /// Lines per subtitle.
    #[arg(long, default_value_t = 2)]
    pub max_lines: usize,
}

impl CueArgs {
    pub fn config(&self) -> CueConfig {
        CueConfig::default().max_chars_per_line(self.max_chars).max_lines(self.max_lines)
    }
}

/// Render a transcript in `format`.
pub fn render(transcript: &Transcript, format: TranscriptFormat, cues: &CueConfig) -> Result<String> {
    Ok(match format {
        TranscriptFormat::Json => serde_json::to_string_pretty(transcript).unwrap_or_default() + "\n",
        TranscriptFormat::Srt => write_srt(&build_cues(&transcript.words(), cues)?),
        TranscriptFormat::Vtt => write_vtt(&build_cues(&transcript.words(), cues)?),
        TranscriptFormat::Ass => {
            let preset = Preset::named(PresetName::Karaoke);
            karaoke_script(&build_cues(&transcript.words(), cues)?, &preset, 1920, 1080)?.to_string()
        }
    })
}

pub fn run(args: TranscribeArgs) -> Result<()> {
    let config = args.asr.config()?;
    let engine = Engine::from_env();
    let transcript = with_progress(|ctl| engine.transcribe(&args.input, &config, ctl))?;
    let text = render(&transcript, args.format, &args.layout.config())?;
    write_output(text.as_bytes(), args.out.as_deref())
}
