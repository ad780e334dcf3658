//! Transcribe audio files with whisper.cpp (through whisper-rs) using a model from the store.
//!
//! `cargo run --release -p reelkit-models --example transcribe -- MODEL [--threads N]
//!  [--beam N] [--language xx|auto] FILE...` where MODEL is a store id (`tiny.en`, `base`),
//! a ggml file or a CTranslate2 directory. Audio is decoded to 16 kHz mono f32 with the
//! `ffmpeg` CLI. Prints one JSON line per file: `{file, text, seconds, audio_seconds, language}`
//! (`seconds` = whisper time only, model load excluded).

use std::process::Command;
use std::time::Instant;

use reelkit_models::ModelStore;
use whisper_rs::{FullParams, SamplingStrategy, WhisperContext, WhisperContextParameters};

fn decode(path: &str) -> Vec<f32> {
    let out = Command::new("ffmpeg")
        .args([
            "-nostdin",
            "-loglevel",
            "error",
            "-i",
            path,
            "-f",
            "f32le",
            "-ac",
            "1",
            "-ar",
            "16000",
            "-",
        ])
        .output()
        .expect("run ffmpeg");
    assert!(
        out.status.success(),
        "ffmpeg failed on {path}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
        .chunks_exact(4)
        .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        .collect()
}

/// Drop whole-segment annotations such as `[BLANK_AUDIO]` or `(music)`.
fn is_marker(s: &str) -> bool {
    let s = s.trim();
    (s.starts_with('[') && s.ends_with(']')) || (s.starts_with('(') && s.ends_with(')'))
}

fn main() {
    let mut args = std::env::args().skip(1);
    let spec = args
        .next()
        .expect("usage: transcribe MODEL [--threads N] [--beam N] [--language xx] FILE...");
    let (mut threads, mut beam, mut language) = (2i32, 5i32, None::<String>);
    let mut files = Vec::new();
    while let Some(a) = args.next() {
        match a.as_str() {
            "--threads" => {
                threads = args
                    .next()
                    .and_then(|v| v.parse().ok())
                    .expect("--threads N")
            }
            "--beam" => beam = args.next().and_then(|v| v.parse().ok()).expect("--beam N"),
            "--language" => language = args.next(),
            _ => files.push(a),
        }
    }
    let store = ModelStore::from_env();
    let model = store.whisper_model(&spec).unwrap_or_else(|e| panic!("{e}"));
    eprintln!("model {} -> {}", model.name, model.ggml_path.display());
    whisper_rs::install_logging_hooks();
    let ctx = WhisperContext::new_with_params(
        model.ggml_path.to_str().unwrap(),
        WhisperContextParameters::default(),
    )
    .expect("load ggml model");
    let lang = match language.as_deref() {
        Some("auto") => None,
        Some(l) => Some(l.to_string()),
        None if model.multilingual => None,
        None => Some("en".to_string()),
    };
    for file in files {
        let pcm = decode(&file);
        let mut state = ctx.create_state().expect("state");
        let mut params = if beam > 1 {
            FullParams::new(SamplingStrategy::BeamSearch {
                beam_size: beam,
                patience: -1.0,
            })
        } else {
            FullParams::new(SamplingStrategy::Greedy { best_of: 1 })
        };
        params.set_n_threads(threads);
        params.set_language(Some(lang.as_deref().unwrap_or("auto")));
        params.set_print_special(false);
        params.set_print_progress(false);
        params.set_print_realtime(false);
        params.set_print_timestamps(false);
        let t = Instant::now();
        state.full(params, &pcm).expect("whisper full");
        let secs = t.elapsed().as_secs_f64();
        let mut text = String::new();
        for seg in state.as_iter() {
            let s = seg
                .to_str_lossy()
                .map(|s| s.into_owned())
                .unwrap_or_default();
            if !is_marker(&s) {
                text.push_str(&s);
            }
        }
        let lang_id = state.full_lang_id_from_state();
        let detected = whisper_rs::get_lang_str(lang_id).unwrap_or("?");
        println!(
            "{}",
            serde_json::json!({
                "file": file,
                "text": text.trim(),
                "seconds": secs,
                "audio_seconds": pcm.len() as f64 / 16000.0,
                "language": detected,
            })
        );
    }
}
