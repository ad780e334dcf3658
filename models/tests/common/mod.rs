//! Helpers shared by the integration tests: locating the shared test data, building
//! small wheels from real files, and a tiny HTTP/1.1 package index on 127.0.0.1.
#![allow(dead_code)]

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use sha2::{Digest, Sha256};

/// The shared test data (`$REELKIT_TESTDATA`, else `shared/testdata`
/// beside the workspace); a failure with `REELKIT_REQUIRE_TESTDATA=1`.
#[track_caller]
pub fn testdata() -> Option<PathBuf> {
    reelkit_testkit::testdata()
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Build a wheel (a zip) holding `members` (name, bytes).
pub fn build_wheel(members: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, bytes) in members {
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        w.start_file(name.as_str(), opts).unwrap();
        w.write_all(bytes).unwrap();
    }
    w.finish().unwrap().into_inner()
}

#[derive(Default)]
pub struct IndexState {
    /// package (normalised) -> list of (filename, bytes)
    pub packages: HashMap<String, Vec<(String, Vec<u8>)>>,
    /// Status to answer for every request instead of serving (e.g. 500).
    pub force_status: Option<u16>,
    /// Serve file bodies in 16 KiB pieces with this pause between them.
    pub throttle: Option<Duration>,
}

/// A PEP 691 JSON simple index served from memory; counts requests.
pub struct LocalIndex {
    pub base: String,
    pub requests: Arc<AtomicUsize>,
    pub state: Arc<Mutex<IndexState>>,
}

impl LocalIndex {
    pub fn start(state: IndexState) -> LocalIndex {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let requests = Arc::new(AtomicUsize::new(0));
        let state = Arc::new(Mutex::new(state));
        let (r2, s2) = (requests.clone(), state.clone());
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                let Ok(conn) = conn else { continue };
                let (r3, s3) = (r2.clone(), s2.clone());
                std::thread::spawn(move || {
                    let _ = serve(conn, &r3, &s3);
                });
            }
        });
        LocalIndex {
            base: format!("http://{addr}/simple"),
            requests,
            state,
        }
    }

    pub fn count(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }
}

fn serve(
    mut conn: TcpStream,
    requests: &AtomicUsize,
    state: &Mutex<IndexState>,
) -> std::io::Result<()> {
    conn.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut reader = BufReader::new(conn.try_clone()?);
    let mut line = String::new();
    reader.read_line(&mut line)?;
    // Drain the headers.
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h)? == 0 || h == "\r\n" || h == "\n" {
            break;
        }
    }
    requests.fetch_add(1, Ordering::SeqCst);
    let path = line.split_whitespace().nth(1).unwrap_or("/").to_string();
    let (status, ctype, body, throttle) = {
        let st = state.lock().unwrap();
        if let Some(s) = st.force_status {
            (s, "text/plain", b"forced".to_vec(), None)
        } else if let Some(pkg) = path
            .strip_prefix("/simple/")
            .map(|p| p.trim_end_matches('/'))
        {
            match st.packages.get(pkg) {
                Some(files) => {
                    let files: Vec<_> = files
                        .iter()
                        .map(|(name, bytes)| {
                            serde_json::json!({
                                "filename": name,
                                "url": format!("../../files/{name}"),
                                "hashes": {"sha256": sha256_hex(bytes)},
                            })
                        })
                        .collect();
                    let doc = serde_json::json!({"meta": {"api-version": "1.1"}, "name": pkg, "files": files});
                    (
                        200,
                        "application/vnd.pypi.simple.v1+json",
                        doc.to_string().into_bytes(),
                        None,
                    )
                }
                None => (404, "text/plain", b"no such project".to_vec(), None),
            }
        } else if let Some(name) = path.strip_prefix("/files/") {
            match st.packages.values().flatten().find(|(n, _)| n == name) {
                Some((_, bytes)) => (200, "application/octet-stream", bytes.clone(), st.throttle),
                None => (404, "text/plain", b"no such file".to_vec(), None),
            }
        } else {
            (404, "text/plain", b"not found".to_vec(), None)
        }
    };
    write!(
        conn,
        "HTTP/1.1 {status} X\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )?;
    match throttle {
        None => conn.write_all(&body)?,
        Some(pause) => {
            for piece in body.chunks(16 * 1024) {
                conn.write_all(piece)?;
                conn.flush()?;
                std::thread::sleep(pause);
            }
        }
    }
    conn.flush()
}

/// An index URL on which nothing listens (for "must not touch the network" checks).
pub fn dead_index() -> String {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = l.local_addr().unwrap();
    drop(l);
    format!("http://{addr}/simple")
}

/// Transcript normalisation for WER: lower case, `'` kept inside words, other
/// punctuation to spaces, digits spelled out word by word for small numbers.
pub fn normalize(text: &str) -> Vec<String> {
    let lower = text.to_lowercase();
    let cleaned: String = lower
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '\'' {
                c
            } else {
                ' '
            }
        })
        .collect();
    cleaned
        .split_whitespace()
        .map(|w| w.trim_matches('\'').to_string())
        .filter(|w| !w.is_empty())
        .collect()
}

/// Word error rate of `hyp` against `reference` (both already normalised).
pub fn wer(reference: &[String], hyp: &[String]) -> f64 {
    let (n, m) = (reference.len(), hyp.len());
    let mut prev: Vec<usize> = (0..=m).collect();
    for i in 1..=n {
        let mut cur = vec![i; m + 1];
        for j in 1..=m {
            let sub = prev[j - 1] + usize::from(reference[i - 1] != hyp[j - 1]);
            cur[j] = sub.min(prev[j] + 1).min(cur[j - 1] + 1);
        }
        prev = cur;
    }
    prev[m] as f64 / n.max(1) as f64
}

/// Decode any audio file to 16 kHz mono f32 with the ffmpeg CLI; None (a
/// skip, or a failure when fixtures are required) if ffmpeg is missing.
pub fn decode_16k(path: &Path, tmp: &Path) -> Option<Vec<f32>> {
    let out = tmp.join(format!(
        "{}.f32le",
        path.file_stem().unwrap().to_string_lossy()
    ));
    let status = std::process::Command::new("ffmpeg")
        .args(["-nostdin", "-loglevel", "error", "-y", "-i"])
        .arg(path)
        .args(["-f", "f32le", "-ac", "1", "-ar", "16000"])
        .arg(&out)
        .status()
        .ok();
    let status = reelkit_testkit::available(reelkit_testkit::Fixture::Tools, status, "the `ffmpeg` program")?;
    assert!(status.success(), "ffmpeg failed on {}", path.display());
    let bytes = std::fs::read(&out).unwrap();
    Some(
        bytes
            .chunks_exact(4)
            .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .collect(),
    )
}
