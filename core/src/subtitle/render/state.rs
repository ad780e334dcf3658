//! The drawing state of one event while its override tags are applied:
//! what each run of text looks like, plus event-wide settings (position,
//! movement, fade, clip). `\t` animations apply tags with a power `k` in
//! `0..=1` that blends old and new values.

use crate::subtitle::ass::{BorderStyle, ClipShape, Color, Event, KaraokeKind, Script, Style, Tag, WrapStyle};

/// How a run of text or drawing looks.
#[derive(Debug, Clone, PartialEq)]
pub struct RunStyle {
    pub font_name: String,
    /// Font size in script pixels.
    pub font_size: f64,
    /// 400 regular, 700 bold, or a weight.
    pub weight: u16,
    pub italic: bool,
    pub underline: bool,
    pub strike_out: bool,
    /// Scales as fractions (1.0 = 100%).
    pub scale_x: f64,
    pub scale_y: f64,
    pub spacing: f64,
    pub frz: f64,
    pub fax: f64,
    pub fay: f64,
    /// Primary, secondary, outline, shadow.
    pub colors: [Color; 4],
    pub border_x: f64,
    pub border_y: f64,
    pub shadow_x: f64,
    pub shadow_y: f64,
    pub be: u32,
    pub blur: f64,
    pub border_style: BorderStyle,
    /// `\p` scale; 0 means text.
    pub drawing: u32,
    pub pbo: f64,
}

impl RunStyle {
    pub fn from_style(style: &Style) -> Self {
        Self {
            font_name: style.font_name.clone(),
            font_size: style.font_size,
            weight: weight_of(style.bold),
            italic: style.italic,
            underline: style.underline,
            strike_out: style.strike_out,
            scale_x: style.scale_x / 100.0,
            scale_y: style.scale_y / 100.0,
            spacing: style.spacing,
            frz: style.angle,
            fax: 0.0,
            fay: 0.0,
            colors: [style.primary, style.secondary, style.outline, style.back],
            border_x: style.outline_width,
            border_y: style.outline_width,
            shadow_x: style.shadow_depth,
            shadow_y: style.shadow_depth,
            be: 0,
            blur: 0.0,
            border_style: style.border_style,
            drawing: 0,
            pbo: 0.0,
        }
    }
}

fn weight_of(bold: u32) -> u16 {
    match bold {
        0 => 400,
        1 => 700,
        w => w.clamp(100, 1000) as u16,
    }
}

/// Event-wide settings gathered from the tags.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct EventSettings {
    pub align: Option<u8>,
    pub pos: Option<(f64, f64)>,
    pub origin: Option<(f64, f64)>,
    /// Transparency added by `\fad`/`\fade` (0 = none, 255 = invisible).
    pub fade: u8,
    pub fade_set: bool,
    pub clip: Option<(bool, ClipShape)>,
    pub clip_rect_animated: Option<[f64; 4]>,
    pub wrap_style: Option<WrapStyle>,
    pub has_move: bool,
}

/// Applies tags to a run style and the event settings.
pub struct TagContext<'a> {
    pub script: &'a Script,
    pub base: Style,
    /// Milliseconds since the event start.
    pub t_ms: i64,
    pub duration_ms: i64,
}

