//! The rendered subtitle layer: a premultiplied RGBA rectangle inside a
//! frame, with compositing onto RGB24 and YUV 4:2:0 frames and PNG output
//! (straight alpha, like libass's reference renders).

use super::raster::{Layer, Paint};
use crate::media::RgbFrame;

/// The subtitle layer of one frame: premultiplied RGBA pixels of the
/// rectangle (`x`, `y`, `w`, `h`) of a `width` x `height` frame; empty when
/// nothing is visible.
#[derive(Clone, PartialEq, Eq)]
pub struct SubtitleImage {
    pub width: u32,
    pub height: u32,
    pub x: u32,
    pub y: u32,
    pub w: u32,
    pub h: u32,
    /// Premultiplied RGBA, `w * h * 4` bytes.
    pub pixels: Vec<u8>,
}

impl std::fmt::Debug for SubtitleImage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SubtitleImage")
            .field("frame", &(self.width, self.height))
            .field("rect", &(self.x, self.y, self.w, self.h))
            .finish()
    }
}

impl SubtitleImage {
    /// Nothing to draw on a `width` x `height` frame.
    pub fn empty(width: u32, height: u32) -> Self {
        Self { width, height, x: 0, y: 0, w: 0, h: 0, pixels: Vec::new() }
    }

    /// From a whole-frame premultiplied RGBA buffer (trimmed to what is
    /// covered).
    pub fn from_premultiplied(width: u32, height: u32, pixels: Vec<u8>) -> Self {
        let mut img = Self { width, height, x: 0, y: 0, w: width, h: height, pixels };
        img.trim();
        img
    }

    pub fn is_empty(&self) -> bool {
        self.w == 0 || self.h == 0
    }

    pub(super) fn compose(width: u32, height: u32, layers: &[Layer]) -> Self {
        let (mut x0, mut y0, mut x1, mut y1) = (i64::MAX, i64::MAX, i64::MIN, i64::MIN);
        for l in layers {
            let b = &l.bitmap;
            if b.w == 0 || b.h == 0 {
                continue;
            }
            x0 = x0.min(i64::from(b.x));
            y0 = y0.min(i64::from(b.y));
            x1 = x1.max(i64::from(b.x) + b.w as i64);
            y1 = y1.max(i64::from(b.y) + b.h as i64);
        }
        let (x0, y0) = (x0.max(0), y0.max(0));
        let (x1, y1) = (x1.min(i64::from(width)), y1.min(i64::from(height)));
        if x1 <= x0 || y1 <= y0 {
            return Self::empty(width, height);
        }
        let (w, h) = ((x1 - x0) as usize, (y1 - y0) as usize);
        let mut pixels = vec![0u8; w * h * 4];
        for layer in layers {
            blend_layer(&mut pixels, (x0, y0, w, h), layer);
        }
        // Shrink to what is actually covered.
        let mut img = Self { width, height, x: x0 as u32, y: y0 as u32, w: w as u32, h: h as u32, pixels };
        img.trim();
        img
    }

    fn trim(&mut self) {
        let (w, h) = (self.w as usize, self.h as usize);
        let covered = |x: usize, y: usize| self.pixels[(y * w + x) * 4 + 3] != 0;
        let rows: Vec<usize> = (0..h).filter(|&y| (0..w).any(|x| covered(x, y))).collect();
        let (Some(&top), Some(&bottom)) = (rows.first(), rows.last()) else {
            *self = Self::empty(self.width, self.height);
            return;
        };
        let cols: Vec<usize> = (0..w).filter(|&x| (top..=bottom).any(|y| covered(x, y))).collect();
        let (left, right) = (cols[0], cols[cols.len() - 1]);
        let (nw, nh) = (right - left + 1, bottom - top + 1);
        if (nw, nh) == (w, h) {
            return;
        }
        let mut out = Vec::with_capacity(nw * nh * 4);
        for y in top..=bottom {
            out.extend_from_slice(&self.pixels[(y * w + left) * 4..(y * w + right + 1) * 4]);
        }
        self.x += left as u32;
        self.y += top as u32;
        self.w = nw as u32;
        self.h = nh as u32;
        self.pixels = out;
    }

