//! Scene change detection on downscaled frames: the content score of two
//! consecutive frames is the mean absolute difference of their hue,
//! saturation and value planes (0..255); a cut is declared where it passes
//! the threshold and the scene so far is long enough.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::media::{RgbFrame, VideoDecodeOptions, VideoFrames};
use crate::progress::{RunCtl, Stage};

/// Scene detection settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct SceneConfig {
    /// Content score (0..255) at or above which a cut is declared (default 27).
    pub threshold: f32,
    /// Shortest scene in seconds (default 0.5).
    pub min_scene_len: f64,
    /// Width frames are scaled to before analysis (default 128).
    pub analysis_width: u32,
}

impl Default for SceneConfig {
    fn default() -> Self {
        Self { threshold: 27.0, min_scene_len: 0.5, analysis_width: 128 }
    }
}

impl SceneConfig {
    pub fn threshold(mut self, threshold: f32) -> Self {
        self.threshold = threshold;
        self
    }

    pub fn validate(&self) -> Result<()> {
        if !(self.threshold.is_finite() && self.threshold > 0.0 && self.threshold <= 255.0) {
            return Err(Error::invalid("threshold", format!("{} (expected 0 < t <= 255)", self.threshold)));
        }
        if !(self.min_scene_len.is_finite() && self.min_scene_len >= 0.0) {
            return Err(Error::invalid("min_scene_len", format!("{} (expected >= 0)", self.min_scene_len)));
        }
        if !(16..=1920).contains(&self.analysis_width) {
            return Err(Error::invalid("analysis_width", format!("{} (expected 16..=1920)", self.analysis_width)));
        }
        Ok(())
    }
}

/// One scene: `[start, end)` in seconds and frames.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Scene {
    pub start: f64,
    pub end: f64,
    pub start_frame: u64,
    pub end_frame: u64,
}

/// Detected scenes plus the per-frame scores they came from.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SceneList {
    pub fps: f64,
    pub frames: u64,
    pub scenes: Vec<Scene>,
    /// Time of each frame and its content score against the previous frame.
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
pub fn detect_scenes(path: impl AsRef<Path>, config: &SceneConfig, ctl: &RunCtl) -> Result<SceneList> {
    config.validate()?;
    let path = path.as_ref();
    let probe = VideoFrames::open(path, VideoDecodeOptions::default())?;
    let (w, h) = probe.output_size();
    let duration = probe.duration();
    drop(probe);
    let aw = config.analysis_width.min(w.max(2)) & !1;
    let ah = (((h as f64 * aw as f64 / w.max(1) as f64).round() as u32) & !1).max(2);
    let frames = VideoFrames::open(path, VideoDecodeOptions::default().size(aw.max(2), ah))?;
    let fps = frames.fps();

    let mut previous: Option<Vec<[u8; 3]>> = None;
    let mut scores = Vec::new();
    let mut times = Vec::new();
    for frame in frames {
        ctl.check()?;
        let frame = frame?;
        let hsv = to_hsv(&frame);
        let score = previous.as_ref().map(|p| content_score(p, &hsv)).unwrap_or(0.0);
        scores.push(score);
        times.push(frame.time);
        previous = Some(hsv);
        if times.len() % 250 == 0 {
            ctl.report(Stage::Scenes, frame.time, duration, "seconds");
        }
    }
    if times.is_empty() {
        return Err(Error::corrupt_media(path, "no decodable video frame"));
    }
    let end_time = duration.unwrap_or(0.0).max(times[times.len() - 1] + if fps > 0.0 { 1.0 / fps } else { 0.0 });
    let cut_frames = pick_cuts(&times, &scores, config);
    let mut scenes = Vec::new();
    let mut start_frame = 0usize;
    for &cut in cut_frames.iter().chain(std::iter::once(&times.len())) {
        let end = if cut < times.len() { times[cut] } else { end_time };
        scenes.push(Scene { start: times[start_frame], end, start_frame: start_frame as u64, end_frame: cut as u64 });
        start_frame = cut;
    }
    if let Some(first) = scenes.first_mut() {
        first.start = 0.0;
    }
    ctl.report(Stage::Scenes, end_time, Some(end_time), "seconds");
    Ok(SceneList {
        fps,
        frames: times.len() as u64,
        scenes,
        frame_scores: times.into_iter().zip(scores).collect(),
    })
}

/// Frame indices where a new scene starts.
fn pick_cuts(times: &[f64], scores: &[f32], config: &SceneConfig) -> Vec<usize> {
    let mut cuts = Vec::new();
    let mut scene_start = times.first().copied().unwrap_or(0.0);
    for i in 1..scores.len() {
        if scores[i] >= config.threshold && times[i] - scene_start >= config.min_scene_len {
            cuts.push(i);
            scene_start = times[i];
        }
    }
    cuts
}

/// Per-pixel hue (0..180, OpenCV scale), saturation and value.
fn to_hsv(frame: &RgbFrame) -> Vec<[u8; 3]> {
    frame
        .data
        .chunks_exact(3)
        .map(|p| {
            let (r, g, b) = (f32::from(p[0]), f32::from(p[1]), f32::from(p[2]));
            let max = r.max(g).max(b);
            let min = r.min(g).min(b);
            let delta = max - min;
            let s = if max > 0.0 { delta / max * 255.0 } else { 0.0 };
            let h = if delta == 0.0 {
                0.0
            } else if max == r {
                60.0 * ((g - b) / delta).rem_euclid(6.0)
            } else if max == g {
                60.0 * ((b - r) / delta + 2.0)
            } else {
                60.0 * ((r - g) / delta + 4.0)
            };
            [(h / 2.0).round().min(179.0) as u8, s.round() as u8, max as u8]
        })
        .collect()
}

/// Mean over H, S and V of the mean absolute per-pixel difference.
fn content_score(a: &[[u8; 3]], b: &[[u8; 3]]) -> f32 {
    if a.len() != b.len() || a.is_empty() {
        return 0.0;
    }
    let mut sums = [0u64; 3];
    for (p, q) in a.iter().zip(b) {
        for c in 0..3 {
            sums[c] += u64::from(p[c].abs_diff(q[c]));
        }
    }
    let n = a.len() as f32;
    sums.iter().map(|s| *s as f32 / n).sum::<f32>() / 3.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identical_frames_score_zero_and_opposites_score_high() {
        let a = vec![[0u8, 0, 0]; 16];
        let b = vec![[0u8, 0, 255]; 16];
        assert_eq!(content_score(&a, &a), 0.0);
        assert!((content_score(&a, &b) - 85.0).abs() < 0.01);
    }

    #[test]
    fn cuts_respect_min_scene_length() {
        let times: Vec<f64> = (0..10).map(|i| i as f64 * 0.1).collect();
        let scores = [0.0, 40.0, 40.0, 1.0, 1.0, 1.0, 1.0, 50.0, 1.0, 1.0];
        let cuts = pick_cuts(&times, &scores, &SceneConfig { min_scene_len: 0.3, ..SceneConfig::default() });
        assert_eq!(cuts, vec![7]);
        let cuts = pick_cuts(&times, &scores, &SceneConfig { min_scene_len: 0.0, ..SceneConfig::default() });
        assert_eq!(cuts, vec![1, 2, 7]);
    }

    #[test]
    fn hsv_matches_reference_values() {
        let f = RgbFrame { width: 3, height: 1, time: 0.0, data: vec![255, 0, 0, 0, 255, 0, 128, 128, 128] };
        assert_eq!(to_hsv(&f), vec![[0, 255, 255], [60, 255, 255], [0, 0, 128]]);
    }
}
