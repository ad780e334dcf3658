//! Energy-based voice activity detection that finds the stretches worth
//! sending to Whisper.
//!
//! Why energy and not a neural VAD: no Silero-style model can be fetched on
//! the machines reelkit targets (no model hub), and for chunking the job is
//! modest — skip silence and split long audio at quiet points. Whisper itself
//! rejects non-speech inside a chunk (its no-speech probability and our
//! annotation filter), so the VAD only has to avoid cutting words and to
//! skip digital or near silence, which a noise-floor-tracking energy gate
//! does reliably and at almost no cost.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// VAD settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct VadConfig {
    /// Use the VAD at all; off sends the audio in plain 30 s windows.
    pub enabled: bool,
    /// A frame is voiced when this many dB above the tracked noise floor (default 9).
    pub threshold_db: f32,
    /// ...and above this absolute level in dBFS (default -50).
    pub min_level_db: f32,
    /// Voiced runs shorter than this are ignored (default 0.12 s).
    pub min_speech: f64,
    /// Silences shorter than this do not split speech (default 0.6 s).
    pub min_silence: f64,
    /// Audio kept around each speech region (default 0.25 s).
    pub pad: f64,
    /// Longest chunk handed to Whisper (default 28 s; Whisper's window is 30 s).
    pub max_chunk: f64,
}

impl Default for VadConfig {
    fn default() -> Self {
        Self {
            enabled: true,
            threshold_db: 9.0,
            min_level_db: -50.0,
            min_speech: 0.12,
            min_silence: 0.6,
            pad: 0.25,
            max_chunk: 28.0,
        }
    }
}

impl VadConfig {
    pub fn validate(&self) -> Result<()> {
        if !(self.threshold_db.is_finite() && (0.0..=60.0).contains(&self.threshold_db)) {
            return Err(Error::invalid("vad.threshold_db", format!("{} (expected 0..=60)", self.threshold_db)));
        }
        if !(self.min_level_db.is_finite() && (-120.0..=0.0).contains(&self.min_level_db)) {
            return Err(Error::invalid("vad.min_level_db", format!("{} (expected -120..=0)", self.min_level_db)));
        }
        for (name, v, max) in [
            ("vad.min_speech", self.min_speech, 10.0),
            ("vad.min_silence", self.min_silence, 10.0),
            ("vad.pad", self.pad, 5.0),
        ] {
            if !(v.is_finite() && (0.0..=max).contains(&v)) {
                return Err(Error::invalid(name, format!("{v} (expected 0..={max})")));
            }
        }
        if !(self.max_chunk.is_finite() && (2.0..=30.0).contains(&self.max_chunk)) {
            return Err(Error::invalid("vad.max_chunk", format!("{} (expected 2..=30 s)", self.max_chunk)));
        }
        Ok(())
    }
}

/// Frame length of the energy analysis in seconds.
pub const FRAME: f64 = 0.01;

/// A stretch of audio, in seconds.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Span {
    pub start: f64,
    pub end: f64,
}

impl Span {
    pub fn len(&self) -> f64 {
        self.end - self.start
    }
    pub fn is_empty(&self) -> bool {
        self.end <= self.start
    }
}

/// Per-frame level (dBFS) of 16 kHz mono audio, computed incrementally.
#[derive(Debug, Clone, Default)]
pub struct FrameLevels {
    rate: u32,
    carry: Vec<f32>,
    pub levels: Vec<f32>,
}

impl FrameLevels {
    pub fn new(rate: u32) -> Self {
        Self { rate, carry: Vec::new(), levels: Vec::new() }
    }

    fn frame_len(&self) -> usize {
        (f64::from(self.rate) * FRAME) as usize
    }

    /// Add samples; completes as many frames as possible.
    pub fn push(&mut self, samples: &[f32]) {
        let n = self.frame_len().max(1);
        self.carry.extend_from_slice(samples);
        let full = self.carry.len() / n * n;
        for frame in self.carry[..full].chunks_exact(n) {
            self.levels.push(level_db(frame));
        }
        self.carry.drain(..full);
    }

    /// Complete the last partial frame.
    pub fn finish(&mut self) {
        if !self.carry.is_empty() {
            let frame = std::mem::take(&mut self.carry);
            self.levels.push(level_db(&frame));
        }
    }

    /// Level of the frame containing `t`.
    pub fn at(&self, t: f64) -> f32 {
        let i = (t / FRAME).floor().max(0.0) as usize;
        self.levels.get(i).copied().unwrap_or(-120.0)
    }
}

fn level_db(frame: &[f32]) -> f32 {
    let ms = frame.iter().map(|s| f64::from(*s) * f64::from(*s)).sum::<f64>() / frame.len().max(1) as f64;
    if ms <= 1e-12 {
        -120.0
    } else {
        (10.0 * ms.log10()) as f32
    }
}

