//! Speaker-aware reframing on media with known ground truth: scikit-image's
//! astronaut photograph moved and composed by `scripts/make_face_media.py`,
//! espeak-ng voices taking turns (see that script for how synthetic it is).
//! Checks use the generator's face boxes and turn times, never our own
//! output; the independent-detector (OpenCV Haar) evaluation and the figures
//! are in `benches/scripts/reframe_eval.py`.

mod common;

use std::path::Path;

use reelkit::reframe::path::{crop_at, travel};
use reelkit::reframe::{plan, CropKeyframe, CropPlan, Layout, LayoutMode, ReframeConfig, ReframeJob};
use reelkit::{probe, Aspect, RunCtl};
use serde_json::Value;

const SIZE: &str = "640x360";

struct Truth {
    /// Per person: (time, box).
    faces: Vec<Vec<(f64, [f64; 4])>>,
    turns: Vec<(f64, f64, usize)>,
    duration: f64,
}

fn truth(dir: &Path, scene: &str) -> Truth {
    let v: Value = serde_json::from_slice(&std::fs::read(dir.join(format!("{scene}.json"))).unwrap()).unwrap();
    let faces = v["faces"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            p["frames"]
                .as_array()
                .unwrap()
                .iter()
                .map(|f| {
                    let f: Vec<f64> = f.as_array().unwrap().iter().map(|x| x.as_f64().unwrap()).collect();
                    (f[0], [f[1], f[2], f[3], f[4]])
                })
                .collect()
        })
        .collect();
    let turns = v["turns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| (t["start"].as_f64().unwrap(), t["end"].as_f64().unwrap(), t["person"].as_u64().unwrap() as usize))
        .collect();
    Truth { faces, turns, duration: v["duration"].as_f64().unwrap() }
}

fn plan_of(dir: &Path, scene: &str, aspect: Aspect, config: &ReframeConfig, store: &reelkit::models::ModelStore) -> CropPlan {
    let input = dir.join(format!("{scene}.mp4"));
    let info = probe(&input).unwrap();
    plan(&input, &info, 0.0, info.duration, aspect, 1920, config, store, &RunCtl::default()).unwrap()
}

/// The face box lies inside the crop (2 px of slack for rounding).
fn inside(k: &CropKeyframe, b: &[f64; 4]) -> bool {
    let (x0, y0) = (f64::from(k.x) - 2.0, f64::from(k.y) - 2.0);
    let (x1, y1) = (f64::from(k.x + k.width) + 2.0, f64::from(k.y + k.height) + 2.0);
    b[0] >= x0 && b[1] >= y0 && b[2] <= x1 && b[3] <= y1
}

fn share_inside(keys: &[CropKeyframe], frames: &[(f64, [f64; 4])]) -> f64 {
    let n = frames.iter().filter(|(t, b)| crop_at(keys, *t).is_some_and(|k| inside(&k, b))).count();
    n as f64 / frames.len().max(1) as f64
}

#[test]
fn a_panning_face_stays_inside_the_crop_and_the_path_does_not_jitter() {
    let store = require_face_models!();
    let dir = require_face_media!(&["pan"], SIZE);
    let truth = truth(&dir, "pan");
    for aspect in [Aspect::Portrait, Aspect::Square, Aspect::Feed] {
        let p = plan_of(&dir, "pan", aspect, &ReframeConfig::default(), &store);
        assert_eq!(p.faces, 1, "{aspect}: {p:?}");
        assert!(p.layout.iter().all(|s| s.layout == Layout::Follow), "{aspect}: {:?}", p.layout);
        let followed = share_inside(&p.crop, &truth.faces[0]);
        assert!(followed >= 0.97, "{aspect}: face inside the crop in only {:.1}% of frames", followed * 100.0);
        // The same check fails for the fixed centre crop.
        let (cw, ch) = (p.crop[0].width, p.crop[0].height);
        let centre = [CropKeyframe { time: 0.0, x: (p.source_width - cw) / 2, y: (p.source_height - ch) / 2, width: cw, height: ch }];
        let centred = share_inside(&centre, &truth.faces[0]);
        assert!(centred < 0.5, "{aspect}: the centre crop holds the face in {:.1}% of frames", centred * 100.0);
        // No jitter: the crop travels about as far as the subject could be followed.
        let half = f64::from(cw) / 2.0;
        let clamp = |b: &[f64; 4]| ((b[0] + b[2]) / 2.0).clamp(half, f64::from(p.source_width) - half);
        let subject: f64 = truth.faces[0].windows(2).map(|w| (clamp(&w[1].1) - clamp(&w[0].1)).abs()).sum();
        let moved = travel(&p.crop);
        assert!(moved <= subject * 1.1 && moved >= subject * 0.8, "{aspect}: crop moved {moved:.0} px, subject {subject:.0} px");
    }
}

