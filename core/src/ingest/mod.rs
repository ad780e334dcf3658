//! Ingest: any source a user has — a local file, a direct media link, or a
//! page or playlist yt-dlp understands — becomes a validated local media
//! file with a content fingerprint.
//!
//! ```no_run
//! use reelkit::ingest::{ingest, IngestConfig, ValidationPolicy};
//! let config = IngestConfig::default()
//!     .dest("library")
//!     .policy(ValidationPolicy::default().max_bytes(2 << 30).allowed_containers(["mp4", "mov", "mkv", "webm"]));
//! let report = ingest("https://example.com/talk.mp4", &config, &reelkit::RunCtl::default())?;
//! println!("{} {} duplicate={}", report.sha256, report.path, report.duplicate);
//! # Ok::<(), reelkit::Error>(())
//! ```
//!
//! With a destination directory, accepted media is stored by content:
//! `DEST/<sha256>.<ext>` plus `DEST/<sha256>.json` (the report), so the same
//! bytes ingested again are recognised (`duplicate: true`) and not stored
//! twice. Everything is downloaded into a hidden staging directory inside
//! `DEST` and moved into place only once it passed validation.

mod fetch;
mod fingerprint;
mod http;
mod policy;
mod sniff;
mod ytdlp;

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

pub use fetch::{FetchConfig, Method, YtDlpMode};
pub use fingerprint::fingerprint;
pub use policy::ValidationPolicy;
pub use sniff::sniff_container;
pub use ytdlp::locate_yt_dlp;

use crate::error::{Error, Result};
use crate::media::{probe, MediaInfo};
use crate::progress::{RunCtl, Stage};
use fingerprint::{copy_hashing, CopyError, Hasher};

/// Everything `reelkit ingest` can be told.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct IngestConfig {
    pub policy: ValidationPolicy,
    pub fetch: FetchConfig,
    /// Content-addressed store: accepted media goes to `<sha256>.<ext>` in
    /// this directory. `None` validates local files where they are; URLs
    /// then have nowhere to go and are refused.
    pub dest: Option<PathBuf>,
}

impl IngestConfig {
    pub fn policy(mut self, policy: ValidationPolicy) -> Self {
        self.policy = policy;
        self
    }
    pub fn fetch(mut self, fetch: FetchConfig) -> Self {
        self.fetch = fetch;
        self
    }
    pub fn dest(mut self, dir: impl Into<PathBuf>) -> Self {
        self.dest = Some(dir.into());
        self
    }

    pub fn validate(&self) -> Result<()> {
        self.policy.validate()?;
        self.fetch.validate()
    }
}

/// What an ingest produced (the content of `<sha256>.json`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct IngestReport {
    /// The source as given (a path or a URL).
    pub source: String,
    pub method: Method,
    /// The accepted local file: in the store when a destination was given,
    /// else the source file itself.
    pub path: String,
    /// Lowercase hex SHA-256 of the file's bytes.
    pub sha256: String,
    pub size_bytes: u64,
    /// Container sniffed from the bytes (see [`sniff_container`]).
    pub container: String,
    /// The store already held these exact bytes; nothing new was stored.
    pub duplicate: bool,
    /// Title reported by yt-dlp, when it fetched the source.
    pub title: Option<String>,
    pub media: MediaInfo,
}

