//! Styled subtitles: the ASS format ([`ass`]), a renderer built on
//! rustybuzz shaping and tiny-skia rasterisation, caption presets, brand
//! kits, and burn-in onto video.
//!
//! One renderer draws both the preview and the exported frames, so what a
//! user sees before export is bit-for-bit what gets encoded.

pub mod ass;
pub mod brand;
pub mod burn;
pub mod fonts;
pub mod hook;
pub mod presets;
pub mod render;

pub use ass::Script;
pub use brand::BrandKit;
pub use burn::{burn, preview_frame, BurnOptions, BurnReport, YuvFrame};
pub use fonts::FontLibrary;
pub use hook::SubtitleBurner;
pub use presets::{captions_script, karaoke_script, Preset, PresetName};
pub use render::{SubtitleImage, SubtitleRenderer};
