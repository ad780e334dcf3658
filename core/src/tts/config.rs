//! What a synthesis call can be told.

use serde::{Deserialize, Serialize};

use super::markup::Markup;
use crate::error::{Error, Result};

/// Synthesis settings. Serialises to the same JSON in every binding.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct TtsConfig {
    /// Voice id: `joe`, a Piper `.onnx` path or voice directory, or
    /// `espeak:<language>` (default `joe`).
    pub voice: String,
    /// Speaker name or id of a multi-speaker voice.
    pub speaker: Option<String>,
    /// Speaking rate: 2.0 speaks twice as fast (default 1.0; 0.25..=4).
    pub rate: f32,
    /// VITS noise scale (default: the voice's, usually 0.667).
    pub noise_scale: Option<f32>,
    /// VITS length scale before `rate` is applied (default: the voice's).
    pub length_scale: Option<f32>,
    /// VITS duration noise (default: the voice's, usually 0.8).
    pub noise_w: Option<f32>,
    /// Seed of the voice's noise: equal seeds give equal audio (default 0).
    pub seed: u64,
    /// Silence between sentences in seconds (default 0.2).
    pub sentence_pause: f64,
    /// Silence between paragraphs in seconds (default 0.6).
    pub paragraph_pause: f64,
    /// How markup in the text is read (default: auto).
    pub markup: Markup,
    /// Spell out currency, abbreviations, units... before phonemising
    /// (default true).
    pub normalize_text: bool,
    /// Peak level of each sentence as a fraction of full scale (default
    /// 0.9); 0 keeps the voice's raw level.
    pub peak: f32,
    /// Worker threads for batch and long texts; 0 uses every core.
    pub threads: usize,
}

impl Default for TtsConfig {
    fn default() -> Self {
        Self {
            voice: "joe".into(),
            speaker: None,
            rate: 1.0,
            noise_scale: None,
            length_scale: None,
            noise_w: None,
            seed: 0,
            sentence_pause: 0.2,
            paragraph_pause: 0.6,
            markup: Markup::Auto,
            normalize_text: true,
            peak: 0.9,
            threads: 0,
        }
    }
}

impl TtsConfig {
    pub fn voice(mut self, voice: impl Into<String>) -> Self {
        self.voice = voice.into();
        self
    }
    pub fn speaker(mut self, speaker: impl Into<String>) -> Self {
        self.speaker = Some(speaker.into());
        self
    }
    pub fn rate(mut self, rate: f32) -> Self {
        self.rate = rate;
        self
    }
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }
    pub fn noise_scale(mut self, v: f32) -> Self {
        self.noise_scale = Some(v);
        self
    }
    pub fn length_scale(mut self, v: f32) -> Self {
        self.length_scale = Some(v);
        self
    }
    pub fn noise_w(mut self, v: f32) -> Self {
        self.noise_w = Some(v);
        self
    }
    pub fn sentence_pause(mut self, seconds: f64) -> Self {
        self.sentence_pause = seconds;
        self
    }
    pub fn markup(mut self, markup: Markup) -> Self {
        self.markup = markup;
        self
    }
    pub fn peak(mut self, peak: f32) -> Self {
        self.peak = peak;
        self
    }
    pub fn threads(mut self, threads: usize) -> Self {
        self.threads = threads;
        self
    }

    pub fn validate(&self) -> Result<()> {
        if self.voice.trim().is_empty() {
            return Err(Error::invalid("voice", "is empty"));
        }
        check_f32("rate", self.rate, 0.25, 4.0)?;
        if let Some(v) = self.noise_scale {
            check_f32("noise_scale", v, 0.0, 2.0)?;
        }
        if let Some(v) = self.length_scale {
            check_f32("length_scale", v, 0.1, 5.0)?;
        }
        if let Some(v) = self.noise_w {
            check_f32("noise_w", v, 0.0, 2.0)?;
        }
        check_f64("sentence_pause", self.sentence_pause, 0.0, 30.0)?;
        check_f64("paragraph_pause", self.paragraph_pause, 0.0, 30.0)?;
        check_f32("peak", self.peak, 0.0, 1.0)?;
        if self.threads > 256 {
            return Err(Error::invalid("threads", format!("{} (expected 0..=256)", self.threads)));
        }
        Ok(())
    }

    /// Worker threads to use for `units` pieces of work.
    pub(crate) fn workers(&self, units: usize) -> usize {
        let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
        let wanted = if self.threads == 0 { cores } else { self.threads };
        wanted.min(units.max(1)).max(1)
    }
}

fn check_f32(name: &'static str, v: f32, lo: f32, hi: f32) -> Result<()> {
    if !v.is_finite() || v < lo || v > hi {
        return Err(Error::invalid(name, format!("{v} (expected {lo}..={hi})")));
    }
    Ok(())
}

fn check_f64(name: &'static str, v: f64, lo: f64, hi: f64) -> Result<()> {
    if !v.is_finite() || v < lo || v > hi {
        return Err(Error::invalid(name, format!("{v} (expected {lo}..={hi})")));
    }
    Ok(())
}
