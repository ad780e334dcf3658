//! Caption presets built from ASS styles — `bold` (big outlined words),
//! `clean` (boxed lower third), `karaoke` (word-by-word highlight from word
//! timings) and `pop` (the active word grows) — and builders that turn
//! timed cues into ASS scripts any player can show.

use serde::{Deserialize, Serialize};

use super::ass::tags::block;
use super::ass::{BorderStyle, Color, Event, Script, Style, Tag};
use crate::subtitle::Cue;
use crate::error::{Error, Result};

/// The built-in caption looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PresetName {
    /// Big bold white words with a thick black outline (the default).
    #[default]
    Bold,
    /// Regular white text on a translucent box in the lower third.
    Clean,
    /// Words light up one by one as they are spoken (`\k`).
    Karaoke,
    /// The word being spoken grows and takes the highlight colour.
    Pop,
}

impl PresetName {
    pub const ALL: [PresetName; 4] = [PresetName::Bold, PresetName::Clean, PresetName::Karaoke, PresetName::Pop];

    pub fn as_str(self) -> &'static str {
        match self {
            PresetName::Bold => "bold",
            PresetName::Clean => "clean",
            PresetName::Karaoke => "karaoke",
            PresetName::Pop => "pop",
        }
    }

    pub fn description(self) -> &'static str {
        match self {
            PresetName::Bold => "big bold words with a thick outline",
            PresetName::Clean => "regular text on a translucent box, lower third",
            PresetName::Karaoke => "word-by-word highlight from word timings",
            PresetName::Pop => "the spoken word grows and takes the highlight colour",
        }
    }
}

impl std::fmt::Display for PresetName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for PresetName {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        PresetName::ALL
            .into_iter()
            .find(|p| p.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| Error::invalid("style", format!("`{s}` (expected one of bold, clean, karaoke, pop)")))
    }
}

/// A caption look: a preset plus the values a brand kit may override.
/// Sizes are fractions of the frame height so one preset suits 16:9, 9:16
/// and 1:1.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct Preset {
    pub name: PresetName,
    /// Font family (bundled: "DejaVu Sans").
    pub font: String,
    pub bold: bool,
    /// Font size as a fraction of the frame height.
    pub size: f64,
    /// Text colour (for karaoke: the colour of words already spoken).
    pub text: Color,
    /// Karaoke and pop: the highlight colour.
    pub highlight: Color,
    /// Outline colour, or the box colour for `clean`.
    pub outline: Color,
    pub shadow: Color,
    /// Outline width and shadow depth as fractions of the font size.
    pub outline_width: f64,
    pub shadow_depth: f64,
    /// Numpad alignment (2 = bottom centre).
    pub alignment: u8,
    /// Distance from the frame edge as fractions of the frame height
    /// (vertical) and width (left/right).
    pub margin_v: f64,
    pub margin_h: f64,
    /// Write captions in capitals.
    pub uppercase: bool,
    /// Pop: how much the active word grows (1.2 = 120%).
    pub pop_scale: f64,
}

impl Default for Preset {
    fn default() -> Self {
        Preset::named(PresetName::Bold)
    }
}

impl Preset {
    /// The preset `name` with its built-in values.
    pub fn named(name: PresetName) -> Self {
        let base = Preset {
            name,
            font: "DejaVu Sans".into(),
            bold: true,
            size: 0.065,
            text: Color::rgb(255, 255, 255),
            highlight: Color::rgb(255, 214, 10),
            outline: Color::rgb(0, 0, 0),
            shadow: Color::rgb(0, 0, 0).with_alpha(0x70),
            outline_width: 0.11,
            shadow_depth: 0.05,
            alignment: 2,
            margin_v: 0.1,
            margin_h: 0.06,
            uppercase: false,
            pop_scale: 1.2,
        };
        match name {
            PresetName::Bold => Preset { uppercase: true, size: 0.07, ..base },
            PresetName::Clean => Preset {
                bold: false,
                size: 0.05,
                outline: Color::rgb(0, 0, 0).with_alpha(0x60),
                shadow: Color::rgb(0, 0, 0).with_alpha(0xFF),
                outline_width: 0.25,
                shadow_depth: 0.0,
                margin_v: 0.08,
                ..base
            },
            PresetName::Karaoke => Preset { text: Color::rgb(255, 214, 10), highlight: Color::rgb(255, 255, 255), ..base },
            PresetName::Pop => Preset { uppercase: true, size: 0.068, ..base },
        }
    }

