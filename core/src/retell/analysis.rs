//! Analysing a film once: its transcript sentences and their embeddings,
//! scene spans, motion and loudness in coarse bins, silences, and faces
//! (CenterFace on one picture every [`FACE_STEP`] seconds at
//! [`FACE_WIDTH`] pixels, taken from the scene detector's own decode, so
//! faces cost no second decode: ~3 600 detector runs for an hour). The result
//! is cached beside the outputs (`retell.analysis.json`), keyed by the
//! input's content fingerprint, so an edited script renders again without
//! decoding or transcribing anything.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::progress::{RunCtl, Stage};

/// Format version of the cache; a different one is analysed again.
const VERSION: u32 = 2;

/// Seconds between the pictures searched for faces.
pub const FACE_STEP: f64 = 1.0;

/// Width (pixels) of the pictures searched for faces: a face a tenth of a
/// 720p frame's height is ~18 px tall there, well inside CenterFace's range.
pub const FACE_WIDTH: u32 = 320;

/// Face height (share of the frame's height) that counts fully: a medium
/// close-up; smaller faces count in proportion.
const FULL_FACE: f64 = 0.15;

/// Detector confidence a face needs.
const FACE_CONFIDENCE: f32 = 0.5;

/// Seconds per motion/loudness bin.
pub const BIN: f64 = 0.5;

/// The cache file's name inside the output folder.
pub const CACHE_FILE: &str = "retell.analysis.json";

/// Shortest pause (seconds) counted as a silence between sentences.
const MIN_SILENCE: f64 = 0.3;

/// Level (dBFS, 10 ms frames) under which audio counts as silent.
const SILENT_DB: f32 = -45.0;

/// One transcript sentence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SentenceSpan {
    pub text: String,
    pub start: f64,
    pub end: f64,
}

/// One scene, `[start, end)` in seconds.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Span {
    pub start: f64,
    pub end: f64,
}

/// Everything the retell needs to know about its input.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Analysis {
    pub version: u32,
    /// SHA-256 of the input's bytes.
    pub fingerprint: String,
    pub duration: f64,
    pub has_video: bool,
    pub width: u32,
    pub height: u32,
    pub fps: f64,
    pub has_audio: bool,
    pub language: String,
    pub sentences: Vec<SentenceSpan>,
    /// One sentence embedding per sentence (empty when none were made).
    pub embeddings: Vec<Vec<f32>>,
    pub scenes: Vec<Span>,
    /// Mean frame-to-frame content change per [`BIN`] seconds (0..255).
    pub motion: Vec<f32>,
    /// Mean level in dBFS per [`BIN`] seconds.
    pub loudness: Vec<f32>,
    /// Pauses of at least 0.3 s.
    pub silences: Vec<Span>,
    /// Face samples `(time, score)`, one every [`FACE_STEP`] seconds: the
    /// strongest face's confidence times its size (full at
    /// [`FULL_FACE`] of the frame's height), 0 without a face. `None` when
    /// faces were not looked for (no video, or no CenterFace installed).
    #[serde(default)]
    pub faces: Option<Vec<(f64, f32)>>,
}

impl Analysis {
    /// Mean of `bins` over `[start, end)`.
    fn mean_of(bins: &[f32], start: f64, end: f64) -> f64 {
        let a = ((start.max(0.0) / BIN) as usize).min(bins.len());
        let b = ((end.max(0.0) / BIN).ceil() as usize).clamp(a, bins.len());
        if b == a {
            return 0.0;
        }
        bins[a..b].iter().map(|v| f64::from(*v)).sum::<f64>() / (b - a) as f64
    }

    /// Mean motion over `[start, end)`.
    pub fn motion_between(&self, start: f64, end: f64) -> f64 {
        Self::mean_of(&self.motion, start, end)
    }

    /// Mean level (dBFS) over `[start, end)`.
    pub fn loudness_between(&self, start: f64, end: f64) -> f64 {
        Self::mean_of(&self.loudness, start, end)
    }

    /// Face score of `[start, end)` (0..1): the mean of its face samples, or
    /// the sample nearest its middle when none falls inside; `None` when
    /// faces were not looked for.
    pub fn face_between(&self, start: f64, end: f64) -> Option<f64> {
        let samples = self.faces.as_ref()?;
        let inside: Vec<f64> = samples.iter().filter(|(t, _)| *t >= start && *t < end).map(|(_, s)| f64::from(*s)).collect();
        if !inside.is_empty() {
            return Some(inside.iter().sum::<f64>() / inside.len() as f64);
        }
        let mid = (start + end) / 2.0;
        Some(
            samples
                .iter()
                .filter(|(t, _)| (t - mid).abs() <= FACE_STEP)
                .min_by(|a, b| (a.0 - mid).abs().total_cmp(&(b.0 - mid).abs()))
                .map_or(0.0, |(_, s)| f64::from(*s)),
        )
    }

