//! One pass over a stretch of video and audio that gathers what the plan
//! needs: faces (detected a few times a second on a small copy of the
//! frame, tracked in between), each face's mouth motion on every analysed
//! frame, speech activity and the speech turns of the audio.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::time::Instant;

use serde::{Deserialize, Serialize};

use super::config::ReframeConfig;
use super::detect::{BoxF, Face, FaceDetector};
use super::speaker::{face_patches, mouth_motion, Patch};
use super::track::{Observation, Tracker};
use super::voice::{self, Turn, VoiceFeatures};
use crate::asr::vad::Span;
use crate::error::Result;
use crate::media::{AudioDecodeOptions, AudioReader, MediaInfo, VideoDecodeOptions, VideoFrames};
use crate::progress::{RunCtl, Stage};

/// What the analysis saw, in source seconds and source pixels.
#[derive(Debug, Clone, Default)]
pub struct Analysis {
    /// Times of the analysed frames.
    pub times: Vec<f64>,
    /// Faces on each analysed frame (tracked identities).
    pub faces: Vec<Vec<Observation>>,
    /// Mouth motion of each track on each analysed frame.
    pub motion: BTreeMap<usize, Vec<Option<f32>>>,
    /// How many detections confirmed each track.
    pub hits: BTreeMap<usize, u32>,
    pub speech: Vec<Span>,
    pub turns: Vec<Turn>,
    pub stats: AnalysisStats,
}

/// Counts and timings of an analysis.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct AnalysisStats {
    pub frames_analysed: usize,
    pub detector_runs: usize,
    pub faces_detected: usize,
    /// Wall-clock seconds of the whole analysis and of the detector alone.
    pub seconds: f64,
    pub detector_seconds: f64,
}

/// Analyse `[start, end)` of `input`.
pub fn analyze(
    input: &Path,
    info: &MediaInfo,
    start: f64,
    end: f64,
    detector: &mut FaceDetector,
    config: &ReframeConfig,
    ctl: &RunCtl,
) -> Result<Analysis> {
    let clock = Instant::now();
    let mut a = Analysis::default();
    let Some(video) = &info.video else { return Ok(a) };
    let (sw, sh) = (video.display_width.max(1), video.display_height.max(1));
    let aw = (config.analysis_width.min(sw) & !1).max(2);
    let ah = (((f64::from(aw) * f64::from(sh) / f64::from(sw)).round() as u32) & !1).max(2);
    let (sx, sy) = (f64::from(sw) / f64::from(aw), f64::from(sh) / f64::from(ah));
    let detect_width = config.detect_width_32().min(aw.div_ceil(32) * 32);
    let span = (end - start).max(1e-3);
    let step = 1.0 / config.analysis_fps;
    let detect_step = 1.0 / config.detect_fps;
    let min_height = config.min_face_height * f64::from(sh);

    let frames = VideoFrames::open(input, VideoDecodeOptions::default().size(aw, ah).range(start, Some(end)))?;
    let mut tracker = Tracker::new(config.track_max_gap, config.max_faces);
    let mut next = start;
    let mut next_detect = start;
    let mut prev_patches: HashMap<usize, (f64, (Patch, Patch))> = HashMap::new();
    for frame in frames {
        ctl.check()?;
        let frame = frame?;
        let t = frame.time;
        if t + 1e-6 < next {
            continue;
        }
        while next <= t + 1e-6 {
            next += step;
        }
        if t + 1e-6 >= next_detect {
            while next_detect <= t + 1e-6 {
                next_detect += detect_step;
            }
            let timer = Instant::now();
            let found = detector.detect(&frame, detect_width, config.min_confidence)?;
            a.stats.detector_seconds += timer.elapsed().as_secs_f64();
            a.stats.detector_runs += 1;
            let faces: Vec<Face> = found
                .into_iter()
                .map(|f| Face { bbox: f.bbox.scaled(sx, sy), score: f.score, landmarks: f.landmarks.map(|(x, y)| (x * sx, y * sy)) })
                .filter(|f| f.bbox.height() >= min_height)
                .collect();
            a.stats.faces_detected += faces.len();
            tracker.update(t, &faces);
        }
        let observed = tracker.observe(t);
        let index = a.times.len();
        for o in &observed {
            let track = tracker.tracks().iter().find(|tr| tr.id == o.track);
            let mouth = track.and_then(|tr| tr.mouth);
            let small: BoxF = o.bbox.scaled(1.0 / sx, 1.0 / sy);
            let motion = a.motion.entry(o.track).or_insert_with(|| vec![None; index]);
            motion.resize(index, None);
            let value = face_patches(&frame, &small, mouth).and_then(|p| {
                let m = prev_patches.get(&o.track).filter(|(pt, _)| t - pt <= 2.5 * step).map(|(_, prev)| mouth_motion(prev, &p));
                prev_patches.insert(o.track, (t, p));
                m
            });
            motion.push(value);
            if let Some(tr) = track {
                a.hits.insert(o.track, tr.hits);
            }
        }
        a.times.push(t);
        a.faces.push(observed);
        a.stats.frames_analysed += 1;
        if a.stats.frames_analysed % 10 == 0 {
            ctl.report(Stage::Reframe, (t - start).min(span), Some(span), "seconds");
        }
    }
    for m in a.motion.values_mut() {
        m.resize(a.times.len(), None);
    }

    if info.audio.is_some() {
        let mut reader = AudioReader::open(input, &AudioDecodeOptions::default().range(start, Some(end)))?;
        let mut features = VoiceFeatures::new();
        while let Some(block) = reader.read_block(16_000)? {
            ctl.check()?;
            features.push(&block);
        }
        features.finish();
        let speech = voice::speech_activity(&features.levels.levels);
        let voices = a.hits.values().filter(|h| **h >= 2).count().clamp(1, 4);
        a.turns = voice::turns(&features.cepstra, &speech, voices, config.audio_turns)
            .into_iter()
            .map(|t| Turn { start: t.start + start, end: t.end + start, ..t })
            .collect();
        a.speech = speech.into_iter().map(|s| Span { start: s.start + start, end: s.end + start }).collect();
    }
    a.stats.seconds = clock.elapsed().as_secs_f64();
    ctl.report(Stage::Reframe, span, Some(span), "seconds");
    Ok(a)
}
