//! The one error type of the bindings, filled from the core error.

/// Everything a reelkit call can fail with. Each case carries the one-line
/// `message` the core prints, plus the structured fields of its kind;
/// `code()` gives the same stable code as the core, the CLI and the server.
#[derive(Debug, Clone, PartialEq, thiserror::Error, uniffi::Error)]
pub enum ReelkitError {
    /// The input does not exist.
    #[error("{message}")]
    NotFound { path: String, message: String },
    /// The input is not something FFmpeg can open as media.
    #[error("{message}")]
    NotMedia { path: String, reason: String, message: String },
    /// The media is damaged (truncated, corrupt packets, zero duration...).
    #[error("{message}")]
    CorruptMedia { path: String, reason: String, message: String },
    /// The input has no stream of the kind the call needs (`kind` is
    /// `audio`, `video` or `audio or video`).
    #[error("{message}")]
    MissingStream { path: String, kind: String, message: String },
    /// A caller-supplied parameter is out of range or inconsistent.
    #[error("{message}")]
    InvalidParameter { name: String, reason: String, message: String },
    /// A model file is missing or could not be provisioned; `model_code` is
    /// the model store's code (`model_not_found`, `checksum_mismatch`...),
    /// also returned by `code()`.
    #[error("{message}")]
    Model { model_code: String, message: String },
    /// A decoder failed.
    #[error("{message}")]
    Decode { message: String },
    /// An encoder or muxer failed.
    #[error("{message}")]
    Encode { message: String },
    /// The speech recogniser failed.
    #[error("{message}")]
    Asr { message: String },
    /// A font could not be loaded or lacks what the caption renderer needs.
    #[error("{message}")]
    Font { message: String },
    /// A subtitle file is malformed; `line` is 1-based.
    #[error("{message}")]
    SubtitleParse { path: String, line: u32, reason: String, message: String },
    /// The requested compute device is not available in this build or machine.
    #[error("{message}")]
    DeviceUnavailable { message: String },
    /// Speech synthesis failed (voice model, ONNX Runtime or espeak-ng).
    #[error("{message}")]
    Tts { message: String },
    /// The call was cancelled through its `CancelHandle` (or its future was
    /// dropped).
    #[error("{message}")]
    Cancelled { message: String },
    /// A file could not be read or written.
    #[error("{message}")]
    Io { path: String, message: String },
    /// A failure inside reelkit or these bindings (a bug: please report it).
    #[error("{message}")]
    Internal { message: String },
    /// A URL could not be fetched (HTTP error status, refused connection,
    /// unknown host, a downloader that gave up).
    #[error("{message}")]
    Download { url: String, reason: String, message: String },
    /// A download or an external tool did not finish within `seconds`.
    #[error("{message}")]
    Timeout { what: String, seconds: f64, message: String },
    /// Media broke a rule of the validation policy; `rule` names it
    /// (`max_bytes`, `allowed_containers`, `min_width`...).
    #[error("{message}")]
    PolicyViolation { path: String, rule: String, detail: String, message: String },
    /// An external program reelkit drives (yt-dlp) is missing or failed.
    #[error("{message}")]
    Tool { tool: String, reason: String, message: String },
}

#[uniffi::export]
impl ReelkitError {
    /// A stable, machine-readable code (`not_found`, `not_media`,
    /// `cancelled`...), identical to the core's `Error::code()`.
    pub fn code(&self) -> String {
        match self {
            ReelkitError::NotFound { .. } => "not_found".into(),
            ReelkitError::NotMedia { .. } => "not_media".into(),
            ReelkitError::CorruptMedia { .. } => "corrupt_media".into(),
            ReelkitError::MissingStream { .. } => "missing_stream".into(),
            ReelkitError::InvalidParameter { .. } => "invalid_parameter".into(),
            ReelkitError::Model { model_code, .. } => model_code.clone(),
            ReelkitError::Decode { .. } => "decode".into(),
            ReelkitError::Encode { .. } => "encode".into(),
            ReelkitError::Asr { .. } => "asr".into(),
            ReelkitError::Font { .. } => "font".into(),
            ReelkitError::SubtitleParse { .. } => "subtitle_parse".into(),
            ReelkitError::DeviceUnavailable { .. } => "device_unavailable".into(),
            ReelkitError::Tts { .. } => "tts".into(),
            ReelkitError::Cancelled { .. } => "cancelled".into(),
            ReelkitError::Io { .. } => "io".into(),
            ReelkitError::Internal { .. } => "internal".into(),
            ReelkitError::Download { .. } => "download_failed".into(),
            ReelkitError::Timeout { .. } => "timeout".into(),
            ReelkitError::PolicyViolation { .. } => "policy_violation".into(),
            ReelkitError::Tool { .. } => "tool_failed".into(),
        }
    }

    /// Whether the caller's input caused the error (as opposed to the
    /// environment or a bug), as the server's 4xx/5xx split.
    pub fn is_input_error(&self) -> bool {
        matches!(
            self,
            ReelkitError::NotFound { .. }
                | ReelkitError::NotMedia { .. }
                | ReelkitError::MissingStream { .. }
                | ReelkitError::CorruptMedia { .. }
                | ReelkitError::InvalidParameter { .. }
                | ReelkitError::SubtitleParse { .. }
                | ReelkitError::Download { .. }
                | ReelkitError::PolicyViolation { .. }
        )
    }
}

