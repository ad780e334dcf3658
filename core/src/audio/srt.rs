//! Narration scripts: the cues to speak, read with the shared subtitle
//! readers (SRT, WebVTT or ASS, detected from the content) with formatting
//! tags removed. Malformed scripts are rejected with the line number.

use std::path::Path;

use crate::subtitle::{detect_format, parse_ass, parse_srt, parse_vtt, plain_text, SubtitleCue, SubtitleFormat};
use crate::error::{Error, Result};

/// One cue to speak.
#[derive(Debug, Clone, PartialEq)]
pub struct NarrationCue {
    pub start: f64,
    pub end: f64,
    pub text: String,
}

/// Read a narration script file.
pub fn read_narration(path: &Path) -> Result<Vec<NarrationCue>> {
    read_narration_with(path, None)
}

/// [`read_narration`] with a declared text encoding (a WHATWG label) for
/// files without a byte-order mark.
pub fn read_narration_with(path: &Path, encoding: Option<&str>) -> Result<Vec<NarrationCue>> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    let name = path.display().to_string();
    let text = crate::subtitle::decode_subtitle_bytes(&bytes, encoding)?;
    parse_narration(&text, &name)
}

/// Parse narration script text; `source` names it in errors.
pub fn parse_narration(text: &str, source: &str) -> Result<Vec<NarrationCue>> {
    let cues: Vec<SubtitleCue> = match detect_format(text) {
        SubtitleFormat::Srt => parse_srt(text, source)?,
        SubtitleFormat::Vtt => parse_vtt(text, source)?.cues,
        SubtitleFormat::Ass => parse_ass(text, source)?.cues,
    };
    let cues: Vec<NarrationCue> = cues
        .into_iter()
        .map(|c| NarrationCue {
            start: c.start,
            end: c.end,
            text: c.lines.iter().map(|l| plain_text(l)).collect::<Vec<_>>().join(" ").split_whitespace().collect::<Vec<_>>().join(" "),
        })
        .filter(|c| !c.text.is_empty())
        .collect();
    if cues.is_empty() {
        return Err(Error::subtitle_parse(source.to_owned(), 1, "no cues with text to speak"));
    }
    Ok(cues)
}


#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn srt_cues_are_read_without_markup() {
        let text = "\u{feff}1\r\n00:00:01,000 --> 00:00:03,500\r\n<i>Hello</i> there,\r\n{\\an8}friend.\r\n\r\n2\n00:01:02,250 --> 00:01:04,000 X1:0\nSecond.\n";
        let cues = parse_narration(text, "n.srt").unwrap();
        assert_eq!(cues.len(), 2);
        assert_eq!(cues[0], NarrationCue { start: 1.0, end: 3.5, text: "Hello there, friend.".into() });
        assert_eq!((cues[1].start, cues[1].end), (62.25, 64.0));
    }

    #[test]
    fn webvtt_scripts_work_too() {
        let cues = parse_narration("WEBVTT\n\n00:01.000 --> 00:02.000\nHi <b>you</b>\n", "n.vtt").unwrap();
        assert_eq!(cues, vec![NarrationCue { start: 1.0, end: 2.0, text: "Hi you".into() }]);
    }

    #[test]
    fn broken_scripts_are_rejected_with_a_line_number() {
        for (text, line) in [
            ("1\n00:00:01,000 -> 00:00:02,000\nx\n", 2),
            ("x\n00:00:01,000 --> 00:00:02,000\nx\n", 1),
            ("1\n00:00:03,000 --> 00:00:02,000\nx\n", 2),
            ("1\n00:00:01 --> 00:00:02,000\nx\n", 2),
            ("", 1),
        ] {
            let err = parse_narration(text, "n.srt").unwrap_err();
            assert!(err.kind() == crate::ErrorKind::SubtitleParse && err.line() == Some(line), "{text:?}: {err}");
        }
    }
}
