//! Clip discovery: candidate windows of whole sentences, snapped into
//! silence and onto scene cuts, scored on explainable signals — loudness,
//! laughter/applause-like bursts, pace, scene changes and motion, hook and
//! payoff cues, one self-contained topic (sentence embeddings), similarity to
//! a query — each kept with its raw measure and a one-line reason.
//!
//! [`find_clips`] ranks from signals already measured (pure, no models);
//! [`discover`] measures them for a media file and then ranks.

mod audio;
mod candidates;
mod discover;
mod energy;
mod hooks;
pub mod llm;
mod rank;
mod reason;
mod timeline;
mod topics;

pub use audio::{AudioFeatures, FeatureMeter};
pub use candidates::{candidate_windows, inside_a_word, SnapTargets, Window};
pub use discover::{discover, Discovery};
pub use energy::{EnergyTrack, SILENCE_DB};
pub use hooks::{ending_score, hook_cues, hook_score, HookCue};
pub use llm::LlmConfig;
pub use timeline::{picks_timeline, write_timelines};
pub use topics::{coherence, TopicMap};

use serde::{Deserialize, Serialize};

use crate::asr::Transcript;
use crate::embed::Embedding;
use crate::error::{Error, Result};
use crate::scenes::SceneList;

/// How much each signal counts. A signal that cannot be measured for an
/// input (no video, no query, no embeddings, no LLM) drops out of the sum.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct SignalWeights {
    /// Mean level above the talk's mean.
    pub energy: f64,
    /// Scene cuts per minute.
    pub scene_changes: f64,
    /// Words per second.
    pub speech_density: f64,
    /// Peak EBU R128 short-term loudness above the talk's typical loudness.
    pub loudness_peaks: f64,
    /// Laughter/applause-like bursts (broadband, no speech).
    pub bursts: f64,
    /// Mean frame-to-frame visual change.
    pub motion: f64,
    /// Spread of the pace between the clip's sentences.
    pub pace_change: f64,
    /// Share of the clip that is speech (no dead air).
    pub speech_coverage: f64,
    /// Hook cues in the opening sentence.
    pub hook: f64,
    /// A resolved ending: the question answered, a conclusion.
    pub payoff: f64,
    /// One self-contained topic, coherent inside.
    pub topic: f64,
    /// Similarity to `query` (only with a query).
    pub query: f64,
    /// The LLM's rating (only with `llm`).
    pub llm: f64,
}

impl Default for SignalWeights {
    fn default() -> Self {
        Self {
            energy: 1.0,
            scene_changes: 0.5,
            speech_density: 1.0,
            loudness_peaks: 1.0,
            bursts: 1.0,
            motion: 0.25,
            pace_change: 0.5,
            speech_coverage: 0.5,
            hook: 1.5,
            payoff: 1.0,
            topic: 1.0,
            query: 8.0,
            llm: 3.0,
        }
    }
}

impl SignalWeights {
    /// Every weight with its field name.
    pub fn named(&self) -> [(&'static str, f64); 13] {
        [
            ("weights.energy", self.energy),
            ("weights.scene_changes", self.scene_changes),
            ("weights.speech_density", self.speech_density),
            ("weights.loudness_peaks", self.loudness_peaks),
            ("weights.bursts", self.bursts),
            ("weights.motion", self.motion),
            ("weights.pace_change", self.pace_change),
            ("weights.speech_coverage", self.speech_coverage),
            ("weights.hook", self.hook),
            ("weights.payoff", self.payoff),
            ("weights.topic", self.topic),
            ("weights.query", self.query),
            ("weights.llm", self.llm),
        ]
    }
}

/// Where candidate edges may move.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct SnapConfig {
    /// Farthest an edge moves from the first/last word into silence (default 0.4 s).
    pub max_pad: f64,
    /// Farthest a scene cut may be from the silence point to be taken (default 0.5 s).
    pub cut_window: f64,
    /// How far an edge may reach into a word's time span (default 0.05 s).
    pub word_slack: f64,
}

