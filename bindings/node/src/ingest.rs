//! `ingest`, `fingerprint` and `sniffContainer` (core `ingest` module).

use napi::bindgen_prelude::AsyncTask;
use napi::Env;
use napi_derive::napi;
use reelkit::ingest::{FetchConfig, IngestConfig, ValidationPolicy, YtDlpMode};

use crate::error::{throw, Failure};
use crate::media::{MediaInfo, RunOptions};
use crate::progress::SignalArg;
use crate::task::{Control, Job, ProgressCallback};

/// Limits an ingested file must meet; unset limits accept anything.
#[napi(object, object_to_js = false)]
#[derive(Debug, Clone, Default)]
pub struct PolicyOptions {
    /// Largest accepted file in bytes (checked before and during downloads).
    pub max_bytes: Option<f64>,
    pub max_duration: Option<f64>,
    /// Shortest accepted duration (default 0.01 s: no duration at all is rejected).
    pub min_duration: Option<f64>,
    /// Containers accepted, sniffed from the bytes (`mp4`, `mov`, `mkv`, `webm`, `mpegts`...).
    pub allowed_containers: Option<Vec<String>>,
    /// Video codecs accepted (`h264`, `hevc`, `vp9`, `av1`...).
    pub allowed_video_codecs: Option<Vec<String>>,
    /// Audio codecs accepted (`aac`, `opus`, `mp3`...).
    pub allowed_audio_codecs: Option<Vec<String>>,
    pub min_width: Option<u32>,
    pub min_height: Option<u32>,
    pub max_width: Option<u32>,
    pub max_height: Option<u32>,
    pub require_video: Option<bool>,
    pub require_audio: Option<bool>,
}

/// How `ingest` fetches URLs and where it stores what it accepts.
#[napi(object, object_to_js = false)]
pub struct IngestOptions<'a> {
    /// Store accepted media here as `<sha256>.<ext>` (required for URLs).
    pub dest: Option<String>,
    pub policy: Option<PolicyOptions>,
    /// Longest a whole download may take, in seconds (default 3600).
    pub timeout: Option<f64>,
    /// Longest to wait for a connection, in seconds (default 15).
    pub connect_timeout: Option<f64>,
    /// Longest a transfer may stall, in seconds (default 30).
    pub idle_timeout: Option<f64>,
    /// `auto` (default: yt-dlp for pages and playlists), `always` or `never`.
    pub yt_dlp_mode: Option<String>,
    /// The yt-dlp executable (default: on PATH, then the reelkit venv).
    pub yt_dlp: Option<String>,
    /// yt-dlp format selector (`-f`).
    pub format: Option<String>,
    #[napi(ts_type = "(event: ProgressEvent) => void")]
    pub on_progress: Option<ProgressCallback<'a>>,
    #[napi(ts_type = "CancelToken | AbortSignal")]
    pub signal: Option<SignalArg<'a>>,
}

/// What `ingest` produced (the content of `<sha256>.json` in the store).
#[napi(object, object_from_js = false)]
#[derive(Debug, Clone)]
pub struct IngestReport {
    /// The source as given.
    pub source: String,
    /// `file`, `http` or `yt-dlp`.
    pub method: String,
    /// The accepted file: in the store, or the source file itself.
    pub path: String,
    /// Lowercase hex SHA-256 of the bytes.
    pub sha256: String,
    pub size_bytes: i64,
    /// Sniffed from the bytes: `mp4`, `mov`, `mkv`, `webm`, `mpegts`...
    pub container: String,
    /// The store already held these exact bytes.
    pub duplicate: bool,
    /// Title reported by yt-dlp.
    pub title: Option<String>,
    pub media: MediaInfo,
}

impl From<reelkit::ingest::IngestReport> for IngestReport {
    fn from(r: reelkit::ingest::IngestReport) -> Self {
        let method = serde_json::to_value(r.method).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default();
        Self {
            source: r.source,
            method,
            path: r.path,
            sha256: r.sha256,
            size_bytes: i64::try_from(r.size_bytes).unwrap_or(i64::MAX),
            container: r.container,
            duplicate: r.duplicate,
            title: r.title,
            media: r.media.into(),
        }
    }
}