    pub fn validate(&self) -> Result<()> {
        if !(self.size.is_finite() && self.size > 0.005 && self.size <= 0.5) {
            return Err(Error::invalid("size", format!("{} (expected a fraction of the frame height in 0.005..=0.5)", self.size)));
        }
        for (name, v) in [("outline_width", self.outline_width), ("shadow_depth", self.shadow_depth)] {
            if !(v.is_finite() && (0.0..=1.0).contains(&v)) {
                return Err(Error::invalid(name, format!("{v} (expected 0..=1 of the font size)")));
            }
        }
        if !(1..=9).contains(&self.alignment) {
            return Err(Error::invalid("alignment", format!("{} (expected numpad 1..=9)", self.alignment)));
        }
        for (name, v) in [("margin_v", self.margin_v), ("margin_h", self.margin_h)] {
            if !(v.is_finite() && (0.0..0.5).contains(&v)) {
                return Err(Error::invalid(name, format!("{v} (expected a fraction in 0..0.5)")));
            }
        }
        if !(self.pop_scale.is_finite() && (1.0..=3.0).contains(&self.pop_scale)) {
            return Err(Error::invalid("pop_scale", format!("{} (expected 1..=3)", self.pop_scale)));
        }
        if self.font.trim().is_empty() {
            return Err(Error::invalid("font", "empty font family"));
        }
        Ok(())
    }

    /// The ASS style of this preset for a `width` x `height` script (PlayRes
    /// equal to the frame, so one script pixel is one frame pixel).
    pub fn style(&self, width: u32, height: u32) -> Style {
        let size = (self.size * f64::from(height)).max(6.0).round();
        let karaoke_like = matches!(self.name, PresetName::Karaoke);
        Style {
            name: self.name.as_str().into(),
            font_name: self.font.clone(),
            font_size: size,
            primary: self.text,
            // Karaoke: words not yet spoken are drawn in the secondary colour.
            secondary: if karaoke_like { self.highlight } else { self.text },
            outline: self.outline,
            back: self.shadow,
            bold: u32::from(self.bold),
            border_style: if self.name == PresetName::Clean { BorderStyle::OpaqueBox } else { BorderStyle::Outline },
            outline_width: (self.outline_width * size * 10.0).round() / 10.0,
            shadow_depth: (self.shadow_depth * size * 10.0).round() / 10.0,
            alignment: self.alignment,
            margin_l: (self.margin_h * f64::from(width)).round() as i32,
            margin_r: (self.margin_h * f64::from(width)).round() as i32,
            margin_v: (self.margin_v * f64::from(height)).round() as i32,
            ..Style::named(self.name.as_str())
        }
    }

    /// An empty script for a `width` x `height` frame holding this
    /// preset's style.
    pub fn script(&self, width: u32, height: u32) -> Script {
        let mut script = Script::new(width, height);
        script.info.title = format!("reelkit {} captions", self.name);
        script.info.wrap_style = super::ass::WrapStyle::Smart;
        script.info.kerning = true;
        script.styles.push(self.style(width, height));
        script
    }
}

/// Text safe inside ASS dialogue (no override blocks or escapes).
fn escape(text: &str) -> String {
    text.replace('{', "(").replace('}', ")").replace('\\', "\u{29F5}").replace(['\n', '\r'], " ")
}

fn cased(preset: &Preset, text: &str) -> String {
    if preset.uppercase {
        text.to_uppercase()
    } else {
        text.to_owned()
    }
}

/// Words of a cue grouped by its lines (`None` when they cannot be matched).
fn words_by_line(cue: &Cue) -> Option<Vec<Vec<&crate::asr::Word>>> {
    let words: Vec<&crate::asr::Word> = cue.words.iter().filter(|w| !w.word.trim().is_empty()).collect();
    let mut out = Vec::new();
    let mut i = 0;
    for line in &cue.lines {
        let n = line.split_whitespace().count();
        if i + n > words.len() {
            return None;
        }
        out.push(words[i..i + n].to_vec());
        i += n;
    }
    (i == words.len() && !words.is_empty()).then_some(out)
}

