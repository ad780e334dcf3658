//! The one error type of the bindings: a Swift `enum ReelkitError: Error`
//! filled from [`reelkit::Error`] by its [`ErrorKind`]. Codes come from
//! the core (`ErrorKind::code`), never from a list kept here.

use reelkit::ErrorKind;

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
    /// A value is out of range or inconsistent; `name` is its dotted path
    /// in the job spec (`params.top`) or the argument's name.
    #[error("{message}")]
    InvalidParameter { name: String, reason: String, message: String },
    /// A spec or options JSON has an unknown key or a value of the wrong
    /// type: `field` is its dotted path (`params.topp`), `accepted` the keys
    /// or values taken there.
    #[error("{message}")]
    InvalidConfig { field: String, reason: String, accepted: Vec<String>, message: String },
    /// A model is missing, unknown, damaged or could not be provisioned;
    /// `model_code` is the core's code (`model_not_found`,
    /// `checksum_mismatch`...), also returned by `code()`.
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
    /// Input is larger than a configured or built-in limit allows.
    #[error("{message}")]
    LimitExceeded { what: String, reason: String, message: String },
    /// An external program reelkit drives (yt-dlp) is missing or failed.
    #[error("{message}")]
    Tool { tool: String, reason: String, message: String },
    /// A kind of error newer than this case list; `code` is its core code.
    #[error("{message}")]
    Other { code: String, message: String },
}

#[uniffi::export]
impl ReelkitError {
    /// A stable, machine-readable code (`not_found`, `invalid_config`,
    /// `cancelled`...), identical to the core's `Error::code()`.
    pub fn code(&self) -> String {
        match self {
            ReelkitError::Model { model_code: code, .. } | ReelkitError::Other { code, .. } => code.clone(),
            other => other.kind().code().to_owned(),
        }
    }

    /// Whether the caller's input caused it (a server answers 4xx).
    pub fn is_input_error(&self) -> bool {
        self.kind().is_input_error()
    }

    /// The HTTP status the reference server answers with for this error.
    pub fn http_status(&self) -> u16 {
        self.kind().http_status()
    }

    /// The config field (dotted path), parameter or policy rule at fault.
    pub fn field(&self) -> Option<String> {
        match self {
            ReelkitError::InvalidConfig { field, .. } => Some(field.clone()),
            ReelkitError::InvalidParameter { name, .. } => Some(name.clone()),
            ReelkitError::PolicyViolation { rule, .. } => Some(rule.clone()),
            _ => None,
        }
    }
}

impl ReelkitError {
    pub(crate) fn internal(message: impl Into<String>) -> Self {
        ReelkitError::Internal { message: message.into() }
    }

    /// The core kind of this case.
    fn kind(&self) -> ErrorKind {
        use ErrorKind as K;
        match self {
            ReelkitError::NotFound { .. } => K::NotFound,
            ReelkitError::NotMedia { .. } => K::NotMedia,
            ReelkitError::CorruptMedia { .. } => K::CorruptMedia,
            ReelkitError::MissingStream { .. } => K::MissingStream,
            ReelkitError::InvalidParameter { .. } => K::InvalidParameter,
            ReelkitError::InvalidConfig { .. } => K::InvalidConfig,
            ReelkitError::Decode { .. } => K::Decode,
            ReelkitError::Encode { .. } => K::Encode,
            ReelkitError::Asr { .. } => K::Asr,
            ReelkitError::Font { .. } => K::Font,
            ReelkitError::SubtitleParse { .. } => K::SubtitleParse,
            ReelkitError::DeviceUnavailable { .. } => K::DeviceUnavailable,
            ReelkitError::Tts { .. } => K::Tts,
            ReelkitError::Cancelled { .. } => K::Cancelled,
            ReelkitError::Io { .. } => K::Io,
            ReelkitError::Internal { .. } => K::Internal,
            ReelkitError::Download { .. } => K::DownloadFailed,
            ReelkitError::Timeout { .. } => K::Timeout,
            ReelkitError::PolicyViolation { .. } => K::PolicyViolation,
            ReelkitError::LimitExceeded { .. } => K::LimitExceeded,
            ReelkitError::Tool { .. } => K::ToolFailed,
            ReelkitError::Model { model_code: code, .. } | ReelkitError::Other { code, .. } => {
                ErrorKind::from_code(code).unwrap_or(K::Internal)
            }
        }
    }
}