    /// Scene spans, or the whole film as one when there are none.
    pub fn scene_spans(&self) -> Vec<Span> {
        if self.scenes.is_empty() {
            vec![Span { start: 0.0, end: self.duration }]
        } else {
            self.scenes.clone()
        }
    }

    /// The cached analysis in `dir` when it belongs to `fingerprint`.
    pub fn load_cached(dir: &Path, fingerprint: &str) -> Option<Analysis> {
        let path = dir.join(CACHE_FILE);
        let meta = std::fs::metadata(&path).ok()?;
        if meta.len() > 512 * 1024 * 1024 {
            return None;
        }
        let bytes = std::fs::read(&path).ok()?;
        let a: Analysis = serde_json::from_slice(&bytes).ok()?;
        (a.version == VERSION && a.fingerprint == fingerprint).then_some(a)
    }

    /// Write the cache into `dir`.
    pub fn save(&self, dir: &Path) -> Result<()> {
        let json = serde_json::to_vec(self).map_err(|e| Error::internal(e.to_string()))?;
        let path = dir.join(CACHE_FILE);
        let staged = dir.join(format!("{CACHE_FILE}.partial"));
        std::fs::write(&staged, json).map_err(|e| Error::io(&staged, e))?;
        std::fs::rename(&staged, &path).map_err(|e| Error::io(&path, e))
    }
}

/// Average 10 ms levels (dBFS) into [`BIN`] bins.
pub fn loudness_bins(levels: &[f32], duration: f64) -> Vec<f32> {
    let per = (BIN / crate::asr::vad::FRAME).round() as usize;
    let n = ((duration / BIN).ceil() as usize).max(1);
    (0..n)
        .map(|i| {
            let chunk = levels.get(i * per..((i + 1) * per).min(levels.len())).unwrap_or(&[]);
            if chunk.is_empty() {
                -90.0
            } else {
                chunk.iter().map(|v| v.max(-90.0)).sum::<f32>() / chunk.len() as f32
            }
        })
        .collect()
}

/// Per-frame content scores `(time, score)` averaged into [`BIN`] bins.
pub fn motion_bins(scores: &[(f64, f32)], duration: f64) -> Vec<f32> {
    let n = ((duration / BIN).ceil() as usize).max(1);
    let mut sum = vec![0.0f64; n];
    let mut count = vec![0usize; n];
    for (t, s) in scores {
        if t.is_finite() && *t >= 0.0 && s.is_finite() {
            let i = ((t / BIN) as usize).min(n - 1);
            sum[i] += f64::from(*s);
            count[i] += 1;
        }
    }
    sum.iter().zip(&count).map(|(s, c)| if *c == 0 { 0.0 } else { (*s / *c as f64) as f32 }).collect()
}

/// Runs of 10 ms levels under -45 dBFS lasting at least 0.3 s.
pub fn silences(levels: &[f32]) -> Vec<Span> {
    let frame = crate::asr::vad::FRAME;
    let mut out = Vec::new();
    let mut run_start: Option<usize> = None;
    for (i, l) in levels.iter().chain(std::iter::once(&0.0)).enumerate() {
        match (run_start, *l < SILENT_DB) {
            (None, true) => run_start = Some(i),
            (Some(s), false) => {
                if (i - s) as f64 * frame >= MIN_SILENCE {
                    out.push(Span { start: s as f64 * frame, end: i as f64 * frame });
                }
                run_start = None;
            }
            _ => {}
        }
    }
    out
}

