//! Mel filterbank as stored in ggml Whisper files: Slaney mel scale, Slaney area
//! normalisation, `n_fft / 2 + 1` linear-frequency bins, 0 Hz to Nyquist.

/// Hz to mel on the Slaney scale (linear below 1 kHz, logarithmic above).
fn hz_to_mel(hz: f64) -> f64 {
    const F_SP: f64 = 200.0 / 3.0;
    const MIN_LOG_HZ: f64 = 1000.0;
    let min_log_mel = MIN_LOG_HZ / F_SP;
    let logstep = (6.4f64).ln() / 27.0;
    if hz >= MIN_LOG_HZ {
        min_log_mel + (hz / MIN_LOG_HZ).ln() / logstep
    } else {
        hz / F_SP
    }
}

fn mel_to_hz(mel: f64) -> f64 {
    const F_SP: f64 = 200.0 / 3.0;
    const MIN_LOG_HZ: f64 = 1000.0;
    let min_log_mel = MIN_LOG_HZ / F_SP;
    let logstep = (6.4f64).ln() / 27.0;
    if mel >= min_log_mel {
        MIN_LOG_HZ * (logstep * (mel - min_log_mel)).exp()
    } else {
        F_SP * mel
    }
}

/// Row-major `[n_mels][n_fft / 2 + 1]` triangular filters.
pub fn mel_filterbank(sample_rate: u32, n_fft: usize, n_mels: usize) -> Vec<f32> {
    let n_bins = n_fft / 2 + 1;
    let sr = sample_rate as f64;
    let fft_freqs: Vec<f64> = (0..n_bins).map(|k| k as f64 * sr / n_fft as f64).collect();
    let mel_max = hz_to_mel(sr / 2.0);
    let mel_min = hz_to_mel(0.0);
    let points: Vec<f64> = (0..n_mels + 2)
        .map(|i| mel_to_hz(mel_min + (mel_max - mel_min) * i as f64 / (n_mels + 1) as f64))
        .collect();

    let mut out = vec![0f32; n_mels * n_bins];
    for m in 0..n_mels {
        let (lo, center, hi) = (points[m], points[m + 1], points[m + 2]);
        let norm = 2.0 / (hi - lo);
        for (k, &f) in fft_freqs.iter().enumerate() {
            let rising = (f - lo) / (center - lo);
            let falling = (hi - f) / (hi - center);
            let w = rising.min(falling).max(0.0);
            out[m * n_bins + k] = (w * norm) as f32;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whisper_filterbank_shape_and_values() {
        let fb = mel_filterbank(16000, 400, 80);
        assert_eq!(fb.len(), 80 * 201);
        // Every filter has some weight, DC is never covered.
        for m in 0..80 {
            let row = &fb[m * 201..(m + 1) * 201];
            assert!(row.iter().any(|&w| w > 0.0), "filter {m} empty");
        }
        assert_eq!(fb[0], 0.0);
        // Golden values of the Slaney filterbank (as librosa / faster-whisper compute it,
        // which this matches bit for bit).
        assert_eq!(fb[1], 0.024862595);
        assert_eq!(fb[2], 0.0);
        let argmax = |m: usize| {
            let row = &fb[m * 201..(m + 1) * 201];
            let (i, v) = row
                .iter()
                .enumerate()
                .fold((0, 0f32), |a, (i, &v)| if v > a.1 { (i, v) } else { a });
            (i, v)
        };
        assert_eq!(argmax(40), (43, 0.0147355655));
        assert_eq!(argmax(79), (192, 0.0031647116));
        // Area normalisation: each filter sums (times bin width) to about one.
        let bin_hz = 40.0f64;
        for m in 10..80 {
            let s: f64 = fb[m * 201..(m + 1) * 201]
                .iter()
                .map(|&w| w as f64)
                .sum::<f64>()
                * bin_hz;
            assert!((s - 1.0).abs() < 0.1, "filter {m} area {s}");
        }
    }

    #[test]
    fn mel_scale_round_trips() {
        for hz in [0.0, 100.0, 999.0, 1000.0, 4000.0, 8000.0] {
            assert!((mel_to_hz(hz_to_mel(hz)) - hz).abs() < 1e-6);
        }
    }
}
