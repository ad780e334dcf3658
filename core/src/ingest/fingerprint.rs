//! Content fingerprints: the SHA-256 of a file's bytes, so the same media
//! uploaded twice (under any name, from any source) is recognised.

use std::io::{Read, Write};
use std::path::Path;
use std::time::Instant;

use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::progress::{ProgressEvent, RunCtl, Stage};

/// Read size; cancellation is checked between reads.
pub(crate) const CHUNK: usize = 256 * 1024;

/// The lowercase hex SHA-256 of the file at `path`, reading it in chunks
/// (progress in bytes under [`Stage::Fingerprint`], cancellable).
pub fn fingerprint(path: impl AsRef<Path>, ctl: &RunCtl) -> Result<String> {
    let path = path.as_ref();
    let mut file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let total = file.metadata().map(|m| m.len()).ok();
    let mut hasher = Hasher::new(Stage::Fingerprint, total);
    let mut buf = vec![0u8; CHUNK];
    loop {
        ctl.check()?;
        let n = file.read(&mut buf).map_err(|e| Error::io(path, e))?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n], ctl);
    }
    Ok(hasher.finish(ctl))
}

/// Hashes bytes as they stream past and reports progress in bytes.
pub(crate) struct Hasher {
    sha: Sha256,
    stage: Stage,
    done: u64,
    total: Option<u64>,
    started: Instant,
    last_report: Instant,
}

impl Hasher {
    pub(crate) fn new(stage: Stage, total: Option<u64>) -> Self {
        let now = Instant::now();
        Self { sha: Sha256::new(), stage, done: 0, total, started: now, last_report: now }
    }

    pub(crate) fn bytes(&self) -> u64 {
        self.done
    }

    pub(crate) fn update(&mut self, bytes: &[u8], ctl: &RunCtl) {
        self.sha.update(bytes);
        self.done += bytes.len() as u64;
        if self.last_report.elapsed().as_millis() >= 200 {
            self.last_report = Instant::now();
            self.report(ctl);
        }
    }

    fn report(&self, ctl: &RunCtl) {
        ctl.emit(byte_progress(self.stage, self.done, self.total, self.started.elapsed().as_secs_f64()));
    }

    pub(crate) fn finish(self, ctl: &RunCtl) -> String {
        self.report(ctl);
        hex::encode(self.sha.finalize())
    }
}

/// A byte-counting progress event with throughput and ETA.
pub(crate) fn byte_progress(stage: Stage, done: u64, total: Option<u64>, elapsed: f64) -> ProgressEvent {
    let rate = (elapsed > 0.05 && done > 0).then(|| done as f64 / elapsed);
    let eta = match (rate, total) {
        (Some(r), Some(t)) if t >= done => Some((t - done) as f64 / r),
        _ => None,
    };
    ProgressEvent {
        stage,
        done: done as f64,
        total: total.map(|t| t as f64),
        unit: "bytes",
        message: None,
        rate,
        eta,
    }
}

/// Why [`copy_hashing`] stopped early.
#[derive(Debug)]
pub(crate) enum CopyError {
    Read(std::io::Error),
    Write(std::io::Error),
    /// More than the limit arrived; carries the byte count so far.
    TooLarge(u64),
    Cancelled,
}

/// Copy `reader` into `writer`, hashing on the way; returns bytes copied.
/// Stops with [`CopyError::TooLarge`] once more than `limit` bytes arrive.
pub(crate) fn copy_hashing(
    reader: &mut dyn Read,
    writer: &mut dyn Write,
    hasher: &mut Hasher,
    limit: Option<u64>,
    ctl: &RunCtl,
) -> std::result::Result<u64, CopyError> {
    let mut buf = vec![0u8; CHUNK];
    loop {
        if ctl.check().is_err() {
            return Err(CopyError::Cancelled);
        }
        let n = match reader.read(&mut buf) {
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(CopyError::Read(e)),
        };
        if n == 0 {
            return Ok(hasher.bytes());
        }
        let total = hasher.bytes() + n as u64;
        if limit.is_some_and(|limit| total > limit) {
            return Err(CopyError::TooLarge(total));
        }
        writer.write_all(&buf[..n]).map_err(CopyError::Write)?;
        hasher.update(&buf[..n], ctl);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_digest() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("abc");
        std::fs::write(&path, b"abc").unwrap();
        assert_eq!(
            fingerprint(&path, &RunCtl::default()).unwrap(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn progress_reports_rate_and_eta() {
        let e = byte_progress(Stage::Download, 50, Some(150), 2.0);
        assert_eq!(e.rate, Some(25.0));
        assert_eq!(e.eta, Some(4.0));
        assert_eq!(e.fraction(), Some(50.0 / 150.0));
        assert_eq!(byte_progress(Stage::Download, 0, None, 0.0).rate, None);
    }
}
