//! Rasterising a laid-out event: glyph outlines become tiny-skia paths;
//! fill, border (stroked outline or opaque box) and shadow become 8-bit
//! coverage masks, blurred and clipped; masks are coloured and blended in
//! the order shadow, border, fill.

use tiny_skia::{FillRule, LineCap, LineJoin, Mask, Path, PathBuilder, Rect, Stroke, Transform};

use super::blur;
use super::drawing::drawing_path;
use super::layout::{EventLayout, Scales};
use super::state::RunStyle;
use crate::subtitle::ass::{BorderStyle, ClipShape, Color, KaraokeKind};

/// A coverage mask placed in the frame.
pub struct Bitmap {
    pub x: i32,
    pub y: i32,
    pub w: usize,
    pub h: usize,
    pub data: Vec<u8>,
}

/// How a bitmap is coloured.
pub enum Paint {
    Solid(Color),
    /// Karaoke fill: `left` colour up to frame column `split`, then `right`.
    Split { left: Color, right: Color, split: f64 },
}

/// A coloured mask, ready to blend.
pub struct Layer {
    pub bitmap: Bitmap,
    pub paint: Paint,
}

/// The largest mask side (a guard against absurd sizes).
const MAX_SIDE: f64 = 16384.0;

struct Group {
    style: RunStyle,
    karaoke: Option<super::state::KaraokeTiming>,
    fill: Option<Path>,
    boxes: Option<Path>,
    x_start: f64,
    x_end: f64,
}

