//! Caption rendering: fontdue supplies the font metrics and layout, tiny-skia
//! rasterises the glyph outlines with an outline stroke and a soft shadow.
//! The result is a premultiplied RGBA overlay composited onto frames.

use serde::{Deserialize, Serialize};
use tiny_skia::{FillRule, LineCap, LineJoin, Paint, PathBuilder, Pixmap, Stroke, Transform};

use crate::error::{Error, Result};
use crate::media::RgbFrame;

/// The font bundled with reelkit (DejaVu Sans Bold, Bitstream Vera licence).
pub const BUNDLED_FONT: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans-Bold.ttf");

/// A straight-alpha colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rgba(pub u8, pub u8, pub u8, pub u8);

impl Rgba {
    pub const WHITE: Rgba = Rgba(255, 255, 255, 255);
    pub const BLACK: Rgba = Rgba(0, 0, 0, 255);

    fn paint(self) -> Paint<'static> {
        let mut paint = Paint::default();
        paint.set_color_rgba8(self.0, self.1, self.2, self.3);
        paint.anti_alias = true;
        paint
    }
}

/// How captions look. Sizes are fractions of the frame so one style reads
/// well at 16:9, 9:16 and 1:1.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct CaptionStyle {
    /// Font size as a fraction of the frame height (default 0.055)...
    pub size_of_height: f32,
    /// ...capped at this fraction of the frame width (default 0.07).
    pub max_size_of_width: f32,
    pub fill: Rgba,
    pub outline: Rgba,
    /// Outline thickness as a fraction of the font size (default 0.09).
    pub outline_width: f32,
    /// Shadow colour; alpha 0 disables it.
    pub shadow: Rgba,
    /// Shadow offset as a fraction of the font size (default 0.06).
    pub shadow_offset: f32,
    /// Distance from the bottom edge to the last line, as a fraction of the
    /// frame height: landscape (default 0.08) and portrait (default 0.22,
    /// clear of short-video app controls).
    pub bottom_margin_landscape: f32,
    pub bottom_margin_portrait: f32,
    /// Widest a line may be, as a fraction of the frame width (default 0.9).
    pub max_width: f32,
    /// Line spacing as a multiple of the font's line height (default 1.0).
    pub line_spacing: f32,
}

impl Default for CaptionStyle {
    fn default() -> Self {
        Self {
            size_of_height: 0.055,
            max_size_of_width: 0.07,
            fill: Rgba::WHITE,
            outline: Rgba::BLACK,
            outline_width: 0.09,
            shadow: Rgba(0, 0, 0, 140),
            shadow_offset: 0.06,
            bottom_margin_landscape: 0.08,
            bottom_margin_portrait: 0.22,
            max_width: 0.9,
            line_spacing: 1.0,
        }
    }
}

impl CaptionStyle {
    /// Font size in pixels for a `width` x `height` frame.
    pub fn font_size(&self, width: u32, height: u32) -> f32 {
        (self.size_of_height * height as f32).min(self.max_size_of_width * width as f32).max(6.0)
    }

    pub fn validate(&self) -> Result<()> {
        let fractions = [
            ("size_of_height", self.size_of_height),
            ("max_size_of_width", self.max_size_of_width),
            ("max_width", self.max_width),
            ("bottom_margin_landscape", self.bottom_margin_landscape),
            ("bottom_margin_portrait", self.bottom_margin_portrait),
        ];
        for (name, v) in fractions {
            if !(v.is_finite() && v > 0.0 && v <= 1.0) {
                return Err(Error::invalid(name, format!("{v} (expected a fraction in (0, 1])")));
            }
        }
        for (name, v) in [("outline_width", self.outline_width), ("shadow_offset", self.shadow_offset)] {
            if !(v.is_finite() && (0.0..=0.5).contains(&v)) {
                return Err(Error::invalid(name, format!("{v} (expected 0..=0.5)")));
            }
        }
        if !(self.line_spacing.is_finite() && (0.5..=3.0).contains(&self.line_spacing)) {
            return Err(Error::invalid("line_spacing", format!("{} (expected 0.5..=3)", self.line_spacing)));
        }
        Ok(())
    }
}

