//! A tolerant ASS / SSA parser: structure errors name the line, bad values
//! are repaired (and recorded as warnings) the way players repair them.

use super::color::parse_style_color;
use super::time::parse_time;
use super::uuencode;
use super::{BorderStyle, EmbeddedFont, Event, EventKind, Script, Style, Warning, WrapStyle};
use crate::error::{Error, Result};

const ASS_STYLE_FORMAT: &str = "Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, Alignment, MarginL, MarginR, MarginV, Encoding";
const SSA_STYLE_FORMAT: &str = "Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, TertiaryColour, BackColour, Bold, Italic, BorderStyle, Outline, Shadow, Alignment, MarginL, MarginR, MarginV, AlphaLevel, Encoding";
const EVENT_FORMAT: &str = "Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text";

/// Longest line accepted (a guard against runaway memory on garbage input).
const MAX_LINE: usize = 4 << 20;

#[derive(Clone, Copy, PartialEq)]
enum Section {
    None,
    Info,
    Styles { ssa: bool },
    Events,
    Fonts,
    Other,
}

struct Parser {
    script: Script,
    section: Section,
    style_format: Option<Vec<String>>,
    event_format: Option<Vec<String>>,
    font: Option<(String, Vec<String>)>,
    saw_section: bool,
    saw_play_res_x: bool,
    saw_play_res_y: bool,
    ssa: bool,
}

fn error(line: usize, reason: impl Into<String>) -> Error {
    Error::subtitle_parse("script", line, reason)
}

pub(super) fn parse(text: &str) -> Result<Script> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.contains('\0') {
        return Err(error(1, "not an ASS/SSA text file (contains NUL bytes)"));
    }
    let mut p = Parser {
        script: Script::default(),
        section: Section::None,
        style_format: None,
        event_format: None,
        font: None,
        saw_section: false,
        saw_play_res_x: false,
        saw_play_res_y: false,
        ssa: false,
    };
    p.script.info.play_res_x = 0;
    p.script.info.play_res_y = 0;
    for (index, raw) in text.lines().enumerate() {
        let number = index + 1;
        if raw.len() > MAX_LINE {
            return Err(error(number, format!("line is {} bytes long (limit {MAX_LINE})", raw.len())));
        }
        p.line(number, raw.trim_end_matches('\r'))?;
    }
    p.flush_font();
    if !p.saw_section {
        return Err(error(1, "not an ASS/SSA script: no [Script Info], [V4+ Styles] or [Events] section"));
    }
    p.finish_play_res();
    Ok(p.script)
}

impl Parser {
    fn warn(&mut self, line: usize, message: impl Into<String>) {
        // Bound the list: a broken file must not grow it without limit.
        if self.script.warnings.len() < 1000 {
            self.script.warnings.push(Warning { line, message: message.into() });
        }
    }

    fn line(&mut self, number: usize, line: &str) -> Result<()> {
        let trimmed = line.trim();
        if trimmed.starts_with('[') && trimmed.ends_with(']') {
            self.flush_font();
            let name = trimmed[1..trimmed.len() - 1].trim().to_ascii_lowercase();
            self.section = match name.as_str() {
                "script info" => Section::Info,
                "v4+ styles" | "v4 styles+" => Section::Styles { ssa: false },
                "v4 styles" => {
                    self.ssa = true;
                    Section::Styles { ssa: true }
                }
                "events" => Section::Events,
                "fonts" => Section::Fonts,
                _ => Section::Other,
            };
            if self.section != Section::Other {
                self.saw_section = true;
            }
            return Ok(());
        }
        if trimmed.is_empty() || (self.section != Section::Fonts && (trimmed.starts_with(';') || trimmed.starts_with("!:"))) {
            return Ok(());
        }
        match self.section {
            Section::None => {
                if trimmed.starts_with("Dialogue:") || trimmed.starts_with("Style:") {
                    return Err(error(number, "text before any section header (expected [Script Info] first)"));
                }
                Ok(())
            }
            Section::Info => {
                self.info_line(number, trimmed);
                Ok(())
            }
            Section::Styles { ssa } => self.style_line(number, trimmed, ssa),
            Section::Events => self.event_line(number, line),
            Section::Fonts => {
                self.font_line(trimmed);
                Ok(())
            }
            Section::Other => Ok(()),
        }
    }

