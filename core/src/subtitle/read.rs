//! Strict SRT and WebVTT readers. Malformed input is rejected with the line
//! number where it goes wrong; well-formed oddities (BOM, NOTE and STYLE
//! blocks, identifiers, cue settings, empty cues) are handled.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// One cue as read from a subtitle file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SubtitleCue {
    /// The cue identifier (SRT counter or WebVTT id), when present.
    pub id: Option<String>,
    pub start: f64,
    pub end: f64,
    /// Text lines (markup kept as written).
    pub lines: Vec<String>,
    /// WebVTT cue settings (`align:start line:0`…), when present.
    pub settings: Option<String>,
}

impl SubtitleCue {
    /// Lines joined with `\n`.
    pub fn text(&self) -> String {
        self.lines.join("\n")
    }
}

/// A parsed subtitle document.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SubtitleDocument {
    pub cues: Vec<SubtitleCue>,
    /// WebVTT `STYLE` blocks, verbatim.
    pub styles: Vec<String>,
}

/// The text formats the readers understand.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum SubtitleFormat {
    Srt,
    Vtt,
    /// ASS/SSA (parsed by [`crate::subtitle::Script`]).
    Ass,
}

/// Guess the format from content: a `WEBVTT` signature means WebVTT, a
/// `[Script Info]` section (or SSA/ASS sections) means ASS, anything else SRT.
pub fn detect_format(text: &str) -> SubtitleFormat {
    let text = text.trim_start_matches('\u{feff}');
    if text.starts_with("WEBVTT") {
        return SubtitleFormat::Vtt;
    }
    let first = text.lines().map(str::trim).find(|l| !l.is_empty() && !l.starts_with(';')).unwrap_or("");
    if first.eq_ignore_ascii_case("[Script Info]") || first.eq_ignore_ascii_case("[V4+ Styles]") || first.eq_ignore_ascii_case("[Events]") {
        SubtitleFormat::Ass
    } else {
        SubtitleFormat::Srt
    }
}

/// Read an SRT or WebVTT file, choosing the parser from its content. The
/// text encoding is detected (BOM, UTF-16, UTF-8, else windows-1252; see
/// [`crate::subtitle::decode_subtitle_bytes`]).
pub fn read_subtitles(path: impl AsRef<std::path::Path>) -> Result<SubtitleDocument> {
    read_subtitles_with(path, None)
}

/// [`read_subtitles`] with a declared text encoding (a WHATWG label such as
/// `latin1` or `windows-1251`) for files without a byte-order mark.
pub fn read_subtitles_with(path: impl AsRef<std::path::Path>, encoding: Option<&str>) -> Result<SubtitleDocument> {
    let path = path.as_ref();
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    let name = path.display().to_string();
    let text = super::decode_subtitle_bytes(&bytes, encoding)?;
    match detect_format(&text) {
        SubtitleFormat::Vtt => parse_vtt(&text, &name),
        SubtitleFormat::Srt => parse_srt(&text, &name).map(|cues| SubtitleDocument { cues, styles: Vec::new() }),
        SubtitleFormat::Ass => parse_ass(&text, &name),
    }
}

/// Parse ASS/SSA text into plain cues: dialogue events in time order, with
/// override tags removed and `\N`/`\n` turned into lines.
pub fn parse_ass(text: &str, source: &str) -> Result<SubtitleDocument> {
    let script = crate::subtitle::Script::parse(text).map_err(|e| match e.kind() {
        crate::ErrorKind::SubtitleParse => e.with_subject(source),
        _ => e,
    })?;
    let mut cues: Vec<SubtitleCue> = script
        .events
        .iter()
        .filter(|e| e.kind == crate::subtitle::ass::EventKind::Dialogue)
        .map(|e| {
            let plain = super::plain_text(&e.text);
            SubtitleCue {
                id: None,
                start: e.start,
                end: e.end,
                lines: plain.split('\n').map(str::to_owned).collect(),
                settings: None,
            }
        })
        .collect();
    cues.sort_by(|a, b| a.start.total_cmp(&b.start));
    Ok(SubtitleDocument { cues, styles: Vec::new() })
}

fn malformed(source: &str, line: usize, reason: impl Into<String>) -> Error {
    Error::subtitle_parse(source.to_owned(), line, reason)
}

/// The largest hour a cue timestamp may name. Times are bounded at the
/// parser so that no later arithmetic on them (sample counts, frame numbers,
/// milliseconds) can overflow; 99 999 hours is far beyond any real media.
pub const MAX_CUE_HOURS: u64 = 99_999;

/// Why a timing line was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TimingError {
    /// Not `HH:MM:SS<sep>mmm` at all.
    Malformed,
    /// Well formed, but the hours are beyond [`MAX_CUE_HOURS`].
    HoursOutOfRange,
}