/// A rendered caption: premultiplied RGBA pixels placed at (x, y).
#[derive(Clone, PartialEq)]
pub struct Overlay {
    pub x: i32,
    pub y: i32,
    pub width: u32,
    pub height: u32,
    /// Premultiplied RGBA, `width * height * 4` bytes.
    pub pixels: Vec<u8>,
}

impl std::fmt::Debug for Overlay {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Overlay")
            .field("x", &self.x)
            .field("y", &self.y)
            .field("width", &self.width)
            .field("height", &self.height)
            .finish()
    }
}

impl Overlay {
    /// Blend onto an RGB frame ("source over"), clipping at the edges.
    pub fn composite_onto(&self, frame: &mut RgbFrame) {
        let fw = frame.width as i32;
        let fh = frame.height as i32;
        for oy in 0..self.height as i32 {
            let y = self.y + oy;
            if y < 0 || y >= fh {
                continue;
            }
            for ox in 0..self.width as i32 {
                let x = self.x + ox;
                if x < 0 || x >= fw {
                    continue;
                }
                let o = ((oy * self.width as i32 + ox) * 4) as usize;
                let a = u32::from(self.pixels[o + 3]);
                if a == 0 {
                    continue;
                }
                let f = ((y * fw + x) * 3) as usize;
                for c in 0..3 {
                    let dst = u32::from(frame.data[f + c]);
                    let src = u32::from(self.pixels[o + c]);
                    frame.data[f + c] = (src + (dst * (255 - a) + 127) / 255).min(255) as u8;
                }
            }
        }
    }

    /// Share of pixels with any coverage (for tests and diagnostics).
    pub fn coverage(&self) -> f64 {
        let covered = self.pixels.chunks_exact(4).filter(|p| p[3] > 0).count();
        covered as f64 / (self.width as f64 * self.height as f64).max(1.0)
    }
}

/// Renders caption text with one font.
pub struct CaptionRenderer {
    font: fontdue::Font,
    font_bytes: Vec<u8>,
    style: CaptionStyle,
}

impl std::fmt::Debug for CaptionRenderer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CaptionRenderer").field("style", &self.style).finish()
    }
}

impl CaptionRenderer {
    /// A renderer with the bundled font.
    pub fn new(style: CaptionStyle) -> Result<Self> {
        Self::with_font(BUNDLED_FONT.to_vec(), style)
    }

    /// A renderer with a TrueType/OpenType font given as bytes.
    pub fn with_font(font_bytes: Vec<u8>, style: CaptionStyle) -> Result<Self> {
        style.validate()?;
        let font = fontdue::Font::from_bytes(font_bytes.as_slice(), fontdue::FontSettings::default())
            .map_err(|e| Error::font(e.to_string()))?;
        ttf_parser::Face::parse(&font_bytes, 0).map_err(|e| Error::font(format!("cannot read outlines: {e}")))?;
        Ok(Self { font, font_bytes, style })
    }

    pub fn style(&self) -> &CaptionStyle {
        &self.style
    }

