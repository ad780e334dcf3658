//! The one error type of this crate.

use std::path::PathBuf;

/// Result alias used throughout `reelkit-models`.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What the user should run to provision the default models.
pub const FETCH_HINT: &str = "run `reelkit models fetch`";

/// Every failure this crate reports. [`Error::code`] gives a stable snake_case code
/// that bindings and the CLI may match on; the `Display` text is for humans.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A filesystem operation failed.
    #[error("i/o error on {}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    /// The request never got an HTTP status (DNS, connect, TLS, timeout, reset...).
    #[error("network error for {url}: {message}")]
    Network { url: String, message: String },

    /// The server answered with a non-success status.
    #[error("HTTP status {status} for {url}")]
    Http { url: String, status: u16 },

    /// The package index has no file with the name the manifest expects.
    #[error("package index {index} lists no file {filename} for package {package}")]
    PackageNotFound {
        package: String,
        filename: String,
        index: String,
    },

    /// A downloaded (or supplied) file does not have the expected sha256; it was removed.
    #[error("checksum mismatch for {}: expected sha256 {expected}, got {actual}", file.display())]
    ChecksumMismatch {
        expected: String,
        actual: String,
        file: PathBuf,
    },

    /// The model is known but not provisioned (or a given path does not exist).
    #[error("model `{id}` not found at {}; {hint}", path.display())]
    ModelNotFound {
        id: String,
        path: PathBuf,
        hint: String,
    },

    /// No manifest entry with that id, and the spec is not a path either.
    #[error("unknown model `{id}` (known: {known})")]
    UnknownModel { id: String, known: String },

    /// A model file exists but its content is malformed (truncated, bad magic, ...).
    #[error("invalid model file {}: {reason}", path.display())]
    InvalidModelFile { path: PathBuf, reason: String },

    /// A well-formed model this crate cannot handle (other architecture, dtype, version).
    #[error("unsupported model {}: {reason}", path.display())]
    UnsupportedModel { path: PathBuf, reason: String },

    /// The embedded or supplied manifest is malformed.
    #[error("invalid model manifest: {reason}")]
    Manifest { reason: String },

    /// The caller's cancel callback returned true.
    #[error("cancelled")]
    Cancelled,
}

impl Error {
    /// Stable machine-readable code (snake_case); never changes for a variant.
    pub fn code(&self) -> &'static str {
        match self {
            Error::Io { .. } => "io",
            Error::Network { .. } => "network",
            Error::Http { .. } => "http",
            Error::PackageNotFound { .. } => "package_not_found",
            Error::ChecksumMismatch { .. } => "checksum_mismatch",
            Error::ModelNotFound { .. } => "model_not_found",
            Error::UnknownModel { .. } => "unknown_model",
            Error::InvalidModelFile { .. } => "invalid_model_file",
            Error::UnsupportedModel { .. } => "unsupported_model",
            Error::Manifest { .. } => "invalid_manifest",
            Error::Cancelled => "cancelled",
        }
    }

    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Error {
        Error::Io {
            path: path.into(),
            source,
        }
    }

    pub(crate) fn invalid(path: impl Into<PathBuf>, reason: impl Into<String>) -> Error {
        Error::InvalidModelFile {
            path: path.into(),
            reason: reason.into(),
        }
    }

    pub(crate) fn unsupported(path: impl Into<PathBuf>, reason: impl Into<String>) -> Error {
        Error::UnsupportedModel {
            path: path.into(),
            reason: reason.into(),
        }
    }

    pub(crate) fn not_found(id: impl Into<String>, path: impl Into<PathBuf>) -> Error {
        Error::ModelNotFound {
            id: id.into(),
            path: path.into(),
            hint: FETCH_HINT.to_string(),
        }
    }
}

/// Attach a path to `std::io::Result`s.
pub(crate) trait IoContext<T> {
    fn at(self, path: impl Into<PathBuf>) -> Result<T>;
}

impl<T> IoContext<T> for std::io::Result<T> {
    fn at(self, path: impl Into<PathBuf>) -> Result<T> {
        self.map_err(|e| Error::io(path, e))
    }
}
