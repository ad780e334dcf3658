//! Stills from the shared decoded frames: thumbnails at evenly spaced
//! times, and sprite sheets with a WebVTT track that maps every span of the
//! timeline to its tile.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::sync::mpsc::Receiver;
use std::sync::Arc;

use ffmpeg_next as ff;
use serde::{Deserialize, Serialize};

use super::encoders::Jpeg;
use super::scale::Scaler;
use super::video::VideoItem;
use super::Abort;
use crate::error::{Error, Result};

/// Name of the WebVTT thumbnail track in the sprite directory.
pub const SPRITE_VTT: &str = "thumbnails.vtt";

/// One still on disk.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Still {
    /// Time of the frame shown, in seconds.
    pub time: f64,
    /// File name inside the output directory.
    pub file: String,
}

/// Thumbnails to take.
pub(crate) struct ThumbnailJob {
    pub dir: PathBuf,
    pub times: Vec<f64>,
    pub width: u32,
    pub height: u32,
    pub scaler: Scaler,
    pub jpeg: Jpeg,
}

/// Sprite sheets to fill.
pub(crate) struct SpriteJob {
    pub dir: PathBuf,
    pub interval: f64,
    pub tile: (u32, u32),
    pub columns: u32,
    pub rows: u32,
    pub quality: u8,
    pub scaler: Scaler,
}

/// What the sprite job made.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct SpriteDone {
    pub sheets: Vec<String>,
    pub tiles: usize,
}

pub(crate) struct ImagesDone {
    pub thumbnails: Vec<Still>,
    pub sprite: Option<SpriteDone>,
}

/// Take thumbnails and tiles from `frames` until the sender hangs up.
pub(crate) fn run(
    mut thumbnails: Option<ThumbnailJob>,
    sprite: Option<SpriteJob>,
    frames: Receiver<VideoItem>,
    abort: &Abort,
) -> Result<ImagesDone> {
    let mut stills = Vec::new();
    let mut sheets = sprite.map(Sheets::new);
    let mut last: Option<VideoItem> = None;
    for item in frames.iter() {
        abort.check()?;
        let time = item.time();
        if let Some(job) = thumbnails.as_mut() {
            while stills.len() < job.times.len() && time + 1e-6 >= job.times[stills.len()] {
                let index = stills.len();
                stills.push(take_thumbnail(job, &item.frame, index, time)?);
            }
        }
        if let Some(sheets) = sheets.as_mut() {
            sheets.take(&item)?;
        }
        last = Some(item);
    }
    abort.check()?;
    // Times past the last frame (a duration longer than the video) show it.
    if let (Some(job), Some(item)) = (thumbnails.as_mut(), last.as_ref()) {
        while stills.len() < job.times.len() {
            let index = stills.len();
            stills.push(take_thumbnail(job, &item.frame, index, item.time())?);
        }
    }
    let end = last.as_ref().map(|i| i.time() + i.duration as f64 / 90_000.0).unwrap_or(0.0);
    let sprite = sheets.map(|s| s.finish(end)).transpose()?;
    Ok(ImagesDone { thumbnails: stills, sprite })
}

fn take_thumbnail(job: &mut ThumbnailJob, frame: &Arc<ff::frame::Video>, index: usize, time: f64) -> Result<Still> {
    let mut picture = scale_one(&mut job.scaler, frame)?;
    let bytes = job.jpeg.encode(&mut picture)?;
    let file = format!("thumb-{:04}.jpg", index + 1);
    let path = job.dir.join(&file);
    std::fs::write(&path, bytes).map_err(|e| Error::io(&path, e))?;
    Ok(Still { time, file })
}

/// Scale one frame through a scaler that is used one frame at a time.
fn scale_one(scaler: &mut Scaler, frame: &ff::frame::Video) -> Result<ff::frame::Video> {
    scaler.push(frame)?;
    scaler.pull().ok_or_else(|| Error::encode("the scaler returned no picture"))
}

