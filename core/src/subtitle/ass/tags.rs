//! Override tags of dialogue text (`{\b1\c&H0000FF&}`): a typed [`Tag`]
//! for each tag players know, parsed with the same leniency (unknown tags
//! and comments are kept but have no effect), and written back by
//! `Display`.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::color::{parse_tag_alpha, parse_tag_color};
use super::parse::parse_leading_float;

/// Karaoke flavours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum KaraokeKind {
    /// `\k`: the syllable switches from secondary to primary colour at once.
    Switch,
    /// `\kf` / `\K`: the primary colour sweeps across the syllable.
    Fill,
    /// `\ko`: like `\k`, and the border appears when the syllable is sung.
    Outline,
}

/// The shape of a `\clip` / `\iclip`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ClipShape {
    /// A rectangle in script coordinates.
    Rect { x1: f64, y1: f64, x2: f64, y2: f64 },
    /// A drawing (`m 0 0 l 100 0 ...`) at `2^(scale-1)` subpixel precision.
    Drawing { scale: u32, commands: String },
}

/// One override tag. Numeric fields that are `None` reset the value to the
/// style's (`\bord` alone restores the style's border).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Tag {
    Bold(Option<u32>),
    Italic(Option<bool>),
    Underline(Option<bool>),
    StrikeOut(Option<bool>),
    Border(Option<f64>),
    BorderX(Option<f64>),
    BorderY(Option<f64>),
    Shadow(Option<f64>),
    ShadowX(Option<f64>),
    ShadowY(Option<f64>),
    /// `\be`: edge blur passes.
    EdgeBlur(Option<f64>),
    /// `\blur`: gaussian blur strength.
    Blur(Option<f64>),
    FontName(Option<String>),
    /// `\fs`: absolute size; `\fs+N` / `\fs-N` scale by `1 ± N/10`.
    FontSize(Option<f64>),
    FontSizeStep(f64),
    ScaleX(Option<f64>),
    ScaleY(Option<f64>),
    /// `\fsc`: both scales back to the style's.
    ScaleReset,
    Spacing(Option<f64>),
    RotateZ(Option<f64>),
    RotateX(Option<f64>),
    RotateY(Option<f64>),
    ShearX(Option<f64>),
    ShearY(Option<f64>),
    FontEncoding(Option<i32>),
    /// `\c` / `\1c`..`\4c` (1 = primary, 2 = secondary, 3 = outline, 4 = shadow).
    Color { index: u8, rgb: Option<(u8, u8, u8)> },
    /// `\alpha`: every colour's transparency. The number is kept as
    /// written (it may exceed 255): `\t` interpolates the whole value and
    /// keeps the low byte of the result, as players do.
    AlphaAll(Option<i32>),
    /// `\1a`..`\4a` (the value as for [`Tag::AlphaAll`]).
    Alpha { index: u8, value: Option<i32> },
    /// `\an` (numpad) or legacy `\a` (already converted to numpad).
    Align(Option<u8>),
    Pos { x: f64, y: f64 },
    Move { x1: f64, y1: f64, x2: f64, y2: f64, times: Option<(i64, i64)> },
    Origin { x: f64, y: f64 },
    /// `\fad(in, out)` in milliseconds.
    Fad { fade_in: i64, fade_out: i64 },
    /// `\fade(a1, a2, a3, t1, t2, t3, t4)`.
    Fade { a1: i64, a2: i64, a3: i64, t1: i64, t2: i64, t3: i64, t4: i64 },
    /// `\k`, `\kf`, `\ko` with a duration in centiseconds.
    Karaoke { kind: KaraokeKind, centiseconds: f64 },
    /// `\kt`: sets the karaoke clock (centiseconds from the event start).
    KaraokeTime(f64),
    /// `\t([t1, t2,] [accel,] tags)`.
    Transform { t1: i64, t2: i64, accel: f64, tags: Vec<Tag> },
    Clip { inverse: bool, shape: ClipShape },
    /// `\q`: wrap style for this event.
    WrapStyle(Option<u8>),
    /// `\r` / `\rStyle`.
    Reset(Option<String>),
    /// `\p`: drawing mode scale (0 = text).
    Drawing(u32),
    /// `\pbo`: baseline offset of drawings.
    BaselineOffset(f64),
    /// A tag players do not know, or a comment inside braces; kept for
    /// writing, ignored when rendering.
    Unknown(String),
}

