//! The ASS / SSA v4+ subtitle format: a typed model of a script
//! ([`Script`]), a tolerant parser with line-numbered errors
//! ([`Script::parse`]), a writer ([`Script::to_string`] through `Display`),
//! and the override tags of dialogue text ([`tags`]).

mod color;
mod parse;
pub mod tags;
mod time;
mod uuencode;
mod write;

use serde::{Deserialize, Serialize};

pub use color::Color;
pub use tags::{parse_text, ClipShape, KaraokeKind, Tag, TextItem};
pub use time::{format_time, parse_time};

/// How lines are broken when they do not fit (`WrapStyle`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum WrapStyle {
    /// 0: smart wrapping, lines evenly balanced, the upper line wider.
    #[default]
    Smart,
    /// 1: end-of-line wrapping (greedy).
    EndOfLine,
    /// 2: no wrapping; only `\N` and `\n` break lines.
    None,
    /// 3: smart wrapping, the lower line wider.
    SmartLower,
}

impl WrapStyle {
    pub fn from_number(n: i64) -> Option<Self> {
        Some(match n {
            0 => WrapStyle::Smart,
            1 => WrapStyle::EndOfLine,
            2 => WrapStyle::None,
            3 => WrapStyle::SmartLower,
            _ => return None,
        })
    }
    pub fn number(self) -> u8 {
        match self {
            WrapStyle::Smart => 0,
            WrapStyle::EndOfLine => 1,
            WrapStyle::None => 2,
            WrapStyle::SmartLower => 3,
        }
    }
}

/// The `[Script Info]` section.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct ScriptInfo {
    pub title: String,
    /// `v4.00+` (ASS) or `v4.00` (SSA).
    pub script_type: String,
    /// The coordinate space of positions, margins and font sizes.
    pub play_res_x: u32,
    pub play_res_y: u32,
    /// The resolution the script was laid out for (0 = not given); only
    /// changes how blur and unscaled borders are scaled.
    pub layout_res_x: u32,
    pub layout_res_y: u32,
    pub wrap_style: WrapStyle,
    /// Scale border and shadow widths with the video (`yes`) or keep them in
    /// layout pixels (`no`).
    pub scaled_border_and_shadow: bool,
    /// `YCbCr Matrix` as written (informative).
    pub ycbcr_matrix: String,
    /// Apply the fonts' kerning (`Kerning: yes`); off by default, as in
    /// players.
    pub kerning: bool,
    /// Other `Key: value` lines, kept in order for round trips.
    pub extra: Vec<(String, String)>,
}

impl Default for ScriptInfo {
    fn default() -> Self {
        Self {
            title: String::new(),
            script_type: "v4.00+".into(),
            play_res_x: 384,
            play_res_y: 288,
            layout_res_x: 0,
            layout_res_y: 0,
            wrap_style: WrapStyle::Smart,
            scaled_border_and_shadow: true,
            ycbcr_matrix: String::new(),
            kerning: false,
            extra: Vec::new(),
        }
    }
}

/// How a style draws the border.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum BorderStyle {
    /// 1: an outline around the glyphs plus a drop shadow.
    #[default]
    Outline,
    /// 3: an opaque box behind the text (in the outline colour).
    OpaqueBox,
}

/// One `Style:` line of `[V4+ Styles]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Style {
    pub name: String,
    pub font_name: String,
    /// Font size in script pixels (the font's ascent + descent).
    pub font_size: f64,
    /// Fill colour (also the karaoke "sung" colour).
    pub primary: Color,
    /// Karaoke "not yet sung" colour.
    pub secondary: Color,
    /// Border colour (the box colour with [`BorderStyle::OpaqueBox`]).
    pub outline: Color,
    /// Shadow colour.
    pub back: Color,
    /// 0 = regular, 1 = bold, 100..=900 = a weight.
    pub bold: u32,
    pub italic: bool,
    pub underline: bool,
    pub strike_out: bool,
    /// Horizontal and vertical scale in percent.
    pub scale_x: f64,
    pub scale_y: f64,
    /// Extra space between letters in script pixels.
    pub spacing: f64,
    /// Rotation around Z in degrees, counter-clockwise.
    pub angle: f64,
    pub border_style: BorderStyle,
    /// Border width and shadow depth in script pixels.
    pub outline_width: f64,
    pub shadow_depth: f64,
    /// Numpad alignment 1..=9 (1 bottom left, 5 middle centre, 9 top right).
    pub alignment: u8,
    pub margin_l: i32,
    pub margin_r: i32,
    pub margin_v: i32,
    pub encoding: i32,
}

