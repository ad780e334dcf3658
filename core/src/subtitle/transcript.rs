//! A transcript rendered as a file: reelkit's JSON, SRT, WebVTT or an ASS
//! karaoke script — the same text whichever face asks for it.

use serde::{Deserialize, Serialize};

use super::cues::{build_cues, CueConfig};
use super::presets::{karaoke_script, Preset, PresetName};
use super::write::{write_srt, write_vtt};
use crate::asr::Transcript;
use crate::error::{Error, Result};

/// The file formats a transcript can be written as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum TranscriptFormat {
    /// reelkit's transcript JSON (segments and timed words).
    #[default]
    Json,
    Srt,
    Vtt,
    /// An ASS script with karaoke timing (the `karaoke` preset, 1920x1080).
    Ass,
}

impl TranscriptFormat {
    /// The format a file name asks for (`.json`, `.srt`, `.vtt`, `.ass`).
    pub fn from_path(path: &std::path::Path) -> Option<Self> {
        match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
            "json" => Some(Self::Json),
            "srt" => Some(Self::Srt),
            "vtt" => Some(Self::Vtt),
            "ass" | "ssa" => Some(Self::Ass),
            _ => None,
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Self::Json => "json",
            Self::Srt => "srt",
            Self::Vtt => "vtt",
            Self::Ass => "ass",
        }
    }
}

impl std::str::FromStr for TranscriptFormat {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "json" => Ok(Self::Json),
            "srt" => Ok(Self::Srt),
            "vtt" => Ok(Self::Vtt),
            "ass" => Ok(Self::Ass),
            other => Err(Error::invalid("format", format!("`{other}` (expected json, srt, vtt or ass)"))),
        }
    }
}

/// `transcript` as the text of a `format` file, cues laid out by `cues`.
pub fn render_transcript(transcript: &Transcript, format: TranscriptFormat, cues: &CueConfig) -> Result<String> {
    Ok(match format {
        TranscriptFormat::Json => {
            serde_json::to_string_pretty(transcript).map_err(|e| Error::internal(e.to_string()))? + "\n"
        }
        TranscriptFormat::Srt => write_srt(&build_cues(&transcript.words(), cues)?),
        TranscriptFormat::Vtt => write_vtt(&build_cues(&transcript.words(), cues)?),
        TranscriptFormat::Ass => {
            let preset = Preset::named(PresetName::Karaoke);
            karaoke_script(&build_cues(&transcript.words(), cues)?, &preset, 1920, 1080)?.to_string()
        }
    })
}
