//! Probing: what a media file contains.

use std::path::Path;

use ffmpeg_next as ff;
use serde::{Deserialize, Serialize};

use super::input::{open_input, seconds};
use crate::error::{Error, Result};

/// What kind of elementary stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum StreamKind {
    Video,
    Audio,
    Subtitle,
    Data,
    Attachment,
    Unknown,
}

/// One stream of the container.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct StreamInfo {
    pub index: usize,
    pub kind: StreamKind,
    /// Codec short name (`h264`, `aac`, `subrip`...).
    pub codec: String,
    /// Stream duration in seconds, when the container states it.
    pub duration: Option<f64>,
    /// ISO 639 language tag from the stream metadata.
    pub language: Option<String>,
}

/// The primary video stream.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct VideoInfo {
    pub stream_index: usize,
    pub codec: String,
    /// Coded width and height, before rotation.
    pub width: u32,
    pub height: u32,
    /// Width and height as displayed, after rotation.
    pub display_width: u32,
    pub display_height: u32,
    /// Average frame rate in frames per second (0 when unknown).
    pub fps: f64,
    /// Clockwise rotation to apply for display: 0, 90, 180 or 270.
    pub rotation: i32,
    pub pixel_format: String,
    /// Frame count when the container states it.
    pub frames: Option<u64>,
}

/// The primary audio stream.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct AudioInfo {
    pub stream_index: usize,
    pub codec: String,
    pub sample_rate: u32,
    pub channels: u32,
    pub sample_format: String,
}

/// Everything [`probe`] learns about a file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct MediaInfo {
    pub path: String,
    /// Container short name(s), e.g. `mov,mp4,m4a,3gp,3g2,mj2`.
    pub container: String,
    /// Human-readable container name.
    pub container_long: String,
    /// Duration in seconds (0 when unknown).
    pub duration: f64,
    /// Overall bit rate in bits per second (0 when unknown).
    pub bit_rate: u64,
    pub size_bytes: u64,
    pub streams: Vec<StreamInfo>,
    pub video: Option<VideoInfo>,
    pub audio: Option<AudioInfo>,
}

impl MediaInfo {
    pub fn has_video(&self) -> bool {
        self.video.is_some()
    }

    pub fn has_audio(&self) -> bool {
        self.audio.is_some()
    }
}

/// Read container, streams, codecs, duration, frame rate, size, rotation and
/// audio format of `path`.
///
/// Fails with a typed error for missing, empty, non-media, damaged and
/// stream-less files.
pub fn probe(path: impl AsRef<Path>) -> Result<MediaInfo> {
    let path = path.as_ref();
    let ctx = open_input(path)?;
    let size_bytes = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);

    let mut streams = Vec::new();
    for stream in ctx.streams() {
        let params = stream.parameters();
        let kind = match params.medium() {
            ff::media::Type::Video => StreamKind::Video,
            ff::media::Type::Audio => StreamKind::Audio,
            ff::media::Type::Subtitle => StreamKind::Subtitle,
            ff::media::Type::Data => StreamKind::Data,
            ff::media::Type::Attachment => StreamKind::Attachment,
            _ => StreamKind::Unknown,
        };
        // Cover art is stored as a one-frame video stream; it is not video.
        let kind = if kind == StreamKind::Video && is_attached_picture(&stream) {
            StreamKind::Attachment
        } else {
            kind
        };
        let duration = (stream.duration() > 0).then(|| seconds(stream.duration(), stream.time_base()));
        streams.push(StreamInfo {
            index: stream.index(),
            kind,
            codec: codec_name(params.id()),
            duration,
            language: stream.metadata().get("language").map(str::to_owned),
        });
    }
    if streams.iter().all(|s| !matches!(s.kind, StreamKind::Video | StreamKind::Audio)) {
        return Err(Error::missing_stream(path, "audio or video"));
    }
    if let Some(needed) = indexed_data_end(&ctx) {
        if needed > size_bytes {
            return Err(Error::corrupt_media(path, format!("truncated: the index points {needed} bytes in but the file has {size_bytes}")));
        }
    }

    let video = best_stream(&ctx, ff::media::Type::Video)
        .filter(|s| !is_attached_picture(s))
        .map(|s| video_info(&s))
        .transpose()?;
    let audio = best_stream(&ctx, ff::media::Type::Audio).map(|s| audio_info(&s)).transpose()?;

    let mut duration = if ctx.duration() > 0 {
        ctx.duration() as f64 / f64::from(ff::ffi::AV_TIME_BASE)
    } else {
        0.0
    };
    if duration <= 0.0 {
        duration = streams.iter().filter_map(|s| s.duration).fold(0.0, f64::max);
    }

    Ok(MediaInfo {
        path: path.display().to_string(),
        container: ctx.format().name().to_owned(),
        container_long: ctx.format().description().to_owned(),
        duration,
        bit_rate: ctx.bit_rate().max(0) as u64,
        size_bytes,
        streams,
        video,
        audio,
    })
}

/// The furthest byte the container's sample index refers to, for formats
/// that index every sample up front (MP4/MOV, Matroska with cues...). A file
/// shorter than that was cut off.
fn indexed_data_end(ctx: &ff::format::context::Input) -> Option<u64> {
    let mut end: Option<u64> = None;
    for stream in ctx.streams() {
        // SAFETY: the stream pointer is valid while `ctx` lives; the index
        // functions only read the stream's index table.
        unsafe {
            let st = stream.as_ptr() as *mut ff::ffi::AVStream;
            let count = ff::ffi::avformat_index_get_entries_count(st);
            if count <= 0 {
                continue;
            }
            let entry = ff::ffi::avformat_index_get_entry(st, count - 1);
            if entry.is_null() || (*entry).pos < 0 {
                continue;
            }
            let last = (*entry).pos as u64 + u64::from((*entry).size() as u32);
            end = Some(end.map_or(last, |e| e.max(last)));
        }
    }
    end
}

