//! Fitting narration into time slots: how much faster a cue may be spoken
//! (the voice's own speaking rate first, then a pitch-preserving
//! time-stretch), and what happens when even that is not enough.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// Limits for fitting speech into slots.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct FitConfig {
    /// Fastest speaking rate the voice may be asked for, relative to the
    /// configured rate (default 1.25).
    pub max_rate: f32,
    /// Largest time-stretch applied after that (default 1.15; 1 disables).
    pub max_stretch: f32,
    /// Let speech run past its cue's end into silence before the next cue
    /// (or the media end) when it cannot be made short enough (default true).
    pub allow_overrun: bool,
    /// Cut leading and trailing silence from synthesised cues (default true).
    pub trim_silence: bool,
    /// Shortest gap kept between two spoken cues, in seconds (default 0.05).
    pub min_gap: f64,
}

impl Default for FitConfig {
    fn default() -> Self {
        Self { max_rate: 1.25, max_stretch: 1.15, allow_overrun: true, trim_silence: true, min_gap: 0.05 }
    }
}

impl FitConfig {
    pub fn validate(&self) -> Result<()> {
        if !self.max_rate.is_finite() || !(1.0..=3.0).contains(&self.max_rate) {
            return Err(Error::invalid("max_rate", format!("{} (expected 1..=3)", self.max_rate)));
        }
        if !self.max_stretch.is_finite() || !(1.0..=2.0).contains(&self.max_stretch) {
            return Err(Error::invalid("max_stretch", format!("{} (expected 1..=2)", self.max_stretch)));
        }
        if !self.min_gap.is_finite() || !(0.0..=5.0).contains(&self.min_gap) {
            return Err(Error::invalid("min_gap", format!("{} (expected 0..=5 s)", self.min_gap)));
        }
        Ok(())
    }
}

/// How a cue ended up in its slot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum FitStatus {
    /// Spoken at the normal rate.
    Fits,
    /// Spoken faster (voice speaking rate).
    SpedUp,
    /// Spoken faster and time-stretched.
    Stretched,
    /// Still too long: runs past the cue end into the silence after it.
    Overrun,
    /// Could not fit without overlapping what follows: left out.
    Unfit,
    /// The cue has nothing to speak.
    Empty,
}

/// Cut leading and trailing silence (below -50 dBFS over 5 ms), keeping
/// `pad` seconds on each side.
pub fn trim_silence(samples: &[f32], sample_rate: u32, pad: f64) -> &[f32] {
    let window = ((0.005 * f64::from(sample_rate)) as usize).max(1);
    let threshold = 10f32.powf(-50.0 / 20.0);
    let loud = |w: &[f32]| w.iter().any(|s| s.abs() > threshold);
    let chunks: Vec<&[f32]> = samples.chunks(window).collect();
    let Some(first) = chunks.iter().position(|w| loud(w)) else { return &samples[..0] };
    let last = chunks.iter().rposition(|w| loud(w)).unwrap_or(first);
    let pad = (pad * f64::from(sample_rate)) as usize;
    let start = (first * window).saturating_sub(pad);
    let end = ((last + 1) * window + pad).min(samples.len());
    &samples[start..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn silence_is_trimmed_with_padding() {
        let mut s = vec![0.0f32; 1000];
        s[400..600].iter_mut().for_each(|x| *x = 0.5);
        let t = trim_silence(&s, 1000, 0.02);
        assert_eq!(t.len(), 200 + 40);
        assert!(trim_silence(&[0.0; 100], 1000, 0.0).is_empty());
        assert!(FitConfig { max_rate: 0.5, ..FitConfig::default() }.validate().is_err());
    }
}