    fn info_line(&mut self, number: usize, line: &str) {
        let Some((key, value)) = line.split_once(':') else {
            self.warn(number, format!("ignored `{line}` (expected `Key: value`)"));
            return;
        };
        let (key, value) = (key.trim(), value.trim());
        let int = |v: &str| v.split_whitespace().next().and_then(|t| t.parse::<i64>().ok());
        let info = &mut self.script.info;
        match key.to_ascii_lowercase().as_str() {
            "title" => info.title = value.into(),
            "scripttype" => {
                info.script_type = value.into();
                if value.eq_ignore_ascii_case("v4.00") {
                    self.ssa = true;
                }
            }
            "playresx" => {
                self.saw_play_res_x = true;
                info.play_res_x = int(value).filter(|v| (1..=1 << 20).contains(v)).unwrap_or(0) as u32;
            }
            "playresy" => {
                self.saw_play_res_y = true;
                info.play_res_y = int(value).filter(|v| (1..=1 << 20).contains(v)).unwrap_or(0) as u32;
            }
            "layoutresx" => info.layout_res_x = int(value).filter(|v| (1..=1 << 20).contains(v)).unwrap_or(0) as u32,
            "layoutresy" => info.layout_res_y = int(value).filter(|v| (1..=1 << 20).contains(v)).unwrap_or(0) as u32,
            "wrapstyle" => match int(value).and_then(WrapStyle::from_number) {
                Some(w) => info.wrap_style = w,
                None => {
                    let msg = format!("WrapStyle `{value}` is not 0..=3; using 0");
                    self.warn(number, msg);
                }
            },
            "scaledborderandshadow" => {
                info.scaled_border_and_shadow = value.eq_ignore_ascii_case("yes") || int(value).is_some_and(|v| v != 0)
            }
            "ycbcr matrix" => info.ycbcr_matrix = value.into(),
            "kerning" => info.kerning = value.eq_ignore_ascii_case("yes") || int(value).is_some_and(|v| v != 0),
            _ => info.extra.push((key.into(), value.into())),
        }
    }

    fn finish_play_res(&mut self) {
        let info = &mut self.script.info;
        let (x, y) = (info.play_res_x, info.play_res_y);
        let (nx, ny) = match (x, y) {
            (0, 0) => (384, 288),
            (1280, 0) => (1280, 1024),
            (x, 0) => (x, (x - 1 - (x - 1) / 4).max(1)),
            (0, 1024) => (1280, 1024),
            (0, y) => (y + y / 3, y),
            other => other,
        };
        if (nx, ny) != (x, y) {
            info.play_res_x = nx;
            info.play_res_y = ny;
            let given = self.saw_play_res_x || self.saw_play_res_y;
            let msg = if given {
                format!("PlayRes {x}x{y} is incomplete or zero; using {nx}x{ny}")
            } else {
                format!("no PlayResX/PlayResY; using {nx}x{ny}")
            };
            self.script.warnings.push(Warning { line: 0, message: msg });
        }
    }

