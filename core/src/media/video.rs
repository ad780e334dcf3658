//! Video decoding to packed RGB24 frames, optionally scaled and rotated.

use std::collections::VecDeque;
use std::path::{Path, PathBuf};

use ffmpeg_next as ff;
use serde::{Deserialize, Serialize};

use super::frame::RgbFrame;
use super::input::{media_duration, media_start, open_input, seconds};
use super::probe::{best_stream, is_attached_picture, rotation_of};
use crate::error::{Error, Result};

/// How to decode video.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[non_exhaustive]
pub struct VideoDecodeOptions {
    /// Output size (as displayed, after rotation). `None` keeps the source size.
    pub size: Option<(u32, u32)>,
    /// First frame time to return, in seconds.
    pub start: f64,
    /// Stop before this time; `None` decodes to the end.
    pub end: Option<f64>,
    /// Decoder threads; 0 lets FFmpeg pick.
    pub threads: usize,
    /// Apply the stream's display rotation (default true).
    pub apply_rotation: bool,
}

impl Default for VideoDecodeOptions {
    fn default() -> Self {
        Self { size: None, start: 0.0, end: None, threads: 0, apply_rotation: true }
    }
}

impl VideoDecodeOptions {
    pub fn size(mut self, width: u32, height: u32) -> Self {
        self.size = Some((width, height));
        self
    }
    pub fn range(mut self, start: f64, end: Option<f64>) -> Self {
        self.start = start;
        self.end = end;
        self
    }
    pub fn threads(mut self, threads: usize) -> Self {
        self.threads = threads;
        self
    }

    pub fn validate(&self) -> Result<()> {
        if let Some((w, h)) = self.size {
            if w == 0 || h == 0 || w > 16_384 || h > 16_384 {
                return Err(Error::invalid("size", format!("{w}x{h} (each side must be 1..=16384)")));
            }
        }
        if !self.start.is_finite() || self.start < 0.0 {
            return Err(Error::invalid("start", format!("{} (expected a time >= 0)", self.start)));
        }
        if let Some(end) = self.end {
            if !end.is_finite() || end <= self.start {
                return Err(Error::invalid("end", format!("{end} (expected a time after start {})", self.start)));
            }
        }
        Ok(())
    }
}

/// An iterator over the decoded frames of a file's primary video stream.
pub struct VideoFrames {
    path: PathBuf,
    ictx: ff::format::context::Input,
    decoder: ff::decoder::Video,
    index: usize,
    time_base: ff::Rational,
    origin: f64,
    rotation: i32,
    fps: f64,
    duration: Option<f64>,
    options: VideoDecodeOptions,
    scaler: Option<(ff::software::scaling::Context, (ff::format::Pixel, u32, u32))>,
    ready: VecDeque<RgbFrame>,
    decoded_any: bool,
    bad_packets: usize,
    finished: bool,
    flushed: bool,
}

impl VideoFrames {
    /// Open `path` for decoding.
    pub fn open(path: impl AsRef<Path>, options: VideoDecodeOptions) -> Result<Self> {
        let path = path.as_ref();
        options.validate()?;
        let mut ictx = open_input(path)?;
        let (index, time_base, rotation, fps, params) = {
            let stream = best_stream(&ictx, ff::media::Type::Video)
                .filter(|s| !is_attached_picture(s))
                .ok_or_else(|| Error::missing_stream(path, "video"))?;
            let rate = stream.avg_frame_rate();
            let fps = if rate.denominator() != 0 && rate.numerator() > 0 { f64::from(rate) } else { 0.0 };
            (stream.index(), stream.time_base(), rotation_of(&stream), fps, stream.parameters())
        };
        let origin = media_start(&ictx);
        let duration = media_duration(&ictx);
        let mut ctx = ff::codec::Context::from_parameters(params)
            .map_err(|e| Error::decode(format!("video stream {index}: {e}")))?;
        ctx.set_threading(ff::codec::threading::Config {
            kind: ff::codec::threading::Type::Frame,
            count: options.threads,
            ..Default::default()
        });
        let decoder = ctx
            .decoder()
            .video()
            .map_err(|e| Error::decode(format!("cannot open video decoder: {e}")))?;
        if decoder.width() == 0 || decoder.height() == 0 {
            return Err(Error::corrupt_media(path, "video stream has a 0x0 frame size"));
        }
        if options.start > 0.0 {
            let target = options.start + origin;
            let ts = (target * f64::from(ff::ffi::AV_TIME_BASE)) as i64;
            // Seek to the keyframe at or before the start; decoding forward
            // from there and dropping early frames makes the cut exact.
            let _ = ictx.seek(ts, ..ts);
        }
        Ok(Self {
            path: path.into(),
            ictx,
            decoder,
            index,
            time_base,
            origin,
            rotation,
            fps,
            duration,
            options,
            scaler: None,
            ready: VecDeque::new(),
            decoded_any: false,
            bad_packets: 0,
            finished: false,
            flushed: false,
        })
    }