    /// Render `lines` for a `width` x `height` frame, positioned bottom-centre.
    /// Returns `None` when there is nothing to draw.
    pub fn render(&self, lines: &[String], width: u32, height: u32) -> Result<Option<Overlay>> {
        if width == 0 || height == 0 {
            return Err(Error::invalid("size", format!("{width}x{height}")));
        }
        let mut size = self.style.font_size(width, height);
        let max_line_width = self.style.max_width * width as f32;
        let mut lines: Vec<String> = lines.iter().map(|l| l.trim().to_owned()).filter(|l| !l.is_empty()).collect();
        if lines.is_empty() {
            return Ok(None);
        }
        // Re-wrap lines that are too wide in pixels; shrink if a single word
        // is still too wide.
        lines = lines.iter().flat_map(|l| self.wrap(l, size, max_line_width)).collect();
        let widest = lines.iter().map(|l| self.line_width(l, size)).fold(0.0f32, f32::max);
        if widest > max_line_width {
            size *= max_line_width / widest;
        }

        let metrics = self
            .font
            .horizontal_line_metrics(size)
            .ok_or_else(|| Error::font("font has no horizontal metrics"))?;
        let line_height = metrics.new_line_size * self.style.line_spacing;
        let outline = self.style.outline_width * size;
        let shadow = if self.style.shadow.3 > 0 { self.style.shadow_offset * size } else { 0.0 };
        let pad = (outline + shadow).ceil() + 2.0;

        let block_width = lines.iter().map(|l| self.line_width(l, size)).fold(0.0f32, f32::max);
        let block_height = line_height * lines.len() as f32;
        let ov_w = (block_width + 2.0 * pad).ceil().max(1.0) as u32;
        let ov_h = (block_height + 2.0 * pad).ceil().max(1.0) as u32;
        let portrait = height > width;
        let margin = if portrait { self.style.bottom_margin_portrait } else { self.style.bottom_margin_landscape };
        let bottom = height as f32 * (1.0 - margin);
        let x = ((width as f32 - ov_w as f32) / 2.0).round() as i32;
        let y = (bottom - block_height - pad).round() as i32;

        let face = ttf_parser::Face::parse(&self.font_bytes, 0).map_err(|e| Error::font(e.to_string()))?;
        let scale = size / f32::from(face.units_per_em());
        let mut builder = PathBuilder::new();
        for (i, line) in lines.iter().enumerate() {
            let line_w = self.line_width(line, size);
            let mut pen_x = pad + (block_width - line_w) / 2.0;
            let baseline = pad + metrics.ascent + line_height * i as f32;
            let mut previous: Option<char> = None;
            for ch in line.chars() {
                if let Some(p) = previous {
                    pen_x += self.font.horizontal_kern(p, ch, size).unwrap_or(0.0);
                }
                let glyph = self.font.lookup_glyph_index(ch);
                let mut sink = OutlineSink { builder: &mut builder, x: pen_x, y: baseline, scale };
                face.outline_glyph(ttf_parser::GlyphId(glyph), &mut sink);
                pen_x += self.font.metrics_indexed(glyph, size).advance_width;
                previous = Some(ch);
            }
        }
        let Some(path) = builder.finish() else { return Ok(None) };

        let mut pixmap = Pixmap::new(ov_w, ov_h).ok_or_else(|| Error::invalid("size", "caption overlay too large"))?;
        if shadow > 0.0 {
            let t = Transform::from_translate(shadow, shadow);
            pixmap.fill_path(&path, &self.style.shadow.paint(), FillRule::Winding, t, None);
            if outline > 0.0 {
                pixmap.stroke_path(&path, &self.style.shadow.paint(), &stroke(outline * 2.0), t, None);
            }
        }
        if outline > 0.0 {
            pixmap.stroke_path(&path, &self.style.outline.paint(), &stroke(outline * 2.0), Transform::identity(), None);
        }
        pixmap.fill_path(&path, &self.style.fill.paint(), FillRule::Winding, Transform::identity(), None);

        Ok(Some(Overlay { x, y, width: ov_w, height: ov_h, pixels: pixmap.take() }))
    }

    /// Width of `text` in pixels at `size`, with kerning.
    pub fn line_width(&self, text: &str, size: f32) -> f32 {
        let mut width = 0.0;
        let mut previous: Option<char> = None;
        for ch in text.chars() {
            if let Some(p) = previous {
                width += self.font.horizontal_kern(p, ch, size).unwrap_or(0.0);
            }
            width += self.font.metrics(ch, size).advance_width;
            previous = Some(ch);
        }
        width
    }

    fn wrap(&self, line: &str, size: f32, max_width: f32) -> Vec<String> {
        if self.line_width(line, size) <= max_width {
            return vec![line.to_owned()];
        }
        let mut out = Vec::new();
        let mut current = String::new();
        for word in line.split_whitespace() {
            let candidate = if current.is_empty() { word.to_owned() } else { format!("{current} {word}") };
            if !current.is_empty() && self.line_width(&candidate, size) > max_width {
                out.push(std::mem::replace(&mut current, word.to_owned()));
            } else {
                current = candidate;
            }
        }
        if !current.is_empty() {
            out.push(current);
        }
        out
    }
}