    fn style_line(&mut self, number: usize, line: &str, ssa: bool) -> Result<()> {
        let Some((key, value)) = line.split_once(':') else {
            self.warn(number, format!("ignored `{line}` in styles"));
            return Ok(());
        };
        match key.trim() {
            "Format" => {
                self.style_format = Some(split_format(value));
                Ok(())
            }
            "Style" => {
                let default_format = if ssa { SSA_STYLE_FORMAT } else { ASS_STYLE_FORMAT };
                let format = self.style_format.clone().unwrap_or_else(|| split_format(default_format));
                let fields: Vec<&str> = value.splitn(format.len(), ',').collect();
                if fields.len() < format.len() {
                    return Err(error(
                        number,
                        format!("style has {} fields, the Format line names {}", fields.len(), format.len()),
                    ));
                }
                let style = self.build_style(number, &format, &fields, ssa);
                self.script.styles.push(style);
                Ok(())
            }
            _ => {
                self.warn(number, format!("ignored `{}` line in styles", key.trim()));
                Ok(())
            }
        }
    }

    fn build_style(&mut self, number: usize, format: &[String], fields: &[&str], ssa: bool) -> Style {
        let mut style = Style { name: String::new(), ..Style::default() };
        let mut alpha_level: Option<i64> = None;
        for (name, raw) in format.iter().zip(fields) {
            let value = if name.eq_ignore_ascii_case("name") { raw.trim_start() } else { raw.trim() };
            let color = |this: &mut Self, slot: &mut super::Color| match parse_style_color(value) {
                Some(c) => *slot = c,
                None => this.warn(number, format!("{name} `{value}` is not a colour; keeping {}", slot.to_style_string())),
            };
            match name.to_ascii_lowercase().as_str() {
                "name" => style.name = value.into(),
                "fontname" => style.font_name = value.into(),
                "fontsize" => style.font_size = self.number(number, name, value, style.font_size),
                "primarycolour" => color(self, &mut style.primary),
                "secondarycolour" => color(self, &mut style.secondary),
                "outlinecolour" | "tertiarycolour" => color(self, &mut style.outline),
                "backcolour" => color(self, &mut style.back),
                "bold" => {
                    let v = self.number(number, name, value, 0.0) as i64;
                    style.bold = if v >= 100 { v.min(1000) as u32 } else { u32::from(v != 0) };
                }
                "italic" => style.italic = self.number(number, name, value, 0.0) != 0.0,
                "underline" => style.underline = self.number(number, name, value, 0.0) != 0.0,
                "strikeout" => style.strike_out = self.number(number, name, value, 0.0) != 0.0,
                "scalex" => style.scale_x = self.number(number, name, value, 100.0).max(0.0),
                "scaley" => style.scale_y = self.number(number, name, value, 100.0).max(0.0),
                "spacing" => style.spacing = self.number(number, name, value, 0.0),
                "angle" => style.angle = self.number(number, name, value, 0.0),
                "borderstyle" => {
                    style.border_style =
                        if self.number(number, name, value, 1.0) as i64 == 3 { BorderStyle::OpaqueBox } else { BorderStyle::Outline }
                }
                "outline" => style.outline_width = self.number(number, name, value, 0.0).max(0.0),
                "shadow" => style.shadow_depth = self.number(number, name, value, 0.0).max(0.0),
                "alignment" => {
                    let v = self.number(number, name, value, 2.0) as i64;
                    style.alignment = if ssa { legacy_alignment(v) } else { numpad_alignment(v) };
                }
                "marginl" => style.margin_l = self.number(number, name, value, 0.0) as i32,
                "marginr" => style.margin_r = self.number(number, name, value, 0.0) as i32,
                "marginv" => style.margin_v = self.number(number, name, value, 0.0) as i32,
                "encoding" => style.encoding = self.number(number, name, value, 1.0) as i32,
                "alphalevel" => alpha_level = Some(parse_int_header(value)),
                _ => {}
            }
        }
        if ssa {
            // SSA draws outline and shadow in BackColour; AlphaLevel applies
            // to everything but the shadow, which is always half transparent.
            style.outline = style.back;
            let front = alpha_level.unwrap_or(0).clamp(0, 255) as u8;
            style.primary.alpha = front;
            style.secondary.alpha = front;
            style.outline.alpha = front;
            style.back.alpha = 0x80;
        }
        if style.name.is_empty() {
            style.name = "Default".into();
        }
        if !style.font_size.is_finite() || style.font_size <= 0.0 {
            self.warn(number, format!("font size {} is not positive; using 18", style.font_size));
            style.font_size = 18.0;
        }
        style
    }

