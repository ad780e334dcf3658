//! Downloads through yt-dlp, run as a subprocess with a deadline: progress is
//! parsed from its output and forwarded, cancellation and time-outs kill its
//! whole process group (it may have started ffmpeg to merge or remux).

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use super::fetch::FetchConfig;
use super::fingerprint::byte_progress;
use super::policy::ValidationPolicy;
use crate::error::{Error, Result};
use crate::progress::{RunCtl, Stage};

const TOOL: &str = "yt-dlp";
/// Marks our progress lines among yt-dlp's other output.
const PROGRESS_TAG: &str = "[reelkit-progress]";
const RESULT_TAG: &str = "[reelkit-result]";

/// Where yt-dlp is looked for when no path is configured: `yt-dlp` on
/// `PATH`, then `$REELKIT_VENV/bin/yt-dlp`, then
/// `~/.cache/reelkit/venv/bin/yt-dlp`.
pub fn locate_yt_dlp(configured: Option<&Path>) -> Option<PathBuf> {
    if let Some(path) = configured {
        return is_executable(path).then(|| path.to_path_buf());
    }
    let on_path = std::env::var_os("PATH")
        .into_iter()
        .flat_map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .map(|dir| dir.join(TOOL));
    let venv = std::env::var_os("REELKIT_VENV").map(|v| PathBuf::from(v).join("bin").join(TOOL));
    let cache = std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache/reelkit/venv/bin").join(TOOL));
    on_path.chain(venv).chain(cache).find(|p| is_executable(p))
}

fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// What yt-dlp reports about the file it wrote.
#[derive(Debug, Clone, Default, serde::Deserialize, schemars::JsonSchema)]
pub(crate) struct Downloaded {
    pub filepath: PathBuf,
    pub title: Option<String>,
}

/// Download `url` with yt-dlp into `dir` (which should be empty).
pub(crate) fn download(
    url: &str,
    dir: &Path,
    config: &FetchConfig,
    policy: &ValidationPolicy,
    ctl: &RunCtl,
) -> Result<Downloaded> {
    let program = locate_yt_dlp(config.yt_dlp.as_deref()).ok_or_else(|| Error::tool(TOOL, match &config.yt_dlp {
            Some(p) => format!("{} is not an executable file", p.display()),
            None => "not found on PATH or in the reelkit venv (install it with `pip install yt-dlp`)".into(),
        }))?;
    ctl.check()?;
    let mut command = Command::new(&program);
    command
        .args(["--ignore-config", "--no-playlist", "--newline", "--progress", "--color", "never"])
        .args(["--no-cache-dir", "--no-mtime", "--restrict-filenames"])
        .args(["--retries", "2", "--fragment-retries", "2", "--extractor-retries", "1"])
        .arg("--socket-timeout")
        .arg(format!("{}", config.idle_timeout.ceil().max(1.0)))
        .arg("--progress-template")
        .arg(format!(
            "download:{PROGRESS_TAG} %(progress.downloaded_bytes)s %(progress.total_bytes)s \
             %(progress.total_bytes_estimate)s %(progress.speed)s %(progress.eta)s"
        ))
        .arg("--print")
        .arg(format!("after_move:{RESULT_TAG} %(.{{filepath,title}})j"))
        .arg("--paths")
        .arg(dir)
        .args(["--output", "media.%(ext)s"]);
    if let Some(max) = policy.max_bytes {
        command.arg("--max-filesize").arg(max.to_string());
    }
    if let Some(format) = &config.format {
        command.args(["--format", format]);
    }
    command.arg("--").arg(url);
    command.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
    // Its own process group, so a kill reaches the ffmpeg it may have started.
    std::os::unix::process::CommandExt::process_group(&mut command, 0);
    let child = command
        .spawn()
        .map_err(|e| Error::tool(TOOL, format!("cannot run {}: {e}", program.display())))?;
    let mut run = Running::new(child);
    let outcome = run.wait(url, config, ctl);
    run.kill();
    let (status, lines) = outcome?;

    let mut result: Option<Downloaded> = None;
    let mut errors = Vec::new();
    let mut too_large = false;
    for line in &lines {
        if let Some(json) = line.strip_prefix(RESULT_TAG) {
            result = serde_json::from_str(json.trim()).ok();
        } else if line.contains("larger than max-filesize") {
            too_large = true;
        } else if let Some(message) = line.strip_prefix("ERROR:") {
            errors.push(message.trim().to_owned());
        }
    }
    if too_large {
        let limit = policy.max_bytes.unwrap_or(0);
        return Err(Error::policy_violation(url, "max_bytes", format!("yt-dlp reports the media is larger than {limit} bytes")));
    }
    match result {
        Some(found) if status.success() && found.filepath.is_file() => Ok(found),
        _ => Err(Error::download(url, errors.last().cloned().unwrap_or_else(|| format!("yt-dlp exited with {status} and no file")))),
    }
}

