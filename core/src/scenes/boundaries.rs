//! From per-frame measures to scene boundaries: hard cuts (content or
//! adaptive), fades through black between two different pictures, fades
//! through black or white (the fade detector), dissolves, and the shortest
//! scene.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::analyze::{FrameStat, MIN_TEXTURE};
use super::config::{Detector, SceneConfig};
use super::features::{correlation, mean_std};

/// Brightness (0..255) within which frames of a black stretch count as
/// equally dark.
const DARK_NOISE: f32 = 0.75;

/// What starts a scene.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Boundary {
    /// The first scene.
    Start,
    /// A hard cut.
    Cut,
    /// A fade to or from black (or white).
    Fade,
    /// A dissolve between two pictures.
    Dissolve,
}

/// A scene boundary: the first frame of a new scene.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Mark {
    pub frame: usize,
    pub kind: Boundary,
}

/// Boundaries of a whole analysed stream, in frame order.
pub(crate) fn find(
    stats: &[FrameStat],
    thumbs: &HashMap<usize, Vec<u8>>,
    reach: usize,
    config: &SceneConfig,
) -> Vec<Mark> {
    let mut marks = match config.detector {
        Detector::Content => content_cuts(stats, config.threshold),
        Detector::Adaptive => adaptive_cuts(stats, config),
        Detector::Fade => fade_splits(stats, config),
    };
    if config.detector != Detector::Fade {
        let cuts: Vec<usize> = marks.iter().map(|m| m.frame).collect();
        if config.fade.enabled {
            marks.extend(fades_between_pictures(stats, thumbs, reach, &cuts, config.fade.black_level));
        }
        if config.dissolve.enabled {
            let taken: Vec<usize> = marks.iter().map(|m| m.frame).collect();
            marks.extend(dissolves(stats, &taken, config.fade.black_level));
        }
    }
    marks.sort_by_key(|m| m.frame);
    marks.dedup_by_key(|m| m.frame);
    enforce_min_length(stats, marks, config)
}

/// Frames whose content score reaches `threshold`.
fn content_cuts(stats: &[FrameStat], threshold: f32) -> Vec<Mark> {
    (1..stats.len())
        .filter(|&i| stats[i].score >= threshold)
        .map(|frame| Mark { frame, kind: Boundary::Cut })
        .collect()
}

/// Frames whose score is `ratio` times the mean of the `window` scores on
/// each side, and at least `min_score`.
fn adaptive_cuts(stats: &[FrameStat], config: &SceneConfig) -> Vec<Mark> {
    let w = config.adaptive.window as usize;
    let n = stats.len();
    let mut marks = Vec::new();
    for i in 1..n {
        let score = stats[i].score;
        if score < config.adaptive.min_score {
            continue;
        }
        // Neighbours on each side, without the first frame's undefined score.
        let lo = i.saturating_sub(w).max(1);
        let hi = (i + w).min(n - 1);
        let neighbours: Vec<f32> = (lo..=hi).filter(|&j| j != i).map(|j| stats[j].score).collect();
        let mean = if neighbours.is_empty() {
            0.0
        } else {
            neighbours.iter().sum::<f32>() / neighbours.len() as f32
        };
        // A flat neighbourhood (a still picture either side) makes any
        // score that passed `min_score` stand out.
        if mean < 1e-3 || score / mean >= config.adaptive.ratio {
            marks.push(Mark { frame: i, kind: Boundary::Cut });
        }
    }
    marks
}

