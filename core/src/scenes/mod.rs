//! Scene detection at the decode limit.
//!
//! One pass decodes the primary video stream straight to a small RGB
//! picture ([`decode`]: deblocking skipped, reduced-resolution decoding where
//! the codec allows, frame threads) and measures each frame ([`analyze`]):
//! the content score against the previous frame (mean absolute difference of
//! hue, saturation and value, 0..255, as PySceneDetect's ContentDetector, but
//! with saturation damped near black and hue compared on the circle), the
//! mean brightness, and an even-mix test for dissolves. [`boundaries`] turns
//! those into scene boundaries with the detector the config names (content,
//! adaptive or fade), adds fades through black and dissolves, and applies
//! the shortest scene. Times are presentation timestamps on the media clock.
//!
//! Why our own detectors and not the `scenesdetect` crate (a Rust port of
//! PySceneDetect's detectors): fed the same decoded frames, its content
//! detector scores F1 0.857 on the hard cuts of the four test videos in
//! `../shared/testdata/scene-detection` (a false cut in counter.mp4) where
//! ours scores 1.000, its adaptive detector scores the same as ours (0.857)
//! or lower at full size, and it has no dissolve detection and no link
//! between the two sides of a fade. Its per-frame cost is about ours, and the
//! decode is where the time goes either way. The numbers are in
//! `benches/README.md`, "Scenes"; `benches/src/bin/scenes_crate_eval.rs`
//! reproduces them.

mod analyze;
mod boundaries;
mod config;
mod csv;
pub(crate) mod decode;
mod features;

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::progress::RunCtl;

pub use boundaries::Boundary;
pub use config::{AdaptiveConfig, Detector, DissolveConfig, FadeConfig, SceneConfig};
pub use csv::to_csv;

/// One scene: `[start, end)` in seconds and frames.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Scene {
    pub start: f64,
    pub end: f64,
    pub start_frame: u64,
    pub end_frame: u64,
    /// What starts this scene (`start` for the first).
    pub boundary: Boundary,
}

/// Detected scenes plus the per-frame scores they came from.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SceneList {
    /// Frame rate: the stream's average rate, or measured from the frame
    /// times when the stream states none (or an absurd one).
    pub fps: f64,
    /// Decoded frames.
    pub frames: u64,
    pub scenes: Vec<Scene>,
    /// Time of each frame and its content score against the previous frame
    /// (a per-frame motion measure).
    #[serde(skip)]
    pub frame_scores: Vec<(f64, f32)>,
}

impl SceneList {
    /// Start times of every scene after the first.
    pub fn cuts(&self) -> Vec<f64> {
        self.scenes.iter().skip(1).map(|s| s.start).collect()
    }

    /// Mean content score (motion) between `start` and `end`.
    pub fn motion_between(&self, start: f64, end: f64) -> f64 {
        let (sum, n) = self
            .frame_scores
            .iter()
            .filter(|(t, _)| *t >= start && *t < end)
            .fold((0.0f64, 0usize), |(s, n), (_, v)| (s + f64::from(*v), n + 1));
        if n == 0 {
            0.0
        } else {
            sum / n as f64
        }
    }
}

/// Detect scenes in the primary video stream of `path`.
///
/// Reports progress as [`crate::progress::Stage::Scenes`] in frames and
/// checks for cancellation at every packet.
pub fn detect_scenes(path: impl AsRef<Path>, config: &SceneConfig, ctl: &RunCtl) -> Result<SceneList> {
    detect_scenes_sampled(path.as_ref(), config, ctl, None)
}

/// [`detect_scenes`], also handing `sampler` a larger picture every few
/// seconds from the same decode (the retell's face sampling).
pub(crate) fn detect_scenes_sampled(
    path: &Path,
    config: &SceneConfig,
    ctl: &RunCtl,
    sampler: Option<&mut decode::SideSampler<'_>>,
) -> Result<SceneList> {
    config.validate()?;
    let mut analyzer: Option<analyze::Analyzer> = None;
    let mut stream_fps = 0.0;
    decode::decode_small_sampled(path, config.analysis_width, config.threads, config.fast_decode, ctl, sampler, |facts, frame| {
        stream_fps = facts.fps;
        let a = analyzer.get_or_insert_with(|| analyze::Analyzer::new(config, facts.fps));
        a.push(frame.time, frame.duration, frame.rgb, facts.width as usize, facts.height as usize);
        Ok(())
    })?;
    let Some(analyzer) = analyzer.filter(|a| !a.stats.is_empty()) else {
        return Ok(SceneList::default());
    };
    Ok(assemble(analyzer, stream_fps, config))
}

/// The scene list from the analysed frames.
fn assemble(analyzer: analyze::Analyzer, stream_fps: f64, config: &SceneConfig) -> SceneList {
    let stats = &analyzer.stats;
    let n = stats.len();
    let (first, last) = (stats[0].time, stats[n - 1].time);
    let fps = if stream_fps > 0.0 {
        stream_fps
    } else if n > 1 && last > first {
        ((n - 1) as f64 / (last - first)).min(1000.0)
    } else {
        0.0
    };
    let last_duration = analyzer
        .last_duration
        .or_else(|| (fps > 0.0).then(|| 1.0 / fps))
        .unwrap_or(0.0);
    let end_time = last + last_duration;

    let marks = boundaries::find(stats, &analyzer.thumbs, analyzer.thumb_reach(), config);
    let mut scenes = Vec::with_capacity(marks.len() + 1);
    let mut start = 0usize;
    let mut kind = Boundary::Start;
    for mark in marks.iter().copied().chain(std::iter::once(boundaries::Mark { frame: n, kind: Boundary::Cut })) {
        let end = if mark.frame < n { stats[mark.frame].time } else { end_time };
        scenes.push(Scene {
            start: stats[start].time,
            end,
            start_frame: start as u64,
            end_frame: mark.frame as u64,
            boundary: kind,
        });
        start = mark.frame;
        kind = mark.kind;
    }
    SceneList {
        fps,
        frames: n as u64,
        scenes,
        frame_scores: stats.iter().map(|s| (s.time, s.score)).collect(),
    }
}
