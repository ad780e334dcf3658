//! Subtitle readers against the expectations of the shared test files.

mod common;

use reelkit::subtitle::{parse_srt, parse_vtt, read_subtitles, write_vtt, Cue};
use reelkit::media::read_subtitle_stream;


fn ts(s: &str) -> f64 {
    let (hms, ms) = s.split_once('.').unwrap();
    let p: Vec<f64> = hms.split(':').map(|x| x.parse().unwrap()).collect();
    p[0] * 3600.0 + p[1] * 60.0 + p[2] + ms.parse::<f64>().unwrap() / 1000.0
}

#[test]
fn shared_subtitle_files_meet_their_expectations() {
    let testdata = require_testdata!();
    let dir = testdata.join("subtitle-streams");
    let expectations: serde_json::Value = serde_json::from_slice(&std::fs::read(dir.join("EXPECTATIONS.json")).unwrap()).unwrap();
    let mut checked = 0;
    for (file, exp) in expectations["files"].as_object().unwrap() {
        if file.ends_with(".ass") {
            // Valid scripts and the libass crash corpus both read without error.
            let doc = read_subtitles(dir.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
            assert!(!doc.cues.is_empty(), "{file}");
            checked += 1;
            continue;
        }
        if !(file.ends_with(".srt") || file.ends_with(".vtt")) {
            continue;
        }
        let path = dir.join(file);
        let result = read_subtitles(&path);
        match &exp["valid"] {
            serde_json::Value::Bool(false) => {
                let err = result.expect_err(file);
                assert!(err.kind() == reelkit::ErrorKind::SubtitleParse && err.line().unwrap_or(0) >= 1, "{file}: {err}");
                assert!(err.to_string().contains(':'), "{file}: {err}");
            }
            serde_json::Value::Bool(true) => {
                let doc = result.unwrap_or_else(|e| panic!("{file}: {e}"));
                if let Some(n) = exp["captions"].as_u64() {
                    assert_eq!(doc.cues.len() as u64, n, "{file}");
                }
                if let Some(total) = exp["total_length_s"].as_f64() {
                    let last = doc.cues.last().unwrap().end - doc.cues[0].start;
                    assert!((last.round() - total).abs() < 1.0 || (doc.cues.last().unwrap().end.round() - total).abs() < 1.0, "{file}: {last}");
                }
                for k in 0..20 {
                    let key = format!("caption_{k}");
                    if let Some(c) = exp.get(&key).filter(|c| c.is_object()) {
                        assert!((doc.cues[k].start - ts(c["start"].as_str().unwrap())).abs() < 1e-6, "{file} {key}");
                        assert!((doc.cues[k].end - ts(c["end"].as_str().unwrap())).abs() < 1e-6, "{file} {key}");
                        if let Some(lines) = c.get("lines") {
                            let want: Vec<&str> = lines.as_array().unwrap().iter().map(|l| l.as_str().unwrap()).collect();
                            assert_eq!(doc.cues[k].lines, want, "{file} {key}");
                        }
                    }
                    if let Some(lines) = exp.get(format!("{key}_lines")) {
                        let want: Vec<&str> = lines.as_array().unwrap().iter().map(|l| l.as_str().unwrap()).collect();
                        assert_eq!(doc.cues[k].lines, want, "{file} {key}_lines");
                    }
                    if let Some(text) = exp.get(format!("{key}_text")) {
                        assert_eq!(doc.cues[k].text(), text.as_str().unwrap(), "{file} {key}_text");
                    }
                }
                if let Some(style) = exp["style_0"].as_str() {
                    assert_eq!(doc.styles[0], style, "{file}");
                }
                if let Some(ids) = exp["identifiers"].as_object() {
                    for (k, v) in ids {
                        let k: usize = k.parse().unwrap();
                        assert_eq!(doc.cues[k].id.as_deref(), v.as_str(), "{file} id {k}");
                    }
                }
                if let Some(as_vtt) = exp["as_vtt"].as_array() {
                    let cues: Vec<Cue> = doc.cues.iter().map(|c| Cue { start: c.start, end: c.end, lines: c.lines.clone(), words: vec![] }).collect();
                    let want: Vec<&str> = as_vtt.iter().map(|l| l.as_str().unwrap()).collect();
                    assert_eq!(write_vtt(&cues).trim_end().lines().collect::<Vec<_>>(), want, "{file}");
                }
            }
            _ => {}
        }
        checked += 1;
    }
    assert!(checked >= 18, "only {checked} files checked");
}

#[test]
fn webvtt_stream_in_matroska_is_read() {
    let testdata = require_testdata!();
    let cues = read_subtitle_stream(testdata.join("subtitle-streams/containers/webvtt.mkv")).unwrap();
    assert_eq!(cues.len(), 2);
    assert_eq!(cues[0].text(), "oop");
    assert!((cues[0].start - 0.546).abs() < 0.002 && (cues[0].end - 1.039).abs() < 0.002, "{cues:?}");
    assert_eq!(cues[1].text(), "boop");
    assert!(matches!(read_subtitle_stream(testdata.join("speech-video/example.mp4")), Err(ref e) if e.kind() == reelkit::ErrorKind::MissingStream));
}

#[test]
fn hostile_subtitle_text_is_rejected_without_panicking() {
    // Each parser is checked on its own format, with the line it must name
    // (the VTT parser rejects anything without `WEBVTT` up front, so an
    // "either parser fails" check could never fail).
    let digits = "9".repeat(100_000);
    for (text, line) in [
        ("\u{0}\u{1}\u{2}", 1),
        ("1\n99:99:99,999 --> 00:00:00,000\nx\n", 2),
        ("1\n00:00:02,000 --> 00:00:01,000\nbackwards\n", 2),
        (digits.as_str(), 1),
    ] {
        let err = parse_srt(text, "x").unwrap_err();
        assert_eq!((err.kind(), err.line()), (reelkit::ErrorKind::SubtitleParse, Some(line)), "SRT {:?}: {err}", &text[..text.len().min(40)]);
    }
    for (text, line) in [("WEBVTT\n\n-->\n", 3), ("WEBVTT\n\n00:01.000 --> 00:00.500\nbackwards\n", 3)] {
        let err = parse_vtt(text, "x").unwrap_err();
        assert_eq!((err.kind(), err.line()), (reelkit::ErrorKind::SubtitleParse, Some(line)), "VTT {text:?}: {err}");
    }
    // And each still reads the well-formed version of the same cue.
    assert_eq!(parse_srt("1\n00:00:01,000 --> 00:00:02,000\nforwards\n", "x").unwrap().len(), 1);
    assert_eq!(parse_vtt("WEBVTT\n\n00:00.500 --> 00:01.000\nforwards\n", "x").unwrap().cues.len(), 1);
}
