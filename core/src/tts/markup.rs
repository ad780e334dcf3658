//! SSML-lite: the pauses and structure a narration script can ask for.
//!
//! Understood everywhere: `<break time="500ms"/>`, `<break time="1.5s"/>`,
//! `<break strength="weak|medium|strong|x-strong"/>`. Inside a `<speak>`
//! document also `<p>` (paragraph: a longer pause after it), `<s>`
//! (sentence), `<sub alias="...">` (say the alias instead) and the five XML
//! entities; any other tag there is an error. Outside `<speak>` other text in
//! angle brackets is read as text, and a blank line is a paragraph break.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// How a text's markup is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Markup {
    /// SSML when the text starts with `<speak`, else plain text in which
    /// `<break .../>` tags still make pauses (default).
    #[default]
    Auto,
    /// Plain text: every character is spoken.
    Plain,
    /// An SSML-lite document (`<speak>` optional).
    Ssml,
}

/// One piece of a parsed text.
#[derive(Debug, Clone, PartialEq)]
pub enum Piece {
    /// Text to speak.
    Text(String),
    /// Silence, in seconds.
    Pause(f64),
    /// The end of a sentence (`</s>`).
    SentenceEnd,
    /// The end of a paragraph (a blank line or `</p>`).
    ParagraphEnd,
}

/// Longest pause one tag may ask for.
const MAX_PAUSE: f64 = 30.0;

/// Split `text` into speech and pauses according to `markup`.
pub fn parse(text: &str, markup: Markup) -> Result<Vec<Piece>> {
    let ssml = match markup {
        Markup::Plain => return Ok(plain(text, false)),
        Markup::Ssml => true,
        Markup::Auto => text.trim_start().starts_with("<speak"),
    };
    if ssml {
        parse_ssml(text)
    } else {
        Ok(plain(text, true))
    }
}

/// Plain text: blank lines are paragraph breaks; with `breaks`, `<break/>`
/// tags become pauses.
fn plain(text: &str, breaks: bool) -> Vec<Piece> {
    let mut out = Vec::new();
    for (i, paragraph) in split_paragraphs(text).into_iter().enumerate() {
        if i > 0 {
            out.push(Piece::ParagraphEnd);
        }
        if !breaks {
            push_text(&mut out, paragraph);
            continue;
        }
        let mut rest = paragraph;
        while let Some(start) = find_break_tag(rest) {
            let Some(len) = rest[start..].find('>') else { break };
            let tag = &rest[start..start + len + 1];
            match parse_tag(tag).ok().and_then(|t| break_pause(&t).ok()) {
                Some(pause) => {
                    push_text(&mut out, &rest[..start]);
                    out.push(Piece::Pause(pause));
                }
                None => push_text(&mut out, &rest[..start + len + 1]),
            }
            rest = &rest[start + len + 1..];
        }
        push_text(&mut out, rest);
    }
    out
}

fn find_break_tag(text: &str) -> Option<usize> {
    let lower = text.to_ascii_lowercase();
    lower.find("<break")
}

fn split_paragraphs(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'\n' {
            // A line holding only whitespace after this newline?
            let mut j = i + 1;
            while j < bytes.len() && (bytes[j] == b' ' || bytes[j] == b'\t' || bytes[j] == b'\r') {
                j += 1;
            }
            if j < bytes.len() && bytes[j] == b'\n' {
                out.push(&text[start..i]);
                while j < bytes.len() && bytes[j].is_ascii_whitespace() {
                    j += 1;
                }
                start = j;
                i = j;
                continue;
            }
        }
        i += 1;
    }
    out.push(&text[start..]);
    out
}

fn push_text(out: &mut Vec<Piece>, text: &str) {
    if text.trim().is_empty() {
        return;
    }
    if let Some(Piece::Text(prev)) = out.last_mut() {
        prev.push(' ');
        prev.push_str(text);
    } else {
        out.push(Piece::Text(text.to_owned()));
    }
}

struct Tag {
    name: String,
    closing: bool,
    self_closing: bool,
    attributes: Vec<(String, String)>,
}

impl Tag {
    fn attribute(&self, name: &str) -> Option<&str> {
        self.attributes.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }
}