impl From<reelkit::Error> for ReelkitError {
    fn from(e: reelkit::Error) -> Self {
        use ErrorKind as K;
        let message = e.to_string();
        let path = e.path().map(|p| p.display().to_string()).or_else(|| e.subject().map(str::to_owned)).unwrap_or_default();
        let subject = e.subject().unwrap_or_default().to_owned();
        let field = e.field().unwrap_or_default().to_owned();
        let reason = e.reason().to_owned();
        match e.kind() {
            K::NotFound => ReelkitError::NotFound { path, message },
            K::NotMedia => ReelkitError::NotMedia { path, reason, message },
            K::CorruptMedia => ReelkitError::CorruptMedia { path, reason, message },
            K::MissingStream => ReelkitError::MissingStream { path, kind: reason, message },
            K::InvalidParameter => ReelkitError::InvalidParameter { name: field, reason, message },
            K::InvalidConfig => ReelkitError::InvalidConfig { field, reason, accepted: e.accepted().to_vec(), message },
            K::SubtitleParse => {
                let line = e.line().map_or(0, |l| u32::try_from(l).unwrap_or(u32::MAX));
                ReelkitError::SubtitleParse { path, line, reason, message }
            }
            K::PolicyViolation => ReelkitError::PolicyViolation { path, rule: field, detail: reason, message },
            K::LimitExceeded => ReelkitError::LimitExceeded { what: subject, reason, message },
            K::DownloadFailed => ReelkitError::Download { url: subject, reason, message },
            // The core words it "timed out after N s".
            K::Timeout => {
                let seconds = reason.split_whitespace().find_map(|w| w.parse().ok()).unwrap_or(0.0);
                ReelkitError::Timeout { what: subject, seconds, message }
            }
            K::ToolFailed => ReelkitError::Tool { tool: subject, reason, message },
            k if k.is_model() => ReelkitError::Model { model_code: e.code().to_owned(), message },
            K::DeviceUnavailable => ReelkitError::DeviceUnavailable { message },
            K::Decode => ReelkitError::Decode { message },
            K::Encode => ReelkitError::Encode { message },
            K::Asr => ReelkitError::Asr { message },
            K::Tts => ReelkitError::Tts { message },
            K::Font => ReelkitError::Font { message },
            K::Io => ReelkitError::Io { path, message },
            K::Cancelled => ReelkitError::Cancelled { message },
            K::Internal => ReelkitError::Internal { message },
            // `ErrorKind` is non-exhaustive: a kind added in core keeps its
            // code here until it gets a case of its own.
            other => ReelkitError::Other { code: other.code().to_owned(), message },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_keeps_its_code_message_and_status() {
        for &kind in ErrorKind::ALL {
            let core = reelkit::Error::new(kind, "why");
            let (message, input, status) = (core.to_string(), core.is_input_error(), core.http_status());
            let ffi = ReelkitError::from(core);
            assert_eq!(ffi.code(), kind.code());
            assert_eq!(ffi.to_string(), message);
            assert_eq!((ffi.is_input_error(), ffi.http_status()), (input, status), "{kind}");
            assert!(!matches!(ffi, ReelkitError::Other { .. }), "{kind} has no case of its own");
        }
    }

    #[test]
    fn structured_fields_survive() {
        let ffi = ReelkitError::from(reelkit::Error::missing_stream("/x/a.mp4", "audio"));
        assert!(matches!(ffi, ReelkitError::MissingStream { ref path, ref kind, .. } if path == "/x/a.mp4" && kind == "audio"));
        let e = reelkit::Error::invalid_config("params.topp", "unknown key `topp`", vec!["top".into()]);
        let ffi = ReelkitError::from(e);
        assert_eq!(ffi.field().as_deref(), Some("params.topp"));
        assert!(matches!(ffi, ReelkitError::InvalidConfig { ref accepted, .. } if accepted == &["top"]));
        let ffi = ReelkitError::from(reelkit::Error::subtitle_parse("a.srt", 3, "bad time"));
        assert!(matches!(ffi, ReelkitError::SubtitleParse { line: 3, ref path, .. } if path == "a.srt"));
        let ffi = ReelkitError::from(reelkit::Error::timeout("http://x/a.mp4", 30.0));
        assert!(matches!(ffi, ReelkitError::Timeout { seconds, ref what, .. } if seconds == 30.0 && what == "http://x/a.mp4"));
    }
}