#[test]
fn alternating_speakers_switch_within_half_a_second() {
    let store = require_face_models!();
    let dir = require_face_media!(&["two"], SIZE);
    let truth = truth(&dir, "two");
    let p = plan_of(&dir, "two", Aspect::Portrait, &ReframeConfig::default().layout(LayoutMode::Follow), &store);
    assert_eq!(p.faces, 2, "{p:?}");
    // Each turn after the first: the crop switches to the speaker within 0.5 s of the turn's start and holds them.
    let mut delays = Vec::new();
    for w in truth.turns.windows(2) {
        let (start, end, person) = w[1];
        let frames: Vec<(f64, [f64; 4])> =
            truth.faces[person].iter().filter(|(t, _)| *t >= start + 0.5 && *t < end).copied().collect();
        let held = share_inside(&p.crop, &frames);
        assert!(held >= 0.95, "turn {start:.2}-{end:.2} of person {person}: on them {:.0}% of the time; plan {:?}", held * 100.0, p.speakers);
        let switch = p.speakers.iter().find(|s| s.time > start - 0.6).map(|s| s.time).unwrap_or(f64::INFINITY);
        delays.push(switch - start);
    }
    assert!(delays.iter().all(|d| d.abs() <= 0.5), "switch delays {delays:?}; speakers {:?}", p.speakers);
    // Cuts, not pans: the crop jumps between the two faces.
    let max_step = p.crop.windows(2).map(|w| (f64::from(w[1].x) - f64::from(w[0].x)).abs()).fold(0.0, f64::max);
    assert!(max_step > 200.0, "{:?}", p.crop);
}

#[test]
fn quick_exchanges_split_the_screen_and_spans_cover_the_clip() {
    let store = require_face_models!();
    let dir = require_face_media!(&["quick"], SIZE);
    let truth = truth(&dir, "quick");
    let p = plan_of(&dir, "quick", Aspect::Portrait, &ReframeConfig::default(), &store);
    let split: Vec<_> = p.layout.iter().filter(|s| s.layout == Layout::Split).collect();
    assert!(!split.is_empty(), "{:?}", p.layout);
    let covered: f64 = split.iter().map(|s| s.end - s.start).sum();
    assert!(covered >= 0.5 * truth.duration, "{:?}", p.layout);
    assert_eq!(p.layout[0].start, 0.0);
    assert!((p.layout.last().unwrap().end - p.end).abs() < 1e-3);
    assert!(p.layout.windows(2).all(|w| (w[0].end - w[1].start).abs() < 1e-9));
    // Each panel holds one of the two faces (the left one on top).
    for s in &split {
        assert_eq!(s.panels.len(), 2);
        for (panel, person) in s.panels.iter().zip([0, 1]) {
            let k = CropKeyframe { time: 0.0, x: panel.x, y: panel.y, width: panel.width, height: panel.height };
            let frames: Vec<_> = truth.faces[person].iter().filter(|(t, _)| *t >= s.start && *t < s.end).copied().collect();
            assert!(share_inside(&[k], &frames) > 0.95, "{panel:?} misses person {person}");
        }
    }
    // Landscape outputs never split.
    let wide = plan_of(&dir, "quick", Aspect::Square, &ReframeConfig::default(), &store);
    assert!(wide.layout.iter().all(|s| s.layout != Layout::Split), "{:?}", wide.layout);
}