impl Default for Style {
    fn default() -> Self {
        Self {
            name: "Default".into(),
            font_name: "DejaVu Sans".into(),
            font_size: 18.0,
            primary: Color::rgb(255, 255, 255),
            secondary: Color::rgb(255, 0, 0),
            outline: Color::rgb(0, 0, 0),
            back: Color::rgb(0, 0, 0),
            bold: 0,
            italic: false,
            underline: false,
            strike_out: false,
            scale_x: 100.0,
            scale_y: 100.0,
            spacing: 0.0,
            angle: 0.0,
            border_style: BorderStyle::Outline,
            outline_width: 2.0,
            shadow_depth: 2.0,
            alignment: 2,
            margin_l: 20,
            margin_r: 20,
            margin_v: 20,
            encoding: 1,
        }
    }
}

impl Style {
    /// A style named `name` with the defaults of [`Style::default`].
    pub fn named(name: impl Into<String>) -> Self {
        Self { name: name.into(), ..Self::default() }
    }
}

/// Whether an event is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    #[default]
    Dialogue,
    Comment,
}

/// One `Dialogue:` or `Comment:` line of `[Events]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Event {
    pub kind: EventKind,
    /// Higher layers are drawn on top.
    pub layer: i32,
    /// Start and end in seconds (stored by the format in centiseconds).
    pub start: f64,
    pub end: f64,
    pub style: String,
    pub name: String,
    /// Per-event margins; 0 uses the style's.
    pub margin_l: i32,
    pub margin_r: i32,
    pub margin_v: i32,
    /// Legacy SSA effect (`Banner;…`, `Scroll up;…`, `Scroll down;…`).
    pub effect: String,
    /// Text with override tags (`{\b1}`), `\N` line breaks and `\h` spaces.
    pub text: String,
}

impl Default for Event {
    fn default() -> Self {
        Self {
            kind: EventKind::Dialogue,
            layer: 0,
            start: 0.0,
            end: 0.0,
            style: "Default".into(),
            name: String::new(),
            margin_l: 0,
            margin_r: 0,
            margin_v: 0,
            effect: String::new(),
            text: String::new(),
        }
    }
}

impl Event {
    /// A dialogue event shown from `start` to `end` seconds.
    pub fn dialogue(start: f64, end: f64, style: impl Into<String>, text: impl Into<String>) -> Self {
        Self { start, end, style: style.into(), text: text.into(), ..Self::default() }
    }

    /// Whether the event is on screen at `time` seconds.
    pub fn is_active(&self, time: f64) -> bool {
        self.kind == EventKind::Dialogue && time >= self.start && time < self.end
    }
}

/// A font embedded in the script's `[Fonts]` section.
#[derive(Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct EmbeddedFont {
    /// The file name given by `fontname:`.
    pub name: String,
    pub data: Vec<u8>,
}

impl std::fmt::Debug for EmbeddedFont {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EmbeddedFont").field("name", &self.name).field("bytes", &self.data.len()).finish()
    }
}

/// Something in a script that was repaired rather than rejected.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Warning {
    /// 1-based line number in the source text (0 when not tied to a line).
    pub line: usize,
    pub message: String,
}

impl std::fmt::Display for Warning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.line > 0 {
            write!(f, "line {}: {}", self.line, self.message)
        } else {
            f.write_str(&self.message)
        }
    }
}

/// A whole ASS script.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Script {
    pub info: ScriptInfo,
    pub styles: Vec<Style>,
    pub events: Vec<Event>,
    pub fonts: Vec<EmbeddedFont>,
    /// What the parser repaired (negative times, broken colours, unknown
    /// styles, zero PlayRes...). Not written back.
    #[serde(skip)]
    pub warnings: Vec<Warning>,
}

