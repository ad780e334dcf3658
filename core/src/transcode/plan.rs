//! Output sizes and CPU shares: which rungs a source gets, at what size, and
//! how many encoder threads each output gets.

/// The source picture as decoded.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Geometry {
    /// Coded size.
    pub width: u32,
    pub height: u32,
    /// Sample (pixel) aspect ratio; 1 for square pixels.
    pub sar: f64,
    /// Clockwise display rotation: 0, 90, 180 or 270.
    pub rotation: i32,
}

impl Geometry {
    /// Size as displayed: square pixels, rotation applied.
    pub(crate) fn display(&self) -> (f64, f64) {
        let sar = if self.sar.is_finite() && self.sar > 0.0 { self.sar } else { 1.0 };
        let (w, h) = (f64::from(self.width) * sar, f64::from(self.height));
        if self.rotation % 180 == 90 {
            (h, w)
        } else {
            (w, h)
        }
    }

    fn short_side(&self) -> f64 {
        let (w, h) = self.display();
        w.min(h)
    }

    /// The displayed size with its short side at `short` pixels, both
    /// sides even.
    pub(crate) fn fit_short_side(&self, short: u32) -> (u32, u32) {
        let (w, h) = self.display();
        let scale = f64::from(short) / w.min(h);
        (even(w * scale), even(h * scale))
    }

    /// The displayed size with width `width`, both sides even.
    pub(crate) fn fit_width(&self, width: u32) -> (u32, u32) {
        let (w, h) = self.display();
        (even(f64::from(width)), even(h * f64::from(width) / w))
    }
}

fn even(x: f64) -> u32 {
    ((x / 2.0).round() as u32 * 2).max(2)
}

/// One rung of the ladder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Rung {
    /// `1080p`, `720p`...: also its directory name.
    pub name: String,
    pub width: u32,
    pub height: u32,
}

/// The rungs a source gets (largest first) and the requested rungs skipped
/// because they are above the source. When all are above, the source's own
/// size (rounded down to even sides) is the single rung.
pub(crate) fn plan_ladder(ladder: &[u32], source: &Geometry) -> (Vec<Rung>, Vec<u32>) {
    let short = source.short_side();
    let mut wanted: Vec<u32> = ladder.to_vec();
    wanted.sort_unstable_by(|a, b| b.cmp(a));
    let (kept, skipped): (Vec<u32>, Vec<u32>) = wanted.into_iter().partition(|&r| f64::from(r) <= short + 0.5);
    let mut rungs: Vec<Rung> = kept
        .into_iter()
        .map(|r| {
            let (width, height) = source.fit_short_side(r);
            Rung { name: format!("{r}p"), width, height }
        })
        .collect();
    if rungs.is_empty() {
        let (w, h) = source.display();
        let (width, height) = (down_to_even(w), down_to_even(h));
        rungs.push(Rung { name: format!("{}p", width.min(height)), width, height });
    }
    (rungs, skipped)
}

fn down_to_even(x: f64) -> u32 {
    ((x.floor() as u32) & !1).max(2)
}

/// x264 threads for encoders of the given pixel counts sharing `cores`
/// cores. The largest encoder, which bounds the wall time, gets what x264
/// would take alone (1.5 threads per core), so it can use the whole machine
/// whenever the smaller ones wait for it; the others get a share in
/// proportion to their pixels, at least one thread.
pub(crate) fn encoder_threads(cores: usize, pixels: &[u64]) -> Vec<usize> {
    let largest = pixels.iter().copied().max().unwrap_or(0);
    if largest == 0 {
        return vec![1; pixels.len()];
    }
    let full = cores.max(1) as f64 * 1.5;
    pixels.iter().map(|&p| ((full * p as f64 / largest as f64).round() as usize).max(1)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn landscape(w: u32, h: u32) -> Geometry {
        Geometry { width: w, height: h, sar: 1.0, rotation: 0 }
    }

    #[test]
    fn rungs_above_the_source_are_skipped() {
        let (rungs, skipped) = plan_ladder(&[480, 1080, 720], &landscape(1280, 720));
        let sizes: Vec<(u32, u32)> = rungs.iter().map(|r| (r.width, r.height)).collect();
        assert_eq!(sizes, vec![(1280, 720), (854, 480)]);
        assert_eq!(rungs[0].name, "720p");
        assert_eq!(skipped, vec![1080]);
    }

    #[test]
    fn a_small_source_gets_one_rung_at_its_own_even_size() {
        let (rungs, skipped) = plan_ladder(&[1080, 720], &landscape(321, 241));
        assert_eq!(rungs, vec![Rung { name: "240p".into(), width: 320, height: 240 }]);
        assert_eq!(skipped, vec![1080, 720]);
    }

    #[test]
    fn portrait_and_rotated_sources_keep_their_shape() {
        let rotated = Geometry { width: 1920, height: 1080, sar: 1.0, rotation: 90 };
        assert_eq!(rotated.display(), (1080.0, 1920.0));
        let (rungs, _) = plan_ladder(&[720], &rotated);
        assert_eq!((rungs[0].width, rungs[0].height), (720, 1280));
        let anamorphic = Geometry { width: 720, height: 576, sar: 64.0 / 45.0, rotation: 0 };
        assert_eq!(anamorphic.fit_short_side(576), (1024, 576));
    }

    #[test]
    fn threads_follow_pixels() {
        let pixels = [1920 * 1080, 1280 * 720, 854 * 480];
        assert_eq!(encoder_threads(2, &pixels), vec![3, 1, 1]);
        assert_eq!(encoder_threads(16, &pixels), vec![24, 11, 5]);
        assert_eq!(encoder_threads(4, &[0, 0]), vec![1, 1]);
    }
}