    /// The whole frame as 8-bit RGBA with straight (not premultiplied)
    /// alpha over a transparent background.
    pub fn to_straight_rgba(&self) -> Vec<u8> {
        let (fw, fh) = (self.width as usize, self.height as usize);
        let mut out = vec![0u8; fw * fh * 4];
        for y in 0..self.h as usize {
            for x in 0..self.w as usize {
                let s = (y * self.w as usize + x) * 4;
                let a = self.pixels[s + 3];
                if a == 0 {
                    continue;
                }
                let d = ((y + self.y as usize) * fw + x + self.x as usize) * 4;
                for c in 0..3 {
                    out[d + c] = ((u32::from(self.pixels[s + c]) * 255 + u32::from(a) / 2) / u32::from(a)).min(255) as u8;
                }
                out[d + 3] = a;
            }
        }
        out
    }

    /// The whole frame as premultiplied RGBA.
    pub fn to_premultiplied_rgba(&self) -> Vec<u8> {
        let fw = self.width as usize;
        let mut out = vec![0u8; fw * self.height as usize * 4];
        for y in 0..self.h as usize {
            let s = y * self.w as usize * 4;
            let d = ((y + self.y as usize) * fw + self.x as usize) * 4;
            out[d..d + self.w as usize * 4].copy_from_slice(&self.pixels[s..s + self.w as usize * 4]);
        }
        out
    }

    /// PNG (8-bit RGBA, straight alpha) of the whole frame.
    pub fn to_png(&self) -> Vec<u8> {
        encode_png(self.width, self.height, png::ColorType::Rgba, &self.to_straight_rgba())
    }

    /// Blend onto an RGB24 frame of the same size ("source over").
    pub fn composite_onto(&self, frame: &mut RgbFrame) {
        if self.is_empty() || frame.width != self.width || frame.height != self.height {
            return;
        }
        let fw = frame.width as usize;
        for y in 0..self.h as usize {
            let row = (y + self.y as usize) * fw;
            for x in 0..self.w as usize {
                let s = (y * self.w as usize + x) * 4;
                let a = u32::from(self.pixels[s + 3]);
                if a == 0 {
                    continue;
                }
                let d = (row + x + self.x as usize) * 3;
                for c in 0..3 {
                    let dst = u32::from(frame.data[d + c]);
                    frame.data[d + c] = (u32::from(self.pixels[s + c]) + div255(dst * (255 - a))).min(255) as u8;
                }
            }
        }
    }

    /// The layer converted to BT.709 limited-range YUVA at full resolution
    /// (for blending onto YUV frames): Y, U, V premultiplied by A.
    pub fn to_yuva(&self) -> YuvaOverlay {
        let n = (self.w * self.h) as usize;
        let mut y = vec![0u8; n];
        let mut u = vec![0i16; n];
        let mut v = vec![0i16; n];
        let mut a = vec![0u8; n];
        for i in 0..n {
            let p = &self.pixels[i * 4..i * 4 + 4];
            let (r, g, b, al) = (f32::from(p[0]), f32::from(p[1]), f32::from(p[2]), f32::from(p[3]));
            // Premultiplied colour → premultiplied limited-range YUV.
            y[i] = (16.0 * al / 255.0 + 0.1826 * r + 0.6142 * g + 0.0620 * b).round().clamp(0.0, 255.0) as u8;
            u[i] = (-0.1006 * r - 0.3386 * g + 0.4392 * b).round() as i16;
            v[i] = (0.4392 * r - 0.3989 * g - 0.0403 * b).round() as i16;
            a[i] = p[3];
        }
        YuvaOverlay { x: self.x, y: self.y, w: self.w, h: self.h, luma: y, cb: u, cr: v, alpha: a }
    }
}

/// A subtitle layer in premultiplied YUV (BT.709, limited range), ready to
/// blend onto 4:2:0 frames.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YuvaOverlay {
    pub x: u32,
    pub y: u32,
    pub w: u32,
    pub h: u32,
    /// Premultiplied luma (including the 16 offset times alpha).
    pub luma: Vec<u8>,
    /// Premultiplied chroma around zero.
    pub cb: Vec<i16>,
    pub cr: Vec<i16>,
    pub alpha: Vec<u8>,
}

