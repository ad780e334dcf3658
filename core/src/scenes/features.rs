//! Per-frame measures on the small analysis picture: HSV planes and the
//! content score between two frames, mean brightness, a luma plane for the
//! dissolve test, and a 16x9 luma thumbnail to tell two pictures apart.

/// Hue (0..180, OpenCV's scale), saturation and value planes of a frame.
pub(crate) struct Hsv {
    h: Vec<u8>,
    s: Vec<u8>,
    v: Vec<u8>,
    /// Chroma (max - min of R, G, B): where it is small hue is noise.
    c: Vec<u8>,
}

/// Below this value saturation is damped: `S = C * 255 / max(V, 32)`. Plain
/// `C / V` explodes on the compression noise of near-black pixels (a pixel
/// of (2, 1, 3) would be 67 % saturated), which makes a dark frame look
/// unlike the next one for no visible reason.
const SATURATION_FLOOR: u32 = 32;
/// Least chroma of both pixels for their hue difference to count.
const HUE_MIN_CHROMA: u8 = 12;

impl Hsv {
    pub(crate) fn from_rgb(rgb: &[u8]) -> Self {
        let n = rgb.len() / 3;
        let (mut h, mut s, mut v, mut c) =
            (Vec::with_capacity(n), Vec::with_capacity(n), Vec::with_capacity(n), Vec::with_capacity(n));
        for p in rgb.chunks_exact(3) {
            let (r, g, b) = (i32::from(p[0]), i32::from(p[1]), i32::from(p[2]));
            let max = r.max(g).max(b);
            let min = r.min(g).min(b);
            let delta = max - min;
            let hue = if delta == 0 {
                0
            } else {
                // Degrees / 2, as OpenCV stores 8-bit hue.
                let sector = if max == r {
                    (g - b) * 60 / delta
                } else if max == g {
                    120 + (b - r) * 60 / delta
                } else {
                    240 + (r - g) * 60 / delta
                };
                sector.rem_euclid(360) / 2
            };
            h.push(hue as u8);
            s.push((delta as u32 * 255 / (max as u32).max(SATURATION_FLOOR)).min(255) as u8);
            v.push(max as u8);
            c.push(delta as u8);
        }
        Self { h, s, v, c }
    }

    /// Mean over hue, saturation and value of the mean absolute per-pixel
    /// difference (0..255 scale; hue is circular).
    pub(crate) fn content_score(&self, other: &Hsv) -> f32 {
        let n = self.v.len();
        if n == 0 || n != other.v.len() {
            return 0.0;
        }
        let (mut dh, mut ds, mut dv) = (0u64, 0u64, 0u64);
        for i in 0..n {
            if self.c[i] >= HUE_MIN_CHROMA && other.c[i] >= HUE_MIN_CHROMA {
                let d = self.h[i].abs_diff(other.h[i]);
                dh += u64::from(d.min(180 - d));
            }
            ds += u64::from(self.s[i].abs_diff(other.s[i]));
            dv += u64::from(self.v[i].abs_diff(other.v[i]));
        }
        // Hue in OpenCV's units of 2 degrees, as PySceneDetect; on the
        // circle, so red at 2 and at 178 are 4 apart, not 176.
        let hue = dh as f32;
        (hue + ds as f32 + dv as f32) / (3.0 * n as f32)
    }
}

/// Mean of R, G and B over the frame (0..255).
pub(crate) fn brightness(rgb: &[u8]) -> f32 {
    if rgb.is_empty() {
        return 0.0;
    }
    let sum: u64 = rgb.iter().map(|&b| u64::from(b)).sum();
    sum as f32 / rgb.len() as f32
}

/// A luma plane (BT.601 weights) at most `max_width` wide, halving the
/// analysis picture while it is wider.
pub(crate) struct Luma {
    pub width: usize,
    pub height: usize,
    pub data: Vec<u8>,
}

impl Luma {
    pub(crate) fn from_rgb(rgb: &[u8], width: usize, height: usize, max_width: usize) -> Self {
        let mut data: Vec<u8> = rgb
            .chunks_exact(3)
            .map(|p| ((77 * u32::from(p[0]) + 150 * u32::from(p[1]) + 29 * u32::from(p[2]) + 128) >> 8) as u8)
            .collect();
        let (mut w, mut h) = (width, height);
        while w > max_width && w >= 4 && h >= 4 {
            let (nw, nh) = (w / 2, h / 2);
            let mut out = Vec::with_capacity(nw * nh);
            for y in 0..nh {
                for x in 0..nw {
                    let i = 2 * y * w + 2 * x;
                    let sum = u32::from(data[i]) + u32::from(data[i + 1]) + u32::from(data[i + w]) + u32::from(data[i + w + 1]);
                    out.push(((sum + 2) / 4) as u8);
                }
            }
            data = out;
            (w, h) = (nw, nh);
        }
        Self { width: w, height: h, data }
    }