/// Fetch (when `source` is a URL), fingerprint, probe and validate
/// `source`, and store it in `config.dest` when given.
///
/// Fails with a typed error: [`Error::NotFound`], [`Error::NotMedia`],
/// [`Error::CorruptMedia`], [`Error::PolicyViolation`] (naming the rule),
/// [`Error::Download`] (HTTP status, refused connection...),
/// [`Error::Timeout`], [`Error::Tool`] (yt-dlp missing or failing) or
/// [`Error::cancelled()`]. A rejected or failed ingest stores nothing.
pub fn ingest(source: &str, config: &IngestConfig, ctl: &RunCtl) -> Result<IngestReport> {
    config.validate()?;
    let source = source.trim();
    if source.is_empty() {
        return Err(Error::invalid("source", "empty (expected a path or an http(s) URL)"));
    }
    if let Some(scheme) = fetch::foreign_scheme(source) {
        return Err(Error::invalid("source", format!("unsupported URL scheme `{scheme}` (expected http, https or a path)")));
    }
    ctl.check()?;
    if fetch::is_url(source) {
        let dest = config.dest.as_deref().ok_or_else(|| {
            Error::invalid("dest", "a URL needs a destination directory to download into")
        })?;
        let staging = Staging::create(dest)?;
        let fetched = fetch::fetch(source, staging.dir(), &config.fetch, &config.policy, ctl)?;
        let sha256 = match fetched.sha256 {
            Some(sha) => sha,
            None => fingerprint(&fetched.path, ctl)?,
        };
        let candidate = Candidate { path: fetched.path, method: fetched.method, sha256, title: fetched.title };
        return accept(source, candidate, Some((dest, staging)), config, ctl);
    }
    let path = PathBuf::from(source.strip_prefix("file://").unwrap_or(source));
    let meta = std::fs::metadata(&path).map_err(|e| Error::io(&path, e))?;
    if meta.is_dir() {
        return Err(Error::not_media(path, "is a directory"));
    }
    config.policy.check_size(&path, meta.len())?;
    match config.dest.as_deref() {
        Some(dest) => {
            let staging = Staging::create(dest)?;
            let copy = staging.dir().join("media.ingest");
            let sha256 = copy_into(&path, &copy, meta.len(), &config.policy, ctl)?;
            let candidate = Candidate { path: copy, method: Method::File, sha256, title: None };
            accept(source, candidate, Some((dest, staging)), config, ctl)
        }
        None => {
            let sha256 = fingerprint(&path, ctl)?;
            let candidate = Candidate { path, method: Method::File, sha256, title: None };
            accept(source, candidate, None, config, ctl)
        }
    }
}

/// A fetched or copied file waiting for validation.
struct Candidate {
    path: PathBuf,
    method: Method,
    sha256: String,
    title: Option<String>,
}

fn accept(
    source: &str,
    candidate: Candidate,
    store: Option<(&Path, Staging)>,
    config: &IngestConfig,
    ctl: &RunCtl,
) -> Result<IngestReport> {
    ctl.check()?;
    let label = Path::new(source);
    ctl.report(Stage::Probe, 0.0, Some(1.0), "files");
    let media = probe(&candidate.path).map_err(|e| relabel(e, &candidate.path, label))?;
    ctl.report(Stage::Probe, 1.0, Some(1.0), "files");
    let container = match sniff_container(&candidate.path)? {
        Some(name) => name,
        None => sniff::demuxer_container(&media.container),
    };
    config.policy.check(label, &container, &media)?;
    let mut report = IngestReport {
        source: source.to_owned(),
        method: candidate.method,
        path: candidate.path.display().to_string(),
        sha256: candidate.sha256,
        size_bytes: media.size_bytes,
        container,
        duplicate: false,
        title: candidate.title,
        media,
    };
    let Some((dest, staging)) = store else {
        return Ok(report);
    };
    ctl.check()?;
    let sidecar = dest.join(format!("{}.json", report.sha256));
    // The sidecar is only a hint: it may have been edited. Trust its path
    // only when it names this content's own file in the store.
    if let Some(previous) = read_report(&sidecar).filter(|r| r.sha256 == report.sha256 && is_stored_copy(dest, &report.sha256, Path::new(&r.path))) {
        report.path = previous.path;
        report.media.path = report.path.clone();
        report.duplicate = true;
        return Ok(report);
    }
    let stored = dest.join(format!("{}.{}", report.sha256, extension_for(&report.container)));
    if stored.is_file() {
        report.duplicate = true;
    } else {
        std::fs::rename(&candidate.path, &stored).map_err(|e| Error::io(&stored, e))?;
    }
    report.path = stored.display().to_string();
    report.media.path = report.path.clone();
    write_report(&staging, &sidecar, &report)?;
    Ok(report)
}

/// Copy `from` into `to`, hashing on the way.
fn copy_into(from: &Path, to: &Path, size: u64, policy: &ValidationPolicy, ctl: &RunCtl) -> Result<String> {
    let mut reader = std::fs::File::open(from).map_err(|e| Error::io(from, e))?;
    let mut writer = std::fs::File::create(to).map_err(|e| Error::io(to, e))?;
    let mut hasher = Hasher::new(Stage::Fingerprint, Some(size));
    match copy_hashing(&mut reader, &mut writer, &mut hasher, policy.max_bytes, ctl) {
        Ok(_) => {}
        Err(CopyError::Cancelled) => return Err(Error::cancelled()),
        Err(CopyError::TooLarge(n)) => return policy.check_size(from, n).map(|_| String::new()),
        Err(CopyError::Read(e)) => return Err(Error::io(from, e)),
        Err(CopyError::Write(e)) => return Err(Error::io(to, e)),
    }
    writer.sync_all().map_err(|e| Error::io(to, e))?;
    Ok(hasher.finish(ctl))
}

