//! The command-line contract of `reelkit tts` and `reelkit dub`.

use std::path::Path;
use std::process::{Command, Output};

fn reelkit(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_reelkit")).args(args).output().expect("reelkit runs")
}

/// Whether the joe voice and ONNX Runtime are installed; a failure with
/// `REELKIT_REQUIRE_MODELS=1`.
fn models_installed() -> bool {
    let out = reelkit(&["models", "list", "--json"]);
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let ok = ["joe", "onnxruntime"]
        .iter()
        .all(|id| list.as_array().unwrap().iter().any(|m| m["id"] == *id && m["installed"] == true));
    reelkit_testkit::require(reelkit_testkit::Fixture::Models, ok, "the joe voice and ONNX Runtime (run `reelkit models fetch`)").is_some()
}

fn assert_one_clean_error_line(out: &Output) {
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 1, "stderr: {err}");
    assert!(lines[0].starts_with("error: "), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

fn ffmpeg(args: &[&str]) {
    let status = Command::new("ffmpeg").args(["-hide_banner", "-loglevel", "error", "-y"]).args(args).status().unwrap();
    assert!(status.success());
}

fn ebur128(path: &Path) -> (f64, f64) {
    let out = Command::new("ffmpeg")
        .args(["-hide_banner", "-nostats", "-i"])
        .arg(path)
        .args(["-map", "0:a:0", "-af", "ebur128=peak=true", "-f", "null", "-"])
        .output()
        .unwrap();
    let log = String::from_utf8_lossy(&out.stderr);
    let summary = &log[log.rfind("Summary:").unwrap()..];
    let value = |key: &str| -> f64 {
        summary.lines().find(|l| l.trim_start().starts_with(key)).unwrap().split_whitespace().nth(1).unwrap().parse().unwrap()
    };
    (value("I:"), value("Peak:"))
}

#[test]
fn tts_writes_a_wav_and_lists_voices() {
    if !models_installed() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("speech.wav");
    let run = reelkit(&["tts", "Hello from the command line.", "--voice", "joe", "--out", out.to_str().unwrap(), "--json"]);
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let summary: serde_json::Value = serde_json::from_slice(&run.stdout).unwrap();
    assert_eq!(summary["voice"], "joe");
    assert_eq!(summary["sample_rate"], 22050);
    assert!(summary["duration"].as_f64().unwrap() > 1.0);
    assert!(std::fs::metadata(&out).unwrap().len() > 40_000);

    // Same seed, same bytes.
    let again = dir.path().join("again.wav");
    assert!(reelkit(&["tts", "Hello from the command line.", "--out", again.to_str().unwrap()]).status.success());
    assert_eq!(std::fs::read(&out).unwrap(), std::fs::read(&again).unwrap());

    // The espeak-ng fallback voice for another language.
    let de = dir.path().join("de.wav");
    assert!(reelkit(&["tts", "Guten Morgen!", "--voice", "espeak:de", "--out", de.to_str().unwrap()]).status.success());
    assert!(de.is_file());

    let list = reelkit(&["tts", "--list-voices", "--json"]);
    let voices: serde_json::Value = serde_json::from_slice(&list.stdout).unwrap();
    assert!(voices.as_array().unwrap().iter().any(|v| v["id"] == "joe" && v["engine"] == "piper"));
    assert!(voices.as_array().unwrap().iter().filter(|v| v["engine"] == "espeak").count() > 50);
}

#[test]
fn tts_bad_input_is_one_clean_line() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("x.wav");
    let out = out.to_str().unwrap();
    for args in [
        vec!["tts", "", "--out", out],
        vec!["tts", "hi", "--voice", "nobody", "--out", out],
        vec!["tts", "hi", "--rate", "0", "--out", out],
        vec!["tts", "hi"],
        vec!["tts", "--out", out],
        vec!["tts", "\u{E000}\u{2592}", "--out", out],
    ] {
        let run = reelkit(&args);
        assert_one_clean_error_line(&run);
        assert_eq!(run.status.code(), Some(2), "{args:?}");
    }
    assert!(!Path::new(out).exists());
}

#[test]
fn dub_writes_the_contracted_files_and_report() {
    if !models_installed() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.mp4");
    ffmpeg(&[
        "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25:duration=8", "-f", "lavfi", "-i",
        "sine=frequency=330:sample_rate=44100:duration=8", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
        "-c:a", "aac", "-shortest", input.to_str().unwrap(),
    ]);
    let script = dir.path().join("script.srt");
    std::fs::write(
        &script,
        "1\n00:00:00,500 --> 00:00:03,500\nWelcome to the dubbed clip.\n\n2\n00:00:04,000 --> 00:00:04,300\nThis cue cannot possibly fit into such a tiny slot.\n\n3\n00:00:04,600 --> 00:00:07,500\nThanks for watching.\n",
    )
    .unwrap();
    let out = dir.path().join("OUT.mp4");
    let run = reelkit(&[
        "dub", input.to_str().unwrap(), "--narration", script.to_str().unwrap(), "--voice", "joe", "--out",
        out.to_str().unwrap(), "--lufs", "-16", "--true-peak", "-1.5",
    ]);
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    assert!(out.is_file());
    assert!(dir.path().join("OUT.narration.wav").is_file());
    assert!(dir.path().join("OUT.bed.wav").is_file());
    let report: serde_json::Value = serde_json::from_slice(&run.stdout).unwrap();
    assert_eq!(report["unfit"], serde_json::json!([2]));
    assert_eq!(report["cues"][1]["status"], "unfit");
    assert!(report["sped_up"].is_array());
    assert_eq!(report["target"]["lufs"], -16.0);
    let (integrated, peak) = ebur128(&out);
    assert!((integrated + 16.0).abs() <= 0.5, "{integrated}");
    assert!(peak <= -1.5, "{peak}");

    // Bad input: one clean line, nothing written.
    let bad_out = dir.path().join("bad.mp4");
    for args in [
        vec!["dub", input.to_str().unwrap(), "--narration", "missing.srt", "--out", bad_out.to_str().unwrap()],
        vec!["dub", input.to_str().unwrap(), "--narration", script.to_str().unwrap(), "--voice", "nobody", "--out", bad_out.to_str().unwrap()],
        vec!["dub", input.to_str().unwrap(), "--narration", script.to_str().unwrap(), "--lufs", "2", "--out", bad_out.to_str().unwrap()],
        vec!["dub", "missing.mp4", "--narration", script.to_str().unwrap(), "--out", bad_out.to_str().unwrap()],
    ] {
        assert_one_clean_error_line(&reelkit(&args));
    }
    assert!(!bad_out.exists());
}
