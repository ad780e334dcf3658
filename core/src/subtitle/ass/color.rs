//! ASS colours: `&HAABBGGRR`, where AA is transparency (00 opaque, FF invisible).

use serde::{Deserialize, Serialize};

/// A colour as ASS stores it: red, green, blue and a *transparency*
/// (`alpha` 0 = opaque, 255 = invisible).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default, schemars::JsonSchema)]
pub struct Color {
    pub r: u8,
    pub g: u8,
    pub b: u8,
    /// ASS transparency: 0 opaque, 255 invisible.
    pub alpha: u8,
}

impl Color {
    pub const fn rgb(r: u8, g: u8, b: u8) -> Self {
        Self { r, g, b, alpha: 0 }
    }

    pub const fn with_alpha(self, alpha: u8) -> Self {
        Self { alpha, ..self }
    }

    /// Opacity 0..=255 (255 - transparency).
    pub fn opacity(self) -> u8 {
        255 - self.alpha
    }

    /// From the packed ASS value `0xAABBGGRR`.
    pub fn from_packed(v: u32) -> Self {
        Self { r: v as u8, g: (v >> 8) as u8, b: (v >> 16) as u8, alpha: (v >> 24) as u8 }
    }

    /// The packed ASS value `0xAABBGGRR`.
    pub fn packed(self) -> u32 {
        u32::from(self.r) | u32::from(self.g) << 8 | u32::from(self.b) << 16 | u32::from(self.alpha) << 24
    }

    /// `&HAABBGGRR` as written in styles.
    pub fn to_style_string(self) -> String {
        format!("&H{:08X}", self.packed())
    }

    /// `&HBBGGRR&` as written in `\c` tags.
    pub fn to_tag_string(self) -> String {
        format!("&H{:02X}{:02X}{:02X}&", self.b, self.g, self.r)
    }

    /// From `#RRGGBB` or `#RRGGBBAA` (CSS order, AA = opacity), as brand
    /// kits write colours.
    pub fn from_css(text: &str) -> Option<Self> {
        let hex = text.trim().strip_prefix('#')?;
        if !hex.is_ascii() || !(hex.len() == 6 || hex.len() == 8) {
            return None;
        }
        let byte = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).ok();
        let (r, g, b) = (byte(0)?, byte(2)?, byte(4)?);
        let opacity = if hex.len() == 8 { byte(6)? } else { 255 };
        Some(Self { r, g, b, alpha: 255 - opacity })
    }

    /// `#RRGGBBAA` (AA = opacity).
    pub fn to_css(self) -> String {
        format!("#{:02X}{:02X}{:02X}{:02X}", self.r, self.g, self.b, self.opacity())
    }

    /// Blend towards `to` by `k` in `0..=1`, channel by channel (as `\t` does).
    pub fn lerp(self, to: Color, k: f64) -> Color {
        let mix = |a: u8, b: u8| (f64::from(a) * (1.0 - k) + f64::from(b) * k).round().clamp(0.0, 255.0) as u8;
        Color { r: mix(self.r, to.r), g: mix(self.g, to.g), b: mix(self.b, to.b), alpha: mix(self.alpha, to.alpha) }
    }
}

/// Parse a style colour field: `&HAABBGGRR`, `&HBBGGRR`, `H...`, or a
/// decimal number (SSA). Returns `None` when nothing numeric is there.
pub(crate) fn parse_style_color(text: &str) -> Option<Color> {
    let t = text.trim();
    let (digits, radix) = if let Some(rest) = t.strip_prefix("&H").or_else(|| t.strip_prefix("&h")) {
        (rest, 16)
    } else if let Some(rest) = t.strip_prefix('H').or_else(|| t.strip_prefix('h')) {
        (rest, 16)
    } else {
        (t, 10)
    };
    let value = parse_prefix_u32(digits.trim_end_matches('&'), radix)?;
    Some(Color::from_packed(value))
}

/// Parse the colour argument of a `\c` tag: `&HBBGGRR&` (alpha untouched).
/// Like players, leading `&` and `H` are skipped and parsing stops at the
/// first non-hex digit; nothing numeric gives `None`.
pub(crate) fn parse_tag_color(text: &str) -> Option<(u8, u8, u8)> {
    let t = text.trim().trim_start_matches(['&', 'H', 'h']);
    let v = parse_prefix_u32(t, 16)?;
    Some((v as u8, (v >> 8) as u8, (v >> 16) as u8))
}