/// Errors about the staged copy speak of the source the user named.
fn relabel(error: Error, staged: &Path, source: &Path) -> Error {
    if error.path() == Some(staged) {
        error.with_path(source)
    } else {
        error
    }
}

/// A file extension for a sniffed container name.
fn extension_for(container: &str) -> &str {
    match container {
        "mpegts" => "ts",
        "mpeg" => "mpg",
        "matroska" => "mkv",
        name if !name.is_empty() && name.len() <= 6 && name.chars().all(|c| c.is_ascii_alphanumeric()) => name,
        _ => "media",
    }
}

/// A sidecar larger than this is not one reelkit wrote.
const MAX_SIDECAR_BYTES: u64 = 1 << 20;

fn read_report(path: &Path) -> Option<IngestReport> {
    use std::io::Read;
    let mut bytes = Vec::new();
    std::fs::File::open(path).ok()?.take(MAX_SIDECAR_BYTES + 1).read_to_end(&mut bytes).ok()?;
    if bytes.len() as u64 > MAX_SIDECAR_BYTES {
        return None;
    }
    serde_json::from_slice(&bytes).ok()
}

/// Whether `path` is the stored copy of `sha256` in `dest`: a regular file
/// directly inside the store (after resolving links) named `<sha256>.<ext>`.
fn is_stored_copy(dest: &Path, sha256: &str, path: &Path) -> bool {
    let (Ok(dest), Ok(file)) = (std::fs::canonicalize(dest), std::fs::canonicalize(path)) else { return false };
    let named = file.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.strip_prefix(sha256).is_some_and(|ext| ext.starts_with('.')));
    named && file.parent() == Some(dest.as_path()) && file.is_file()
}

fn write_report(staging: &Staging, path: &Path, report: &IngestReport) -> Result<()> {
    let text = serde_json::to_vec_pretty(report).map_err(|e| Error::encode(format!("report: {e}")))?;
    let partial = staging.dir().join("report.json");
    std::fs::write(&partial, text).map_err(|e| Error::io(&partial, e))?;
    std::fs::rename(&partial, path).map_err(|e| Error::io(path, e))
}

/// A hidden working directory inside the store, removed with everything in
/// it when dropped (after a failure, a rejection or a duplicate).
struct Staging {
    dir: PathBuf,
}

impl Staging {
    fn create(dest: &Path) -> Result<Self> {
        std::fs::create_dir_all(dest).map_err(|e| Error::io(dest, e))?;
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
        let dir = dest.join(format!(".ingest-{}-{nanos}.partial", std::process::id()));
        std::fs::create_dir(&dir).map_err(|e| Error::io(&dir, e))?;
        Ok(Self { dir })
    }

    fn dir(&self) -> &Path {
        &self.dir
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extensions_are_safe() {
        assert_eq!(extension_for("mp4"), "mp4");
        assert_eq!(extension_for("mpegts"), "ts");
        assert_eq!(extension_for("../../x"), "media");
        assert_eq!(extension_for(""), "media");
    }

    #[test]
    fn bad_sources_are_invalid_parameters() {
        let ctl = RunCtl::default();
        let err = ingest("ftp://host/a.mp4", &IngestConfig::default(), &ctl).unwrap_err();
        assert!(err.kind() == crate::ErrorKind::InvalidParameter && err.field() == Some("source"), "{err}");
        let err = ingest("http://127.0.0.1:9/a.mp4", &IngestConfig::default(), &ctl).unwrap_err();
        assert!(err.kind() == crate::ErrorKind::InvalidParameter && err.field() == Some("dest"), "{err}");
        let err = ingest("  ", &IngestConfig::default(), &ctl).unwrap_err();
        assert!(err.kind() == crate::ErrorKind::InvalidParameter && err.field() == Some("source"), "{err}");
    }
}