impl TagContext<'_> {
    pub fn new<'a>(script: &'a Script, event: &Event, time: f64) -> TagContext<'a> {
        let t_ms = ((time - event.start) * 1000.0).round() as i64;
        let duration_ms = ((event.end - event.start) * 1000.0).round() as i64;
        TagContext { script, base: script.style_for(event), t_ms, duration_ms }
    }

    /// Apply `tag` with animation power `k` (1 = fully).
    pub fn apply(&self, tag: &Tag, k: f64, run: &mut RunStyle, ev: &mut EventSettings, style: &mut Style) {
        let mix = |old: f64, new: f64| old * (1.0 - k) + new * k;
        match tag {
            Tag::Bold(v) => run.weight = weight_of(v.unwrap_or(style.bold)),
            Tag::Italic(v) => run.italic = v.unwrap_or(style.italic),
            Tag::Underline(v) => run.underline = v.unwrap_or(style.underline),
            Tag::StrikeOut(v) => run.strike_out = v.unwrap_or(style.strike_out),
            Tag::Border(v) => {
                let (x, y) = match v {
                    Some(v) => (mix(run.border_x, *v).max(0.0), mix(run.border_y, *v).max(0.0)),
                    None => (style.outline_width, style.outline_width),
                };
                run.border_x = x;
                run.border_y = y;
            }
            Tag::BorderX(v) => run.border_x = v.map(|v| mix(run.border_x, v).max(0.0)).unwrap_or(style.outline_width),
            Tag::BorderY(v) => run.border_y = v.map(|v| mix(run.border_y, v).max(0.0)).unwrap_or(style.outline_width),
            Tag::Shadow(v) => {
                let (x, y) = match v {
                    Some(v) => (mix(run.shadow_x, *v).max(0.0), mix(run.shadow_y, *v).max(0.0)),
                    None => (style.shadow_depth, style.shadow_depth),
                };
                run.shadow_x = x;
                run.shadow_y = y;
            }
            Tag::ShadowX(v) => run.shadow_x = v.map(|v| mix(run.shadow_x, v)).unwrap_or(style.shadow_depth),
            Tag::ShadowY(v) => run.shadow_y = v.map(|v| mix(run.shadow_y, v)).unwrap_or(style.shadow_depth),
            Tag::EdgeBlur(v) => {
                run.be = match v {
                    Some(v) => (mix(f64::from(run.be), *v) + 0.5).clamp(0.0, 127.0) as u32,
                    None => 0,
                }
            }
            Tag::Blur(v) => run.blur = v.map(|v| mix(run.blur, v).clamp(0.0, 100.0)).unwrap_or(0.0),
            Tag::FontName(v) => run.font_name = v.clone().unwrap_or_else(|| style.font_name.clone()),
            Tag::FontSize(v) => {
                let val = v.map(|v| mix(run.font_size, v)).unwrap_or(0.0);
                run.font_size = if val > 0.0 { val.min(10_000.0) } else { style.font_size };
            }
            Tag::FontSizeStep(v) => {
                let val = run.font_size * (1.0 + k * v / 10.0);
                run.font_size = if val > 0.0 { val.min(10_000.0) } else { style.font_size };
            }
            Tag::ScaleX(v) => run.scale_x = v.map(|v| mix(run.scale_x, v / 100.0).clamp(0.0, 100.0)).unwrap_or(style.scale_x / 100.0),
            Tag::ScaleY(v) => run.scale_y = v.map(|v| mix(run.scale_y, v / 100.0).clamp(0.0, 100.0)).unwrap_or(style.scale_y / 100.0),
            Tag::ScaleReset => {
                run.scale_x = style.scale_x / 100.0;
                run.scale_y = style.scale_y / 100.0;
            }
            Tag::Spacing(v) => run.spacing = v.map(|v| mix(run.spacing, v)).unwrap_or(style.spacing),
            Tag::RotateZ(v) => run.frz = v.map(|v| mix(run.frz, v)).unwrap_or(style.angle),
            Tag::RotateX(_) | Tag::RotateY(_) | Tag::FontEncoding(_) => {}
            Tag::ShearX(v) => run.fax = v.map(|v| mix(run.fax, v)).unwrap_or(0.0),
            Tag::ShearY(v) => run.fay = v.map(|v| mix(run.fay, v)).unwrap_or(0.0),
            Tag::Color { index, rgb } => {
                let i = usize::from(index.clamp(&1, &4) - 1);
                let styled = [style.primary, style.secondary, style.outline, style.back][i];
                let target = match rgb {
                    Some((r, g, b)) => Color { r: *r, g: *g, b: *b, alpha: run.colors[i].alpha },
                    None => styled.with_alpha(run.colors[i].alpha),
                };
                let k = if rgb.is_some() { k } else { 1.0 };
                let c = &mut run.colors[i];
                c.r = anim_channel(c.r, target.r, k);
                c.g = anim_channel(c.g, target.g, k);
                c.b = anim_channel(c.b, target.b, k);
            }
            Tag::AlphaAll(v) => {
                let styled = [style.primary, style.secondary, style.outline, style.back];
                let kk = if v.is_some() { k } else { 1.0 };
                for (i, c) in run.colors.iter_mut().enumerate() {
                    let a = v.unwrap_or(i32::from(styled[i].alpha));
                    c.alpha = anim_alpha(c.alpha, a, kk);
                }
            }
            Tag::Alpha { index, value } => {
                let i = usize::from(index.clamp(&1, &4) - 1);
                let styled = [style.primary, style.secondary, style.outline, style.back][i];
                let a = value.unwrap_or(i32::from(styled.alpha));
                let kk = if value.is_some() { k } else { 1.0 };
                run.colors[i].alpha = anim_alpha(run.colors[i].alpha, a, kk);
            }
            Tag::Align(v) => {
                if ev.align.is_none() {
                    ev.align = Some(v.unwrap_or(style.alignment));
                }
            }
            Tag::Pos { x, y } => {
                if ev.pos.is_none() {
                    ev.pos = Some((*x, *y));
                }
            }
            Tag::Move { x1, y1, x2, y2, times } => {
                if ev.pos.is_none() {
                    let (t1, t2) = match times {
                        Some((a, b)) if a < b => (*a, *b),
                        Some((a, b)) => (*b, *a),
                        None => (0, self.duration_ms),
                    };
                    let t2 = if t1 == 0 && t2 == 0 { self.duration_ms } else { t2 };
                    let f = if self.t_ms <= t1 {
                        0.0
                    } else if self.t_ms >= t2 || t2 <= t1 {
                        1.0
                    } else {
                        self.t_ms.saturating_sub(t1) as f64 / t2.saturating_sub(t1) as f64
                    };
                    ev.pos = Some((x1 + (x2 - x1) * f, y1 + (y2 - y1) * f));
                    ev.has_move = true;
                }
            }
            Tag::Origin { x, y } => {
                if ev.origin.is_none() {
                    ev.origin = Some((*x, *y));
                }
            }
            Tag::Fad { fade_in, fade_out } => {
                if !ev.fade_set {
                    let d = self.duration_ms;
                    ev.fade = fade_alpha(self.t_ms, 0, *fade_in, d.saturating_sub(*fade_out), d, 255, 0, 255);
                    ev.fade_set = true;
                }
            }
            Tag::Fade { a1, a2, a3, t1, t2, t3, t4 } => {
                if !ev.fade_set {
                    ev.fade = fade_alpha(self.t_ms, *t1, *t2, *t3, *t4, *a1, *a2, *a3);
                    ev.fade_set = true;
                }
            }
            Tag::Karaoke { .. } | Tag::KaraokeTime(_) => {}
            Tag::Transform { t1, t2, accel, tags } => {
                let t2 = if *t2 == 0 { self.duration_ms } else { *t2 };
                let kk = if self.t_ms < *t1 {
                    0.0
                } else if self.t_ms >= t2 || t2 <= *t1 {
                    1.0
                } else {
                    let base = self.t_ms.saturating_sub(*t1) as f64 / t2.saturating_sub(*t1) as f64;
                    let a = if accel.is_finite() && *accel > 0.0 { *accel } else { 1.0 };
                    base.powf(a)
                };
                for inner in tags {
                    self.apply(inner, kk, run, ev, style);
                }
            }
            Tag::Clip { inverse, shape } => match shape {
                ClipShape::Rect { x1, y1, x2, y2 } => {
                    let old = ev.clip_rect_animated.unwrap_or([*x1, *y1, *x2, *y2]);
                    let r = [mix(old[0], *x1), mix(old[1], *y1), mix(old[2], *x2), mix(old[3], *y2)];
                    ev.clip_rect_animated = Some(r);
                    ev.clip = Some((*inverse, ClipShape::Rect { x1: r[0], y1: r[1], x2: r[2], y2: r[3] }));
                }
                ClipShape::Drawing { .. } => {
                    if !matches!(ev.clip, Some((_, ClipShape::Drawing { .. }))) {
                        ev.clip = Some((*inverse, shape.clone()));
                    }
                }
            },
            Tag::WrapStyle(v) => ev.wrap_style = v.and_then(|v| WrapStyle::from_number(i64::from(v))),
            Tag::Reset(name) => {
                let new_style = match name {
                    Some(n) => self.script.style(n).cloned().unwrap_or_else(|| self.base.clone()),
                    None => self.base.clone(),
                };
                let drawing = run.drawing;
                *run = RunStyle::from_style(&new_style);
                run.drawing = drawing;
                *style = new_style;
            }
            Tag::Drawing(v) => run.drawing = *v,
            Tag::BaselineOffset(v) => run.pbo = *v,
            Tag::Unknown(_) => {}
        }
    }
}

