//! A look-ahead true-peak limiter (offline).
//!
//! Inter-sample peaks are estimated by 4x oversampling (windowed-sinc
//! interpolation, as BS.1770 Annex 2 suggests); wherever a frame's true
//! peak exceeds the ceiling, the gain ramps down linearly over the
//! look-ahead before it and recovers exponentially after it, so the
//! waveform is never clipped and the gain never jumps.

/// Look-ahead (attack) time in seconds.
const LOOKAHEAD: f64 = 0.005;
/// Recovery time constant in seconds.
const RELEASE: f64 = 0.08;
/// Interpolation filter: taps per phase of the 4x oversampler.
const TAPS: usize = 12;
const PHASES: usize = 4;

/// Polyphase interpolation filter: `[phase][tap]` for phases 1..4
/// (phase 0 is the sample itself).
fn interpolation_filter() -> [[f32; TAPS]; PHASES] {
    let mut filter = [[0.0f32; TAPS]; PHASES];
    let half = TAPS as f64 / 2.0;
    for (p, row) in filter.iter_mut().enumerate() {
        let frac = p as f64 / PHASES as f64;
        let mut sum = 0.0;
        for (t, tap) in row.iter_mut().enumerate() {
            // Distance from the interpolated point to input sample `t`.
            let x = t as f64 - (half - 1.0) - frac;
            let sinc = if x.abs() < 1e-9 { 1.0 } else { (std::f64::consts::PI * x).sin() / (std::f64::consts::PI * x) };
            // Kaiser-like smooth window over the filter span.
            let w = 0.5 + 0.5 * (std::f64::consts::PI * x / (half + 0.5)).cos();
            *tap = (sinc * w) as f32;
            sum += sinc * w;
        }
        if sum.abs() > 1e-9 {
            row.iter_mut().for_each(|t| *t /= sum as f32);
        }
    }
    filter
}

/// True-peak estimate of every frame (max over channels and over the
/// interpolated points just after the frame).
pub fn frame_true_peaks(samples: &[f32], channels: u16) -> Vec<f32> {
    frame_true_peaks_above(samples, channels, 0.0)
}

/// Like [`frame_true_peaks`], but frames whose neighbourhood cannot reach
/// `floor` keep their sample peak (skipping the interpolation there).
fn frame_true_peaks_above(samples: &[f32], channels: u16, floor: f32) -> Vec<f32> {
    let ch = usize::from(channels.max(1));
    let frames = samples.len() / ch;
    let filter = interpolation_filter();
    // The most any interpolated point can exceed its neighbours by.
    let gain_bound = filter.iter().map(|row| row.iter().map(|t| t.abs()).sum::<f32>()).fold(1.0f32, f32::max);
    let half = TAPS / 2;
    let mut sample_peaks = vec![0.0f32; frames];
    for (i, peak) in sample_peaks.iter_mut().enumerate() {
        *peak = samples[i * ch..(i + 1) * ch].iter().fold(0.0f32, |m, s| m.max(s.abs()));
    }
    let mut peaks = sample_peaks.clone();
    for (i, peak) in peaks.iter_mut().enumerate() {
        let lo = (i + 1).saturating_sub(half);
        let hi = (i + half + 1).min(frames);
        let neighbourhood = sample_peaks[lo..hi].iter().fold(0.0f32, |m, s| m.max(*s));
        if neighbourhood * gain_bound <= floor {
            continue;
        }
        for c in 0..ch {
            for row in filter.iter().skip(1) {
                let mut acc = 0.0f32;
                for (t, tap) in row.iter().enumerate() {
                    let k = i as isize + t as isize - half as isize + 1;
                    if k >= 0 && (k as usize) < frames {
                        acc += tap * samples[k as usize * ch + c];
                    }
                }
                *peak = peak.max(acc.abs());
            }
        }
    }
    peaks
}

/// Limit interleaved `samples` so that their true peak stays at or below
/// `ceiling` (linear). Returns whether any gain reduction was needed.
pub fn limit_true_peak(samples: &mut [f32], channels: u16, sample_rate: u32, ceiling: f32) -> bool {
    let ch = usize::from(channels.max(1));
    let peaks = frame_true_peaks_above(samples, channels, ceiling);
    if peaks.iter().all(|&p| p <= ceiling) {
        return false;
    }
    let frames = peaks.len();
    let lookahead = ((LOOKAHEAD * f64::from(sample_rate)) as usize).max(1);
    // Gain each frame may have at most: ramps down ahead of every over.
    let mut gain = vec![1.0f32; frames];
    for (j, &p) in peaks.iter().enumerate() {
        if p <= ceiling {
            continue;
        }
        let g = ceiling / p;
        let from = j.saturating_sub(lookahead);
        for (i, slot) in gain.iter_mut().enumerate().take(j + 1).skip(from) {
            let ramp = g + (1.0 - g) * (j - i) as f32 / lookahead as f32;
            if ramp < *slot {
                *slot = ramp;
            }
        }
        // Hold through the next interpolation span so the peak's own
        // neighbourhood is covered.
        for slot in gain.iter_mut().take((j + TAPS / 2).min(frames)).skip(j) {
            if g < *slot {
                *slot = g;
            }
        }
    }
    // Recovery: never faster than the release time constant.
    let recover = (-1.0 / (RELEASE * f64::from(sample_rate))).exp() as f32;
    let mut current = 1.0f32;
    for g in gain.iter_mut() {
        let released = 1.0 - (1.0 - current) * recover;
        current = released.min(*g);
        *g = current;
    }
    for (i, g) in gain.iter().enumerate() {
        for s in &mut samples[i * ch..(i + 1) * ch] {
            *s *= g;
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inter_sample_peaks_are_found() {
        // A sine at fs/4 with a 45 degree phase: samples reach 0.707 of
        // the true peak.
        let samples: Vec<f32> = (0..4000)
            .map(|i| (std::f64::consts::FRAC_PI_2 * i as f64 + std::f64::consts::FRAC_PI_4).sin() as f32)
            .collect();
        let sample_peak = samples.iter().fold(0.0f32, |m, s| m.max(s.abs()));
        assert!((sample_peak - std::f32::consts::FRAC_1_SQRT_2).abs() < 0.01);
        let tp = frame_true_peaks(&samples, 1)[100..3900].iter().fold(0.0f32, |m, s| m.max(*s));
        assert!(tp > 0.95 && tp < 1.05, "{tp}");
    }

    #[test]
    fn limiting_keeps_peaks_under_the_ceiling_and_quiet_parts_untouched() {
        let rate = 48_000;
        let mut samples: Vec<f32> =
            (0..rate).map(|i| (0.3 * (std::f64::consts::TAU * 200.0 * f64::from(i) / f64::from(rate)).sin()) as f32).collect();
        for s in &mut samples[24_000..24_480] {
            *s *= 3.0;
        }
        let original = samples.clone();
        assert!(limit_true_peak(&mut samples, 1, rate, 0.5));
        let tp = frame_true_peaks(&samples, 1).into_iter().fold(0.0f32, f32::max);
        assert!(tp <= 0.5 + 1e-3, "{tp}");
        assert_eq!(samples[..20_000], original[..20_000]);
        assert!(!limit_true_peak(&mut samples[..20_000].to_vec(), 1, rate, 0.5));
    }
}
