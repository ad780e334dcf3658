//! The command-line contract: commands, flags, output files, exit codes.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn reelkit(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_reelkit")).args(args).output().expect("reelkit runs")
}

fn sample() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/sample.mp4")
}

/// Whether tiny.en is installed; a failure with `REELKIT_REQUIRE_MODELS=1`.
fn models_installed() -> bool {
    let out = reelkit(&["models", "list", "--json"]);
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let ok = list.as_array().unwrap().iter().any(|m| m["id"] == "tiny.en" && m["installed"] == true);
    reelkit_testkit::require(reelkit_testkit::Fixture::Models, ok, "model tiny.en (run `reelkit models fetch`)").is_some()
}

/// stderr is exactly one line starting with "error:", with no panic text.
fn assert_one_clean_error_line(out: &Output) {
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 1, "stderr: {err}");
    assert!(lines[0].starts_with("error: "), "{err}");
    assert!(!err.contains("panicked") && !err.contains("RUST_BACKTRACE"), "{err}");
}

#[test]
fn probe_json_describes_the_sample() {
    let out = reelkit(&["probe", sample().to_str().unwrap(), "--json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let info: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(info["video"]["width"], 640);
    assert_eq!(info["audio"]["codec"], "aac");
    assert!((info["duration"].as_f64().unwrap() - 20.0).abs() < 0.2);
}

#[test]
fn bad_inputs_exit_non_zero_with_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let text = dir.path().join("notes.mp4");
    std::fs::write(&text, "plain text ".repeat(100)).unwrap();
    let empty = dir.path().join("empty.mp4");
    std::fs::write(&empty, b"").unwrap();
    let bytes = std::fs::read(sample()).unwrap();
    let truncated = dir.path().join("truncated.mp4");
    std::fs::write(&truncated, &bytes[..bytes.len() / 3]).unwrap();
    for path in [&text, &empty, &truncated, &dir.path().join("missing.mp4")] {
        let out = reelkit(&["probe", path.to_str().unwrap()]);
        assert_one_clean_error_line(&out);
        let out = reelkit(&["clips", path.to_str().unwrap(), "--top", "1", "--out", dir.path().join("o").to_str().unwrap()]);
        assert_one_clean_error_line(&out);
    }
    let out = reelkit(&["clips", sample().to_str().unwrap(), "--top", "0", "--out", dir.path().join("o").to_str().unwrap()]);
    assert_one_clean_error_line(&out);
    let out = reelkit(&["clips", sample().to_str().unwrap(), "--aspect", "7:3", "--out", dir.path().join("o").to_str().unwrap()]);
    assert_one_clean_error_line(&out);
    let out = reelkit(&["cut", sample().to_str().unwrap(), "--start", "5", "--end", "2", "--out", dir.path().join("c.mp4").to_str().unwrap()]);
    assert_one_clean_error_line(&out);
}

#[test]
fn clips_writes_the_contracted_files() {
    if !models_installed() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().join("out");
    let out = reelkit(&["clips", sample().to_str().unwrap(), "--top", "2", "--min-duration", "4", "--out", out_dir.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&std::fs::read(out_dir.join("clips.json")).unwrap()).unwrap();
    let clips = report["clips"].as_array().unwrap();
    assert!(!clips.is_empty() && clips.len() <= 2);
    for (i, clip) in clips.iter().enumerate() {
        let n = i + 1;
        assert!(out_dir.join(format!("clip-{n:02}.mp4")).exists());
        assert!(out_dir.join(format!("clip-{n:02}.srt")).exists());
        for key in ["start", "end", "score"] {
            assert!(clip[key].is_number(), "{key} missing in {clip}");
        }
        for key in ["energy", "scene_changes", "speech_density"] {
            assert!(clip["signals"][key].is_number(), "signal {key} missing in {clip}");
        }
        assert!(!clip["text"].as_str().unwrap().is_empty());
    }
    let srt = std::fs::read_to_string(out_dir.join("clip-01.srt")).unwrap();
    assert!(srt.starts_with("1\n00:00:"), "{srt}");
}

#[test]
fn models_list_and_help_work() {
    let out = reelkit(&["models", "list"]);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("tiny.en") && text.contains("joe"), "{text}");
    let out = reelkit(&["clips", "--help"]);
    let help = String::from_utf8_lossy(&out.stdout);
    for flag in ["--top", "--out", "--model", "--aspect"] {
        assert!(help.contains(flag), "{flag} missing from help");
    }
}

#[test]
fn clips_query_and_timeline_flags() {
    let out = reelkit(&["clips", "--help"]);
    let help = String::from_utf8_lossy(&out.stdout);
    for flag in ["--query", "--timeline", "--llm-url", "--llm-model"] {
        assert!(help.contains(flag), "{flag} missing from help");
    }
    let dir = tempfile::tempdir().unwrap();
    let bad = reelkit(&["clips", sample().to_str().unwrap(), "--timeline", "otio,aaf", "--out", dir.path().join("x").to_str().unwrap()]);
    assert_one_clean_error_line(&bad);
    if !models_installed() {
        return;
    }
    let out_dir = dir.path().join("out");
    let out = reelkit(&[
        "clips", sample().to_str().unwrap(), "--top", "1", "--min-duration", "4", "--no-captions", "--preset", "ultrafast",
        "--query", "what the speaker is asking for", "--timeline", "otio,fcpxml,edl,mlt", "--out", out_dir.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&std::fs::read(out_dir.join("clips.json")).unwrap()).unwrap();
    assert_eq!(report["timelines"], serde_json::json!(["timeline.otio", "timeline.fcpxml", "timeline.edl", "timeline.mlt"]));
    let clip = &report["clips"][0];
    assert!(clip["signals"]["query_similarity"].is_number(), "{clip}");
    assert!(clip["reason"].as_str().unwrap().contains("matches the query"), "{clip}");
    for name in ["timeline.otio", "timeline.fcpxml", "timeline.edl", "timeline.mlt"] {
        let text = std::fs::read_to_string(out_dir.join(name)).unwrap();
        assert!(text.contains("clip-01") && text.contains("sample.mp4"), "{name}: {text}");
    }
}

#[test]
fn retell_writes_the_contracted_files_and_refuses_bad_lengths() {
    let out = reelkit(&["retell", sample().to_str().unwrap(), "--minutes", "500", "--out", "/tmp/never"]);
    assert_one_clean_error_line(&out);
    assert!(String::from_utf8_lossy(&out.stderr).contains("minutes"));
    if !models_installed() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let out = reelkit(&["retell", sample().to_str().unwrap(), "--minutes", "0.25", "--bed", "mute", "--out", dir.path().to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["video"], "retell.mp4");
    for f in ["retell.mp4", "retell.srt", "retell.json", "retell.otio"] {
        assert!(dir.path().join(f).exists(), "{f}");
    }
    let script: serde_json::Value = serde_json::from_slice(&std::fs::read(dir.path().join("retell.json")).unwrap()).unwrap();
    for key in ["chapters", "narration", "shots"] {
        assert!(script[key].is_array(), "{key}");
    }
    let again = reelkit(&["retell", sample().to_str().unwrap(), "--minutes", "0.25", "--out", dir.path().to_str().unwrap(), "--script", dir.path().join("retell.json").to_str().unwrap()]);
    assert!(again.status.success(), "{}", String::from_utf8_lossy(&again.stderr));
    let report: serde_json::Value = serde_json::from_slice(&again.stdout).unwrap();
    assert_eq!((report["analysis_cached"].as_bool(), report["narration_source"].as_str()), (Some(true), Some("script")));
}