    fn number(&mut self, line: usize, name: &str, value: &str, fallback: f64) -> f64 {
        match parse_leading_float(value) {
            Some(v) if v.is_finite() => v,
            _ => {
                self.warn(line, format!("{name} `{value}` is not a number; using {fallback}"));
                fallback
            }
        }
    }

    fn event_line(&mut self, number: usize, line: &str) -> Result<()> {
        let Some((key, value)) = line.split_once(':') else {
            self.warn(number, format!("ignored `{}` in events", line.trim()));
            return Ok(());
        };
        let kind = match key.trim() {
            "Format" => {
                let format = split_format(value);
                if !format.iter().any(|f| f.eq_ignore_ascii_case("text")) {
                    return Err(error(number, "the events Format line has no Text field"));
                }
                self.event_format = Some(format);
                return Ok(());
            }
            "Dialogue" => EventKind::Dialogue,
            "Comment" => EventKind::Comment,
            _ => return Ok(()),
        };
        let format = self.event_format.clone().unwrap_or_else(|| split_format(EVENT_FORMAT));
        let value = value.strip_prefix(' ').unwrap_or(value);
        let fields: Vec<&str> = value.splitn(format.len(), ',').collect();
        if fields.len() < format.len() {
            return Err(error(
                number,
                format!("event has {} fields, the Format line names {} (is a comma missing?)", fields.len(), format.len()),
            ));
        }
        let mut event = Event { kind, style: String::new(), ..Event::default() };
        for (name, raw) in format.iter().zip(&fields) {
            let value = if name.eq_ignore_ascii_case("text") { *raw } else { raw.trim() };
            match name.to_ascii_lowercase().as_str() {
                "layer" => event.layer = parse_leading_float(value).unwrap_or(0.0) as i32,
                "start" | "end" => {
                    let t = parse_time(value).ok_or_else(|| error(number, format!("{name} `{value}` is not a time (expected H:MM:SS.cc)")))?;
                    let t = if t < 0.0 {
                        self.warn(number, format!("{name} time {value} is negative; using 0"));
                        0.0
                    } else {
                        t
                    };
                    if name.eq_ignore_ascii_case("start") {
                        event.start = t;
                    } else {
                        event.end = t;
                    }
                }
                "style" => event.style = value.into(),
                "name" | "actor" => event.name = value.into(),
                "marginl" => event.margin_l = parse_leading_float(value).unwrap_or(0.0) as i32,
                "marginr" => event.margin_r = parse_leading_float(value).unwrap_or(0.0) as i32,
                "marginv" => event.margin_v = parse_leading_float(value).unwrap_or(0.0) as i32,
                "effect" => event.effect = value.into(),
                "text" => event.text = value.into(),
                _ => {}
            }
        }
        if event.end < event.start {
            self.warn(number, "event ends before it starts; it is never shown");
        }
        if kind == EventKind::Dialogue && !self.script.styles.is_empty() && self.script.style(&event.style).is_none() {
            let msg = format!("no style named `{}`; using Default", event.style);
            self.warn(number, msg);
        }
        self.script.events.push(event);
        Ok(())
    }

    fn font_line(&mut self, line: &str) {
        if let Some(name) = line.strip_prefix("fontname:") {
            self.flush_font();
            self.font = Some((name.trim().to_owned(), Vec::new()));
        } else if let Some((_, lines)) = self.font.as_mut() {
            lines.push(line.to_owned());
        }
    }

    fn flush_font(&mut self) {
        if let Some((name, lines)) = self.font.take() {
            let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
            let data = uuencode::decode(&refs);
            if !data.is_empty() {
                self.script.fonts.push(EmbeddedFont { name, data });
            }
        }
    }
}