fn policy(o: PolicyOptions) -> Result<ValidationPolicy, Failure> {
    let mut p = ValidationPolicy::default();
    if let Some(bytes) = o.max_bytes {
        if !(bytes.is_finite() && bytes >= 1.0) {
            return Err(Failure::invalid("policy.maxBytes", format!("{bytes} (expected a positive byte count)")));
        }
        p.max_bytes = Some(bytes as u64);
    }
    p.max_duration = o.max_duration.or(p.max_duration);
    p.min_duration = o.min_duration.or(p.min_duration);
    p.allowed_containers = o.allowed_containers.unwrap_or_default();
    p.allowed_video_codecs = o.allowed_video_codecs.unwrap_or_default();
    p.allowed_audio_codecs = o.allowed_audio_codecs.unwrap_or_default();
    p.min_width = o.min_width;
    p.min_height = o.min_height;
    p.max_width = o.max_width;
    p.max_height = o.max_height;
    p.require_video = o.require_video.unwrap_or(false);
    p.require_audio = o.require_audio.unwrap_or(false);
    Ok(p)
}

/// The core config from the options, minus the callbacks.
fn config(o: &mut IngestOptions<'_>) -> Result<IngestConfig, Failure> {
    let mut fetch = FetchConfig::default();
    if let Some(t) = o.timeout {
        fetch = fetch.timeout(t);
    }
    if let Some(t) = o.connect_timeout {
        fetch = fetch.connect_timeout(t);
    }
    if let Some(t) = o.idle_timeout {
        fetch = fetch.idle_timeout(t);
    }
    if let Some(mode) = &o.yt_dlp_mode {
        fetch = fetch.yt_dlp_mode(mode.parse::<YtDlpMode>()?);
    }
    if let Some(path) = &o.yt_dlp {
        fetch = fetch.yt_dlp(path);
    }
    if let Some(format) = &o.format {
        fetch = fetch.format(format);
    }
    let mut config = IngestConfig::default().fetch(fetch).policy(policy(o.policy.take().unwrap_or_default())?);
    if let Some(dest) = &o.dest {
        config = config.dest(dest);
    }
    config.validate()?;
    Ok(config)
}

/// Fetch (http(s) URLs: directly, or through yt-dlp for pages and
/// playlists), fingerprint, probe and validate `source`; with `dest`, store
/// it there by content. Rejects with `code` `policy_violation` (naming the
/// rule), `download_failed`, `timeout`, `tool_failed`, `not_media`...
#[napi(ts_return_type = "Promise<IngestReport>")]
pub fn ingest(env: &Env, source: String, options: Option<IngestOptions<'_>>) -> napi::Result<AsyncTask<Job<IngestReport>>> {
    // Bad settings reject the promise, like every other failure.
    let (config, on_progress, signal) = match options {
        Some(mut o) => (config(&mut o), o.on_progress, o.signal),
        None => (Ok(IngestConfig::default()), None, None),
    };
    let control = Control::new(env, on_progress, signal)?;
    let ctl = control.run_ctl();
    Ok(AsyncTask::new(Job::new(control, move || Ok(reelkit::ingest::ingest(&source, &config?, &ctl)?.into()))))
}

/// The lowercase hex SHA-256 of a file's bytes.
#[napi(ts_return_type = "Promise<string>")]
pub fn fingerprint(env: &Env, path: String, options: Option<RunOptions<'_>>) -> napi::Result<AsyncTask<Job<String>>> {
    let (on_progress, signal) = options.map(|o| (o.on_progress, o.signal)).unwrap_or_default();
    let control = Control::new(env, on_progress, signal)?;
    let ctl = control.run_ctl();
    Ok(AsyncTask::new(Job::new(control, move || Ok(reelkit::ingest::fingerprint(path, &ctl)?))))
}

/// The container as the file's bytes say (`mp4`, `mov`, `mkv`, `webm`,
/// `mpegts`...), or `null` when no signature matches. Reads 8 KiB, so
/// synchronous.
#[napi]
pub fn sniff_container(env: &Env, path: String) -> napi::Result<Option<String>> {
    match reelkit::ingest::sniff_container(path) {
        Ok(found) => Ok(found),
        Err(e) => throw(env, e),
    }
}