impl crate::engine::Engine {
    /// Analyse `input` (see [`Analysis`]); `fingerprint` is its content hash.
    pub(crate) fn retell_analysis(
        &self,
        input: &Path,
        fingerprint: String,
        job: &super::RetellJob,
        ctl: &RunCtl,
    ) -> Result<Analysis> {
        ctl.report(Stage::Probe, 0.0, Some(1.0), "files");
        let info = crate::media::probe(input)?;
        if info.audio.is_none() {
            return Err(Error::missing_stream(input, "audio"));
        }
        if info.duration <= 0.0 {
            return Err(Error::corrupt_media(input, "zero duration"));
        }
        ctl.report(Stage::Probe, 1.0, Some(1.0), "files");
        let transcriber = self.transcriber_with(&job.asr, ctl)?;
        let reader = crate::media::AudioReader::open(input, &crate::media::AudioDecodeOptions::default())?;
        let (transcript, levels) = transcriber.transcribe_reader_with_levels(reader, ctl)?;
        ctl.check()?;
        let mut detector = match &info.video {
            Some(_) => face_detector(self.store())?,
            None => None,
        };
        let looking = detector.is_some();
        let mut faces: Vec<(f64, f32)> = Vec::new();
        let scenes = match &info.video {
            Some(_) => {
                let mut on_sample = |frame: &crate::media::RgbFrame| -> Result<()> {
                    if let Some(d) = detector.as_mut() {
                        let found = d.detect(frame, FACE_WIDTH, FACE_CONFIDENCE)?;
                        faces.push((frame.time, face_score(&found, frame.height)));
                    }
                    Ok(())
                };
                let mut sampler = crate::scenes::decode::SideSampler { every: FACE_STEP, width: FACE_WIDTH, on_sample: &mut on_sample };
                let sampler = if looking { Some(&mut sampler) } else { None };
                Some(crate::scenes::detect_scenes_sampled(input, &job.scenes, ctl, sampler)?)
            }
            None => None,
        };
        let faces = looking.then_some(faces);
        ctl.report(Stage::Signals, 0.0, Some(1.0), "steps");
        let sentences: Vec<SentenceSpan> = transcript
            .sentences(1.2)
            .into_iter()
            .filter(|s| !s.text.trim().is_empty())
            .map(|s| SentenceSpan { text: s.text.trim().to_owned(), start: s.start, end: s.end })
            .collect();
        let embeddings = if sentences.len() >= 2 {
            let encoder = self.sentence_encoder_with(ctl)?;
            let texts: Vec<String> = sentences.iter().map(|s| s.text.clone()).collect();
            encoder.embed_all(&texts, ctl)?
        } else {
            Vec::new()
        };
        ctl.report(Stage::Signals, 1.0, Some(1.0), "steps");
        let (width, height, fps) = info
            .video
            .as_ref()
            .map(|v| (v.display_width, v.display_height, if v.fps > 0.0 && v.fps <= 240.0 { v.fps } else { 30.0 }))
            .unwrap_or((1280, 720, 30.0));
        Ok(Analysis {
            version: VERSION,
            fingerprint,
            duration: info.duration,
            has_video: info.video.is_some(),
            width,
            height,
            fps,
            has_audio: true,
            language: transcript.language.clone(),
            sentences,
            embeddings,
            scenes: scenes.as_ref().map(|s| s.scenes.iter().map(|s| Span { start: s.start, end: s.end }).collect()).unwrap_or_default(),
            motion: scenes.as_ref().map(|s| motion_bins(&s.frame_scores, info.duration)).unwrap_or_default(),
            loudness: loudness_bins(&levels, info.duration),
            silences: silences(&levels),
            faces,
        })
    }
}

/// CenterFace from the model store, or `None` when it is not installed
/// (shots are then scored without faces); any other failure is an error.
fn face_detector(store: &crate::models::ModelStore) -> Result<Option<crate::reframe::FaceDetector>> {
    match crate::reframe::FaceDetector::load(store) {
        Ok(d) => Ok(Some(d)),
        Err(e) if e.kind() == crate::ErrorKind::ModelNotFound => Ok(None),
        Err(e) => Err(e),
    }
}

/// One picture's face score: the strongest face's confidence times its
/// height as a share of [`FULL_FACE`] of the frame (capped at 1).
fn face_score(faces: &[crate::reframe::Face], frame_height: u32) -> f32 {
    let h = f64::from(frame_height.max(1));
    faces
        .iter()
        .map(|f| f64::from(f.score).clamp(0.0, 1.0) * (f.bbox.height() / h / FULL_FACE).clamp(0.0, 1.0))
        .fold(0.0f64, f64::max) as f32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bins_and_silences() {
        let mut levels = vec![-20.0f32; 300];
        levels[100..150].iter_mut().for_each(|l| *l = -80.0);
        levels[200..210].iter_mut().for_each(|l| *l = -80.0);
        let s = silences(&levels);
        assert_eq!(s.len(), 1);
        assert!((s[0].start - 1.0).abs() < 1e-9 && (s[0].end - 1.5).abs() < 1e-9);
        let bins = loudness_bins(&levels, 3.0);
        assert_eq!(bins.len(), 6);
        assert!(bins[2] < -70.0 && bins[0] == -20.0);
        let m = motion_bins(&[(0.1, 10.0), (0.2, 20.0), (1.2, 4.0), (f64::NAN, 9.0)], 2.0);
        assert_eq!(m, vec![15.0, 0.0, 4.0, 0.0]);
    }
}
