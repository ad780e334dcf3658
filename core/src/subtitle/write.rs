//! SRT and WebVTT writers.

use super::cues::Cue;

/// How timestamps are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimestampFormat {
    /// `HH:MM:SS,mmm`
    Srt,
    /// `HH:MM:SS.mmm`
    Vtt,
}

/// Format seconds as an SRT or WebVTT timestamp (negative clamps to 0).
pub fn format_timestamp(seconds: f64, format: TimestampFormat) -> String {
    let total_ms = (seconds.max(0.0) * 1000.0).round() as u64;
    let (h, m, s, ms) = (total_ms / 3_600_000, total_ms / 60_000 % 60, total_ms / 1000 % 60, total_ms % 1000);
    let sep = match format {
        TimestampFormat::Srt => ',',
        TimestampFormat::Vtt => '.',
    };
    format!("{h:02}:{m:02}:{s:02}{sep}{ms:03}")
}

/// SubRip text for `cues`.
pub fn write_srt(cues: &[Cue]) -> String {
    let mut out = String::new();
    for (i, cue) in cues.iter().enumerate() {
        out.push_str(&format!(
            "{}\n{} --> {}\n{}\n\n",
            i + 1,
            format_timestamp(cue.start, TimestampFormat::Srt),
            format_timestamp(cue.end, TimestampFormat::Srt),
            sanitize(&cue.text())
        ));
    }
    out
}

/// WebVTT text for `cues`.
pub fn write_vtt(cues: &[Cue]) -> String {
    let mut out = String::from("WEBVTT\n\n");
    for cue in cues {
        out.push_str(&format!(
            "{} --> {}\n{}\n\n",
            format_timestamp(cue.start, TimestampFormat::Vtt),
            format_timestamp(cue.end, TimestampFormat::Vtt),
            escape_vtt(&sanitize(&cue.text()))
        ));
    }
    out
}

/// A blank line would end a cue early in both formats.
fn sanitize(text: &str) -> String {
    text.lines().map(str::trim).filter(|l| !l.is_empty()).collect::<Vec<_>>().join("\n")
}

fn escape_vtt(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace("-->", "--&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cue(start: f64, end: f64, text: &str) -> Cue {
        Cue { start, end, lines: text.split('\n').map(str::to_owned).collect(), words: vec![] }
    }

    #[test]
    fn timestamps() {
        assert_eq!(format_timestamp(3723.4567, TimestampFormat::Srt), "01:02:03,457");
        assert_eq!(format_timestamp(0.0, TimestampFormat::Vtt), "00:00:00.000");
        assert_eq!(format_timestamp(-2.0, TimestampFormat::Vtt), "00:00:00.000");
    }

    #[test]
    fn srt_and_vtt_layout() {
        let cues = [cue(0.5, 1.25, "Hello\nworld"), cue(2.0, 3.0, "a <b> & c")];
        assert_eq!(
            write_srt(&cues),
            "1\n00:00:00,500 --> 00:00:01,250\nHello\nworld\n\n2\n00:00:02,000 --> 00:00:03,000\na <b> & c\n\n"
        );
        let vtt = write_vtt(&cues);
        assert!(vtt.starts_with("WEBVTT\n\n00:00:00.500 --> 00:00:01.250\nHello\nworld\n\n"));
        assert!(vtt.contains("a &lt;b&gt; &amp; c"));
    }
}
