//! Values across the boundary, through serde.
//!
//! Specs, options and reports cross as `serde_json::Value` (napi's serde
//! support); this module only adapts their shape, generically:
//! - [`from_js`]: a JS value as core JSON — whole numbers become integers
//!   (a JS number is a double; `5e9` must still read as a `u64`);
//!   [`from_js_camel`] also turns camelCase keys into snake_case
//!   (`segmentSeconds` → `segment_seconds`), for the options that mirror a
//!   core config in the binding's camelCase.
//! - [`wire`]: core JSON as the JS value `run` resolves to — the JSON the
//!   CLI prints, with integers past 2^53 as (rounded) numbers rather than
//!   the BigInts napi would make of them.
//! - [`to_js`]: core JSON as the functions other than `run` return it — as
//!   [`wire`], with camelCase keys and no `null`s (an absent value is left
//!   out), the shape those functions always had.
//! - [`legacy_report`]: a [`JobReport`] as those functions return it.

use reelkit::{JobReport, Transcript};
use serde_json::{json, Map, Number, Value};

/// Objects whose keys are data (phonemes), not field names.
const MAPS: &[&str] = &["missing_phonemes"];

/// The largest integer a double holds exactly.
const EXACT: f64 = 9_007_199_254_740_991.0;

/// A JS value as core JSON: keys as given, whole numbers as integers.
pub fn from_js(value: Value) -> Value {
    read(value, false)
}

/// A camelCase JS object as core JSON: snake_case keys, whole numbers as
/// integers.
pub fn from_js_camel(value: Value) -> Value {
    read(value, true)
}

fn read(value: Value, snake_keys: bool) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| (if snake_keys { snake(&k) } else { k }, read(v, snake_keys)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(|v| read(v, snake_keys)).collect()),
        Value::Number(n) => Value::Number(whole(n)),
        other => other,
    }
}

/// Core JSON as `run` returns it (numbers JS-safe, keys as they are).
pub fn wire(value: Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(map.into_iter().map(|(k, v)| (k, wire(v))).collect()),
        Value::Array(items) => Value::Array(items.into_iter().map(wire).collect()),
        Value::Number(n) => Value::Number(js_number(n)),
        other => other,
    }
}

/// Core JSON in the camelCase shape, without `null`s.
pub fn to_js(value: Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| {
                    let v = if MAPS.contains(&k.as_str()) { wire(v) } else { to_js(v) };
                    (camel(&k), v)
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(to_js).collect()),
        other => wire(other),
    }
}

/// A serialisable core record in the camelCase shape.
pub fn record<T: serde::Serialize>(value: &T) -> Value {
    to_js(serde_json::to_value(value).unwrap_or(Value::Null))
}

/// A job's report as the function that ran it returns it: the kind's
/// report without the `kind` tag, camelCase; `transcribe` and `align` give
/// the transcript, `scenes` adds the `cuts`, `dub` its target's loudness.
pub fn legacy_report(report: JobReport) -> Value {
    let extra = match &report {
        JobReport::Transcribe(r) | JobReport::Align(r) => return transcript(&r.transcript),
        JobReport::Scenes(r) => json!({ "cuts": r.scenes.cuts() }),
        JobReport::Dub(r) => json!({ "target_lufs": r.target.lufs, "target_true_peak": r.target.true_peak }),
        _ => json!({}),
    };
    let mut value = report.to_value();
    if let (Value::Object(map), Value::Object(extra)) = (&mut value, extra) {
        map.remove("kind");
        map.extend(extra);
    }
    to_js(value)
}

/// A transcript with its full `text`, every word saying whether its times
/// were `estimated`.
pub fn transcript(t: &Transcript) -> Value {
    let mut value = serde_json::to_value(t).unwrap_or(Value::Null);
    value["text"] = t.text().into();
    let segments = value.get_mut("segments").and_then(Value::as_array_mut).into_iter().flatten();
    for word in segments.flat_map(|s| s.get_mut("words").and_then(Value::as_array_mut).into_iter().flatten()) {
        if let Some(word) = word.as_object_mut() {
            word.entry("estimated").or_insert(Value::Bool(false));
        }
    }
    to_js(value)
}

