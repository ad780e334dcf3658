//! Analysing a film once: its transcript sentences and their embeddings,
//! scene spans, motion and loudness in coarse bins, silences. The result
//! is cached beside the outputs (`retell.analysis.json`), keyed by the
//! input's content fingerprint, so an edited script renders again without
//! decoding or transcribing anything.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::progress::{RunCtl, Stage};

/// Format version of the cache; a different one is analysed again.
const VERSION: u32 = 1;

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
        let scenes = match &info.video {
            Some(_) => Some(crate::scenes::detect_scenes(input, &job.scenes, ctl)?),
            None => None,
        };
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
        })
    }
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
