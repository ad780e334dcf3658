//! Italic text on faces without an italic design: the slant applied to the
//! glyph outlines ("faux italics"), and the extra room players leave where
//! italic text meets upright text.

use super::layout::Glyph;
use crate::subtitle::fonts::FontFace;

/// How text is slanted when italic is asked of a face that has none.
///
/// The outline is sheared before rasterising, about the glyph origin on
/// the baseline (`x' = x + s * y`, y up), in font pixels before `\fscx`
/// scaling; the advance is unchanged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FauxItalic {
    /// As GDI (and so VSFilter) slants, and libass from 0.17.2
    /// (`ass_glyph_italicize` in libass/ass_font.c): `s = 0x5700 / 0x10000`
    /// (about 18.8 degrees) for TrueType outlines, `s = tan 10 degrees`
    /// (`0x2d24 / 0x10000`) for PostScript (CFF) outlines.
    #[default]
    Gdi,
    /// As libass up to 0.17.1, which called FreeType's
    /// `FT_GlyphSlot_Oblique`: `s = 0x366A / 0x10000` (12 degrees) for every
    /// face. For matching renders made with those versions.
    FreeTypeOblique,
}

impl FauxItalic {
    /// The shear factor for `face`.
    pub fn shear(self, face: &FontFace) -> f64 {
        match self {
            FauxItalic::Gdi if face.postscript => f64::from(0x2d24) / 65536.0,
            FauxItalic::Gdi => f64::from(0x5700) / 65536.0,
            FauxItalic::FreeTypeOblique => f64::from(0x366A) / 65536.0,
        }
    }
}

/// The horizontal extent of a glyph's outline, control points included
/// (FreeType's control box, which libass uses), after a shear `s`, in font
/// units relative to the glyph origin. `None` for a glyph without outline.
pub fn ink_extent(face: &FontFace, id: u16, shear: f64) -> Option<(f64, f64)> {
    let ttf = ttf_parser::Face::parse(face.data(), face.index()).ok()?;
    let mut sink = Extent { shear, min: f64::INFINITY, max: f64::NEG_INFINITY };
    ttf.outline_glyph(ttf_parser::GlyphId(id), &mut sink)?;
    (sink.min <= sink.max).then_some((sink.min, sink.max))
}

struct Extent {
    shear: f64,
    min: f64,
    max: f64,
}

impl Extent {
    fn add(&mut self, x: f32, y: f32) {
        let x = f64::from(x) + self.shear * f64::from(y);
        self.min = self.min.min(x);
        self.max = self.max.max(x);
    }
}

impl ttf_parser::OutlineBuilder for Extent {
    fn move_to(&mut self, x: f32, y: f32) {
        self.add(x, y);
    }
    fn line_to(&mut self, x: f32, y: f32) {
        self.add(x, y);
    }
    fn quad_to(&mut self, x1: f32, y1: f32, x: f32, y: f32) {
        self.add(x1, y1);
        self.add(x, y);
    }
    fn curve_to(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, x: f32, y: f32) {
        self.add(x1, y1);
        self.add(x2, y2);
        self.add(x, y);
    }
    fn close(&mut self) {}
}

/// Where italic text is followed by upright text, widen the last italic
/// glyph that has ink so that its advance reaches its ink's right edge
/// (the slanted top would otherwise run into the upright text).
///
/// libass's rule (`retrieve_glyphs` in libass/ass_render.c): for each glyph
/// that is not italic and follows an italic one, step back over italic
/// glyphs whose box has no width (spaces), then, if that glyph's box ends
/// right of its advance, its advance becomes the box's right edge. Letter
/// spacing is added after. "Italic" is the requested style, real italic
/// faces included. `glyphs` are in logical order; `upright_after` says
/// whether what follows them (a line break's style) is upright.
pub fn widen_italic_ends(glyphs: &mut [&mut Glyph], upright_after: bool) {
    let n = glyphs.len();
    for i in 1..=n {
        let next_upright = if i < n { !glyphs[i].italic } else { upright_after };
        if !(glyphs[i - 1].italic && next_upright) {
            continue;
        }
        let mut back = i - 1;
        while back > 0 && glyphs[back].ink_right.is_none() && glyphs[back].italic {
            back -= 1;
        }
        let g = &mut glyphs[back];
        if let Some(right) = g.ink_right {
            if right > g.advance - g.spacing {
                g.advance = right + g.spacing;
            }
        }
    }
}