fn split_format(value: &str) -> Vec<String> {
    value.split(',').map(|f| f.trim().to_owned()).collect()
}

/// Numpad alignment from an ASS `Alignment` (invalid values centre bottom).
fn numpad_alignment(v: i64) -> u8 {
    if (1..=9).contains(&v) {
        v as u8
    } else {
        2
    }
}

/// Numpad alignment from an SSA (legacy) alignment: 1-3 bottom, +4 top, +8
/// middle.
pub(crate) fn legacy_alignment(v: i64) -> u8 {
    let v = match v {
        8 => 3,
        4 => 11,
        v => v,
    };
    let h = match v & 3 {
        0 => 2,
        h => h,
    } as u8;
    if v & 4 != 0 {
        h + 6
    } else if v & 8 != 0 {
        h + 3
    } else {
        h
    }
}

/// An integer header value: `&H...` hex or decimal, as a 32-bit signed value.
fn parse_int_header(value: &str) -> i64 {
    let t = value.trim();
    let parsed = if let Some(hex) = t.strip_prefix("&H").or_else(|| t.strip_prefix("&h")) {
        let digits: String = hex.chars().take_while(|c| c.is_ascii_hexdigit()).collect();
        u64::from_str_radix(&digits, 16).map(|v| v as u32 as i32 as i64).ok()
    } else {
        parse_leading_float(t).map(|v| v as i64)
    };
    parsed.unwrap_or(0)
}

