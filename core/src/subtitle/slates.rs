//! A brand kit's intro and outro slates as frames, made while they are
//! encoded (a still repeated, a video resampled to the output frame rate and
//! its last frame held), never all held in memory.

use std::path::Path;

use super::brand::{image_slate, slate_is_image, BrandKit, Slate};
use crate::error::{Error, Result};
use crate::media::{Bookend, RgbFrame, RgbToYuv, VideoDecodeOptions, VideoFrames, YuvFrame};

/// Frames a slate lasts at `frame_dt` seconds per frame (at least one).
pub(crate) fn slate_frame_count(slate: &Slate, frame_dt: f64) -> usize {
    let n = (slate.duration / frame_dt).round();
    if n.is_finite() && n >= 1.0 {
        n.min(1e7) as usize
    } else {
        1
    }
}

/// The slate of `kit` as a bookend of `width` x `height` frames.
pub(crate) fn slate_bookend(kit: &BrandKit, slate: &Slate, width: u32, height: u32, frame_dt: f64) -> Result<Bookend> {
    let path = kit.resolve(&slate.media);
    let count = slate_frame_count(slate, frame_dt);
    let frames: Box<dyn Iterator<Item = Result<YuvFrame>>> = if slate_is_image(&path) {
        let frame = YuvFrame::from_rgb(&image_slate(&path, width, height)?)?;
        Box::new(std::iter::repeat_n(frame, count).map(Ok))
    } else {
        Box::new(VideoSlate::open(&path, slate, width, height, frame_dt, count)?)
    };
    Ok(Bookend { frames, count, crossfade: slate.crossfade.max(0.0) })
}

/// A video slate resampled to the output frame rate.
struct VideoSlate {
    frames: VideoFrames,
    path: std::path::PathBuf,
    to_yuv: RgbToYuv,
    frame_dt: f64,
    count: usize,
    emitted: usize,
    /// The latest decoded frame (converted), shown until a later one starts.
    current: Option<YuvFrame>,
    /// A decoded frame that starts after the slot being filled.
    next: Option<(RgbFrame, f64)>,
    ended: bool,
}

impl VideoSlate {
    fn open(path: &Path, slate: &Slate, width: u32, height: u32, frame_dt: f64, count: usize) -> Result<Self> {
        let frames = VideoFrames::open(path, VideoDecodeOptions::default().size(width, height).range(0.0, Some(slate.duration)))?;
        Ok(Self {
            frames,
            path: path.to_path_buf(),
            to_yuv: RgbToYuv::default(),
            frame_dt,
            count,
            emitted: 0,
            current: None,
            next: None,
            ended: false,
        })
    }

    fn frame_for_slot(&mut self) -> Result<YuvFrame> {
        let slot_time = self.emitted as f64 * self.frame_dt + 1e-6;
        loop {
            if let Some((frame, t)) = self.next.take() {
                if t <= slot_time || self.current.is_none() {
                    self.current = Some(self.to_yuv.convert(&frame)?);
                } else {
                    self.next = Some((frame, t));
                    break;
                }
            }
            if self.ended {
                break;
            }
            match self.frames.next() {
                Some(frame) => {
                    let frame = frame?;
                    let t = frame.time;
                    self.next = Some((frame, t));
                }
                None => self.ended = true,
            }
        }
        self.current.clone().ok_or_else(|| Error::corrupt_media(&self.path, "slate has no video frame"))
    }
}

impl Iterator for VideoSlate {
    type Item = Result<YuvFrame>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.emitted >= self.count {
            return None;
        }
        let frame = self.frame_for_slot();
        self.emitted += 1;
        if frame.is_err() {
            self.emitted = self.count;
        }
        Some(frame)
    }
}
