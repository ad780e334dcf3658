//! The one libx264 setup: every H.264 reelkit writes — MP4 exports, burned
//! subtitles, slates, HLS rungs and editing proxies — is opened here.

use ffmpeg_next as ff;

use crate::error::{Error, Result};

/// Time base of the transcoder's video encoders and of the frames fed to them.
pub(crate) const VIDEO_TIME_BASE: (i32, i32) = (1, 90_000);

pub(crate) fn video_time_base() -> ff::Rational {
    ff::Rational::new(VIDEO_TIME_BASE.0, VIDEO_TIME_BASE.1)
}

/// Where keyframes go.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Keyframes {
    /// x264's own choice (scene cuts, its default interval): single files.
    Encoder,
    /// Only where a frame is marked as forced (segment starts): no scene-cut
    /// or periodic keyframes, so every rung cuts at the same instants.
    Forced,
    /// At most this many frames apart (1 = every frame).
    Every(u32),
}

/// Colour tags written into the stream, so players convert it the same way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ColorTags {
    pub space: ff::color::Space,
    pub range: ff::color::Range,
    pub primaries: ff::color::Primaries,
    pub transfer: ff::color::TransferCharacteristic,
}

impl ColorTags {
    /// BT.709, limited range: what reelkit's own RGB to YUV conversion makes.
    pub(crate) const BT709: Self = Self {
        space: ff::color::Space::BT709,
        range: ff::color::Range::MPEG,
        primaries: ff::color::Primaries::BT709,
        transfer: ff::color::TransferCharacteristic::BT709,
    };

    /// The tags of a decoded source (copied when frames pass through as YUV).
    pub(crate) fn of(decoder: &ff::decoder::Video) -> Self {
        Self {
            space: decoder.color_space(),
            range: decoder.color_range(),
            primaries: decoder.color_primaries(),
            transfer: decoder.color_transfer_characteristic(),
        }
    }
}

/// One H.264 encoder's settings.
#[derive(Debug, Clone)]
pub(crate) struct H264 {
    pub width: u32,
    pub height: u32,
    pub preset: String,
    pub crf: u8,
    /// x264 threads; 0 lets x264 pick.
    pub threads: usize,
    pub frame_rate: ff::Rational,
    /// Time base of the frames' presentation timestamps.
    pub time_base: ff::Rational,
    pub keyframes: Keyframes,
    pub color: Option<ColorTags>,
}

/// Open libx264 for `spec`: 4:2:0, square pixels, closed GOPs and global
/// headers (MP4 and segments keep SPS/PPS out of band; the MPEG-TS muxer puts
/// them back in band).
pub(crate) fn open_h264(spec: &H264) -> Result<ff::encoder::Video> {
    super::init();
    let codec = ff::encoder::find_by_name("libx264")
        .ok_or_else(|| Error::encode("this FFmpeg build has no libx264 encoder"))?;
    let mut enc = ff::codec::Context::new_with_codec(codec)
        .encoder()
        .video()
        .map_err(|e| Error::encode(format!("cannot create the H.264 encoder: {e}")))?;
    enc.set_width(spec.width);
    enc.set_height(spec.height);
    enc.set_format(ff::format::Pixel::YUV420P);
    enc.set_time_base(spec.time_base);
    enc.set_frame_rate(Some(spec.frame_rate));
    enc.set_aspect_ratio(ff::Rational::new(1, 1));
    enc.set_flags(ff::codec::Flags::GLOBAL_HEADER);
    if let Some(color) = spec.color {
        enc.set_colorspace(color.space);
        enc.set_color_range(color.range);
        // SAFETY: plain enum fields of the codec context, set before opening.
        unsafe {
            let ctx = enc.as_mut_ptr();
            (*ctx).color_primaries = color.primaries.into();
            (*ctx).color_trc = color.transfer.into();
        }
    }
    let mut options = ff::Dictionary::new();
    options.set("preset", &spec.preset);
    options.set("crf", &spec.crf.to_string());
    options.set("threads", &spec.threads.to_string());
    match spec.keyframes {
        Keyframes::Encoder => {}
        Keyframes::Forced => {
            options.set("forced-idr", "1");
            options.set("x264-params", "keyint=infinite:scenecut=0:open-gop=0");
        }
        Keyframes::Every(frames) => {
            options.set("forced-idr", "1");
            options.set("x264-params", &format!("keyint={}:open-gop=0", frames.max(1)));
        }
    }
    enc.open_with(options)
        .map_err(|e| Error::encode(format!("cannot open libx264 at {}x{}: {e}", spec.width, spec.height)))
}
