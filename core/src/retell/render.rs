//! Rendering the retell once: every output frame is taken from the shot(s)
//! active at its time — decoded at output size, only the used ranges —
//! blended across each cross-fade, captions drawn on top, and encoded with
//! the finished mix into one H.264 + AAC file.

use std::path::Path;

use super::script::ScriptShot;
use crate::error::{Error, Result};
use crate::media::{AudioBuffer, AudioEncodeSettings, Mp4Writer, RgbFrame, VideoDecodeOptions, VideoEncodeSettings, VideoFrames};
use crate::progress::{RunCtl, Stage};
use crate::subtitle::SubtitleBurner;

/// The output picture.
#[derive(Debug, Clone)]
pub struct Picture {
    pub width: u32,
    pub height: u32,
    pub fps: f64,
    pub crf: u8,
    pub preset: String,
    /// Whether the input has video (else black frames).
    pub has_video: bool,
}

/// Output size: the source's, its long side at most `max_long_side`, even.
pub fn output_size(width: u32, height: u32, max_long_side: u32) -> (u32, u32) {
    let long = width.max(height).max(1);
    let scale = (f64::from(max_long_side) / f64::from(long)).min(1.0);
    let even = |v: f64| ((v.round() as u32) & !1).max(2);
    (even(f64::from(width) * scale), even(f64::from(height) * scale))
}

/// Frames of one shot, read in order.
struct ShotReader {
    frames: VideoFrames,
    current: Option<RgbFrame>,
    next: Option<RgbFrame>,
}

impl ShotReader {
    fn open(input: &Path, shot: &ScriptShot, picture: &Picture) -> Result<Self> {
        let options = VideoDecodeOptions::default()
            .size(picture.width, picture.height)
            .range(shot.source_start, Some(shot.source_end + 0.5))
            .threads(0);
        let mut frames = VideoFrames::open(input, options)?;
        let next = frames.next().transpose()?;
        Ok(Self { frames, current: None, next })
    }

    /// The frame showing at `time` (source seconds): the last one at or
    /// before it, else the first one there is.
    fn at(&mut self, time: f64) -> Result<Option<&RgbFrame>> {
        while self.next.as_ref().is_some_and(|n| n.time <= time + 1e-3 || self.current.is_none()) {
            self.current = self.next.take();
            self.next = self.frames.next().transpose()?;
        }
        Ok(self.current.as_ref())
    }
}

/// Blend `b` over `a` by `alpha` (0: all `a`).
fn blend(a: &RgbFrame, b: &RgbFrame, alpha: f64) -> RgbFrame {
    let w = (alpha.clamp(0.0, 1.0) * 256.0) as u32;
    let data = a.data.iter().zip(&b.data).map(|(x, y)| ((u32::from(*x) * (256 - w) + u32::from(*y) * w) >> 8) as u8).collect();
    RgbFrame { width: a.width, height: a.height, time: a.time, data }
}

/// Render `shots` of `input` with `audio` and `burner`'s captions into `output`.
pub fn render(
    input: &Path,
    output: &Path,
    shots: &[ScriptShot],
    audio: &AudioBuffer,
    picture: &Picture,
    mut burner: Option<&mut SubtitleBurner>,
    ctl: &RunCtl,
) -> Result<()> {
    let total = shots.iter().map(|s| s.end).fold(0.0, f64::max).max(audio.duration());
    let video = VideoEncodeSettings::new(picture.width, picture.height, picture.fps).crf(picture.crf).preset(picture.preset.clone());
    let sound = AudioEncodeSettings::new(audio.sample_rate, audio.channels);
    let mut writer = Mp4Writer::create(output, Some(&video), Some(&sound))?;
    let ch = usize::from(audio.channels.max(1));
    let mut audio_at = 0usize;
    let frames = (total * picture.fps).round() as usize;
    let mut readers: Vec<Option<ShotReader>> = (0..shots.len()).map(|_| None).collect();
    let mut first_active = 0usize;
    let mut to_yuv = crate::media::RgbToYuv::default();
    for n in 0..frames {
        ctl.check()?;
        let t = n as f64 / picture.fps;
        let upto = (((t + 1.0 / picture.fps) * f64::from(audio.sample_rate)) as usize * ch).min(audio.samples.len());
        if upto > audio_at {
            writer.write_audio(&audio.samples[audio_at..upto])?;
            audio_at = upto;
        }
        // Shots are in timeline order: drop the ones that are over.
        while first_active < shots.len() && shots[first_active].end <= t && first_active + 1 < shots.len() {
            readers[first_active] = None;
            first_active += 1;
        }
        let active: Vec<usize> = (first_active..shots.len()).take_while(|k| shots[*k].start <= t).filter(|k| shots[*k].end > t || *k + 1 == shots.len()).collect();
        let mut frame = match picture.has_video {
            true => compose(input, shots, &active, &mut readers, picture, t)?,
            false => None,
        }
        .unwrap_or_else(|| RgbFrame::black(picture.width, picture.height, t));
        frame.time = t;
        let mut yuv = to_yuv.convert(&frame)?;
        if let Some(b) = burner.as_deref_mut() {
            b.burn(&mut yuv, t)?;
        }
        writer.write_yuv(&yuv, t)?;
        if n % 25 == 0 {
            ctl.report(Stage::Render, t, Some(total), "seconds");
        }
    }
    if audio_at < audio.samples.len() {
        writer.write_audio(&audio.samples[audio_at..])?;
    }
    if frames == 0 {
        return Err(Error::invalid("minutes", "nothing to render"));
    }
    writer.finish()?;
    ctl.report(Stage::Render, total, Some(total), "seconds");
    Ok(())
}

/// The picture at `t` from the active shots (two during a cross-fade).
fn compose(
    input: &Path,
    shots: &[ScriptShot],
    active: &[usize],
    readers: &mut [Option<ShotReader>],
    picture: &Picture,
    t: f64,
) -> Result<Option<RgbFrame>> {
    let mut layers: Vec<(RgbFrame, usize)> = Vec::with_capacity(2);
    for &k in active.iter().rev().take(2).rev() {
        let shot = &shots[k];
        if readers[k].is_none() {
            readers[k] = Some(ShotReader::open(input, shot, picture)?);
        }
        let source_time = shot.source_start + (t - shot.start);
        if let Some(reader) = readers[k].as_mut() {
            if let Some(f) = reader.at(source_time)? {
                if (f.width, f.height) == (picture.width, picture.height) {
                    layers.push((f.clone(), k));
                }
            }
        }
    }
    let mut layers = layers.into_iter();
    Ok(match (layers.next(), layers.next()) {
        (None, _) => None,
        (Some((f, _)), None) => Some(f),
        (Some((a, ka)), Some((b, kb))) => {
            let fade = (shots[ka].end - shots[kb].start).max(1e-6);
            Some(blend(&a, &b, (t - shots[kb].start) / fade))
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_and_blends() {
        assert_eq!(output_size(1920, 1080, 1280), (1280, 720));
        assert_eq!(output_size(320, 240, 1280), (320, 240));
        assert_eq!(output_size(1081, 1921, 640), (360, 640));
        let a = RgbFrame { width: 1, height: 1, time: 0.0, data: vec![0, 100, 200] };
        let b = RgbFrame { width: 1, height: 1, time: 0.0, data: vec![200, 100, 0] };
        assert_eq!(blend(&a, &b, 0.5).data, vec![100, 100, 100]);
        assert_eq!(blend(&a, &b, 0.0).data, a.data);
    }
}
