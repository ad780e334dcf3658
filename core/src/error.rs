//! The one error type of the `reelkit` crate.
//!
//! Every fallible call returns [`Error`]. Each variant carries enough context
//! to print one clear line for a user, and [`Error::code`] gives a stable
//! machine-readable code that the bindings and the server expose unchanged.

use std::path::PathBuf;

/// Result alias used across the crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong inside reelkit.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The input does not exist.
    #[error("{path}: no such file")]
    NotFound { path: PathBuf },
    /// The input is not something FFmpeg can open as media.
    #[error("{path}: not a media file or an unsupported format ({reason})")]
    NotMedia { path: PathBuf, reason: String },
    /// The input opened but has no stream of the kind the stage needs.
    #[error("{path}: no {kind} stream")]
    MissingStream { path: PathBuf, kind: &'static str },
    /// The media is damaged (truncated, corrupt packets, zero duration...).
    #[error("{path}: corrupt or truncated media ({reason})")]
    CorruptMedia { path: PathBuf, reason: String },
    /// A decoder failed.
    #[error("decoding failed: {0}")]
    Decode(String),
    /// An encoder or muxer failed.
    #[error("encoding failed: {0}")]
    Encode(String),
    /// A caller-supplied parameter is out of range or inconsistent.
    #[error("invalid parameter `{name}`: {reason}")]
    InvalidParameter { name: &'static str, reason: String },
    /// A subtitle file is malformed; `line` is 1-based.
    #[error("{path}:{line}: {reason}")]
    SubtitleParse { path: String, line: usize, reason: String },
    /// A model file is missing or could not be provisioned.
    #[error(transparent)]
    Model(#[from] reelkit_models::Error),
    /// The speech recogniser failed.
    #[error("speech recognition failed: {0}")]
    Asr(String),
    /// A font could not be loaded or lacks what the renderer needs.
    #[error("font error: {0}")]
    Font(String),
    /// The requested compute device is not available in this build or machine.
    #[error("device unavailable: {0}")]
    DeviceUnavailable(String),
    /// Speech synthesis failed (voice model, ONNX Runtime or espeak-ng).
    #[error("speech synthesis failed: {0}")]
    Tts(String),
    /// The work was cancelled through a [`crate::CancelToken`].
    #[error("cancelled")]
    Cancelled,
    /// A source URL could not be fetched: an HTTP error status, a refused
    /// connection, an unknown host, or a downloader that gave up.
    #[error("{url}: download failed ({reason})")]
    Download { url: String, reason: String },
    /// A network transfer or an external tool did not finish in time.
    #[error("{what}: timed out after {seconds} s")]
    Timeout { what: String, seconds: f64 },
    /// Media broke a rule of the caller's validation policy; `rule` names
    /// the policy field (`max_bytes`, `max_duration`, `allowed_containers`...).
    #[error("{path}: rejected by policy rule `{rule}`: {detail}")]
    PolicyViolation { path: PathBuf, rule: &'static str, detail: String },
    /// An external program reelkit drives (yt-dlp) is missing or failed.
    #[error("{tool}: {reason}")]
    Tool { tool: &'static str, reason: String },
}

impl Error {
    /// A stable, machine-readable code for this error.
    pub fn code(&self) -> &'static str {
        match self {
            Error::Io { .. } => "io",
            Error::NotFound { .. } => "not_found",
            Error::NotMedia { .. } => "not_media",
            Error::MissingStream { .. } => "missing_stream",
            Error::CorruptMedia { .. } => "corrupt_media",
            Error::Decode(_) => "decode",
            Error::Encode(_) => "encode",
            Error::InvalidParameter { .. } => "invalid_parameter",
            Error::SubtitleParse { .. } => "subtitle_parse",
            Error::Model(e) => e.code(),
            Error::Asr(_) => "asr",
            Error::Font(_) => "font",
            Error::DeviceUnavailable(_) => "device_unavailable",
            Error::Tts(_) => "tts",
            Error::Cancelled => "cancelled",
            Error::Download { .. } => "download_failed",
            Error::Timeout { .. } => "timeout",
            Error::PolicyViolation { .. } => "policy_violation",
            Error::Tool { .. } => "tool_failed",
        }
    }

    /// Whether the error was caused by the caller's input (as opposed to the
    /// environment or an internal failure). Servers map this to 4xx.
    pub fn is_input_error(&self) -> bool {
        matches!(
            self,
            Error::NotFound { .. }
                | Error::NotMedia { .. }
                | Error::MissingStream { .. }
                | Error::CorruptMedia { .. }
                | Error::InvalidParameter { .. }
                | Error::SubtitleParse { .. }
                | Error::Download { .. }
                | Error::PolicyViolation { .. }
        )
    }

    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        let path = path.into();
        if source.kind() == std::io::ErrorKind::NotFound {
            Error::NotFound { path }
        } else {
            Error::Io { path, source }
        }
    }

    pub(crate) fn invalid(name: &'static str, reason: impl Into<String>) -> Self {
        Error::InvalidParameter { name, reason: reason.into() }
    }
}
