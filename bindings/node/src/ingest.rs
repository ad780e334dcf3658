//! `ingest` (an `ingest` job), `fingerprint` and `sniffContainer` (core
//! `ingest` module).

use napi::bindgen_prelude::AsyncTask;
use napi::Env;
use napi_derive::napi;
use reelkit::config::object;
use serde_json::{json, Value};

use crate::convert::from_js_camel;
use crate::error::throw;
use crate::progress::SignalArg;
use crate::run::{run_legacy, spec, Json, RunOptions, promise_with};
use crate::task::{Job, ProgressCallback, promise};

/// How `ingest` fetches URLs and where it stores what it accepts.
#[napi(object, object_to_js = false)]
pub struct IngestOptions<'a> {
    /// Store accepted media here as `<sha256>.<ext>` (required for URLs).
    pub dest: Option<String>,
    /// Limits the file must meet; unset limits accept anything.
    #[napi(ts_type = "PolicyOptions")]
    pub policy: Option<Value>,
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

/// Fetch (http(s) URLs: directly, or through yt-dlp for pages and
/// playlists), fingerprint, probe and validate `source`; with `dest`, store
/// it there by content. Rejects with `code` `policy_violation` (naming the
/// rule), `download_failed`, `timeout`, `tool_failed`, `not_media`...
#[napi(ts_return_type = "Promise<IngestReport>")]
pub fn ingest(env: &Env, source: String, options: Option<IngestOptions<'_>>) -> napi::Result<AsyncTask<Job<Json>>> {
    let (params, on_progress, signal) = match options {
        Some(o) => (
            object([
                ("dest", json!(o.dest)),
                ("policy", o.policy.map(from_js_camel).unwrap_or_default()),
                (
                    "fetch",
                    object([
                        ("timeout", json!(o.timeout)),
                        ("connect_timeout", json!(o.connect_timeout)),
                        ("idle_timeout", json!(o.idle_timeout)),
                        ("yt_dlp_mode", json!(o.yt_dlp_mode)),
                        ("yt_dlp", json!(o.yt_dlp)),
                        ("format", json!(o.format)),
                    ]),
                ),
            ]),
            o.on_progress,
            o.signal,
        ),
        None => (json!({}), None, None),
    };
    promise(env, on_progress, signal, move |ctl| run_legacy(&spec("ingest", source, None, params)?, ctl))
}

/// The lowercase hex SHA-256 of a file's bytes.
#[napi(ts_return_type = "Promise<string>")]
pub fn fingerprint(env: &Env, path: String, options: Option<RunOptions<'_>>) -> napi::Result<AsyncTask<Job<String>>> {
    promise_with(env, options, move |ctl| reelkit::ingest::fingerprint(path, ctl))
}

/// The container as the file's bytes say (`mp4`, `mov`, `mkv`, `webm`,
/// `mpegts`...), or `null` when no signature matches. Reads 8 KiB, so
/// synchronous.
#[napi]
pub fn sniff_container(env: &Env, path: String) -> napi::Result<Option<String>> {
    reelkit::ingest::sniff_container(path).or_else(|e| throw(env, e))
}