/// Plain captions: one event per cue, lines joined by `\N`.
pub fn captions_script(cues: &[Cue], preset: &Preset, width: u32, height: u32) -> Result<Script> {
    preset.validate()?;
    match preset.name {
        PresetName::Karaoke => return karaoke_script(cues, preset, width, height),
        PresetName::Pop => return pop_script(cues, preset, width, height),
        _ => {}
    }
    let mut script = preset.script(width, height);
    for cue in cues {
        let text: Vec<String> = cue.lines.iter().map(|l| escape(&cased(preset, l.trim()))).collect();
        script.events.push(Event::dialogue(cue.start, cue.end, preset.name.as_str(), text.join("\\N")));
    }
    Ok(script)
}

/// Karaoke captions: one event per cue with a `\k` tag per word, so each
/// word switches from the highlight (not yet spoken) to the text colour at
/// the moment it is spoken. Cues without word timings become plain events.
pub fn karaoke_script(cues: &[Cue], preset: &Preset, width: u32, height: u32) -> Result<Script> {
    preset.validate()?;
    let mut karaoke = preset.clone();
    karaoke.name = PresetName::Karaoke;
    let mut script = karaoke.script(width, height);
    script.styles[0].name = preset.name.as_str().into();
    if preset.name != PresetName::Karaoke {
        // Keep the caller's look, with its highlight for unspoken words.
        script.styles[0] = Style { secondary: preset.highlight, ..preset.style(width, height) };
    }
    let style_name = script.styles[0].name.clone();
    for cue in cues {
        let Some(lines) = words_by_line(cue) else {
            let text: Vec<String> = cue.lines.iter().map(|l| escape(&cased(preset, l.trim()))).collect();
            script.events.push(Event::dialogue(cue.start, cue.end, style_name.clone(), text.join("\\N")));
            continue;
        };
        let mut text = String::new();
        let mut clock = cue.start;
        let all: Vec<&crate::asr::Word> = lines.iter().flatten().copied().collect();
        let mut index = 0;
        for (li, line) in lines.iter().enumerate() {
            if li > 0 {
                text.push_str("\\N");
            }
            for (wi, word) in line.iter().enumerate() {
                let start = word.start.clamp(cue.start, cue.end);
                let next = all.get(index + 1).map(|w| w.start.clamp(cue.start, cue.end)).unwrap_or(cue.end);
                let lead = ((start - clock) * 100.0).round().max(0.0);
                if lead > 0.0 {
                    text.push_str(&block(&[Tag::Karaoke { kind: super::ass::KaraokeKind::Switch, centiseconds: lead }]));
                }
                let dur = ((next - start) * 100.0).round().max(0.0);
                text.push_str(&block(&[Tag::Karaoke { kind: super::ass::KaraokeKind::Switch, centiseconds: dur }]));
                text.push_str(&escape(&cased(preset, word.word.trim())));
                if wi + 1 < line.len() {
                    text.push(' ');
                }
                clock = start + dur / 100.0;
                index += 1;
            }
        }
        script.events.push(Event::dialogue(cue.start, cue.end, style_name.clone(), text));
    }
    Ok(script)
}