/// Speech regions from per-frame levels: voiced runs, short gaps bridged,
/// tiny blips dropped, padding added, runs longer than a chunk split at
/// their quietest point.
pub fn speech_regions(levels: &[f32], config: &VadConfig) -> Vec<Span> {
    let mut vad = StreamingVad::new(config.clone());
    let mut regions = vad.push(levels);
    regions.extend(vad.finish());
    regions
}

/// The VAD as a state machine over frame levels arriving in order, so that
/// speech regions come out while the audio is still being decoded.
#[derive(Debug, Clone)]
pub struct StreamingVad {
    config: VadConfig,
    levels: Vec<f32>,
    floor: Option<f32>,
    /// First voiced frame of the open run, the last voiced frame seen, and
    /// whether the run continues a region split for length (no lead-in pad).
    run: Option<(usize, usize, bool)>,
    /// A closed, padded region held back in case the next one overlaps it.
    held: Option<Span>,
}

impl StreamingVad {
    pub fn new(config: VadConfig) -> Self {
        Self { config, levels: Vec::new(), floor: None, run: None, held: None }
    }

    /// All levels seen so far.
    pub fn levels(&self) -> &[f32] {
        &self.levels
    }

    /// Start (padded) of speech that is still open or held back, whose audio
    /// must therefore be kept.
    pub fn open_since(&self) -> Option<f64> {
        let run = self.run.map(|(start, _, continued)| {
            let lead = if continued { 0.0 } else { self.config.pad };
            (start as f64 * FRAME - lead).max(0.0)
        });
        match (run, self.held) {
            (Some(r), Some(h)) => Some(r.min(h.start)),
            (r, h) => r.or(h.map(|h| h.start)),
        }
    }

    /// Add frame levels; returns regions that can no longer change.
    pub fn push(&mut self, new_levels: &[f32]) -> Vec<Span> {
        let mut out = Vec::new();
        let silence_frames = (self.config.min_silence / FRAME).round() as usize;
        let max_frames = ((self.config.max_chunk - 2.0 * self.config.pad) / FRAME).round().max(1.0) as usize;
        let rise = 3.0 * FRAME as f32;
        for &level in new_levels {
            let i = self.levels.len();
            self.levels.push(level);
            // The floor starts just under the absolute gate, falls at once to
            // quieter frames and rises slowly, so steady noise is learned and
            // speech that begins at the very first frame is still heard.
            let floor = match self.floor {
                None => (self.config.min_level_db - self.config.threshold_db).min(level),
                Some(f) if level < f => level,
                Some(f) => (f + rise).min(level),
            };
            self.floor = Some(floor);
            let voiced = level > self.config.min_level_db && level > floor + self.config.threshold_db;
            match (&mut self.run, voiced) {
                (None, true) => self.run = Some((i, i, false)),
                (Some((_, last, _)), true) => *last = i,
                (Some((_, last, _)), false) if i - *last > silence_frames => {
                    let (start, last, continued) = self.run.take().expect("run is open");
                    self.close(start, last + 1, continued, true, &mut out);
                }
                _ => {}
            }
            // A held region is final once no new region could reach back to it.
            if self.held.is_some_and(|h| (i + 1) as f64 * FRAME - self.config.pad > h.end) && self.run.is_none() {
                out.extend(self.held.take());
            }
            // A run that outgrows a chunk is split at a quiet point.
            if let Some((start, _, continued)) = self.run {
                if i + 1 - start >= max_frames {
                    let from = start as f64 * FRAME + (max_frames as f64 * FRAME) * 0.6;
                    let cut = quietest_point(&self.levels, from, (i + 1) as f64 * FRAME);
                    let cut_frame = ((cut / FRAME).round() as usize).clamp(start + 1, i);
                    self.close(start, cut_frame, continued, false, &mut out);
                    self.run = Some((cut_frame, i.max(cut_frame), true));
                }
            }
        }
        out
    }

    /// Close the open run and return what is left.
    pub fn finish(&mut self) -> Vec<Span> {
        let mut out = Vec::new();
        if let Some((start, last, continued)) = self.run.take() {
            self.close(start, last + 1, continued, true, &mut out);
        }
        out.extend(self.held.take());
        out
    }

    /// Turn frames `start..end` into a region: padded at the start unless it
    /// continues a split run, padded at the end unless split there.
    fn close(&mut self, start: usize, end: usize, continued: bool, pad_end: bool, out: &mut Vec<Span>) {
        if !continued && pad_end && ((end - start) as f64 * FRAME) < self.config.min_speech {
            return;
        }
        let lead = if continued { 0.0 } else { self.config.pad };
        let tail = if pad_end { self.config.pad } else { 0.0 };
        let total = self.levels.len() as f64 * FRAME;
        let region =
            Span { start: (start as f64 * FRAME - lead).max(0.0), end: (end as f64 * FRAME + tail).min(total.max(end as f64 * FRAME)) };
        self.hold(region, out);
    }

