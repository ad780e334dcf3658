//! Frame-accurate export of a time range to a new MP4, with optional crop,
//! scale and a per-frame hook (captions are burned in through it).

use std::path::{Path, PathBuf};

use ffmpeg_next as ff;
use serde::{Deserialize, Serialize};

use super::audio::{decode_audio, AudioDecodeOptions};
use super::encode::{AudioEncodeSettings, Mp4Writer, VideoEncodeSettings};
use super::frame::RgbFrame;
use super::probe::probe;
use super::video::{VideoDecodeOptions, VideoFrames};
use crate::error::{Error, Result};
use crate::progress::{RunCtl, Stage};

/// A crop rectangle in source display pixels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Crop {
    pub x: u32,
    pub y: u32,
    pub width: u32,
    pub height: u32,
}

/// What to export and how.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[non_exhaustive]
pub struct ExportOptions {
    /// Range start in seconds (inclusive: the first frame at or after it).
    pub start: f64,
    /// Range end in seconds (exclusive).
    pub end: f64,
    /// Crop applied to each source frame before scaling.
    pub crop: Option<Crop>,
    /// Output frame size; defaults to the (cropped) source size, made even.
    pub size: Option<(u32, u32)>,
    /// x264 CRF (default 20) and preset (default `veryfast`).
    pub crf: u8,
    pub preset: String,
    /// Keep the audio track (default true).
    pub audio: bool,
    /// Canvas used when the source has no video (default 1280x720 at 30 fps).
    pub blank_canvas: (u32, u32),
}

impl Default for ExportOptions {
    fn default() -> Self {
        Self {
            start: 0.0,
            end: 0.0,
            crop: None,
            size: None,
            crf: 20,
            preset: "veryfast".into(),
            audio: true,
            blank_canvas: (1280, 720),
        }
    }
}

impl ExportOptions {
    pub fn range(start: f64, end: f64) -> Self {
        Self { start, end, ..Self::default() }
    }
    pub fn crop(mut self, crop: Crop) -> Self {
        self.crop = Some(crop);
        self
    }
    pub fn size(mut self, width: u32, height: u32) -> Self {
        self.size = Some((width, height));
        self
    }
    pub fn crf(mut self, crf: u8) -> Self {
        self.crf = crf;
        self
    }
    pub fn preset(mut self, preset: impl Into<String>) -> Self {
        self.preset = preset.into();
        self
    }

    fn validate(&self, duration: f64) -> Result<()> {
        if !self.start.is_finite() || self.start < 0.0 {
            return Err(Error::invalid("start", format!("{} (expected a time >= 0)", self.start)));
        }
        if !self.end.is_finite() || self.end <= self.start {
            return Err(Error::invalid("end", format!("{} (expected a time after start {})", self.end, self.start)));
        }
        if duration > 0.0 && self.start >= duration {
            return Err(Error::invalid("start", format!("{} is past the end of the media ({duration:.3} s)", self.start)));
        }
        if let Some(c) = self.crop {
            if c.width < 2 || c.height < 2 {
                return Err(Error::invalid("crop", format!("{}x{} is too small", c.width, c.height)));
            }
        }
        Ok(())
    }
}

/// Something applied to every exported frame before encoding, given the
/// frame and its time in seconds from the start of the export.
pub trait FrameHook {
    fn apply(&mut self, frame: &mut RgbFrame, time: f64) -> Result<()>;
}

impl<F> FrameHook for F
where
    F: FnMut(&mut RgbFrame, f64) -> Result<()>,
{
    fn apply(&mut self, frame: &mut RgbFrame, time: f64) -> Result<()> {
        self(frame, time)
    }
}

/// Builds each output frame from a decoded source frame — a crop that moves,
/// a split screen, a blurred fill — in place of the fixed `crop` and scale.
pub trait FrameComposer {
    /// The output frame (`width` x `height`) for `frame`, shown at `time`
    /// seconds of the source's timeline.
    fn compose(&mut self, frame: &RgbFrame, time: f64, width: u32, height: u32) -> Result<RgbFrame>;
}

/// Cut `[start, end)` of `input` into `output` (H.264 + AAC), frame-accurately.
pub fn cut(input: impl AsRef<Path>, output: impl AsRef<Path>, start: f64, end: f64, ctl: &RunCtl) -> Result<PathBuf> {
    export_range(input, output, &ExportOptions::range(start, end), None, ctl)
}