/// A piece of dialogue text: an override block or plain text (with `\N`,
/// `\n`, `\h` escapes left as written).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum TextItem {
    Tags(Vec<Tag>),
    Text(String),
}

/// Split dialogue text into override blocks and text. An unclosed `{`
/// makes the rest plain text, as in players.
pub fn parse_text(text: &str) -> Vec<TextItem> {
    let mut items = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        match rest.find('{') {
            Some(open) => {
                let Some(close) = rest[open..].find('}').map(|c| open + c) else {
                    items.push(TextItem::Text(rest.to_owned()));
                    break;
                };
                if open > 0 {
                    items.push(TextItem::Text(rest[..open].to_owned()));
                }
                items.push(TextItem::Tags(parse_block(&rest[open + 1..close])));
                rest = &rest[close + 1..];
            }
            None => {
                items.push(TextItem::Text(rest.to_owned()));
                break;
            }
        }
    }
    items
}

/// Parse the inside of one `{...}` block.
pub fn parse_block(block: &str) -> Vec<Tag> {
    let mut tags = Vec::new();
    let leading: &str = block.split('\\').next().unwrap_or("");
    if !leading.trim().is_empty() {
        tags.push(Tag::Unknown(leading.to_owned()));
    }
    let bytes = block.as_bytes();
    let mut i = match block.find('\\') {
        Some(i) => i,
        None => return tags,
    };
    while i < bytes.len() {
        // bytes[i] == '\\'
        i += 1;
        while i < bytes.len() && (bytes[i] == b' ' || bytes[i] == b'\t') {
            i += 1;
        }
        let name_start = i;
        while i < bytes.len() && bytes[i] != b'(' && bytes[i] != b'\\' {
            i += 1;
        }
        let name = &block[name_start..i];
        let mut args: Vec<&str> = Vec::new();
        let mut has_backslash = false;
        if i < bytes.len() && bytes[i] == b'(' {
            i += 1;
            loop {
                while i < bytes.len() && (bytes[i] == b' ' || bytes[i] == b'\t') {
                    i += 1;
                }
                let start = i;
                while i < bytes.len() && bytes[i] != b',' && bytes[i] != b'\\' && bytes[i] != b')' {
                    i += 1;
                }
                if i < bytes.len() && bytes[i] == b',' {
                    args.push(&block[start..i]);
                    i += 1;
                    continue;
                }
                if i < bytes.len() && bytes[i] == b'\\' {
                    has_backslash = true;
                    i = block[i..].find(')').map(|p| i + p).unwrap_or(bytes.len());
                }
                args.push(&block[start..i.min(bytes.len())]);
                if i < bytes.len() {
                    i += 1; // ')'
                }
                break;
            }
            // Anything between ')' and the next tag is ignored.
            while i < bytes.len() && bytes[i] != b'\\' {
                i += 1;
            }
        }
        if name.is_empty() {
            continue;
        }
        if let Some(tag) = parse_tag(name, &args, has_backslash) {
            tags.push(tag);
        }
    }
    tags
}

fn num(text: &str) -> Option<f64> {
    parse_leading_float(text).filter(|v| v.is_finite())
}

/// The largest magnitude a time argument of a tag may have, in
/// milliseconds (players keep these in 32-bit integers: about 24.8 days).
/// Larger values are clamped here, at the parser, so that time arithmetic on
/// them can never overflow.
pub const TAG_TIME_LIMIT_MS: i64 = i32::MAX as i64;

/// An integer argument (alpha, clip coordinate), clamped to the 32-bit range
/// players use.
fn int(text: &str) -> i64 {
    parse_leading_float(text)
        .filter(|v| v.is_finite())
        .map(|v| v.clamp(f64::from(i32::MIN), f64::from(i32::MAX)) as i64)
        .unwrap_or(0)
}

