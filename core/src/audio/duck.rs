//! Side-chain ducking: the bed's gain follows the narration (the key).
//!
//! Where the key's short-term level (10 ms RMS) is above `threshold_db`,
//! held for `hold` seconds and anticipated by `lookahead`, the bed is
//! brought down to `depth_db`; the gain moves in straight lines in dB, down
//! over `attack` seconds and back up over `release` seconds.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// Ducking settings.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct DuckConfig {
    /// Bed gain under narration, in dB (default -12; 0 turns ducking off).
    pub depth_db: f64,
    /// Seconds to go fully down (default 0.08).
    pub attack: f64,
    /// Seconds to come back up (default 0.4).
    pub release: f64,
    /// Key level that counts as narration, in dBFS (default -45).
    pub threshold_db: f64,
    /// Seconds the bed starts going down before the narration (default 0.05).
    pub lookahead: f64,
    /// Seconds the bed stays down after the narration pauses (default 0.2).
    pub hold: f64,
}

impl Default for DuckConfig {
    fn default() -> Self {
        Self { depth_db: -12.0, attack: 0.08, release: 0.4, threshold_db: -45.0, lookahead: 0.05, hold: 0.2 }
    }
}

impl DuckConfig {
    pub fn depth_db(mut self, db: f64) -> Self {
        self.depth_db = db;
        self
    }
    pub fn attack(mut self, seconds: f64) -> Self {
        self.attack = seconds;
        self
    }
    pub fn release(mut self, seconds: f64) -> Self {
        self.release = seconds;
        self
    }

    pub fn validate(&self) -> Result<()> {
        let check = |name: &'static str, v: f64, lo: f64, hi: f64| {
            if !v.is_finite() || v < lo || v > hi {
                Err(Error::invalid(name, format!("{v} (expected {lo}..={hi})")))
            } else {
                Ok(())
            }
        };
        check("depth_db", self.depth_db, -60.0, 0.0)?;
        check("attack", self.attack, 0.0, 5.0)?;
        check("release", self.release, 0.0, 10.0)?;
        check("threshold_db", self.threshold_db, -90.0, 0.0)?;
        check("lookahead", self.lookahead, 0.0, 1.0)?;
        check("hold", self.hold, 0.0, 5.0)
    }
}

/// Per-frame bed gains (linear) for a mono `key` at `sample_rate`.
pub fn duck_gains(key: &[f32], sample_rate: u32, config: &DuckConfig) -> Result<Vec<f32>> {
    config.validate()?;
    let frames = key.len();
    if config.depth_db == 0.0 || frames == 0 {
        return Ok(vec![1.0; frames]);
    }
    let rate = f64::from(sample_rate);
    let window = ((0.01 * rate) as usize).max(1);
    let threshold = 10f64.powf(config.threshold_db / 20.0);
    // Which windows hold narration.
    let active_windows: Vec<bool> = key
        .chunks(window)
        .map(|w| (w.iter().map(|&s| f64::from(s) * f64::from(s)).sum::<f64>() / w.len() as f64).sqrt() > threshold)
        .collect();
    let mut active = vec![false; frames];
    let ahead = (config.lookahead * rate) as usize;
    let hold = (config.hold * rate) as usize;
    for (w, on) in active_windows.iter().enumerate() {
        if !on {
            continue;
        }
        let from = (w * window).saturating_sub(ahead);
        let to = ((w + 1) * window + hold).min(frames);
        active[from..to].iter_mut().for_each(|a| *a = true);
    }
    let down_step = if config.attack > 0.0 { -config.depth_db / (config.attack * rate) } else { f64::INFINITY };
    let up_step = if config.release > 0.0 { -config.depth_db / (config.release * rate) } else { f64::INFINITY };
    let mut current_db = 0.0f64;
    Ok(active
        .iter()
        .map(|&on| {
            let target = if on { config.depth_db } else { 0.0 };
            if current_db > target {
                current_db = (current_db - down_step).max(target);
            } else if current_db < target {
                current_db = (current_db + up_step).min(target);
            }
            10f64.powf(current_db / 20.0) as f32
        })
        .collect())
}

/// Apply per-frame `gains` to interleaved `bed`.
pub fn apply_gains(bed: &mut [f32], channels: u16, gains: &[f32]) {
    let ch = usize::from(channels.max(1));
    for (frame, g) in bed.chunks_mut(ch).zip(gains) {
        frame.iter_mut().for_each(|s| *s *= g);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gain_follows_the_key_with_attack_and_release() {
        let rate = 1000;
        let mut key = vec![0.0f32; 5000];
        key[2000..3000].iter_mut().enumerate().for_each(|(i, s)| *s = if i % 2 == 0 { 0.5 } else { -0.5 });
        let config = DuckConfig { depth_db: -12.0, attack: 0.1, release: 0.5, threshold_db: -40.0, lookahead: 0.05, hold: 0.0 };
        let g = duck_gains(&key, rate, &config).unwrap();
        let db = |x: f32| 20.0 * x.log10();
        assert_eq!(g[1000], 1.0);
        // Starts down 50 ms early, fully down 100 ms later.
        assert!(db(g[1949]) > -0.2 && db(g[1960]) < -0.5);
        assert!((db(g[2100]) + 12.0).abs() < 0.05 && (db(g[2990]) + 12.0).abs() < 0.05);
        // Back up over 500 ms after the key stops.
        assert!((db(g[3250]) + 6.0).abs() < 0.5, "{}", db(g[3250]));
        assert_eq!(g[3600], 1.0);
        assert!(duck_gains(&key, rate, &DuckConfig::default().depth_db(0.0)).unwrap().iter().all(|&x| x == 1.0));
        assert!(DuckConfig::default().depth_db(6.0).validate().is_err());
    }
}