/// Export a range of `input` to `output`, re-encoding every frame so that the
/// cut is exact, applying crop, scale and `hook` on the way.
pub fn export_range(
    input: impl AsRef<Path>,
    output: impl AsRef<Path>,
    options: &ExportOptions,
    hook: Option<&mut dyn FrameHook>,
    ctl: &RunCtl,
) -> Result<PathBuf> {
    export(input.as_ref(), output.as_ref(), options, None, hook, ctl)
}

/// [`export_range`] with every video frame built by `composer` (in the same
/// single decode and encode pass, before `hook` draws captions on it).
/// `options.size` sets the output size; `options.crop` is not used.
pub fn export_range_composed(
    input: impl AsRef<Path>,
    output: impl AsRef<Path>,
    options: &ExportOptions,
    composer: &mut dyn FrameComposer,
    hook: Option<&mut dyn FrameHook>,
    ctl: &RunCtl,
) -> Result<PathBuf> {
    export(input.as_ref(), output.as_ref(), options, Some(composer), hook, ctl)
}

fn export(
    input: &Path,
    output: &Path,
    options: &ExportOptions,
    mut composer: Option<&mut dyn FrameComposer>,
    mut hook: Option<&mut dyn FrameHook>,
    ctl: &RunCtl,
) -> Result<PathBuf> {
    let info = probe(input)?;
    options.validate(info.duration)?;
    let end = if info.duration > 0.0 { options.end.min(info.duration) } else { options.end };
    let span = end - options.start;

    let (source_size, fps) = match &info.video {
        Some(v) => ((v.display_width, v.display_height), if v.fps > 0.0 && v.fps <= 240.0 { v.fps } else { 30.0 }),
        None => (options.blank_canvas, 30.0),
    };
    let crop = options.crop.filter(|_| composer.is_none()).map(|c| clamp_crop(c, source_size)).transpose()?;
    let cropped = crop.map(|c| (c.width, c.height)).unwrap_or(source_size);
    let (out_w, out_h) = options.size.unwrap_or(cropped);
    let (out_w, out_h) = (even(out_w), even(out_h));
    let video_settings = VideoEncodeSettings::new(out_w, out_h, fps).crf(options.crf).preset(options.preset.clone());
    video_settings.validate()?;

    let audio = match (&info.audio, options.audio) {
        (Some(a), true) => {
            let channels = a.channels.clamp(1, 2) as u16;
            let rate = if (8_000..=96_000).contains(&a.sample_rate) { a.sample_rate } else { 48_000 };
            let decoded = decode_audio(
                input,
                &AudioDecodeOptions::default().sample_rate(rate).channels(channels).range(options.start, Some(end)),
                &RunCtl::default().with_cancel(ctl.cancel_token().clone()),
            )?;
            Some(decoded)
        }
        _ => None,
    };
    let audio_settings = audio.as_ref().map(|a| AudioEncodeSettings::new(a.sample_rate, a.channels));
    let mut writer = Mp4Writer::create(output, Some(&video_settings), audio_settings.as_ref())?;
    let mut audio_cursor = 0usize;
    let mut feed_audio = |writer: &mut Mp4Writer, until: f64| -> Result<()> {
        if let Some(a) = &audio {
            let ch = usize::from(a.channels);
            let upto = ((until.max(0.0) * f64::from(a.sample_rate)) as usize).saturating_mul(ch).min(a.samples.len());
            if upto > audio_cursor {
                writer.write_audio(&a.samples[audio_cursor..upto])?;
                audio_cursor = upto;
            }
        }
        Ok(())
    };

    let mut resizer = Resizer::default();
    let mut frames_written = 0u64;
    let mut emit_frame = |writer: &mut Mp4Writer, mut frame: RgbFrame, t: f64| -> Result<()> {
        if let Some(c) = composer.as_deref_mut() {
            frame = c.compose(&frame, options.start + t, out_w, out_h)?;
        }
        if let Some(c) = crop {
            frame = crop_frame(&frame, c);
        }
        if (frame.width, frame.height) != (out_w, out_h) {
            frame = resizer.resize(&frame, out_w, out_h)?;
        }
        frame.time = t;
        if let Some(h) = hook.as_deref_mut() {
            h.apply(&mut frame, t)?;
        }
        writer.write_video(&frame, t)
    };

    if info.video.is_some() {
        let frames = VideoFrames::open(input, VideoDecodeOptions::default().range(options.start, Some(end)))?;
        for frame in frames {
            ctl.check()?;
            let frame = frame?;
            let t = frame.time - options.start;
            feed_audio(&mut writer, t)?;
            emit_frame(&mut writer, frame, t)?;
            frames_written += 1;
            if frames_written % 30 == 0 {
                ctl.report(Stage::Export, t.min(span), Some(span), "seconds");
            }
        }
    } else {
        let n = (span * fps).ceil() as u64;
        for i in 0..n {
            ctl.check()?;
            let t = i as f64 / fps;
            feed_audio(&mut writer, t)?;
            emit_frame(&mut writer, RgbFrame::black(cropped.0, cropped.1, t), t)?;
            frames_written += 1;
            if i % 30 == 0 {
                ctl.report(Stage::Export, t, Some(span), "seconds");
            }
        }
    }
    if frames_written == 0 {
        return Err(Error::corrupt_media(input, format!("no video frames between {:.3} s and {end:.3} s", options.start)));
    }
    feed_audio(&mut writer, span + 1.0)?;
    ctl.report(Stage::Export, span, Some(span), "seconds");
    writer.finish()
}