fn parse_ssml(text: &str) -> Result<Vec<Piece>> {
    let mut out = Vec::new();
    let mut rest = text;
    let mut stack: Vec<String> = Vec::new();
    // While inside <sub alias="...">, the alias is spoken and the text skipped.
    let mut in_sub = false;
    while !rest.is_empty() {
        let Some(open) = rest.find('<') else {
            if !in_sub {
                push_text(&mut out, &decode_entities(rest)?);
            }
            break;
        };
        if !in_sub {
            push_text(&mut out, &decode_entities(&rest[..open])?);
        }
        let close = rest[open..]
            .find('>')
            .ok_or_else(|| Error::invalid("text", format!("unclosed tag at `{}`", excerpt(&rest[open..]))))?;
        let raw = &rest[open..open + close + 1];
        rest = &rest[open + close + 1..];
        if raw.starts_with("<!--") {
            // A comment may contain '>': skip to its real end.
            if !raw.ends_with("-->") {
                let end = rest.find("-->").ok_or_else(|| Error::invalid("text", "unclosed comment"))?;
                rest = &rest[end + 3..];
            }
            continue;
        }
        if raw.starts_with("<?") {
            continue;
        }
        let tag = parse_tag(raw)?;
        match (tag.name.as_str(), tag.closing) {
            ("break", false) => out.push(Piece::Pause(break_pause(&tag)?)),
            ("speak", false) | ("s", false) | ("p", false) | ("sub", false) => {
                if tag.name == "sub" {
                    let alias = tag
                        .attribute("alias")
                        .ok_or_else(|| Error::invalid("text", "<sub> needs an alias attribute"))?;
                    push_text(&mut out, &decode_entities(alias)?);
                    in_sub = !tag.self_closing;
                }
                if !tag.self_closing && tag.name != "sub" {
                    stack.push(tag.name.clone());
                }
            }
            (name @ ("speak" | "s" | "p" | "sub"), true) => {
                if name == "sub" {
                    if !in_sub {
                        return Err(Error::invalid("text", "</sub> without <sub>"));
                    }
                    in_sub = false;
                    continue;
                }
                match stack.pop() {
                    Some(open) if open == name => {}
                    other => {
                        return Err(Error::invalid(
                            "text",
                            format!("</{name}> closes {}", other.map(|o| format!("<{o}>")).unwrap_or("nothing".into())),
                        ))
                    }
                }
                match name {
                    "s" => out.push(Piece::SentenceEnd),
                    "p" => out.push(Piece::ParagraphEnd),
                    _ => {}
                }
            }
            (other, _) => {
                return Err(Error::invalid(
                    "text",
                    format!("unsupported SSML tag <{other}> (supported: speak, p, s, break, sub)"),
                ))
            }
        }
    }
    if let Some(open) = stack.pop() {
        return Err(Error::invalid("text", format!("<{open}> is never closed")));
    }
    Ok(out)
}

fn excerpt(text: &str) -> String {
    text.chars().take(24).collect()
}

fn parse_tag(raw: &str) -> Result<Tag> {
    let inner = raw.trim_start_matches('<').trim_end_matches('>').trim();
    let closing = inner.starts_with('/');
    let self_closing = inner.ends_with('/');
    let inner = inner.trim_start_matches('/').trim_end_matches('/').trim();
    let name_end = inner.find(|c: char| c.is_whitespace()).unwrap_or(inner.len());
    let name = inner[..name_end].to_ascii_lowercase();
    if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == ':' || c == '_') {
        return Err(Error::invalid("text", format!("malformed tag `{}`", excerpt(raw))));
    }
    let mut attributes = Vec::new();
    let mut rest = inner[name_end..].trim();
    while !rest.is_empty() {
        let eq = rest.find('=').ok_or_else(|| Error::invalid("text", format!("malformed attribute in `{raw}`")))?;
        let key = rest[..eq].trim().to_ascii_lowercase();
        let after = rest[eq + 1..].trim_start();
        let quote = after.chars().next().filter(|c| *c == '"' || *c == '\'');
        let Some(quote) = quote else {
            return Err(Error::invalid("text", format!("unquoted attribute value in `{raw}`")));
        };
        let end = after[1..]
            .find(quote)
            .ok_or_else(|| Error::invalid("text", format!("unterminated attribute value in `{raw}`")))?;
        attributes.push((key, after[1..1 + end].to_owned()));
        rest = after[1 + end + 1..].trim_start();
    }
    Ok(Tag { name, closing, self_closing, attributes })
}

