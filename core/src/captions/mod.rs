//! Captions: timed cues built from word timings, SRT and WebVTT readers and
//! writers, and
//! an outline renderer (fontdue metrics + tiny-skia rasterisation) whose
//! overlays are burned into exported frames.

mod cues;
mod read;
mod render;
mod writers;

pub use cues::{build_cues, Cue, CueConfig};
pub use read::{detect_format, parse_ass, parse_srt, parse_vtt, read_subtitles, SubtitleCue, SubtitleDocument, SubtitleFormat};
pub use render::{CaptionRenderer, CaptionStyle, Overlay, Rgba};
pub use writers::{format_timestamp, write_srt, write_vtt, TimestampFormat};
