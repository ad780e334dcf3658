//! Blurs of 8-bit coverage masks: a gaussian approximated by three box
//! blurs (`\blur`), and the 3x3 `[1 2 1]` edge blur (`\be`).

/// Gaussian blur with standard deviations `sigma_x`, `sigma_y` (pixels).
pub fn gaussian(data: &mut [u8], width: usize, height: usize, sigma_x: f64, sigma_y: f64) {
    if width == 0 || height == 0 {
        return;
    }
    let mut buf: Vec<f32> = data.iter().map(|&v| f32::from(v)).collect();
    let mut tmp = vec![0f32; buf.len()];
    if sigma_x > 0.05 {
        for r in box_radii(sigma_x) {
            box_pass(&buf, &mut tmp, width, height, r, true);
            std::mem::swap(&mut buf, &mut tmp);
        }
    }
    if sigma_y > 0.05 {
        for r in box_radii(sigma_y) {
            box_pass(&buf, &mut tmp, width, height, r, false);
            std::mem::swap(&mut buf, &mut tmp);
        }
    }
    for (d, v) in data.iter_mut().zip(&buf) {
        *d = v.round().clamp(0.0, 255.0) as u8;
    }
}

/// Three box radii whose successive application approximates a gaussian
/// of `sigma` (fractional widths are handled by weighting the edge taps).
fn box_radii(sigma: f64) -> [f64; 3] {
    // Each box of width w adds variance (w^2 - 1) / 12.
    let w = (12.0 * sigma * sigma / 3.0 + 1.0).sqrt();
    let r = ((w - 1.0) / 2.0).max(0.0);
    [r, r, r]
}

/// One box pass of (possibly fractional) radius `r` along rows or columns.
fn box_pass(src: &[f32], dst: &mut [f32], width: usize, height: usize, r: f64, horizontal: bool) {
    let whole = r.floor() as isize;
    let frac = (r - r.floor()) as f32;
    let norm = 1.0 / (2.0 * r as f32 + 1.0);
    let (count, len, stride_item, stride_line) =
        if horizontal { (height, width, 1usize, width) } else { (width, height, width, 1usize) };
    for line in 0..count {
        let base = line * stride_line;
        let at = |i: isize| -> f32 {
            if i < 0 || i >= len as isize {
                0.0
            } else {
                src[base + i as usize * stride_item]
            }
        };
        let mut sum: f32 = (-whole..=whole).map(at).sum();
        for i in 0..len as isize {
            let edge = at(i - whole - 1) + at(i + whole + 1);
            dst[base + i as usize * stride_item] = (sum + frac * edge) * norm;
            sum += at(i + whole + 1) - at(i - whole);
        }
    }
}

/// `passes` rounds of the 3x3 `[1 2 1] x [1 2 1] / 16` blur.
pub fn edge_blur(data: &mut [u8], width: usize, height: usize, passes: u32) {
    if width == 0 || height == 0 {
        return;
    }
    if passes > 16 {
        // Many passes converge to a gaussian of variance passes / 2.
        let sigma = (f64::from(passes.min(127)) / 2.0).sqrt();
        gaussian(data, width, height, sigma, sigma);
        return;
    }
    let mut buf: Vec<u16> = data.iter().map(|&v| u16::from(v) * 64).collect();
    let mut tmp = vec![0u16; buf.len()];
    for _ in 0..passes.min(127) {
        for y in 0..height {
            for x in 0..width {
                let i = y * width + x;
                let l = if x > 0 { u32::from(buf[i - 1]) } else { 0 };
                let r = if x + 1 < width { u32::from(buf[i + 1]) } else { 0 };
                tmp[i] = ((l + 2 * u32::from(buf[i]) + r + 2) / 4) as u16;
            }
        }
        for y in 0..height {
            for x in 0..width {
                let i = y * width + x;
                let u = if y > 0 { u32::from(tmp[i - width]) } else { 0 };
                let d = if y + 1 < height { u32::from(tmp[i + width]) } else { 0 };
                buf[i] = ((u + 2 * u32::from(tmp[i]) + d + 2) / 4) as u16;
            }
        }
    }
    for (d, v) in data.iter_mut().zip(&buf) {
        *d = ((u32::from(*v) + 32) / 64).min(255) as u8;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blur_spreads_and_keeps_mass() {
        let (w, h) = (41, 41);
        let mut m = vec![0u8; w * h];
        for y in 15..26 {
            for x in 15..26 {
                m[y * w + x] = 255;
            }
        }
        let before: u32 = m.iter().map(|&v| u32::from(v)).sum();
        let mut g = m.clone();
        gaussian(&mut g, w, h, 2.0, 2.0);
        let after: u32 = g.iter().map(|&v| u32::from(v)).sum();
        assert!((f64::from(after) / f64::from(before) - 1.0).abs() < 0.02);
        assert!(g[20 * w + 13] > 0 && g[20 * w + 20] > 200);
        let mut e = m.clone();
        edge_blur(&mut e, w, h, 2);
        assert!(e[20 * w + 14] > 0 && e[20 * w + 15] < 255);
    }
}