/// One step of an alpha animation, libass's rule (`change_alpha` and
/// `calc_anim_int32` in libass/ass_parse.c): `old * (1 - k) + new * k` in
/// floating point, with `new` read as an unsigned 32-bit number; the result
/// is truncated toward zero to a 32-bit integer (out of range gives
/// `i32::MIN`) and only its low byte is kept. So an alpha written above
/// `&HFF&` wraps round inside `\t` (`\t(\1a&H1FF&)` turns transparent, then
/// opaque again), and a fractional step is truncated, not rounded.
pub(crate) fn anim_alpha(old: u8, new: i32, k: f64) -> u8 {
    let v = (1.0 - k) * f64::from(old) + f64::from(new as u32) * k;
    let whole = if v.is_nan() || v <= f64::from(i32::MIN) || v >= 2_147_483_648.0 { i32::MIN } else { v as i32 };
    whole as u8
}

/// One step of a colour-channel animation: libass (`change_color`) mixes
/// each channel the same way and truncates.
fn anim_channel(old: u8, new: u8, k: f64) -> u8 {
    let v = (1.0 - k) * f64::from(old) + f64::from(new) * k;
    if v.is_nan() {
        0
    } else {
        v.clamp(0.0, 255.0) as u8
    }
}

/// Transparency of a `\fade` at `t` ms.
#[allow(clippy::too_many_arguments)]
fn fade_alpha(t: i64, t1: i64, t2: i64, t3: i64, t4: i64, a1: i64, a2: i64, a3: i64) -> u8 {
    // In floating point: alpha and time spans come from the script and
    // their product may not fit an i64.
    let lerp = |from: i64, to: i64, num: i64, den: i64| {
        if den <= 0 {
            to
        } else {
            let step = ((to as f64 - from as f64) * num as f64 / den as f64).trunc();
            (from as f64 + step).clamp(-1e6, 1e6) as i64
        }
    };
    let a = if t < t1 {
        a1
    } else if t < t2 {
        lerp(a1, a2, t.saturating_sub(t1), t2.saturating_sub(t1))
    } else if t < t3 {
        a2
    } else if t < t4 {
        lerp(a2, a3, t.saturating_sub(t3), t4.saturating_sub(t3))
    } else {
        a3
    };
    a.clamp(0, 255) as u8
}

