//! A decoded video frame in packed RGB24.

use serde::{Deserialize, Serialize};

/// A packed RGB24 image (`width * 3` bytes per row, no padding).
#[derive(Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RgbFrame {
    pub width: u32,
    pub height: u32,
    /// Presentation time in seconds from the start of the media.
    pub time: f64,
    pub data: Vec<u8>,
}

impl std::fmt::Debug for RgbFrame {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RgbFrame")
            .field("width", &self.width)
            .field("height", &self.height)
            .field("time", &self.time)
            .finish()
    }
}

impl RgbFrame {
    /// A black frame.
    pub fn black(width: u32, height: u32, time: f64) -> Self {
        Self { width, height, time, data: vec![0; width as usize * height as usize * 3] }
    }

    /// The pixel at (x, y) as [r, g, b].
    pub fn pixel(&self, x: u32, y: u32) -> [u8; 3] {
        let i = (y as usize * self.width as usize + x as usize) * 3;
        [self.data[i], self.data[i + 1], self.data[i + 2]]
    }

    /// Rotate clockwise by a multiple of 90 degrees.
    pub fn rotated(&self, degrees_clockwise: i32) -> RgbFrame {
        let turns = degrees_clockwise.rem_euclid(360) / 90;
        if turns == 0 {
            return self.clone();
        }
        let (w, h) = (self.width as usize, self.height as usize);
        let (nw, nh) = if turns % 2 == 1 { (h, w) } else { (w, h) };
        let mut out = vec![0u8; self.data.len()];
        for y in 0..h {
            for x in 0..w {
                let (nx, ny) = match turns {
                    1 => (h - 1 - y, x),
                    2 => (w - 1 - x, h - 1 - y),
                    _ => (y, w - 1 - x),
                };
                let src = (y * w + x) * 3;
                let dst = (ny * nw + nx) * 3;
                out[dst..dst + 3].copy_from_slice(&self.data[src..src + 3]);
            }
        }
        RgbFrame { width: nw as u32, height: nh as u32, time: self.time, data: out }
    }

    /// Encode as an 8-bit RGB PNG.
    pub fn to_png(&self) -> Vec<u8> {
        let mut out = Vec::new();
        {
            let mut encoder = png::Encoder::new(&mut out, self.width, self.height);
            encoder.set_color(png::ColorType::Rgb);
            encoder.set_depth(png::BitDepth::Eight);
            // Writing into a Vec cannot fail for a well-formed frame.
            if let Ok(mut writer) = encoder.write_header() {
                let _ = writer.write_image_data(&self.data);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rotation_moves_pixels_clockwise() {
        // 2x1 image: red, green.
        let f = RgbFrame { width: 2, height: 1, time: 0.0, data: vec![255, 0, 0, 0, 255, 0] };
        let r = f.rotated(90);
        assert_eq!((r.width, r.height), (1, 2));
        assert_eq!(r.pixel(0, 0), [255, 0, 0]);
        assert_eq!(r.pixel(0, 1), [0, 255, 0]);
        let r = f.rotated(270);
        assert_eq!(r.pixel(0, 0), [0, 255, 0]);
        assert_eq!(f.rotated(180).pixel(0, 0), [0, 255, 0]);
        assert_eq!(f.rotated(360), f);
    }
}
