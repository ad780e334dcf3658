//! Text to speech: the phonemizer and id mapping on piper's and espeak-ng's
//! test vectors, the Piper runtime on a real voice, determinism, streaming,
//! the voice registry and bad input.

mod common;

use std::path::Path;
use std::sync::{Arc, Mutex};

use reelkit::tts::{espeak, phonemes, PiperConfig, Synthesizer, TtsConfig, VoiceEngine};
use reelkit::{ProgressEvent, RunCtl};

fn vectors(testdata: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(testdata.join("tts-phonemes/piper_vectors.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn vector<'a>(all: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    all["vectors"].as_array().unwrap().iter().find(|v| v["id"] == id).unwrap()
}

/// Piper's sentence phonemes: clause phonemes + punctuation, joined by spaces.
fn piper_sentences(text: &str, voice: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current: Vec<String> = Vec::new();
    for clause in espeak::phonemize(text, voice).unwrap() {
        let mut part = clause.phonemes.clone();
        if let Some(t) = clause.terminator {
            part.push(t);
        }
        current.push(part);
        if clause.ends_sentence() {
            out.push(current.join(" "));
            current.clear();
        }
    }
    if !current.is_empty() {
        out.push(current.join(" "));
    }
    out
}

fn test_voice_config(testdata: &Path) -> PiperConfig {
    PiperConfig::load(&testdata.join("tts-phonemes/piper_test_voice.onnx.json")).unwrap()
}

#[test]
fn piper_phoneme_vectors_match() {
    let testdata = require_testdata!();
    let all = vectors(&testdata);
    let config = test_voice_config(&testdata);

    // "licht!" in German: NFD phonemes and ids.
    let v = vector(&all, "pp-de-licht");
    let sentences = piper_sentences(v["text"].as_str().unwrap(), "de");
    let got = phonemes::codepoints(&sentences[0]);
    let want: Vec<String> = serde_json::from_value(v["phonemes"][0].clone()).unwrap();
    assert_eq!(got, want);
    let ids: Vec<i64> = serde_json::from_value(v["phoneme_ids"].clone()).unwrap();
    assert_eq!(config.phoneme_ids.ids(&got).ids, ids);

    // Punctuation is kept and followed by a space.
    let v = vector(&all, "pp-en-punctuation");
    assert_eq!(piper_sentences(v["text"].as_str().unwrap(), "en-us"), [v["phoneme_string"].as_str().unwrap()]);

    // Sentences are split, numbers expanded, ids per sentence.
    for id in ["pp-en-sentence-split", "pp-en-sentence-split-nospace", "piper1-test-ids"] {
        let v = vector(&all, id);
        let got = piper_sentences(v["text"].as_str().unwrap(), "en-us");
        if let Some(want) = v.get("sentences") {
            let want: Vec<String> = serde_json::from_value(want.clone()).unwrap();
            assert_eq!(got, want, "{id}");
        }
        if let Some(want) = v.get("phonemes") {
            let want: Vec<Vec<String>> = serde_json::from_value(want.clone()).unwrap();
            let got_cp: Vec<Vec<String>> = got.iter().map(|s| phonemes::codepoints(s)).collect();
            assert_eq!(got_cp, want, "{id}");
        }
        if let Some(want) = v.get("phoneme_ids") {
            let want: Vec<Vec<i64>> = serde_json::from_value(want.clone()).unwrap();
            let got_ids: Vec<Vec<i64>> = got.iter().map(|s| config.phoneme_ids.ids(&phonemes::codepoints(s)).ids).collect();
            assert_eq!(got_ids, want, "{id}");
        }
    }

    let v = vector(&all, "piper1-en-test");
    assert_eq!(phonemes::codepoints(&piper_sentences("test", "en-us")[0]), ["t", "ˈ", "ɛ", "s", "t"]);
    let _ = v;

    // Unknown phonemes are skipped and counted.
    let v = vector(&all, "pp-missing-phoneme");
    let input: Vec<String> = serde_json::from_value(v["input_phonemes"].clone()).unwrap();
    let out = config.phoneme_ids.ids(&input);
    assert_eq!(out.ids, [1, 0, 2]);
    assert_eq!(out.missing.get("\u{0}"), Some(&3));

    // The codepoint phonemizer: case-folded and NFD.
    let v = vector(&all, "pp-uk-codepoints");
    let want: Vec<String> = serde_json::from_value(v["phonemes"][0].clone()).unwrap();
    assert_eq!(phonemes::text_codepoints(v["text"].as_str().unwrap(), true), want);
    let want_upper: Vec<String> = serde_json::from_value(v["phonemes_casing_upper"][0].clone()).unwrap();
    assert_eq!(phonemes::text_codepoints(v["text"].as_str().unwrap(), false), want_upper);
}

#[test]
fn phonemizer_ipa_vectors_match_without_stress() {
    let testdata = require_testdata!();
    let text = std::fs::read_to_string(testdata.join("tts-phonemes/phonemizer_ipa.tsv")).unwrap();
    let mut checked = 0;
    for line in text.lines().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        let (lang, input, expected, options) = (cols[1], cols[2], cols[3], cols[4]);
        let with_stress = options.contains("with_stress=True");
        let words: Vec<String> = input
            .split_whitespace()
            .map(|w| {
                let p: String = espeak::phonemize(w, lang).unwrap().into_iter().map(|c| c.phonemes).collect();
                if with_stress { p } else { p.replace(['ˈ', 'ˌ'], "") }
            })
            .collect();
        assert_eq!(words.join(" "), expected, "{line}");
        checked += 1;
    }
    assert!(checked >= 9);
}

#[test]
fn espeak_ng_test_vectors_mostly_match() {
    // espeak-ng's own `test_phon` vectors (its ASCII mnemonics), for English
    // voices. They track espeak-ng master; Debian's 1.51 data differs on a
    // few words, so most (not all) must match.
    let testdata = require_testdata!();
    let text = std::fs::read_to_string(testdata.join("tts-phonemes/espeak_ng_phonemes.tsv")).unwrap();
    let (mut total, mut matched) = (0, 0);
    for line in text.lines().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        let (voice, input, expected) = (cols[1], cols[2], cols[3]);
        if !voice.to_ascii_lowercase().starts_with("en") || expected.contains("\\n") {
            continue;
        }
        let got = espeak_ascii(input, voice);
        total += 1;
        if got.split_whitespace().collect::<Vec<_>>() == expected.split_whitespace().collect::<Vec<_>>() {
            matched += 1;
        }
    }
    assert!(total >= 40, "{total}");
    assert!(matched * 10 >= total * 6, "{matched}/{total} espeak-ng vectors matched");
}

