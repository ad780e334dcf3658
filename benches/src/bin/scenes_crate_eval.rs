//! Weighs the `scenesdetect` crate (a Rust port of PySceneDetect's
//! detectors) against reelkit's scene detectors on the ground truth of
//! `../shared/testdata/scene-detection`: hard cuts of testvideo.mp4 at
//! frames 30, 180 and 394, none in the other three files, matched within one
//! frame. Both get the same decoded frames (reelkit's decoder, RGB at the
//! given width); the crate's detectors run with PySceneDetect's defaults and
//! its 15-frame shortest scene.
//!
//! ```text
//! cargo run --release -p reelkit-benches --bin scenes_crate_eval -- [TESTDATA_DIR] [WIDTH]
//! ```

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use reelkit::media::{VideoDecodeOptions, VideoFrames};
use reelkit::scenes::{detect_scenes, Boundary, Detector, SceneConfig};
use reelkit::RunCtl;
use scenesdetect::frame::{RgbFrame, Timebase, Timestamp};

const VIDEOS: [&str; 4] = ["testvideo.mp4", "fades.mp4", "counter.mp4", "delayed_start.mp4"];

fn truth(video: &str) -> Vec<u64> {
    if video == "testvideo.mp4" {
        vec![30, 180, 394]
    } else {
        Vec::new()
    }
}

#[derive(Default, Clone, Copy)]
struct Counts {
    tp: usize,
    found: usize,
    truth: usize,
}

impl Counts {
    fn add(&mut self, found: &[u64], truth: &[u64]) {
        let mut used = vec![false; truth.len()];
        for f in found {
            if let Some(i) = (0..truth.len()).find(|&i| !used[i] && f.abs_diff(truth[i]) <= 1) {
                used[i] = true;
                self.tp += 1;
            }
        }
        self.found += found.len();
        self.truth += truth.len();
    }
    fn report(&self) -> String {
        let p = if self.found == 0 { 1.0 } else { self.tp as f64 / self.found as f64 };
        let r = if self.truth == 0 { 1.0 } else { self.tp as f64 / self.truth as f64 };
        let f1 = if p + r == 0.0 { 0.0 } else { 2.0 * p * r / (p + r) };
        format!("P {p:.3}  R {r:.3}  F1 {f1:.3}")
    }
}

/// Frames of `path` as packed BGR at `width`, with their times.
fn frames(path: &Path, width: u32) -> (Vec<(f64, Vec<u8>)>, u32, u32, f64) {
    let probe = VideoFrames::open(path, VideoDecodeOptions::default()).unwrap();
    let (w, h) = probe.output_size();
    let fps = probe.fps();
    drop(probe);
    let width = width.min(w);
    let height = ((f64::from(h) * f64::from(width) / f64::from(w)).round() as u32).max(2);
    let decoded = VideoFrames::open(path, VideoDecodeOptions::default().size(width, height)).unwrap();
    let list = decoded
        .map(|f| {
            let f = f.unwrap();
            let bgr = f.data.chunks_exact(3).flat_map(|p| [p[2], p[1], p[0]]).collect();
            (f.time, bgr)
        })
        .collect();
    (list, width, height, fps)
}

fn frame_of(times: &[f64], ts: Timestamp) -> u64 {
    let t = ts.pts() as f64 / 1_000_000.0;
    times.iter().enumerate().min_by(|a, b| (a.1 - t).abs().total_cmp(&(b.1 - t).abs())).map_or(0, |(i, _)| i as u64)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let data = args
        .get(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/testdata"));
    let width: u32 = args.get(2).and_then(|w| w.parse().ok()).unwrap_or(256);
    let tb = Timebase::new(1, std::num::NonZeroI32::new(1_000_000).unwrap());
    let (mut crate_content, mut crate_adaptive, mut ours_content, mut ours_adaptive) =
        (Counts::default(), Counts::default(), Counts::default(), Counts::default());
    let mut crate_time = Duration::ZERO;
    let mut frames_seen = 0usize;
    for video in VIDEOS {
        let path = data.join("scene-detection/videos").join(video);
        let (list, w, h, fps) = frames(&path, width);
        let times: Vec<f64> = list.iter().map(|f| f.0).collect();
        let min = Duration::from_secs_f64(15.0 / if fps > 0.0 { fps } else { 25.0 });
        let mut content = scenesdetect::content::Detector::new(scenesdetect::content::Options::new().with_min_duration(min));
        let mut adaptive =
            scenesdetect::adaptive::Detector::new(scenesdetect::adaptive::Options::new().with_min_duration(min));
        let (mut c_cuts, mut a_cuts) = (Vec::new(), Vec::new());
        let start = Instant::now();
        for (time, bgr) in &list {
            let ts = Timestamp::new((time * 1_000_000.0).round() as i64, tb);
            let frame = RgbFrame::new(bgr, w, h, w * 3, ts);
            if let Some(cut) = content.process_bgr(frame) {
                c_cuts.push(frame_of(&times, cut));
            }
            if let Some(cut) = adaptive.process_bgr(frame) {
                a_cuts.push(frame_of(&times, cut));
            }
        }
        crate_time += start.elapsed();
        frames_seen += list.len();
        let ours = |detector| {
            let list = detect_scenes(&path, &SceneConfig::default().detector(detector), &RunCtl::default()).unwrap();
            list.scenes
                .iter()
                .skip(1)
                .filter(|s| s.boundary != Boundary::Dissolve)
                .map(|s| s.start_frame)
                .collect::<Vec<_>>()
        };
        let (oc, oa) = (ours(Detector::Content), ours(Detector::Adaptive));
        println!("{video:18} scenesdetect content {c_cuts:?} adaptive {a_cuts:?} | reelkit content {oc:?} adaptive {oa:?}");
        crate_content.add(&c_cuts, &truth(video));
        crate_adaptive.add(&a_cuts, &truth(video));
        ours_content.add(&oc, &truth(video));
        ours_adaptive.add(&oa, &truth(video));
    }
    println!("scenesdetect content  {}", crate_content.report());
    println!("scenesdetect adaptive {}", crate_adaptive.report());
    println!("reelkit content       {}", ours_content.report());
    println!("reelkit adaptive      {}", ours_adaptive.report());
    println!(
        "scenesdetect detector work on {width}-wide frames (decoding not counted): {:.3} ms per frame for both detectors",
        crate_time.as_secs_f64() * 1000.0 / frames_seen.max(1) as f64
    );
}
