//! `reelkit run SPEC` and `reelkit schema`: the one job surface from the
//! command line.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn reelkit_with_stdin(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_reelkit"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("reelkit runs");
    child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

/// The shared fixture spec with its input and output made absolute.
fn fixture_spec(name: &str, out: &Path) -> String {
    let text = std::fs::read_to_string(repo().join("examples/specs").join(name)).unwrap();
    let mut spec: serde_json::Value = serde_json::from_str(&text).unwrap();
    spec["input"] = repo().join("examples/sample.mp4").display().to_string().into();
    spec["output"] = out.display().to_string().into();
    spec.to_string()
}

#[test]
fn schema_prints_the_committed_schema() {
    let out = Command::new(env!("CARGO_BIN_EXE_reelkit")).arg("schema").output().unwrap();
    assert!(out.status.success());
    let committed = std::fs::read(repo().join("core/schema/job.schema.json")).unwrap();
    assert_eq!(out.stdout, committed, "core/schema/job.schema.json is stale: regenerate with `reelkit schema`");
}

#[test]
fn misspelt_keys_are_one_error_line_naming_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let out = reelkit_with_stdin(&["run", "-"], &fixture_spec("clips-misspelt.json", dir.path()));
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.starts_with("error: invalid config `params.topp`: unknown key `topp` (accepted: top,"), "{err}");
    let out = reelkit_with_stdin(&["run", "-"], "{\"kind\": \"clips\", \"params\": {\"top\": 0}}");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("`input`"), "{}", String::from_utf8_lossy(&out.stderr));
    let out = reelkit_with_stdin(&["run", "-"], "not json");
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn the_clips_fixture_runs_and_reports_what_it_wrote() {
    let dir = tempfile::tempdir().unwrap();
    let out = reelkit_with_stdin(&["run", "-"], &fixture_spec("clips.json", dir.path()));
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["kind"], "clips");
    assert_eq!(report["aspect"], "9:16");
    let clips = report["clips"].as_array().unwrap();
    assert_eq!(clips.len(), 1);
    let d = clips[0]["duration"].as_f64().unwrap();
    assert!((5.0..=20.5).contains(&d), "{d}");
    for name in ["clip-01.mp4", "clip-01.srt", "clip-01.vtt", "clip-01.ass", "clips.json", "transcript.json"] {
        assert!(dir.path().join(name).is_file(), "{name}");
    }
    // clips.json is the report without the kind tag.
    let written: serde_json::Value = serde_json::from_slice(&std::fs::read(dir.path().join("clips.json")).unwrap()).unwrap();
    assert_eq!(written["clips"], report["clips"]);
}

#[test]
fn a_transcribe_spec_writes_the_format_its_output_names() {
    let dir = tempfile::tempdir().unwrap();
    let srt = dir.path().join("t.srt");
    let spec = serde_json::json!({
        "kind": "transcribe",
        "input": repo().join("examples/sample.mp4"),
        "output": srt,
        "params": {"asr": {"threads": 2}},
    });
    let out = reelkit_with_stdin(&["run", "-"], &spec.to_string());
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!((report["kind"].as_str(), report["format"].as_str()), (Some("transcribe"), Some("srt")));
    let text = std::fs::read_to_string(&srt).unwrap();
    assert!(text.starts_with("1\n00:00:"), "{text}");
    assert!(!report["transcript"]["segments"].as_array().unwrap().is_empty());
}