/// A time argument in milliseconds, rounded and clamped to
/// ±[`TAG_TIME_LIMIT_MS`].
fn time_ms(text: &str) -> i64 {
    clamp_ms(num(text).unwrap_or(0.0))
}

fn clamp_ms(ms: f64) -> i64 {
    let limit = TAG_TIME_LIMIT_MS as f64;
    if ms.is_finite() {
        ms.round().clamp(-limit, limit) as i64
    } else {
        0
    }
}

/// A karaoke duration in centiseconds, clamped so that its milliseconds stay
/// within ±[`TAG_TIME_LIMIT_MS`].
fn centiseconds(text: &str, default: f64) -> f64 {
    let limit = (TAG_TIME_LIMIT_MS / 10) as f64;
    num(text).unwrap_or(default).clamp(-limit, limit)
}

/// Match `name` (tag name plus inline argument) against the known tags in
/// the order players try them (longer names first).
fn parse_tag(name: &str, args: &[&str], has_backslash: bool) -> Option<Tag> {
    let arg = |prefix: &str| -> Option<&str> {
        name.strip_prefix(prefix).map(str::trim).or_else(|| (args.len() == 1 && name == prefix).then(|| args[0].trim()))
    };
    let value = |prefix: &str| -> Option<Option<f64>> { arg(prefix).map(num) };
    let flag01 = |v: Option<f64>| v.and_then(|v| if v == 0.0 || v == 1.0 { Some(v == 1.0) } else { None });

    if let Some(v) = value("xbord") {
        return Some(Tag::BorderX(v));
    }
    if let Some(v) = value("ybord") {
        return Some(Tag::BorderY(v));
    }
    if let Some(v) = value("xshad") {
        return Some(Tag::ShadowX(v));
    }
    if let Some(v) = value("yshad") {
        return Some(Tag::ShadowY(v));
    }
    if let Some(v) = value("fax") {
        return Some(Tag::ShearX(v));
    }
    if let Some(v) = value("fay") {
        return Some(Tag::ShearY(v));
    }
    if name.starts_with("iclip") {
        return clip(true, args);
    }
    if let Some(v) = value("blur") {
        return Some(Tag::Blur(v));
    }
    if let Some(v) = value("fscx") {
        return Some(Tag::ScaleX(v));
    }
    if let Some(v) = value("fscy") {
        return Some(Tag::ScaleY(v));
    }
    if name.starts_with("fsc") {
        return Some(Tag::ScaleReset);
    }
    if let Some(v) = value("fsp") {
        return Some(Tag::Spacing(v));
    }
    if let Some(a) = arg("fs") {
        let Some(v) = num(a) else { return Some(Tag::FontSize(None)) };
        return Some(if a.starts_with(['+', '-']) { Tag::FontSizeStep(v) } else { Tag::FontSize(Some(v)) });
    }
    if let Some(v) = value("bord") {
        return Some(Tag::Border(v));
    }
    if name.starts_with("move") {
        let n: Vec<f64> = args.iter().map(|a| num(a).unwrap_or(0.0)).collect();
        return match n.len() {
            4 => Some(Tag::Move { x1: n[0], y1: n[1], x2: n[2], y2: n[3], times: None }),
            6 => Some(Tag::Move { x1: n[0], y1: n[1], x2: n[2], y2: n[3], times: Some((clamp_ms(n[4]), clamp_ms(n[5]))) }),
            _ => Some(Tag::Unknown(format!("\\{name}({})", args.join(",")))),
        };
    }
    if let Some(v) = value("frx") {
        return Some(Tag::RotateX(v));
    }
    if let Some(v) = value("fry") {
        return Some(Tag::RotateY(v));
    }
    if let Some(v) = value("frz").or_else(|| value("fr")) {
        return Some(Tag::RotateZ(v));
    }
    if let Some(a) = arg("fn") {
        return Some(Tag::FontName((!a.is_empty()).then(|| a.to_owned())));
    }
    if let Some(a) = arg("alpha") {
        return Some(Tag::AlphaAll(if a.is_empty() { None } else { parse_tag_alpha(a).or(Some(0)) }));
    }
    if let Some(a) = arg("an") {
        let v = num(a).map(|v| v as i64).filter(|v| (1..=9).contains(v)).map(|v| v as u8);
        return Some(Tag::Align(v));
    }
    if let Some(a) = arg("a") {
        let v = num(a).map(|v| v as i64).filter(|v| (1..=11).contains(v)).map(|v| {
            let v = if v & 3 == 0 { 5 } else { v };
            super::parse::legacy_alignment(v)
        });
        return Some(Tag::Align(v));
    }
    if name.starts_with("pos") {
        if args.len() == 2 {
            return Some(Tag::Pos { x: num(args[0]).unwrap_or(0.0), y: num(args[1]).unwrap_or(0.0) });
        }
        return Some(Tag::Unknown(format!("\\{name}({})", args.join(","))));
    }
    if name.starts_with("fade") || name.starts_with("fad") {
        return match args.len() {
            2 => Some(Tag::Fad { fade_in: time_ms(args[0]), fade_out: time_ms(args[1]) }),
            7 => Some(Tag::Fade {
                a1: int(args[0]),
                a2: int(args[1]),
                a3: int(args[2]),
                t1: time_ms(args[3]),
                t2: time_ms(args[4]),
                t3: time_ms(args[5]),
                t4: time_ms(args[6]),
            }),
            _ => Some(Tag::Unknown(format!("\\{name}({})", args.join(",")))),
        };
    }
    if name.starts_with("org") {
        if args.len() == 2 {
            return Some(Tag::Origin { x: num(args[0]).unwrap_or(0.0), y: num(args[1]).unwrap_or(0.0) });
        }
        return Some(Tag::Unknown(format!("\\{name}({})", args.join(","))));
    }
    if name == "t" || (name.starts_with('t') && !args.is_empty() && name.trim() == "t") {
        if args.is_empty() {
            return None;
        }
        let cnt = args.len() - 1;
        let (t1, t2, accel) = match cnt {
            3 => (time_ms(args[0]), time_ms(args[1]), num(args[2]).unwrap_or(1.0)),
            2 => (time_ms(args[0]), time_ms(args[1]), 1.0),
            1 => (0, 0, num(args[0]).unwrap_or(1.0)),
            0 => (0, 0, 1.0),
            _ => return Some(Tag::Unknown(format!("\\t({})", args.join(",")))),
        };
        let tags = if has_backslash {
            parse_block(args[cnt]).into_iter().filter(|t| !matches!(t, Tag::Transform { .. })).collect()
        } else {
            Vec::new()
        };
        return Some(Tag::Transform { t1, t2, accel, tags });
    }
    if name.starts_with("clip") {
        return clip(false, args);
    }
    for (prefix, index) in [("1c", 1u8), ("2c", 2), ("3c", 3), ("4c", 4), ("c", 1)] {
        if let Some(a) = arg(prefix) {
            return Some(Tag::Color { index, rgb: if a.is_empty() { None } else { parse_tag_color(a).or(Some((0, 0, 0))) } });
        }
    }
    for (prefix, index) in [("1a", 1u8), ("2a", 2), ("3a", 3), ("4a", 4)] {
        if let Some(a) = arg(prefix) {
            return Some(Tag::Alpha { index, value: if a.is_empty() { None } else { parse_tag_alpha(a).or(Some(0)) } });
        }
    }
    if let Some(a) = arg("r") {
        return Some(Tag::Reset((!a.is_empty()).then(|| a.to_owned())));
    }
    if let Some(v) = value("be") {
        return Some(Tag::EdgeBlur(v));
    }
    if let Some(v) = value("b") {
        let v = v.map(|v| v as i64).filter(|v| *v == 0 || *v == 1 || (100..=1000).contains(v)).map(|v| v as u32);
        return Some(Tag::Bold(v));
    }
    if let Some(v) = value("i") {
        return Some(Tag::Italic(flag01(v)));
    }
    if let Some(a) = arg("kt") {
        return Some(Tag::KaraokeTime(centiseconds(a, 0.0)));
    }
    for (prefix, kind) in [("kf", KaraokeKind::Fill), ("K", KaraokeKind::Fill), ("ko", KaraokeKind::Outline), ("k", KaraokeKind::Switch)] {
        if let Some(a) = arg(prefix) {
            return Some(Tag::Karaoke { kind, centiseconds: centiseconds(a, 100.0) });
        }
    }
    if let Some(v) = value("shad") {
        return Some(Tag::Shadow(v));
    }
    if let Some(v) = value("s") {
        return Some(Tag::StrikeOut(flag01(v)));
    }
    if let Some(v) = value("u") {
        return Some(Tag::Underline(flag01(v)));
    }
    if let Some(a) = arg("pbo") {
        return Some(Tag::BaselineOffset(num(a).unwrap_or(0.0)));
    }
    if let Some(a) = arg("p") {
        return Some(Tag::Drawing(num(a).unwrap_or(0.0).max(0.0) as u32));
    }
    if let Some(v) = value("q") {
        return Some(Tag::WrapStyle(v.map(|v| v as i64).filter(|v| (0..=3).contains(v)).map(|v| v as u8)));
    }
    if let Some(a) = arg("fe") {
        return Some(Tag::FontEncoding(num(a).map(|v| v as i32)));
    }
    Some(Tag::Unknown(if args.is_empty() { format!("\\{name}") } else { format!("\\{name}({})", args.join(",")) }))
}

