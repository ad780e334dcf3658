//! The `reelkit` command.

mod cmd;
mod output;
mod progress;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(name = "reelkit", version, about = "Long videos to short, captioned clips — offline, on CPU or CUDA")]
struct Cli {
    /// Accept an HLS playlist as the input when every file it names lies
    /// inside its own folder (URLs, absolute paths and `..` stay refused).
    #[arg(long, global = true)]
    allow_playlists: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run any job from a JSON spec (`-` reads stdin) and print its report as JSON.
    Run(cmd::run::RunArgs),
    /// Print the JSON Schema of job specs and reports.
    Schema(cmd::schema::SchemaArgs),
    /// Show what a media file contains.
    Probe(cmd::probe::ProbeArgs),
    /// Find the best clips of a video and export them with burned-in captions.
    Clips(cmd::clips::ClipsArgs),
    /// Transcribe speech to JSON, SRT or WebVTT.
    Transcribe(cmd::transcribe::TranscribeArgs),
    /// Re-time a corrected transcript against the audio.
    Align(cmd::align::AlignArgs),
    /// Reframe a video to 9:16, 1:1, 4:5 or 16:9, following faces and the active speaker.
    Reframe(cmd::reframe::ReframeArgs),
    /// Cut a time range into a new MP4, frame-accurately.
    Cut(cmd::cut::CutArgs),
    /// Scene cuts of a video as JSON.
    Scenes(cmd::scenes::ScenesArgs),
    /// Speak text with a Piper or espeak-ng voice into a WAV file.
    Tts(cmd::tts::TtsCmdArgs),
    /// Speak an SRT narration script over a video, ducking and mixing to a loudness target.
    Dub(cmd::dub::DubArgs),
    /// A short recap of a long video: chapters, a narration, the best shots under it, captioned.
    Retell(cmd::retell::RetellArgs),
    /// Fetch, list and convert models.
    Models(cmd::models::ModelsArgs),
    /// Styled ASS subtitles: render a frame, burn into a video, list presets.
    Subs(cmd::subs::SubsArgs),
    /// Bring a file or URL in: download, validate against a policy, fingerprint, store.
    Ingest(cmd::ingest::IngestArgs),
    /// Make an HLS ladder, a proxy MP4, thumbnails, sprites and waveform peaks from one decode.
    Transcode(cmd::transcode::TranscodeArgs),
}

fn run(command: Command) -> output::Result<()> {
    match command {
        Command::Run(args) => cmd::run::run(args),
        Command::Schema(args) => cmd::schema::run(args),
        Command::Probe(args) => cmd::probe::run(args),
        Command::Clips(args) => cmd::clips::run(args),
        Command::Transcribe(args) => cmd::transcribe::run(args),
        Command::Align(args) => cmd::align::run(args),
        Command::Reframe(args) => cmd::reframe::run(args),
        Command::Cut(args) => cmd::cut::run(args),
        Command::Scenes(args) => cmd::scenes::run(args),
        Command::Tts(args) => cmd::tts::run(args),
        Command::Dub(args) => cmd::dub::run(args),
        Command::Retell(args) => cmd::retell::run(args),
        Command::Models(args) => cmd::models::run(args),
        Command::Subs(args) => cmd::subs::run(args),
        Command::Ingest(args) => cmd::ingest::run(args),
        Command::Transcode(args) => cmd::transcode::run(args),
    }
}

fn main() -> ExitCode {
    // A bug must still end in one readable line, not a backtrace.
    std::panic::set_hook(Box::new(|info| {
        let msg = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown failure".into());
        eprintln!("error: internal failure: {msg} (please report this)");
    }));
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_env("REELKIT_LOG"))
        .with_writer(std::io::stderr)
        .without_time()
        .init();

    let cli = Cli::parse();
    output::ALLOW_PLAYLISTS.store(cli.allow_playlists, std::sync::atomic::Ordering::Relaxed);
    match run(cli.command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::from(err.exit_code())
        }
    }
}
