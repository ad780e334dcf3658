//! Laying out one event: shaping (rustybuzz, with per-character font
//! fallback and bidi reordering), line wrapping per wrap style, line
//! metrics, alignment and margins, `\pos`/`\move`.

use std::sync::Arc;

use tiny_skia::{Path, Transform};
use unicode_bidi::BidiInfo;

use super::drawing::drawing_path;
use super::italic::{ink_extent, widen_italic_ends, FauxItalic};
use super::pieces::{EventPieces, Piece, PieceKind};
use crate::subtitle::ass::{Event, Script, WrapStyle};
use crate::subtitle::fonts::{FontFace, FontLibrary};

/// Scale factors between script coordinates and the output frame.
#[derive(Debug, Clone, Copy)]
pub struct Scales {
    pub width: f64,
    pub height: f64,
    /// Frame pixels per script pixel (positions, margins, drawings).
    pub sx: f64,
    pub sy: f64,
    /// Horizontal stretch of glyphs when the frame's aspect differs from
    /// the layout resolution's.
    pub par: f64,
    /// Border and shadow scale.
    pub border_x: f64,
    pub border_y: f64,
    /// Blur scale.
    pub blur_x: f64,
    pub blur_y: f64,
}

impl Scales {
    /// The layout resolution: `LayoutResX/Y` when given, else the frame.
    pub fn layout_res(&self, script: &Script) -> (f64, f64) {
        if script.info.layout_res_x > 0 && script.info.layout_res_y > 0 {
            (f64::from(script.info.layout_res_x), f64::from(script.info.layout_res_y))
        } else {
            (self.width, self.height)
        }
    }

    pub fn new(script: &Script, width: u32, height: u32) -> Self {
        let (w, h) = (f64::from(width), f64::from(height));
        let info = &script.info;
        let (prx, pry) = (f64::from(info.play_res_x.max(1)), f64::from(info.play_res_y.max(1)));
        let (lx, ly) = if info.layout_res_x > 0 && info.layout_res_y > 0 {
            (f64::from(info.layout_res_x), f64::from(info.layout_res_y))
        } else {
            (w, h)
        };
        let par = if info.layout_res_x > 0 && info.layout_res_y > 0 { (w / h) / (lx / ly) } else { 1.0 };
        let (sx, sy) = (w / prx, h / pry);
        let (blur_x, blur_y) = (w / lx, h / ly);
        let (border_x, border_y) = if info.scaled_border_and_shadow { (sx, sy) } else { (blur_x, blur_y) };
        Self { width: w, height: h, sx, sy, par, border_x, border_y, blur_x, blur_y }
    }
}

/// A positioned glyph or drawing.
#[derive(Clone)]
pub struct Glyph {
    pub piece: usize,
    pub face: Option<Arc<FontFace>>,
    pub id: u16,
    /// Pen position from the line start, and shaping offset (px, y up).
    pub x: f64,
    pub dx: f64,
    pub dy: f64,
    pub advance: f64,
    /// Pixels per font unit, horizontally and vertically.
    pub kx: f64,
    pub ky: f64,
    pub asc: f64,
    pub desc: f64,
    /// A drawing in pixels relative to the pen at the baseline.
    pub drawing: Option<Path>,
    pub faux_bold: bool,
    /// Outline shear of faux italics (0 when upright or truly italic).
    pub shear: f64,
    /// The style asks for italic (real or faux).
    pub italic: bool,
    /// Right edge of the (sheared) outline from the glyph origin, in
    /// pixels; `None` without outline. Only measured for italic glyphs.
    pub ink_right: Option<f64>,
    /// The letter spacing included in `advance`.
    pub spacing: f64,
}

/// One laid-out line.
pub struct Line {
    pub glyphs: Vec<Glyph>,
    pub width: f64,
    pub asc: f64,
    pub desc: f64,
    /// Frame position of the line start and its baseline.
    pub x: f64,
    pub baseline: f64,
}