impl Script {
    /// An empty script with a `play_res_x` x `play_res_y` coordinate space.
    pub fn new(play_res_x: u32, play_res_y: u32) -> Self {
        Self { info: ScriptInfo { play_res_x, play_res_y, ..ScriptInfo::default() }, ..Self::default() }
    }

    /// Parse ASS or SSA text. Structural problems are errors naming the line;
    /// bad values are repaired and listed in [`Script::warnings`].
    pub fn parse(text: &str) -> crate::Result<Self> {
        parse::parse(text)
    }

    /// Whether a script argument is ASS text rather than a path: it holds a
    /// line break.
    pub fn is_text(script: &str) -> bool {
        script.contains('\n')
    }

    /// A script given as ASS text ([`Script::is_text`]) or as the path of a
    /// script file: how every face's calls take one.
    pub fn from_text_or_path(script: &str) -> crate::Result<Self> {
        if Self::is_text(script) {
            Self::parse(script)
        } else {
            Self::load(script)
        }
    }

    /// Read and parse a script file (UTF-8 or UTF-16 with or without BOM,
    /// else windows-1252: see [`crate::subtitle::decode_subtitle_bytes`]).
    pub fn load(path: impl AsRef<std::path::Path>) -> crate::Result<Self> {
        Self::load_with(path, None)
    }

    /// [`Script::load`] with a declared text encoding (a WHATWG label) for
    /// scripts without a byte-order mark.
    pub fn load_with(path: impl AsRef<std::path::Path>, encoding: Option<&str>) -> crate::Result<Self> {
        let path = path.as_ref();
        let bytes = std::fs::read(path).map_err(|e| crate::Error::io(path, e))?;
        let text = crate::subtitle::decode_subtitle_bytes(&bytes, encoding)?;
        parse::parse(&text).map_err(|e| match e.kind() {
            crate::ErrorKind::SubtitleParse => e.with_subject(path.display().to_string()),
            _ => e,
        })
    }

    /// Write the script to `path` (through a temporary file).
    pub fn save(&self, path: impl AsRef<std::path::Path>) -> crate::Result<()> {
        let path = path.as_ref();
        let tmp = path.with_extension("ass.partial");
        std::fs::write(&tmp, self.to_string()).map_err(|e| crate::Error::io(&tmp, e))?;
        std::fs::rename(&tmp, path).map_err(|e| crate::Error::io(path, e))
    }

    /// The style called `name` (the last one wins, as in players). Leading
    /// `*` are ignored and `Default` matches in any case; other names must
    /// match exactly (trailing spaces count).
    pub fn style(&self, name: &str) -> Option<&Style> {
        let wanted = normalize_style_name(name.trim());
        self.styles.iter().rev().find(|s| normalize_style_name(&s.name) == wanted)
    }

    /// The style an event uses: its own, else `Default`, else the first.
    pub fn style_for(&self, event: &Event) -> Style {
        self.style(&event.style)
            .or_else(|| self.style("Default"))
            .or_else(|| self.styles.first())
            .cloned()
            .unwrap_or_default()
    }

    /// Events on screen at `time` seconds.
    pub fn active_events(&self, time: f64) -> impl Iterator<Item = &Event> {
        self.events.iter().filter(move |e| e.is_active(time))
    }

    /// Times (seconds) at which the set of visible events changes, sorted.
    pub fn event_boundaries(&self) -> Vec<f64> {
        let mut times: Vec<f64> = self
            .events
            .iter()
            .filter(|e| e.kind == EventKind::Dialogue)
            .flat_map(|e| [e.start, e.end])
            .collect();
        times.sort_by(|a, b| a.total_cmp(b));
        times.dedup();
        times
    }
}

fn normalize_style_name(name: &str) -> &str {
    let name = name.trim_start().trim_start_matches('*');
    if name.eq_ignore_ascii_case("default") {
        "Default"
    } else {
        name
    }
}

impl std::fmt::Display for Script {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write::write_script(self, f)
    }
}

impl std::str::FromStr for Script {
    type Err = crate::Error;
    fn from_str(s: &str) -> crate::Result<Self> {
        Script::parse(s)
    }
}
