//! Speech recognition flags shared by the commands that transcribe.

use clap::{Args, ValueEnum};
use reelkit::asr::{Device, VadConfig, WordTiming};
use reelkit::AsrConfig;

use crate::output::{CliError, Result};

#[derive(Debug, Args)]
pub struct AsrArgs {
    /// Whisper model: `tiny.en`, `base`, a ggml file or a CTranslate2 directory.
    #[arg(long, default_value = "tiny.en")]
    pub model: String,
    /// Spoken language (ISO 639-1); detected when omitted on multilingual models.
    #[arg(long)]
    pub language: Option<String>,
    /// Languages detection may choose from, comma-separated ISO 639-1 codes
    /// (e.g. `en,es`); any language when omitted.
    #[arg(long, value_delimiter = ',', value_name = "xx,yy")]
    pub languages: Vec<String>,
    /// CPU threads (0 = all cores).
    #[arg(long, default_value_t = 0)]
    pub threads: usize,
    /// `cpu` or `cuda[:N]`.
    #[arg(long, default_value = "cpu")]
    pub device: String,
    /// Words and names that prime the recogniser.
    #[arg(long)]
    pub prompt: Option<String>,
    /// Beam search width (default: greedy decoding).
    #[arg(long)]
    pub beam_size: Option<u32>,
    /// Chunks decoded in parallel (each gets threads/workers threads).
    #[arg(long, default_value_t = 1)]
    pub workers: usize,
    /// Send all audio to the recogniser instead of only detected speech.
    #[arg(long)]
    pub no_vad: bool,
    /// Source of word times.
    #[arg(long, value_enum, default_value = "hybrid")]
    pub word_timing: WordTimingArg,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum WordTimingArg {
    Tokens,
    Dtw,
    Hybrid,
}

impl AsrArgs {
    pub fn config(&self) -> Result<AsrConfig> {
        let device = parse_device(&self.device)?;
        let timing = match self.word_timing {
            WordTimingArg::Tokens => WordTiming::Tokens,
            WordTimingArg::Dtw => WordTiming::Dtw,
            WordTimingArg::Hybrid => WordTiming::Hybrid,
        };
        let mut vad = VadConfig::default();
        vad.enabled = !self.no_vad;
        let mut config = AsrConfig::default()
            .model(self.model.clone())
            .threads(self.threads)
            .device(device)
            .workers(self.workers)
            .word_timing(timing)
            .vad(vad);
        if let Some(beam) = self.beam_size {
            config = config.beam_size(beam);
        }
        if let Some(lang) = &self.language {
            config = config.language(lang.clone());
        }
        if !self.languages.is_empty() {
            config = config.languages(self.languages.iter().map(|l| l.trim().to_owned()));
        }
        if let Some(prompt) = &self.prompt {
            config = config.initial_prompt(prompt.clone());
        }
        Ok(config)
    }
}

fn parse_device(s: &str) -> Result<Device> {
    match s {
        "cpu" => Ok(Device::Cpu),
        "cuda" | "gpu" => Ok(Device::Cuda(0)),
        other => other
            .strip_prefix("cuda:")
            .and_then(|n| n.parse().ok())
            .map(Device::Cuda)
            .ok_or_else(|| CliError::usage(format!("invalid device `{s}` (expected cpu, cuda or cuda:N)"))),
    }
}
