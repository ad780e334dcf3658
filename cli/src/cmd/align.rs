//! `reelkit align INPUT --text EDITED [--transcript T.json] [--format F] [--out FILE]`

use std::path::PathBuf;

use clap::Args;
use reelkit::asr::Transcript;
use reelkit::captions::read_subtitles;
use reelkit::Engine;

use super::asr_args::AsrArgs;
use super::transcribe::{render, CueArgs, TranscriptFormat};
use crate::output::{with_progress, write_output, CliError, Result};

/// Re-time a corrected transcript against the audio, keeping captions in
/// sync after edits.
#[derive(Debug, Args)]
pub struct AlignArgs {
    /// The media the transcript belongs to.
    pub input: PathBuf,
    /// The corrected text: plain text, or an SRT/WebVTT file whose text is used.
    #[arg(long)]
    pub text: PathBuf,
    /// The transcript to correct (JSON from `reelkit transcribe`); when
    /// omitted, INPUT is transcribed first.
    #[arg(long)]
    pub transcript: Option<PathBuf>,
    #[command(flatten)]
    pub asr: AsrArgs,
    #[command(flatten)]
    pub layout: CueArgs,
    #[arg(long, value_enum, default_value = "json")]
    pub format: TranscriptFormat,
    #[arg(long, short)]
    pub out: Option<PathBuf>,
}

pub fn run(args: AlignArgs) -> Result<()> {
    let edited = edited_text(&args.text)?;
    let engine = Engine::from_env();
    let transcript = match &args.transcript {
        Some(path) => {
            let bytes = std::fs::read(path).map_err(|e| CliError::new(format!("{}: {e}", path.display()), 2))?;
            serde_json::from_slice::<Transcript>(&bytes)
                .map_err(|e| CliError::usage(format!("{}: not a reelkit transcript ({e})", path.display())))?
        }
        None => {
            let config = args.asr.config()?;
            with_progress(|ctl| engine.transcribe(&args.input, &config, ctl))?
        }
    };
    let aligned = with_progress(|ctl| engine.realign(&args.input, &transcript, &edited, ctl))?;
    let text = render(&aligned, args.format, &args.layout.config())?;
    write_output(text.as_bytes(), args.out.as_deref())
}

/// The words of a corrected transcript: the text of a subtitle file's cues,
/// or the file itself.
fn edited_text(path: &std::path::Path) -> Result<String> {
    let is_subtitles = matches!(path.extension().and_then(|e| e.to_str()), Some("srt" | "vtt"));
    if is_subtitles {
        let doc = read_subtitles(path)?;
        return Ok(doc.cues.iter().map(|c| c.lines.join(" ")).collect::<Vec<_>>().join(" "));
    }
    std::fs::read_to_string(path).map_err(|e| CliError::new(format!("{}: {e}", path.display()), 2))
}
