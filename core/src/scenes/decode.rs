//! Decoding for analysis: every frame of the primary video stream, shrunk
//! straight from the decoder's YUV planes to a small packed RGB picture (no
//! full-size RGB conversion), with the decoder told to skip what cannot
//! change a picture that small: the in-loop deblocking filter (H.264/HEVC)
//! and, for codecs that can decode at a fraction of the size (MPEG-4 Part 2,
//! MPEG-1/2, MJPEG...), FFmpeg's `lowres`. Frame threads run the decoder in
//! parallel. Times come from each frame's presentation timestamp on the
//! media clock (the container's start is 0), so variable frame rates and
//! late-starting streams report true times.
//!
//! Measured on the bench video (`benches/README.md`, "Scenes"):
//! `skip_loop_filter` saves ~14 % of the decode CPU time and changes no cut
//! frame. `skip_frame` on non-reference frames was measured too and is not
//! used: it drops about half the frames of an H.264 stream with B-frames,
//! so cuts could no longer be placed to the frame.

use std::path::Path;

use ffmpeg_next as ff;

use crate::error::{Error, Result};
use crate::media::{media_start, open_input};
use crate::progress::{RunCtl, Stage};

/// Upper bound on a plausible frame rate; a stream claiming more is treated
/// as having an unknown rate.
const MAX_FPS: f64 = 1000.0;

/// Facts of the stream being analysed.
#[derive(Debug, Clone, Copy)]
pub(crate) struct StreamFacts {
    /// Average frame rate stated by the stream, 0 when unknown or absurd.
    pub fps: f64,
    /// Size of the analysis picture.
    pub width: u32,
    pub height: u32,
}

/// One analysis picture: packed RGB24, `width * height * 3` bytes.
pub(crate) struct SmallFrame<'a> {
    /// Presentation time in seconds on the media clock.
    pub time: f64,
    /// Display duration in seconds, when the stream states it.
    pub duration: Option<f64>,
    pub rgb: &'a [u8],
}

/// A second, larger picture of a few frames — one every `every` seconds of
/// the media clock — for work that needs more pixels than the analysis
/// picture (finding faces), taken from the same decode.
pub(crate) struct SideSampler<'a> {
    pub every: f64,
    /// Width of the sampled picture (never wider than the decoded frame).
    pub width: u32,
    pub on_sample: &'a mut dyn FnMut(&crate::media::RgbFrame) -> Result<()>,
}