/// Turn a laid-out event into coloured layers, in drawing order.
pub fn rasterize(layout: &EventLayout, scales: &Scales, t_ms: i64, shift_y: f64) -> Vec<Layer> {
    let groups = build_groups(layout, scales, shift_y);
    let fade = layout.pieces.settings.fade;
    let clip = clip_mask(layout, scales);
    let (ox, oy) = (layout.origin.0, layout.origin.1 + shift_y);
    let mut shadows = Vec::new();
    let mut borders = Vec::new();
    let mut fills = Vec::new();

    for g in groups {
        let st = &g.style;
        let transform = group_transform(st, ox, oy);
        let bx = st.border_x * scales.border_x;
        let by = st.border_y * scales.border_y;
        let sh_x = st.shadow_x * scales.border_x;
        let sh_y = st.shadow_y * scales.border_y;
        // Blur radius as players scale it, capped at a tenth of the frame
        // (bounded work on hostile scripts).
        let cap = 0.1 * scales.width.max(scales.height);
        let sigma_x = (st.blur * scales.blur_x * 2.0 / (256f64.ln()).sqrt()).min(cap);
        let sigma_y = (st.blur * scales.blur_y * 2.0 / (256f64.ln()).sqrt()).min(cap);
        let opaque_box = st.border_style == BorderStyle::OpaqueBox;
        let has_border = bx > 0.0 || by > 0.0;
        let mut has_shadow = sh_x != 0.0 || sh_y != 0.0;
        let kara_kind = g.karaoke.map(|k| k.kind);
        let fill_in_shadow = has_shadow
            && (matches!(kara_kind, Some(KaraokeKind::Fill | KaraokeKind::Outline)) || st.colors[0].alpha != 0xFF || opaque_box);
        if !has_border && !fill_in_shadow && !opaque_box {
            has_shadow = false;
        }
        let fill_in_border = (has_border && st.colors[0].alpha == 0 && st.colors[1].alpha == 0 && fade == 0) || opaque_box;

        let pad_blur = 3.0 * sigma_x.max(sigma_y) + 3.0 * f64::from(st.be).sqrt() + 2.0;
        let Some(fill_path) = g.fill.clone() else { continue };

        // Border shape (before the group transform).
        let border_path: Option<Path> = if opaque_box {
            if has_border || has_shadow { g.boxes.clone() } else { None }
        } else if has_border {
            stroke_anisotropic(&fill_path, bx, by)
        } else {
            None
        };

        let mut fill = render_mask(&[&fill_path], transform, pad_blur, scales);
        let mut border = border_path.as_ref().and_then(|b| {
            if opaque_box {
                render_mask(&[b], transform, pad_blur, scales)
            } else {
                render_mask(&[&fill_path, b], transform, pad_blur, scales)
            }
        });

        let blur_on = |m: &mut Bitmap| {
            if sigma_x > 0.001 || sigma_y > 0.001 {
                blur::gaussian(&mut m.data, m.w, m.h, sigma_x, sigma_y);
            }
            if st.be > 0 {
                blur::edge_blur(&mut m.data, m.w, m.h, st.be);
            }
        };
        if border.is_none() || opaque_box {
            if let Some(f) = fill.as_mut() {
                blur_on(f);
            }
        }
        if let Some(b) = border.as_mut() {
            blur_on(b);
        }
        if !fill_in_border && !fill_in_shadow {
            if let (Some(f), Some(b)) = (fill.as_ref(), border.as_mut()) {
                subtract_fill(b, f);
            }
        }
        let mut shadow: Option<Bitmap> = None;
        if has_shadow {
            let source = if border.is_some() { border.as_ref() } else { fill.as_ref() };
            if let Some(src) = source {
                let mut s = shift_bitmap(src, sh_x, sh_y);
                if border.is_some() && fill_in_border && !fill_in_shadow {
                    if let Some(f) = fill.as_ref() {
                        let f_shifted = shift_bitmap(f, 0.0, 0.0);
                        subtract_fill(&mut s, &f_shifted);
                    }
                }
                shadow = Some(s);
            }
            if opaque_box && !has_border {
                border = None;
            }
        }
        if fill_in_shadow && !fill_in_border {
            if let (Some(f), Some(b)) = (fill.as_ref(), border.as_mut()) {
                subtract_fill(b, f);
            }
        }

        // libass `mult_alpha` (ass_parse.c): a + f - round(a * f / 255).
        let with_fade = |c: Color| {
            let (a, f) = (u32::from(c.alpha), u32::from(fade));
            let faded = a + f - (a * f + 0x7F) / 0xFF;
            c.with_alpha(faded.min(255) as u8)
        };
        let clip_it = |mut m: Bitmap| {
            if let Some((inverse, mask)) = &clip {
                apply_clip(&mut m, mask, *inverse);
            }
            m
        };

        // Karaoke colours.
        let (fill_paint, border_visible) = match g.karaoke {
            None => (Paint::Solid(with_fade(st.colors[0])), true),
            Some(k) => {
                let sung = t_ms >= k.start_ms;
                match k.kind {
                    KaraokeKind::Switch => {
                        (Paint::Solid(with_fade(if sung { st.colors[0] } else { st.colors[1] })), true)
                    }
                    KaraokeKind::Outline => {
                        (Paint::Solid(with_fade(if sung { st.colors[0] } else { st.colors[1] })), sung)
                    }
                    KaraokeKind::Fill => {
                        let split = if t_ms < k.start_ms {
                            f64::NEG_INFINITY
                        } else if t_ms >= k.end_ms {
                            f64::INFINITY
                        } else {
                            let dt = t_ms.saturating_sub(k.start_ms) as f64 / k.end_ms.saturating_sub(k.start_ms) as f64;
                            g.x_start + (g.x_end - g.x_start) * dt
                        };
                        (Paint::Split { left: with_fade(st.colors[0]), right: with_fade(st.colors[1]), split }, true)
                    }
                }
            }
        };

        if let Some(s) = shadow {
            shadows.push(Layer { bitmap: clip_it(s), paint: Paint::Solid(with_fade(st.colors[3])) });
        }
        if let Some(b) = border {
            if border_visible {
                borders.push(Layer { bitmap: clip_it(b), paint: Paint::Solid(with_fade(st.colors[2])) });
            }
        }
        if let Some(f) = fill {
            fills.push(Layer { bitmap: clip_it(f), paint: fill_paint });
        }
    }
    shadows.extend(borders);
    shadows.extend(fills);
    shadows
}

/// Rotation (`\frz`) about the origin, with `\fax`/`\fay` shear.
fn group_transform(st: &RunStyle, ox: f64, oy: f64) -> Transform {
    let angle = (-st.frz % 360.0) as f32;
    let shear = Transform::from_row(1.0, st.fay as f32, st.fax as f32, 1.0, 0.0, 0.0);
    Transform::from_translate(ox as f32, oy as f32)
        .pre_concat(Transform::from_rotate(angle))
        .pre_concat(shear)
        .pre_concat(Transform::from_translate(-ox as f32, -oy as f32))
}

