//! Clip picking: candidate windows bounded by sentences, scored by audio
//! energy, scene changes and speech density, each signal kept in the result
//! so every pick can be explained.

mod energy;

pub use energy::{EnergyTrack, SILENCE_DB};

use serde::{Deserialize, Serialize};

use crate::asr::{join_words, Sentence, Transcript, Word};
use crate::error::{Error, Result};
use crate::scenes::SceneList;

/// How much each signal counts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct SignalWeights {
    pub energy: f64,
    pub scene_changes: f64,
    pub speech_density: f64,
}

impl Default for SignalWeights {
    fn default() -> Self {
        Self { energy: 1.0, scene_changes: 0.5, speech_density: 1.0 }
    }
}

/// Clip picking settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct ClipConfig {
    /// How many clips to return (default 3).
    pub top: usize,
    /// Target duration range in seconds (default 15–60). When the speech is
    /// too short for the minimum, the longest possible clips are offered.
    pub min_duration: f64,
    pub max_duration: f64,
    /// Pause (seconds) that ends a sentence without punctuation (default 1.2).
    pub sentence_pause: f64,
    /// Silence kept before the first and after the last word (default 0.15 / 0.35 s).
    pub lead_in: f64,
    pub tail: f64,
    pub weights: SignalWeights,
}

impl Default for ClipConfig {
    fn default() -> Self {
        Self {
            top: 3,
            min_duration: 15.0,
            max_duration: 60.0,
            sentence_pause: 1.2,
            lead_in: 0.15,
            tail: 0.35,
            weights: SignalWeights::default(),
        }
    }
}

impl ClipConfig {
    pub fn top(mut self, n: usize) -> Self {
        self.top = n;
        self
    }
    pub fn duration(mut self, min: f64, max: f64) -> Self {
        self.min_duration = min;
        self.max_duration = max;
        self
    }
    pub fn weights(mut self, weights: SignalWeights) -> Self {
        self.weights = weights;
        self
    }

    pub fn validate(&self) -> Result<()> {
        if !(1..=1000).contains(&self.top) {
            return Err(Error::invalid("top", format!("{} (expected 1..=1000)", self.top)));
        }
        if !(self.min_duration.is_finite() && self.min_duration >= 0.0) {
            return Err(Error::invalid("min_duration", format!("{} (expected >= 0)", self.min_duration)));
        }
        if !(self.max_duration.is_finite() && self.max_duration >= 1.0 && self.max_duration >= self.min_duration && self.max_duration <= 3600.0) {
            return Err(Error::invalid(
                "max_duration",
                format!("{} (expected 1..=3600 and >= min_duration {})", self.max_duration, self.min_duration),
            ));
        }
        for (name, w) in [
            ("weights.energy", self.weights.energy),
            ("weights.scene_changes", self.weights.scene_changes),
            ("weights.speech_density", self.weights.speech_density),
        ] {
            if !(w.is_finite() && w >= 0.0) {
                return Err(Error::invalid(name, format!("{w} (expected >= 0)")));
            }
        }
        if self.weights.energy + self.weights.scene_changes + self.weights.speech_density <= 0.0 {
            return Err(Error::invalid("weights", "at least one weight must be > 0"));
        }
        Ok(())
    }
}

/// Each signal of a candidate, normalised to 0..1 across all candidates,
/// plus the raw measurement it came from.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SignalScores {
    pub energy: f64,
    pub scene_changes: f64,
    pub speech_density: f64,
    /// Mean loudness of the clip minus the file's mean, in dB.
    pub energy_db: f64,
    /// Scene cuts inside the clip.
    pub cuts: usize,
    /// Words per second.
    pub words_per_second: f64,
}

/// A picked clip.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ClipCandidate {
    pub start: f64,
    pub end: f64,
    /// Weighted sum of the normalised signals, divided by the weight total (0..1).
    pub score: f64,
    pub signals: SignalScores,
    pub text: String,
    /// One line saying why this clip ranks where it does.
    pub reason: String,
}

impl ClipCandidate {
    pub fn duration(&self) -> f64 {
        self.end - self.start
    }
}

/// Everything the ranking looks at.
#[derive(Debug, Clone, Copy)]
pub struct Signals<'a> {
    pub transcript: &'a Transcript,
    pub energy: &'a EnergyTrack,
    /// `None` when the input has no video.
    pub scenes: Option<&'a SceneList>,
    /// Media duration in seconds.
    pub duration: f64,
}