/// Sprite sheets being filled.
struct Sheets {
    job: SpriteJob,
    sheet: Option<ff::frame::Video>,
    /// Tiles made so far; tile `k` shows the span from `k * interval`.
    tiles: usize,
    files: Vec<String>,
    /// Start time, sheet file and position of every tile.
    cues: Vec<(f64, String, u32, u32)>,
}

impl Sheets {
    fn new(job: SpriteJob) -> Self {
        Self { job, sheet: None, tiles: 0, files: Vec::new(), cues: Vec::new() }
    }

    fn per_sheet(&self) -> usize {
        (self.job.columns * self.job.rows) as usize
    }

    /// Make every tile whose span starts at or before this frame.
    fn take(&mut self, item: &VideoItem) -> Result<()> {
        let time = item.time();
        let mut tile: Option<ff::frame::Video> = None;
        while time + 1e-6 >= self.tiles as f64 * self.job.interval {
            if tile.is_none() {
                tile = Some(scale_one(&mut self.job.scaler, &item.frame)?);
            }
            self.place(tile.as_ref().expect("scaled above"))?;
        }
        Ok(())
    }

    fn place(&mut self, tile: &ff::frame::Video) -> Result<()> {
        let (tw, th) = self.job.tile;
        let slot = self.tiles % self.per_sheet();
        if slot == 0 {
            self.sheet = Some(blank_sheet(tw * self.job.columns, th * self.job.rows));
        }
        let sheet = self.sheet.as_mut().expect("sheet started above");
        let (x, y) = ((slot as u32 % self.job.columns) * tw, (slot as u32 / self.job.columns) * th);
        blit(tile, sheet, x, y);
        let file = format!("sprite-{:03}.jpg", self.tiles / self.per_sheet() + 1);
        self.cues.push((self.tiles as f64 * self.job.interval, file, x, y));
        self.tiles += 1;
        if self.tiles % self.per_sheet() == 0 {
            self.write_sheet()?;
        }
        Ok(())
    }

    /// Encode the current sheet, cropped to the rows it uses.
    fn write_sheet(&mut self) -> Result<()> {
        let Some(sheet) = self.sheet.take() else { return Ok(()) };
        let used = match self.tiles % self.per_sheet() {
            0 => self.per_sheet(),
            n => n,
        } as u32;
        let rows = used.div_ceil(self.job.columns);
        let height = rows * self.job.tile.1;
        let mut picture = if height == sheet.height() { sheet } else { crop_rows(&sheet, height) };
        let mut jpeg = Jpeg::new(picture.width(), picture.height(), self.job.quality)?;
        let bytes = jpeg.encode(&mut picture)?;
        let file = format!("sprite-{:03}.jpg", self.files.len() + 1);
        let path = self.job.dir.join(&file);
        std::fs::write(&path, bytes).map_err(|e| Error::io(&path, e))?;
        self.files.push(file);
        Ok(())
    }

    fn finish(mut self, end: f64) -> Result<SpriteDone> {
        self.write_sheet()?;
        let path = self.job.dir.join(SPRITE_VTT);
        std::fs::write(&path, vtt(&self.cues, self.job.interval, self.job.tile, end)).map_err(|e| Error::io(&path, e))?;
        Ok(SpriteDone { sheets: self.files, tiles: self.tiles })
    }
}

/// The WebVTT thumbnail track: each tile's span, the last ending with the
/// video.
fn vtt(cues: &[(f64, String, u32, u32)], interval: f64, (tw, th): (u32, u32), end: f64) -> String {
    let mut out = String::from("WEBVTT\n");
    for (i, (start, file, x, y)) in cues.iter().enumerate() {
        let stop = if i + 1 == cues.len() { end.clamp(start + 0.001, start + interval) } else { start + interval };
        let _ = write!(out, "\n{} --> {}\n{file}#xywh={x},{y},{tw},{th}\n", timestamp(*start), timestamp(stop));
    }
    out
}

/// A black full-range 4:2:0 picture.
fn blank_sheet(width: u32, height: u32) -> ff::frame::Video {
    let mut sheet = ff::frame::Video::new(ff::format::Pixel::YUVJ420P, width, height);
    sheet.data_mut(0).fill(0);
    sheet.data_mut(1).fill(128);
    sheet.data_mut(2).fill(128);
    sheet
}