fn clip(inverse: bool, args: &[&str]) -> Option<Tag> {
    match args.len() {
        4 => Some(Tag::Clip {
            inverse,
            shape: ClipShape::Rect {
                x1: int(args[0]) as f64,
                y1: int(args[1]) as f64,
                x2: int(args[2]) as f64,
                y2: int(args[3]) as f64,
            },
        }),
        1 => Some(Tag::Clip { inverse, shape: ClipShape::Drawing { scale: 1, commands: args[0].trim().to_owned() } }),
        2 => Some(Tag::Clip {
            inverse,
            shape: ClipShape::Drawing { scale: int(args[0]).clamp(1, 64) as u32, commands: args[1].trim().to_owned() },
        }),
        _ => None,
    }
}

/// An alpha value in the hex spelling the parser reads back (two digits at
/// least; a sign for negative values).
fn alpha_hex(a: i32) -> String {
    if a < 0 {
        format!("-{:X}", a.unsigned_abs())
    } else {
        format!("{a:02X}")
    }
}

fn opt_num(f: &mut fmt::Formatter<'_>, name: &str, v: &Option<f64>) -> fmt::Result {
    match v {
        Some(v) => write!(f, "\\{name}{}", fmt_num(*v)),
        None => write!(f, "\\{name}"),
    }
}

