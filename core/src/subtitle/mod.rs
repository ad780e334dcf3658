//! Subtitles, in one home: timed cues built from word timings, the SRT,
//! WebVTT and ASS readers and writers (and transcripts rendered as any of
//! them), the styled ASS format ([`ass`]), a renderer built on rustybuzz
//! shaping and tiny-skia rasterisation, caption presets, brand kits, and
//! burn-in onto video.
//!
//! One renderer draws both the preview and the exported frames, so what a
//! user sees before export is bit-for-bit what gets encoded.

pub mod ass;
pub mod brand;
mod encoding;
pub mod burn;
mod compositor;
mod cues;
pub mod fonts;
pub mod hook;
pub mod presets;
mod read;
mod slates;
pub mod render;
mod text;
mod transcript;
mod write;

pub use ass::Script;
pub use brand::BrandKit;
pub use burn::{burn, preview_frame, preview_frame_with, BurnOptions, BurnReport};
pub use compositor::Compositor;
pub use crate::media::YuvFrame;
pub use cues::{build_cues, Cue, CueConfig};
pub use read::{detect_format, parse_ass, parse_srt, parse_vtt, read_subtitles, read_subtitles_with, SubtitleCue, SubtitleDocument, SubtitleFormat, MAX_CUE_HOURS};
pub use text::plain_text;
pub use transcript::{render_transcript, TranscriptFormat};
pub use write::{format_timestamp, write_srt, write_vtt, TimestampFormat};
pub use encoding::{check_encoding_label, decode_subtitle_bytes, encoding_for_label};
pub use fonts::FontLibrary;
pub use hook::SubtitleBurner;
pub use presets::{captions_script, karaoke_script, Preset, PresetName};
pub use render::{FauxItalic, SubtitleImage, SubtitleRenderer};