/// An event ready to rasterise.
pub struct EventLayout {
    pub pieces: EventPieces,
    pub lines: Vec<Line>,
    /// Text block in frame pixels (before rotation).
    pub left: f64,
    pub top: f64,
    pub width: f64,
    pub height: f64,
    /// Rotation origin in frame pixels.
    pub origin: (f64, f64),
    /// Whether the event takes part in collision avoidance, and which way
    /// it moves (true = up).
    pub collides: bool,
    pub shift_up: bool,
    pub layer: i32,
    /// Vertical range (frame pixels) a scrolling event is clipped to.
    pub scroll_clip: Option<(f64, f64)>,
    /// Border widths above the first line and below the last (they count
    /// when events avoid each other).
    pub border_top: f64,
    pub border_bottom: f64,
}

/// A legacy SSA `Effect`: `Banner;delay[;left_to_right]`,
/// `Scroll up;y1;y2;delay`, `Scroll down;y1;y2;delay`.
#[derive(Debug, Clone, Copy, PartialEq)]
enum TransitionEffect {
    Banner { delay: f64, left_to_right: bool },
    Scroll { up: bool, y0: f64, y1: f64, delay: f64 },
}

impl TransitionEffect {
    fn parse(effect: &str) -> Option<Self> {
        let mut parts = effect.split(';');
        let name = parts.next()?.trim().to_ascii_lowercase();
        let nums: Vec<f64> = parts.take(4).map(|p| p.trim().split(|c: char| !c.is_ascii_digit() && c != '-').next().and_then(|n| n.parse::<i64>().ok()).unwrap_or(0) as f64).collect();
        match name.as_str() {
            "banner" if !nums.is_empty() => Some(Self::Banner { delay: nums[0], left_to_right: nums.get(1).is_some_and(|v| *v != 0.0) }),
            "scroll up" | "scroll down" if nums.len() >= 3 => {
                let (a, b) = (nums[0].min(nums[1]), nums[0].max(nums[1]));
                Some(Self::Scroll { up: name == "scroll up", y0: a, y1: b, delay: nums[2] })
            }
            _ => None,
        }
    }
}

struct Token {
    piece: usize,
    text: String,
    space: bool,
    level: u8,
}

/// Per-render shaping state (kept for future caching of parsed faces).
#[derive(Default)]
pub struct ShapeCache;