pub(crate) fn best_stream(
    ctx: &ff::format::context::Input,
    kind: ff::media::Type,
) -> Option<ff::format::stream::Stream<'_>> {
    ctx.streams().best(kind)
}

pub(crate) fn is_attached_picture(stream: &ff::format::stream::Stream) -> bool {
    stream.disposition().contains(ff::format::stream::Disposition::ATTACHED_PIC)
}

fn codec_name(id: ff::codec::Id) -> String {
    // SAFETY: avcodec_get_name returns a static string for every id.
    let name = unsafe { std::ffi::CStr::from_ptr(ff::ffi::avcodec_get_name(id.into())) };
    name.to_string_lossy().into_owned()
}

fn video_info(stream: &ff::format::stream::Stream) -> Result<VideoInfo> {
    // The codec parameters carry all we need; no decoder has to be opened.
    let (width, height, format) = {
        // SAFETY: reading plain fields of the codec parameters.
        let par = unsafe { &*stream.parameters().as_ptr() };
        (par.width.max(0) as u32, par.height.max(0) as u32, par.format)
    };
    let rate = stream.avg_frame_rate();
    let rate = if rate.denominator() != 0 && rate.numerator() > 0 { rate } else { stream.rate() };
    let fps = if rate.denominator() != 0 { f64::from(rate) } else { 0.0 };
    let rotation = rotation_of(stream);
    let (display_width, display_height) =
        if rotation % 180 == 90 { (height, width) } else { (width, height) };
    let pixel_format = if format >= 0 {
        // SAFETY: av_get_pix_fmt_name accepts any value and may return null.
        let name = unsafe { ff::ffi::av_get_pix_fmt_name(std::mem::transmute::<i32, ff::ffi::AVPixelFormat>(format)) };
        if name.is_null() {
            "unknown".to_owned()
        } else {
            unsafe { std::ffi::CStr::from_ptr(name) }.to_string_lossy().into_owned()
        }
    } else {
        "unknown".to_owned()
    };
    Ok(VideoInfo {
        stream_index: stream.index(),
        codec: codec_name(stream.parameters().id()),
        width,
        height,
        display_width,
        display_height,
        fps,
        rotation,
        pixel_format,
        frames: (stream.frames() > 0).then(|| stream.frames() as u64),
    })
}

fn audio_info(stream: &ff::format::stream::Stream) -> Result<AudioInfo> {
    // SAFETY: reading plain fields of the codec parameters.
    let par = unsafe { &*stream.parameters().as_ptr() };
    let sample_format = if par.format >= 0 {
        let name = unsafe {
            ff::ffi::av_get_sample_fmt_name(std::mem::transmute::<i32, ff::ffi::AVSampleFormat>(par.format))
        };
        if name.is_null() {
            "unknown".to_owned()
        } else {
            unsafe { std::ffi::CStr::from_ptr(name) }.to_string_lossy().into_owned()
        }
    } else {
        "unknown".to_owned()
    };
    Ok(AudioInfo {
        stream_index: stream.index(),
        codec: codec_name(stream.parameters().id()),
        sample_rate: par.sample_rate.max(0) as u32,
        channels: par.ch_layout.nb_channels.max(0) as u32,
        sample_format,
    })
}

/// Clockwise display rotation from the display matrix (or the legacy
/// `rotate` tag), snapped to a multiple of 90 degrees.
pub(crate) fn rotation_of(stream: &ff::format::stream::Stream) -> i32 {
    for side in stream.side_data() {
        if side.kind() == ff::codec::packet::side_data::Type::DisplayMatrix && side.data().len() >= 36 {
            let data = side.data();
            let matrix: Vec<i32> = data[..36]
                .chunks_exact(4)
                .map(|c| i32::from_ne_bytes([c[0], c[1], c[2], c[3]]))
                .collect();
            // SAFETY: matrix holds the nine i32 values the function reads.
            let ccw = unsafe { ff::ffi::av_display_rotation_get(matrix.as_ptr()) };
            if ccw.is_finite() {
                return snap_rotation(-ccw);
            }
        }
    }
    stream
        .metadata()
        .get("rotate")
        .and_then(|r| r.trim().parse::<f64>().ok())
        .map(snap_rotation)
        .unwrap_or(0)
}

/// Snap any angle (the file decides it: huge, negative, NaN) to 0, 90, 180
/// or 270 without integer arithmetic on the raw value.
fn snap_rotation(degrees: f64) -> i32 {
    if !degrees.is_finite() {
        return 0;
    }
    let quarter = (degrees.rem_euclid(360.0) / 90.0).round() as i32;
    quarter.rem_euclid(4) * 90
}

#[cfg(test)]
mod tests {
    use super::snap_rotation;

    #[test]
    fn rotation_snaps_to_quarter_turns() {
        assert_eq!(snap_rotation(90.0), 90);
        assert_eq!(snap_rotation(-90.0), 270);
        assert_eq!(snap_rotation(179.6), 180);
        assert_eq!(snap_rotation(-0.0), 0);
        assert_eq!(snap_rotation(360.0), 0);
        assert_eq!(snap_rotation(359.0), 0);
        assert_eq!(snap_rotation(f64::NAN), 0);
        assert_eq!(snap_rotation(f64::NEG_INFINITY), 0);
        // Saturated values from a hostile display matrix or `rotate` tag.
        for d in [1e300, -1e300, f64::MAX, f64::MIN, 9.2e18, -9.3e18, 1e20 + 90.0] {
            assert!([0, 90, 180, 270].contains(&snap_rotation(d)), "{d}");
        }
    }
}