fn fmt_num(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        let s = format!("{v:.3}");
        s.trim_end_matches('0').trim_end_matches('.').to_owned()
    }
}

impl fmt::Display for Tag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let b = |v: &Option<bool>| v.map(|v| if v { "1" } else { "0" }).unwrap_or("");
        match self {
            Tag::Bold(v) => write!(f, "\\b{}", v.map(|v| v.to_string()).unwrap_or_default()),
            Tag::Italic(v) => write!(f, "\\i{}", b(v)),
            Tag::Underline(v) => write!(f, "\\u{}", b(v)),
            Tag::StrikeOut(v) => write!(f, "\\s{}", b(v)),
            Tag::Border(v) => opt_num(f, "bord", v),
            Tag::BorderX(v) => opt_num(f, "xbord", v),
            Tag::BorderY(v) => opt_num(f, "ybord", v),
            Tag::Shadow(v) => opt_num(f, "shad", v),
            Tag::ShadowX(v) => opt_num(f, "xshad", v),
            Tag::ShadowY(v) => opt_num(f, "yshad", v),
            Tag::EdgeBlur(v) => opt_num(f, "be", v),
            Tag::Blur(v) => opt_num(f, "blur", v),
            Tag::FontName(v) => write!(f, "\\fn{}", v.as_deref().unwrap_or("")),
            Tag::FontSize(v) => opt_num(f, "fs", v),
            Tag::FontSizeStep(v) => write!(f, "\\fs{}{}", if *v >= 0.0 { "+" } else { "" }, fmt_num(*v)),
            Tag::ScaleX(v) => opt_num(f, "fscx", v),
            Tag::ScaleY(v) => opt_num(f, "fscy", v),
            Tag::ScaleReset => f.write_str("\\fsc"),
            Tag::Spacing(v) => opt_num(f, "fsp", v),
            Tag::RotateZ(v) => opt_num(f, "frz", v),
            Tag::RotateX(v) => opt_num(f, "frx", v),
            Tag::RotateY(v) => opt_num(f, "fry", v),
            Tag::ShearX(v) => opt_num(f, "fax", v),
            Tag::ShearY(v) => opt_num(f, "fay", v),
            Tag::FontEncoding(v) => write!(f, "\\fe{}", v.map(|v| v.to_string()).unwrap_or_default()),
            Tag::Color { index, rgb } => match rgb {
                Some((r, g, bl)) => write!(f, "\\{index}c&H{bl:02X}{g:02X}{r:02X}&"),
                None => write!(f, "\\{index}c"),
            },
            Tag::AlphaAll(v) => match v {
                Some(a) => write!(f, "\\alpha&H{}&", alpha_hex(*a)),
                None => f.write_str("\\alpha"),
            },
            Tag::Alpha { index, value } => match value {
                Some(a) => write!(f, "\\{index}a&H{}&", alpha_hex(*a)),
                None => write!(f, "\\{index}a"),
            },
            Tag::Align(v) => write!(f, "\\an{}", v.map(|v| v.to_string()).unwrap_or_default()),
            Tag::Pos { x, y } => write!(f, "\\pos({},{})", fmt_num(*x), fmt_num(*y)),
            Tag::Move { x1, y1, x2, y2, times } => {
                write!(f, "\\move({},{},{},{}", fmt_num(*x1), fmt_num(*y1), fmt_num(*x2), fmt_num(*y2))?;
                if let Some((t1, t2)) = times {
                    write!(f, ",{t1},{t2}")?;
                }
                f.write_str(")")
            }
            Tag::Origin { x, y } => write!(f, "\\org({},{})", fmt_num(*x), fmt_num(*y)),
            Tag::Fad { fade_in, fade_out } => write!(f, "\\fad({fade_in},{fade_out})"),
            Tag::Fade { a1, a2, a3, t1, t2, t3, t4 } => write!(f, "\\fade({a1},{a2},{a3},{t1},{t2},{t3},{t4})"),
            Tag::Karaoke { kind, centiseconds } => {
                let name = match kind {
                    KaraokeKind::Switch => "k",
                    KaraokeKind::Fill => "kf",
                    KaraokeKind::Outline => "ko",
                };
                write!(f, "\\{name}{}", fmt_num(*centiseconds))
            }
            Tag::KaraokeTime(v) => write!(f, "\\kt{}", fmt_num(*v)),
            Tag::Transform { t1, t2, accel, tags } => {
                f.write_str("\\t(")?;
                if *t1 != 0 || *t2 != 0 {
                    write!(f, "{t1},{t2},")?;
                }
                if *accel != 1.0 {
                    write!(f, "{},", fmt_num(*accel))?;
                }
                for t in tags {
                    write!(f, "{t}")?;
                }
                f.write_str(")")
            }
            Tag::Clip { inverse, shape } => {
                let name = if *inverse { "iclip" } else { "clip" };
                match shape {
                    ClipShape::Rect { x1, y1, x2, y2 } => {
                        write!(f, "\\{name}({},{},{},{})", fmt_num(*x1), fmt_num(*y1), fmt_num(*x2), fmt_num(*y2))
                    }
                    ClipShape::Drawing { scale: 1, commands } => write!(f, "\\{name}({commands})"),
                    ClipShape::Drawing { scale, commands } => write!(f, "\\{name}({scale},{commands})"),
                }
            }
            Tag::WrapStyle(v) => write!(f, "\\q{}", v.map(|v| v.to_string()).unwrap_or_default()),
            Tag::Reset(v) => write!(f, "\\r{}", v.as_deref().unwrap_or("")),
            Tag::Drawing(v) => write!(f, "\\p{v}"),
            Tag::BaselineOffset(v) => write!(f, "\\pbo{}", fmt_num(*v)),
            Tag::Unknown(text) => f.write_str(text),
        }
    }
}