fn build_groups(layout: &EventLayout, scales: &Scales, shift_y: f64) -> Vec<Group> {
    let mut groups: Vec<Group> = Vec::new();
    for line in &layout.lines {
        let baseline = line.baseline + shift_y;
        let mut current: Option<(usize, PathBuilder, PathBuilder, f64, f64, bool)> = None;
        let flush = |current: &mut Option<(usize, PathBuilder, PathBuilder, f64, f64, bool)>, groups: &mut Vec<Group>| {
            if let Some((piece, fill, boxes, x0, x1, any)) = current.take() {
                if !any {
                    return;
                }
                let p = &layout.pieces.pieces[piece];
                groups.push(Group {
                    style: p.style.clone(),
                    karaoke: p.karaoke,
                    fill: fill.finish(),
                    boxes: boxes.finish(),
                    x_start: x0,
                    x_end: x1,
                });
            }
        };
        for g in &line.glyphs {
            if current.as_ref().map(|c| c.0 != g.piece).unwrap_or(true) {
                flush(&mut current, &mut groups);
                current = Some((g.piece, PathBuilder::new(), PathBuilder::new(), f64::INFINITY, f64::NEG_INFINITY, false));
            }
            let Some((_, fill, boxes, x0, x1, any)) = current.as_mut() else { continue };
            let st = &layout.pieces.pieces[g.piece].style;
            let pen_x = line.x + g.x;
            *x0 = x0.min(pen_x);
            *x1 = x1.max(pen_x + g.advance);
            *any = true;
            // Opaque box behind each glyph.
            let bx = (st.border_x * scales.border_x * st.scale_x).max(1.0);
            let by = (st.border_y * scales.border_y * st.scale_y).max(1.0);
            if let Some(r) = Rect::from_ltrb(
                (pen_x - bx) as f32,
                (baseline - g.asc - by) as f32,
                (pen_x + g.advance + bx) as f32,
                (baseline + g.desc + by) as f32,
            ) {
                boxes.push_rect(r);
            }
            if let Some(d) = &g.drawing {
                if let Some(p) = d.clone().transform(Transform::from_translate(pen_x as f32, baseline as f32)) {
                    fill.push_path(&p);
                }
                continue;
            }
            let Some(face) = &g.face else { continue };
            let Ok(ttf) = ttf_parser::Face::parse(face.data(), face.index()) else { continue };
            let origin_x = pen_x + g.dx;
            let origin_y = baseline - g.dy;
            // Faux italics: the outline is sheared about the glyph origin
            // before rasterising (see `italic::FauxItalic`).
            let shear = g.shear;
            let mut glyph_builder = PathBuilder::new();
            {
                let mut sink = Sink { b: &mut glyph_builder, ox: origin_x, oy: origin_y, kx: g.kx, ky: g.ky, shear };
                ttf.outline_glyph(ttf_parser::GlyphId(g.id), &mut sink);
            }
            if let Some(path) = glyph_builder.finish() {
                if g.faux_bold {
                    let width = (st.font_size * scales.sy / 32.0).max(0.5) as f32;
                    let stroke = Stroke { width, line_join: LineJoin::Round, line_cap: LineCap::Round, ..Stroke::default() };
                    if let Some(s) = path.stroke(&stroke, 1.0) {
                        fill.push_path(&s);
                    }
                }
                fill.push_path(&path);
            }
            // Underline and strike-out.
            if st.underline || st.strike_out {
                let (upos, uthick) = ttf
                    .underline_metrics()
                    .map(|m| (f64::from(m.position), f64::from(m.thickness)))
                    .unwrap_or((-face.units_per_em * 0.1, face.units_per_em * 0.05));
                if st.underline {
                    let y = origin_y - upos * g.ky;
                    let h = (uthick * g.ky).max(1.0);
                    if let Some(r) = Rect::from_xywh(pen_x as f32, (y - h / 2.0) as f32, g.advance as f32, h as f32) {
                        fill.push_rect(r);
                    }
                }
                if st.strike_out {
                    let (spos, sthick) = ttf
                        .strikeout_metrics()
                        .map(|m| (f64::from(m.position), f64::from(m.thickness)))
                        .unwrap_or((face.ascent * 0.3, uthick));
                    let y = origin_y - spos * g.ky;
                    let h = (sthick * g.ky).max(1.0);
                    if let Some(r) = Rect::from_xywh(pen_x as f32, (y - h / 2.0) as f32, g.advance as f32, h as f32) {
                        fill.push_rect(r);
                    }
                }
            }
        }
        flush(&mut current, &mut groups);
    }
    groups
}