fn even(v: u32) -> u32 {
    (v & !1).max(2)
}

fn clamp_crop(c: Crop, (w, h): (u32, u32)) -> Result<Crop> {
    if c.x >= w || c.y >= h {
        return Err(Error::invalid("crop", format!("origin {},{} lies outside the {w}x{h} frame", c.x, c.y)));
    }
    Ok(Crop { x: c.x, y: c.y, width: c.width.min(w - c.x), height: c.height.min(h - c.y) })
}

fn crop_frame(frame: &RgbFrame, c: Crop) -> RgbFrame {
    let c = Crop {
        x: c.x.min(frame.width.saturating_sub(1)),
        y: c.y.min(frame.height.saturating_sub(1)),
        width: c.width.min(frame.width - c.x.min(frame.width.saturating_sub(1))),
        height: c.height.min(frame.height - c.y.min(frame.height.saturating_sub(1))),
    };
    let mut data = Vec::with_capacity(c.width as usize * c.height as usize * 3);
    let row = frame.width as usize * 3;
    for y in c.y..c.y + c.height {
        let start = y as usize * row + c.x as usize * 3;
        data.extend_from_slice(&frame.data[start..start + c.width as usize * 3]);
    }
    RgbFrame { width: c.width, height: c.height, time: frame.time, data }
}

/// RGB24 resizing with swscale, reusing the context between frames.
#[derive(Default)]
pub(crate) struct Resizer {
    ctx: Option<(ff::software::scaling::Context, (u32, u32, u32, u32))>,
}

impl Resizer {
    pub(crate) fn resize(&mut self, frame: &RgbFrame, width: u32, height: u32) -> Result<RgbFrame> {
        let key = (frame.width, frame.height, width, height);
        if self.ctx.as_ref().map(|(_, k)| *k != key).unwrap_or(true) {
            let ctx = ff::software::scaling::Context::get(
                ff::format::Pixel::RGB24,
                frame.width,
                frame.height,
                ff::format::Pixel::RGB24,
                width,
                height,
                ff::software::scaling::Flags::BICUBIC,
            )
            .map_err(|e| Error::encode(format!("cannot scale frames: {e}")))?;
            self.ctx = Some((ctx, key));
        }
        let (ctx, _) = self.ctx.as_mut().expect("context set above");
        let mut src = ff::frame::Video::new(ff::format::Pixel::RGB24, frame.width, frame.height);
        let stride = src.stride(0);
        let row = frame.width as usize * 3;
        {
            let data = src.data_mut(0);
            for y in 0..frame.height as usize {
                data[y * stride..y * stride + row].copy_from_slice(&frame.data[y * row..(y + 1) * row]);
            }
        }
        let mut dst = ff::frame::Video::empty();
        ctx.run(&src, &mut dst).map_err(|e| Error::encode(format!("scaling failed: {e}")))?;
        let out_row = width as usize * 3;
        let out_stride = dst.stride(0);
        let mut data = Vec::with_capacity(out_row * height as usize);
        for y in 0..height as usize {
            data.extend_from_slice(&dst.data(0)[y * out_stride..y * out_stride + out_row]);
        }
        Ok(RgbFrame { width, height, time: frame.time, data })
    }
}
