//! Audio loudness over time, the raw material of the energy signal.

use serde::{Deserialize, Serialize};

use crate::media::AudioBuffer;

/// RMS level in dBFS per hop of mono audio.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, schemars::JsonSchema)]
pub struct EnergyTrack {
    /// Seconds per value.
    pub hop: f64,
    pub db: Vec<f32>,
}

/// Floor for silence, in dBFS.
pub const SILENCE_DB: f32 = -90.0;

impl EnergyTrack {
    /// Measure `audio` (mono) in hops of `hop` seconds.
    pub fn measure(audio: &AudioBuffer, hop: f64) -> Self {
        let n = ((f64::from(audio.sample_rate) * hop) as usize).max(1);
        let ch = usize::from(audio.channels.max(1));
        let db = audio
            .samples
            .chunks(n * ch)
            .map(|chunk| {
                let ms = chunk.iter().map(|s| f64::from(*s) * f64::from(*s)).sum::<f64>() / chunk.len().max(1) as f64;
                if ms <= 0.0 {
                    SILENCE_DB
                } else {
                    ((10.0 * ms.log10()) as f32).max(SILENCE_DB)
                }
            })
            .collect();
        Self { hop, db }
    }

    /// Re-measure frame levels (dBFS per `frame` seconds) in hops of `hop`
    /// seconds, averaging power.
    pub fn from_levels(levels: &[f32], frame: f64, hop: f64) -> Self {
        let per_hop = ((hop / frame).round() as usize).max(1);
        let db = levels
            .chunks(per_hop)
            .map(|chunk| {
                let power = chunk.iter().map(|d| 10f64.powf(f64::from(*d) / 10.0)).sum::<f64>() / chunk.len() as f64;
                if power <= 0.0 {
                    SILENCE_DB
                } else {
                    ((10.0 * power.log10()) as f32).max(SILENCE_DB)
                }
            })
            .collect();
        Self { hop: per_hop as f64 * frame, db }
    }

    /// Mean level (power average, in dBFS) between `start` and `end`.
    pub fn mean_db(&self, start: f64, end: f64) -> f32 {
        let values = self.range(start, end);
        if values.is_empty() {
            return SILENCE_DB;
        }
        let power = values.iter().map(|d| 10f64.powf(f64::from(*d) / 10.0)).sum::<f64>() / values.len() as f64;
        ((10.0 * power.log10()) as f32).max(SILENCE_DB)
    }

    /// Loudest hop between `start` and `end`.
    pub fn peak_db(&self, start: f64, end: f64) -> f32 {
        self.range(start, end).iter().copied().fold(SILENCE_DB, f32::max)
    }

    /// Mean level over the whole track.
    pub fn overall_db(&self) -> f32 {
        self.mean_db(0.0, self.db.len() as f64 * self.hop)
    }

    fn range(&self, start: f64, end: f64) -> &[f32] {
        if self.hop <= 0.0 {
            return &[];
        }
        let a = ((start.max(0.0) / self.hop) as usize).min(self.db.len());
        let b = ((end.max(0.0) / self.hop).ceil() as usize).min(self.db.len());
        &self.db[a..b.max(a)]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_scale_sine_is_about_minus_three_db() {
        let samples: Vec<f32> = (0..16_000).map(|i| (i as f32 * 0.1).sin()).collect();
        let audio = AudioBuffer { sample_rate: 16_000, channels: 1, samples };
        let track = EnergyTrack::measure(&audio, 0.1);
        assert_eq!(track.db.len(), 10);
        assert!((track.overall_db() + 3.01).abs() < 0.1, "{}", track.overall_db());
        let from_levels = EnergyTrack::from_levels(&[-3.0; 100], 0.01, 0.1);
        assert_eq!(from_levels.db.len(), 10);
        assert!((from_levels.overall_db() + 3.0).abs() < 1e-3);
        let silent = EnergyTrack::measure(&AudioBuffer { sample_rate: 16_000, channels: 1, samples: vec![0.0; 1600] }, 0.1);
        assert_eq!(silent.peak_db(0.0, 1.0), SILENCE_DB);
    }
}