/// espeak-ng ASCII phonemes through the library (mode 0), like `espeak-ng -x`.
fn espeak_ascii(text: &str, voice: &str) -> String {
    espeak::phonemize_ascii(text, voice).unwrap().into_iter().map(|c| c.phonemes).collect::<Vec<_>>().join(" ")
}

#[test]
fn the_tiny_test_model_runs_through_the_real_call_path() {
    let testdata = require_testdata!();
    let store = require_models!();
    let voice = testdata.join("tts-phonemes/piper_test_voice.onnx");
    let tts = Synthesizer::new(store);
    let config = TtsConfig::default().voice(voice.to_str().unwrap()).peak(0.0);
    let speech = tts.synthesize("Test 1. Test 2.", &config, &RunCtl::default()).unwrap();
    assert_eq!(speech.sample_rate, 22_050);
    assert_eq!(speech.sentences.len(), 2);
    // One second of output per sentence, plus the pause between them.
    let expected = 2.0 + config.sentence_pause;
    assert!((speech.duration() - expected).abs() < 0.05, "{}", speech.duration());
    assert_eq!(speech.sentences[0].phonemes, "tˈɛst wˈʌn.");
}

#[test]
fn joe_speaks_deterministically_per_seed() {
    let store = require_models!();
    let tts = Synthesizer::new(store);
    let text = "The quick brown fox jumps over the lazy dog. It cost $5.50, e.g. a bargain!";
    let a = tts.synthesize(text, &TtsConfig::default().seed(42), &RunCtl::default()).unwrap();
    let b = tts.synthesize(text, &TtsConfig::default().seed(42).threads(1), &RunCtl::default()).unwrap();
    let c = tts.synthesize(text, &TtsConfig::default().seed(43), &RunCtl::default()).unwrap();
    assert_eq!(a.sample_rate, 22_050);
    assert_eq!(a.sentences.len(), 2, "{:?}", a.sentences);
    assert!(a.duration() > 3.0 && a.duration() < 10.0, "{}", a.duration());
    assert_eq!(a.samples, b.samples, "same seed, same audio (whatever the thread count)");
    assert_ne!(a.samples, c.samples, "another seed, other audio");
    let peak = a.samples.iter().fold(0.0f32, |m, s| m.max(s.abs()));
    assert!((peak - 0.9).abs() < 1e-3, "{peak}");
    assert!(a.sentences[1].text.contains("five dollars fifty cents"), "{:?}", a.sentences[1]);
    // A faster rate is shorter.
    let fast = tts.synthesize(text, &TtsConfig::default().seed(42).rate(1.5), &RunCtl::default()).unwrap();
    assert!(fast.duration() < a.duration() * 0.8, "{} vs {}", fast.duration(), a.duration());
}