/// Write tags as one override block: `{\b1\k20}`.
pub fn block(tags: &[Tag]) -> String {
    let mut out = String::from("{");
    for t in tags {
        out += &t.to_string();
    }
    out.push('}');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_split_into_typed_tags() {
        let tags = parse_block("\\an8\\fs+2\\1c&H00FFAA&\\bord\\t(0,500,\\frz+180\\blur2)\\kf50\\fnDejaVu Sans\\move(1,2,3,4)\\clip(0,0,10,10)\\xyz5");
        assert_eq!(tags[0], Tag::Align(Some(8)));
        assert_eq!(tags[1], Tag::FontSizeStep(2.0));
        assert_eq!(tags[2], Tag::Color { index: 1, rgb: Some((0xAA, 0xFF, 0x00)) });
        assert_eq!(tags[3], Tag::Border(None));
        assert_eq!(tags[4], Tag::Transform { t1: 0, t2: 500, accel: 1.0, tags: vec![Tag::RotateZ(Some(180.0)), Tag::Blur(Some(2.0))] });
        assert_eq!(tags[5], Tag::Karaoke { kind: KaraokeKind::Fill, centiseconds: 50.0 });
        assert_eq!(tags[6], Tag::FontName(Some("DejaVu Sans".into())));
        assert_eq!(tags[7], Tag::Move { x1: 1.0, y1: 2.0, x2: 3.0, y2: 4.0, times: None });
        assert!(matches!(tags[8], Tag::Clip { inverse: false, shape: ClipShape::Rect { .. } }));
        assert_eq!(tags[9], Tag::Unknown("\\xyz5".into()));
    }

    #[test]
    fn text_and_blocks_alternate_and_write_back() {
        let items = parse_text("{\\k162}hodie{\\i1}que{\\r} |{comment}x{unclosed");
        assert_eq!(items.len(), 8);
        assert_eq!(items[1], TextItem::Text("hodie".into()));
        assert_eq!(items[6], TextItem::Tags(vec![Tag::Unknown("comment".into())]));
        assert_eq!(items[7], TextItem::Text("x{unclosed".into()));
        let written = block(&parse_block("\\an8\\t(0,500,\\frz180)\\kf50\\alpha&H80&\\pos(10.5,20)"));
        assert_eq!(written, "{\\an8\\t(0,500,\\frz180)\\kf50\\alpha&H80&\\pos(10.5,20)}");
    }

    #[test]
    fn lenient_on_garbage() {
        for junk in ["\\", "\\(", "\\t(", "\\t(\\t(\\b1))", "\\pos(1)", "\\c&Hzz&", "\\fs", "\\k", "\\fad(1,2,3)", "\\clip(", "(((("] {
            let _ = parse_block(junk);
        }
        assert_eq!(parse_block("\\kt0  \\kf100"), vec![Tag::KaraokeTime(0.0), Tag::Karaoke { kind: KaraokeKind::Fill, centiseconds: 100.0 }]);
    }
}

/// The number at the start of `text` (like C's `strtod`), for drawing
/// coordinates.
pub fn leading_number(text: &str) -> Option<f64> {
    parse_leading_float(text).filter(|v| v.is_finite())
}