/// Runs `[start, end]` of frames for which `blank` holds.
fn runs(stats: &[FrameStat], blank: impl Fn(&FrameStat) -> bool) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, s) in stats.iter().enumerate() {
        match (blank(s), start) {
            (true, None) => start = Some(i),
            (false, Some(s0)) => {
                out.push((s0, i - 1));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s0) = start {
        out.push((s0, stats.len() - 1));
    }
    out
}

/// The fade detector: the middle of every black or white run that is
/// followed by picture (PySceneDetect's ThresholdDetector with a fade bias
/// of 0: halfway between the first blank frame and the first frame after).
fn fade_splits(stats: &[FrameStat], config: &SceneConfig) -> Vec<Mark> {
    let (black, white) = (config.fade.black_level, config.fade.white_level);
    let mut marks: Vec<Mark> = runs(stats, |s| s.brightness < black)
        .into_iter()
        .chain(runs(stats, |s| s.brightness > white))
        .filter(|&(_, end)| end + 1 < stats.len())
        .map(|(start, end)| Mark { frame: (start + end).div_ceil(2), kind: Boundary::Fade })
        .filter(|m| m.frame > 0)
        .collect();
    marks.sort_by_key(|m| m.frame);
    marks
}

/// With the cut detectors: one boundary per black run that separates two
/// different pictures and is not already bounded by a hard cut. It is put
/// where the new picture starts to appear (the end of the darkest stretch),
/// so the black belongs to the scene that faded out.
fn fades_between_pictures(
    stats: &[FrameStat],
    thumbs: &HashMap<usize, Vec<u8>>,
    reach: usize,
    cuts: &[usize],
    black_level: f32,
) -> Vec<Mark> {
    let mut marks = Vec::new();
    for (start, end) in runs(stats, |s| s.brightness < black_level) {
        if start == 0 || end + 1 >= stats.len() {
            continue;
        }
        if cuts.iter().any(|&c| c + 1 >= start && c <= end + 2) {
            continue;
        }
        // The brightest frames within reach on either side stand for the
        // pictures that faded out and in.
        let before = (start.saturating_sub(reach)..start).max_by(|&a, &b| stats[a].brightness.total_cmp(&stats[b].brightness));
        let after = (end + 1..(end + 1 + reach).min(stats.len())).max_by(|&a, &b| stats[a].brightness.total_cmp(&stats[b].brightness));
        let (Some(before), Some(after)) = (before, after) else { continue };
        let (Some(tb), Some(ta)) = (thumbs.get(&before), thumbs.get(&after)) else { continue };
        let textured = mean_std(tb).1 >= MIN_TEXTURE && mean_std(ta).1 >= MIN_TEXTURE;
        if !textured || correlation(tb, ta) > 0.6 {
            continue;
        }
        // The new picture starts at the first frame brighter than the
        // darkest stretch by more than its compression noise.
        let darkest = stats[start..=end].iter().map(|s| s.brightness).fold(f32::INFINITY, f32::min);
        let last_dark = (start..=end).rev().find(|&i| stats[i].brightness <= darkest + DARK_NOISE).unwrap_or(end);
        marks.push(Mark { frame: last_dark + 1, kind: Boundary::Fade });
    }
    marks
}

/// The middle of every run of frames that passed the dissolve test, unless a
/// cut or fade already falls inside the dissolve or it passes through black
/// (then it is a fade: black with a caption on it can look like a picture).
fn dissolves(stats: &[FrameStat], taken: &[usize], black_level: f32) -> Vec<Mark> {
    let mut marks = Vec::new();
    let mut i = 0;
    while i < stats.len() {
        if stats[i].dissolve.is_none() {
            i += 1;
            continue;
        }
        let run_start = i;
        while i < stats.len() && stats[i].dissolve.is_some() {
            i += 1;
        }
        // The boundary is the middle of the run; the check below spans the
        // widest mix found in it.
        let centre = (run_start + i - 1) / 2;
        let (lo, hi) = (run_start..i).fold((centre, centre), |(lo, hi), c| {
            let h = stats[c].dissolve.map_or(0, |d| usize::from(d.1));
            (lo.min(c.saturating_sub(h)), hi.max((c + h).min(stats.len() - 1)))
        });
        if taken.iter().any(|&t| t >= lo && t <= hi + 1) {
            continue;
        }
        if stats[lo..=hi].iter().any(|s| s.brightness < black_level) {
            continue;
        }
        marks.push(Mark { frame: centre, kind: Boundary::Dissolve });
    }
    marks
}

/// Drop boundaries that would make a scene shorter than both
/// `min_scene_len` seconds and `min_scene_frames` frames allow, keeping the
/// earlier one (as PySceneDetect does).
fn enforce_min_length(stats: &[FrameStat], marks: Vec<Mark>, config: &SceneConfig) -> Vec<Mark> {
    let mut kept: Vec<Mark> = Vec::new();
    let mut last = 0usize;
    for mark in marks {
        if mark.frame == 0 || mark.frame >= stats.len() {
            continue;
        }
        let frames = mark.frame - last;
        let seconds = stats[mark.frame].time - stats[last].time;
        if frames >= config.min_scene_frames as usize && seconds + 1e-6 >= config.min_scene_len {
            kept.push(mark);
            last = mark.frame;
        }
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stats(scores: &[f32], fps: f64) -> Vec<FrameStat> {
        scores
            .iter()
            .enumerate()
            .map(|(i, &score)| FrameStat { time: i as f64 / fps, score, brightness: 100.0, dissolve: None })
            .collect()
    }

    fn frames(marks: &[Mark]) -> Vec<usize> {
        marks.iter().map(|m| m.frame).collect()
    }

    #[test]
    fn cuts_respect_both_minimum_lengths() {
        let mut scores = vec![0.5f32; 60];
        for i in [5, 20, 26, 50] {
            scores[i] = 60.0;
        }
        let s = stats(&scores, 10.0);
        let config = SceneConfig { min_scene_len: 0.5, min_scene_frames: 15, ..SceneConfig::default() };
        assert_eq!(frames(&find(&s, &HashMap::new(), 20, &config)), vec![20, 50]);
        let config = SceneConfig { min_scene_len: 0.0, min_scene_frames: 0, ..SceneConfig::default() };
        assert_eq!(frames(&find(&s, &HashMap::new(), 20, &config)), vec![5, 20, 26, 50]);
        // 0.5 s at 10 fps is 5 frames: 26 is 6 frames after 20.
        let config = SceneConfig { min_scene_len: 0.5, min_scene_frames: 0, ..SceneConfig::default() };
        assert_eq!(frames(&find(&s, &HashMap::new(), 20, &config)), vec![5, 20, 26, 50]);
        let config = SceneConfig { min_scene_len: 0.7, min_scene_frames: 0, ..SceneConfig::default() };
        assert_eq!(frames(&find(&s, &HashMap::new(), 20, &config)), vec![20, 50]);
    }

    #[test]
    fn adaptive_cuts_stand_out_from_their_neighbours() {
        // Steady motion around 20 with one spike of 70, and a rise to 30 that
        // is not a spike.
        let mut scores = vec![20.0f32; 80];
        scores[40] = 70.0;
        for s in scores.iter_mut().skip(60) {
            *s = 30.0;
        }
        let s = stats(&scores, 25.0);
        let config = SceneConfig { detector: Detector::Adaptive, ..SceneConfig::default() };
        assert_eq!(frames(&find(&s, &HashMap::new(), 20, &config)), vec![40]);
        // The content detector takes every frame over 27 that the shortest
        // scene allows.
        let config = SceneConfig { detector: Detector::Content, threshold: 27.0, ..SceneConfig::default() };
        assert_eq!(frames(&find(&s, &HashMap::new(), 20, &config)), vec![40, 60, 75]);
    }

    #[test]
    fn the_fade_detector_splits_each_blank_run_in_the_middle() {
        let mut s = stats(&[0.0; 100], 25.0);
        for f in s.iter_mut().take(30) {
            f.brightness = 2.0;
        }
        for f in s.iter_mut().skip(50).take(20) {
            f.brightness = 250.0;
        }
        for f in s.iter_mut().skip(90) {
            f.brightness = 1.0;
        }
        let config = SceneConfig { detector: Detector::Fade, ..SceneConfig::default() };
        // Black 0..=29 -> 15; white 50..=69 -> 60; the black tail is not
        // followed by picture.
        assert_eq!(frames(&find(&s, &HashMap::new(), 20, &config)), vec![15, 60]);
    }
}