/// Pop captions: the word being spoken grows by `pop_scale` and takes the
/// highlight colour, through `\t` animations timed from the word timings.
pub fn pop_script(cues: &[Cue], preset: &Preset, width: u32, height: u32) -> Result<Script> {
    preset.validate()?;
    let mut script = preset.script(width, height);
    let style_name = script.styles[0].name.clone();
    let scale = (preset.pop_scale * 100.0).round();
    let (r, g, b) = (preset.highlight.r, preset.highlight.g, preset.highlight.b);
    let (tr, tg, tb) = (preset.text.r, preset.text.g, preset.text.b);
    for cue in cues {
        let Some(lines) = words_by_line(cue) else {
            let text: Vec<String> = cue.lines.iter().map(|l| escape(&cased(preset, l.trim()))).collect();
            script.events.push(Event::dialogue(cue.start, cue.end, style_name.clone(), text.join("\\N")));
            continue;
        };
        let mut text = String::new();
        for (li, line) in lines.iter().enumerate() {
            if li > 0 {
                text.push_str("\\N");
            }
            for (wi, word) in line.iter().enumerate() {
                let on = ((word.start - cue.start) * 1000.0).round().max(0.0) as i64;
                let off = ((word.end - cue.start) * 1000.0).round().max(on as f64 + 1.0) as i64;
                let grow = (on + 80).min(off);
                let tags = vec![
                    Tag::ScaleX(Some(100.0)),
                    Tag::ScaleY(Some(100.0)),
                    Tag::Color { index: 1, rgb: Some((tr, tg, tb)) },
                    Tag::Transform { t1: on, t2: grow, accel: 1.0, tags: vec![Tag::ScaleX(Some(scale)), Tag::ScaleY(Some(scale))] },
                    Tag::Transform { t1: on, t2: on + 1, accel: 1.0, tags: vec![Tag::Color { index: 1, rgb: Some((r, g, b)) }] },
                    Tag::Transform { t1: off, t2: off + 80, accel: 1.0, tags: vec![Tag::ScaleX(Some(100.0)), Tag::ScaleY(Some(100.0))] },
                    Tag::Transform { t1: off, t2: off + 1, accel: 1.0, tags: vec![Tag::Color { index: 1, rgb: Some((tr, tg, tb)) }] },
                ];
                text.push_str(&block(&tags));
                text.push_str(&escape(&cased(preset, word.word.trim())));
                if wi + 1 < line.len() {
                    text.push(' ');
                }
            }
        }
        script.events.push(Event::dialogue(cue.start, cue.end, style_name.clone(), text));
    }
    Ok(script)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::asr::Word;

    fn cue() -> Cue {
        let words = vec![
            Word::new(" Ask", 1.0, 1.3, 0.9),
            Word::new("not", 1.4, 1.6, 0.9),
            Word::new("{what}", 2.0, 2.4, 0.9),
        ];
        Cue { start: 1.0, end: 2.5, lines: vec!["Ask not".into(), "{what}".into()], words }
    }

    #[test]
    fn presets_parse_and_validate() {
        for p in PresetName::ALL {
            assert_eq!(p.as_str().parse::<PresetName>().unwrap(), p);
            Preset::named(p).validate().unwrap();
        }
        assert!("fancy".parse::<PresetName>().unwrap_err().to_string().contains("bold, clean, karaoke, pop"));
        assert!(Preset { size: 0.9, ..Preset::default() }.validate().is_err());
    }

    #[test]
    fn karaoke_script_times_each_word() {
        let s = karaoke_script(&[cue()], &Preset::named(PresetName::Karaoke), 1080, 1920).unwrap();
        assert_eq!(s.events.len(), 1);
        assert_eq!(s.events[0].text, "{\\k40}Ask {\\k60}not\\N{\\k50}(what)");
        let back = Script::parse(&s.to_string()).unwrap();
        assert_eq!(back.events[0].text, s.events[0].text);
        assert_eq!(back.styles[0].font_size, (0.065f64 * 1920.0).round());
        // Karaoke with another preset keeps that preset's style name.
        let bold = karaoke_script(&[cue()], &Preset::named(PresetName::Bold), 1080, 1920).unwrap();
        assert_eq!(bold.events[0].style, "bold");
        assert!(bold.events[0].text.contains("ASK"));
    }

    #[test]
    fn plain_and_pop_scripts() {
        let s = captions_script(&[cue()], &Preset::named(PresetName::Clean), 1920, 1080).unwrap();
        assert_eq!(s.events[0].text, "Ask not\\N(what)");
        assert_eq!(s.styles[0].border_style, BorderStyle::OpaqueBox);
        let p = captions_script(&[cue()], &Preset::named(PresetName::Pop), 1920, 1080).unwrap();
        assert!(p.events[0].text.contains("\\t(400,480,\\fscx120\\fscy120)"), "{}", p.events[0].text);
    }
}
