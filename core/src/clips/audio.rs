//! Audio measures for ranking, from one streaming pass over 16 kHz mono:
//! EBU R128 short-term loudness (3 s window) every hop, and the raw material
//! of laughter/applause-like bursts — spectral flatness (broadband, noise-like
//! sound is flat; voiced speech is not) and spectral flux (how fast the
//! spectrum changes). Memory follows the duration at a few floats per hop.

use std::path::Path;
use std::sync::Arc;

use ebur128::{EbuR128, Mode};
use realfft::{RealFftPlanner, RealToComplex};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::media::{AudioDecodeOptions, AudioReader};
use crate::progress::{RunCtl, Stage};

/// Seconds per measure.
pub const HOP: f64 = 0.1;
/// Quietest loudness kept (LUFS); silence reads as this.
pub const FLOOR_LUFS: f32 = -70.0;
const RATE: u32 = 16_000;
const FFT: usize = 512;
const FFT_HOP: usize = 160;

/// Per-hop audio measures of a whole input.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, schemars::JsonSchema)]
pub struct AudioFeatures {
    /// Seconds per value.
    pub hop: f64,
    /// EBU R128 short-term loudness (LUFS, 3 s window ending at the hop).
    pub short_term_lufs: Vec<f32>,
    /// Mean spectral flatness (0 tonal … 1 white noise) of the hop's frames.
    pub flatness: Vec<f32>,
    /// Mean positive spectral flux of the hop's frames (log-magnitude units).
    pub flux: Vec<f32>,
    /// RMS level of the hop in dBFS.
    pub level_db: Vec<f32>,
}

impl AudioFeatures {
    /// Measure the primary audio stream of `path`, decoding as it goes.
    pub fn analyse(path: impl AsRef<Path>, ctl: &RunCtl) -> Result<Self> {
        let mut reader = AudioReader::open(path, &AudioDecodeOptions::default())?;
        let duration = reader.duration();
        let mut meter = FeatureMeter::new()?;
        let mut seconds = 0.0;
        while let Some(block) = reader.read_block(RATE as usize * 10)? {
            ctl.check()?;
            meter.push(&block)?;
            seconds += block.len() as f64 / f64::from(RATE);
            ctl.report(Stage::Signals, seconds, duration, "seconds");
        }
        Ok(meter.finish())
    }

    /// Measure samples already in memory (16 kHz mono).
    pub fn from_samples(samples: &[f32]) -> Result<Self> {
        let mut meter = FeatureMeter::new()?;
        meter.push(samples)?;
        Ok(meter.finish())
    }

    pub fn len(&self) -> usize {
        self.short_term_lufs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.short_term_lufs.is_empty()
    }

    /// Index range of hops inside `[start, end)`.
    pub fn range(&self, start: f64, end: f64) -> std::ops::Range<usize> {
        if self.hop <= 0.0 {
            return 0..0;
        }
        let a = ((start.max(0.0) / self.hop) as usize).min(self.len());
        let b = ((end.max(0.0) / self.hop).ceil() as usize).min(self.len());
        a..b.max(a)
    }

    /// The talk's typical short-term loudness: the median over hops louder
    /// than the floor (speech and sound, not silence).
    pub fn typical_lufs(&self) -> f32 {
        let mut v: Vec<f32> = self.short_term_lufs.iter().copied().filter(|l| *l > FLOOR_LUFS + 1.0).collect();
        if v.is_empty() {
            return FLOOR_LUFS;
        }
        v.sort_by(f32::total_cmp);
        v[v.len() / 2]
    }
}

/// The streaming measurer behind [`AudioFeatures`].
pub struct FeatureMeter {
    loudness: EbuR128,
    fft: Arc<dyn RealToComplex<f32>>,
    window: Vec<f32>,
    /// Samples not yet consumed by a whole FFT frame.
    pending: Vec<f32>,
    /// Samples of the current hop not yet measured for loudness and level.
    hop_samples: Vec<f32>,
    prev_log_mag: Vec<f32>,
    frame_flatness: Vec<f32>,
    frame_flux: Vec<f32>,
    spectrum: Vec<realfft::num_complex::Complex<f32>>,
    scratch_in: Vec<f32>,
    out: AudioFeatures,
}

impl FeatureMeter {
    pub fn new() -> Result<Self> {
        let loudness = EbuR128::new(1, RATE, Mode::S)
            .map_err(|e| Error::invalid("audio", format!("cannot start the loudness meter: {e:?}")))?;
        let fft = RealFftPlanner::<f32>::new().plan_fft_forward(FFT);
        let window = (0..FFT).map(|i| 0.5 - 0.5 * (2.0 * std::f32::consts::PI * i as f32 / FFT as f32).cos()).collect();
        let spectrum = fft.make_output_vec();
        Ok(Self {
            loudness,
            fft,
            window,
            pending: Vec::new(),
            hop_samples: Vec::new(),
            prev_log_mag: Vec::new(),
            frame_flatness: Vec::new(),
            frame_flux: Vec::new(),
            spectrum,
            scratch_in: vec![0.0; FFT],
            out: AudioFeatures { hop: HOP, ..AudioFeatures::default() },
        })
    }

    /// Add 16 kHz mono samples.
    pub fn push(&mut self, samples: &[f32]) -> Result<()> {
        let per_hop = (f64::from(RATE) * HOP) as usize;
        for chunk in samples.chunks(per_hop) {
            let room = per_hop - self.hop_samples.len();
            let (now, later) = chunk.split_at(room.min(chunk.len()));
            self.feed(now)?;
            if self.hop_samples.len() == per_hop {
                self.close_hop()?;
            }
            if !later.is_empty() {
                self.feed(later)?;
                if self.hop_samples.len() == per_hop {
                    self.close_hop()?;
                }
            }
        }
        Ok(())
    }

