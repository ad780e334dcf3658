//! A small strict SRT reader for narration scripts.
//!
//! Kept private to the dubbing code: numbered blocks, a
//! `HH:MM:SS,mmm --> HH:MM:SS,mmm` timing line (a `.` before the
//! milliseconds is accepted), text lines, blank-line separators; a UTF-8
//! BOM and CRLF line ends are fine. Formatting tags (`<i>`, `{\an8}`) are
//! removed. Errors name the line.

use std::path::Path;

use crate::error::{Error, Result};

/// One cue to speak.
#[derive(Debug, Clone, PartialEq)]
pub struct NarrationCue {
    pub start: f64,
    pub end: f64,
    pub text: String,
}

/// Read an SRT file.
pub fn read_srt(path: &Path) -> Result<Vec<NarrationCue>> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    let text = String::from_utf8(bytes)
        .map_err(|_| Error::invalid("narration", format!("{}: not UTF-8 text", path.display())))?;
    parse_srt(&text).map_err(|reason| Error::invalid("narration", format!("{}: {reason}", path.display())))
}

/// Parse SRT text.
pub fn parse_srt(text: &str) -> std::result::Result<Vec<NarrationCue>, String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let lines: Vec<&str> = text.lines().map(|l| l.trim_end_matches('\r')).collect();
    let mut cues = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        if lines[i].trim().is_empty() {
            i += 1;
            continue;
        }
        let line_no = i + 1;
        let mut timing_line = i;
        if !lines[i].contains("-->") {
            lines[i]
                .trim()
                .parse::<u64>()
                .map_err(|_| format!("line {line_no}: expected a cue number, found `{}`", lines[i].trim()))?;
            timing_line = i + 1;
        }
        let timing = lines.get(timing_line).ok_or_else(|| format!("line {line_no}: cue number without timing"))?;
        let (start, end) = parse_timing(timing).map_err(|e| format!("line {}: {e}", timing_line + 1))?;
        if end <= start {
            return Err(format!("line {}: cue ends ({end:.3} s) before it starts ({start:.3} s)", timing_line + 1));
        }
        let mut j = timing_line + 1;
        let mut body = Vec::new();
        while j < lines.len() && !lines[j].trim().is_empty() {
            body.push(strip_tags(lines[j]));
            j += 1;
        }
        cues.push(NarrationCue { start, end, text: body.join(" ").split_whitespace().collect::<Vec<_>>().join(" ") });
        i = j;
    }
    if cues.is_empty() {
        return Err("no cues".into());
    }
    Ok(cues)
}

fn parse_timing(line: &str) -> std::result::Result<(f64, f64), String> {
    let (a, b) = line.split_once("-->").ok_or_else(|| format!("expected `start --> end`, found `{}`", line.trim()))?;
    // Position hints may follow the end time.
    let b = b.split_whitespace().next().unwrap_or("");
    Ok((parse_time(a.trim())?, parse_time(b)?))
}

fn parse_time(t: &str) -> std::result::Result<f64, String> {
    let bad = || format!("bad timestamp `{t}` (expected HH:MM:SS,mmm)");
    let (hms, ms) = t.split_once([',', '.']).ok_or_else(bad)?;
    let parts: Vec<&str> = hms.split(':').collect();
    if parts.len() != 3 || ms.len() != 3 || !ms.chars().all(|c| c.is_ascii_digit()) {
        return Err(bad());
    }
    let num = |s: &str| s.parse::<u64>().map_err(|_| bad());
    let (h, m, s, ms) = (num(parts[0])?, num(parts[1])?, num(parts[2])?, num(ms)?);
    if m >= 60 || s >= 60 {
        return Err(bad());
    }
    Ok((h * 3600 + m * 60 + s) as f64 + ms as f64 / 1000.0)
}

fn strip_tags(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut depth_angle = false;
    let mut depth_brace = false;
    for c in line.chars() {
        match c {
            '<' => depth_angle = true,
            '>' if depth_angle => depth_angle = false,
            '{' => depth_brace = true,
            '}' if depth_brace => depth_brace = false,
            _ if depth_angle || depth_brace => {}
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn srt_cues_are_read() {
        let text = "\u{feff}1\r\n00:00:01,000 --> 00:00:03,500\r\n<i>Hello</i> there,\r\n{\\an8}friend.\r\n\r\n2\n00:01:02.250 --> 00:01:04,000 X1:0\nSecond.\n";
        let cues = parse_srt(text).unwrap();
        assert_eq!(cues.len(), 2);
        assert_eq!(cues[0], NarrationCue { start: 1.0, end: 3.5, text: "Hello there, friend.".into() });
        assert_eq!((cues[1].start, cues[1].end), (62.25, 64.0));
    }

    #[test]
    fn broken_srt_is_rejected_with_a_line_number() {
        for (text, needle) in [
            ("1\n00:00:01,000 -> 00:00:02,000\nx\n", "line 2"),
            ("x\n00:00:01,000 --> 00:00:02,000\nx\n", "line 1"),
            ("1\n00:00:03,000 --> 00:00:02,000\nx\n", "before it starts"),
            ("1\n00:00:01 --> 00:00:02,000\nx\n", "bad timestamp"),
            ("", "no cues"),
        ] {
            let err = parse_srt(text).unwrap_err();
            assert!(err.contains(needle), "{err}");
        }
    }
}