/// Rank sentence-bounded windows and return the best non-overlapping ones,
/// best first.
pub fn find_clips(signals: Signals<'_>, config: &ClipConfig) -> Result<Vec<ClipCandidate>> {
    config.validate()?;
    let words = signals.transcript.words();
    let sentences = signals.transcript.sentences(config.sentence_pause);
    if sentences.is_empty() {
        return Ok(Vec::new());
    }
    let windows = candidate_windows(&sentences, &words, signals.duration, config);
    if windows.is_empty() {
        return Ok(Vec::new());
    }
    let overall_db = signals.energy.overall_db();
    let raw: Vec<SignalScores> = windows
        .iter()
        .map(|w| {
            let span = (w.end - w.start).max(0.1);
            let n_words = w.last_word + 1 - w.first_word;
            let cuts = signals
                .scenes
                .map(|s| s.cuts().iter().filter(|c| **c > w.start && **c < w.end).count())
                .unwrap_or(0);
            SignalScores {
                energy_db: f64::from(signals.energy.mean_db(w.start, w.end) - overall_db),
                cuts,
                words_per_second: n_words as f64 / span,
                ..SignalScores::default()
            }
        })
        .collect();
    let norm = |values: Vec<f64>| -> Vec<f64> {
        let (lo, hi) = values.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| (lo.min(*v), hi.max(*v)));
        values.iter().map(|v| if hi - lo > 1e-9 { (v - lo) / (hi - lo) } else { 0.5 }).collect()
    };
    let energy = norm(raw.iter().map(|r| r.energy_db).collect());
    let cuts_per_min = norm(raw.iter().zip(&windows).map(|(r, w)| r.cuts as f64 * 60.0 / (w.end - w.start).max(1.0)).collect());
    let density = norm(raw.iter().map(|r| r.words_per_second).collect());
    let wsum = config.weights.energy + config.weights.scene_changes + config.weights.speech_density;

    let mut scored: Vec<ClipCandidate> = windows
        .iter()
        .enumerate()
        .map(|(i, w)| {
            let signals_i = SignalScores { energy: energy[i], scene_changes: cuts_per_min[i], speech_density: density[i], ..raw[i].clone() };
            let score = (config.weights.energy * energy[i]
                + config.weights.scene_changes * cuts_per_min[i]
                + config.weights.speech_density * density[i])
                / wsum;
            ClipCandidate {
                start: w.start,
                end: w.end,
                score,
                reason: explain(&signals_i, signals.scenes.is_some()),
                signals: signals_i,
                text: join_words(words[w.first_word..=w.last_word].iter().map(|w| w.word.as_str())),
            }
        })
        .collect();
    scored.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.start.total_cmp(&b.start)));

    let mut picked: Vec<ClipCandidate> = Vec::new();
    for c in scored {
        if picked.len() == config.top {
            break;
        }
        if picked.iter().all(|p| c.end <= p.start || c.start >= p.end) {
            picked.push(c);
        }
    }
    Ok(picked)
}

/// A window of whole sentences, already padded into the surrounding silence.
#[derive(Debug, Clone)]
struct Window {
    start: f64,
    end: f64,
    first_word: usize,
    last_word: usize,
}

fn candidate_windows(sentences: &[Sentence], words: &[Word], duration: f64, config: &ClipConfig) -> Vec<Window> {
    let bounds = |first: &Sentence, last: &Sentence| -> (f64, f64) {
        let prev_end = first.first_word.checked_sub(1).map(|i| words[i].end).unwrap_or(0.0);
        let next_start = words.get(last.last_word + 1).map(|w| w.start).unwrap_or(f64::INFINITY);
        let start = (first.start - config.lead_in).max(prev_end).max(0.0);
        let mut end = (last.end + config.tail).min(next_start);
        if duration > 0.0 {
            end = end.min(duration);
        }
        (start, end.max(start))
    };
    let collect = |min: f64| -> Vec<Window> {
        let mut out = Vec::new();
        for i in 0..sentences.len() {
            for j in i..sentences.len() {
                let (start, end) = bounds(&sentences[i], &sentences[j]);
                let len = end - start;
                if len > config.max_duration {
                    break;
                }
                if len >= min {
                    out.push(Window { start, end, first_word: sentences[i].first_word, last_word: sentences[j].last_word });
                }
            }
        }
        out
    };
    let windows = collect(config.min_duration);
    if !windows.is_empty() {
        return windows;
    }
    // The speech is shorter than the minimum: offer the longest spans there are.
    let longest = collect(0.0).iter().map(|w| w.end - w.start).fold(0.0f64, f64::max);
    collect(longest * 0.6)
}