/// The pause a `<break>` asks for, in seconds.
fn break_pause(tag: &Tag) -> Result<f64> {
    if tag.name != "break" {
        return Err(Error::invalid("text", "not a break"));
    }
    if let Some(time) = tag.attribute("time") {
        let time = time.trim();
        let (number, scale) = if let Some(ms) = time.strip_suffix("ms") {
            (ms, 0.001)
        } else if let Some(s) = time.strip_suffix('s') {
            (s, 1.0)
        } else {
            return Err(Error::invalid("text", format!("break time `{time}` (expected e.g. 500ms or 1.5s)")));
        };
        let value: f64 = number
            .trim()
            .parse()
            .map_err(|_| Error::invalid("text", format!("break time `{time}` (expected e.g. 500ms or 1.5s)")))?;
        let seconds = value * scale;
        if !seconds.is_finite() || !(0.0..=MAX_PAUSE).contains(&seconds) {
            return Err(Error::invalid("text", format!("break time `{time}` (expected 0..={MAX_PAUSE} s)")));
        }
        return Ok(seconds);
    }
    match tag.attribute("strength").unwrap_or("medium") {
        "none" => Ok(0.0),
        "x-weak" => Ok(0.1),
        "weak" => Ok(0.2),
        "medium" => Ok(0.4),
        "strong" => Ok(0.7),
        "x-strong" => Ok(1.2),
        other => Err(Error::invalid(
            "text",
            format!("break strength `{other}` (expected none, x-weak, weak, medium, strong or x-strong)"),
        )),
    }
}

fn decode_entities(text: &str) -> Result<String> {
    if !text.contains('&') {
        return Ok(text.to_owned());
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let semi = rest[amp..].find(';').ok_or_else(|| Error::invalid("text", format!("bare `&` in SSML near `{}`", excerpt(&rest[amp..]))))?;
        let entity = &rest[amp + 1..amp + semi];
        let decoded = match entity {
            "amp" => '&',
            "lt" => '<',
            "gt" => '>',
            "quot" => '"',
            "apos" => '\'',
            e if e.starts_with("#x") => u32::from_str_radix(&e[2..], 16).ok().and_then(char::from_u32).unwrap_or('\u{fffd}'),
            e if e.starts_with('#') => e[1..].parse().ok().and_then(char::from_u32).unwrap_or('\u{fffd}'),
            other => return Err(Error::invalid("text", format!("unknown entity `&{other};`"))),
        };
        out.push(decoded);
        rest = &rest[amp + semi + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_keeps_angle_brackets_but_honours_breaks() {
        let pieces = parse("a < b, wait <break time=\"250ms\"/> then go", Markup::Auto).unwrap();
        assert_eq!(
            pieces,
            vec![Piece::Text("a < b, wait ".into()), Piece::Pause(0.25), Piece::Text(" then go".into())]
        );
        assert_eq!(parse("x <break time=\"1s\"/>", Markup::Plain).unwrap(), vec![Piece::Text("x <break time=\"1s\"/>".into())]);
    }

    #[test]
    fn blank_lines_are_paragraphs() {
        let pieces = parse("One.\nstill one.\n\n  Two.", Markup::Auto).unwrap();
        assert_eq!(
            pieces,
            vec![Piece::Text("One.\nstill one.".into()), Piece::ParagraphEnd, Piece::Text("Two.".into())]
        );
    }

    #[test]
    fn ssml_documents_are_parsed_strictly() {
        let doc = "<speak><p><s>Hello &amp; welcome.</s><break strength=\"strong\"/><s>Say <sub alias=\"World Wide Web\">WWW</sub>.</s></p></speak>";
        let pieces = parse(doc, Markup::Auto).unwrap();
        assert_eq!(
            pieces,
            vec![
                Piece::Text("Hello & welcome.".into()),
                Piece::SentenceEnd,
                Piece::Pause(0.7),
                Piece::Text("Say  World Wide Web .".into()),
                Piece::SentenceEnd,
                Piece::ParagraphEnd,
            ]
        );
        for bad in [
            "<speak><prosody rate=\"fast\">x</prosody></speak>",
            "<speak><p>x</speak>",
            "<speak>x <break time=\"2 minutes\"/></speak>",
            "<speak>x <break time=\"99s\"/></speak>",
            "<speak>a & b</speak>",
            "<speak>x <break time=500ms/></speak>",
            "<speak>x",
        ] {
            let err = parse(bad, Markup::Auto).unwrap_err();
            assert_eq!(err.code(), "invalid_parameter", "{bad}");
        }
    }
}