/// The number at the start of `text` (like C's `strtod`).
pub(crate) fn parse_leading_float(text: &str) -> Option<f64> {
    let t = text.trim_start();
    let bytes = t.as_bytes();
    let mut end = 0;
    if end < bytes.len() && (bytes[end] == b'+' || bytes[end] == b'-') {
        end += 1;
    }
    let digits_start = end;
    while end < bytes.len() && bytes[end].is_ascii_digit() {
        end += 1;
    }
    if end < bytes.len() && bytes[end] == b'.' {
        end += 1;
        while end < bytes.len() && bytes[end].is_ascii_digit() {
            end += 1;
        }
    }
    if end == digits_start || (end == digits_start + 1 && bytes[digits_start] == b'.') {
        return None;
    }
    if end < bytes.len() && (bytes[end] == b'e' || bytes[end] == b'E') {
        let mut e = end + 1;
        if e < bytes.len() && (bytes[e] == b'+' || bytes[e] == b'-') {
            e += 1;
        }
        if e < bytes.len() && bytes[e].is_ascii_digit() {
            while e < bytes.len() && bytes[e].is_ascii_digit() {
                e += 1;
            }
            end = e;
        }
    }
    t[..end].parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "\u{feff}[Script Info]\nScriptType: v4.00+\nPlayResX: 640\nPlayResY: 360\nWrapStyle: 1\nScaledBorderAndShadow: no\n\n[V4+ Styles]\nFormat: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, Alignment, MarginL, MarginR, MarginV, Encoding\nStyle: Default,DejaVu Sans,30,&H00FFFFFF,&H000000FF,&H00000000,&H80000000,-1,0,0,0,100,100,0,0,1,2,1,2,10,10,20,1\n\n[Events]\nFormat: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text\nDialogue: 0,0:00:01.00,0:00:03.50,Default,,0,0,0,,Hello, {\\b0}world\\Nsecond\nComment: 0,0:00:01.00,0:00:03.50,Default,,0,0,0,,note\n";

    #[test]
    fn parses_sections_styles_and_events() {
        let s = Script::parse(SAMPLE).unwrap();
        assert_eq!((s.info.play_res_x, s.info.play_res_y), (640, 360));
        assert_eq!(s.info.wrap_style, WrapStyle::EndOfLine);
        assert!(!s.info.scaled_border_and_shadow);
        let st = &s.styles[0];
        assert_eq!(st.bold, 1);
        assert_eq!(st.back.alpha, 0x80);
        assert_eq!(st.margin_v, 20);
        assert_eq!(s.events.len(), 2);
        assert_eq!(s.events[0].text, "Hello, {\\b0}world\\Nsecond");
        assert_eq!(s.events[0].end, 3.5);
        assert_eq!(s.events[1].kind, EventKind::Comment);
        assert!(s.warnings.is_empty(), "{:?}", s.warnings);
        assert_eq!(s.active_events(2.0).count(), 1);
    }

    #[test]
    fn structural_errors_name_the_line() {
        let broken = SAMPLE.replace("Dialogue: 0,0:00:01.00,0:00:03.50,Default,,0,0,0,,Hello", "Dialogue: 0,0:00:01.00");
        let line_of = |e: Error| match (e.kind(), e.line()) {
            (crate::ErrorKind::SubtitleParse, Some(line)) => (line, e.reason().to_owned()),
            _ => panic!("not a line-numbered error: {e}"),
        };
        assert_eq!(line_of(Script::parse(&broken).unwrap_err()).0, 14);
        let (line, reason) = line_of(Script::parse(&SAMPLE.replace("0:00:03.50", "soon")).unwrap_err());
        assert!(line == 14 && reason.contains("not a time"), "{reason}");
        assert!(Script::parse("hello world").is_err());
        assert_eq!(line_of(Script::parse("Dialogue: 0,0:00:01.00,0:00:02.00,Default,,0,0,0,,x").unwrap_err()).0, 1);
    }

    #[test]
    fn bad_values_are_repaired_with_warnings() {
        let text = SAMPLE
            .replace("PlayResX: 640\nPlayResY: 360", "PlayResX: 0\nPlayResY: 0")
            .replace("&H00FFFFFF,&H000000FF", "&Hnothex,&H000000FF")
            .replace("Dialogue: 0,0:00:01.00", "Dialogue: 0,-0:00:01.00");
        let s = Script::parse(&text).unwrap();
        assert_eq!((s.info.play_res_x, s.info.play_res_y), (384, 288));
        assert_eq!(s.events[0].start, 0.0);
        assert_eq!(s.styles[0].primary, Style::default().primary);
        assert!(s.warnings.len() >= 3, "{:?}", s.warnings);
        assert!(s.warnings.iter().any(|w| w.line == 14 && w.message.contains("negative")));
    }

    #[test]
    fn ssa_styles_map_alignment_and_alpha_level() {
        assert_eq!(legacy_alignment(9), 4);
        assert_eq!(legacy_alignment(1), 1);
        assert_eq!(legacy_alignment(6), 8);
        assert_eq!(legacy_alignment(10), 5);
        let text = "[Script Info]\nScriptType: v4.00\n[V4 Styles]\nFormat: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, TertiaryColour, BackColour, Bold, Italic, BorderStyle, Outline, Shadow, Alignment, MarginL, MarginR, MarginV, AlphaLevel, Encoding\nStyle: A30,DejaVu Sans,42,&HFFFFFF,&H000000,&H000000,&H13206A,0,0,1,6,0,9,10,0,1,&H30,0\n[Events]\nFormat: Marked, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text\nDialogue: 0,0:00:01.00,0:00:02.00,A30,,0,0,0,,{\\xshad50}W\n";
        let s = Script::parse(text).unwrap();
        let st = &s.styles[0];
        assert_eq!(st.alignment, 4);
        assert_eq!(st.primary.alpha, 0x30);
        assert_eq!(st.back.alpha, 0x80);
        assert_eq!(st.outline, st.back.with_alpha(0x30));
    }

    #[test]
    fn leading_floats() {
        assert_eq!(parse_leading_float("12.5px"), Some(12.5));
        assert_eq!(parse_leading_float("-3"), Some(-3.0));
        assert_eq!(parse_leading_float("1e2"), Some(100.0));
        assert_eq!(parse_leading_float("x"), None);
        assert_eq!(parse_leading_float("."), None);
    }
}
