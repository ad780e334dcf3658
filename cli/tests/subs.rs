//! Contract of `reelkit subs render|burn|preview|presets|check` and of
//! `reelkit clips --style --brand`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn reelkit(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_reelkit")).args(args).output().expect("reelkit runs")
}

fn sample() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/sample.mp4")
}

fn ffmpeg(args: &[&str]) {
    let ok = Command::new("ffmpeg").args(["-hide_banner", "-loglevel", "error", "-y"]).args(args).status().unwrap().success();
    assert!(ok, "ffmpeg {args:?}");
}

fn one_error_line(out: &Output) {
    assert!(!out.status.success());
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(err.starts_with("error: "), "{err}");
}

fn png_info(path: &Path) -> (u32, u32, png::ColorType, Vec<u8>) {
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(path).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).unwrap();
    buf.truncate(info.buffer_size());
    (info.width, info.height, info.color_type, buf)
}

const SCRIPT: &str = "[Script Info]\nPlayResX: 384\nPlayResY: 288\n\n[V4+ Styles]\nFormat: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, Alignment, MarginL, MarginR, MarginV, Encoding\nStyle: Default,DejaVu Sans,28,&H0000FFFF,&H00FFFFFF,&H00000000,&H00000000,0,0,0,0,100,100,0,0,1,2,0,2,10,10,10,1\n\n[Events]\nFormat: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text\nDialogue: 0,0:00:00.00,0:00:05.00,Default,,0,0,0,,{\\k50}Styled {\\k50}subtitles\n";