/// A progress event with its `fraction` done.
pub fn progress_event(e: &reelkit::ProgressEvent) -> Value {
    let mut value = serde_json::to_value(e).unwrap_or(Value::Null);
    if let Some(map) = value.as_object_mut() {
        map.insert("fraction".into(), e.fraction().into());
    }
    to_js(value)
}

/// The `options` object a caller passes in the core's own JSON form
/// (snake_case), or `{}`.
pub fn options(value: Option<Value>) -> Value {
    value.map(from_js).unwrap_or_else(|| Value::Object(Map::new()))
}

fn whole(n: Number) -> Number {
    match n.as_f64() {
        Some(f) if !n.is_i64() && !n.is_u64() && f.fract() == 0.0 && f.abs() <= EXACT => Number::from(f as i64),
        _ => n,
    }
}

fn js_number(n: Number) -> Number {
    let exact = n.is_f64() || n.as_i64().is_some_and(|i| i.unsigned_abs() <= EXACT as u64);
    match n.as_f64() {
        Some(f) if !exact => Number::from_f64(f).unwrap_or(n),
        _ => n,
    }
}

/// `segmentSeconds` → `segment_seconds` (snake_case stays as it is).
pub fn snake(key: &str) -> String {
    let mut out = String::with_capacity(key.len() + 4);
    for c in key.chars() {
        if c.is_ascii_uppercase() {
            out.push('_');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// `segment_seconds` → `segmentSeconds`.
pub fn camel(key: &str) -> String {
    let mut out = String::with_capacity(key.len());
    let mut upper = false;
    for c in key.chars() {
        match c {
            '_' if !out.is_empty() => upper = true,
            c if upper => {
                out.push(c.to_ascii_uppercase());
                upper = false;
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_change_case_both_ways() {
        for (snake_key, camel_key) in [("segment_seconds", "segmentSeconds"), ("yt_dlp_mode", "ytDlpMode"), ("sample_peak_dbfs", "samplePeakDbfs"), ("top", "top")] {
            assert_eq!(camel(snake_key), camel_key);
            assert_eq!(snake(camel_key), snake_key);
            assert_eq!(snake(snake_key), snake_key);
        }
    }

    #[test]
    fn numbers_fit_both_sides() {
        assert_eq!(from_js(json!({"max_bytes": 5e9, "aB": 1})), json!({"max_bytes": 5_000_000_000u64, "aB": 1}));
        let from = from_js_camel(json!({"maxBytes": 5e9, "rate": 1.5, "top": 2}));
        assert_eq!(from, json!({"max_bytes": 5_000_000_000u64, "rate": 1.5, "top": 2}));
        assert!(from["max_bytes"].is_u64() || from["max_bytes"].is_i64());
        let out = wire(json!({"size_bytes": 5_000_000_000u64, "huge": u64::MAX, "delta": -(1i64 << 60)}));
        assert!(out["size_bytes"].is_u64() && out["huge"].is_f64() && out["delta"].is_f64());
    }

    #[test]
    fn records_lose_nulls_and_keep_map_keys() {
        let value = to_js(json!({"display_width": 320, "video": null, "missing_phonemes": {"a_b": 1}, "streams": [{"sample_rate": 1}]}));
        assert_eq!(value, json!({"displayWidth": 320, "missingPhonemes": {"a_b": 1}, "streams": [{"sampleRate": 1}]}));
    }

    #[test]
    fn transcripts_carry_their_text_and_estimated_flags() {
        let t: Transcript = serde_json::from_value(json!({"language": "en", "duration": 1.0, "segments": [
            {"start": 0.0, "end": 1.0, "text": " Hello there.", "words": [{"word": "Hello", "start": 0.0, "end": 0.5, "probability": 0.5}]}
        ]}))
        .unwrap();
        let value = transcript(&t);
        assert_eq!(value["text"], "Hello there.");
        assert_eq!(value["segments"][0]["words"][0]["estimated"], false);
    }
}
