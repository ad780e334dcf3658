//! [`JobReport`]: what a job did, tagged with its kind.

use serde::{Deserialize, Serialize};

use crate::asr::Transcript;
use crate::audio::DubReport;
use crate::ingest::IngestReport;
use crate::media::MediaInfo;
use crate::pipeline::ClipsReport;
use crate::reframe::ReframeReport;
use crate::retell::RetellReport;
use crate::scenes::SceneList;
use crate::subtitle::{BurnReport, TranscriptFormat};
use crate::transcode::TranscodeReport;
use crate::tts::SynthesisSummary;

/// The result of [`Engine::run`](crate::Engine::run): JSON
/// `{"kind": "clips", ...the kind's report...}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum JobReport {
    Probe(MediaInfo),
    Ingest(IngestReport),
    Transcode(TranscodeReport),
    Transcribe(TranscriptReport),
    Align(TranscriptReport),
    Scenes(ScenesReport),
    Clips(ClipsReport),
    Reframe(ReframeReport),
    Burn(BurnReport),
    Tts(TtsReport),
    Dub(DubReport),
    Retell(RetellReport),
}

impl JobReport {
    pub fn kind(&self) -> super::JobKind {
        use super::JobKind as K;
        match self {
            JobReport::Probe(_) => K::Probe,
            JobReport::Ingest(_) => K::Ingest,
            JobReport::Transcode(_) => K::Transcode,
            JobReport::Transcribe(_) => K::Transcribe,
            JobReport::Align(_) => K::Align,
            JobReport::Scenes(_) => K::Scenes,
            JobReport::Clips(_) => K::Clips,
            JobReport::Reframe(_) => K::Reframe,
            JobReport::Burn(_) => K::Burn,
            JobReport::Tts(_) => K::Tts,
            JobReport::Dub(_) => K::Dub,
            JobReport::Retell(_) => K::Retell,
        }
    }

    /// The report as JSON.
    pub fn to_value(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or(serde_json::Value::Null)
    }
}

/// What `transcribe` and `align` produced.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct TranscriptReport {
    pub transcript: Transcript,
    /// The file written, if any.
    pub output: Option<String>,
    /// The format it was written in.
    pub format: TranscriptFormat,
}

/// What `scenes` produced.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ScenesReport {
    #[serde(flatten)]
    pub scenes: SceneList,
    /// The file written, if any.
    pub output: Option<String>,
}

/// What `tts` produced.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct TtsReport {
    /// The WAV file written.
    pub output: String,
    #[serde(flatten)]
    pub summary: SynthesisSummary,
}