impl ReelkitError {
    pub(crate) fn internal(message: impl Into<String>) -> Self {
        ReelkitError::Internal { message: message.into() }
    }

    pub(crate) fn invalid(name: &str, reason: impl Into<String>) -> Self {
        let reason = reason.into();
        ReelkitError::InvalidParameter {
            message: format!("invalid parameter `{name}`: {reason}"),
            name: name.to_owned(),
            reason,
        }
    }
}

impl From<reelkit::Error> for ReelkitError {
    fn from(e: reelkit::Error) -> Self {
        use reelkit::Error as E;
        let message = e.to_string();
        match e {
            E::NotFound { path } => ReelkitError::NotFound { path: path.display().to_string(), message },
            E::NotMedia { path, reason } => {
                ReelkitError::NotMedia { path: path.display().to_string(), reason, message }
            }
            E::CorruptMedia { path, reason } => {
                ReelkitError::CorruptMedia { path: path.display().to_string(), reason, message }
            }
            E::MissingStream { path, kind } => {
                ReelkitError::MissingStream { path: path.display().to_string(), kind: kind.to_owned(), message }
            }
            E::InvalidParameter { name, reason } => {
                ReelkitError::InvalidParameter { name: name.to_owned(), reason, message }
            }
            E::Model(inner) => match inner {
                // A cancelled model download is a cancellation like any other.
                reelkit::models::Error::Cancelled => ReelkitError::Cancelled { message },
                inner => ReelkitError::Model { model_code: inner.code().to_owned(), message },
            },
            E::Decode(_) => ReelkitError::Decode { message },
            E::Encode(_) => ReelkitError::Encode { message },
            E::Asr(_) => ReelkitError::Asr { message },
            E::Font(_) => ReelkitError::Font { message },
            E::SubtitleParse { path, line, reason } => {
                ReelkitError::SubtitleParse { path, line: line.min(u32::MAX as usize) as u32, reason, message }
            }
            E::DeviceUnavailable(_) => ReelkitError::DeviceUnavailable { message },
            E::Tts(_) => ReelkitError::Tts { message },
            E::Cancelled => ReelkitError::Cancelled { message },
            E::Io { path, .. } => ReelkitError::Io { path: path.display().to_string(), message },
            E::Download { url, reason } => ReelkitError::Download { url, reason, message },
            E::Timeout { what, seconds } => ReelkitError::Timeout { what, seconds, message },
            E::PolicyViolation { path, rule, detail } => ReelkitError::PolicyViolation {
                path: path.display().to_string(),
                rule: rule.to_owned(),
                detail,
                message,
            },
            E::Tool { tool, reason } => ReelkitError::Tool { tool: tool.to_owned(), reason, message },
            // The core error is `#[non_exhaustive]`: a kind added there shows
            // up here, with its message, until it gets a case of its own.
            _ => ReelkitError::Internal { message },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_match_the_core() {
        let cases = [
            reelkit::Error::NotFound { path: "a.mp4".into() },
            reelkit::Error::NotMedia { path: "a.txt".into(), reason: "x".into() },
            reelkit::Error::CorruptMedia { path: "a.mp4".into(), reason: "x".into() },
            reelkit::Error::MissingStream { path: "a.mp4".into(), kind: "audio" },
            reelkit::Error::InvalidParameter { name: "top", reason: "0".into() },
            reelkit::Error::Decode("x".into()),
            reelkit::Error::Encode("x".into()),
            reelkit::Error::Asr("x".into()),
            reelkit::Error::Font("x".into()),
            reelkit::Error::SubtitleParse { path: "a.srt".into(), line: 3, reason: "x".into() },
            reelkit::Error::DeviceUnavailable("x".into()),
            reelkit::Error::Tts("x".into()),
            reelkit::Error::Cancelled,
            reelkit::Error::Io { path: "a".into(), source: std::io::Error::other("denied") },
            reelkit::Error::Download { url: "http://x/a.mp4".into(), reason: "HTTP 404".into() },
            reelkit::Error::Timeout { what: "http://x/a.mp4".into(), seconds: 30.0 },
            reelkit::Error::PolicyViolation { path: "a.mp4".into(), rule: "max_bytes", detail: "too big".into() },
            reelkit::Error::Tool { tool: "yt-dlp", reason: "not found".into() },
        ];
        for core in cases {
            let (code, message, input) = (core.code(), core.to_string(), core.is_input_error());
            let ffi = ReelkitError::from(core);
            assert_eq!(ffi.code(), code);
            assert_eq!(ffi.to_string(), message);
            assert_eq!(ffi.is_input_error(), input);
        }
    }

    #[test]
    fn structured_fields_survive() {
        let ffi = ReelkitError::from(reelkit::Error::MissingStream { path: "/x/a.mp4".into(), kind: "audio" });
        assert!(matches!(ffi, ReelkitError::MissingStream { ref path, ref kind, .. } if path == "/x/a.mp4" && kind == "audio"));
    }
}
