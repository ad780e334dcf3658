//! The seeded Gaussian noise fed to VITS voices.
//!
//! The stream is part of reelkit's output contract (same seed, same text,
//! same voice: same samples, across releases), so it is defined here rather
//! than borrowed from a random-number crate whose streams may change between
//! versions: SplitMix64 (Steele, Lea & Flood 2014) for uniform bits, and the
//! Box–Muller transform for normal deviates. Every prefix of a stream is
//! the same whatever its length.

/// A reproducible stream of standard normal deviates.
#[derive(Debug, Clone)]
pub struct GaussianStream {
    state: u64,
    spare: Option<f32>,
}

impl GaussianStream {
    /// The stream for `seed` and sub-stream `lane` (one per noise input).
    pub fn new(seed: u64, lane: u64) -> Self {
        let mut mixer = Self { state: seed ^ lane.wrapping_mul(0xD1B5_4A32_D192_ED03), spare: None };
        // Decorrelate neighbouring seeds.
        let state = mixer.next_u64();
        Self { state, spare: None }
    }

    fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A uniform deviate in (0, 1].
    fn uniform(&mut self) -> f64 {
        ((self.next_u64() >> 11) as f64 + 1.0) / (1u64 << 53) as f64
    }

    /// The next standard normal deviate.
    pub fn next_normal(&mut self) -> f32 {
        if let Some(z) = self.spare.take() {
            return z;
        }
        let (u1, u2) = (self.uniform(), self.uniform());
        let radius = (-2.0 * u1.ln()).sqrt();
        let angle = std::f64::consts::TAU * u2;
        self.spare = Some((radius * angle.sin()) as f32);
        (radius * angle.cos()) as f32
    }

    /// The first `n` deviates.
    pub fn take_vec(mut self, n: usize) -> Vec<f32> {
        (0..n).map(|_| self.next_normal()).collect()
    }
}

/// A sentence's seed: the caller's seed mixed with the sentence text, so a
/// sentence sounds the same wherever it appears and in whatever order
/// sentences are synthesised.
pub fn sentence_seed(seed: u64, sentence: &str) -> u64 {
    // FNV-1a over the text, then mixed with the seed.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in sentence.as_bytes() {
        hash ^= u64::from(*byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    let mut stream = GaussianStream { state: seed ^ hash, spare: None };
    stream.next_u64()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_are_reproducible_standard_normals() {
        let a = GaussianStream::new(7, 0).take_vec(200_000);
        assert_eq!(a, GaussianStream::new(7, 0).take_vec(200_000));
        assert_eq!(a[..1000], GaussianStream::new(7, 0).take_vec(1000)[..]);
        assert_ne!(a[..64], GaussianStream::new(8, 0).take_vec(64)[..]);
        assert_ne!(a[..64], GaussianStream::new(7, 1).take_vec(64)[..]);
        let mean = a.iter().map(|&x| f64::from(x)).sum::<f64>() / a.len() as f64;
        let var = a.iter().map(|&x| (f64::from(x) - mean).powi(2)).sum::<f64>() / a.len() as f64;
        assert!(mean.abs() < 0.01, "mean {mean}");
        assert!((var - 1.0).abs() < 0.02, "variance {var}");
        assert!(a.iter().all(|x| x.is_finite()));
    }

    #[test]
    fn sentence_seeds_depend_on_seed_and_text() {
        assert_eq!(sentence_seed(1, "Hello."), sentence_seed(1, "Hello."));
        assert_ne!(sentence_seed(1, "Hello."), sentence_seed(2, "Hello."));
        assert_ne!(sentence_seed(1, "Hello."), sentence_seed(1, "Hello!"));
    }
}