#[test]
fn render_writes_a_straight_alpha_rgba_layer_of_the_exact_size() {
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("s.ass");
    std::fs::write(&script, SCRIPT).unwrap();
    let out = dir.path().join("frame.png");
    let res = reelkit(&["subs", "render", script.to_str().unwrap(), "--time", "1", "--size", "640x360", "--out", out.to_str().unwrap()]);
    assert!(res.status.success(), "{}", String::from_utf8_lossy(&res.stderr));
    let report: serde_json::Value = serde_json::from_slice(&res.stdout).unwrap();
    assert!(report["bbox"].is_array());
    let (w, h, color, data) = png_info(&out);
    assert_eq!((w, h, color), (640, 360, png::ColorType::Rgba));
    // Transparent background, opaque yellow fill (straight alpha).
    assert_eq!(&data[0..4], &[0, 0, 0, 0]);
    assert!(data.chunks_exact(4).any(|p| p == [255, 255, 0, 255]));
    // Only the fonts of --fonts-dir: an empty folder draws nothing.
    let empty = dir.path().join("nofonts");
    std::fs::create_dir(&empty).unwrap();
    let res = reelkit(&["subs", "render", script.to_str().unwrap(), "--time", "1", "--size", "64x36", "--fonts-dir", empty.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert!(res.status.success());
    let (_, _, _, data) = png_info(&out);
    assert!(data.chunks_exact(4).all(|p| p[3] == 0));
    // Bad input: one line, exit 2, no output left behind.
    one_error_line(&reelkit(&["subs", "render", script.to_str().unwrap(), "--time", "1", "--size", "0x36", "--out", "x.png"]));
    std::fs::write(dir.path().join("bad.ass"), "[Events]\nFormat: Layer, Start, End, Style, Text\nDialogue: 0,zz,0:00:01.00,Default,hi\n").unwrap();
    let bad_out = dir.path().join("bad.png");
    one_error_line(&reelkit(&["subs", "render", dir.path().join("bad.ass").to_str().unwrap(), "--time", "0", "--size", "64x36", "--out", bad_out.to_str().unwrap()]));
    assert!(!bad_out.exists());
}

#[test]
fn burn_preview_presets_and_check() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.mp4");
    ffmpeg(&["-f", "lavfi", "-i", "testsrc2=size=384x288:rate=25:duration=2", "-f", "lavfi", "-i", "sine=duration=2", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest", input.to_str().unwrap()]);
    let script = dir.path().join("s.ass");
    std::fs::write(&script, SCRIPT).unwrap();
    let out = dir.path().join("out.mp4");
    let res = reelkit(&["subs", "burn", input.to_str().unwrap(), script.to_str().unwrap(), "--out", out.to_str().unwrap(), "--preset", "ultrafast", "--crf", "23", "--json"]);
    assert!(res.status.success(), "{}", String::from_utf8_lossy(&res.stderr));
    let report: serde_json::Value = serde_json::from_slice(&res.stdout).unwrap();
    assert_eq!(report["frames"], 50);
    assert_eq!(report["audio"], "copied");
    // Rendered once per karaoke step, not once per frame.
    assert!(report["overlay_renders"].as_u64().unwrap() <= 3, "{report}");
    assert!(out.exists() && !dir.path().join("out.mp4.partial").exists());
    let preview = dir.path().join("p.png");
    assert!(reelkit(&["subs", "preview", input.to_str().unwrap(), script.to_str().unwrap(), "--time", "1", "--out", preview.to_str().unwrap()]).status.success());
    assert_eq!(png_info(&preview).0, 384);
    let res = reelkit(&["subs", "presets"]);
    let list: serde_json::Value = serde_json::from_slice(&res.stdout).unwrap();
    let names: Vec<&str> = list.as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["bold", "clean", "karaoke", "pop"]);
    let res = reelkit(&["subs", "check", script.to_str().unwrap()]);
    let check: serde_json::Value = serde_json::from_slice(&res.stdout).unwrap();
    assert_eq!(check["events"], 1);
    one_error_line(&reelkit(&["subs", "burn", input.to_str().unwrap(), script.to_str().unwrap(), "--out", out.to_str().unwrap(), "--crf", "60"]));
}

/// Whether tiny.en (what `clips` transcribes with) is installed; a failure
/// with `REELKIT_REQUIRE_MODELS=1`.
fn models_installed() -> bool {
    let out = reelkit(&["models", "list", "--json"]);
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let ok = list.as_array().unwrap().iter().any(|m| m["id"] == "tiny.en" && m["installed"] == true);
    reelkit_testkit::require(reelkit_testkit::Fixture::Models, ok, "model tiny.en (run `reelkit models fetch`)").is_some()
}

#[test]
fn clips_apply_the_style_and_brand_kit() {
    one_error_line(&reelkit(&["clips", sample().to_str().unwrap(), "--style", "fancy", "--out", "/tmp/never"]));
    if !models_installed() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    ffmpeg(&["-f", "lavfi", "-i", "color=c=red:s=320x240:d=1", "-frames:v", "1", dir.path().join("intro.png").to_str().unwrap()]);
    std::fs::write(dir.path().join("logo.svg"), r##"<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><rect width="40" height="20" fill="#00ff00"/></svg>"##).unwrap();
    let kit = dir.path().join("kit.json");
    std::fs::write(&kit, r##"{"captions": {"text_color": "#FF00FF"}, "watermark": {"image": "logo.svg", "position": "top_left", "opacity": 1, "width": 0.2}, "intro": {"media": "intro.png", "duration": 1, "crossfade": 0.3}}"##).unwrap();
    let out_dir = dir.path().join("out");
    let res = reelkit(&["clips", sample().to_str().unwrap(), "--top", "1", "--min-duration", "4", "--style", "karaoke", "--brand", kit.to_str().unwrap(), "--out", out_dir.to_str().unwrap(), "--json"]);
    assert!(res.status.success(), "{}", String::from_utf8_lossy(&res.stderr));
    let report: serde_json::Value = serde_json::from_slice(&res.stdout).unwrap();
    let clip = &report["clips"][0];
    let ass = std::fs::read_to_string(out_dir.join(clip["ass"].as_str().unwrap())).unwrap();
    assert!(ass.contains("\\k") && ass.contains("Style: karaoke"), "{ass}");
    let video = out_dir.join(clip["video"].as_str().unwrap());
    let probe: serde_json::Value = serde_json::from_slice(&reelkit(&["probe", video.to_str().unwrap(), "--json"]).stdout).unwrap();
    let duration = probe["duration"].as_f64().unwrap();
    assert!(duration > clip["duration"].as_f64().unwrap() + 0.8, "intro missing: {duration}");
}