/// Parse the argument of an alpha tag: `&HAA&`.
///
/// The value is kept whole, not cut to a byte: players interpolate the
/// full number inside `\t` and keep only the low byte of the result
/// (libass `parse_alpha_tag` in ass_parse.c reads it with `strtoll` in base
/// 16 and clamps it to the 32-bit signed range), so `\t(\1a&H1FF&)` wraps
/// back to opaque half-way. Leading `&`/`H` are skipped; an optional sign
/// and `0x` prefix are accepted; parsing stops at the first non-hex digit;
/// nothing numeric gives `None`.
pub(crate) fn parse_tag_alpha(text: &str) -> Option<i32> {
    let t = text.trim().trim_start_matches(['&', 'H', 'h']).trim_start();
    let (negative, body) = match t.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    let body = match body.strip_prefix("0x").or_else(|| body.strip_prefix("0X")) {
        Some(rest) if rest.starts_with(|c: char| c.is_ascii_hexdigit()) => rest,
        _ => body,
    };
    let mut value: i64 = 0;
    let mut any = false;
    for c in body.chars() {
        let Some(d) = c.to_digit(16) else { break };
        // Saturates like strtoll; the clamp below then applies.
        value = value.saturating_mul(16).saturating_add(i64::from(d));
        any = true;
    }
    let value = if negative { -value } else { value };
    any.then(|| value.clamp(i64::from(i32::MIN), i64::from(i32::MAX)) as i32)
}

/// Digits at the start of `text` (optionally signed), wrapping like C's
/// 32-bit arithmetic; `None` when there is no digit.
fn parse_prefix_u32(text: &str, radix: u32) -> Option<u32> {
    let (negative, body) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let mut value: u32 = 0;
    let mut any = false;
    for c in body.chars() {
        let Some(d) = c.to_digit(radix) else { break };
        value = value.wrapping_mul(radix).wrapping_add(d);
        any = true;
    }
    any.then_some(if negative { value.wrapping_neg() } else { value })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn style_colours_in_every_spelling() {
        assert_eq!(parse_style_color("&H00FFFFFF"), Some(Color::rgb(255, 255, 255)));
        assert_eq!(parse_style_color("&H80FFFF00"), Some(Color { r: 0, g: 255, b: 255, alpha: 0x80 }));
        assert_eq!(parse_style_color("&Hffffff"), Some(Color::rgb(255, 255, 255)));
        assert_eq!(parse_style_color("&H0"), Some(Color::rgb(0, 0, 0)));
        assert_eq!(parse_style_color("16777215"), Some(Color::rgb(255, 255, 255)));
        assert_eq!(parse_style_color("&Hzz"), None);
        assert_eq!(Color::from_packed(0x13206A).to_style_string(), "&H0013206A");
    }

    #[test]
    fn tag_colours_stop_at_junk() {
        assert_eq!(parse_tag_color("&H000000H"), Some((0, 0, 0)));
        assert_eq!(parse_tag_color("&HFF9920&"), Some((0x20, 0x99, 0xFF)));
        assert_eq!(parse_tag_color("&Hxyz&"), None);
        assert_eq!(parse_tag_alpha("&HFF&"), Some(255));
        assert_eq!(parse_tag_alpha("&FF&"), Some(255));
        assert_eq!(parse_tag_alpha("&H1FF&"), Some(0x1FF));
        assert_eq!(parse_tag_alpha("-1"), Some(-1));
        assert_eq!(parse_tag_alpha("&H0x80&"), Some(0x80));
        assert_eq!(parse_tag_alpha("FFFFFFFFFF"), Some(i32::MAX));
        assert_eq!(parse_tag_alpha("&Hzz&"), None);
    }

    #[test]
    fn css_round_trip() {
        let c = Color::from_css("#FF8000CC").unwrap();
        assert_eq!((c.r, c.g, c.b, c.opacity()), (255, 128, 0, 0xCC));
        assert_eq!(c.to_css(), "#FF8000CC");
        assert_eq!(Color::from_css("#12345"), None);
    }
}
