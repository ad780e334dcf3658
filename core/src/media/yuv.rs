//! Frames in planar YUV 4:2:0 — what H.264 is encoded from — and the one
//! RGB to YUV conversion (BT.709, limited range) every writer uses.

use ffmpeg_next as ff;

use super::frame::RgbFrame;
use crate::error::{Error, Result};

/// A frame in planar YUV 4:2:0 (BT.709, limited range; no row padding).
#[derive(Clone, PartialEq, Eq)]
pub struct YuvFrame {
    pub width: u32,
    pub height: u32,
    /// Time in milliseconds (in the source's timeline).
    pub time_ms: i64,
    pub y: Vec<u8>,
    pub u: Vec<u8>,
    pub v: Vec<u8>,
}

impl std::fmt::Debug for YuvFrame {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("YuvFrame")
            .field("width", &self.width)
            .field("height", &self.height)
            .field("time_ms", &self.time_ms)
            .finish()
    }
}

fn time_ms(seconds: f64) -> i64 {
    if seconds.is_finite() {
        (seconds * 1000.0).round().clamp(i64::MIN as f64, i64::MAX as f64) as i64
    } else {
        0
    }
}

impl YuvFrame {
    /// Copy the planes of a YUV420P FFmpeg frame.
    pub(crate) fn from_ff(frame: &ff::frame::Video, time: f64) -> Self {
        let (w, h) = (frame.width() as usize, frame.height() as usize);
        let plane = |i: usize, pw: usize, ph: usize| {
            let stride = frame.stride(i);
            let data = frame.data(i);
            let mut out = Vec::with_capacity(pw * ph);
            for row in 0..ph {
                out.extend_from_slice(&data[row * stride..row * stride + pw]);
            }
            out
        };
        let (cw, ch) = (w.div_ceil(2), h.div_ceil(2));
        Self {
            width: w as u32,
            height: h as u32,
            time_ms: time_ms(time),
            y: plane(0, w, h),
            u: plane(1, cw, ch),
            v: plane(2, cw, ch),
        }
    }

    /// Copy the planes into a YUV420P FFmpeg frame of the same size.
    pub(crate) fn write_into(&self, frame: &mut ff::frame::Video) {
        let (w, h) = (self.width as usize, self.height as usize);
        let (cw, ch) = (w.div_ceil(2), h.div_ceil(2));
        for (i, (src, pw, ph)) in [(&self.y, w, h), (&self.u, cw, ch), (&self.v, cw, ch)].into_iter().enumerate() {
            let stride = frame.stride(i);
            let data = frame.data_mut(i);
            for row in 0..ph {
                data[row * stride..row * stride + pw].copy_from_slice(&src[row * pw..(row + 1) * pw]);
            }
        }
    }

    /// From RGB24 (BT.709, limited range), through [`RgbToYuv`].
    pub fn from_rgb(frame: &RgbFrame) -> Result<Self> {
        RgbToYuv::default().convert(frame)
    }

    /// To RGB24 (BT.709, limited range), for PNG previews.
    pub fn to_rgb(&self) -> RgbFrame {
        let (w, h) = (self.width as usize, self.height as usize);
        let cw = w.div_ceil(2);
        let mut data = vec![0u8; w * h * 3];
        for yy in 0..h {
            for x in 0..w {
                let yv = (f32::from(self.y[yy * w + x]) - 16.0) * 1.1644;
                let c = (yy / 2) * cw + x / 2;
                let (u, v) = (f32::from(self.u[c]) - 128.0, f32::from(self.v[c]) - 128.0);
                let i = (yy * w + x) * 3;
                data[i] = (yv + 1.7927 * v).round().clamp(0.0, 255.0) as u8;
                data[i + 1] = (yv - 0.2132 * u - 0.5329 * v).round().clamp(0.0, 255.0) as u8;
                data[i + 2] = (yv + 2.1124 * u).round().clamp(0.0, 255.0) as u8;
            }
        }
        RgbFrame { width: self.width, height: self.height, time: self.time_ms as f64 / 1000.0, data }
    }

    /// Peak signal-to-noise ratio over all three planes, in dB (infinite
    /// when identical).
    pub fn psnr(&self, other: &YuvFrame) -> f64 {
        if (self.width, self.height) != (other.width, other.height) {
            return 0.0;
        }
        let mut sum = 0.0f64;
        let mut n = 0usize;
        for (a, b) in [(&self.y, &other.y), (&self.u, &other.u), (&self.v, &other.v)] {
            for (x, y) in a.iter().zip(b.iter()) {
                let d = f64::from(*x) - f64::from(*y);
                sum += d * d;
            }
            n += a.len();
        }
        let mse = sum / n.max(1) as f64;
        if mse == 0.0 {
            f64::INFINITY
        } else {
            10.0 * (255.0f64 * 255.0 / mse).log10()
        }
    }