/// A running yt-dlp and the threads reading its output.
struct Running {
    child: Child,
    lines: mpsc::Receiver<String>,
    killed: bool,
}

impl Running {
    fn new(mut child: Child) -> Self {
        let (tx, lines) = mpsc::channel();
        for stream in [child.stdout.take().map(boxed), child.stderr.take().map(boxed)].into_iter().flatten() {
            let tx = tx.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(stream).lines() {
                    let Ok(line) = line else { break };
                    if tx.send(line).is_err() {
                        break;
                    }
                }
            });
        }
        Self { child, lines, killed: false }
    }

    /// Wait for the exit, forwarding progress, until cancelled or past the
    /// deadline. Returns the exit status and every non-progress line.
    fn wait(&mut self, url: &str, config: &FetchConfig, ctl: &RunCtl) -> Result<(std::process::ExitStatus, Vec<String>)> {
        let started = Instant::now();
        let deadline = Duration::from_secs_f64(config.timeout);
        let mut kept = Vec::new();
        loop {
            match self.lines.recv_timeout(Duration::from_millis(50)) {
                Ok(line) => match parse_progress(&line) {
                    Some((done, total, speed, eta)) => {
                        let mut event = byte_progress(Stage::Download, done, total, started.elapsed().as_secs_f64());
                        event.rate = speed.or(event.rate);
                        event.eta = eta.or(event.eta);
                        ctl.emit(event);
                    }
                    None => kept.push(line),
                },
                Err(mpsc::RecvTimeoutError::Timeout) => {}
                // Both pipes closed: yt-dlp (and anything it started) is done.
                Err(mpsc::RecvTimeoutError::Disconnected) => {
                    let status = self.child.wait().map_err(|e| Error::tool(TOOL, e.to_string()))?;
                    self.killed = true;
                    return Ok((status, kept));
                }
            }
            ctl.check()?;
            if started.elapsed() >= deadline {
                return Err(Error::timeout(format!("yt-dlp {url}"), config.timeout));
            }
        }
    }

    /// Kill the process group if it still runs, and reap the child.
    fn kill(&mut self) {
        if self.killed {
            return;
        }
        self.killed = true;
        if matches!(self.child.try_wait(), Ok(None)) {
            let pgid = self.child.id() as libc::pid_t;
            // SAFETY: signalling a process group we created; no memory involved.
            unsafe {
                libc::killpg(pgid, libc::SIGKILL);
            }
        }
        let _ = self.child.wait();
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        self.kill();
    }
}

fn boxed<R: Read + Send + 'static>(r: R) -> Box<dyn Read + Send> {
    Box::new(r)
}

/// Bytes downloaded, the total when known, bytes per second and seconds
/// left, as yt-dlp reports them.
type DownloadProgress = (u64, Option<u64>, Option<f64>, Option<f64>);

/// The download state in one of our progress lines.
fn parse_progress(line: &str) -> Option<DownloadProgress> {
    let rest = line.trim().strip_prefix(PROGRESS_TAG)?;
    let fields: Vec<Option<f64>> = rest.split_whitespace().map(|f| f.parse::<f64>().ok()).collect();
    let field = |i: usize| fields.get(i).copied().flatten().filter(|v| v.is_finite() && *v >= 0.0);
    let done = field(0)? as u64;
    let total = field(1).or(field(2)).map(|t| t as u64);
    Some((done, total, field(3), field(4)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_lines_parse_with_missing_fields() {
        assert_eq!(
            parse_progress("[reelkit-progress] 1024 4096 NA 512.5 6"),
            Some((1024, Some(4096), Some(512.5), Some(6.0)))
        );
        assert_eq!(parse_progress("[reelkit-progress] 10 NA 100.0 NA NA"), Some((10, Some(100), None, None)));
        assert_eq!(parse_progress("[download] 10% of 1MiB"), None);
    }

    #[test]
    fn a_configured_path_must_be_executable() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("yt-dlp");
        std::fs::write(&file, "#!/bin/sh\n").unwrap();
        assert_eq!(locate_yt_dlp(Some(&file)), None);
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o755)).unwrap();
        assert_eq!(locate_yt_dlp(Some(&file)), Some(file));
    }
}