/// Stroke `path` with an elliptical pen of radii `bx`, `by` (round joins).
fn stroke_anisotropic(path: &Path, bx: f64, by: f64) -> Option<Path> {
    let r = bx.max(by).max(1e-3);
    let (fx, fy) = ((bx.max(1e-3) / r) as f32, (by.max(1e-3) / r) as f32);
    let squeezed = path.clone().transform(Transform::from_scale(1.0 / fx, 1.0 / fy))?;
    let stroke = Stroke { width: (2.0 * r) as f32, line_join: LineJoin::Round, line_cap: LineCap::Round, ..Stroke::default() };
    squeezed.stroke(&stroke, 1.0)?.transform(Transform::from_scale(fx, fy))
}

/// Fill `paths` (transformed) into a mask that covers them plus `pad`,
/// clipped to the frame.
fn render_mask(paths: &[&Path], transform: Transform, pad: f64, scales: &Scales) -> Option<Bitmap> {
    let mut bounds: Option<Rect> = None;
    let mut transformed = Vec::new();
    for p in paths {
        let t = (*p).clone().transform(transform)?;
        let b = t.bounds();
        bounds = Some(match bounds {
            Some(acc) => Rect::from_ltrb(acc.left().min(b.left()), acc.top().min(b.top()), acc.right().max(b.right()), acc.bottom().max(b.bottom()))?,
            None => b,
        });
        transformed.push(t);
    }
    let b = bounds?;
    let x0 = (f64::from(b.left()) - pad).floor().max(-MAX_SIDE);
    let y0 = (f64::from(b.top()) - pad).floor().max(-MAX_SIDE);
    let x1 = (f64::from(b.right()) + pad).ceil().min(scales.width + MAX_SIDE);
    let y1 = (f64::from(b.bottom()) + pad).ceil().min(scales.height + MAX_SIDE);
    // Keep masks inside the frame plus a margin for blur and shadows.
    let margin = pad + 64.0;
    let x0 = x0.max(-margin);
    let y0 = y0.max(-margin);
    let x1 = x1.min(scales.width + margin);
    let y1 = y1.min(scales.height + margin);
    if x1 <= x0 || y1 <= y0 || (x1 - x0) > MAX_SIDE || (y1 - y0) > MAX_SIDE {
        return None;
    }
    let (w, h) = ((x1 - x0) as u32, (y1 - y0) as u32);
    let mut mask = Mask::new(w, h)?;
    let shift = Transform::from_translate(-x0 as f32, -y0 as f32);
    for t in &transformed {
        mask.fill_path(t, FillRule::Winding, true, shift);
    }
    Some(Bitmap { x: x0 as i32, y: y0 as i32, w: w as usize, h: h as usize, data: mask.data().to_vec() })
}

/// Remove from a border what the fill covers (so a translucent fill does
/// not show the border through it): `o = o > g ? o - g/2 : 0`.
fn subtract_fill(border: &mut Bitmap, fill: &Bitmap) {
    for y in 0..border.h {
        let fy = y as i32 + border.y - fill.y;
        if fy < 0 || fy >= fill.h as i32 {
            continue;
        }
        for x in 0..border.w {
            let fx = x as i32 + border.x - fill.x;
            if fx < 0 || fx >= fill.w as i32 {
                continue;
            }
            let g = fill.data[fy as usize * fill.w + fx as usize];
            let o = &mut border.data[y * border.w + x];
            *o = if *o > g { *o - g / 2 } else { 0 };
        }
    }
}

/// A copy of `src` moved by a (sub-pixel) offset.
fn shift_bitmap(src: &Bitmap, dx: f64, dy: f64) -> Bitmap {
    let (ix, iy) = (dx.floor(), dy.floor());
    let (fx, fy) = ((dx - ix) as f32, (dy - iy) as f32);
    if fx == 0.0 && fy == 0.0 {
        return Bitmap { x: src.x + ix as i32, y: src.y + iy as i32, w: src.w, h: src.h, data: src.data.clone() };
    }
    let (w, h) = (src.w + 1, src.h + 1);
    let mut data = vec![0u8; w * h];
    let at = |x: isize, y: isize| -> f32 {
        if x < 0 || y < 0 || x >= src.w as isize || y >= src.h as isize {
            0.0
        } else {
            f32::from(src.data[y as usize * src.w + x as usize])
        }
    };
    for y in 0..h as isize {
        for x in 0..w as isize {
            let v = at(x, y) * (1.0 - fx) * (1.0 - fy)
                + at(x - 1, y) * fx * (1.0 - fy)
                + at(x, y - 1) * (1.0 - fx) * fy
                + at(x - 1, y - 1) * fx * fy;
            data[y as usize * w + x as usize] = v.round().clamp(0.0, 255.0) as u8;
        }
    }
    Bitmap { x: src.x + ix as i32, y: src.y + iy as i32, w, h, data }
}