/// Copy `tile` into `sheet` at (`x`, `y`); all even, so chroma lines up.
fn blit(tile: &ff::frame::Video, sheet: &mut ff::frame::Video, x: u32, y: u32) {
    for plane in 0..3 {
        let shift = u32::from(plane > 0);
        let (w, h) = ((tile.width() >> shift) as usize, (tile.height() >> shift) as usize);
        let (px, py) = ((x >> shift) as usize, (y >> shift) as usize);
        let (src_stride, dst_stride) = (tile.stride(plane), sheet.stride(plane));
        let src = tile.data(plane);
        let dst = sheet.data_mut(plane);
        for row in 0..h {
            let from = row * src_stride;
            let to = (py + row) * dst_stride + px;
            dst[to..to + w].copy_from_slice(&src[from..from + w]);
        }
    }
}

/// The top `height` rows of `sheet` as a new picture.
fn crop_rows(sheet: &ff::frame::Video, height: u32) -> ff::frame::Video {
    let mut out = ff::frame::Video::new(sheet.format(), sheet.width(), height);
    for plane in 0..3 {
        let shift = u32::from(plane > 0);
        let (w, h) = ((sheet.width() >> shift) as usize, (height >> shift) as usize);
        let (src_stride, dst_stride) = (sheet.stride(plane), out.stride(plane));
        let src = sheet.data(plane);
        let dst = out.data_mut(plane);
        for row in 0..h {
            dst[row * dst_stride..row * dst_stride + w].copy_from_slice(&src[row * src_stride..row * src_stride + w]);
        }
    }
    out
}

/// `HH:MM:SS.mmm`
fn timestamp(seconds: f64) -> String {
    let ms = (seconds.max(0.0) * 1000.0).round() as u64;
    format!("{:02}:{:02}:{:02}.{:03}", ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60, ms % 1000)
}

/// The thumbnail times: the middles of `count` equal spans of `duration`.
pub(crate) fn thumbnail_times(duration: f64, count: usize) -> Vec<f64> {
    let duration = duration.max(0.0);
    (0..count).map(|i| duration * (i as f64 + 0.5) / count as f64).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_spread_evenly() {
        assert_eq!(thumbnail_times(10.0, 4), vec![1.25, 3.75, 6.25, 8.75]);
        assert_eq!(timestamp(3723.0456), "01:02:03.046");
    }

    #[test]
    fn the_track_ends_with_the_video() {
        let cues = vec![(0.0, "sprite-001.jpg".to_owned(), 0, 0), (2.0, "sprite-001.jpg".to_owned(), 160, 0)];
        let text = vtt(&cues, 2.0, (160, 90), 3.5);
        assert_eq!(
            text,
            "WEBVTT\n\n00:00:00.000 --> 00:00:02.000\nsprite-001.jpg#xywh=0,0,160,90\n\n\
             00:00:02.000 --> 00:00:03.500\nsprite-001.jpg#xywh=160,0,160,90\n"
        );
    }

    #[test]
    fn tiles_land_where_the_cues_say() {
        crate::media::init();
        let mut tile = ff::frame::Video::new(ff::format::Pixel::YUVJ420P, 4, 2);
        tile.data_mut(0).fill(200);
        tile.data_mut(1).fill(10);
        tile.data_mut(2).fill(20);
        let mut sheet = blank_sheet(8, 4);
        blit(&tile, &mut sheet, 4, 2);
        let luma = |x: usize, y: usize| sheet.data(0)[y * sheet.stride(0) + x];
        assert_eq!((luma(3, 2), luma(4, 2), luma(7, 3), luma(4, 1)), (0, 200, 200, 0));
        assert_eq!(sheet.data(1)[sheet.stride(1) + 2], 10);
        let cropped = crop_rows(&sheet, 2);
        assert_eq!((cropped.width(), cropped.height()), (8, 2));
        assert_eq!(cropped.data(0)[4], 0);
    }
}
