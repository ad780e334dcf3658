//! The kinds of job: one per stage that can run alone.

use serde::{Deserialize, Serialize};

/// Which stage a [`JobSpec`](super::JobSpec) runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum JobKind {
    /// Container, streams and codecs of a media file.
    Probe,
    /// A file or URL brought in: downloaded, validated, fingerprinted, stored.
    Ingest,
    /// HLS ladder, proxy, thumbnails, sprites, waveform from one decode.
    Transcode,
    /// Speech to a transcript with every word timed.
    Transcribe,
    /// An edited transcript re-timed against the audio.
    Align,
    /// Scene cuts, fades and dissolves.
    Scenes,
    /// The best clips, ranked, explained and exported with captions.
    Clips,
    /// A video reframed to another shape, following faces and the speaker.
    Reframe,
    /// Styled subtitles burned into a video.
    Burn,
    /// Text spoken into a WAV file.
    Tts,
    /// A narration script spoken over a video, ducked and mixed.
    Dub,
    /// A short recap of a long video: chapters, a narration, the best shots under it.
    Retell,
}

impl JobKind {
    /// Every kind, in pipeline order.
    pub const ALL: &'static [JobKind] = &[
        JobKind::Probe,
        JobKind::Ingest,
        JobKind::Transcode,
        JobKind::Transcribe,
        JobKind::Align,
        JobKind::Scenes,
        JobKind::Clips,
        JobKind::Reframe,
        JobKind::Burn,
        JobKind::Tts,
        JobKind::Dub,
        JobKind::Retell,
    ];

    /// The kind's name in specs and reports (`clips`, `transcribe`...).
    pub fn as_str(self) -> &'static str {
        match self {
            JobKind::Probe => "probe",
            JobKind::Ingest => "ingest",
            JobKind::Transcode => "transcode",
            JobKind::Transcribe => "transcribe",
            JobKind::Align => "align",
            JobKind::Scenes => "scenes",
            JobKind::Clips => "clips",
            JobKind::Reframe => "reframe",
            JobKind::Burn => "burn",
            JobKind::Tts => "tts",
            JobKind::Dub => "dub",
            JobKind::Retell => "retell",
        }
    }

    /// Whether a spec of this kind must name an input.
    pub fn needs_input(self) -> bool {
        !matches!(self, JobKind::Tts)
    }

    /// Whether a spec of this kind must name an output.
    pub fn needs_output(self) -> bool {
        matches!(self, JobKind::Clips | JobKind::Reframe | JobKind::Burn | JobKind::Tts | JobKind::Dub | JobKind::Retell)
    }
}

impl std::fmt::Display for JobKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for JobKind {
    type Err = crate::Error;
    fn from_str(s: &str) -> crate::Result<Self> {
        JobKind::ALL.iter().copied().find(|k| k.as_str() == s).ok_or_else(|| {
            crate::Error::invalid_config(
                "kind",
                format!("unknown job kind `{s}`"),
                JobKind::ALL.iter().map(|k| k.as_str().to_owned()).collect(),
            )
        })
    }
}