    /// A `cols x rows` box-averaged thumbnail.
    pub(crate) fn thumbnail(&self, cols: usize, rows: usize) -> Vec<u8> {
        let mut out = Vec::with_capacity(cols * rows);
        for r in 0..rows {
            let (y0, y1) = (r * self.height / rows, ((r + 1) * self.height / rows).max(r * self.height / rows + 1));
            for c in 0..cols {
                let (x0, x1) = (c * self.width / cols, ((c + 1) * self.width / cols).max(c * self.width / cols + 1));
                let (mut sum, mut n) = (0u32, 0u32);
                for y in y0..y1.min(self.height) {
                    for x in x0..x1.min(self.width) {
                        sum += u32::from(self.data[y * self.width + x]);
                        n += 1;
                    }
                }
                out.push(sum.checked_div(n).unwrap_or(0) as u8);
            }
        }
        out
    }
}

/// Mean and standard deviation of a plane.
pub(crate) fn mean_std(data: &[u8]) -> (f32, f32) {
    if data.is_empty() {
        return (0.0, 0.0);
    }
    let n = data.len() as f64;
    let (s, s2) = data.iter().fold((0f64, 0f64), |(s, s2), &v| (s + f64::from(v), s2 + f64::from(v) * f64::from(v)));
    let mean = s / n;
    ((mean) as f32, ((s2 / n - mean * mean).max(0.0)).sqrt() as f32)
}

/// Pearson correlation of two equally sized planes (0 when either is flat).
pub(crate) fn correlation(a: &[u8], b: &[u8]) -> f32 {
    if a.len() != b.len() || a.is_empty() {
        return 0.0;
    }
    let (ma, sa) = mean_std(a);
    let (mb, sb) = mean_std(b);
    if sa < 1.0 || sb < 1.0 {
        return 0.0;
    }
    let cov: f64 = a.iter().zip(b).map(|(&x, &y)| (f64::from(x) - f64::from(ma)) * (f64::from(y) - f64::from(mb))).sum();
    (cov / a.len() as f64 / f64::from(sa) / f64::from(sb)) as f32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hsv_matches_opencv_for_pure_colours() {
        let hsv = Hsv::from_rgb(&[255, 0, 0, 0, 255, 0, 0, 0, 255, 128, 128, 128]);
        assert_eq!(hsv.h, vec![0, 60, 120, 0]);
        assert_eq!(hsv.s, vec![255, 255, 255, 0]);
        assert_eq!(hsv.v, vec![255, 255, 255, 128]);
    }

    #[test]
    fn identical_frames_score_zero_and_black_to_white_scores_a_third() {
        let black = Hsv::from_rgb(&[0u8; 48]);
        let white = Hsv::from_rgb(&[255u8; 48]);
        assert_eq!(black.content_score(&black), 0.0);
        assert!((black.content_score(&white) - 85.0).abs() < 0.01);
    }

    #[test]
    fn near_black_noise_scores_low() {
        // Compression noise on black: tiny RGB changes must not look like a cut.
        let a = Hsv::from_rgb(&[1, 0, 2, 0, 1, 0, 2, 2, 1, 0, 0, 0]);
        let b = Hsv::from_rgb(&[0, 2, 1, 1, 0, 1, 0, 1, 3, 2, 1, 0]);
        assert!(a.content_score(&b) < 5.0, "{}", a.content_score(&b));
    }

    #[test]
    fn hue_difference_is_circular() {
        // Hue 2 and 178 (OpenCV scale) are 4 apart on the circle.
        let a = Hsv::from_rgb(&[255, 0, 17]);
        let b = Hsv::from_rgb(&[255, 17, 0]);
        assert!(a.content_score(&b) < 10.0, "{}", a.content_score(&b));
    }

    #[test]
    fn luma_halves_until_narrow_enough_and_thumbnails_average() {
        let rgb: Vec<u8> = (0..8 * 4).flat_map(|i| [(i % 8 * 30) as u8; 3]).collect();
        let luma = Luma::from_rgb(&rgb, 8, 4, 4);
        assert_eq!((luma.width, luma.height), (4, 2));
        assert_eq!(luma.data[0], 15);
        let thumb = luma.thumbnail(2, 1);
        assert_eq!(thumb.len(), 2);
        assert!(thumb[0] < thumb[1]);
    }

    #[test]
    fn correlation_of_a_picture_with_itself_and_its_negative() {
        let a: Vec<u8> = (0..64).map(|i| (i * 4) as u8).collect();
        let neg: Vec<u8> = a.iter().map(|v| 255 - v).collect();
        assert!((correlation(&a, &a) - 1.0).abs() < 1e-4);
        assert!((correlation(&a, &neg) + 1.0).abs() < 1e-4);
        assert_eq!(correlation(&a, &[7u8; 64]), 0.0);
    }
}
