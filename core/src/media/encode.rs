//! Encoding H.264 (libx264) + AAC into MP4 with faststart.

use std::path::{Path, PathBuf};

use ffmpeg_next as ff;
use serde::{Deserialize, Serialize};

use super::frame::RgbFrame;
use super::h264::{open_h264, ColorTags, Keyframes, H264};
use super::yuv::{RgbToYuv, YuvFrame};
use crate::error::{Error, Result};

/// H.264 encoder settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[non_exhaustive]
pub struct VideoEncodeSettings {
    /// Frame size; both sides must be even (4:2:0 chroma).
    pub width: u32,
    pub height: u32,
    /// Frame rate as a rational `num/den` (e.g. 30000/1001).
    pub fps_num: i32,
    pub fps_den: i32,
    /// x264 constant rate factor, 0..=51 (default 20).
    pub crf: u8,
    /// x264 preset name (default `veryfast`).
    pub preset: String,
    /// Encoder threads; 0 lets x264 pick.
    pub threads: usize,
}

impl VideoEncodeSettings {
    pub fn new(width: u32, height: u32, fps: f64) -> Self {
        let (fps_num, fps_den) = rational_fps(fps);
        Self { width, height, fps_num, fps_den, crf: 20, preset: "veryfast".into(), threads: 0 }
    }
    pub fn crf(mut self, crf: u8) -> Self {
        self.crf = crf;
        self
    }
    pub fn preset(mut self, preset: impl Into<String>) -> Self {
        self.preset = preset.into();
        self
    }
    pub fn fps(&self) -> f64 {
        f64::from(self.fps_num) / f64::from(self.fps_den)
    }

    pub fn validate(&self) -> Result<()> {
        if self.width == 0 || self.height == 0 || self.width % 2 == 1 || self.height % 2 == 1 {
            return Err(Error::invalid("size", format!("{}x{} (sides must be even and > 0)", self.width, self.height)));
        }
        if self.width > 8192 || self.height > 8192 {
            return Err(Error::invalid("size", format!("{}x{} exceeds 8192", self.width, self.height)));
        }
        if self.fps_num <= 0 || self.fps_den <= 0 || self.fps() > 240.0 {
            return Err(Error::invalid("fps", format!("{}/{} (expected 0 < fps <= 240)", self.fps_num, self.fps_den)));
        }
        if self.crf > 51 {
            return Err(Error::invalid("crf", format!("{} (x264 accepts 0..=51)", self.crf)));
        }
        const PRESETS: [&str; 10] =
            ["ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow", "slower", "veryslow", "placebo"];
        if !PRESETS.contains(&self.preset.as_str()) {
            return Err(Error::invalid("preset", format!("`{}` (one of {})", self.preset, PRESETS.join(", "))));
        }
        Ok(())
    }
}

/// Frame rates as exact rationals: NTSC rates map to n*1000/1001.
pub(crate) fn rational_fps(fps: f64) -> (i32, i32) {
    if !fps.is_finite() || fps <= 0.0 {
        return (25, 1);
    }
    for base in [24.0, 30.0, 60.0, 120.0] {
        if (fps - base * 1000.0 / 1001.0).abs() < 0.005 {
            return ((base * 1000.0) as i32, 1001);
        }
    }
    if (fps - fps.round()).abs() < 0.001 {
        return (fps.round() as i32, 1);
    }
    ((fps * 1000.0).round() as i32, 1000)
}

/// AAC encoder settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[non_exhaustive]
pub struct AudioEncodeSettings {
    pub sample_rate: u32,
    /// 1 or 2.
    pub channels: u16,
    /// Bits per second (default 160 000).
    pub bit_rate: usize,
}

impl AudioEncodeSettings {
    pub fn new(sample_rate: u32, channels: u16) -> Self {
        Self { sample_rate, channels, bit_rate: 160_000 }
    }
}

struct VideoTrack {
    encoder: ff::encoder::Video,
    stream: usize,
    time_base: ff::Rational,
    to_yuv: RgbToYuv,
    last_pts: Option<i64>,
    settings: VideoEncodeSettings,
}

struct AudioTrack {
    encoder: ff::encoder::Audio,
    stream: usize,
    time_base: ff::Rational,
    channels: usize,
    frame_size: usize,
    pending: Vec<f32>,
    written: i64,
}

