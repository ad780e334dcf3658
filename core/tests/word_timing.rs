//! Word timing accuracy against forced alignments and speech with known
//! word boundaries.

mod common;

use std::path::Path;

use reelkit::asr::align::{align_sequences, Edit};
use reelkit::asr::{AsrConfig, Transcriber, Word, WordTiming};
use reelkit::text::normalize_words;
use reelkit::media::{decode_audio, AudioBuffer, AudioDecodeOptions};
use reelkit::RunCtl;

/// Reference words: (word, start seconds).
type Reference = Vec<(String, f64)>;

fn pocketsphinx(path: &Path) -> Reference {
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    v["w"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|w| !w["t"].as_str().unwrap().starts_with('<'))
        .map(|w| {
            let t = w["t"].as_str().unwrap();
            (t.split('(').next().unwrap().to_owned(), w["b"].as_f64().unwrap())
        })
        .collect()
}

fn picovoice(path: &Path) -> Reference {
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    v["words"].as_array().unwrap().iter().map(|w| (w["word"].as_str().unwrap().to_owned(), w["start_sec"].as_f64().unwrap())).collect()
}

/// Start errors (seconds) of the hypothesis words that match reference words.
fn start_errors(reference: &Reference, hyp: &[Word]) -> Vec<f64> {
    let key = |w: &str| normalize_words(w).join(" ");
    let r: Vec<String> = reference.iter().map(|(w, _)| key(w)).collect();
    let h: Vec<String> = hyp.iter().map(|w| key(&w.word)).collect();
    align_sequences(&r, &h)
        .into_iter()
        .filter_map(|e| match e {
            Edit::Keep(i, j) => Some((hyp[j].start - reference[i].1).abs()),
            _ => None,
        })
        .collect()
}

/// Speech built from single words spoken separately, so every boundary is
/// known: each word is trimmed to its sound and placed after a known gap.
fn concatenated_words(dir: &Path, words: &[&str]) -> (AudioBuffer, Reference) {
    let mut samples = vec![0.0f32; 8_000];
    let mut reference = Vec::new();
    for (i, w) in words.iter().enumerate() {
        let wav = common::espeak(dir, &format!("w{i}.wav"), w);
        let audio = decode_audio(&wav, &AudioDecodeOptions::default(), &RunCtl::default()).unwrap();
        let s = &audio.samples;
        let first = s.iter().position(|x| x.abs() > 0.01).unwrap_or(0);
        let last = s.iter().rposition(|x| x.abs() > 0.01).unwrap_or(s.len());
        let gap = [0.08, 0.15, 0.3, 0.05][i % 4];
        samples.extend(std::iter::repeat(0.0).take((gap * 16_000.0) as usize));
        reference.push((w.to_string(), samples.len() as f64 / 16_000.0));
        samples.extend_from_slice(&s[first..=last]);
    }
    samples.extend(std::iter::repeat(0.0).take(8_000));
    (AudioBuffer { sample_rate: 16_000, channels: 1, samples }, reference)
}

fn mean(v: &[f64]) -> f64 {
    v.iter().sum::<f64>() / v.len().max(1) as f64
}

#[test]
fn word_starts_are_within_target_of_known_boundaries() {
    let testdata = require_testdata!();
    let store = require_models!();
    let dir = tempfile::tempdir().unwrap();
    let mut cases: Vec<(String, AudioBuffer, Reference)> = Vec::new();
    let ann = testdata.join("asr-speech/annotations");
    for id in ["0870", "0880", "0890"] {
        let name = format!("pocketsphinx_librivox_sense-and-sensibility-01-{id}");
        let audio = decode_audio(testdata.join(format!("asr-speech/audio/{name}.flac")), &AudioDecodeOptions::default(), &RunCtl::default()).unwrap();
        cases.push((name.clone(), audio, pocketsphinx(&ann.join(format!("{name}.align.json")))));
    }
    let audio = decode_audio(testdata.join("asr-speech/audio/picovoice-leopard_test_en.flac"), &AudioDecodeOptions::default(), &RunCtl::default()).unwrap();
    cases.push(("picovoice-leopard_test_en".into(), audio, picovoice(&ann.join("picovoice-leopard_test_en.words.json"))));
    let sentence = ["the", "quick", "brown", "fox", "jumps", "over", "seven", "lazy", "dogs", "near", "the", "river", "bank", "today"];
    let (audio, reference) = concatenated_words(dir.path(), &sentence);
    cases.push(("espeak-concatenated".into(), audio, reference));

    // The default; set REELKIT_TIMING_COMPARE=1 to also measure the others.
    let mut configs = vec![("default", AsrConfig::default())];
    if std::env::var("REELKIT_TIMING_COMPARE").is_ok() {
        configs.extend([
            ("tokens", AsrConfig::default().word_timing(WordTiming::Tokens)),
            ("dtw", AsrConfig::default().word_timing(WordTiming::Dtw)),
            ("no-snap", AsrConfig::default().snap_to_audio(false)),
            ("fast-encoder", AsrConfig::default().fast_encoder(true)),
        ]);
    }
    let mut default_errors = Vec::new();
    for (label, config) in configs {
        let t = Transcriber::new(config, &store).unwrap();
        let mut all = Vec::new();
        for (name, audio, reference) in &cases {
            let words = t.transcribe(audio, &RunCtl::default()).unwrap().words();
            let errors = start_errors(reference, &words);
            if std::env::var("REELKIT_DEBUG_TIMING").is_ok() {
                eprintln!("{label} {name}\n  ref: {reference:?}\n  hyp: {:?}", words.iter().map(|w| (w.word.as_str(), w.start, w.end)).collect::<Vec<_>>());
            }
            assert!(errors.len() * 10 >= reference.len() * 7, "{label} {name}: only {} of {} words matched", errors.len(), reference.len());
            eprintln!("{label:>12} {name}: mean start error {:.0} ms over {} words", mean(&errors) * 1000.0, errors.len());
            all.extend(errors);
        }
        eprintln!("{label:>12} overall: {:.0} ms over {} words", mean(&all) * 1000.0, all.len());
        if label == "default" {
            default_errors = all;
        }
    }
    assert!(mean(&default_errors) <= 0.08, "mean start error {:.3} s", mean(&default_errors));
}
