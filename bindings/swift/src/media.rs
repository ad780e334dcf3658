//! Ingest and transcode as jobs, plus the quick file checks
//! (`fingerprint`, `sniffContainer`).

use std::sync::Arc;

use reelkit::ingest::IngestReport;
use reelkit::transcode::TranscodeReport;

use crate::engine::{report_of, run_spec, shared, spec};
use crate::error::ReelkitError;
use crate::options::{IngestOptions, TranscodeOptions};
use crate::progress::{CancelHandle, ProgressObserver};
use crate::task::run_blocking;

/// Fetch (http(s) URLs: directly, or through yt-dlp for pages and
/// playlists), fingerprint, probe and validate `source`; with `dest`, store
/// it there by content and recognise duplicates.
#[uniffi::export(default(options = None, observer = None, cancel = None))]
pub async fn ingest(
    source: String,
    options: Option<IngestOptions>,
    observer: Option<Arc<dyn ProgressObserver>>,
    cancel: Option<Arc<CancelHandle>>,
) -> Result<IngestReport, ReelkitError> {
    let params = options.unwrap_or_default().params();
    let report = run_spec(shared(None), spec("ingest", &source, None, params), observer, cancel).await?;
    report_of!(report, Ingest)
}

/// The lowercase hex SHA-256 of a file's bytes.
#[uniffi::export(default(observer = None, cancel = None))]
pub async fn fingerprint(
    path: String,
    observer: Option<Arc<dyn ProgressObserver>>,
    cancel: Option<Arc<CancelHandle>>,
) -> Result<String, ReelkitError> {
    run_blocking("fingerprint", observer, cancel, move |ctl| Ok(reelkit::ingest::fingerprint(&path, ctl)?)).await
}

/// The container as the file's bytes say (`mp4`, `mov`, `mkv`, `webm`,
/// `mpegts`...), or `nil` when no signature matches. Reads 8 KiB, so
/// synchronous.
#[uniffi::export]
pub fn sniff_container(path: String) -> Result<Option<String>, ReelkitError> {
    Ok(reelkit::ingest::sniff_container(path)?)
}

/// Make every output in `options` from one decode of `input`: an HLS
/// ladder, a proxy MP4, thumbnails, sprite sheets with a WebVTT track,
/// waveform peaks. Progress (stage `transcode`) carries `rate` (fps) and
/// `eta`; a failed or cancelled job leaves nothing at the output paths.
#[uniffi::export(default(observer = None, cancel = None))]
pub async fn transcode(
    input: String,
    options: TranscodeOptions,
    observer: Option<Arc<dyn ProgressObserver>>,
    cancel: Option<Arc<CancelHandle>>,
) -> Result<TranscodeReport, ReelkitError> {
    let report = run_spec(shared(None), spec("transcode", &input, None, options.params()?), observer, cancel).await?;
    report_of!(report, Transcode)
}