fn stroke(width: f32) -> Stroke {
    Stroke { width, line_cap: LineCap::Round, line_join: LineJoin::Round, ..Stroke::default() }
}

/// Feeds ttf-parser glyph outlines (font units, y up) into a tiny-skia path
/// (pixels, y down).
struct OutlineSink<'a> {
    builder: &'a mut PathBuilder,
    x: f32,
    y: f32,
    scale: f32,
}

impl OutlineSink<'_> {
    fn map(&self, x: f32, y: f32) -> (f32, f32) {
        (self.x + x * self.scale, self.y - y * self.scale)
    }
}

impl ttf_parser::OutlineBuilder for OutlineSink<'_> {
    fn move_to(&mut self, x: f32, y: f32) {
        let (x, y) = self.map(x, y);
        self.builder.move_to(x, y);
    }
    fn line_to(&mut self, x: f32, y: f32) {
        let (x, y) = self.map(x, y);
        self.builder.line_to(x, y);
    }
    fn quad_to(&mut self, x1: f32, y1: f32, x: f32, y: f32) {
        let (x1, y1) = self.map(x1, y1);
        let (x, y) = self.map(x, y);
        self.builder.quad_to(x1, y1, x, y);
    }
    fn curve_to(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, x: f32, y: f32) {
        let (x1, y1) = self.map(x1, y1);
        let (x2, y2) = self.map(x2, y2);
        let (x, y) = self.map(x, y);
        self.builder.cubic_to(x1, y1, x2, y2, x, y);
    }
    fn close(&mut self) {
        self.builder.close();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_white_text_with_dark_outline_inside_the_frame() {
        let r = CaptionRenderer::new(CaptionStyle::default()).unwrap();
        for (w, h) in [(1920u32, 1080u32), (1080, 1920), (640, 360)] {
            let ov = r.render(&["Hello, world!".into()], w, h).unwrap().unwrap();
            assert!(ov.x >= 0 && ov.y >= 0, "{ov:?}");
            assert!(ov.x as u32 + ov.width <= w && ov.y as u32 + ov.height <= h, "{ov:?}");
            assert!(ov.coverage() > 0.1, "{}", ov.coverage());
            // Both pure white fill and near-black outline pixels exist.
            let px: Vec<&[u8]> = ov.pixels.chunks_exact(4).collect();
            assert!(px.iter().any(|p| p[3] == 255 && p[0] == 255 && p[1] == 255));
            assert!(px.iter().any(|p| p[3] == 255 && p[0] < 30));
            // Text height is readable: at least 3% of the frame height.
            assert!(ov.height as f32 > 0.03 * h as f32);
        }
    }

    #[test]
    fn long_lines_are_wrapped_to_fit_portrait_frames() {
        let r = CaptionRenderer::new(CaptionStyle::default()).unwrap();
        let line = "this caption is much too long to fit on one line of a portrait video".to_owned();
        let ov = r.render(&[line], 1080, 1920).unwrap().unwrap();
        assert!(ov.width <= 1080);
        assert!(ov.height as f32 > 2.0 * r.style().font_size(1080, 1920));
    }

    #[test]
    fn compositing_changes_only_covered_pixels() {
        let r = CaptionRenderer::new(CaptionStyle::default()).unwrap();
        let ov = r.render(&["Hi".into()], 320, 180).unwrap().unwrap();
        let mut frame = RgbFrame { width: 320, height: 180, time: 0.0, data: vec![0, 128, 0].repeat(320 * 180) };
        ov.composite_onto(&mut frame);
        assert_eq!(frame.pixel(0, 0), [0, 128, 0]);
        let white = frame.data.chunks_exact(3).filter(|p| p == &[255, 255, 255]).count();
        assert!(white > 20, "{white}");
        assert!(r.render(&["   ".into()], 320, 180).unwrap().is_none());
        assert!(r.render(&["x".into()], 0, 180).is_err());
    }
}