/// Lay out `pieces` of `event` for a frame.
#[allow(clippy::too_many_arguments)]
pub fn layout_event(
    script: &Script,
    event: &Event,
    pieces: EventPieces,
    fonts: &FontLibrary,
    scales: &Scales,
    cache: &mut ShapeCache,
    t_ms: i64,
    faux_italic: FauxItalic,
) -> EventLayout {
    let effect = TransitionEffect::parse(&event.effect);
    let style = &pieces.style;
    let align = pieces.settings.align.unwrap_or(style.alignment).clamp(1, 9);
    let margin_l = if event.margin_l != 0 { event.margin_l } else { style.margin_l };
    let margin_r = if event.margin_r != 0 { event.margin_r } else { style.margin_r };
    let margin_v = if event.margin_v != 0 { event.margin_v } else { style.margin_v };
    let wrap = if matches!(effect, Some(TransitionEffect::Banner { .. })) {
        WrapStyle::None
    } else {
        pieces.settings.wrap_style.unwrap_or(script.info.wrap_style)
    };
    let max_width = ((f64::from(script.info.play_res_x) - f64::from(margin_l) - f64::from(margin_r)) * scales.sx).max(1.0);

    // Split into hard lines of tokens.
    // Each hard line: its tokens, the break that starts it, and whether the
    // break that ends it (if any) is upright.
    let mut hard_lines: Vec<(Vec<Token>, usize)> = vec![(Vec::new(), 0)];
    let mut upright_breaks: Vec<bool> = Vec::new();
    for (i, piece) in pieces.pieces.iter().enumerate() {
        match &piece.kind {
            PieceKind::Break => {
                upright_breaks.push(!piece.style.italic);
                hard_lines.push((Vec::new(), i));
            }
            PieceKind::Drawing(_) => {
                let line = &mut hard_lines.last_mut().expect("one line").0;
                line.push(Token { piece: i, text: "\u{fffc}".into(), space: false, level: 0 });
            }
            PieceKind::Text(text) => {
                let line = &mut hard_lines.last_mut().expect("one line").0;
                let mut word = String::new();
                for c in text.chars() {
                    let is_space = c == ' ';
                    if !word.is_empty() && (is_space != word.starts_with(' ')) {
                        let space = word.starts_with(' ');
                        line.push(Token { piece: i, text: std::mem::take(&mut word), space, level: 0 });
                    }
                    word.push(c);
                }
                if !word.is_empty() {
                    let space = word.starts_with(' ');
                    line.push(Token { piece: i, text: word, space, level: 0 });
                }
            }
        }
    }

    let mut lines: Vec<Line> = Vec::new();
    let mut line_borders: Vec<f64> = Vec::new();
    for (line_index, (mut tokens, break_piece)) in hard_lines.into_iter().enumerate() {
        assign_levels(&mut tokens);
        let mut shaped: Vec<Vec<Glyph>> = tokens
            .iter()
            .map(|t| shape_token(t, &pieces.pieces, fonts, scales, cache, script.info.kerning, faux_italic))
            .collect();
        {
            let mut logical: Vec<&mut Glyph> = shaped.iter_mut().flatten().collect();
            widen_italic_ends(&mut logical, upright_breaks.get(line_index).copied().unwrap_or(false));
        }
        let widths: Vec<f64> = shaped.iter().map(|g| g.iter().map(|g| g.advance).sum()).collect();
        let groups = wrap_tokens(&tokens, &widths, max_width, wrap);
        for group in groups {
            let mut order: Vec<usize> = group.clone();
            reorder_visual(&mut order, &tokens);
            let mut glyphs = Vec::new();
            let mut pen = 0.0;
            for ti in order {
                for g in &shaped[ti] {
                    let mut g = g.clone();
                    g.x = pen;
                    pen += g.advance;
                    glyphs.push(g);
                }
            }
            let (mut asc, mut desc) = glyphs.iter().fold((0.0f64, 0.0f64), |(a, d), g| (a.max(g.asc), d.max(g.desc)));
            if glyphs.is_empty() {
                // An empty line is half the height of its font.
                let p = pieces.pieces.get(break_piece.min(pieces.pieces.len().saturating_sub(1)));
                if let Some((a, d)) = p.and_then(|p| piece_metrics(p, fonts, scales)) {
                    asc = a * 0.5;
                    desc = d * 0.5;
                }
            }
            let border = glyphs.iter().map(|g| pieces.pieces[g.piece].style.border_y * scales.border_y).fold(0.0, f64::max);
            line_borders.push(border);
            lines.push(Line { width: pen, glyphs, asc, desc, x: 0.0, baseline: 0.0 });
        }
    }

    let width = lines.iter().map(|l| l.width).fold(0.0, f64::max);
    let height: f64 = lines.iter().map(|l| l.asc + l.desc).sum();
    let halign = (align - 1) % 3; // 0 left, 1 centre, 2 right
    let valign = (align - 1) / 3; // 0 bottom, 1 middle, 2 top
    let settings = &pieces.settings;

    let (anchor_x, anchor_y, left, top) = match settings.pos {
        Some((px, py)) => {
            let (ax, ay) = (px * scales.sx, py * scales.sy);
            let left = match halign {
                0 => ax,
                1 => ax - width / 2.0,
                _ => ax - width,
            };
            let top = match valign {
                0 => ay - height,
                1 => ay - height / 2.0,
                _ => ay,
            };
            (ax, ay, left, top)
        }
        None => {
            let ml = f64::from(margin_l) * scales.sx;
            let mr = f64::from(margin_r) * scales.sx;
            let mv = f64::from(margin_v) * scales.sy;
            let (left, ax) = match halign {
                0 => (ml, ml),
                1 => {
                    let centre = ml + (scales.width - ml - mr) / 2.0;
                    (centre - width / 2.0, centre)
                }
                _ => (scales.width - mr - width, scales.width - mr),
            };
            let (top, ay) = match valign {
                0 => (scales.height - mv - height, scales.height - mv),
                1 => ((scales.height - height) / 2.0, scales.height / 2.0),
                _ => (mv, mv),
            };
            (ax, ay, left, top)
        }
    };

    // Legacy SSA transition effects move the block (and clip scrolls).
    let (mut left, mut top) = (left, top);
    let mut scroll_clip = None;
    if let Some(effect) = effect {
        let (lx, ly) = scales.layout_res(script);
        match effect {
            TransitionEffect::Banner { delay, left_to_right } => {
                let sx_layout = lx / f64::from(script.info.play_res_x.max(1));
                let delay = (delay / sx_layout).max(1.0).trunc() * sx_layout;
                let shift = t_ms as f64 / delay;
                left = if left_to_right {
                    shift * scales.sx - width
                } else {
                    (f64::from(script.info.play_res_x) - shift) * scales.sx
                };
            }
            TransitionEffect::Scroll { up, y0, y1, delay } => {
                let sy_layout = ly / f64::from(script.info.play_res_y.max(1));
                let delay = (delay / sy_layout).max(1.0).trunc() * sy_layout;
                let shift = t_ms as f64 / delay;
                top = if up { (y1 - shift) * scales.sy } else { (y0 + shift) * scales.sy - height };
                scroll_clip = Some((y0 * scales.sy, y1 * scales.sy));
            }
        }
    }
    let mut y = top;
    for line in &mut lines {
        line.x = match halign {
            0 => left,
            1 => left + (width - line.width) / 2.0,
            _ => left + width - line.width,
        };
        line.baseline = y + line.asc;
        y += line.asc + line.desc;
    }
    let origin = settings.origin.map(|(x, y)| (x * scales.sx, y * scales.sy)).unwrap_or((anchor_x, anchor_y));
    let rotated = pieces.pieces.iter().any(|p| p.style.frz % 360.0 != 0.0);
    let collides = settings.pos.is_none() && settings.origin.is_none() && !rotated && event.effect.trim().is_empty();
    EventLayout {
        lines,
        left,
        top,
        width,
        height,
        origin,
        collides,
        shift_up: valign == 0,
        layer: event.layer,
        scroll_clip,
        border_top: line_borders.first().copied().unwrap_or(0.0),
        border_bottom: line_borders.last().copied().unwrap_or(0.0),
        pieces,
    }
}