/// `HH:MM:SS<sep>mmm` or, when `hours_optional`, `MM:SS<sep>mmm`.
fn parse_timestamp(s: &str, sep: char, hours_optional: bool) -> std::result::Result<f64, TimingError> {
    use TimingError::Malformed;
    let (clock, millis) = s.trim().split_once(sep).ok_or(Malformed)?;
    if millis.len() != 3 || !millis.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Malformed);
    }
    let parts: Vec<&str> = clock.split(':').collect();
    let (h, m, sec) = match parts.as_slice() {
        [h, m, s] => (*h, *m, *s),
        [m, s] if hours_optional => ("0", *m, *s),
        _ => return Err(Malformed),
    };
    let digits = |x: &str| !x.is_empty() && x.bytes().all(|b| b.is_ascii_digit());
    if !digits(h) || !digits(m) || !digits(sec) || m.len() != 2 || sec.len() != 2 {
        return Err(Malformed);
    }
    // Any run of digits is a well-formed hour; only its size is wrong.
    let hours = h.trim_start_matches('0');
    let hours: u64 = if hours.is_empty() { 0 } else if hours.len() > 5 { u64::MAX } else { hours.parse().map_err(|_| Malformed)? };
    if hours > MAX_CUE_HOURS {
        return Err(TimingError::HoursOutOfRange);
    }
    let (minutes, seconds): (u64, u64) = (m.parse().map_err(|_| Malformed)?, sec.parse().map_err(|_| Malformed)?);
    if minutes >= 60 || seconds >= 60 {
        return Err(Malformed);
    }
    let millis: u64 = millis.parse().map_err(|_| Malformed)?;
    let total = hours * 3600 + minutes * 60 + seconds;
    Ok(total as f64 + millis as f64 / 1000.0)
}

/// A `start --> end [settings]` line, if the line is one.
fn parse_timing(line: &str, sep: char, hours_optional: bool) -> std::result::Result<(f64, f64, Option<String>), TimingError> {
    let (a, rest) = line.split_once("-->").ok_or(TimingError::Malformed)?;
    let rest = rest.trim_start();
    let (b, settings) = match rest.split_once(char::is_whitespace) {
        Some((b, s)) => (b, Some(s.trim().to_owned()).filter(|s| !s.is_empty())),
        None => (rest, None),
    };
    Ok((parse_timestamp(a, sep, hours_optional)?, parse_timestamp(b, sep, hours_optional)?, settings))
}

/// The error for a refused timing line (`line` is 1-based).
fn timing_error(source: &str, line: usize, timing: &str, sep: char, error: TimingError) -> Error {
    match error {
        TimingError::HoursOutOfRange => malformed(source, line, format!("timestamp hours out of range (at most {MAX_CUE_HOURS})")),
        TimingError::Malformed => {
            malformed(source, line, format!("expected `HH:MM:SS{sep}mmm --> HH:MM:SS{sep}mmm`, found `{}`", truncate(timing)))
        }
    }
}

/// Parse SubRip text. Entries without text are dropped (nothing to show);
/// everything else that is off (missing or bad timing line, a file without
/// any entry) is an error.
pub fn parse_srt(text: &str, source: &str) -> Result<Vec<SubtitleCue>> {
    let text = text.trim_start_matches('\u{feff}');
    let lines: Vec<&str> = text.lines().map(|l| l.trim_end_matches('\r')).collect();
    let mut cues = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        if lines[i].trim().is_empty() {
            i += 1;
            continue;
        }
        let block_line = i + 1;
        let counter = lines[i].trim();
        if !counter.bytes().all(|b| b.is_ascii_digit()) {
            return Err(malformed(source, block_line, format!("expected a cue number, found `{}`", truncate(counter))));
        }
        i += 1;
        let Some(timing) = lines.get(i) else {
            return Err(malformed(source, block_line, "cue number without a timing line"));
        };
        let (start, end, _) = parse_timing(timing, ',', false).map_err(|e| timing_error(source, i + 1, timing, ',', e))?;
        if end < start {
            return Err(malformed(source, i + 1, "cue ends before it starts"));
        }
        i += 1;
        let mut body = Vec::new();
        while i < lines.len() && !lines[i].trim().is_empty() {
            body.push(lines[i].to_owned());
            i += 1;
        }
        if !body.is_empty() {
            cues.push(SubtitleCue { id: Some(counter.to_owned()), start, end, lines: body, settings: None });
        }
    }
    if cues.is_empty() {
        return Err(malformed(source, 1, "no subtitle entries found"));
    }
    Ok(cues)
}