/// Writes an MP4 with an H.264 video track and an optional AAC audio track.
///
/// The file is written under a temporary name and renamed into place by
/// [`Mp4Writer::finish`]; a writer dropped before that removes its partial
/// output, so a failed or cancelled export never leaves a truncated MP4.
pub struct Mp4Writer {
    octx: ff::format::context::Output,
    video: Option<VideoTrack>,
    audio: Option<AudioTrack>,
    partial: PathBuf,
    target: PathBuf,
    finished: bool,
}

impl Mp4Writer {
    /// Create `path` with the given tracks (at least one).
    pub fn create(
        path: impl AsRef<Path>,
        video: Option<&VideoEncodeSettings>,
        audio: Option<&AudioEncodeSettings>,
    ) -> Result<Self> {
        super::init();
        let target = path.as_ref().to_path_buf();
        if video.is_none() && audio.is_none() {
            return Err(Error::invalid("tracks", "an MP4 needs a video or an audio track"));
        }
        if let Some(v) = video {
            v.validate()?;
        }
        if let Some(a) = audio {
            if !(1..=2).contains(&a.channels) || !(8_000..=96_000).contains(&a.sample_rate) {
                return Err(Error::invalid(
                    "audio",
                    format!("{} Hz x {} channels (expected 8000..=96000 Hz, 1 or 2 channels)", a.sample_rate, a.channels),
                ));
            }
        }
        if let Some(parent) = target.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
        }
        let partial = partial_name(&target);
        let absolute = std::path::absolute(&partial).map_err(|e| Error::io(&partial, e))?;
        let url = format!("file:{}", absolute.display());
        let mut octx = ff::format::output_as(&url, "mp4")
            .map_err(|e| Error::encode(format!("cannot create {}: {e}", target.display())))?;
        let global_header = octx.format().flags().contains(ff::format::Flags::GLOBAL_HEADER);

        let video = video.map(|s| add_video(&mut octx, s)).transpose()?;
        let audio = audio.map(|s| add_audio(&mut octx, s, global_header)).transpose()?;

        let mut options = ff::Dictionary::new();
        options.set("movflags", "+faststart");
        octx.write_header_with(options)
            .map_err(|e| Error::encode(format!("cannot write MP4 header: {e}")))?;
        let mut writer = Self { octx, video, audio, partial, target, finished: false };
        // The muxer may change stream time bases while writing the header.
        if let Some(v) = writer.video.as_mut() {
            v.time_base = writer.octx.stream(v.stream).map(|s| s.time_base()).unwrap_or(v.time_base);
        }
        if let Some(a) = writer.audio.as_mut() {
            a.time_base = writer.octx.stream(a.stream).map(|s| s.time_base()).unwrap_or(a.time_base);
        }
        Ok(writer)
    }

    /// Encode one frame shown at `time` seconds from the start of the output.
    /// Frames whose time maps onto an already written frame slot are dropped,
    /// so variable-rate input becomes constant-rate output without drift.
    pub fn write_video(&mut self, frame: &RgbFrame, time: f64) -> Result<()> {
        let track = self.video.as_mut().ok_or_else(|| Error::invalid("video", "this writer has no video track"))?;
        check_size(track, frame.width, frame.height)?;
        let yuv = track.to_yuv.convert(frame)?;
        self.write_yuv(&yuv, time)
    }

    /// [`Mp4Writer::write_video`] for a frame already in 4:2:0 (BT.709).
    pub fn write_yuv(&mut self, frame: &YuvFrame, time: f64) -> Result<()> {
        let track = self.video.as_mut().ok_or_else(|| Error::invalid("video", "this writer has no video track"))?;
        check_size(track, frame.width, frame.height)?;
        let slot = time.max(0.0) * track.settings.fps();
        if !slot.is_finite() || slot > 1e12 {
            return Err(Error::invalid("time", format!("{time} s cannot be a frame time")));
        }
        let pts = slot.round() as i64;
        if track.last_pts.is_some_and(|last| pts <= last) {
            return Ok(());
        }
        track.last_pts = Some(pts);
        let mut yuv = ff::frame::Video::new(ff::format::Pixel::YUV420P, frame.width, frame.height);
        frame.write_into(&mut yuv);
        yuv.set_pts(Some(pts));
        track.encoder.send_frame(&yuv).map_err(|e| Error::encode(format!("H.264 encoder: {e}")))?;
        drain_video(&mut self.octx, track)
    }

    /// Append interleaved f32 samples (in the track's channel count).
    pub fn write_audio(&mut self, samples: &[f32]) -> Result<()> {
        let track = self.audio.as_mut().ok_or_else(|| Error::invalid("audio", "this writer has no audio track"))?;
        track.pending.extend_from_slice(samples);
        let chunk = track.frame_size * track.channels;
        while track.pending.len() >= chunk {
            let block: Vec<f32> = track.pending.drain(..chunk).collect();
            encode_audio_block(&mut self.octx, track, &block)?;
        }
        Ok(())
    }

    /// Flush the encoders, write the trailer and move the file into place.
    pub fn finish(mut self) -> Result<PathBuf> {
        if let Some(track) = self.audio.as_mut() {
            if !track.pending.is_empty() {
                let block = std::mem::take(&mut track.pending);
                encode_audio_block(&mut self.octx, track, &block)?;
            }
            track.encoder.send_eof().map_err(|e| Error::encode(format!("AAC encoder: {e}")))?;
            drain_audio(&mut self.octx, track)?;
        }
        if let Some(track) = self.video.as_mut() {
            track.encoder.send_eof().map_err(|e| Error::encode(format!("H.264 encoder: {e}")))?;
            drain_video(&mut self.octx, track)?;
        }
        self.octx.write_trailer().map_err(|e| Error::encode(format!("cannot finish MP4: {e}")))?;
        std::fs::rename(&self.partial, &self.target).map_err(|e| Error::io(&self.target, e))?;
        self.finished = true;
        Ok(self.target.clone())
    }
}