fn piece_metrics(p: &Piece, fonts: &FontLibrary, scales: &Scales) -> Option<(f64, f64)> {
    let face = fonts.select(&p.style.font_name, p.style.weight, p.style.italic)?;
    let size = p.style.font_size * scales.sy;
    let ky = size * p.style.scale_y / (face.ascent + face.descent);
    Some((face.ascent * ky, face.descent * ky))
}

/// Bidi embedding levels per token (from the first character of each).
fn assign_levels(tokens: &mut [Token]) {
    if !tokens.iter().any(|t| t.text.chars().any(is_rtl_char)) {
        return;
    }
    let text: String = tokens.iter().map(|t| t.text.as_str()).collect();
    let info = BidiInfo::new(&text, None);
    let mut offset = 0;
    for t in tokens.iter_mut() {
        t.level = info.levels.get(offset).map(|l| l.number()).unwrap_or(0);
        offset += t.text.len();
    }
}

fn is_rtl_char(c: char) -> bool {
    matches!(c as u32, 0x0590..=0x08FF | 0xFB1D..=0xFDFF | 0xFE70..=0xFEFF | 0x10800..=0x10FFF | 0x1E800..=0x1EFFF)
}

/// Reorder a line's tokens from logical to visual order (rule L2).
fn reorder_visual(order: &mut [usize], tokens: &[Token]) {
    let max = order.iter().map(|&i| tokens[i].level).max().unwrap_or(0);
    if max == 0 {
        return;
    }
    let min_odd = order.iter().map(|&i| tokens[i].level).filter(|l| l % 2 == 1).min().unwrap_or(1);
    for level in (min_odd..=max).rev() {
        let mut i = 0;
        while i < order.len() {
            if tokens[order[i]].level >= level {
                let start = i;
                while i < order.len() && tokens[order[i]].level >= level {
                    i += 1;
                }
                order[start..i].reverse();
            } else {
                i += 1;
            }
        }
    }
}