impl YuvaOverlay {
    /// Blend onto 4:2:0 planes (only the overlay's rectangle is touched).
    #[allow(clippy::too_many_arguments)]
    pub fn blend_yuv420(&self, luma: &mut [u8], luma_stride: usize, cb: &mut [u8], cb_stride: usize, cr: &mut [u8], cr_stride: usize, width: u32, height: u32) {
        let (x0, y0) = (self.x as usize, self.y as usize);
        let (w, h) = (self.w as usize, self.h as usize);
        let (fw, fh) = (width as usize, height as usize);
        for y in 0..h {
            let fy = y0 + y;
            if fy >= fh {
                break;
            }
            let row = fy * luma_stride;
            for x in 0..w {
                let fx = x0 + x;
                if fx >= fw {
                    break;
                }
                let i = y * w + x;
                let a = u32::from(self.alpha[i]);
                if a == 0 {
                    continue;
                }
                let d = &mut luma[row + fx];
                *d = (u32::from(self.luma[i]) + div255(u32::from(*d) * (255 - a))).min(255) as u8;
            }
        }
        // Chroma: average the 2x2 block of the overlay.
        let cx0 = x0 / 2;
        let cy0 = y0 / 2;
        let cx1 = (x0 + w).div_ceil(2).min(fw.div_ceil(2));
        let cy1 = (y0 + h).div_ceil(2).min(fh.div_ceil(2));
        for cy in cy0..cy1 {
            for cx in cx0..cx1 {
                let (mut sa, mut su, mut sv, mut n) = (0i32, 0i32, 0i32, 0i32);
                for dy in 0..2 {
                    for dx in 0..2 {
                        let (px, py) = (cx * 2 + dx, cy * 2 + dy);
                        if px < x0 || py < y0 || px >= x0 + w || py >= y0 + h {
                            n += 1;
                            continue;
                        }
                        let i = (py - y0) * w + (px - x0);
                        sa += i32::from(self.alpha[i]);
                        su += i32::from(self.cb[i]);
                        sv += i32::from(self.cr[i]);
                        n += 1;
                    }
                }
                if sa == 0 {
                    continue;
                }
                let a = (sa + n / 2) / n;
                let (u, v) = ((su as f32 / n as f32).round() as i32, (sv as f32 / n as f32).round() as i32);
                let blend = |dst: &mut u8, src: i32| {
                    let d = i32::from(*dst) - 128;
                    let out = src + (d * (255 - a) + if d >= 0 { 127 } else { -127 }) / 255 + 128;
                    *dst = out.clamp(0, 255) as u8;
                };
                blend(&mut cb[cy * cb_stride + cx], u);
                blend(&mut cr[cy * cr_stride + cx], v);
            }
        }
    }
}

fn div255(v: u32) -> u32 {
    (v + 127) / 255
}

fn blend_layer(pixels: &mut [u8], (x0, y0, w, h): (i64, i64, usize, usize), layer: &Layer) {
    let b = &layer.bitmap;
    for by in 0..b.h {
        let py = i64::from(b.y) + by as i64 - y0;
        if py < 0 || py >= h as i64 {
            continue;
        }
        for bx in 0..b.w {
            let px = i64::from(b.x) + bx as i64 - x0;
            if px < 0 || px >= w as i64 {
                continue;
            }
            let m = u32::from(b.data[by * b.w + bx]);
            if m == 0 {
                continue;
            }
            let color = match &layer.paint {
                Paint::Solid(c) => *c,
                Paint::Split { left, right, split } => {
                    if ((px + x0) as f64) + 0.5 < *split {
                        *left
                    } else {
                        *right
                    }
                }
            };
            let a = div255(m * u32::from(color.opacity()));
            if a == 0 {
                continue;
            }
            let d = (py as usize * w + px as usize) * 4;
            let inv = 255 - a;
            pixels[d] = (div255(u32::from(color.r) * a) + div255(u32::from(pixels[d]) * inv)).min(255) as u8;
            pixels[d + 1] = (div255(u32::from(color.g) * a) + div255(u32::from(pixels[d + 1]) * inv)).min(255) as u8;
            pixels[d + 2] = (div255(u32::from(color.b) * a) + div255(u32::from(pixels[d + 2]) * inv)).min(255) as u8;
            pixels[d + 3] = (a + div255(u32::from(pixels[d + 3]) * inv)).min(255) as u8;
        }
    }
}

/// Encode 8-bit pixels as PNG.
pub(crate) fn encode_png(width: u32, height: u32, color: png::ColorType, data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut out, width, height);
        encoder.set_color(color);
        encoder.set_depth(png::BitDepth::Eight);
        if let Ok(mut writer) = encoder.write_header() {
            let _ = writer.write_image_data(data);
        }
    }
    out
}