    /// Average frame rate of the stream (0 when unknown).
    pub fn fps(&self) -> f64 {
        self.fps
    }

    /// Duration of the file in seconds, when known.
    pub fn duration(&self) -> Option<f64> {
        self.duration
    }

    /// Clockwise display rotation of the stream.
    pub fn rotation(&self) -> i32 {
        self.rotation
    }

    /// Size of the frames this iterator yields.
    pub fn output_size(&self) -> (u32, u32) {
        if let Some(size) = self.options.size {
            return size;
        }
        let (w, h) = (self.decoder.width(), self.decoder.height());
        if self.options.apply_rotation && self.rotation % 180 == 90 {
            (h, w)
        } else {
            (w, h)
        }
    }

    fn pump(&mut self) -> Result<()> {
        let mut decoded = ff::frame::Video::empty();
        while self.decoder.receive_frame(&mut decoded).is_ok() {
            self.decoded_any = true;
            let ts = decoded.timestamp().or(decoded.pts());
            let Some(ts) = ts else { continue };
            let time = seconds(ts, self.time_base) - self.origin;
            if time + 1e-6 < self.options.start {
                continue;
            }
            if let Some(end) = self.options.end {
                if time + 1e-6 >= end {
                    self.finished = true;
                    return Ok(());
                }
            }
            let frame = self.convert(&decoded, time)?;
            self.ready.push_back(frame);
        }
        Ok(())
    }

    fn convert(&mut self, decoded: &ff::frame::Video, time: f64) -> Result<RgbFrame> {
        let rotation = if self.options.apply_rotation { self.rotation } else { 0 };
        let (out_w, out_h) = self.output_size();
        // Scale to the pre-rotation size, then rotate.
        let (scale_w, scale_h) = if rotation % 180 == 90 { (out_h, out_w) } else { (out_w, out_h) };
        let key = (decoded.format(), decoded.width(), decoded.height());
        if self.scaler.as_ref().map(|(_, k)| *k != key).unwrap_or(true) {
            let flags = if scale_w * scale_h < decoded.width() * decoded.height() / 4 {
                ff::software::scaling::Flags::AREA
            } else {
                ff::software::scaling::Flags::BILINEAR
            };
            let mut ctx = ff::software::scaling::Context::get(
                decoded.format(),
                decoded.width(),
                decoded.height(),
                ff::format::Pixel::RGB24,
                scale_w,
                scale_h,
                flags,
            )
            .map_err(|e| Error::decode(format!("cannot convert video frames: {e}")))?;
            // Convert with the matrix the stream is tagged with, as players do.
            // Untagged streams keep swscale's BT.601 default.
            let space = decoded.color_space();
            if matches!(space, ff::color::Space::BT709 | ff::color::Space::BT2020NCL | ff::color::Space::BT2020CL) {
                let full_range = decoded.color_range() == ff::color::Range::JPEG;
                super::yuv::set_matrix(&mut ctx, space, full_range, true);
            }
            self.scaler = Some((ctx, key));
        }
        let (scaler, _) = self.scaler.as_mut().expect("scaler set above");
        let mut rgb = ff::frame::Video::empty();
        scaler.run(decoded, &mut rgb).map_err(|e| Error::decode(format!("scaling failed: {e}")))?;
        let frame = RgbFrame { width: scale_w, height: scale_h, time, data: packed_rgb(&rgb) };
        Ok(if rotation == 0 { frame } else { frame.rotated(rotation) })
    }
}

/// Copy an RGB24 frame's rows without their stride padding.
fn packed_rgb(frame: &ff::frame::Video) -> Vec<u8> {
    let row = frame.width() as usize * 3;
    let stride = frame.stride(0);
    let data = frame.data(0);
    let mut out = Vec::with_capacity(row * frame.height() as usize);
    for y in 0..frame.height() as usize {
        out.extend_from_slice(&data[y * stride..y * stride + row]);
    }
    out
}

impl Iterator for VideoFrames {
    type Item = Result<RgbFrame>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(frame) = self.ready.pop_front() {
                return Some(Ok(frame));
            }
            if self.finished || self.flushed {
                if !self.decoded_any && self.bad_packets > 0 {
                    self.bad_packets = 0;
                    return Some(Err(Error::corrupt_media(self.path.clone(), "no decodable video frame")));
                }
                return None;
            }
            let mut got_packet = false;
            for (stream, packet) in self.ictx.packets() {
                if stream.index() != self.index {
                    continue;
                }
                got_packet = true;
                if self.decoder.send_packet(&packet).is_err() {
                    self.bad_packets += 1;
                }
                break;
            }
            if !got_packet {
                let _ = self.decoder.send_eof();
                self.flushed = true;
            }
            if let Err(e) = self.pump() {
                self.finished = true;
                return Some(Err(e));
            }
        }
    }
}
