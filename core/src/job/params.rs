//! Params of the kinds whose stage has no config type of its own. The other
//! kinds take their stage's config as is: `ingest` an
//! [`IngestConfig`](crate::ingest::IngestConfig), `transcode` a
//! [`TranscodeJob`](crate::transcode::TranscodeJob), `scenes` a
//! [`SceneConfig`](crate::scenes::SceneConfig), `clips` a
//! [`ClipsJob`](crate::ClipsJob).

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::asr::AsrConfig;
use crate::audio::DubJob;
use crate::error::Result;
use crate::subtitle::{BurnOptions, CueConfig, TranscriptFormat};
use crate::tts::TtsConfig;

/// `probe` takes no params.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct ProbeParams {}

/// `transcribe`: recogniser settings and, for subtitle output, the cue layout.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct TranscribeParams {
    pub asr: AsrConfig,
    /// Output format; default: from the output's extension, else JSON.
    pub format: Option<TranscriptFormat>,
    /// How words are grouped into subtitle cues (default 42 characters, 2 lines).
    pub cues: CueConfig,
}

impl Default for TranscribeParams {
    fn default() -> Self {
        Self { asr: AsrConfig::default(), format: None, cues: transcript_cues() }
    }
}

impl TranscribeParams {
    pub fn validate(&self) -> Result<()> {
        self.asr.validate().map_err(|e| e.under_field("asr"))?;
        self.cues.validate().map_err(|e| e.under_field("cues"))
    }
}

/// `align`: the corrected text (plain text, or SRT/WebVTT whose cue text is
/// taken) and, optionally, the transcript it corrects (else the input is
/// transcribed first with `asr`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct AlignParams {
    /// The edited text: `.txt`, or `.srt`/`.vtt` (their cue text).
    pub text: PathBuf,
    /// A reelkit transcript JSON of the input (default: transcribe it now).
    pub transcript: Option<PathBuf>,
    pub asr: AsrConfig,
    pub format: Option<TranscriptFormat>,
    pub cues: CueConfig,
    /// Text encoding of the edited text when it has no byte-order mark: a WHATWG
    /// label (`latin1`, `windows-1251`, `shift_jis`, `utf-16le`…). Default:
    /// detected (UTF-16 by its zero bytes, UTF-8 when valid, else windows-1252).
    pub subtitle_encoding: Option<String>,
}

impl Default for AlignParams {
    fn default() -> Self {
        Self {
            text: PathBuf::new(),
            transcript: None,
            asr: AsrConfig::default(),
            format: None,
            cues: transcript_cues(),
            subtitle_encoding: None,
        }
    }
}

impl AlignParams {
    pub fn new(text: impl Into<PathBuf>) -> Self {
        Self { text: text.into(), ..Self::default() }
    }

    pub fn validate(&self) -> Result<()> {
        if self.text.as_os_str().is_empty() {
            return Err(crate::Error::invalid("text", "the edited text file is required"));
        }
        check_encoding(self.subtitle_encoding.as_deref())?;
        self.asr.validate().map_err(|e| e.under_field("asr"))?;
        self.cues.validate().map_err(|e| e.under_field("cues"))
    }
}

/// `burn`: the subtitles to burn (ASS/SSA, or SRT/WebVTT drawn with a
/// preset) and how to encode.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct BurnParams {
    /// The subtitle script.
    pub script: PathBuf,
    /// Caption preset for SRT/WebVTT scripts (default `bold`).
    pub style: Option<crate::subtitle::PresetName>,
    pub options: BurnOptions,
    /// Text encoding of the script when it has no byte-order mark: a WHATWG
    /// label (`latin1`, `windows-1251`, `shift_jis`, `utf-16le`…). Default:
    /// detected (UTF-16 by its zero bytes, UTF-8 when valid, else windows-1252).
    pub subtitle_encoding: Option<String>,
}

impl BurnParams {
    pub fn new(script: impl Into<PathBuf>) -> Self {
        Self { script: script.into(), ..Self::default() }
    }

    pub fn validate(&self) -> Result<()> {
        if self.script.as_os_str().is_empty() {
            return Err(crate::Error::invalid("script", "the subtitle script is required"));
        }
        check_encoding(self.subtitle_encoding.as_deref())?;
        self.options.validate().map_err(|e| e.under_field("options"))
    }
}

/// `tts`: the text (else the input file's text) and the voice settings.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct TtsParams {
    /// Text to speak; default: the text of the input file.
    pub text: Option<String>,
    pub tts: TtsConfig,
}

impl TtsParams {
    pub fn validate(&self) -> Result<()> {
        self.tts.validate().map_err(|e| e.under_field("tts"))
    }
}

/// `dub`: the narration script (SRT, WebVTT or ASS) and the mix settings.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct DubParams {
    pub narration: PathBuf,
    pub dub: DubJob,
    /// Text encoding of the narration script when it has no byte-order mark: a WHATWG
    /// label (`latin1`, `windows-1251`, `shift_jis`, `utf-16le`…). Default:
    /// detected (UTF-16 by its zero bytes, UTF-8 when valid, else windows-1252).
    pub subtitle_encoding: Option<String>,
}

impl DubParams {
    pub fn new(narration: impl Into<PathBuf>) -> Self {
        Self { narration: narration.into(), ..Self::default() }
    }

    pub fn validate(&self) -> Result<()> {
        if self.narration.as_os_str().is_empty() {
            return Err(crate::Error::invalid("narration", "the narration script is required"));
        }
        check_encoding(self.subtitle_encoding.as_deref())?;
        self.dub.validate().map_err(|e| e.under_field("dub"))
    }
}

/// A declared `subtitle_encoding` must be a known label (the error's field
/// becomes `params.subtitle_encoding` under the spec).
fn check_encoding(label: Option<&str>) -> Result<()> {
    match label {
        Some(label) => crate::subtitle::check_encoding_label("subtitle_encoding", label),
        None => Ok(()),
    }
}

/// Transcript subtitles read best a little wider than clip captions.
fn transcript_cues() -> CueConfig {
    CueConfig::default().max_chars_per_line(42).max_lines(2)
}