    /// Measure what is left and return the features.
    pub fn finish(mut self) -> AudioFeatures {
        if !self.hop_samples.is_empty() {
            let _ = self.close_hop();
        }
        self.out
    }

    fn feed(&mut self, samples: &[f32]) -> Result<()> {
        self.hop_samples.extend_from_slice(samples);
        self.pending.extend_from_slice(samples);
        while self.pending.len() >= FFT {
            self.frame();
            self.pending.drain(..FFT_HOP);
        }
        Ok(())
    }

    fn frame(&mut self) {
        for ((o, s), w) in self.scratch_in.iter_mut().zip(&self.pending[..FFT]).zip(&self.window) {
            *o = s * w;
        }
        if self.fft.process(&mut self.scratch_in, &mut self.spectrum).is_err() {
            return;
        }
        // Skip DC; 1..=256 bins cover 31 Hz … 8 kHz.
        let power: Vec<f32> = self.spectrum[1..].iter().map(|c| c.norm_sqr() + 1e-12).collect();
        let n = power.len() as f32;
        let arith = power.iter().sum::<f32>() / n;
        let geo = (power.iter().map(|p| p.ln()).sum::<f32>() / n).exp();
        let flatness = if arith > 1e-9 { (geo / arith).clamp(0.0, 1.0) } else { 0.0 };
        let log_mag: Vec<f32> = power.iter().map(|p| 0.5 * (1.0 + p.sqrt() * 100.0).ln()).collect();
        let flux = if self.prev_log_mag.len() == log_mag.len() {
            log_mag.iter().zip(&self.prev_log_mag).map(|(a, b)| (a - b).max(0.0)).sum::<f32>() / n
        } else {
            0.0
        };
        self.prev_log_mag = log_mag;
        self.frame_flatness.push(flatness);
        self.frame_flux.push(flux);
    }

    fn close_hop(&mut self) -> Result<()> {
        self.loudness
            .add_frames_f32(&self.hop_samples)
            .map_err(|e| Error::invalid("audio", format!("loudness meter: {e:?}")))?;
        let st = self.loudness.loudness_shortterm().unwrap_or(f64::NEG_INFINITY);
        let lufs = if st.is_finite() { (st as f32).max(FLOOR_LUFS) } else { FLOOR_LUFS };
        let ms = self.hop_samples.iter().map(|s| f64::from(*s) * f64::from(*s)).sum::<f64>() / self.hop_samples.len().max(1) as f64;
        let level = if ms > 0.0 { ((10.0 * ms.log10()) as f32).max(-90.0) } else { -90.0 };
        let mean = |v: &[f32]| if v.is_empty() { 0.0 } else { v.iter().sum::<f32>() / v.len() as f32 };
        self.out.short_term_lufs.push(lufs);
        self.out.level_db.push(level);
        self.out.flatness.push(mean(&self.frame_flatness));
        self.out.flux.push(mean(&self.frame_flux));
        self.frame_flatness.clear();
        self.frame_flux.clear();
        self.hop_samples.clear();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn noise(n: usize, amp: f32, seed: &mut u64) -> Vec<f32> {
        (0..n)
            .map(|_| {
                *seed ^= *seed << 13;
                *seed ^= *seed >> 7;
                *seed ^= *seed << 17;
                ((*seed >> 40) as f32 / (1u64 << 24) as f32 * 2.0 - 1.0) * amp
            })
            .collect()
    }

    #[test]
    fn noise_is_flat_tones_are_not_and_loudness_follows_level() {
        let mut seed = 0x1234_5678_9abc_def0u64;
        let tone: Vec<f32> = (0..16_000 * 4).map(|i| 0.3 * (2.0 * std::f32::consts::PI * 220.0 * i as f32 / 16_000.0).sin()).collect();
        let mut samples = tone.clone();
        samples.extend(noise(16_000 * 4, 0.3, &mut seed));
        samples.extend(vec![0.0; 16_000 * 4]);
        let f = AudioFeatures::from_samples(&samples).unwrap();
        assert_eq!(f.len(), 120);
        let at = |v: &[f32], t: f64| v[(t / HOP) as usize];
        assert!(at(&f.flatness, 3.0) < 0.05, "tone flatness {}", at(&f.flatness, 3.0));
        assert!(at(&f.flatness, 7.0) > 0.4, "noise flatness {}", at(&f.flatness, 7.0));
        // Short-term loudness covers 3 s: full inside each part, floor after 3 s of silence.
        assert!(at(&f.short_term_lufs, 3.5) > -30.0);
        assert_eq!(at(&f.short_term_lufs, 11.9), FLOOR_LUFS);
        assert!(f.typical_lufs() > -30.0);
        assert_eq!(f.range(1.0, 2.0), 10..20);
        assert_eq!(f.range(20.0, 30.0), 120..120);
    }

    #[test]
    fn blocks_of_any_size_give_the_same_features() {
        let mut seed = 7u64;
        let samples = noise(16_000 * 3 + 123, 0.2, &mut seed);
        let whole = AudioFeatures::from_samples(&samples).unwrap();
        let mut meter = FeatureMeter::new().unwrap();
        for chunk in samples.chunks(777) {
            meter.push(chunk).unwrap();
        }
        assert_eq!(meter.finish(), whole);
    }
}
