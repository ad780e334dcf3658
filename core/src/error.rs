//! The one error type of the `reelkit` crate.
//!
//! Every fallible call returns [`Error`]: a flat [`ErrorKind`] (what went
//! wrong, with a stable [`ErrorKind::code`] and the HTTP status a server gives
//! it), the pipeline [`Stage`] it happened in when known, and its context — the
//! file, URL or tool it concerns, the config field (a dotted path such as
//! `params.top`), a 1-based line for parse errors, the accepted values, and
//! the underlying cause. `Display` is one line for a user; the bindings and
//! the server expose the code unchanged.

use std::fmt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::progress::Stage;

/// Result alias used across the crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What went wrong, as a flat list. Each kind has one stable code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ErrorKind {
    /// A config or job spec has an unknown key or a value of the wrong type.
    InvalidConfig,
    /// A caller-supplied value is out of range or inconsistent.
    InvalidParameter,
    /// The input does not exist.
    NotFound,
    /// The input is not something FFmpeg can open as media (unsupported).
    NotMedia,
    /// The input opened but has no stream of the kind the stage needs.
    MissingStream,
    /// The media is damaged (truncated, corrupt packets, zero duration...).
    CorruptMedia,
    /// A subtitle or narration script is malformed.
    SubtitleParse,
    /// Media broke a rule of the caller's validation policy.
    PolicyViolation,
    /// Input is larger than a configured or built-in limit allows.
    LimitExceeded,
    /// A source URL could not be fetched.
    DownloadFailed,
    /// A network transfer or an external tool did not finish in time.
    Timeout,
    /// A model is known but not provisioned, or a model path does not exist.
    ModelNotFound,
    /// No model has that name and it is not a path either.
    UnknownModel,
    /// A model file is malformed (truncated, bad magic...).
    InvalidModelFile,
    /// A well-formed model reelkit cannot use (other architecture, dtype...).
    UnsupportedModel,
    /// A downloaded model does not have the expected checksum.
    ChecksumMismatch,
    /// The package index has no file the model manifest expects.
    PackageNotFound,
    /// The model manifest is malformed.
    InvalidManifest,
    /// A network request for a model failed before any HTTP status.
    Network,
    /// A model server answered with an error status.
    Http,
    /// The requested compute device is not available in this build or machine.
    DeviceUnavailable,
    /// A decoder failed.
    Decode,
    /// An encoder or muxer failed.
    Encode,
    /// The speech recogniser failed.
    Asr,
    /// Speech synthesis failed (voice model, ONNX Runtime or espeak-ng).
    Tts,
    /// A font could not be loaded or lacks what the renderer needs.
    Font,
    /// An external program reelkit drives (yt-dlp) is missing or failed.
    ToolFailed,
    /// A file could not be read or written.
    Io,
    /// The work was cancelled through a [`crate::CancelToken`].
    Cancelled,
    /// A bug in reelkit (never the caller's fault).
    Internal,
}

