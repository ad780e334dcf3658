//! The streaming pass: per frame, its content score against the previous
//! frame, its brightness, the dissolve test centred on a frame a few frames
//! back, and luma thumbnails kept around dark frames for the fade test.
//! Memory stays bounded: two small rings plus a few bytes per frame.

use std::collections::{HashMap, VecDeque};

use super::config::SceneConfig;
use super::features::{correlation, mean_std, Hsv, Luma};

/// Dissolve test planes are at most this wide.
const DISSOLVE_WIDTH: usize = 64;
/// Thumbnail size for telling two pictures apart across a fade.
pub(crate) const THUMB: (usize, usize) = (16, 9);
/// Least luma standard deviation for a picture to have structure.
pub(crate) const MIN_TEXTURE: f32 = 4.0;

/// What the streaming pass keeps of one frame.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct FrameStat {
    pub time: f64,
    /// Content score against the previous frame (0 for the first).
    pub score: f32,
    /// Mean of R, G, B (0..255).
    pub brightness: f32,
    /// Best dissolve fit centred on this frame: the residual share (lower is
    /// a better even mix) and the half length in frames; `None` when no
    /// half length passed the test.
    pub dissolve: Option<(f32, u16)>,
}

pub(crate) struct Analyzer {
    pub stats: Vec<FrameStat>,
    /// Display duration of the last frame, when the stream stated it.
    pub last_duration: Option<f64>,
    previous: Option<Hsv>,
    /// Recent luma planes for the dissolve test, newest last.
    ring: VecDeque<Luma>,
    half_lengths: Vec<usize>,
    min_change: f32,
    max_residual: f32,
    dissolves: bool,
    /// Thumbnails of frames near dark frames, by frame index.
    pub thumbs: HashMap<usize, Vec<u8>>,
    recent_thumbs: VecDeque<(usize, Vec<u8>)>,
    keep_thumbs_until: Option<usize>,
    thumb_reach: usize,
    black_level: f32,
}

impl Analyzer {
    pub(crate) fn new(config: &SceneConfig, fps: f64) -> Self {
        // Half lengths of the dissolve test, in frames, from the shortest to
        // the longest dissolve looked for, growing by half each step.
        let rate = if fps > 0.0 { fps } else { 25.0 };
        let lo = ((config.dissolve.min_duration * rate / 2.0).round() as usize).max(2);
        let hi = ((config.dissolve.max_duration * rate / 2.0).round() as usize).clamp(lo, 120);
        let mut half_lengths = vec![lo];
        while let Some(&last) = half_lengths.last() {
            let next = (last + last.div_ceil(2)).min(hi);
            if next == last {
                break;
            }
            half_lengths.push(next);
        }
        Self {
            stats: Vec::new(),
            last_duration: None,
            previous: None,
            ring: VecDeque::new(),
            half_lengths,
            min_change: config.dissolve.min_change,
            max_residual: config.dissolve.max_residual,
            dissolves: config.dissolve.enabled,
            thumbs: HashMap::new(),
            recent_thumbs: VecDeque::new(),
            keep_thumbs_until: None,
            thumb_reach: ((2.0 * rate).round() as usize).clamp(10, 240),
            black_level: config.fade.black_level,
        }
    }

    /// Longest reach of the fade test before and after a dark run, in frames.
    pub(crate) fn thumb_reach(&self) -> usize {
        self.thumb_reach
    }

    pub(crate) fn push(&mut self, time: f64, duration: Option<f64>, rgb: &[u8], width: usize, height: usize) {
        let index = self.stats.len();
        // Presentation times never run backwards on the output, even when a
        // damaged stream's do.
        let time = self.stats.last().map_or(time, |p| time.max(p.time));
        let hsv = Hsv::from_rgb(rgb);
        let score = self.previous.as_ref().map_or(0.0, |p| p.content_score(&hsv));
        self.previous = Some(hsv);
        let brightness = super::features::brightness(rgb);
        self.stats.push(FrameStat { time, score, brightness, dissolve: None });
        self.last_duration = duration;

        let luma = Luma::from_rgb(rgb, width, height, DISSOLVE_WIDTH);
        self.keep_thumbnail(index, &luma, brightness);
        if self.dissolves {
            let longest = *self.half_lengths.last().unwrap_or(&2);
            self.ring.push_back(luma);
            while self.ring.len() > 2 * longest + 1 {
                self.ring.pop_front();
            }
            self.test_dissolves(index);
        }
    }