/// A karaoke syllable's timing, in ms from the event start.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct KaraokeTiming {
    pub kind: KaraokeKind,
    pub start_ms: i64,
    pub end_ms: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fades() {
        assert_eq!(fade_alpha(0, 0, 500, 1500, 2000, 255, 0, 255), 255);
        assert_eq!(fade_alpha(250, 0, 500, 1500, 2000, 255, 0, 255), 128);
        assert_eq!(fade_alpha(1000, 0, 500, 1500, 2000, 255, 0, 255), 0);
        assert_eq!(fade_alpha(5000, 0, 500, 1500, 2000, 255, 0, 255), 255);
    }

    #[test]
    fn alpha_animation_truncates_and_wraps_like_libass() {
        // Values libass 0.17 gives for `{\1a0\t(\1a1FF)}` (libass-tests
        // vsf-quirks-var/alpha-clipping): the byte wraps past half-way.
        assert_eq!(anim_alpha(0, 0x1FF, 0.5), 255);
        assert_eq!(anim_alpha(0, 0x1FF, 0.512), 5);
        assert_eq!(anim_alpha(0, 0x1FF, 1.0), 255);
        // Truncation, not rounding.
        assert_eq!(anim_alpha(0, 0xFF, 0.999), 254);
        // Negative values read as huge unsigned numbers saturate to 0.
        assert_eq!(anim_alpha(0x80, -1, 1.0), 0);
        assert_eq!(anim_channel(0, 255, 0.999), 254);
    }
}
