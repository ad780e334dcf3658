//! Measuring every signal of a media file and ranking: the audio pass
//! (short-term loudness, bursts), sentence and query embeddings, then
//! [`find_clips`](super::find_clips)'s ranking.

use std::path::Path;

use crate::asr::Transcript;
use crate::embed::SentenceEncoder;
use crate::error::{Error, Result};
use crate::progress::{RunCtl, Stage};
use crate::scenes::SceneList;

use super::{rank, AudioFeatures, ClipCandidate, ClipConfig, EnergyTrack, Semantics, Signals};

/// What is already known about the input when ranking starts.
#[derive(Debug, Clone, Copy)]
pub struct Discovery<'a> {
    pub input: &'a Path,
    pub transcript: &'a Transcript,
    /// Level in dBFS per 10 ms frame (what the transcriber measured on the way).
    pub levels: &'a [f32],
    pub scenes: Option<&'a SceneList>,
    /// Media duration in seconds.
    pub duration: f64,
    /// Needed when `config.semantic` is on.
    pub encoder: Option<&'a SentenceEncoder>,
}

/// Measure the remaining signals of `d.input` and rank its clips.
pub fn discover(d: Discovery<'_>, config: &ClipConfig, ctl: &RunCtl) -> Result<Vec<ClipCandidate>> {
    config.validate()?;
    if config.query_text().is_some() && !config.semantic {
        return Err(Error::invalid("query", "ranking by a query needs `semantic` on (sentence embeddings)"));
    }
    let sentences = d.transcript.sentences(config.sentence_pause);
    if sentences.is_empty() {
        return Ok(Vec::new());
    }
    ctl.report(Stage::Signals, 0.0, Some(d.duration), "seconds");
    let audio = AudioFeatures::analyse(d.input, ctl)?;
    let semantics = if config.semantic {
        let encoder = d.encoder.ok_or_else(|| Error::invalid("semantic", "no sentence encoder loaded (run `reelkit models fetch minilm`)"))?;
        let texts: Vec<String> = sentences.iter().map(|s| s.text.clone()).collect();
        let vectors = encoder.embed_all(&texts, ctl)?;
        let query = config.query_text().map(|q| encoder.embed(q)).transpose()?;
        Some(Semantics { sentences: vectors, query })
    } else {
        None
    };
    ctl.check()?;
    let energy = EnergyTrack::from_levels(d.levels, crate::asr::vad::FRAME, 0.1);
    let signals = Signals {
        transcript: d.transcript,
        energy: &energy,
        scenes: d.scenes,
        duration: d.duration,
        levels: d.levels,
        audio: Some(&audio),
        semantics: semantics.as_ref(),
    };
    rank::rank(signals, config, Some(ctl))
}