impl Drop for Mp4Writer {
    fn drop(&mut self) {
        if !self.finished {
            let _ = std::fs::remove_file(&self.partial);
        }
    }
}

fn partial_name(target: &Path) -> PathBuf {
    let mut name = target.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push(".partial");
    target.with_file_name(name)
}

fn check_size(track: &VideoTrack, width: u32, height: u32) -> Result<()> {
    let settings = &track.settings;
    if (width, height) != (settings.width, settings.height) {
        return Err(Error::invalid(
            "frame",
            format!("{width}x{height} frame for a {}x{} track", settings.width, settings.height),
        ));
    }
    Ok(())
}

fn add_video(octx: &mut ff::format::context::Output, settings: &VideoEncodeSettings) -> Result<VideoTrack> {
    let time_base = ff::Rational::new(settings.fps_den, settings.fps_num);
    let frame_rate = ff::Rational::new(settings.fps_num, settings.fps_den);
    let encoder = open_h264(&H264 {
        width: settings.width,
        height: settings.height,
        preset: settings.preset.clone(),
        crf: settings.crf,
        threads: settings.threads,
        frame_rate,
        time_base,
        keyframes: Keyframes::Encoder,
        color: Some(ColorTags::BT709),
    })?;
    let mut stream = octx
        .add_stream(ff::codec::Id::H264)
        .map_err(|e| Error::encode(format!("cannot add video stream: {e}")))?;
    stream.set_parameters(&encoder);
    stream.set_time_base(time_base);
    stream.set_avg_frame_rate(frame_rate);
    let stream_index = stream.index();
    Ok(VideoTrack {
        encoder,
        stream: stream_index,
        time_base,
        to_yuv: RgbToYuv::default(),
        last_pts: None,
        settings: settings.clone(),
    })
}

fn add_audio(
    octx: &mut ff::format::context::Output,
    settings: &AudioEncodeSettings,
    global_header: bool,
) -> Result<AudioTrack> {
    let encoder = open_aac(settings.sample_rate, settings.channels, settings.bit_rate, global_header)?;
    let stream_index = add_encoded_stream(octx, &encoder)?;
    let time_base = ff::Rational::new(1, settings.sample_rate as i32);
    let frame_size = (encoder.frame_size() as usize).max(1);
    Ok(AudioTrack {
        encoder,
        stream: stream_index,
        time_base,
        channels: usize::from(settings.channels),
        frame_size,
        pending: Vec::new(),
        written: 0,
    })
}

