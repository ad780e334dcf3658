//! Who is talking, from the audio alone: speech activity (the energy VAD of
//! [`crate::asr::vad`]), speech cut into turns at pauses and at changes of
//! voice, and turns grouped by voice.
//!
//! The voice features are simple spectral ones — 12 mel-frequency cepstral
//! coefficients (24 mel bands, 100–7600 Hz, 25 ms Hann windows every 10 ms,
//! c0 dropped so loudness does not count) — averaged over a window. A change
//! of voice inside a stretch of speech is a peak of the distance between the
//! mean features of the second before and the second after (in units of the
//! recording's own spread); turns are grouped by agglomerative clustering of
//! their mean features into as many voices as there are faces (at most 4). No speaker-embedding model is available on the
//! machines reelkit targets, so this is what tells two voices apart.

use std::sync::Arc;

use realfft::{RealFftPlanner, RealToComplex};

use crate::asr::vad::{speech_regions, FrameLevels, Span, VadConfig, FRAME};

/// Cepstral coefficients kept per frame.
pub const COEFFS: usize = 12;
const RATE: usize = 16_000;
const WIN: usize = 400;
const HOP: usize = 160;
const NFFT: usize = 512;
const BANDS: usize = 24;

/// Per-10 ms features of 16 kHz mono audio, computed incrementally.
pub struct VoiceFeatures {
    fft: Arc<dyn RealToComplex<f32>>,
    window: Vec<f32>,
    filters: Vec<(usize, Vec<f32>)>,
    carry: Vec<f32>,
    scratch: Vec<f32>,
    spectrum: Vec<realfft::num_complex::Complex<f32>>,
    /// Frame levels (dBFS), as the VAD reads them.
    pub levels: FrameLevels,
    /// Cepstra, one per 10 ms hop.
    pub cepstra: Vec<[f32; COEFFS]>,
}

impl Default for VoiceFeatures {
    fn default() -> Self {
        Self::new()
    }
}

fn mel(f: f64) -> f64 {
    2595.0 * (1.0 + f / 700.0).log10()
}

fn mel_inv(m: f64) -> f64 {
    700.0 * (10f64.powf(m / 2595.0) - 1.0)
}

impl VoiceFeatures {
    pub fn new() -> Self {
        let fft = RealFftPlanner::<f32>::new().plan_fft_forward(NFFT);
        let window = (0..WIN).map(|i| (0.5 - 0.5 * (2.0 * std::f64::consts::PI * i as f64 / WIN as f64).cos()) as f32).collect();
        let (lo, hi) = (mel(100.0), mel(7600.0));
        let edges: Vec<f64> = (0..BANDS + 2).map(|i| mel_inv(lo + (hi - lo) * i as f64 / (BANDS + 1) as f64)).collect();
        let bin_hz = RATE as f64 / NFFT as f64;
        let filters = (0..BANDS)
            .map(|b| {
                let (l, c, r) = (edges[b], edges[b + 1], edges[b + 2]);
                let first = (l / bin_hz).floor() as usize;
                let last = ((r / bin_hz).ceil() as usize).min(NFFT / 2);
                let weights = (first..=last)
                    .map(|k| {
                        let f = k as f64 * bin_hz;
                        let w = if f <= c { (f - l) / (c - l) } else { (r - f) / (r - c) };
                        w.max(0.0) as f32
                    })
                    .collect();
                (first, weights)
            })
            .collect();
        let spectrum = fft.make_output_vec();
        Self {
            fft,
            window,
            filters,
            carry: Vec::new(),
            scratch: vec![0.0; NFFT],
            spectrum,
            levels: FrameLevels::new(RATE as u32),
            cepstra: Vec::new(),
        }
    }

    /// Add 16 kHz mono samples.
    pub fn push(&mut self, samples: &[f32]) {
        self.levels.push(samples);
        self.carry.extend_from_slice(samples);
        let mut used = 0;
        while self.carry.len() - used >= WIN {
            let frame = &self.carry[used..used + WIN];
            self.scratch.iter_mut().for_each(|v| *v = 0.0);
            for (i, (s, w)) in frame.iter().zip(&self.window).enumerate() {
                self.scratch[i] = s * w;
            }
            if self.fft.process(&mut self.scratch, &mut self.spectrum).is_ok() {
                let power: Vec<f32> = self.spectrum.iter().map(|c| c.norm_sqr()).collect();
                let bands: Vec<f64> = self
                    .filters
                    .iter()
                    .map(|(first, w)| {
                        let e: f32 = w.iter().enumerate().map(|(k, wk)| wk * power.get(first + k).copied().unwrap_or(0.0)).sum();
                        f64::from(e).max(1e-10).ln()
                    })
                    .collect();
                let mut c = [0f32; COEFFS];
                for (n, out) in c.iter_mut().enumerate() {
                    let k = (n + 1) as f64;
                    *out = bands
                        .iter()
                        .enumerate()
                        .map(|(b, e)| e * (std::f64::consts::PI * k * (b as f64 + 0.5) / BANDS as f64).cos())
                        .sum::<f64>() as f32;
                }
                self.cepstra.push(c);
            }
            used += HOP;
        }
        self.carry.drain(..used);
    }

