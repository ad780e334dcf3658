//! Every stage the progress model names is emitted by some job, through the
//! one job surface (`Engine::run`), and every job can be cancelled.

mod common;

use std::collections::BTreeSet;
use std::path::Path;
use std::sync::{Arc, Mutex};

use reelkit::{Engine, JobSpec, ProgressEvent, RunCtl, Stage};
use serde_json::json;

fn recorder() -> (RunCtl, Arc<Mutex<BTreeSet<&'static str>>>) {
    let seen = Arc::new(Mutex::new(BTreeSet::new()));
    let sink = {
        let seen = seen.clone();
        move |e: &ProgressEvent| {
            seen.lock().unwrap().insert(e.stage.as_str());
        }
    };
    (RunCtl::default().with_progress(Arc::new(sink)), seen)
}

fn run(engine: &Engine, spec: serde_json::Value, ctl: &RunCtl) -> reelkit::JobReport {
    let spec = JobSpec::from_value(spec).unwrap();
    engine.run(&spec, ctl).unwrap_or_else(|e| panic!("{}: {e}", spec.kind()))
}

#[test]
fn every_stage_is_emitted_by_some_job() {
    let store = require_models!();
    let engine = Engine::new(store);
    let dir = tempfile::tempdir().unwrap();
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/sample.mp4");
    let (ctl, seen) = recorder();

    engine.fetch_models(&["tiny.en"], &ctl).unwrap();
    run(&engine, json!({"kind": "clips", "input": sample, "output": dir.path().join("clips"),
        "params": {"top": 1, "min_duration": 5, "max_duration": 15, "asr": {"threads": 2}}}), &ctl);
    run(&engine, json!({"kind": "transcode", "input": sample, "output": dir.path().join("hls"),
        "params": {"hls": {"dir": "hls", "ladder": [144]}}}), &ctl);
    run(&engine, json!({"kind": "ingest", "input": sample, "output": dir.path().join("store")}), &ctl);
    std::fs::write(dir.path().join("edited.txt"), "Ask not what your country can do for you.").unwrap();
    run(&engine, json!({"kind": "align", "input": sample, "params": {"text": dir.path().join("edited.txt"),
        "transcript": dir.path().join("clips/transcript.json")}}), &ctl);
    std::fs::write(dir.path().join("n.srt"), "1\n00:00:01,000 --> 00:00:03,000\nHello there.\n").unwrap();
    run(&engine, json!({"kind": "dub", "input": sample, "output": dir.path().join("dub.mp4"),
        "params": {"narration": dir.path().join("n.srt")}}), &ctl);
    run(&engine, json!({"kind": "reframe", "input": sample, "output": dir.path().join("reframed.mp4"),
        "params": {"end": 3.0}}), &ctl);
    let script = reelkit::subtitle::Script::load(dir.path().join("clips/clip-01.ass")).unwrap();
    reelkit::subtitle::preview_frame_with(&sample, &script, 1.0, &Default::default(), &ctl).unwrap();

    let seen = seen.lock().unwrap().clone();
    // A URL ingest reports `download` (covered in tests/ingest.rs).
    let missing: Vec<&str> =
        Stage::ALL.iter().map(|s| s.as_str()).filter(|s| !seen.contains(s) && *s != "download").collect();
    assert!(missing.is_empty(), "stages never emitted: {missing:?} (seen {seen:?})");
}
