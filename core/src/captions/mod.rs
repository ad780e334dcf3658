//! Captions: timed cues built from word timings, SRT and WebVTT writers, and
//! an outline renderer (fontdue metrics + tiny-skia rasterisation) whose
//! overlays are burned into exported frames.

mod cues;
mod render;
mod writers;

pub use cues::{build_cues, Cue, CueConfig};
pub use render::{CaptionRenderer, CaptionStyle, Overlay, Rgba};
pub use writers::{format_timestamp, write_srt, write_vtt, TimestampFormat};