/// Open `path`, then call `on_frame` for every decoded frame in order,
/// also handing `sampler` (when given) a larger picture now and then.
pub(crate) fn decode_small_sampled<F>(
    path: &Path,
    analysis_width: u32,
    threads: usize,
    fast: bool,
    ctl: &RunCtl,
    mut sampler: Option<&mut SideSampler<'_>>,
    mut on_frame: F,
) -> Result<()>
where
    F: FnMut(&StreamFacts, SmallFrame<'_>) -> Result<()>,
{
    let mut ictx = open_input(path)?;
    let (index, time_base, fps, params, expected_frames) = {
        let stream = ictx
            .streams()
            .best(ff::media::Type::Video)
            .filter(|s| !s.disposition().contains(ff::format::stream::Disposition::ATTACHED_PIC))
            .ok_or_else(|| no_video_stream(path))?;
        let rate = stream.avg_frame_rate();
        let fps = if rate.denominator() > 0 && rate.numerator() > 0 { f64::from(rate) } else { 0.0 };
        let fps = if fps.is_finite() && fps <= MAX_FPS { fps } else { 0.0 };
        let frames = stream.frames();
        (stream.index(), stream.time_base(), fps, stream.parameters(), frames)
    };
    let origin = media_start(&ictx);
    let duration = ictx.duration();
    let duration = (duration > 0).then(|| duration as f64 / f64::from(ff::ffi::AV_TIME_BASE));

    let mut ctx = ff::codec::Context::from_parameters(params)
        .map_err(|e| decode_error(format!("video stream {index}: {e}")))?;
    ctx.set_threading(ff::codec::threading::Config {
        kind: ff::codec::threading::Type::Frame,
        count: threads,
        ..Default::default()
    });
    let (src_w, src_h) = {
        // SAFETY: plain fields of a codec context that `ctx` owns.
        let raw = unsafe { &*ctx.as_ptr() };
        (raw.width.max(0) as u32, raw.height.max(0) as u32)
    };
    if src_w == 0 || src_h == 0 || src_w > 32_768 || src_h > 32_768 {
        return Err(corrupt(path, format!("video frame size {src_w}x{src_h}")));
    }
    let mut decoder = ctx.decoder();
    if fast {
        decoder.skip_loop_filter(ff::codec::discard::Discard::All);
    }
    let codec = ff::decoder::find(decoder.id())
        .ok_or_else(|| decode_error(format!("{}: no decoder for {:?}", path.display(), decoder.id())))?;
    let mut options = ff::Dictionary::new();
    if fast {
        // Decode at 1/2, 1/4 or 1/8 size while that stays at least the
        // analysis width; FFmpeg clamps this to what the codec supports.
        let mut lowres = 0;
        while lowres < 3 && (src_w >> (lowres + 1)) >= analysis_width {
            lowres += 1;
        }
        if lowres > 0 {
            options.set("lowres", &lowres.to_string());
        }
    }
    let mut decoder = decoder
        .open_as_with(codec, options)
        .and_then(|o| o.video())
        .map_err(|e| decode_error(format!("cannot open video decoder: {e}")))?;

    let width = analysis_width.min(src_w).max(2);
    let height = ((f64::from(src_h) * f64::from(width) / f64::from(src_w)).round() as u32).clamp(2, 4096);
    let facts = StreamFacts { fps, width, height };
    let total = (expected_frames > 0)
        .then_some(expected_frames as f64)
        .or_else(|| duration.filter(|_| fps > 0.0).map(|d| (d * fps).ceil()));

    let mut state = Scaled { scaler: None, out: ff::frame::Video::empty(), packed: Vec::new(), width, height };
    let mut side = sampler.as_ref().map(|s| {
        let w = (s.width.min(src_w).max(2)) & !1;
        let h = (((f64::from(src_h) * f64::from(w) / f64::from(src_w)).round() as u32).clamp(2, 4096)) & !1;
        Scaled { scaler: None, out: ff::frame::Video::empty(), packed: Vec::new(), width: w.max(2), height: h.max(2) }
    });
    let mut next_sample = 0.0f64;
    let mut decoded = ff::frame::Video::empty();
    let mut frames = 0u64;
    let mut bad_packets = 0u64;
    let mut last_time: Option<f64> = None;
    let mut emit = |decoder: &mut ff::decoder::Video, state: &mut Scaled, frames: &mut u64| -> Result<()> {
        while decoder.receive_frame(&mut decoded).is_ok() {
            // A frame without a timestamp (raw elementary streams) follows
            // the previous one by a frame interval.
            let time = match decoded.timestamp().or(decoded.pts()) {
                Some(ts) => seconds(ts, time_base) - origin,
                None => last_time.map_or(0.0, |t| t + if fps > 0.0 { 1.0 / fps } else { 1.0 / 25.0 }),
            };
            last_time = Some(time);
            let dur = decoded.packet().duration;
            let duration = (dur > 0).then(|| seconds(dur, time_base)).filter(|d| d.is_finite() && *d > 0.0);
            if let (Some(sampler), Some(side)) = (sampler.as_deref_mut(), side.as_mut()) {
                if time.is_finite() && time + 1e-6 >= next_sample && sampler.every > 0.0 {
                    // The next sample time after this frame (no loop: a
                    // wild timestamp must not spin).
                    next_sample = ((time + 1e-6) / sampler.every).floor() * sampler.every + sampler.every;
                    let data = side.scale_filtered(&decoded)?.to_vec();
                    let frame = crate::media::RgbFrame { width: side.width, height: side.height, time, data };
                    (sampler.on_sample)(&frame)?;
                }
            }
            let rgb = state.scale(&decoded)?;
            on_frame(&facts, SmallFrame { time, duration, rgb })?;
            *frames += 1;
            if *frames % 32 == 0 {
                ctl.report(Stage::Scenes, *frames as f64, total, "frames");
            }
        }
        Ok(())
    };
    for (stream, packet) in ictx.packets() {
        if stream.index() != index {
            continue;
        }
        ctl.check()?;
        if decoder.send_packet(&packet).is_err() {
            bad_packets += 1;
            continue;
        }
        emit(&mut decoder, &mut state, &mut frames)?;
    }
    let _ = decoder.send_eof();
    emit(&mut decoder, &mut state, &mut frames)?;
    if frames == 0 {
        let reason = if bad_packets > 0 { "no decodable video frame" } else { "the video stream has no frames" };
        return Err(corrupt(path, reason));
    }
    ctl.report(Stage::Scenes, frames as f64, Some(frames as f64), "frames");
    Ok(())
}

/// The scaler to the analysis size and its output, kept across frames.
struct Scaled {
    scaler: Option<(ff::software::scaling::Context, (ff::format::Pixel, u32, u32))>,
    out: ff::frame::Video,
    packed: Vec<u8>,
    width: u32,
    height: u32,
}

impl Scaled {
    /// Scale to the analysis size: straight from the decoder's planes for
    /// 8-bit planar YUV (see [`shrink_yuv`]), through FFmpeg's scaler for
    /// anything else.
    fn scale(&mut self, decoded: &ff::frame::Video) -> Result<&[u8]> {
        let key = (decoded.format(), decoded.width(), decoded.height());
        if key.1 == 0 || key.2 == 0 {
            return Err(decode_error("decoder returned an empty frame"));
        }
        if let Some(layout) = PlanarYuv::of(key.0) {
            if key.1 >= self.width && key.2 >= self.height {
                shrink_yuv(decoded, layout, self.width as usize, self.height as usize, &mut self.packed);
                return Ok(&self.packed);
            }
        }
        self.scale_with_ffmpeg(decoded, key)
    }

    /// Scale through FFmpeg's area filter (every source pixel counted):
    /// for the few sampled pictures whose detail matters.
    fn scale_filtered(&mut self, decoded: &ff::frame::Video) -> Result<&[u8]> {
        let key = (decoded.format(), decoded.width(), decoded.height());
        if key.1 == 0 || key.2 == 0 {
            return Err(decode_error("decoder returned an empty frame"));
        }
        self.scale_with_ffmpeg(decoded, key)
    }

    fn scale_with_ffmpeg(&mut self, decoded: &ff::frame::Video, key: (ff::format::Pixel, u32, u32)) -> Result<&[u8]> {
        if self.scaler.as_ref().map(|(_, k)| *k != key).unwrap_or(true) {
            let ctx = ff::software::scaling::Context::get(
                key.0,
                key.1,
                key.2,
                ff::format::Pixel::RGB24,
                self.width,
                self.height,
                ff::software::scaling::Flags::AREA,
            )
            .map_err(|e| decode_error(format!("cannot scale video frames: {e}")))?;
            self.scaler = Some((ctx, key));
            self.out = ff::frame::Video::empty();
        }
        let (scaler, _) = self.scaler.as_mut().expect("scaler set above");
        scaler.run(decoded, &mut self.out).map_err(|e| decode_error(format!("scaling failed: {e}")))?;
        let row = self.width as usize * 3;
        let stride = self.out.stride(0);
        let data = self.out.data(0);
        self.packed.clear();
        for y in 0..self.height as usize {
            self.packed.extend_from_slice(&data[y * stride..y * stride + row]);
        }
        Ok(&self.packed)
    }
}

/// The 8-bit planar YUV layouts shrunk without FFmpeg's scaler.
#[derive(Debug, Clone, Copy)]
struct PlanarYuv {
    /// log2 of the chroma subsampling across and down.
    chroma_shift: (u32, u32),
    /// JPEG (full) range rather than video range.
    full_range: bool,
}

impl PlanarYuv {
    fn of(format: ff::format::Pixel) -> Option<Self> {
        use ff::format::Pixel as P;
        let (chroma_shift, full_range) = match format {
            P::YUV420P => ((1, 1), false),
            P::YUVJ420P => ((1, 1), true),
            P::YUV422P => ((1, 0), false),
            P::YUVJ422P => ((1, 0), true),
            P::YUV444P => ((0, 0), false),
            P::YUVJ444P => ((0, 0), true),
            _ => return None,
        };
        Some(Self { chroma_shift, full_range })
    }
}

/// Shrink a planar YUV frame to `width x height` packed RGB24: each output
/// pixel averages two samples of its block's middle row in the luma plane
/// and takes one chroma sample (a sparse box filter: FFmpeg's area filter
/// runs over every source row and costs ~20 % of the decode time at 720p;
/// reading fewer rows matters most, the frame is fresh from another
/// thread's cache), then BT.601 YUV to RGB in integer arithmetic.
fn shrink_yuv(frame: &ff::frame::Video, layout: PlanarYuv, width: usize, height: usize, out: &mut Vec<u8>) {
    let (fw, fh) = (frame.width() as usize, frame.height() as usize);
    let (cw, ch) = (fw.div_ceil(1 << layout.chroma_shift.0), fh.div_ceil(1 << layout.chroma_shift.1));
    let y = block_means(frame.data(0), frame.stride(0), (fw, fh), (width, height), (2, 1));
    let u = block_means(frame.data(1), frame.stride(1), (cw, ch), (width, height), (1, 1));
    let v = block_means(frame.data(2), frame.stride(2), (cw, ch), (width, height), (1, 1));
    // Coefficients scaled by 1024.
    let (ky, kr, kgu, kgv, kb, offset) =
        if layout.full_range { (1024, 1436, 352, 731, 1815, 0) } else { (1192, 1634, 401, 833, 2066, 16) };
    out.clear();
    out.reserve(width * height * 3);
    for i in 0..width * height {
        let l = ky * (i32::from(y[i]) - offset);
        let (cb, cr) = (i32::from(u[i]) - 128, i32::from(v[i]) - 128);
        let clamp = |x: i32| ((x + 512) >> 10).clamp(0, 255) as u8;
        out.push(clamp(l + kr * cr));
        out.push(clamp(l - kgu * cb - kgv * cr));
        out.push(clamp(l + kb * cb));
    }
}

/// Offsets of the samples taken along one axis: `per` per output pixel,
/// spread evenly over its share of `size` (repeated where the share is
/// narrower).
fn sample_offsets(size: usize, out: usize, per: usize) -> Vec<usize> {
    let mut offsets = Vec::with_capacity(out * per);
    for i in 0..out {
        let lo = i * size / out;
        let hi = ((i + 1) * size / out).clamp(lo + 1, size.max(lo + 1));
        for k in 0..per {
            offsets.push((lo + (2 * k + 1) * (hi - lo) / (2 * per)).min(size.saturating_sub(1)));
        }
    }
    offsets
}

/// Mean of `per.0 x per.1` samples of each of the `out.0 x out.1` blocks a
/// `size.0 x size.1` plane divides into.
fn block_means(data: &[u8], stride: usize, size: (usize, usize), out: (usize, usize), per: (usize, usize)) -> Vec<u8> {
    let cols = sample_offsets(size.0, out.0, per.0);
    let rows = sample_offsets(size.1, out.1, per.1);
    let n = (per.0 * per.1) as u32;
    let mut sums = vec![0u32; out.0];
    let mut result = Vec::with_capacity(out.0 * out.1);
    for block_rows in rows.chunks_exact(per.1) {
        sums.iter_mut().for_each(|s| *s = 0);
        for &ry in block_rows {
            let Some(line) = data.get(ry * stride..ry * stride + size.0) else { continue };
            for (sum, xs) in sums.iter_mut().zip(cols.chunks_exact(per.0)) {
                *sum += xs.iter().map(|&x| u32::from(line[x])).sum::<u32>();
            }
        }
        result.extend(sums.iter().map(|s| ((s + n / 2) / n) as u8));
    }
    result
}

fn seconds(ts: i64, time_base: ff::Rational) -> f64 {
    if time_base.denominator() == 0 {
        return 0.0;
    }
    ts as f64 * f64::from(time_base.numerator()) / f64::from(time_base.denominator())
}

// The errors this module raises, built in one place.
fn no_video_stream(path: &Path) -> Error {
    Error::missing_stream(path, "video")
}

fn corrupt(path: &Path, reason: impl Into<String>) -> Error {
    Error::corrupt_media(path, reason)
}

fn decode_error(reason: impl Into<String>) -> Error {
    Error::decode(reason)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn block_means_average_evenly_spread_samples() {
        // A 8x4 plane (stride 10) of vertical stripes 0/100, into 2x1 blocks.
        let mut data = vec![0u8; 40];
        for y in 0..4 {
            for x in 0..8 {
                data[y * 10 + x] = if x % 2 == 1 { 100 } else { 0 };
            }
        }
        // Samples at x = 1, 3 (left block) and 5, 7: all on stripes.
        assert_eq!(sample_offsets(8, 2, 2), vec![1, 3, 5, 7]);
        assert_eq!(block_means(&data, 10, (8, 4), (2, 1), (2, 2)), vec![100, 100]);
        assert_eq!(sample_offsets(4, 1, 1), vec![2]);
        // Narrow shares repeat their one pixel.
        assert_eq!(sample_offsets(3, 3, 2), vec![0, 0, 1, 1, 2, 2]);
    }
}
