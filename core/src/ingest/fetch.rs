//! Fetching a URL to a local file: direct HTTP(S) for media links, yt-dlp
//! for pages and streaming playlists.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::http::{self, Kind};
use super::policy::ValidationPolicy;
use super::ytdlp;
use crate::error::{Error, Result};
use crate::progress::RunCtl;

/// When yt-dlp is used for a URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum YtDlpMode {
    /// Direct download when the URL serves a media file; yt-dlp for web
    /// pages and HLS/DASH playlists (default).
    #[default]
    Auto,
    /// Every URL goes through yt-dlp.
    Always,
    /// Never run yt-dlp: only direct media links work.
    Never,
}

impl std::str::FromStr for YtDlpMode {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "auto" => Ok(Self::Auto),
            "always" => Ok(Self::Always),
            "never" => Ok(Self::Never),
            other => Err(Error::invalid("yt_dlp_mode", format!("`{other}` (expected auto, always or never)"))),
        }
    }
}

/// How URLs are fetched.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct FetchConfig {
    /// Longest a whole download may take, in seconds (default 3600).
    pub timeout: f64,
    /// Longest to wait for a connection, in seconds (default 15).
    pub connect_timeout: f64,
    /// Longest a transfer may stall (no response, no bytes), in seconds
    /// (default 30).
    pub idle_timeout: f64,
    pub yt_dlp_mode: YtDlpMode,
    /// The yt-dlp executable; `None` looks on `PATH`, then in
    /// `$REELKIT_VENV/bin` and `~/.cache/reelkit/venv/bin`.
    pub yt_dlp: Option<PathBuf>,
    /// yt-dlp format selector (`-f`), e.g. `bv*[height<=1080]+ba/b`;
    /// `None` keeps yt-dlp's default (best video + best audio).
    pub format: Option<String>,
    /// User-Agent of direct downloads.
    pub user_agent: String,
}

impl Default for FetchConfig {
    fn default() -> Self {
        Self {
            timeout: 3600.0,
            connect_timeout: 15.0,
            idle_timeout: 30.0,
            yt_dlp_mode: YtDlpMode::Auto,
            yt_dlp: None,
            format: None,
            user_agent: concat!("reelkit/", env!("CARGO_PKG_VERSION")).into(),
        }
    }
}

impl FetchConfig {
    pub fn timeout(mut self, seconds: f64) -> Self {
        self.timeout = seconds;
        self
    }
    pub fn connect_timeout(mut self, seconds: f64) -> Self {
        self.connect_timeout = seconds;
        self
    }
    pub fn idle_timeout(mut self, seconds: f64) -> Self {
        self.idle_timeout = seconds;
        self
    }
    pub fn yt_dlp_mode(mut self, mode: YtDlpMode) -> Self {
        self.yt_dlp_mode = mode;
        self
    }
    pub fn yt_dlp(mut self, path: impl Into<PathBuf>) -> Self {
        self.yt_dlp = Some(path.into());
        self
    }
    pub fn format(mut self, selector: impl Into<String>) -> Self {
        self.format = Some(selector.into());
        self
    }

    pub fn validate(&self) -> Result<()> {
        for (name, value) in
            [("timeout", self.timeout), ("connect_timeout", self.connect_timeout), ("idle_timeout", self.idle_timeout)]
        {
            if !value.is_finite() || value <= 0.0 || value > 7.0 * 86_400.0 {
                return Err(Error::invalid(name, format!("{value} (expected 0 < seconds <= 604800)")));
            }
        }
        if self.format.as_deref().is_some_and(|f| f.trim().is_empty()) {
            return Err(Error::invalid("format", "empty yt-dlp format selector"));
        }
        Ok(())
    }
}

/// How a source was fetched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Method {
    /// A local file.
    File,
    /// A direct HTTP(S) download.
    Http,
    /// Through yt-dlp.
    YtDlp,
}

/// A fetched file.
pub(crate) struct Fetched {
    pub path: PathBuf,
    pub method: Method,
    /// The SHA-256 when it was computed while downloading.
    pub sha256: Option<String>,
    pub title: Option<String>,
}

/// Whether `source` is a URL reelkit fetches (http or https).
pub(crate) fn is_url(source: &str) -> bool {
    let lower = source.trim().to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://")
}

/// A scheme other than http(s) or file, which reelkit refuses.
pub(crate) fn foreign_scheme(source: &str) -> Option<&str> {
    let (scheme, _) = source.split_once("://")?;
    let plain = !scheme.is_empty() && scheme.chars().all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c));
    (plain && !matches!(scheme.to_ascii_lowercase().as_str(), "http" | "https" | "file")).then_some(scheme)
}

/// Fetch `url` into the empty directory `dir`.
pub(crate) fn fetch(
    url: &str,
    dir: &Path,
    config: &FetchConfig,
    policy: &ValidationPolicy,
    ctl: &RunCtl,
) -> Result<Fetched> {
    if config.yt_dlp_mode == YtDlpMode::Always {
        return via_yt_dlp(url, dir, config, policy, ctl);
    }
    let response = http::open(url, config, ctl)?;
    match response.kind() {
        Kind::Media => {
            let path = dir.join("media.download");
            let (_, sha256) = response.save(&path, policy, ctl)?;
            Ok(Fetched { path, method: Method::Http, sha256: Some(sha256), title: None })
        }
        Kind::Page if config.yt_dlp_mode == YtDlpMode::Never => Err(Error::download(url, format!(
                "not a media file ({}) and yt-dlp is disabled",
                response.content_type().unwrap_or("unknown content type")
            ))),
        Kind::Page => {
            drop(response);
            via_yt_dlp(url, dir, config, policy, ctl)
        }
    }
}

fn via_yt_dlp(url: &str, dir: &Path, config: &FetchConfig, policy: &ValidationPolicy, ctl: &RunCtl) -> Result<Fetched> {
    let found = ytdlp::download(url, dir, config, policy, ctl)?;
    Ok(Fetched { path: found.filepath, method: Method::YtDlp, sha256: None, title: found.title })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_are_classified() {
        assert!(is_url("https://example.com/a.mp4"));
        assert!(is_url("HTTP://example.com/a.mp4"));
        assert!(!is_url("/tmp/a.mp4"));
        assert_eq!(foreign_scheme("ftp://host/a.mp4"), Some("ftp"));
        assert_eq!(foreign_scheme("concat://a|b"), Some("concat"));
        assert_eq!(foreign_scheme("file:///tmp/a.mp4"), None);
        assert_eq!(foreign_scheme("/tmp/odd name://x.mp4"), None);
    }

    #[test]
    fn timeouts_must_be_positive() {
        assert!(FetchConfig::default().validate().is_ok());
        let bad = FetchConfig::default().timeout(0.0);
        assert!(matches!(bad.validate(), Err(ref e) if e.kind() == crate::ErrorKind::InvalidParameter && e.field() == Some("timeout")));
        assert!("sometimes".parse::<YtDlpMode>().is_err());
        assert_eq!("never".parse::<YtDlpMode>().unwrap(), YtDlpMode::Never);
    }
}
