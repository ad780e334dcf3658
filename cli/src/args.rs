//! Command-line arguments.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(name = "reelkit", version, about = "Long videos to short, captioned clips — offline, on CPU or CUDA")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Show what a media file contains.
    Probe {
        input: PathBuf,
        /// Print JSON instead of a summary.
        #[arg(long)]
        json: bool,
    },
    /// Find the best clips of a video and export them with burned-in captions.
    Clips(ClipsArgs),
    /// Transcribe speech to JSON, SRT or WebVTT.
    Transcribe(TranscribeArgs),
    /// Cut a time range into a new MP4, frame-accurately.
    Cut {
        input: PathBuf,
        /// Start in seconds.
        #[arg(long)]
        start: f64,
        /// End in seconds.
        #[arg(long)]
        end: f64,
        #[arg(long, short)]
        out: PathBuf,
    },
    /// Scene cuts of a video as JSON.
    Scenes {
        input: PathBuf,
        /// Content threshold (0..255).
        #[arg(long, default_value_t = 27.0)]
        threshold: f32,
        #[arg(long, short)]
        out: Option<PathBuf>,
    },
    /// Fetch, list and convert models.
    Models {
        #[command(subcommand)]
        command: ModelsCommand,
    },
}

#[derive(Debug, Args)]
pub struct AsrArgs {
    /// Whisper model: `tiny.en`, `base`, a ggml file or a CTranslate2 directory.
    #[arg(long, default_value = "tiny.en")]
    pub model: String,
    /// Spoken language (ISO 639-1); detected when omitted on multilingual models.
    #[arg(long)]
    pub language: Option<String>,
    /// CPU threads (0 = all cores).
    #[arg(long, default_value_t = 0)]
    pub threads: usize,
    /// `cpu` or `cuda[:N]`.
    #[arg(long, default_value = "cpu")]
    pub device: String,
    /// Words and names that prime the recogniser.
    #[arg(long)]
    pub prompt: Option<String>,
}

#[derive(Debug, Args)]
pub struct ClipsArgs {
    pub input: PathBuf,
    /// How many clips to export.
    #[arg(long, default_value_t = 3)]
    pub top: usize,
    /// Output directory.
    #[arg(long, short)]
    pub out: PathBuf,
    #[command(flatten)]
    pub asr: AsrArgs,
    /// Shortest clip in seconds.
    #[arg(long, default_value_t = 15.0)]
    pub min_duration: f64,
    /// Longest clip in seconds.
    #[arg(long, default_value_t = 60.0)]
    pub max_duration: f64,
    /// Frame shape: source, 16:9, 9:16, 1:1 or 4:5.
    #[arg(long, default_value = "source")]
    pub aspect: String,
    /// Do not burn captions into the video (SRT/VTT are still written).
    #[arg(long)]
    pub no_captions: bool,
    /// Skip scene detection.
    #[arg(long)]
    pub no_scenes: bool,
    /// x264 constant rate factor (0-51).
    #[arg(long, default_value_t = 20)]
    pub crf: u8,
    /// x264 preset.
    #[arg(long, default_value = "veryfast")]
    pub preset: String,
    /// Print the report as JSON on stdout.
    #[arg(long)]
    pub json: bool,
}

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

#[derive(Debug, Subcommand)]
pub enum ModelsCommand {
    /// Download, verify and install models (all defaults when none named).
    Fetch {
        ids: Vec<String>,
    },
    /// Show the models and whether they are installed.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Convert a CTranslate2 (faster-whisper) Whisper model to ggml.
    Convert {
        /// Directory with model.bin, config.json and vocabulary/tokenizer.
        source: PathBuf,
        #[arg(long, short)]
        out: PathBuf,
    },
}