    fn keep_thumbnail(&mut self, index: usize, luma: &Luma, brightness: f32) {
        let thumb = luma.thumbnail(THUMB.0, THUMB.1);
        if brightness < self.black_level {
            for (i, t) in self.recent_thumbs.drain(..) {
                self.thumbs.insert(i, t);
            }
            self.keep_thumbs_until = Some(index + self.thumb_reach);
        }
        if self.keep_thumbs_until.is_some_and(|until| index <= until) {
            self.thumbs.insert(index, thumb);
        } else {
            self.recent_thumbs.push_back((index, thumb));
            while self.recent_thumbs.len() > self.thumb_reach {
                self.recent_thumbs.pop_front();
            }
        }
    }

    /// With frame `newest` just added: for every half length `h`, is frame
    /// `newest - h` the even mix of frames `newest - 2h` and `newest`, while
    /// those two are different pictures with structure?
    fn test_dissolves(&mut self, newest: usize) {
        let ring_len = self.ring.len();
        for &h in &self.half_lengths {
            if ring_len < 2 * h + 1 {
                break;
            }
            let b = &self.ring[ring_len - 1];
            let m = &self.ring[ring_len - 1 - h];
            let a = &self.ring[ring_len - 1 - 2 * h];
            let Some(residual) = dissolve_residual(a, m, b, self.min_change) else { continue };
            if residual > self.max_residual {
                continue;
            }
            let centre = &mut self.stats[newest - h];
            if centre.dissolve.is_none_or(|(best, _)| residual < best) {
                centre.dissolve = Some((residual, h as u16));
            }
        }
    }
}

/// How far `m` is from the even mix of `a` and `b`, as a share of the
/// difference between `a` and `b`; `None` when `a` and `b` are too alike,
/// flat, or the same picture at another brightness (a fade, not a dissolve).
fn dissolve_residual(a: &Luma, m: &Luma, b: &Luma, min_change: f32) -> Option<f32> {
    let n = a.data.len();
    if n == 0 || m.data.len() != n || b.data.len() != n {
        return None;
    }
    let (mut diff, mut resid) = (0u64, 0u64);
    for i in 0..n {
        let (x, y, z) = (i32::from(a.data[i]), i32::from(m.data[i]), i32::from(b.data[i]));
        diff += u64::from((x - z).unsigned_abs());
        resid += u64::from((2 * y - x - z).unsigned_abs());
    }
    let diff = diff as f32 / n as f32;
    if diff < min_change {
        return None;
    }
    let (_, sa) = mean_std(&a.data);
    let (_, sb) = mean_std(&b.data);
    if sa < MIN_TEXTURE || sb < MIN_TEXTURE || correlation(&a.data, &b.data) > 0.6 {
        return None;
    }
    // `resid` summed |2m - a - b|: half of it is |m - (a + b) / 2|.
    Some(resid as f32 / 2.0 / n as f32 / diff)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plane(f: impl Fn(usize) -> u8) -> Luma {
        Luma { width: 16, height: 16, data: (0..256).map(f).collect() }
    }

    #[test]
    fn an_even_mix_of_two_pictures_is_a_dissolve_middle_and_a_cut_is_not() {
        let a = plane(|i| if (i / 16 + i % 16) % 2 == 0 { 200 } else { 40 });
        let b = plane(|i| if i % 16 < 8 { 30 } else { 220 });
        let mix = Luma { data: a.data.iter().zip(&b.data).map(|(x, y)| ((*x as u16 + *y as u16) / 2) as u8).collect(), ..a };
        let a = plane(|i| if (i / 16 + i % 16) % 2 == 0 { 200 } else { 40 });
        let r = dissolve_residual(&a, &mix, &b, 20.0).unwrap();
        assert!(r < 0.02, "{r}");
        // A hard cut: the middle frame is one of the two pictures.
        let r = dissolve_residual(&a, &b, &b, 20.0).unwrap();
        assert!(r > 0.45, "{r}");
    }

    #[test]
    fn a_fade_of_one_picture_is_not_a_dissolve() {
        let a = plane(|i| (i % 16 * 12) as u8);
        let dim = plane(|i| (i % 16 * 6) as u8);
        let black = plane(|_| 0);
        assert!(dissolve_residual(&a, &dim, &black, 20.0).is_none());
        let bright = plane(|i| (i % 16 * 12 + 60) as u8);
        assert!(dissolve_residual(&a, &plane(|i| (i % 16 * 12 + 30) as u8), &bright, 20.0).is_none());
    }
}