/// The event's clip as a frame-sized mask region: (inverse, bitmap).
fn clip_mask(layout: &EventLayout, scales: &Scales) -> Option<(bool, Bitmap)> {
    if let Some((y0, y1)) = layout.scroll_clip {
        // A scrolling event shows only between its two lines (a \clip, if
        // any, is ignored for it).
        let (w, h) = (scales.width as u32, scales.height as u32);
        let mut mask = Mask::new(w.max(1), h.max(1))?;
        if let Some(rect) = Rect::from_ltrb(0.0, y0.max(0.0) as f32, w as f32, y1.min(f64::from(h)) as f32) {
            mask.fill_path(&PathBuilder::from_rect(rect), FillRule::Winding, false, Transform::identity());
        }
        return Some((false, Bitmap { x: 0, y: 0, w: w as usize, h: h as usize, data: mask.data().to_vec() }));
    }
    let (inverse, shape) = layout.pieces.settings.clip.as_ref()?;
    let (w, h) = (scales.width as u32, scales.height as u32);
    let mut mask = Mask::new(w.max(1), h.max(1))?;
    match shape {
        ClipShape::Rect { x1, y1, x2, y2 } => {
            let (l, r) = ((x1.min(*x2) * scales.sx) as f32, (x1.max(*x2) * scales.sx) as f32);
            let (t, b) = ((y1.min(*y2) * scales.sy) as f32, (y1.max(*y2) * scales.sy) as f32);
            if let Some(rect) = Rect::from_ltrb(l.max(0.0), t.max(0.0), r.min(w as f32), b.min(h as f32)) {
                mask.fill_path(&PathBuilder::from_rect(rect), FillRule::Winding, false, Transform::identity());
            }
        }
        ClipShape::Drawing { scale, commands } => {
            let unit = 1.0 / f64::from(1u32 << (scale.clamp(&1, &16) - 1));
            if let Some(p) = drawing_path(commands, |x, y| ((x * unit * scales.sx) as f32, (y * unit * scales.sy) as f32)) {
                mask.fill_path(&p, FillRule::Winding, true, Transform::identity());
            }
        }
    }
    Some((*inverse, Bitmap { x: 0, y: 0, w: w as usize, h: h as usize, data: mask.data().to_vec() }))
}

fn apply_clip(m: &mut Bitmap, clip: &Bitmap, inverse: bool) {
    for y in 0..m.h {
        let cy = y as i32 + m.y;
        for x in 0..m.w {
            let cx = x as i32 + m.x;
            let c = if cx < 0 || cy < 0 || cx >= clip.w as i32 || cy >= clip.h as i32 {
                0
            } else {
                clip.data[cy as usize * clip.w + cx as usize]
            };
            let c = if inverse { 255 - c } else { c };
            let v = &mut m.data[y * m.w + x];
            *v = ((u32::from(*v) * u32::from(c) + 127) / 255) as u8;
        }
    }
}

/// ttf-parser outlines (font units, y up) into a path (frame pixels, y down).
struct Sink<'a> {
    b: &'a mut PathBuilder,
    ox: f64,
    oy: f64,
    kx: f64,
    ky: f64,
    shear: f64,
}

impl Sink<'_> {
    fn map(&self, x: f32, y: f32) -> (f32, f32) {
        let (x, y) = (f64::from(x), f64::from(y));
        ((self.ox + (x + self.shear * y) * self.kx) as f32, (self.oy - y * self.ky) as f32)
    }
}

impl ttf_parser::OutlineBuilder for Sink<'_> {
    fn move_to(&mut self, x: f32, y: f32) {
        let (x, y) = self.map(x, y);
        self.b.move_to(x, y);
    }
    fn line_to(&mut self, x: f32, y: f32) {
        let (x, y) = self.map(x, y);
        self.b.line_to(x, y);
    }
    fn quad_to(&mut self, x1: f32, y1: f32, x: f32, y: f32) {
        let (x1, y1) = self.map(x1, y1);
        let (x, y) = self.map(x, y);
        self.b.quad_to(x1, y1, x, y);
    }
    fn curve_to(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, x: f32, y: f32) {
        let (x1, y1) = self.map(x1, y1);
        let (x2, y2) = self.map(x2, y2);
        let (x, y) = self.map(x, y);
        self.b.cubic_to(x1, y1, x2, y2, x, y);
    }
    fn close(&mut self) {
        self.b.close();
    }
}
