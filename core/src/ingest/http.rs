//! Direct HTTP(S) downloads of media links, without yt-dlp.

use std::io::{Read, Write};
use std::path::Path;
use std::time::Duration;

use super::fetch::FetchConfig;
use super::fingerprint::{copy_hashing, CopyError, Hasher};
use super::policy::ValidationPolicy;
use super::sniff::container_of;
use crate::error::{Error, Result};
use crate::progress::{RunCtl, Stage};

/// Bytes looked at before deciding whether a response is media.
const HEAD: usize = 16 * 1024;

/// An open response whose status was OK, with its first bytes read.
pub(crate) struct Response {
    url: String,
    content_type: Option<String>,
    content_length: Option<u64>,
    head: Vec<u8>,
    body: ureq::BodyReader<'static>,
    idle_timeout: f64,
}

/// What the first bytes of a response say it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Kind {
    /// A media file that can be saved as is.
    Media,
    /// An HLS/DASH playlist or a web page: something for yt-dlp.
    Page,
}

fn agent(config: &FetchConfig) -> ureq::Agent {
    let secs = |s: f64| Some(Duration::from_secs_f64(s));
    let tls = ureq::tls::TlsConfig::builder().root_certs(ureq::tls::RootCerts::PlatformVerifier).build();
    ureq::Agent::config_builder()
        .tls_config(tls)
        .http_status_as_error(false)
        .timeout_global(secs(config.timeout))
        .timeout_resolve(secs(config.connect_timeout))
        .timeout_connect(secs(config.connect_timeout))
        .timeout_send_request(secs(config.connect_timeout))
        .timeout_recv_response(secs(config.idle_timeout))
        // A stalled body read fails after this long.
        .timeout_per_read(secs(config.idle_timeout))
        .user_agent(config.user_agent.as_str())
        .build()
        .into()
}

/// GET `url` and read its first bytes. Error statuses, unreachable hosts and
/// timeouts become typed errors.
pub(crate) fn open(url: &str, config: &FetchConfig, ctl: &RunCtl) -> Result<Response> {
    ctl.check()?;
    let response = agent(config).get(url).call().map_err(|e| request_error(url, e, config))?;
    let status = response.status();
    if !status.is_success() {
        let reason = status.canonical_reason().unwrap_or("");
        return Err(Error::download(url, format!("HTTP {} {reason}", status.as_u16()).trim()));
    }
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .map(|v| v.split(';').next().unwrap_or(v).trim().to_ascii_lowercase());
    let content_length = response.headers().get("content-length").and_then(|v| v.to_str().ok()?.parse().ok());
    let mut body = response.into_body().into_reader();
    let mut head = Vec::with_capacity(HEAD);
    (&mut body)
        .take(HEAD as u64)
        .read_to_end(&mut head)
        .map_err(|e| request_error(url, ureq::Error::from(e), config))?;
    Ok(Response { url: url.into(), content_type, content_length, head, body, idle_timeout: config.idle_timeout })
}

impl Response {
    /// Media or a page for yt-dlp, from the bytes first and the declared
    /// type second (servers often send media as `application/octet-stream`).
    pub(crate) fn kind(&self) -> Kind {
        if is_playlist(&self.head) || is_markup(&self.head) {
            return Kind::Page;
        }
        if container_of(&self.head).is_some() {
            return Kind::Media;
        }
        match self.content_type.as_deref() {
            Some(t) if t.starts_with("video/") || t.starts_with("audio/") => Kind::Media,
            Some("application/octet-stream") | Some("binary/octet-stream") | None => Kind::Media,
            _ => Kind::Page,
        }
    }

    pub(crate) fn content_type(&self) -> Option<&str> {
        self.content_type.as_deref()
    }