/// Parse WebVTT text (the `WEBVTT` signature is required).
pub fn parse_vtt(text: &str, source: &str) -> Result<SubtitleDocument> {
    let text = text.trim_start_matches('\u{feff}');
    let lines: Vec<&str> = text.lines().map(|l| l.trim_end_matches('\r')).collect();
    let signature = lines.first().copied().unwrap_or("");
    if !(signature == "WEBVTT" || signature.starts_with("WEBVTT ") || signature.starts_with("WEBVTT\t")) {
        return Err(malformed(source, 1, "missing the `WEBVTT` signature"));
    }
    let mut doc = SubtitleDocument::default();
    // Header: lines up to the first blank line.
    let mut i = 1;
    while i < lines.len() && !lines[i].trim().is_empty() {
        i += 1;
    }
    while i < lines.len() {
        if lines[i].trim().is_empty() {
            i += 1;
            continue;
        }
        let first = lines[i];
        if first == "NOTE" || first.starts_with("NOTE ") || first.starts_with("NOTE\t") {
            while i < lines.len() && !lines[i].trim().is_empty() {
                i += 1;
            }
            continue;
        }
        if first == "STYLE" || first.starts_with("STYLE ") {
            let mut block = Vec::new();
            i += 1;
            while i < lines.len() && !lines[i].trim().is_empty() {
                block.push(lines[i].trim());
                i += 1;
            }
            doc.styles.push(block.join(""));
            continue;
        }
        if first == "REGION" || first.starts_with("REGION ") {
            while i < lines.len() && !lines[i].trim().is_empty() {
                i += 1;
            }
            continue;
        }
        // A cue: optional identifier, then a timing line.
        let mut id = None;
        if !first.contains("-->") {
            id = Some(first.to_owned());
            i += 1;
        }
        let Some(timing) = lines.get(i).filter(|l| !l.trim().is_empty()) else {
            return Err(malformed(source, i, format!("`{}` is not followed by a cue timing line", truncate(first))));
        };
        let (start, end, settings) = parse_timing(timing, '.', true).map_err(|e| timing_error(source, i + 1, timing, '.', e))?;
        if end < start {
            return Err(malformed(source, i + 1, "cue ends before it starts"));
        }
        i += 1;
        let mut body = Vec::new();
        // A cue ends at a blank line, or where a new timing line begins.
        while i < lines.len() && !lines[i].trim().is_empty() && !lines[i].contains("-->") {
            body.push(lines[i].to_owned());
            i += 1;
        }
        doc.cues.push(SubtitleCue { id, start, end, lines: body, settings });
    }
    Ok(doc)
}

fn truncate(s: &str) -> String {
    if s.chars().count() > 60 {
        format!("{}…", s.chars().take(60).collect::<String>())
    } else {
        s.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_are_strict() {
        assert_eq!(parse_timestamp("01:02:03,456", ',', false), Ok(3723.456));
        assert_eq!(parse_timestamp("02:03.456", '.', true), Ok(123.456));
        assert_eq!(parse_timestamp("02:03.456", '.', false), Err(TimingError::Malformed));
        assert_eq!(parse_timestamp("00:00:11.890", ',', false), Err(TimingError::Malformed));
        assert_eq!(parse_timestamp("00:61:00,000", ',', false), Err(TimingError::Malformed));
        assert_eq!(parse_timestamp("00:00:00,5", ',', false), Err(TimingError::Malformed));
        assert_eq!(parse_timestamp("99999:59:59,999", ',', false), Ok(99999.0 * 3600.0 + 3599.999));
        assert_eq!(parse_timestamp("100000:00:00,000", ',', false), Err(TimingError::HoursOutOfRange));
        assert_eq!(parse_timestamp("99999999999999999:00:00,000", ',', false), Err(TimingError::HoursOutOfRange));
        assert_eq!(parse_timestamp("000000000000000001:00:00,000", ',', false), Ok(3600.0));
    }

    #[test]
    fn srt_round_trips_through_the_writer() {
        let cues = vec![crate::subtitle::Cue { start: 0.5, end: 1.25, lines: vec!["Hello".into(), "world".into()], words: vec![] }];
        let parsed = parse_srt(&crate::subtitle::write_srt(&cues), "mem").unwrap();
        assert_eq!(parsed[0].lines, ["Hello", "world"]);
        assert_eq!((parsed[0].start, parsed[0].end), (0.5, 1.25));
    }

    #[test]
    fn errors_name_the_line() {
        let err = parse_srt("1\n00:00:01,000 --> 00:00:02,000\nok\n\n2\nno timing\n", "x.srt").unwrap_err();
        assert_eq!(err.to_string(), "x.srt:6: expected `HH:MM:SS,mmm --> HH:MM:SS,mmm`, found `no timing`");
        assert!(matches!(parse_vtt("", "e.vtt"), Err(ref e) if e.kind() == crate::ErrorKind::SubtitleParse && e.line() == Some(1)));
    }

    #[test]
    fn vtt_settings_identifiers_and_notes() {
        let doc = parse_vtt("WEBVTT\n\nNOTE hi\nthere\n\nid1\n00:01.000 --> 00:02.000 align:start\n<b>x</b>\n", "m").unwrap();
        assert_eq!(doc.cues.len(), 1);
        assert_eq!(doc.cues[0].id.as_deref(), Some("id1"));
        assert_eq!(doc.cues[0].settings.as_deref(), Some("align:start"));
        assert_eq!(doc.cues[0].lines, ["<b>x</b>"]);
    }
}
