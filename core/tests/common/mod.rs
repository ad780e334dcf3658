//! Shared helpers for the integration tests: test data location, models,
//! media generated with the ffmpeg CLI.
#![allow(dead_code)]

pub mod wer;

use std::path::{Path, PathBuf};
use std::process::Command;

#[allow(unused_imports)]
pub use reelkit_testkit::{any_required, available, need, require, Fixture};

/// `../shared/testdata` next to the repository, or `$REELKIT_TESTDATA`.
/// With `REELKIT_REQUIRE_TESTDATA=1` (the test command) missing test data
/// fails the test instead of skipping it (see `reelkit-testkit`).
#[track_caller]
pub fn testdata() -> Option<PathBuf> {
    reelkit_testkit::testdata()
}

/// Test data or a visible skip (a failure when required).
#[macro_export]
macro_rules! require_testdata {
    () => {
        reelkit_testkit::need!(common::testdata())
    };
}

/// The model store, when `tiny.en` is installed. With `REELKIT_REQUIRE_MODELS=1`
/// (CI) a missing model fails the test instead of skipping it.
#[track_caller]
pub fn models() -> Option<reelkit::models::ModelStore> {
    model("tiny.en")
}

/// The model store, when model `id` (e.g. `base`) is installed; a failure
/// when models are required.
#[track_caller]
pub fn model(id: &str) -> Option<reelkit::models::ModelStore> {
    let store = reelkit::models::ModelStore::from_env();
    let installed = store.list().iter().any(|m| m.id == id && m.installed);
    let what = format!("model {id} in {} (run `reelkit models fetch`)", store.root().display());
    available(Fixture::Models, installed.then_some(store), &what)
}

#[macro_export]
macro_rules! require_models {
    () => {
        reelkit_testkit::need!(common::models())
    };
    ($id:expr) => {
        reelkit_testkit::need!(common::model($id))
    };
}

/// Run the ffmpeg CLI (quietly) and assert success.
pub fn ffmpeg(args: &[&str]) {
    let status = Command::new("ffmpeg")
        .args(["-hide_banner", "-loglevel", "error", "-y"])
        .args(args)
        .status()
        .expect("ffmpeg CLI is installed");
    assert!(status.success(), "ffmpeg {args:?} failed");
}

/// A `seconds`-long test video (testsrc2 at `size`, `fps`) with a 440 Hz tone.
pub fn lavfi_video(dir: &Path, name: &str, seconds: f64, size: &str, fps: u32) -> PathBuf {
    let out = dir.join(name);
    let video = format!("testsrc2=size={size}:rate={fps}:duration={seconds}");
    let audio = format!("sine=frequency=440:sample_rate=48000:duration={seconds}");
    ffmpeg(&[
        "-f", "lavfi", "-i", &video, "-f", "lavfi", "-i", &audio, "-c:v", "libx264", "-preset", "ultrafast",
        "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest", out.to_str().unwrap(),
    ]);
    out
}

/// Speech from espeak-ng, as a WAV.
pub fn espeak(dir: &Path, name: &str, text: &str) -> PathBuf {
    let out = dir.join(name);
    let status = Command::new("espeak-ng")
        .args(["-v", "en-us", "-s", "150", "-w", out.to_str().unwrap(), text])
        .status()
        .expect("espeak-ng is installed");
    assert!(status.success());
    out
}

/// ffprobe a value (`-show_entries` spec) of the first stream of `kind` ("v" or "a").
pub fn ffprobe(path: &Path, kind: &str, entry: &str) -> String {
    let out = Command::new("ffprobe")
        .args(["-v", "error", "-select_streams", &format!("{kind}:0"), "-show_entries", entry, "-of", "default=nw=1:nk=1"])
        .arg(path)
        .output()
        .expect("ffprobe is installed");
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

/// Count decodable frames with ffprobe.
pub fn count_frames(path: &Path) -> u64 {
    let out = Command::new("ffprobe")
        .args(["-v", "error", "-count_frames", "-select_streams", "v:0", "-show_entries", "stream=nb_read_frames", "-of", "csv=p=0"])
        .arg(path)
        .output()
        .expect("ffprobe is installed");
    String::from_utf8_lossy(&out.stdout).trim().parse().unwrap_or(0)
}

/// Whether the test command asked for every fixture (any `REELKIT_REQUIRE_*`
/// switch): then a missing one fails instead of skipping.
pub fn fixtures_required() -> bool {
    any_required()
}

/// The model store when CenterFace and ONNX Runtime are installed; with
/// `REELKIT_REQUIRE_MODELS=1` a missing one fails the test.
#[track_caller]
pub fn face_models() -> Option<reelkit::models::ModelStore> {
    let store = reelkit::models::ModelStore::from_env();
    let ok = store.centerface().is_ok() && store.onnxruntime_library().is_ok();
    let what = format!("CenterFace and ONNX Runtime in {} (run `reelkit models fetch`)", store.root().display());
    available(Fixture::Models, ok.then_some(store), &what)
}

#[macro_export]
macro_rules! require_face_models {
    () => {
        reelkit_testkit::need!(common::face_models())
    };
}

/// The Python of the dev venv (`$REELKIT_VENV`, default `~/.cache/reelkit/venv`).
pub fn venv_python() -> PathBuf {
    reelkit_testkit::venv().join("bin/python")
}

/// Face scenes from `scripts/make_face_media.py` (scikit-image's astronaut
/// photograph, espeak-ng voices) at `size`, made once into cargo's test
/// scratch folder (kept while the script is unchanged); `None` (a visible
/// skip) when the venv lacks scikit-image, a failure when fixtures are
/// required.
pub fn face_media(scenes: &[&str], size: &str) -> Option<PathBuf> {
    use std::hash::{Hash, Hasher};
    use std::sync::Mutex;
    static LOCK: Mutex<()> = Mutex::new(());
    let _guard = LOCK.lock().unwrap_or_else(|e| e.into_inner());
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scripts/make_face_media.py");
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    std::fs::read(&script).expect("scripts/make_face_media.py").hash(&mut hasher);
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("face-media-{:016x}", hasher.finish())).join(size);
    let missing: Vec<&str> = scenes.iter().copied().filter(|s| !dir.join(format!("{s}.json")).exists()).collect();
    if missing.is_empty() {
        return Some(dir);
    }
    let python = venv_python();
    let has_skimage = Command::new(&python).args(["-c", "import skimage, PIL, numpy"]).output().is_ok_and(|o| o.status.success());
    require(Fixture::Tools, has_skimage, &format!("scikit-image in {}", python.display()))?;
    let status = Command::new(&python)
        .arg(script)
        .args(["--out", dir.to_str().unwrap(), "--size", size, "--scenes", &missing.join(",")])
        .status()
        .expect("python runs");
    assert!(status.success(), "make_face_media.py failed");
    Some(dir)
}

#[macro_export]
macro_rules! require_face_media {
    ($scenes:expr, $size:expr) => {
        reelkit_testkit::need!(common::face_media($scenes, $size))
    };
}
