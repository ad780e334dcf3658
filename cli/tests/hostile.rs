//! Hostile input through the command line: one error line ending in the
//! stable code, exit 2 (never 101, the panic exit), or a normal result.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn reelkit(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_reelkit")).args(args).output().expect("reelkit runs")
}

fn sample() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/sample.mp4")
}

/// One `error: … [code]` line and exit status 2.
fn fails_with(out: &Output, code: &str) {
    let err = String::from_utf8_lossy(&out.stderr);
    assert_ne!(out.status.code(), Some(101), "panicked: {err}");
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(err.starts_with("error: "), "{err}");
    assert!(err.trim_end().ends_with(&format!("[{code}]")), "expected [{code}]: {err}");
    assert!(!err.contains("internal failure"), "{err}");
}

fn succeeds(out: &Output) {
    assert!(out.status.success(), "{:?}: {}", out.status, String::from_utf8_lossy(&out.stderr));
}

fn ass_with(text: &str) -> String {
    format!(
        "[Script Info]\nPlayResX: 640\nPlayResY: 360\n\n[V4+ Styles]\nFormat: Name, Fontname, Fontsize\nStyle: Default,Arial,40\n\n\
         [Events]\nFormat: Layer, Start, End, Style, Text\nDialogue: 0,0:00:00.00,0:00:05.00,Default,{text}\n"
    )
}

const HUGE_SRT: &str = "1\n99999999999999999:00:00,000 --> 99999999999999999:00:01,000\nhello\n";

#[test]
fn subs_render_survives_saturated_override_tags() {
    let dir = tempfile::tempdir().unwrap();
    for (i, text) in [r"{\k1e20}a{\k1e20}b", r"{\t(-1e30,1e30,\fs50)}x", r"{\fad(0,-1e30)}x", r"{\move(1,2,3,4,-1e30,1e30)}x"]
        .iter()
        .enumerate()
    {
        let script = dir.path().join(format!("s{i}.ass"));
        std::fs::write(&script, ass_with(text)).unwrap();
        let out = dir.path().join(format!("s{i}.png"));
        succeeds(&reelkit(&["subs", "render", script.to_str().unwrap(), "--time", "2.5", "--size", "640x360", "--out", out.to_str().unwrap()]));
        assert!(out.is_file());
    }
}

#[test]
fn huge_cue_hours_are_a_subtitle_parse_error() {
    let dir = tempfile::tempdir().unwrap();
    let srt = dir.path().join("huge.srt");
    std::fs::write(&srt, HUGE_SRT).unwrap();
    let res = reelkit(&["align", sample().to_str().unwrap(), "--text", srt.to_str().unwrap()]);
    fails_with(&res, "subtitle_parse");
    assert!(String::from_utf8_lossy(&res.stderr).contains("huge.srt:2:"));
    let out = dir.path().join("dub.mp4");
    let res = reelkit(&["dub", sample().to_str().unwrap(), "--narration", srt.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    fails_with(&res, "subtitle_parse");
    assert!(!out.exists());
}

#[test]
fn playlists_naming_local_files_are_not_opened() {
    let dir = tempfile::tempdir().unwrap();
    let m3u8 = dir.path().join("evil.m3u8");
    std::fs::write(&m3u8, "#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXTINF:10,\nfile:///etc/passwd\n#EXT-X-ENDLIST\n").unwrap();
    fails_with(&reelkit(&["probe", m3u8.to_str().unwrap()]), "not_media");
    let concat = dir.path().join("evil.ffconcat");
    std::fs::write(&concat, format!("ffconcat version 1.0\nfile '{}'\n", sample().display())).unwrap();
    fails_with(&reelkit(&["probe", concat.to_str().unwrap()]), "not_media");
}