    fn hold(&mut self, region: Span, out: &mut Vec<Span>) {
        match self.held.as_mut() {
            Some(held) if region.start < held.end => held.end = held.end.max(region.end),
            _ => {
                if let Some(done) = self.held.replace(region) {
                    out.push(done);
                }
            }
        }
    }
}

/// Group speech regions into chunks no longer than `max_chunk`, splitting a
/// region that is too long at its quietest frame near the limit.
pub fn plan_chunks(regions: &[Span], levels: &[f32], config: &VadConfig) -> Vec<Span> {
    let mut chunks: Vec<Span> = Vec::new();
    for region in regions {
        let mut region = *region;
        // Split over-long regions at quiet points.
        while region.len() > config.max_chunk {
            let cut = quietest_point(levels, region.start + config.max_chunk * 0.6, region.start + config.max_chunk);
            chunks.push(Span { start: region.start, end: cut });
            region.start = cut;
        }
        match chunks.last_mut() {
            Some(last) if region.end - last.start <= config.max_chunk && region.start - last.end < 2.0 => {
                last.end = region.end
            }
            _ => chunks.push(region),
        }
    }
    chunks
}

/// Time of the lowest-level frame between `from` and `to`.
pub fn quietest_point(levels: &[f32], from: f64, to: f64) -> f64 {
    let a = (from / FRAME) as usize;
    let b = ((to / FRAME) as usize).min(levels.len());
    if a >= b {
        return to;
    }
    let (i, _) = levels[a..b]
        .iter()
        .enumerate()
        .fold((0usize, f32::INFINITY), |best, (i, l)| if *l < best.1 { (i, *l) } else { best });
    (a + i) as f64 * FRAME
}

#[cfg(test)]
mod tests {
    use super::*;

    fn levels(pattern: &[(f64, f32)]) -> Vec<f32> {
        pattern.iter().flat_map(|(secs, db)| std::iter::repeat(*db).take((secs / FRAME).round() as usize)).collect()
    }

    #[test]
    fn finds_speech_between_silences_and_bridges_short_pauses() {
        let l = levels(&[(1.0, -90.0), (2.0, -20.0), (0.3, -80.0), (1.0, -22.0), (3.0, -90.0), (1.0, -25.0), (1.0, -90.0)]);
        let r = speech_regions(&l, &VadConfig::default());
        assert_eq!(r.len(), 2, "{r:?}");
        assert!((r[0].start - 0.75).abs() < 0.02 && (r[0].end - 4.55).abs() < 0.02, "{r:?}");
        assert!((r[1].start - 7.05).abs() < 0.02, "{r:?}");
    }

    #[test]
    fn steady_noise_is_learned_as_floor() {
        let l = levels(&[(8.0, -40.0), (1.0, -20.0), (8.0, -40.0)]);
        let r = speech_regions(&l, &VadConfig::default());
        // The burst is speech; once learned, the noise after it is not.
        assert!(r.iter().any(|s| s.start <= 8.0 && s.end >= 9.0), "{r:?}");
        assert!(r.iter().all(|s| s.end < 10.0), "{r:?}");
    }

    /// Syllable-like energy: 0.3 s loud, 0.1 s quieter.
    fn talking(seconds: f64) -> Vec<(f64, f32)> {
        (0..(seconds / 0.4) as usize).flat_map(|_| [(0.3, -20.0f32), (0.1, -45.0)]).collect()
    }

    #[test]
    fn silence_has_no_speech_and_long_speech_is_chunked() {
        assert!(speech_regions(&levels(&[(10.0, -120.0)]), &VadConfig::default()).is_empty());
        let mut l = levels(&talking(70.0));
        l[2500] = -70.0; // a quiet frame at 25 s
        let config = VadConfig::default();
        let regions = speech_regions(&l, &config);
        let chunks = plan_chunks(&regions, &l, &config);
        assert!(chunks.len() >= 3, "{chunks:?}");
        assert!(chunks.iter().all(|c| c.len() <= config.max_chunk + 1e-9), "{chunks:?}");
        assert!((chunks[0].end - 25.0).abs() < 0.02, "{chunks:?}");
        assert!(chunks.windows(2).all(|p| p[0].end <= p[1].start + 1e-9), "{chunks:?}");
        assert!(chunks.last().unwrap().end > 69.0);
    }

    #[test]
    fn nearby_regions_share_a_chunk() {
        let config = VadConfig::default();
        let regions = [Span { start: 0.0, end: 5.0 }, Span { start: 6.0, end: 10.0 }, Span { start: 40.0, end: 45.0 }];
        let chunks = plan_chunks(&regions, &[], &config);
        assert_eq!(chunks, vec![Span { start: 0.0, end: 10.0 }, Span { start: 40.0, end: 45.0 }]);
    }
}
