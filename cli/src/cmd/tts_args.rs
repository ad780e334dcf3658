//! Voice flags shared by `reelkit tts` and `reelkit dub`.

use clap::Args;
use reelkit::tts::TtsConfig;

use crate::output::{CliError, Result};

#[derive(Debug, Args)]
pub struct TtsArgs {
    /// Voice: `joe`, a Piper .onnx file or voice directory, or `espeak:<language>`.
    #[arg(long, default_value = "joe")]
    pub voice: String,
    /// Speaker name or id of a multi-speaker voice.
    #[arg(long)]
    pub speaker: Option<String>,
    /// Speaking rate (1 = normal, 1.5 = 50% faster; 0.25-4).
    #[arg(long, default_value_t = 1.0)]
    pub rate: f32,
    /// Seed of the voice's noise: equal seeds give identical audio.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// VITS noise scale (default: the voice's).
    #[arg(long)]
    pub noise_scale: Option<f32>,
    /// VITS length scale (default: the voice's).
    #[arg(long)]
    pub length_scale: Option<f32>,
    /// VITS duration noise (default: the voice's).
    #[arg(long)]
    pub noise_w: Option<f32>,
    /// Pause between sentences in seconds.
    #[arg(long, default_value_t = 0.2)]
    pub sentence_pause: f64,
    /// Read the text as plain text (no `<break>` tags or SSML).
    #[arg(long)]
    pub plain: bool,
    /// Do not spell out currency, abbreviations and units.
    #[arg(long)]
    pub no_normalize: bool,
    /// Worker threads (0 = all cores).
    #[arg(long, default_value_t = 0)]
    pub threads: usize,
}

impl TtsArgs {
    pub fn config(&self) -> Result<TtsConfig> {
        let mut config = TtsConfig::default()
            .voice(self.voice.clone())
            .rate(self.rate)
            .seed(self.seed)
            .sentence_pause(self.sentence_pause)
            .threads(self.threads);
        config.speaker = self.speaker.clone();
        config.noise_scale = self.noise_scale;
        config.length_scale = self.length_scale;
        config.noise_w = self.noise_w;
        config.normalize_text = !self.no_normalize;
        if self.plain {
            config = config.markup(reelkit::tts::Markup::Plain);
        }
        config.validate().map_err(CliError::from)?;
        Ok(config)
    }
}