    /// Mix in `other`: `k` = 1 keeps this frame, 0 gives `other` (cross-fades).
    pub(crate) fn blend_with(&mut self, other: &YuvFrame, k: f64) {
        let k = (k.clamp(0.0, 1.0) * 256.0).round() as u32;
        for (a, b) in [(&mut self.y, &other.y), (&mut self.u, &other.u), (&mut self.v, &other.v)] {
            for (x, y) in a.iter_mut().zip(b.iter()) {
                *x = ((u32::from(*x) * k + u32::from(*y) * (256 - k) + 128) >> 8) as u8;
            }
        }
    }
}

/// RGB24 → YUV 4:2:0 with swscale, BT.709 matrix, limited range; the context
/// is kept while the frame size stays the same.
#[derive(Default)]
pub(crate) struct RgbToYuv {
    ctx: Option<(ff::software::scaling::Context, (u32, u32))>,
}

impl RgbToYuv {
    pub(crate) fn convert(&mut self, frame: &RgbFrame) -> Result<YuvFrame> {
        let (w, h) = (frame.width, frame.height);
        let row = w as usize * 3;
        if w == 0 || h == 0 || frame.data.len() < row * h as usize {
            return Err(Error::invalid("frame", format!("{w}x{h} RGB frame with {} bytes", frame.data.len())));
        }
        if self.ctx.as_ref().map(|(_, k)| *k != (w, h)).unwrap_or(true) {
            let mut ctx = ff::software::scaling::Context::get(
                ff::format::Pixel::RGB24,
                w,
                h,
                ff::format::Pixel::YUV420P,
                w,
                h,
                ff::software::scaling::Flags::BILINEAR | ff::software::scaling::Flags::ACCURATE_RND,
            )
            .map_err(|e| Error::encode(format!("cannot set up colour conversion: {e}")))?;
            set_matrix(&mut ctx, ff::color::Space::BT709, true, false);
            self.ctx = Some((ctx, (w, h)));
        }
        let (ctx, _) = self.ctx.as_mut().expect("context set above");
        let mut rgb = ff::frame::Video::new(ff::format::Pixel::RGB24, w, h);
        let stride = rgb.stride(0);
        {
            let data = rgb.data_mut(0);
            for y in 0..h as usize {
                data[y * stride..y * stride + row].copy_from_slice(&frame.data[y * row..(y + 1) * row]);
            }
        }
        let mut yuv = ff::frame::Video::empty();
        ctx.run(&rgb, &mut yuv).map_err(|e| Error::encode(format!("colour conversion failed: {e}")))?;
        Ok(YuvFrame::from_ff(&yuv, frame.time))
    }
}

/// Make `ctx` use the matrix of `space` (BT.601 for anything but BT.709 and
/// BT.2020) on its YUV side; `src_full`/`dst_full` give each side's range
/// (RGB is full range, YUV is limited unless tagged JPEG). swscale otherwise
/// assumes BT.601 whatever the stream says.
pub(crate) fn set_matrix(ctx: &mut ff::software::scaling::Context, space: ff::color::Space, src_full: bool, dst_full: bool) {
    let sws_space = match space {
        ff::color::Space::BT709 => ff::ffi::SWS_CS_ITU709,
        ff::color::Space::BT2020NCL | ff::color::Space::BT2020CL => ff::ffi::SWS_CS_BT2020,
        _ => ff::ffi::SWS_CS_DEFAULT,
    };
    // SAFETY: `ctx` is a live swscale context; the coefficient tables are
    // static arrays owned by libswscale.
    unsafe {
        let table = ff::ffi::sws_getCoefficients(sws_space);
        let (src, dst) = (i32::from(src_full), i32::from(dst_full));
        ff::ffi::sws_setColorspaceDetails(ctx.as_mut_ptr(), table, src, table, dst, 0, 1 << 16, 1 << 16);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rgb_converts_with_the_bt709_matrix() {
        crate::media::init();
        let mut rgb = RgbFrame::black(4, 2, 0.5);
        for px in rgb.data.chunks_mut(3) {
            px.copy_from_slice(&[255, 0, 0]);
        }
        let yuv = YuvFrame::from_rgb(&rgb).unwrap();
        // BT.709 limited-range red: Y 63, Cb 102, Cr 240 (BT.601 gives 81, 90, 240).
        assert!((i32::from(yuv.y[0]) - 63).abs() <= 1, "Y {}", yuv.y[0]);
        assert!((i32::from(yuv.u[0]) - 102).abs() <= 1, "Cb {}", yuv.u[0]);
        assert!((i32::from(yuv.v[0]) - 240).abs() <= 1, "Cr {}", yuv.v[0]);
        assert_eq!(yuv.time_ms, 500);
        let back = yuv.to_rgb();
        assert!(back.data[0] >= 250 && back.data[1] <= 4 && back.data[2] <= 4, "{:?}", &back.data[..3]);
    }

    #[test]
    fn short_buffers_are_refused() {
        let frame = RgbFrame { width: 4, height: 4, time: 0.0, data: vec![0; 10] };
        assert!(YuvFrame::from_rgb(&frame).is_err());
    }
}