fn explain(s: &SignalScores, has_video: bool) -> String {
    let mut parts = Vec::new();
    parts.push(format!("{:.1} words/s", s.words_per_second));
    parts.push(if s.energy_db >= 0.0 {
        format!("{:.1} dB louder than average", s.energy_db)
    } else {
        format!("{:.1} dB quieter than average", -s.energy_db)
    });
    if has_video {
        parts.push(match s.cuts {
            0 => "no scene cut".to_owned(),
            1 => "1 scene cut".to_owned(),
            n => format!("{n} scene cuts"),
        });
    }
    let strongest = [("energy", s.energy), ("pace", s.speech_density), ("visual change", s.scene_changes)]
        .into_iter()
        .filter(|(name, _)| has_video || *name != "visual change")
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(name, _)| name)
        .unwrap_or("pace");
    format!("strongest on {strongest}: {}", parts.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::asr::Segment;

    fn transcript(sentences: &[(&str, f64, f64)]) -> Transcript {
        let mut segments = Vec::new();
        for (text, start, end) in sentences {
            let ws: Vec<&str> = text.split_whitespace().collect();
            let step = (end - start) / ws.len() as f64;
            let words = ws
                .iter()
                .enumerate()
                .map(|(i, w)| Word::new(*w, start + i as f64 * step, start + (i as f64 + 0.9) * step, 0.9))
                .collect();
            segments.push(Segment { start: *start, end: *end, text: (*text).into(), words });
        }
        Transcript { language: "en".into(), duration: 120.0, segments }
    }

    fn energy_with_loud_span(loud: (f64, f64)) -> EnergyTrack {
        let db = (0..1200).map(|i| { let t = i as f64 * 0.1; if t >= loud.0 && t < loud.1 { -10.0 } else { -30.0 } }).collect();
        EnergyTrack { hop: 0.1, db }
    }

    #[test]
    fn picks_the_loud_dense_span_and_explains_it() {
        let t = transcript(&[
            ("One slow sentence here.", 0.0, 10.0),
            ("Another slow one.", 12.0, 24.0),
            ("Now we talk fast with many many words in this exciting part.", 40.0, 46.0),
            ("And it keeps going with even more words right here now.", 46.5, 52.0),
            ("Quiet again.", 80.0, 95.0),
        ]);
        let energy = energy_with_loud_span((40.0, 52.0));
        let clips = find_clips(
            Signals { transcript: &t, energy: &energy, scenes: None, duration: 120.0 },
            &ClipConfig::default().top(2).duration(5.0, 30.0),
        )
        .unwrap();
        assert!(!clips.is_empty());
        let best = &clips[0];
        assert!(best.start >= 39.0 && best.end <= 53.0, "{best:?}");
        assert!(best.text.starts_with("Now we talk fast"));
        assert!(best.reason.contains("words/s"));
        assert!(best.signals.energy_db > 5.0);
        assert!(clips.windows(2).all(|p| p[0].score >= p[1].score));
        assert!(clips.windows(2).all(|p| p[0].end <= p[1].start || p[1].end <= p[0].start));
    }

    #[test]
    fn short_speech_still_yields_a_clip() {
        let t = transcript(&[("Ask not what your country can do for you.", 1.0, 4.0), ("Ask what you can do.", 4.5, 7.0)]);
        let energy = energy_with_loud_span((0.0, 8.0));
        let clips = find_clips(Signals { transcript: &t, energy: &energy, scenes: None, duration: 8.0 }, &ClipConfig::default()).unwrap();
        assert_eq!(clips.len(), 1);
        assert!(clips[0].start <= 1.0 && clips[0].end >= 7.0, "{:?}", clips[0]);
    }

    #[test]
    fn empty_transcript_gives_no_clips_and_bad_config_errors() {
        let t = Transcript::default();
        let energy = EnergyTrack::default();
        let s = Signals { transcript: &t, energy: &energy, scenes: None, duration: 0.0 };
        assert!(find_clips(s, &ClipConfig::default()).unwrap().is_empty());
        assert!(find_clips(s, &ClipConfig::default().top(0)).is_err());
        assert!(find_clips(s, &ClipConfig::default().duration(30.0, 10.0)).is_err());
    }
}