fn encode_audio_block(octx: &mut ff::format::context::Output, track: &mut AudioTrack, block: &[f32]) -> Result<()> {
    let frames = block.len() / track.channels;
    if frames == 0 {
        return Ok(());
    }
    let layout = if track.channels == 1 { ff::ChannelLayout::MONO } else { ff::ChannelLayout::STEREO };
    let mut frame = ff::frame::Audio::new(ff::format::Sample::F32(ff::format::sample::Type::Planar), frames, layout);
    frame.set_rate(track.encoder.rate());
    for ch in 0..track.channels {
        let plane = frame.plane_mut::<f32>(ch);
        for (i, sample) in plane.iter_mut().enumerate().take(frames) {
            *sample = block[i * track.channels + ch];
        }
    }
    frame.set_pts(Some(track.written));
    track.written += frames as i64;
    track.encoder.send_frame(&frame).map_err(|e| Error::encode(format!("AAC encoder: {e}")))?;
    drain_audio(octx, track)
}

fn drain_video(octx: &mut ff::format::context::Output, track: &mut VideoTrack) -> Result<()> {
    let mut packet = ff::Packet::empty();
    let encoder_tb = ff::Rational::new(track.settings.fps_den, track.settings.fps_num);
    while track.encoder.receive_packet(&mut packet).is_ok() {
        packet.set_stream(track.stream);
        packet.rescale_ts(encoder_tb, track.time_base);
        packet
            .write_interleaved(octx)
            .map_err(|e| Error::encode(format!("cannot write video packet: {e}")))?;
    }
    Ok(())
}

fn drain_audio(octx: &mut ff::format::context::Output, track: &mut AudioTrack) -> Result<()> {
    let mut packet = ff::Packet::empty();
    let encoder_tb = ff::Rational::new(1, track.encoder.rate() as i32);
    while track.encoder.receive_packet(&mut packet).is_ok() {
        packet.set_stream(track.stream);
        packet.rescale_ts(encoder_tb, track.time_base);
        packet
            .write_interleaved(octx)
            .map_err(|e| Error::encode(format!("cannot write audio packet: {e}")))?;
    }
    Ok(())
}


/// FFmpeg's AAC-LC encoder, opened for planar float input at `rate` Hz, mono
/// or stereo, with time base 1/`rate`. `global_header` for containers that
/// keep codec headers out of band (MP4, fMP4).
pub(crate) fn open_aac(rate: u32, channels: u16, bit_rate: usize, global_header: bool) -> Result<ff::encoder::Audio> {
    let codec = ff::encoder::find(ff::codec::Id::AAC).ok_or_else(|| Error::encode("no AAC encoder"))?;
    let mut enc = ff::codec::Context::new_with_codec(codec)
        .encoder()
        .audio()
        .map_err(|e| Error::encode(format!("cannot create the AAC encoder: {e}")))?;
    enc.set_rate(rate as i32);
    enc.set_channel_layout(channel_layout(channels));
    enc.set_format(ff::format::Sample::F32(ff::format::sample::Type::Planar));
    enc.set_bit_rate(bit_rate);
    enc.set_time_base(ff::Rational::new(1, rate as i32));
    if global_header {
        enc.set_flags(ff::codec::Flags::GLOBAL_HEADER);
    }
    enc.open_as(codec).map_err(|e| Error::encode(format!("cannot open the AAC encoder: {e}")))
}

/// A new output stream carrying what `encoder` makes; returns its index.
pub(crate) fn add_encoded_stream(octx: &mut ff::format::context::Output, encoder: &ff::encoder::Audio) -> Result<usize> {
    let mut stream = octx
        .add_stream(ff::codec::Id::AAC)
        .map_err(|e| Error::encode(format!("cannot add audio stream: {e}")))?;
    stream.set_parameters(encoder);
    stream.set_time_base(ff::Rational::new(1, encoder.rate() as i32));
    Ok(stream.index())
}

/// Mono for one channel, stereo otherwise.
pub(crate) fn channel_layout(channels: u16) -> ff::ChannelLayout {
    if channels == 1 {
        ff::ChannelLayout::MONO
    } else {
        ff::ChannelLayout::STEREO
    }
}

#[cfg(test)]
mod tests {
    use super::rational_fps;

    #[test]
    fn ntsc_rates_are_exact() {
        assert_eq!(rational_fps(29.97), (30000, 1001));
        assert_eq!(rational_fps(23.976), (24000, 1001));
        assert_eq!(rational_fps(25.0), (25, 1));
        assert_eq!(rational_fps(12.5), (12500, 1000));
        assert_eq!(rational_fps(f64::NAN), (25, 1));
    }
}
