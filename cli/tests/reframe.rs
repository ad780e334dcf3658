//! `reelkit reframe` and `reelkit clips --aspect 9:16` end to end, on two
//! faces taking turns (`scripts/make_face_media.py`).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn reelkit(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_reelkit")).args(args).output().expect("reelkit runs")
}


/// The `quick` scene (two faces, quick exchanges) at 640x360, or None (a
/// visible skip) when the venv or the models are missing and not required.
fn media(dir: &Path) -> Option<PathBuf> {
    let store = reelkit::models::ModelStore::from_env();
    let models = store.centerface().is_ok() && store.whisper_model("tiny.en").is_ok();
    use reelkit_testkit::{require, Fixture};
    require(Fixture::Models, models, "CenterFace and tiny.en (run `reelkit models fetch`)")?;
    let python = reelkit_testkit::venv().join("bin/python");
    let skimage = Command::new(&python).args(["-c", "import skimage"]).output().is_ok_and(|o| o.status.success());
    require(Fixture::Tools, skimage, &format!("scikit-image in {} (bash scripts/setup.sh installs it)", python.display()))?;
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scripts/make_face_media.py");
    let ok = Command::new(&python)
        .arg(script)
        .args(["--out", dir.to_str().unwrap(), "--size", "640x360", "--scenes", "quick"])
        .status()
        .expect("python runs")
        .success();
    assert!(ok);
    Some(dir.join("quick.mp4"))
}

fn size_of(path: &Path) -> (u32, u32) {
    let out = Command::new("ffprobe")
        .args(["-v", "error", "-select_streams", "v:0", "-show_entries", "stream=width,height", "-of", "csv=p=0"])
        .arg(path)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let v: Vec<u32> = text.trim().split(',').map(|s| s.parse().unwrap()).collect();
    (v[0], v[1])
}

#[test]
fn reframe_and_clips_write_vertical_video_and_crop_keyframes() {
    let tmp = tempfile::tempdir().unwrap();
    let Some(input) = media(tmp.path()) else { return };
    let input = input.to_str().unwrap();

    // reelkit reframe: the whole video, 9:16 and 4:5, with the plan as JSON.
    let out = tmp.path().join("vertical.mp4");
    let r = reelkit(&["reframe", input, "--aspect", "9:16", "--out", out.to_str().unwrap(), "--json", "--preset", "ultrafast"]);
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    let report: Value = serde_json::from_slice(&r.stdout).unwrap();
    assert_eq!(report["aspect"], "9:16");
    assert_eq!(report["faces"], 2);
    assert!(report["layout"].as_array().unwrap().iter().any(|s| s["layout"] == "split"), "{}", report["layout"]);
    let (w, h) = size_of(&out);
    assert_eq!((w, h), (report["width"].as_u64().unwrap() as u32, report["height"].as_u64().unwrap() as u32));
    assert!((f64::from(w) / f64::from(h) - 9.0 / 16.0).abs() < 0.02, "{w}x{h}");
    let feed = tmp.path().join("feed.mp4");
    let r = reelkit(&["reframe", input, "--aspect", "4:5", "--layout", "follow", "--out", feed.to_str().unwrap(), "--end", "4"]);
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    let (w, h) = size_of(&feed);
    assert!((f64::from(w) / f64::from(h) - 0.8).abs() < 0.02, "{w}x{h}");

    // Bad requests: one line, non-zero.
    let r = reelkit(&["reframe", input, "--aspect", "source", "--out", feed.to_str().unwrap()]);
    assert_eq!(r.status.code(), Some(2));
    let r = reelkit(&["reframe", input, "--layout", "zoom", "--out", feed.to_str().unwrap()]);
    assert_eq!(r.status.code(), Some(2));
    assert_eq!(String::from_utf8_lossy(&r.stderr).trim().lines().count(), 1);

    // The contract: clips --aspect 9:16 writes a 9:16 clip-01.mp4 and crop keyframes in clips.json.
    let dir = tmp.path().join("clips");
    let r = reelkit(&[
        "clips", input, "--aspect", "9:16", "--top", "1", "--min-duration", "4", "--max-duration", "10", "--out", dir.to_str().unwrap(), "--preset", "ultrafast",
        "--timeline", "otio",
    ]);
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    let clips: Value = serde_json::from_slice(&std::fs::read(dir.join("clips.json")).unwrap()).unwrap();
    let clip = &clips["clips"][0];
    let (w, h) = size_of(&dir.join("clip-01.mp4"));
    assert!((f64::from(w) / f64::from(h) - 9.0 / 16.0).abs() < 0.02, "{w}x{h}");
    let (start, end) = (clip["start"].as_f64().unwrap(), clip["end"].as_f64().unwrap());
    let crop = clip["crop"].as_array().unwrap();
    assert!(crop.len() >= 2);
    for k in crop {
        let keys: Vec<&str> = k.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(keys, ["height", "time", "width", "x", "y"]);
        let t = k["time"].as_f64().unwrap();
        assert!(t >= start - 1e-3 && t <= end + 1e-3, "{t} outside {start}-{end}");
        assert!(k["x"].as_u64().unwrap() + k["width"].as_u64().unwrap() <= 640);
        assert!(k["y"].as_u64().unwrap() + k["height"].as_u64().unwrap() <= 360);
    }
    let spans = clip["layout"].as_array().unwrap();
    assert!(!spans.is_empty());
    assert!((spans[0]["start"].as_f64().unwrap() - start).abs() < 1e-3);
    assert!((spans.last().unwrap()["end"].as_f64().unwrap() - end).abs() < 1e-3);
    // The editor timeline carries the crop path as the clip's metadata.
    let otio: Value = serde_json::from_slice(&std::fs::read(dir.join("timeline.otio")).unwrap()).unwrap();
    let crop_meta = find_key(&otio, "crop").expect("crop metadata in timeline.otio");
    let keyframes: Value = serde_json::from_str(crop_meta.as_str().unwrap()).unwrap();
    assert_eq!(keyframes.as_array().unwrap().len(), crop.len());
}

/// The first value stored under `key` anywhere in `v`.
fn find_key<'a>(v: &'a Value, key: &str) -> Option<&'a Value> {
    match v {
        Value::Object(map) => map.get(key).or_else(|| map.values().find_map(|x| find_key(x, key))),
        Value::Array(items) => items.iter().find_map(|x| find_key(x, key)),
        _ => None,
    }
}
