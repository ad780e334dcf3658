//! The `reelkit ingest` and `reelkit transcode` contracts: flags, output
//! files, JSON reports, exit codes, one-line errors.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn reelkit(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_reelkit")).args(args).output().expect("reelkit runs")
}

fn sample() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/sample.mp4")
}

fn one_error_line(out: &Output) -> String {
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 1, "stderr: {err}");
    assert!(lines[0].starts_with("error: ") && !err.contains("panicked"), "{err}");
    err
}

fn json(out: &Output) -> serde_json::Value {
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("a JSON report on stdout")
}

#[test]
fn transcode_writes_the_contracted_ladder() {
    let dir = tempfile::tempdir().unwrap();
    let hls = dir.path().join("hls");
    let proxy = dir.path().join("proxy.mp4");
    let out = reelkit(&[
        "transcode", sample().to_str().unwrap(), "--hls", hls.to_str().unwrap(), "--ladder", "1080,720,360,240",
        "--preset", "ultrafast", "--crf", "30", "--proxy", proxy.to_str().unwrap(),
    ]);
    let report = json(&out);
    // The 640x360 sample: 1080 and 720 are above it.
    assert_eq!(report["hls"]["skipped_rungs"], serde_json::json!([1080, 720]));
    let names: Vec<&str> = report["hls"]["renditions"].as_array().unwrap().iter().map(|r| r["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["360p", "240p", "audio"]);
    assert_eq!(report["hls"]["master"], hls.join("master.m3u8").display().to_string());
    for rung in ["360p", "240p", "audio"] {
        assert!(hls.join(rung).join("index.m3u8").is_file(), "{rung}");
    }
    assert!(hls.join("360p").join("init.mp4").is_file(), "fMP4 by default");
    assert!(proxy.is_file());
    assert_eq!(report["proxy"]["width"], 640);
    assert_eq!(report["decoded_frames"], report["hls"]["renditions"][0]["units"]);

    // The same command again replaces the earlier output.
    let ts = reelkit(&[
        "transcode", sample().to_str().unwrap(), "--hls", hls.to_str().unwrap(), "--ladder", "240",
        "--segment-format", "ts", "--segment-seconds", "2", "--preset", "ultrafast",
    ]);
    let report = json(&ts);
    assert_eq!(report["hls"]["segment_format"], "ts");
    assert!(!hls.join("360p").exists());
    assert!(std::fs::read_to_string(hls.join("240p").join("index.m3u8")).unwrap().contains(".ts"));
}

#[test]
fn transcode_help_shows_the_defaults() {
    let out = reelkit(&["transcode", "--help"]);
    let help = String::from_utf8_lossy(&out.stdout);
    for expected in ["--hls <DIR>", "--ladder", "[default: 1080,720,480]", "--preset", "[default: veryfast]", "--crf", "[default: 23]", "--proxy <FILE>", "--segment-seconds", "[default: 4]"] {
        assert!(help.contains(expected), "--help lacks {expected}: {help}");
    }
}

#[test]
fn transcode_refuses_bad_requests_in_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let hls = dir.path().join("hls");
    let input = sample();
    let input = input.to_str().unwrap();
    let hls_arg = hls.to_str().unwrap();
    for args in [
        vec!["transcode", input],
        vec!["transcode", input, "--hls", hls_arg, "--ladder", "720,720"],
        vec!["transcode", input, "--hls", hls_arg, "--segment-seconds", "0"],
        vec!["transcode", "/nonexistent.mp4", "--hls", hls_arg],
    ] {
        let out = reelkit(&args);
        one_error_line(&out);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
    }
    // clap rejects values outside the documented ranges before any work.
    assert_eq!(reelkit(&["transcode", input, "--hls", hls_arg, "--crf", "60"]).status.code(), Some(2));
    assert_eq!(reelkit(&["transcode", input, "--hls", hls_arg, "--preset", "warp"]).status.code(), Some(2));
    let text = dir.path().join("notes.mp4");
    std::fs::write(&text, "not a video ".repeat(50)).unwrap();
    let err = one_error_line(&reelkit(&["transcode", text.to_str().unwrap(), "--hls", hls_arg]));
    assert!(err.contains("not a media file"), "{err}");
    assert!(!hls.exists());
}

#[test]
fn ingest_reports_fingerprint_and_refuses_broken_rules() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    let input = sample();
    let first = json(&reelkit(&["ingest", input.to_str().unwrap(), "--dest", store.to_str().unwrap()]));
    let sha = first["sha256"].as_str().unwrap();
    assert_eq!(sha.len(), 64);
    assert_eq!(first["container"], "mp4");
    assert_eq!(first["method"], "file");
    assert_eq!(first["duplicate"], false);
    assert!(store.join(format!("{sha}.mp4")).is_file() && store.join(format!("{sha}.json")).is_file());
    let again = json(&reelkit(&["ingest", input.to_str().unwrap(), "--dest", store.to_str().unwrap()]));
    assert_eq!(again["duplicate"], true);

    let out = reelkit(&["ingest", input.to_str().unwrap(), "--max-duration", "5"]);
    let err = one_error_line(&out);
    assert!(err.contains("max_duration"), "{err}");
    assert_eq!(out.status.code(), Some(2));
    let out = reelkit(&["ingest", input.to_str().unwrap(), "--allow-containers", "webm,mkv"]);
    assert!(one_error_line(&out).contains("allowed_containers"));
    let out = reelkit(&["ingest", input.to_str().unwrap(), "--max-bytes", "10k"]);
    assert!(one_error_line(&out).contains("max_bytes"));
    let out = reelkit(&["ingest", "http://127.0.0.1:9/a.mp4"]);
    assert!(one_error_line(&out).contains("destination"));
    let out = reelkit(&["ingest", "http://127.0.0.1:9/a.mp4", "--dest", store.to_str().unwrap(), "--yt-dlp-mode", "never"]);
    assert!(one_error_line(&out).contains("download failed"));
}
