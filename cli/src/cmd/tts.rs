//! `reelkit tts "text" --voice joe --out speech.wav` and `reelkit tts --list-voices`

use std::io::Read;
use std::path::PathBuf;

use clap::Args;
use reelkit::job::TtsParams;
use reelkit::tts::Synthesizer;
use reelkit::{JobParams, JobSpec};

use super::tts_args::TtsArgs;
use crate::output::{emit_json, engine, run_job, write_output, CliError, Result};
use crate::report_of;

#[derive(Debug, Args)]
pub struct TtsCmdArgs {
    /// Text to speak (`-` reads standard input). SSML-lite `<break time="300ms"/>` tags make pauses.
    pub text: Option<String>,
    /// Read the text from a file instead.
    #[arg(long, conflicts_with = "text")]
    pub file: Option<PathBuf>,
    /// Output WAV file (16-bit PCM at the voice's rate), written as the speech is made.
    #[arg(long, short)]
    pub out: Option<PathBuf>,
    #[command(flatten)]
    pub tts: TtsArgs,
    /// List the voices instead of speaking.
    #[arg(long)]
    pub list_voices: bool,
    /// Print JSON on stdout.
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: TtsCmdArgs) -> Result<()> {
    if args.list_voices {
        return list_voices(engine().synthesizer(), args.json);
    }
    let text = match (&args.text, &args.file) {
        (Some(t), _) if t == "-" => read_stdin()?,
        (Some(t), _) => t.clone(),
        (None, Some(path)) => {
            std::fs::read_to_string(path).map_err(|e| CliError::usage(format!("{}: {e}", path.display())))?
        }
        (None, None) => return Err(CliError::usage("give the text to speak (or --file FILE, or - for stdin)")),
    };
    let out = args.out.as_ref().ok_or_else(|| CliError::usage("--out FILE.wav is required"))?;
    let mut params = TtsParams::default();
    params.text = Some(text);
    params.tts = args.tts.config()?;
    let spec = JobSpec::with(JobParams::Tts(params)).output(out);
    let summary = report_of!(run_job(&spec)?, Tts).summary;
    if args.json {
        return emit_json(&summary, None);
    }
    let line = format!(
        "{}  {:.2} s of speech, {} sentences, voice {}, {:.2}x real time{}\n",
        out.display(),
        summary.duration,
        summary.sentences,
        summary.voice,
        if summary.elapsed > 0.0 { summary.duration / summary.elapsed } else { 0.0 },
        if summary.missing_phonemes.is_empty() {
            String::new()
        } else {
            format!(", skipped phonemes {:?}", summary.missing_phonemes.keys().collect::<Vec<_>>())
        }
    );
    write_output(line.as_bytes(), None)
}

fn read_stdin() -> Result<String> {
    let mut text = String::new();
    std::io::stdin().read_to_string(&mut text).map_err(|e| CliError::usage(format!("<stdin>: {e}")))?;
    Ok(text)
}

fn list_voices(synth: &Synthesizer, json: bool) -> Result<()> {
    let voices = synth.voices()?;
    if json {
        return emit_json(&voices, None);
    }
    let mut text = String::new();
    for v in &voices {
        let engine = serde_json::to_value(v.engine).ok().and_then(|e| e.as_str().map(str::to_owned)).unwrap_or_default();
        text += &format!(
            "{:<24} {:<7} {:<10} {:>6} Hz  {}{}\n",
            v.id,
            engine,
            v.language,
            v.sample_rate,
            v.description,
            if v.installed { "" } else { " [not installed]" }
        );
    }
    write_output(text.as_bytes(), None)
}
