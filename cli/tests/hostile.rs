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

/// `--sub-encoding` on every command that reads a subtitle file: an unknown
/// label is one `invalid_config` line; a declared windows-1251 script
/// renders exactly like its UTF-8 twin, an undeclared one does not.
#[test]
fn sub_encoding_is_declared_on_every_subtitle_reader() {
    let dir = tempfile::tempdir().unwrap();
    let utf8 = ass_with("Привет, мир");
    let (cp1251, _, _) = encoding_rs::WINDOWS_1251.encode(&utf8);
    let (utf8_path, cp1251_path) = (dir.path().join("utf8.ass"), dir.path().join("cp1251.ass"));
    std::fs::write(&utf8_path, &utf8).unwrap();
    std::fs::write(&cp1251_path, &cp1251).unwrap();
    let render = |script: &Path, encoding: Option<&str>, name: &str| {
        let out = dir.path().join(name);
        let mut args = vec!["subs", "render", script.to_str().unwrap(), "--time", "1", "--size", "640x360", "--out", out.to_str().unwrap()];
        if let Some(label) = encoding {
            args.extend(["--sub-encoding", label]);
        }
        succeeds(&reelkit(&args));
        std::fs::read(out).unwrap()
    };
    let reference = render(&utf8_path, None, "utf8.png");
    assert_eq!(render(&cp1251_path, Some("windows-1251"), "declared.png"), reference);
    assert_ne!(render(&cp1251_path, None, "guessed.png"), reference);

    let (script, srt, video) = (cp1251_path.to_str().unwrap(), dir.path().join("n.srt"), sample());
    std::fs::write(&srt, "1\n00:00:00,500 --> 00:00:01,500\nhello\n").unwrap();
    let (srt, video) = (srt.to_str().unwrap(), video.to_str().unwrap());
    let out = dir.path().join("out.mp4");
    let out = out.to_str().unwrap();
    let png = dir.path().join("x.png");
    let png = png.to_str().unwrap();
    for args in [
        vec!["subs", "render", script, "--time", "1", "--size", "64x36", "--out", png],
        vec!["subs", "preview", video, script, "--time", "1", "--out", png],
        vec!["subs", "check", script],
        vec!["subs", "burn", video, script, "--out", out],
        vec!["align", video, "--text", srt],
        vec!["dub", video, "--narration", srt, "--out", out],
    ] {
        let mut args = args;
        args.extend(["--sub-encoding", "klingon-8"]);
        let res = reelkit(&args);
        fails_with(&res, "invalid_config");
        let err = String::from_utf8_lossy(&res.stderr);
        assert!(err.contains("klingon-8"), "{args:?}: {err}");
        assert!(err.contains("params.subtitle_encoding") || err.contains("--sub-encoding"), "{args:?}: {err}");
    }
    assert!(!Path::new(out).exists());
}

/// `--allow-playlists`: an HLS playlist of local segments (written by the
/// ffmpeg CLI) is probed; without the flag, or naming a file outside its
/// folder, it is one `not_media` line.
#[test]
fn allow_playlists_opens_local_hls_only() {
    let dir = tempfile::tempdir().unwrap();
    let index = dir.path().join("index.m3u8");
    let status = Command::new("ffmpeg")
        .args(["-hide_banner", "-loglevel", "error", "-y", "-i", sample().to_str().unwrap(), "-t", "4", "-c", "copy", "-f", "hls",
            "-hls_time", "1", "-hls_playlist_type", "vod", index.to_str().unwrap()])
        .status()
        .unwrap();
    assert!(status.success());
    let index = index.to_str().unwrap();
    fails_with(&reelkit(&["probe", index]), "not_media");
    for args in [vec!["--allow-playlists", "probe", index, "--json"], vec!["probe", index, "--json", "--allow-playlists"]] {
        let res = reelkit(&args);
        succeeds(&res);
        let info: serde_json::Value = serde_json::from_slice(&res.stdout).unwrap();
        assert!(info["duration"].as_f64().unwrap() > 3.0, "{info}");
        assert!(info["video"].is_object(), "{info}");
    }
    let evil = dir.path().join("evil.m3u8");
    std::fs::write(&evil, "#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXTINF:10,\n/etc/passwd\n#EXT-X-ENDLIST\n").unwrap();
    let res = reelkit(&["--allow-playlists", "probe", evil.to_str().unwrap()]);
    fails_with(&res, "not_media");
    assert!(String::from_utf8_lossy(&res.stderr).contains("own folder"));
}