    pub fn finish(&mut self) {
        self.levels.finish();
    }
}

/// A stretch of speech by one voice; `voice` groups turns that sound alike.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Turn {
    pub start: f64,
    pub end: f64,
    pub voice: usize,
}

/// The VAD tuned for turn-taking: short pauses split, little padding.
pub fn speech_activity(levels: &[f32]) -> Vec<Span> {
    let config = VadConfig { min_silence: 0.25, pad: 0.05, min_speech: 0.15, ..VadConfig::default() };
    speech_regions(levels, &config)
}

/// Per-dimension mean and spread of the cepstra inside `spans`.
fn spread(cepstra: &[[f32; COEFFS]], spans: &[Span]) -> ([f64; COEFFS], [f64; COEFFS]) {
    let mut sum = [0f64; COEFFS];
    let mut sq = [0f64; COEFFS];
    let mut n = 0usize;
    for s in spans {
        for c in frames(cepstra, s.start, s.end) {
            for d in 0..COEFFS {
                sum[d] += f64::from(c[d]);
                sq[d] += f64::from(c[d]).powi(2);
            }
            n += 1;
        }
    }
    let n = n.max(1) as f64;
    let mean = sum.map(|s| s / n);
    let mut std = [1f64; COEFFS];
    for d in 0..COEFFS {
        std[d] = (sq[d] / n - mean[d].powi(2)).max(1e-6).sqrt();
    }
    (mean, std)
}

fn frames(cepstra: &[[f32; COEFFS]], start: f64, end: f64) -> &[[f32; COEFFS]] {
    let a = ((start / FRAME).max(0.0) as usize).min(cepstra.len());
    let b = ((end / FRAME).max(0.0) as usize).clamp(a, cepstra.len());
    &cepstra[a..b]
}

fn mean_of(cepstra: &[[f32; COEFFS]], start: f64, end: f64, std: &[f64; COEFFS]) -> Option<[f64; COEFFS]> {
    let f = frames(cepstra, start, end);
    if f.is_empty() {
        return None;
    }
    let mut m = [0f64; COEFFS];
    for c in f {
        for d in 0..COEFFS {
            m[d] += f64::from(c[d]) / std[d];
        }
    }
    Some(m.map(|v| v / f.len() as f64))
}

fn distance(a: &[f64; COEFFS], b: &[f64; COEFFS]) -> f64 {
    a.iter().zip(b).map(|(x, y)| (x - y).powi(2)).sum::<f64>().sqrt()
}

/// Distance (in units of the recording's spread) above which a change of
/// voice is declared inside continuous speech.
const CHANGE_THRESHOLD: f64 = 1.6;
/// Window each side of a candidate change, and the step between candidates.
const CHANGE_WINDOW: f64 = 1.0;
const CHANGE_STEP: f64 = 0.1;

/// Speech turns: speech regions split at changes of voice, grouped into at
/// most `max_voices` voices (1 groups nothing). `speech` are the regions of
/// [`speech_activity`].
pub fn turns(cepstra: &[[f32; COEFFS]], speech: &[Span], max_voices: usize, split_on_voice: bool) -> Vec<Turn> {
    let (_, std) = spread(cepstra, speech);
    let mut pieces: Vec<Span> = Vec::new();
    for region in speech {
        let mut start = region.start;
        if split_on_voice && region.len() >= 2.0 * CHANGE_WINDOW + 0.4 {
            // Distance curve between the windows before and after each point.
            let mut curve: Vec<(f64, f64)> = Vec::new();
            let mut t = region.start + CHANGE_WINDOW;
            while t <= region.end - CHANGE_WINDOW {
                if let (Some(a), Some(b)) =
                    (mean_of(cepstra, t - CHANGE_WINDOW, t, &std), mean_of(cepstra, t, t + CHANGE_WINDOW, &std))
                {
                    curve.push((t, distance(&a, &b)));
                }
                t += CHANGE_STEP;
            }
            for i in 0..curve.len() {
                let (t, d) = curve[i];
                let lo = i.saturating_sub(5);
                let hi = (i + 6).min(curve.len());
                let peak = curve[lo..hi].iter().all(|(_, e)| *e <= d);
                if peak && d > CHANGE_THRESHOLD && t - start >= CHANGE_WINDOW * 0.8 && region.end - t >= CHANGE_WINDOW * 0.8 {
                    pieces.push(Span { start, end: t });
                    start = t;
                }
            }
        }
        pieces.push(Span { start, end: region.end });
    }
    let voices = cluster(cepstra, &pieces, &std, max_voices.max(1));
    pieces.iter().zip(voices).map(|(p, voice)| Turn { start: p.start, end: p.end, voice }).collect()
}

