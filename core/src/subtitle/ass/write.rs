//! Writing a [`Script`] back as ASS v4+ text.

use std::fmt::{self, Write};

use super::time::format_time;
use super::{uuencode, BorderStyle, EventKind, Script};

pub(super) fn write_script(s: &Script, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    let info = &s.info;
    f.write_str("[Script Info]\n")?;
    if !info.title.is_empty() {
        writeln!(f, "Title: {}", one_line(&info.title))?;
    }
    writeln!(f, "ScriptType: v4.00+")?;
    writeln!(f, "PlayResX: {}", info.play_res_x)?;
    writeln!(f, "PlayResY: {}", info.play_res_y)?;
    if info.layout_res_x > 0 && info.layout_res_y > 0 {
        writeln!(f, "LayoutResX: {}", info.layout_res_x)?;
        writeln!(f, "LayoutResY: {}", info.layout_res_y)?;
    }
    writeln!(f, "WrapStyle: {}", info.wrap_style.number())?;
    writeln!(f, "ScaledBorderAndShadow: {}", if info.scaled_border_and_shadow { "yes" } else { "no" })?;
    if info.kerning {
        writeln!(f, "Kerning: yes")?;
    }
    if !info.ycbcr_matrix.is_empty() {
        writeln!(f, "YCbCr Matrix: {}", one_line(&info.ycbcr_matrix))?;
    }
    for (k, v) in &info.extra {
        writeln!(f, "{}: {}", one_line(k), one_line(v))?;
    }

    f.write_str("\n[V4+ Styles]\nFormat: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, Alignment, MarginL, MarginR, MarginV, Encoding\n")?;
    for st in &s.styles {
        let bold: i64 = match st.bold {
            0 => 0,
            1 => -1,
            w => i64::from(w),
        };
        writeln!(
            f,
            "Style: {},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}",
            field(&st.name),
            field(&st.font_name),
            num(st.font_size),
            st.primary.to_style_string(),
            st.secondary.to_style_string(),
            st.outline.to_style_string(),
            st.back.to_style_string(),
            bold,
            flag(st.italic),
            flag(st.underline),
            flag(st.strike_out),
            num(st.scale_x),
            num(st.scale_y),
            num(st.spacing),
            num(st.angle),
            if st.border_style == BorderStyle::OpaqueBox { 3 } else { 1 },
            num(st.outline_width),
            num(st.shadow_depth),
            st.alignment,
            st.margin_l,
            st.margin_r,
            st.margin_v,
            st.encoding
        )?;
    }

    if !s.fonts.is_empty() {
        f.write_str("\n[Fonts]\n")?;
        for font in &s.fonts {
            writeln!(f, "fontname: {}", one_line(&font.name))?;
            for line in uuencode::encode(&font.data) {
                writeln!(f, "{line}")?;
            }
        }
    }

    f.write_str("\n[Events]\nFormat: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text\n")?;
    for e in &s.events {
        let kind = if e.kind == EventKind::Comment { "Comment" } else { "Dialogue" };
        let mut line = String::new();
        let _ = write!(
            line,
            "{kind}: {},{},{},{},{},{},{},{},{},{}",
            e.layer,
            format_time(e.start),
            format_time(e.end),
            field(&e.style),
            field(&e.name),
            e.margin_l,
            e.margin_r,
            e.margin_v,
            field(&e.effect),
            one_line(&e.text)
        );
        writeln!(f, "{line}")?;
    }
    Ok(())
}

/// A field value without the commas and line breaks that would split it.
fn field(text: &str) -> String {
    one_line(text).replace(',', ";")
}

fn one_line(text: &str) -> String {
    text.replace(['\r', '\n'], " ")
}

fn flag(v: bool) -> i32 {
    if v {
        -1
    } else {
        0
    }
}

/// Numbers without a needless fraction (`20`, `2.5`).
fn num(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        let s = format!("{v:.4}");
        s.trim_end_matches('0').trim_end_matches('.').to_owned()
    }
}

#[cfg(test)]
mod tests {
    use crate::subtitle::ass::{Color, EmbeddedFont, Event, Script, Style};

    #[test]
    fn written_scripts_parse_back_identically() {
        let mut s = Script::new(1920, 1080);
        s.info.title = "Round trip".into();
        s.info.kerning = true;
        s.styles.push(Style { bold: 1, outline_width: 2.5, primary: Color::rgb(255, 200, 0).with_alpha(0x10), ..Style::named("Default") });
        s.styles.push(Style { alignment: 8, bold: 600, ..Style::named("Top") });
        s.events.push(Event::dialogue(1.25, 3.0, "Default", "{\\k50}Hello {\\k30}world\\Nagain, yes"));
        s.events.push(Event { layer: 2, effect: "Scroll up;0;90;0".into(), ..Event::dialogue(0.0, 1.0, "Top", "x") });
        s.fonts.push(EmbeddedFont { name: "tiny.ttf".into(), data: (0u8..=200).collect() });
        let text = s.to_string();
        let back = Script::parse(&text).unwrap();
        assert!(back.warnings.is_empty(), "{:?}", back.warnings);
        assert_eq!(back, s, "{text}");
        assert_eq!(back.to_string(), text);
    }
}