#[test]
fn espeak_fallback_voices_cover_many_languages() {
    let store = require_models!();
    let tts = Synthesizer::new(store);
    let voices = tts.voices().unwrap();
    let espeak_voices: Vec<_> = voices.iter().filter(|v| v.engine == VoiceEngine::Espeak).collect();
    assert!(espeak_voices.len() > 50, "{}", espeak_voices.len());
    let joe = voices.iter().find(|v| v.id == "joe").unwrap();
    assert!(joe.installed && joe.sample_rate == 22_050 && joe.language == "en_US" && joe.num_speakers == 1);
    for (voice, text) in [("espeak:de", "Guten Tag, wie geht es Ihnen?"), ("espeak:fr", "Bonjour tout le monde."), ("espeak:es", "Hola, ¿qué tal?")] {
        assert!(espeak_voices.iter().any(|v| v.id.starts_with(voice)), "{voice}");
        let speech = tts.synthesize(text, &TtsConfig::default().voice(voice), &RunCtl::default()).unwrap();
        assert!(speech.duration() > 0.5, "{voice}");
        assert!(speech.samples.iter().any(|s| s.abs() > 0.1), "{voice}");
    }
    let described = tts.voice("espeak:de").unwrap();
    assert_eq!(described.engine, VoiceEngine::Espeak);
}

#[test]
fn batch_synthesis_delivers_in_order_and_early() {
    let store = require_models!();
    let tts = Synthesizer::new(store);
    let texts: Vec<String> = (1..=6).map(|i| format!("This is narration cue number {i}.")).collect();
    let mut order = Vec::new();
    let first = Arc::new(Mutex::new(None));
    let events = Arc::new(Mutex::new(Vec::<ProgressEvent>::new()));
    let sink = {
        let events = events.clone();
        move |e: &ProgressEvent| events.lock().unwrap().push(e.clone())
    };
    let ctl = RunCtl::default().with_progress(Arc::new(sink));
    let started = std::time::Instant::now();
    tts.synthesize_batch(&texts, &TtsConfig::default(), &ctl, &mut |i, speech| {
        first.lock().unwrap().get_or_insert(started.elapsed());
        assert!(speech.duration() > 1.0);
        order.push(i);
        Ok(())
    })
    .unwrap();
    let total = started.elapsed();
    assert_eq!(order, [0, 1, 2, 3, 4, 5]);
    let first = first.lock().unwrap().unwrap();
    assert!(first < total, "first cue before the batch ended ({first:?} of {total:?})");
    assert!(events.lock().unwrap().iter().any(|e| e.stage == reelkit::Stage::Synthesize));
}

#[test]
fn long_text_streams_with_bounded_memory() {
    // 20 000 words through the tiny test model (real ONNX call path, one
    // second of silence per sentence): audio goes to the sink as it is
    // made, so the process does not hold it all.
    let testdata = require_testdata!();
    let store = require_models!();
    let tts = Synthesizer::new(store);
    let voice = testdata.join("tts-phonemes/piper_test_voice.onnx");
    let sentence = "Stream this sentence of ten words to the file now. ";
    let text = sentence.repeat(2000);
    assert_eq!(text.split_whitespace().count(), 20_000);
    let config = TtsConfig::default().voice(voice.to_str().unwrap()).sentence_pause(0.0);
    let mut chunks = 0usize;
    let mut samples = 0usize;
    let before = peak_rss_kib();
    let summary = tts
        .synthesize_stream(&text, &config, &RunCtl::default(), &mut |audio| {
            chunks += 1;
            samples += audio.len();
            Ok(())
        })
        .unwrap();
    assert_eq!(summary.sentences, 2000);
    assert_eq!(chunks, 2000);
    assert!((summary.duration - 2000.0).abs() < 5.0, "{}", summary.duration);
    assert!(summary.first_audio_after < summary.elapsed / 2.0, "{summary:?}");
    // All of it held at once would be 2000 s x 22 050 Hz x 4 bytes = 176 MB.
    let grown = peak_rss_kib().saturating_sub(before);
    assert!(grown < 100 * 1024, "peak memory grew by {grown} KiB");
}

fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("VmHWM:")).and_then(|l| l.split_whitespace().nth(1)?.parse().ok()))
        .unwrap_or(0)
}

#[test]
fn writes_a_wav_file() {
    let store = require_models!();
    let tts = Synthesizer::new(store);
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("speech.wav");
    let summary = tts.synthesize_to_wav("Hello from reelkit.", &out, &TtsConfig::default(), &RunCtl::default()).unwrap();
    assert!(summary.duration > 0.5);
    assert_eq!(common::ffprobe(&out, "a", "stream=sample_rate"), "22050");
    assert_eq!(common::ffprobe(&out, "a", "stream=codec_name"), "pcm_s16le");
    assert!(!dir.path().join("speech.wav.partial").exists());
}

#[test]
fn bad_input_is_rejected_clearly() {
    let store = require_models!();
    let tts = Synthesizer::new(store);
    let ctl = RunCtl::default();
    let code = |text: &str, config: &TtsConfig| tts.synthesize(text, config, &ctl).unwrap_err();
    assert_eq!(code("", &TtsConfig::default()).code(), "invalid_parameter");
    assert_eq!(code("   \n ", &TtsConfig::default()).code(), "invalid_parameter");
    let e = code("hello", &TtsConfig::default().voice("nobody"));
    assert!(e.to_string().contains("unknown voice `nobody`") && e.to_string().contains("joe"), "{e}");
    let e = code("hello", &TtsConfig::default().voice("espeak:xx-nothing"));
    assert_eq!(e.code(), "invalid_parameter", "{e}");
    // Characters espeak-ng cannot speak: nothing speakable is an error...
    // (private-use characters, box drawing, a musical symbol).
    let e = code("\u{E000}\u{E001} \u{2592}\u{2592} \u{1D11E}", &TtsConfig::default());
    assert_eq!(e.code(), "invalid_parameter", "{e}");
    assert!(e.to_string().contains("nothing the voice can speak"), "{e}");
    // ...but mixed with words they are skipped.
    let speech = tts.synthesize("Hello \u{E000} world \u{0007}.", &TtsConfig::default(), &ctl).unwrap();
    assert!(speech.duration() > 0.5);
    assert_eq!(code("hi", &TtsConfig::default().rate(0.0)).code(), "invalid_parameter");
    assert_eq!(code("hi", &TtsConfig::default().speaker("3")).code(), "invalid_parameter");
    assert_eq!(code("<speak><prosody>x</prosody></speak>", &TtsConfig::default()).code(), "invalid_parameter");
    let cancel = reelkit::CancelToken::new();
    cancel.cancel();
    let e = tts.synthesize("Cancelled before it starts.", &TtsConfig::default(), &RunCtl::default().with_cancel(cancel)).unwrap_err();
    assert!(e.kind() == reelkit::ErrorKind::Cancelled);
}

#[test]
fn ssml_breaks_make_pauses() {
    let store = require_models!();
    let tts = Synthesizer::new(store);
    let plain = tts.synthesize("One. Two.", &TtsConfig::default(), &RunCtl::default()).unwrap();
    let paused = tts.synthesize("One. <break time=\"1500ms\"/> Two.", &TtsConfig::default(), &RunCtl::default()).unwrap();
    let gap = |s: &reelkit::tts::Speech| s.sentences[1].start - s.sentences[0].end;
    assert!((gap(&plain) - 0.2).abs() < 0.01, "{}", gap(&plain));
    assert!((gap(&paused) - 1.5).abs() < 0.01, "{}", gap(&paused));
}
