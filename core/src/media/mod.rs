//! Media I/O on FFmpeg: probing, decoding video (RGB24) and audio (f32),
//! encoding H.264 + AAC MP4, and frame-accurate range export.

mod audio;
mod encode;
mod export;
mod extent;
mod frame;
pub(crate) mod h264;
mod input;
mod playlist;
mod probe;
mod subtitles;
mod video;
mod yuv;

pub use audio::{decode_audio, AudioBuffer, AudioDecodeOptions, AudioReader};
pub use encode::{AudioEncodeSettings, Mp4Writer, VideoEncodeSettings};
pub use export::{cut, export_range, export_range_composed, Bookend, Bookends, Crop, ExportOptions, FrameComposer, FrameHook};
pub(crate) use export::Resizer;
pub use extent::packet_extent;
pub use frame::RgbFrame;
pub use playlist::{check_playlist, is_m3u_playlist, trust_playlist, PlaylistGrant};
pub use probe::{probe, AudioInfo, MediaInfo, StreamInfo, StreamKind, VideoInfo};
pub use subtitles::{read_subtitle_stream, read_subtitle_stream_with};
pub use video::{VideoDecodeOptions, VideoFrames};
pub use yuv::YuvFrame;
pub(crate) use yuv::RgbToYuv;
// Shared with the transcoder and the mixer, which drive FFmpeg directly.
pub(crate) use encode::{add_encoded_stream, channel_layout, open_aac};
pub(crate) use input::{media_start, open_input};

use std::sync::Once;

/// Initialise FFmpeg once per process and keep its own logging quiet: reelkit
/// reports problems through typed errors, not stderr noise.
pub(crate) fn init() {
    static INIT: Once = Once::new();
    INIT.call_once(|| {
        let _ = ffmpeg_next::init();
        ffmpeg_next::util::log::set_level(ffmpeg_next::util::log::Level::Fatal);
    });
}
