//! The subtitle renderer: ASS events at a time → one premultiplied RGBA
//! image of the subtitle layer, composited onto RGB or YUV frames. The same
//! code draws previews and burned-in exports.

mod blur;
mod drawing;
mod image;
mod italic;
mod layout;
mod pieces;
mod raster;
mod state;

pub use image::{SubtitleImage, YuvaOverlay};
pub use italic::FauxItalic;

/// Encode 8-bit RGBA pixels as a PNG.
pub fn image_png(width: u32, height: u32, rgba: &[u8]) -> Vec<u8> {
    image::encode_png(width, height, png::ColorType::Rgba, rgba)
}
pub use layout::Scales;
pub use pieces::frame_state;

use crate::error::{Error, Result};
use crate::subtitle::ass::{EventKind, Script};
use crate::subtitle::fonts::FontLibrary;

use layout::{layout_event, EventLayout, ShapeCache};
use raster::{rasterize, Layer};

/// The most events drawn in one frame; more are skipped (bounded time on
/// hostile scripts).
pub const MAX_EVENTS_PER_FRAME: usize = 2000;

/// Renders ASS scripts with a font library.
#[derive(Debug, Clone, Default)]
pub struct SubtitleRenderer {
    fonts: FontLibrary,
    faux_italic: FauxItalic,
}

impl SubtitleRenderer {
    /// A renderer over `fonts`.
    pub fn new(fonts: FontLibrary) -> Self {
        Self { fonts, faux_italic: FauxItalic::default() }
    }

    /// The slant of faux italics (default: [`FauxItalic::Gdi`], as current
    /// libass and VSFilter draw them).
    pub fn with_faux_italic(mut self, faux_italic: FauxItalic) -> Self {
        self.faux_italic = faux_italic;
        self
    }

    /// A renderer over `fonts` plus the fonts embedded in `script`.
    pub fn for_script(script: &Script, mut fonts: FontLibrary) -> Self {
        for font in &script.fonts {
            // A broken embedded font is skipped; its text falls back.
            let _ = fonts.add_bytes(font.data.clone());
        }
        Self { fonts, faux_italic: FauxItalic::default() }
    }

    pub fn fonts(&self) -> &FontLibrary {
        &self.fonts
    }

    /// The subtitle layer of `script` at `time` seconds on a `width` x
    /// `height` frame.
    pub fn render(&self, script: &Script, time: f64, width: u32, height: u32) -> Result<SubtitleImage> {
        if width == 0 || height == 0 || width > 16384 || height > 16384 {
            return Err(Error::invalid("size", format!("{width}x{height} (each side must be 1..=16384)")));
        }
        if !time.is_finite() || time < 0.0 {
            return Err(Error::invalid("time", format!("{time} (expected seconds >= 0)")));
        }
        let scales = Scales::new(script, width, height);
        let mut cache = ShapeCache;
        let mut active: Vec<(usize, &crate::subtitle::ass::Event)> =
            script.events.iter().enumerate().filter(|(_, e)| e.kind == EventKind::Dialogue && e.is_active(time)).collect();
        active.truncate(MAX_EVENTS_PER_FRAME);
        let mut layouts: Vec<(i32, usize, EventLayout, i64)> = Vec::with_capacity(active.len());
        for (index, event) in active {
            let pieces = pieces::build_pieces(script, event, time);
            let t_ms = ((time - event.start) * 1000.0).round() as i64;
            let layout = layout_event(script, event, pieces, &self.fonts, &scales, &mut cache, t_ms, self.faux_italic);
            layouts.push((event.layer, index, layout, t_ms));
        }
        let shifts = resolve_collisions(&layouts.iter().map(|(_, _, l, _)| l).collect::<Vec<_>>());
        let mut order: Vec<usize> = (0..layouts.len()).collect();
        order.sort_by_key(|&i| (layouts[i].0, layouts[i].1));
        let mut layers: Vec<Layer> = Vec::new();
        for i in order {
            let (_, _, layout, t_ms) = &layouts[i];
            layers.extend(rasterize(layout, &scales, *t_ms, shifts[i]));
        }
        Ok(SubtitleImage::compose(width, height, &layers))
    }
}

/// Vertical shifts that keep unpositioned events of the same layer from
/// overlapping: bottom-aligned events move up, others move down, in event
/// order.
fn resolve_collisions(layouts: &[&EventLayout]) -> Vec<f64> {
    let mut shifts = vec![0.0; layouts.len()];
    let mut placed: Vec<(i32, f64, f64, f64, f64)> = Vec::new();
    for (i, l) in layouts.iter().enumerate() {
        if !l.collides || l.height <= 0.0 || l.width <= 0.0 {
            continue;
        }
        let (left, right) = (l.left, l.left + l.width);
        let height = l.height + l.border_top + l.border_bottom;
        let original = l.top - l.border_top;
        let mut top = original;
        for _ in 0..placed.len() + 1 {
            let hit = placed.iter().find(|(layer, pl, pt, pr, pb)| {
                *layer == l.layer && left < *pr && right > *pl && top < *pb && top + height > *pt
            });
            match hit {
                Some((_, _, pt, _, pb)) => top = if l.shift_up { pt - height } else { *pb },
                None => break,
            }
        }
        shifts[i] = top - original;
        placed.push((l.layer, left, top, right, top + height));
    }
    shifts
}