/// Break tokens into lines no wider than `max_width` (except single long
/// words), trimming spaces at line ends; smart styles then even out lines.
fn wrap_tokens(tokens: &[Token], widths: &[f64], max_width: f64, wrap: WrapStyle) -> Vec<Vec<usize>> {
    let mut lines: Vec<Vec<usize>> = vec![Vec::new()];
    let mut width = 0.0;
    for (i, t) in tokens.iter().enumerate() {
        let line = lines.last_mut().expect("one line");
        if !t.space && wrap != WrapStyle::None && !line.is_empty() && width + widths[i] > max_width {
            lines.push(vec![i]);
            width = widths[i];
            continue;
        }
        line.push(i);
        width += widths[i];
    }
    for line in &mut lines {
        while line.first().is_some_and(|&i| tokens[i].space) {
            line.remove(0);
        }
        while line.last().is_some_and(|&i| tokens[i].space) {
            line.pop();
        }
    }
    if matches!(wrap, WrapStyle::Smart | WrapStyle::SmartLower) && lines.len() > 1 {
        rebalance(&mut lines, tokens, widths);
    }
    lines
}

fn line_width(line: &[usize], widths: &[f64]) -> f64 {
    line.iter().map(|&i| widths[i]).sum()
}

/// Move the last word of a line down while that makes neighbouring lines
/// closer in width.
fn rebalance(lines: &mut [Vec<usize>], tokens: &[Token], widths: &[f64]) {
    for _ in 0..64 {
        let mut changed = false;
        for i in 0..lines.len() - 1 {
            let upper = &lines[i];
            // The last word of the upper line and the spaces before it.
            let Some(last_word) = upper.iter().rposition(|&t| !tokens[t].space) else { continue };
            let mut cut = last_word;
            while cut > 0 && !tokens[upper[cut - 1]].space {
                cut -= 1;
            }
            if cut == 0 {
                continue;
            }
            let mut keep = cut;
            while keep > 0 && tokens[upper[keep - 1]].space {
                keep -= 1;
            }
            let l1 = line_width(upper, widths);
            let l2 = line_width(&lines[i + 1], widths);
            let moved: Vec<usize> = upper[cut..].to_vec();
            let l1_new = line_width(&upper[..keep], widths);
            let space_w: f64 = upper[keep..cut].iter().map(|&t| widths[t]).sum();
            let l2_new = l2 + line_width(&moved, widths) + space_w;
            if (l1_new - l2_new).abs() < (l1 - l2).abs() {
                let spaces: Vec<usize> = upper[keep..cut].to_vec();
                lines[i].truncate(keep);
                let mut next = moved;
                next.extend(spaces);
                next.extend(lines[i + 1].iter().copied());
                lines[i + 1] = next;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
}

/// Shape one token into glyphs (pen positions relative to the token).
fn shape_token(
    token: &Token,
    pieces: &[Piece],
    fonts: &FontLibrary,
    scales: &Scales,
    cache: &mut ShapeCache,
    kerning: bool,
    faux: FauxItalic,
) -> Vec<Glyph> {
    let piece = &pieces[token.piece];
    let st = &piece.style;
    if let PieceKind::Drawing(commands) = &piece.kind {
        return shape_drawing(token.piece, commands, st, scales);
    }
    let Some(primary) = fonts.select(&st.font_name, st.weight, st.italic) else { return Vec::new() };
    let size = st.font_size * scales.sy;
    let spacing = st.spacing * scales.sx * st.scale_x;
    // Split the token into runs of characters that one face covers.
    let mut runs: Vec<(Arc<FontFace>, String)> = Vec::new();
    for c in token.text.chars() {
        let is_mark = matches!(c as u32, 0x0300..=0x036F | 0x0483..=0x0489 | 0x0591..=0x05C7 | 0x064B..=0x065F | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF | 0x20D0..=0x20FF | 0xFE20..=0xFE2F);
        let face = match (is_mark, runs.last()) {
            (true, Some((f, _))) if f.covers(c) => f.clone(),
            _ => fonts.face_for_char(&primary, c, st.weight),
        };
        match runs.last_mut() {
            Some((f, text)) if Arc::ptr_eq(f, &face) => text.push(c),
            _ => runs.push((face, c.to_string())),
        }
    }
    let rtl = token.level % 2 == 1;
    if rtl {
        runs.reverse();
    }
    let mut glyphs = Vec::new();
    let mut pen = 0.0;
    for (face, text) in runs {
        let units = face.ascent + face.descent;
        let ky = size * st.scale_y / units;
        let kx = size * st.scale_x * scales.par / units;
        let faux_bold = st.weight >= 700 && face.weight < 600;
        let faux_italic = st.italic && !face.italic;
        let shear = if faux_italic { faux.shear(&face) } else { 0.0 };
        let _ = &cache;
        let Some(hb) = rustybuzz::Face::from_slice(face.data(), face.index()) else { continue };
        let mut buffer = rustybuzz::UnicodeBuffer::new();
        buffer.push_str(&text);
        buffer.guess_segment_properties();
        buffer.set_direction(if rtl { rustybuzz::Direction::RightToLeft } else { rustybuzz::Direction::LeftToRight });
        let features = if kerning { Vec::new() } else { vec![rustybuzz::Feature::new(rustybuzz::ttf_parser::Tag::from_bytes(b"kern"), 0, ..)] };
        let out = rustybuzz::shape(&hb, &features, buffer);
        let infos = out.glyph_infos();
        let positions = out.glyph_positions();
        for (info, pos) in infos.iter().zip(positions) {
            let glyph_spacing = if pos.x_advance != 0 { spacing } else { 0.0 };
            let advance = f64::from(pos.x_advance) * kx + glyph_spacing;
            let id = info.glyph_id as u16;
            let ink_right = if st.italic { ink_extent(&face, id, shear).map(|(_, right)| right * kx) } else { None };
            glyphs.push(Glyph {
                piece: token.piece,
                face: Some(face.clone()),
                id,
                x: pen,
                dx: f64::from(pos.x_offset) * kx,
                dy: f64::from(pos.y_offset) * ky,
                advance,
                kx,
                ky,
                asc: face.ascent * ky,
                desc: face.descent * ky,
                drawing: None,
                faux_bold,
                shear,
                italic: st.italic,
                ink_right,
                spacing: glyph_spacing,
            });
            pen += advance;
        }
    }
    glyphs
}

fn shape_drawing(piece: usize, commands: &str, st: &super::state::RunStyle, scales: &Scales) -> Vec<Glyph> {
    let unit = 1.0 / f64::from(1u32 << (st.drawing.clamp(1, 16) - 1));
    let (fx, fy) = (unit * st.scale_x * scales.sx, unit * st.scale_y * scales.sy);
    let Some(path) = drawing_path(commands, |x, y| ((x * fx) as f32, (y * fy) as f32)) else { return Vec::new() };
    let b = path.bounds();
    // The drawing sits on the baseline: its lowest point (less \pbo) is the
    // baseline, its advance is its right edge.
    let pbo = st.pbo * fy;
    let asc = (f64::from(b.bottom()) - pbo).max(0.0);
    let Some(path) = path.transform(Transform::from_translate(0.0, -(asc as f32))) else { return Vec::new() };
    let ink_right = (b.width() > 0.0).then(|| f64::from(b.right()));
    vec![Glyph {
        piece,
        face: None,
        id: 0,
        x: 0.0,
        dx: 0.0,
        dy: 0.0,
        advance: f64::from(b.right()).max(0.0),
        kx: 1.0,
        ky: 1.0,
        asc,
        desc: 0.0,
        drawing: Some(path),
        faux_bold: false,
        shear: 0.0,
        italic: st.italic,
        ink_right,
        spacing: 0.0,
    }]
}