#[test]
fn hard_cases_give_sensible_plans_not_errors() {
    let store = require_face_models!();
    let dir = require_face_media!(&["none", "many", "edge", "portrait", "tiny"], SIZE);
    let none = plan_of(&dir, "none", Aspect::Portrait, &ReframeConfig::default(), &store);
    assert_eq!(none.faces, 0);
    assert!(none.layout.iter().all(|s| s.layout == Layout::BlurFill), "{:?}", none.layout);

    let many = plan_of(&dir, "many", Aspect::Portrait, &ReframeConfig::default(), &store);
    assert!(many.faces >= 3, "{many:?}");
    assert!(many.layout.iter().all(|s| s.layout == Layout::BlurFill), "{:?}", many.layout);

    let edge = plan_of(&dir, "edge", Aspect::Portrait, &ReframeConfig::default(), &store);
    let t = truth(&dir, "edge");
    assert_eq!(edge.faces, 1);
    assert!(edge.crop.iter().all(|k| k.x == 0), "{:?}", edge.crop);
    assert!(share_inside(&edge.crop, &t.faces[0]) > 0.95);

    // A 9:16 source needs no crop: no analysis at all.
    let portrait = plan_of(&dir, "portrait", Aspect::Portrait, &ReframeConfig::default(), &store);
    assert_eq!(portrait.stats.frames_analysed, 0);
    assert_eq!(portrait.crop[0].width, portrait.source_width);
    // ...but a square from it follows the face vertically.
    let square = plan_of(&dir, "portrait", Aspect::Square, &ReframeConfig::default(), &store);
    assert_eq!(square.faces, 1);
    let t = truth(&dir, "portrait");
    assert!(share_inside(&square.crop, &t.faces[0]) > 0.95, "{:?}", square.crop);

    // A 64x36 source: a plan and a video, no panic.
    let tmp = tempfile::tempdir().unwrap();
    let engine = reelkit::Engine::new(store.clone());
    let r = engine.reframe(dir.join("tiny.mp4"), tmp.path().join("tiny.mp4"), &ReframeJob::default(), &RunCtl::default()).unwrap();
    assert!(r.plan.width >= 2 && r.plan.height >= 2);
    assert!(tmp.path().join("tiny.mp4").is_file());
}

#[test]
fn a_reframed_video_has_the_planned_shape_and_content() {
    let store = require_face_models!();
    let dir = require_face_media!(&["pan"], SIZE);
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("pan-1x1.mp4");
    let engine = reelkit::Engine::new(store);
    let job = ReframeJob { aspect: Aspect::Square, start: 2.0, end: Some(5.0), preset: "ultrafast".into(), ..ReframeJob::default() };
    let r = engine.reframe(dir.join("pan.mp4"), &out, &job, &RunCtl::default()).unwrap();
    assert_eq!((r.plan.width, r.plan.height), (360, 360));
    let info = probe(&out).unwrap();
    let v = info.video.unwrap();
    assert_eq!((v.display_width, v.display_height), (360, 360));
    assert!((info.duration - 3.0).abs() < 0.15, "{}", info.duration);
    assert!(info.audio.is_some());
    // A frame of the output equals the planned crop of the source frame.
    let t = 3.5;
    let k = crop_at(&r.plan.crop, t).unwrap();
    let src = grab(&dir.join("pan.mp4"), t, Some((k.x, k.y, k.width, k.height)), tmp.path(), "src");
    let got = grab(&out, t - 2.0, None, tmp.path(), "out");
    let diff = src.iter().zip(&got).map(|(a, b)| (f64::from(*a) - f64::from(*b)).abs()).sum::<f64>() / src.len() as f64;
    assert_eq!(src.len(), got.len());
    assert!(diff < 12.0, "mean difference {diff:.1}");

    // Cancelled before it starts: a typed error and no output.
    let token = reelkit::CancelToken::new();
    token.cancel();
    let cancelled = tmp.path().join("cancelled.mp4");
    let e = engine.reframe(dir.join("pan.mp4"), &cancelled, &job, &RunCtl::default().with_cancel(token)).unwrap_err();
    assert_eq!(e.code(), "cancelled");
    assert!(!cancelled.exists());

    // Bad requests are typed errors.
    let bad = ReframeJob { aspect: Aspect::Source, ..ReframeJob::default() };
    assert_eq!(engine.reframe(dir.join("pan.mp4"), &out, &bad, &RunCtl::default()).unwrap_err().code(), "invalid_parameter");
    let wav = common::espeak(tmp.path(), "voice.wav", "No picture here.");
    let e = engine.reframe(&wav, tmp.path().join("x.mp4"), &ReframeJob::default(), &RunCtl::default()).unwrap_err();
    assert_eq!(e.code(), "missing_stream");
    let strict: Result<ReframeConfig, _> = serde_json::from_str(r#"{"layuot": "split"}"#);
    assert!(strict.is_err());
}

/// One frame as 64x64 RGB, decoded (and cropped) by the ffmpeg CLI.
fn grab(path: &Path, t: f64, crop: Option<(u32, u32, u32, u32)>, dir: &Path, name: &str) -> Vec<u8> {
    let out = dir.join(format!("{name}.rgb"));
    let mut filter = String::new();
    if let Some((x, y, w, h)) = crop {
        filter += &format!("crop={w}:{h}:{x}:{y},");
    }
    filter += "scale=64:64";
    common::ffmpeg(&["-ss", &format!("{t:.3}"), "-i", path.to_str().unwrap(), "-frames:v", "1", "-vf", &filter, "-f", "rawvideo", "-pix_fmt", "rgb24", out.to_str().unwrap()]);
    std::fs::read(out).unwrap()
}
