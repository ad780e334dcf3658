//! `reelkit scenes`: the JSON and CSV contract, detectors and thresholds,
//! and one-line errors.

use std::path::PathBuf;
use std::process::{Command, Output};

fn reelkit(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_reelkit")).args(args).output().expect("reelkit runs")
}

/// `../shared/testdata/scene-detection/videos/NAME`; missing test data fails
/// under `REELKIT_REQUIRE_TESTDATA=1` and skips otherwise.
fn video(name: &str) -> Option<PathBuf> {
    reelkit_testkit::testdata_file(&format!("scene-detection/videos/{name}"))
}

fn ok(out: &Output) {
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn scenes_json_keeps_the_contract() {
    let Some(input) = video("testvideo.mp4") else { return };
    let dir = tempfile::tempdir().unwrap();
    let out_path = dir.path().join("scenes.json");
    ok(&reelkit(&["scenes", input.to_str().unwrap(), "--out", out_path.to_str().unwrap()]));
    let json: serde_json::Value = serde_json::from_slice(&std::fs::read(&out_path).unwrap()).unwrap();
    assert!((json["fps"].as_f64().unwrap() - 29.97).abs() < 0.01);
    assert_eq!(json["frames"], 720);
    let scenes = json["scenes"].as_array().unwrap();
    for scene in scenes {
        for key in ["start", "end", "start_frame", "end_frame", "boundary"] {
            assert!(!scene[key].is_null(), "{key} missing in {scene}");
        }
    }
    let starts: Vec<u64> = scenes.iter().map(|s| s["start_frame"].as_u64().unwrap()).collect();
    assert_eq!(&starts[..4], &[0, 30, 180, 394], "{starts:?}");
    assert_eq!(scenes[1]["boundary"], "cut");
    assert_eq!(scenes.last().unwrap()["end_frame"], 720);
    // Without --out the same JSON goes to stdout.
    let out = reelkit(&["scenes", input.to_str().unwrap()]);
    ok(&out);
    let stdout: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(stdout, json);
}

#[test]
fn scenes_csv_detectors_and_thresholds() {
    let Some(input) = video("fades.mp4") else { return };
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("scenes.csv");
    ok(&reelkit(&["scenes", input.to_str().unwrap(), "--detector", "fade", "--out", csv.to_str().unwrap()]));
    let text = std::fs::read_to_string(&csv).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with("Timecode List:,00:00:01.680,00:00:03.360"), "{}", lines[0]);
    assert!(lines[1].starts_with("Scene Number,Start Frame,Start Timecode,Start Time (seconds),End Frame,"));
    assert_eq!(lines.len(), 2 + 6, "{text}");
    assert!(lines[2].starts_with("1,1,00:00:00.000,0.000,42,"), "{}", lines[2]);

    // The content detector sees no cut in fades.mp4; a low enough threshold
    // turns the brightness ramps into cuts.
    let count = |args: &[&str]| -> usize {
        let out = reelkit(&[&["scenes", input.to_str().unwrap()], args].concat());
        ok(&out);
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        json["scenes"].as_array().unwrap().len()
    };
    assert_eq!(count(&["--detector", "content"]), 1);
    assert!(count(&["--detector", "content", "--threshold", "2"]) > 1);
    assert_eq!(count(&["--detector", "adaptive", "--threshold", "3"]), 1);
    // With the fade detector the threshold is the black level (below 128).
    assert_eq!(count(&["--detector", "fade", "--threshold", "11"]), 6);
    let out = reelkit(&["scenes", input.to_str().unwrap(), "--detector", "fade", "--threshold", "130"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("fade.black_level"));
}

/// stderr is one line starting with "error:", and the exit code is 2 for a
/// mistake in the input or the arguments.
#[test]
fn scenes_errors_are_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let wav = dir.path().join("tone.wav");
    let status = Command::new("ffmpeg")
        .args(["-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "sine=duration=1"])
        .arg(&wav)
        .status()
        .unwrap();
    assert!(status.success());
    let cases: [&[&str]; 3] = [
        &["scenes", wav.to_str().unwrap()],
        &["scenes", wav.to_str().unwrap(), "--detector", "histogram"],
        &["scenes", wav.to_str().unwrap(), "--threshold", "300"],
    ];
    for args in cases {
        let out = reelkit(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.starts_with("error: ") && !err.contains("panicked"), "{err}");
    }
    let err = String::from_utf8_lossy(&reelkit(&["scenes", wav.to_str().unwrap()]).stderr).to_string();
    assert!(err.contains("no video stream"), "{err}");
}
