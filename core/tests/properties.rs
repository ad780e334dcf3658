//! Property tests: subtitle times survive format → parse round trips in
//! SRT, WebVTT and ASS, and override-tag numbers of any size are clamped at
//! the parser to values whose arithmetic cannot overflow.

use proptest::prelude::*;
use reelkit::subtitle::ass::{parse_text, parse_time, format_time, tags::TAG_TIME_LIMIT_MS, Tag, TextItem};
use reelkit::subtitle::{format_timestamp, parse_srt, parse_vtt, TimestampFormat, MAX_CUE_HOURS};

const MAX_MS: u64 = MAX_CUE_HOURS * 3_600_000 + 3_599_999;

fn tags_of(text: &str) -> Vec<Tag> {
    parse_text(text).into_iter().flat_map(|i| if let TextItem::Tags(t) = i { t } else { Vec::new() }).collect()
}

/// Any number as players meet it in a script: small, huge, negative,
/// exponent notation.
fn any_number() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<i64>().prop_map(|v| v.to_string()),
        any::<f64>().prop_filter("finite", |v| v.is_finite()).prop_map(|v| format!("{v:e}")),
        (-400i32..400).prop_map(|e| format!("1e{e}")),
        (-400i32..400).prop_map(|e| format!("-9.9e{e}")),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn srt_and_vtt_times_round_trip(start in 0..MAX_MS, len in 0u64..86_400_000) {
        let end = (start + len).min(MAX_MS);
        for (format, parse) in [(TimestampFormat::Srt, 0), (TimestampFormat::Vtt, 1)] {
            let (a, b) = (format_timestamp(start as f64 / 1000.0, format), format_timestamp(end as f64 / 1000.0, format));
            let cue = (start as f64 / 1000.0, end as f64 / 1000.0);
            let parsed = if parse == 0 {
                let cues = parse_srt(&format!("1\n{a} --> {b}\nx\n"), "p").unwrap();
                (cues[0].start, cues[0].end)
            } else {
                let doc = parse_vtt(&format!("WEBVTT\n\n{a} --> {b}\nx\n"), "p").unwrap();
                (doc.cues[0].start, doc.cues[0].end)
            };
            prop_assert_eq!(((parsed.0 * 1000.0).round() as u64, (parsed.1 * 1000.0).round() as u64), (start, end), "{} --> {}", a, b);
            prop_assert!((parsed.0 - cue.0).abs() < 1e-6 && (parsed.1 - cue.1).abs() < 1e-6);
        }
    }

    #[test]
    fn srt_hours_past_the_bound_are_errors_not_overflows(hours in (MAX_CUE_HOURS + 1)..u64::MAX) {
        let err = parse_srt(&format!("1\n{hours}:00:00,000 --> {hours}:00:01,000\nx\n"), "p").unwrap_err();
        prop_assert_eq!(err.code(), "subtitle_parse");
        prop_assert_eq!(err.line(), Some(2));
    }

    #[test]
    fn ass_times_round_trip_to_the_centisecond(cs in 0u64..(MAX_CUE_HOURS * 360_000)) {
        let text = format_time(cs as f64 / 100.0);
        let back = parse_time(&text).unwrap();
        prop_assert_eq!((back * 100.0).round() as u64, cs, "{}", text);
    }

    #[test]
    fn ass_time_text_never_overflows(text in "-?[0-9]{0,25}(:[0-9]{0,12}){0,2}(\\.[0-9]{0,6})?") {
        if let Some(t) = parse_time(&text) {
            prop_assert!(t.is_finite() && t.abs() <= (MAX_CUE_HOURS * 3600 + 3600) as f64, "{} -> {}", text, t);
        }
    }

    #[test]
    fn tag_times_are_clamped(a in any_number(), b in any_number(), c in any_number()) {
        let limit = TAG_TIME_LIMIT_MS;
        let text = format!("{{\\t({a},{b},\\fs50)\\fad({a},{b})\\move(0,0,1,1,{b},{c})\\k{a}\\kt{c}\\fade(255,0,255,{a},{b},{c},{a})}}x");
        for tag in tags_of(&text) {
            match tag {
                Tag::Transform { t1, t2, .. } => prop_assert!(t1.abs() <= limit && t2.abs() <= limit),
                Tag::Fad { fade_in, fade_out } => prop_assert!(fade_in.abs() <= limit && fade_out.abs() <= limit),
                Tag::Move { times: Some((t1, t2)), .. } => prop_assert!(t1.abs() <= limit && t2.abs() <= limit),
                Tag::Karaoke { centiseconds, .. } | Tag::KaraokeTime(centiseconds) => {
                    prop_assert!(centiseconds.is_finite() && (centiseconds * 10.0).abs() <= limit as f64 + 10.0)
                }
                Tag::Fade { t1, t2, t3, t4, .. } => prop_assert!([t1, t2, t3, t4].iter().all(|t| t.abs() <= limit)),
                _ => {}
            }
        }
    }
}