impl ErrorKind {
    /// Every kind, in declaration order (for exhaustive tables and tests).
    pub const ALL: &'static [ErrorKind] = &[
        ErrorKind::InvalidConfig,
        ErrorKind::InvalidParameter,
        ErrorKind::NotFound,
        ErrorKind::NotMedia,
        ErrorKind::MissingStream,
        ErrorKind::CorruptMedia,
        ErrorKind::SubtitleParse,
        ErrorKind::PolicyViolation,
        ErrorKind::LimitExceeded,
        ErrorKind::DownloadFailed,
        ErrorKind::Timeout,
        ErrorKind::ModelNotFound,
        ErrorKind::UnknownModel,
        ErrorKind::InvalidModelFile,
        ErrorKind::UnsupportedModel,
        ErrorKind::ChecksumMismatch,
        ErrorKind::PackageNotFound,
        ErrorKind::InvalidManifest,
        ErrorKind::Network,
        ErrorKind::Http,
        ErrorKind::DeviceUnavailable,
        ErrorKind::Decode,
        ErrorKind::Encode,
        ErrorKind::Asr,
        ErrorKind::Tts,
        ErrorKind::Font,
        ErrorKind::ToolFailed,
        ErrorKind::Io,
        ErrorKind::Cancelled,
        ErrorKind::Internal,
    ];

    /// The stable, machine-readable code of this kind.
    pub const fn code(self) -> &'static str {
        match self {
            ErrorKind::InvalidConfig => "invalid_config",
            ErrorKind::InvalidParameter => "invalid_parameter",
            ErrorKind::NotFound => "not_found",
            ErrorKind::NotMedia => "not_media",
            ErrorKind::MissingStream => "missing_stream",
            ErrorKind::CorruptMedia => "corrupt_media",
            ErrorKind::SubtitleParse => "subtitle_parse",
            ErrorKind::PolicyViolation => "policy_violation",
            ErrorKind::LimitExceeded => "limit_exceeded",
            ErrorKind::DownloadFailed => "download_failed",
            ErrorKind::Timeout => "timeout",
            ErrorKind::ModelNotFound => "model_not_found",
            ErrorKind::UnknownModel => "unknown_model",
            ErrorKind::InvalidModelFile => "invalid_model_file",
            ErrorKind::UnsupportedModel => "unsupported_model",
            ErrorKind::ChecksumMismatch => "checksum_mismatch",
            ErrorKind::PackageNotFound => "package_not_found",
            ErrorKind::InvalidManifest => "invalid_manifest",
            ErrorKind::Network => "network",
            ErrorKind::Http => "http",
            ErrorKind::DeviceUnavailable => "device_unavailable",
            ErrorKind::Decode => "decode",
            ErrorKind::Encode => "encode",
            ErrorKind::Asr => "asr",
            ErrorKind::Tts => "tts",
            ErrorKind::Font => "font",
            ErrorKind::ToolFailed => "tool_failed",
            ErrorKind::Io => "io",
            ErrorKind::Cancelled => "cancelled",
            ErrorKind::Internal => "internal",
        }
    }

    /// The kind with this code, if any.
    pub fn from_code(code: &str) -> Option<ErrorKind> {
        ErrorKind::ALL.iter().copied().find(|k| k.code() == code)
    }

    /// The HTTP status a server answers with for this kind: 4xx for what the
    /// caller can fix, 5xx for the environment and for bugs.
    pub const fn http_status(self) -> u16 {
        match self {
            ErrorKind::InvalidConfig | ErrorKind::InvalidParameter => 422,
            ErrorKind::NotFound => 404,
            ErrorKind::NotMedia | ErrorKind::MissingStream | ErrorKind::CorruptMedia | ErrorKind::SubtitleParse => 422,
            ErrorKind::PolicyViolation => 422,
            ErrorKind::LimitExceeded => 413,
            ErrorKind::DownloadFailed => 422,
            ErrorKind::Timeout => 504,
            ErrorKind::UnknownModel => 422,
            ErrorKind::ModelNotFound
            | ErrorKind::InvalidModelFile
            | ErrorKind::UnsupportedModel
            | ErrorKind::ChecksumMismatch
            | ErrorKind::PackageNotFound
            | ErrorKind::InvalidManifest => 503,
            ErrorKind::Network | ErrorKind::Http => 502,
            ErrorKind::DeviceUnavailable => 503,
            ErrorKind::Cancelled => 409,
            ErrorKind::Decode
            | ErrorKind::Encode
            | ErrorKind::Asr
            | ErrorKind::Tts
            | ErrorKind::Font
            | ErrorKind::ToolFailed
            | ErrorKind::Io
            | ErrorKind::Internal => 500,
        }
    }

    /// Whether the kind is about a model: missing, unknown, damaged, or
    /// failing to download (the bindings group these under one model error).
    pub const fn is_model(self) -> bool {
        matches!(
            self,
            ErrorKind::ModelNotFound
                | ErrorKind::UnknownModel
                | ErrorKind::InvalidModelFile
                | ErrorKind::UnsupportedModel
                | ErrorKind::ChecksumMismatch
                | ErrorKind::PackageNotFound
                | ErrorKind::InvalidManifest
                | ErrorKind::Network
                | ErrorKind::Http
        )
    }

    /// Whether the caller's input caused it (a server answers 4xx).
    pub const fn is_input_error(self) -> bool {
        let status = self.http_status();
        status >= 400 && status < 500 && !matches!(self, ErrorKind::Cancelled)
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

type Source = Box<dyn std::error::Error + Send + Sync + 'static>;

/// Everything that can go wrong inside reelkit: a kind plus its context
/// (boxed, so results stay small).
pub struct Error(Box<Repr>);

struct Repr {
    kind: ErrorKind,
    stage: Option<Stage>,
    /// The file, URL, tool or operation the error concerns, as shown.
    subject: Option<String>,
    /// The file the error concerns, when it is one.
    path: Option<PathBuf>,
    /// The config field or parameter (dotted path), or the policy rule.
    field: Option<String>,
    /// 1-based line of a parse error.
    line: Option<usize>,
    /// Accepted keys or values, when the error is a rejected one.
    accepted: Vec<String>,
    /// What went wrong, in words.
    reason: String,
    source: Option<Source>,
}

impl Error {
    /// An error of `kind` saying `reason`.
    pub fn new(kind: ErrorKind, reason: impl Into<String>) -> Self {
        Self(Box::new(Repr {
            kind,
            stage: None,
            subject: None,
            path: None,
            field: None,
            line: None,
            accepted: Vec::new(),
            reason: reason.into(),
            source: None,
        }))
    }

    pub fn kind(&self) -> ErrorKind {
        self.0.kind
    }

    /// The stable, machine-readable code (the kind's).
    pub fn code(&self) -> &'static str {
        self.0.kind.code()
    }

    /// The HTTP status a server answers with.
    pub fn http_status(&self) -> u16 {
        self.0.kind.http_status()
    }

    /// Whether the caller's input caused it (as opposed to the environment
    /// or an internal failure). Servers map this to 4xx.
    pub fn is_input_error(&self) -> bool {
        self.0.kind.is_input_error()
    }

    pub fn is_cancelled(&self) -> bool {
        self.0.kind == ErrorKind::Cancelled
    }

    pub fn stage(&self) -> Option<Stage> {
        self.0.stage
    }

    /// The file the error concerns, when it is one.
    pub fn path(&self) -> Option<&Path> {
        self.0.path.as_deref()
    }

    /// The file, URL, tool or operation the error concerns, as shown.
    pub fn subject(&self) -> Option<&str> {
        self.0.subject.as_deref()
    }

    /// The config field (dotted path) or parameter at fault, or the policy rule.
    pub fn field(&self) -> Option<&str> {
        self.0.field.as_deref()
    }

    /// 1-based line of a parse error.
    pub fn line(&self) -> Option<usize> {
        self.0.line
    }

    /// Accepted keys or values, when the error rejected one.
    pub fn accepted(&self) -> &[String] {
        &self.0.accepted
    }

    /// What went wrong, without the subject or field.
    pub fn reason(&self) -> &str {
        &self.0.reason
    }

    /// Record the stage the error happened in (kept if already set).
    pub fn in_stage(mut self, stage: Stage) -> Self {
        self.0.stage.get_or_insert(stage);
        self
    }

    /// Attach the underlying cause.
    pub fn with_source(mut self, source: impl std::error::Error + Send + Sync + 'static) -> Self {
        self.0.source = Some(Box::new(source));
        self
    }

    /// The same error about another file (e.g. a staged copy's original).
    pub fn with_path(mut self, path: impl Into<PathBuf>) -> Self {
        let path = path.into();
        self.0.subject = Some(path.display().to_string());
        self.0.path = Some(path);
        self
    }

    /// The same error about another named source (a subtitle file's name...).
    pub fn with_subject(mut self, subject: impl Into<String>) -> Self {
        self.0.subject = Some(subject.into());
        self
    }

    /// The same error with its field placed under `prefix` (`top` → `params.top`).
    pub fn under_field(mut self, prefix: &str) -> Self {
        if let Some(field) = &self.0.field {
            self.0.field = Some(format!("{prefix}.{field}"));
        }
        self
    }

    /// The same error with a new reason.
    pub fn with_reason(mut self, reason: impl Into<String>) -> Self {
        self.0.reason = reason.into();
        self
    }

    /// The same error with the list of accepted keys or values.
    pub fn with_accepted(mut self, accepted: Vec<String>) -> Self {
        self.0.accepted = accepted;
        self
    }

    fn about(mut self, subject: impl Into<String>) -> Self {
        self.0.subject = Some(subject.into());
        self
    }

    fn at_field(mut self, field: impl Into<String>) -> Self {
        self.0.field = Some(field.into());
        self
    }

    // ---- constructors, one per kind of situation -------------------------

    /// A read or write of `path` failed; a missing file is `not_found`.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        let path = path.into();
        if source.kind() == std::io::ErrorKind::NotFound {
            return Error::not_found(path);
        }
        Error::new(ErrorKind::Io, source.to_string()).with_path(path).with_source(source)
    }

    /// `path` does not exist.
    pub fn not_found(path: impl Into<PathBuf>) -> Self {
        Error::new(ErrorKind::NotFound, "no such file").with_path(path)
    }

    /// A parameter is out of range or inconsistent.
    pub fn invalid(name: impl Into<String>, reason: impl Into<String>) -> Self {
        Error::new(ErrorKind::InvalidParameter, reason).at_field(name)
    }

    /// A config has an unknown key or a value of the wrong type at `field`
    /// (a dotted path); `accepted` lists the keys it takes there.
    pub fn invalid_config(field: impl Into<String>, reason: impl Into<String>, accepted: Vec<String>) -> Self {
        Error::new(ErrorKind::InvalidConfig, reason).at_field(field).with_accepted(accepted)
    }

    /// FFmpeg cannot open `path` as media.
    pub fn not_media(path: impl Into<PathBuf>, reason: impl Into<String>) -> Self {
        Error::new(ErrorKind::NotMedia, reason).with_path(path)
    }

    /// `path` is damaged.
    pub fn corrupt_media(path: impl Into<PathBuf>, reason: impl Into<String>) -> Self {
        Error::new(ErrorKind::CorruptMedia, reason).with_path(path)
    }

    /// `path` has no `stream` stream (`"audio"`, `"video"`...).
    pub fn missing_stream(path: impl Into<PathBuf>, stream: &str) -> Self {
        Error::new(ErrorKind::MissingStream, stream).with_path(path)
    }

    /// Line `line` (1-based) of the subtitle source `source` is malformed.
    pub fn subtitle_parse(source: impl Into<String>, line: usize, reason: impl Into<String>) -> Self {
        let mut e = Error::new(ErrorKind::SubtitleParse, reason).about(source);
        e.0.line = Some(line);
        e
    }

    /// `path` broke the validation policy's `rule`.
    pub fn policy_violation(path: impl Into<PathBuf>, rule: &str, detail: impl Into<String>) -> Self {
        Error::new(ErrorKind::PolicyViolation, detail).with_path(path).at_field(rule)
    }

    /// `what` is over `limit`.
    pub fn limit_exceeded(what: impl Into<String>, reason: impl Into<String>) -> Self {
        Error::new(ErrorKind::LimitExceeded, reason).about(what)
    }

    /// Fetching `url` failed.
    pub fn download(url: impl Into<String>, reason: impl Into<String>) -> Self {
        Error::new(ErrorKind::DownloadFailed, reason).about(url)
    }

    /// `what` did not finish within `seconds`.
    pub fn timeout(what: impl Into<String>, seconds: f64) -> Self {
        Error::new(ErrorKind::Timeout, format!("timed out after {seconds} s")).about(what)
    }

    /// The external program `tool` is missing or failed.
    pub fn tool(tool: &str, reason: impl Into<String>) -> Self {
        Error::new(ErrorKind::ToolFailed, reason).about(tool)
    }

    pub fn device_unavailable(reason: impl Into<String>) -> Self {
        Error::new(ErrorKind::DeviceUnavailable, reason)
    }

    pub fn decode(reason: impl Into<String>) -> Self {
        Error::new(ErrorKind::Decode, reason)
    }

    pub fn encode(reason: impl Into<String>) -> Self {
        Error::new(ErrorKind::Encode, reason)
    }

    pub fn asr(reason: impl Into<String>) -> Self {
        Error::new(ErrorKind::Asr, reason)
    }

    pub fn tts(reason: impl Into<String>) -> Self {
        Error::new(ErrorKind::Tts, reason)
    }

    pub fn font(reason: impl Into<String>) -> Self {
        Error::new(ErrorKind::Font, reason)
    }

    /// An `internal` error for `what` that panicked, with the panic's
    /// message (the payload `catch_unwind` or a thread's `join` gives).
    pub fn from_panic(what: &str, payload: &(dyn std::any::Any + Send)) -> Self {
        let text = payload.downcast_ref::<&str>().copied().or_else(|| payload.downcast_ref::<String>().map(String::as_str));
        Error::internal(format!("{what} panicked: {}", text.unwrap_or("unknown panic")))
    }

    /// Run `work`, turning a panic inside it into [`Error::from_panic`]: the
    /// bindings call the core through this, so a bug reaches the caller as an
    /// `internal` error instead of unwinding across the boundary.
    pub fn catch_panic<T>(what: &str, work: impl FnOnce() -> Result<T>) -> Result<T> {
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(work)).unwrap_or_else(|p| Err(Error::from_panic(what, &*p)))
    }

    pub fn internal(reason: impl Into<String>) -> Self {
        Error::new(ErrorKind::Internal, reason)
    }

    /// The work was cancelled.
    pub fn cancelled() -> Self {
        Error::new(ErrorKind::Cancelled, "cancelled")
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let subject = self.0.subject.as_deref().unwrap_or("input");
        let field = self.0.field.as_deref().unwrap_or("?");
        let reason = &self.0.reason;
        match self.0.kind {
            ErrorKind::Io => write!(f, "{subject}: {reason}"),
            ErrorKind::NotFound => write!(f, "{subject}: no such file"),
            ErrorKind::NotMedia => write!(f, "{subject}: not a media file or an unsupported format ({reason})"),
            ErrorKind::MissingStream => write!(f, "{subject}: no {reason} stream"),
            ErrorKind::CorruptMedia => write!(f, "{subject}: corrupt or truncated media ({reason})"),
            ErrorKind::Decode => write!(f, "decoding failed: {reason}"),
            ErrorKind::Encode => write!(f, "encoding failed: {reason}"),
            ErrorKind::InvalidParameter => write!(f, "invalid parameter `{field}`: {reason}"),
            ErrorKind::InvalidConfig => {
                write!(f, "invalid config `{field}`: {reason}")?;
                if !self.0.accepted.is_empty() {
                    write!(f, " (accepted: {})", self.0.accepted.join(", "))?;
                }
                Ok(())
            }
            ErrorKind::SubtitleParse => write!(f, "{subject}:{}: {reason}", self.0.line.unwrap_or(0)),
            ErrorKind::Asr => write!(f, "speech recognition failed: {reason}"),
            ErrorKind::Font => write!(f, "font error: {reason}"),
            ErrorKind::DeviceUnavailable => write!(f, "device unavailable: {reason}"),
            ErrorKind::Tts => write!(f, "speech synthesis failed: {reason}"),
            ErrorKind::Cancelled => f.write_str("cancelled"),
            ErrorKind::DownloadFailed => write!(f, "{subject}: download failed ({reason})"),
            ErrorKind::Timeout => write!(f, "{subject}: {reason}"),
            ErrorKind::PolicyViolation => write!(f, "{subject}: rejected by policy rule `{field}`: {reason}"),
            ErrorKind::LimitExceeded => write!(f, "{subject}: over the limit ({reason})"),
            ErrorKind::ToolFailed => write!(f, "{subject}: {reason}"),
            ErrorKind::Internal => write!(f, "internal error: {reason}"),
            // Model errors keep the model crate's own wording.
            ErrorKind::ModelNotFound
            | ErrorKind::UnknownModel
            | ErrorKind::InvalidModelFile
            | ErrorKind::UnsupportedModel
            | ErrorKind::ChecksumMismatch
            | ErrorKind::PackageNotFound
            | ErrorKind::InvalidManifest
            | ErrorKind::Network
            | ErrorKind::Http => f.write_str(reason),
        }
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("Error");
        d.field("kind", &self.0.kind);
        if let Some(stage) = self.0.stage {
            d.field("stage", &stage);
        }
        if let Some(field) = &self.0.field {
            d.field("field", field);
        }
        if let Some(line) = self.0.line {
            d.field("line", &line);
        }
        d.field("message", &self.to_string()).finish()
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.0.source.as_deref().map(|s| s as &(dyn std::error::Error + 'static))
    }
}

impl From<reelkit_models::Error> for Error {
    fn from(e: reelkit_models::Error) -> Self {
        use reelkit_models::Error as M;
        let kind = match &e {
            M::Io { .. } => ErrorKind::Io,
            M::Network { .. } => ErrorKind::Network,
            M::Http { .. } => ErrorKind::Http,
            M::PackageNotFound { .. } => ErrorKind::PackageNotFound,
            M::ChecksumMismatch { .. } => ErrorKind::ChecksumMismatch,
            M::ModelNotFound { .. } => ErrorKind::ModelNotFound,
            M::UnknownModel { .. } => ErrorKind::UnknownModel,
            M::InvalidModelFile { .. } => ErrorKind::InvalidModelFile,
            M::UnsupportedModel { .. } => ErrorKind::UnsupportedModel,
            M::Manifest { .. } => ErrorKind::InvalidManifest,
            M::Cancelled => return Error::cancelled(),
            _ => ErrorKind::Internal,
        };
        let mut err = Error::new(kind, e.to_string());
        if let M::Io { path, .. }
        | M::ChecksumMismatch { file: path, .. }
        | M::ModelNotFound { path, .. }
        | M::InvalidModelFile { path, .. }
        | M::UnsupportedModel { path, .. } = &e
        {
            err.0.path = Some(path.clone());
        }
        err.with_source(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn panics_become_internal_errors_and_model_kinds_are_named() {
        let e = Error::catch_panic::<()>("probe", || panic!("boom")).unwrap_err();
        assert_eq!((e.kind(), e.reason()), (ErrorKind::Internal, "probe panicked: boom"));
        assert_eq!(Error::catch_panic("probe", || Ok(2)).unwrap(), 2);
        let models: Vec<&str> = ErrorKind::ALL.iter().filter(|k| k.is_model()).map(|k| k.code()).collect();
        assert_eq!(models.len(), 9, "{models:?}");
        assert!(models.contains(&"checksum_mismatch") && !models.contains(&"not_found"));
    }

    #[test]
    fn codes_are_unique_and_round_trip() {
        let mut seen = std::collections::HashSet::new();
        for kind in ErrorKind::ALL {
            assert!(seen.insert(kind.code()), "duplicate code {}", kind.code());
            assert_eq!(ErrorKind::from_code(kind.code()), Some(*kind));
            let json = serde_json::to_string(kind).unwrap();
            assert_eq!(json, format!("\"{}\"", kind.code()));
        }
    }

    /// The HTTP status of every kind is part of the server's contract.
    #[test]
    fn http_status_of_every_kind_is_pinned() {
        let pinned: &[(&str, u16)] = &[
            ("invalid_config", 422),
            ("invalid_parameter", 422),
            ("not_found", 404),
            ("not_media", 422),
            ("missing_stream", 422),
            ("corrupt_media", 422),
            ("subtitle_parse", 422),
            ("policy_violation", 422),
            ("limit_exceeded", 413),
            ("download_failed", 422),
            ("timeout", 504),
            ("model_not_found", 503),
            ("unknown_model", 422),
            ("invalid_model_file", 503),
            ("unsupported_model", 503),
            ("checksum_mismatch", 503),
            ("package_not_found", 503),
            ("invalid_manifest", 503),
            ("network", 502),
            ("http", 502),
            ("device_unavailable", 503),
            ("decode", 500),
            ("encode", 500),
            ("asr", 500),
            ("tts", 500),
            ("font", 500),
            ("tool_failed", 500),
            ("io", 500),
            ("cancelled", 409),
            ("internal", 500),
        ];
        assert_eq!(pinned.len(), ErrorKind::ALL.len(), "every kind is pinned");
        for (code, status) in pinned {
            let kind = ErrorKind::from_code(code).unwrap_or_else(|| panic!("no kind {code}"));
            assert_eq!(kind.http_status(), *status, "{code}");
        }
    }

    #[test]
    fn messages_are_one_line_with_their_context() {
        assert_eq!(Error::not_found("/x/a.mp4").to_string(), "/x/a.mp4: no such file");
        assert_eq!(Error::invalid("top", "0 (expected 1..=1000)").to_string(), "invalid parameter `top`: 0 (expected 1..=1000)");
        let e = Error::subtitle_parse("a.srt", 3, "bad time");
        assert_eq!(e.to_string(), "a.srt:3: bad time");
        assert_eq!(e.line(), Some(3));
        let e = Error::invalid_config("params.topp", "unknown key", vec!["top".into(), "query".into()]);
        assert_eq!(e.to_string(), "invalid config `params.topp`: unknown key (accepted: top, query)");
        assert_eq!(e.code(), "invalid_config");
        assert_eq!(Error::invalid("top", "x").under_field("params").field(), Some("params.top"));
        let io = Error::io("/tmp/x", std::io::Error::from(std::io::ErrorKind::NotFound));
        assert_eq!(io.kind(), ErrorKind::NotFound);
    }

    #[test]
    fn model_errors_fold_into_kinds() {
        let e: Error = reelkit_models::Error::Cancelled.into();
        assert!(e.is_cancelled());
        let e: Error = reelkit_models::Error::UnknownModel { id: "x".into(), known: "tiny.en".into() }.into();
        assert_eq!(e.code(), "unknown_model");
        assert!(e.to_string().contains("unknown model `x`"));
    }
}