impl Default for SnapConfig {
    fn default() -> Self {
        Self { max_pad: 0.4, cut_window: 0.5, word_slack: 0.05 }
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
    /// Preferred silence before the first and after the last word (default 0.15 / 0.35 s).
    pub lead_in: f64,
    pub tail: f64,
    pub weights: SignalWeights,
    /// Rank by similarity to this text ("the part about pricing"); paraphrases match.
    pub query: Option<String>,
    /// Use sentence embeddings (topics, coherence, answers, query) (default true).
    pub semantic: bool,
    pub snap: SnapConfig,
    /// Optional re-ranking by an LLM behind an OpenAI-compatible endpoint (off by default).
    pub llm: Option<LlmConfig>,
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
            query: None,
            semantic: true,
            snap: SnapConfig::default(),
            llm: None,
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
    pub fn query(mut self, query: impl Into<String>) -> Self {
        self.query = Some(query.into());
        self
    }
    pub fn llm(mut self, llm: LlmConfig) -> Self {
        self.llm = Some(llm);
        self
    }

    /// The query, when one is set and not blank.
    pub fn query_text(&self) -> Option<&str> {
        self.query.as_deref().map(str::trim).filter(|q| !q.is_empty())
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
        for (name, v, max) in [
            ("sentence_pause", self.sentence_pause, 30.0),
            ("lead_in", self.lead_in, 5.0),
            ("tail", self.tail, 5.0),
            ("snap.max_pad", self.snap.max_pad, 5.0),
            ("snap.cut_window", self.snap.cut_window, 5.0),
            ("snap.word_slack", self.snap.word_slack, 0.5),
        ] {
            if !(v.is_finite() && (0.0..=max).contains(&v)) {
                return Err(Error::invalid(name, format!("{v} (expected 0..={max})")));
            }
        }
        for (name, w) in self.weights.named() {
            if !(w.is_finite() && (0.0..=1000.0).contains(&w)) {
                return Err(Error::invalid(name, format!("{w} (expected 0..=1000)")));
            }
        }
        if self.weights.named().iter().map(|(_, w)| w).sum::<f64>() <= 0.0 {
            return Err(Error::invalid("weights", "at least one weight must be > 0"));
        }
        if let Some(q) = &self.query {
            if q.chars().count() > 2000 {
                return Err(Error::invalid("query", format!("{} characters (expected at most 2000)", q.chars().count())));
            }
        }
        if let Some(llm) = &self.llm {
            llm.validate()?;
        }
        Ok(())
    }
}

/// Each signal of a candidate, normalised to 0..1 (across all candidates
/// for the measured ones; absolute for cues), plus the raw measurement it
/// came from. Signals that could not be measured read 0 with a `None` raw.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
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

    pub loudness_peaks: f64,
    /// Loudest EBU R128 short-term loudness in the clip minus the talk's typical short-term loudness, in LU.
    pub peak_lu: Option<f64>,
    pub bursts: f64,
    /// Seconds of laughter/applause-like sound (broadband, no words) in the clip or in the 2 s after it (the reaction to its punchline).
    pub burst_seconds: Option<f64>,
    /// When the first such burst starts (media seconds).
    pub burst_at: Option<f64>,
    pub motion: f64,
    /// Mean HSV content change between frames (0..255).
    pub motion_mean: Option<f64>,
    pub pace_change: f64,
    /// Fastest minus slowest sentence, in words per second.
    pub pace_range_wps: f64,
    pub speech_coverage: f64,
    /// Share of the clip's time covered by words (0..1).
    pub speech_ratio: f64,
    pub hook: f64,
    /// What the opening sentence does: `question`, `number`, `strong_claim`, `second_person`, `contrast`.
    pub hook_cues: Vec<HookCue>,
    pub payoff: f64,
    /// When the sentence answering the opening question starts (media seconds).
    pub answer_at: Option<f64>,
    /// How well the last sentence lands (0..1).
    pub ending: f64,
    pub topic: f64,
    /// Topic boundaries inside the clip (TextTiling over sentence embeddings).
    pub topic_boundaries: Option<usize>,
    /// Mean cosine of the clip's sentences to their centroid.
    pub coherence: Option<f64>,
    pub query: f64,
    /// Cosine similarity to the query (half the clip's centroid, half its best sentence).
    pub query_similarity: Option<f64>,
    pub llm: f64,
    /// The LLM's rating (0..1) and its one-line reason.
    pub llm_score: Option<f64>,
    pub llm_reason: Option<String>,
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

/// Sentence embeddings of the transcript and of the query.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Semantics {
    /// One per sentence of `transcript.sentences(config.sentence_pause)`.
    pub sentences: Vec<Embedding>,
    pub query: Option<Embedding>,
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
    /// Level in dBFS per 10 ms frame, for snapping into silence (empty: none).
    pub levels: &'a [f32],
    /// Short-term loudness and burst measures.
    pub audio: Option<&'a AudioFeatures>,
    /// Sentence and query embeddings.
    pub semantics: Option<&'a Semantics>,
}

impl<'a> Signals<'a> {
    /// The signals every input has; the rest start empty.
    pub fn new(transcript: &'a Transcript, energy: &'a EnergyTrack, scenes: Option<&'a SceneList>, duration: f64) -> Self {
        Self { transcript, energy, scenes, duration, levels: &[], audio: None, semantics: None }
    }
}

/// Rank sentence-bounded windows and return the best non-overlapping ones,
/// best first.
pub fn find_clips(signals: Signals<'_>, config: &ClipConfig) -> Result<Vec<ClipCandidate>> {
    config.validate()?;
    rank::rank(signals, config, None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::asr::{Segment, Word};

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
        Transcript { language: "en".into(), duration: 120.0, segments, ..Default::default() }
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
            Signals::new(&t, &energy, None, 120.0),
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
        let clips = find_clips(Signals::new(&t, &energy, None, 8.0), &ClipConfig::default()).unwrap();
        assert_eq!(clips.len(), 1);
        assert!(clips[0].start <= 1.0 && clips[0].end >= 7.0, "{:?}", clips[0]);
    }

    #[test]
    fn empty_transcript_gives_no_clips_and_bad_config_errors() {
        let t = Transcript::default();
        let energy = EnergyTrack::default();
        let s = Signals::new(&t, &energy, None, 0.0);
        assert!(find_clips(s, &ClipConfig::default()).unwrap().is_empty());
        assert!(find_clips(s, &ClipConfig::default().top(0)).is_err());
        assert!(find_clips(s, &ClipConfig::default().duration(30.0, 10.0)).is_err());
    }
}