    /// Stream the whole body into `file` (the first bytes included), hashing
    /// it; refuses bodies larger than the policy allows, before and while
    /// downloading.
    pub(crate) fn save(
        mut self,
        file: &Path,
        policy: &ValidationPolicy,
        ctl: &RunCtl,
    ) -> Result<(u64, String)> {
        let label = Path::new(&self.url);
        if let Some(length) = self.content_length {
            policy.check_size(label, length)?;
        }
        let mut out = std::fs::File::create(file).map_err(|e| Error::io(file, e))?;
        let mut hasher = Hasher::new(Stage::Download, self.content_length);
        let mut reader = std::io::Cursor::new(std::mem::take(&mut self.head)).chain(&mut self.body);
        let copied = copy_hashing(&mut reader, &mut out, &mut hasher, policy.max_bytes, ctl);
        let bytes = match copied {
            Ok(n) => n,
            Err(CopyError::Cancelled) => return Err(Error::cancelled()),
            Err(CopyError::TooLarge(n)) => return policy.check_size(label, n).map(|_| (0, String::new())),
            Err(CopyError::Write(e)) => return Err(Error::io(file, e)),
            Err(CopyError::Read(e)) => {
                return Err(body_error(&self.url, ureq::Error::from(e), self.idle_timeout));
            }
        };
        out.flush().and_then(|_| out.sync_all()).map_err(|e| Error::io(file, e))?;
        if let Some(length) = self.content_length {
            if bytes < length {
                return Err(Error::download(self.url.clone(), format!("connection closed after {bytes} of {length} bytes")));
            }
        }
        Ok((bytes, hasher.finish(ctl)))
    }
}

fn is_playlist(head: &[u8]) -> bool {
    let text = trim_bom(head);
    text.starts_with(b"#EXTM3U") || text.starts_with(b"<?xml") && contains(text, b"<MPD")
}

fn is_markup(head: &[u8]) -> bool {
    let text = trim_bom(head);
    let start: Vec<u8> = text.iter().take(64).map(u8::to_ascii_lowercase).collect();
    start.starts_with(b"<!doctype html") || start.starts_with(b"<html") || start.starts_with(b"<?xml")
}

fn trim_bom(head: &[u8]) -> &[u8] {
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let start = head.iter().position(|b| !b.is_ascii_whitespace()).unwrap_or(head.len());
    &head[start..]
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// A failed request as a typed error: time-outs as [`Error::Timeout`],
/// everything else as [`Error::Download`].
fn request_error(url: &str, error: ureq::Error, config: &FetchConfig) -> Error {
    match error {
        ureq::Error::Timeout(which) => {
            let seconds = match which {
                ureq::Timeout::Global => config.timeout,
                ureq::Timeout::Resolve | ureq::Timeout::Connect | ureq::Timeout::SendRequest => config.connect_timeout,
                _ => config.idle_timeout,
            };
            Error::timeout(format!("{url} ({which})"), seconds)
        }
        ureq::Error::HostNotFound => Error::download(url, "host not found"),
        ureq::Error::ConnectionFailed => Error::download(url, "connection failed"),
        ureq::Error::Io(e) if e.kind() == std::io::ErrorKind::ConnectionRefused => {
            Error::download(url, "connection refused")
        }
        ureq::Error::Io(e) if e.kind() == std::io::ErrorKind::TimedOut => {
            Error::timeout(url, config.idle_timeout)
        }
        other => Error::download(url, other.to_string()),
    }
}

fn body_error(url: &str, error: ureq::Error, idle_timeout: f64) -> Error {
    match error {
        ureq::Error::Timeout(which) => Error::timeout(format!("{url} ({which})"), idle_timeout),
        ureq::Error::Io(e) if e.kind() == std::io::ErrorKind::TimedOut => {
            Error::timeout(url, idle_timeout)
        }
        other => Error::download(url, other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn playlists_and_pages_are_recognised() {
        assert!(is_playlist(b"\xEF\xBB\xBF#EXTM3U\n#EXT-X-VERSION:3\n"));
        assert!(is_playlist(b"<?xml version=\"1.0\"?>\n<MPD xmlns=\"urn:mpeg:dash\">"));
        assert!(is_markup(b"  <!DOCTYPE html><html>"));
        assert!(!is_markup(b"\x00\x00\x00\x18ftypisom"));
    }
}