/// Group pieces into at most `k` voices: agglomerative clustering of their
/// mean cepstra (closest group means merged first, weighted by duration).
fn cluster(cepstra: &[[f32; COEFFS]], pieces: &[Span], std: &[f64; COEFFS], k: usize) -> Vec<usize> {
    let means: Vec<Option<[f64; COEFFS]>> = pieces.iter().map(|p| mean_of(cepstra, p.start, p.end, std)).collect();
    // Groups: (members, weighted mean, weight).
    let mut groups: Vec<(Vec<usize>, [f64; COEFFS], f64)> = Vec::new();
    for (i, m) in means.iter().enumerate() {
        if let Some(m) = m {
            groups.push((vec![i], *m, pieces[i].len().max(0.01)));
        }
    }
    while groups.len() > k {
        let mut best = (f64::INFINITY, 0, 0);
        for a in 0..groups.len() {
            for b in a + 1..groups.len() {
                let d = distance(&groups[a].1, &groups[b].1);
                if d < best.0 {
                    best = (d, a, b);
                }
            }
        }
        let (_, a, b) = best;
        let gb = groups.remove(b);
        let ga = &mut groups[a];
        let w = ga.2 + gb.2;
        for d in 0..COEFFS {
            ga.1[d] = (ga.1[d] * ga.2 + gb.1[d] * gb.2) / w;
        }
        ga.2 = w;
        ga.0.extend(gb.0);
    }
    // Number voices by first appearance.
    groups.sort_by_key(|g| g.0.iter().copied().min().unwrap_or(usize::MAX));
    let mut out = vec![0usize; pieces.len()];
    for (v, g) in groups.iter().enumerate() {
        for &i in &g.0 {
            out[i] = v;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A harmonic "voice" at `f0` with formant-like emphasis around `formant`.
    fn voice(f0: f64, formant: f64, seconds: f64) -> Vec<f32> {
        let n = (seconds * RATE as f64) as usize;
        (0..n)
            .map(|i| {
                let t = i as f64 / RATE as f64;
                let mut s = 0.0;
                let mut h = 1.0;
                while h * f0 < 7000.0 {
                    let f = h * f0;
                    let gain = (-((f - formant) / 600.0).powi(2)).exp() + 0.05;
                    s += gain * (2.0 * std::f64::consts::PI * f * t).sin();
                    h += 1.0;
                }
                // Syllable rhythm.
                let env = 0.6 + 0.4 * (2.0 * std::f64::consts::PI * 4.0 * t).sin();
                (0.05 * s * env) as f32
            })
            .collect()
    }

    #[test]
    fn two_voices_alternating_become_two_groups() {
        let mut audio = Vec::new();
        let mut truth = Vec::new();
        for k in 0..6 {
            let (f0, formant) = if k % 2 == 0 { (110.0, 700.0) } else { (220.0, 2200.0) };
            let start = audio.len() as f64 / RATE as f64;
            audio.extend(voice(f0, formant, 1.5));
            truth.push((start, k % 2));
            audio.extend(std::iter::repeat_n(0.0f32, RATE / 2));
        }
        let mut f = VoiceFeatures::new();
        for block in audio.chunks(3000) {
            f.push(block);
        }
        f.finish();
        let speech = speech_activity(&f.levels.levels);
        assert_eq!(speech.len(), 6, "{speech:?}");
        let turns = turns(&f.cepstra, &speech, 2, true);
        assert_eq!(turns.len(), 6, "{turns:?}");
        for (turn, (start, who)) in turns.iter().zip(&truth) {
            assert!((turn.start - start).abs() < 0.15, "{turn:?} vs {start}");
            assert_eq!(turn.voice, *who, "{turns:?}");
        }
    }

    #[test]
    fn a_change_of_voice_without_a_pause_splits_the_turn() {
        let mut audio = voice(110.0, 700.0, 3.0);
        audio.extend(voice(240.0, 2400.0, 3.0));
        let mut f = VoiceFeatures::new();
        f.push(&audio);
        f.finish();
        let speech = speech_activity(&f.levels.levels);
        assert_eq!(speech.len(), 1, "{speech:?}");
        let turns = turns(&f.cepstra, &speech, 2, true);
        assert_eq!(turns.len(), 2, "{turns:?}");
        assert!((turns[1].start - 3.0).abs() < 0.3, "{turns:?}");
        assert_ne!(turns[0].voice, turns[1].voice);
        // Without voice splitting it stays one turn.
        assert_eq!(super::turns(&f.cepstra, &speech, 2, false).len(), 1);
    }
}
