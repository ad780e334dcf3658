//! Ingest and transcode: `ingest`, `fingerprint`, `sniffContainer` and
//! `transcode`, with their option and report records.

use std::sync::Arc;

use reelkit::ingest::{FetchConfig, IngestConfig, ValidationPolicy, YtDlpMode};
use reelkit::transcode::{
    HlsConfig, ProxyConfig, SegmentFormat, SpriteConfig, ThumbnailConfig, TranscodeJob, WaveformConfig,
};

use crate::error::ReelkitError;
use crate::progress::{CancelHandle, ProgressObserver};
use crate::task::run_blocking;
use crate::types::MediaInfo;

/// How `ingest` validates, fetches and stores. Every field is optional.
#[derive(Debug, Clone, PartialEq, Default, uniffi::Record)]
pub struct IngestOptions {
    /// Store accepted media here as `<sha256>.<ext>` (required for URLs).
    #[uniffi(default = None)]
    pub dest: Option<String>,
    /// Largest accepted file in bytes (checked before and during downloads).
    #[uniffi(default = None)]
    pub max_bytes: Option<u64>,
    #[uniffi(default = None)]
    pub max_duration: Option<f64>,
    /// Shortest accepted duration (default 0.01 s).
    #[uniffi(default = None)]
    pub min_duration: Option<f64>,
    /// Containers accepted, sniffed from the bytes (`mp4`, `mov`, `mkv`,
    /// `webm`, `mpegts`...); empty accepts any.
    #[uniffi(default = [])]
    pub allowed_containers: Vec<String>,
    #[uniffi(default = [])]
    pub allowed_video_codecs: Vec<String>,
    #[uniffi(default = [])]
    pub allowed_audio_codecs: Vec<String>,
    #[uniffi(default = None)]
    pub min_width: Option<u32>,
    #[uniffi(default = None)]
    pub min_height: Option<u32>,
    #[uniffi(default = None)]
    pub max_width: Option<u32>,
    #[uniffi(default = None)]
    pub max_height: Option<u32>,
    #[uniffi(default = false)]
    pub require_video: bool,
    #[uniffi(default = false)]
    pub require_audio: bool,
    /// Longest a whole download may take, in seconds (default 3600).
    #[uniffi(default = None)]
    pub timeout: Option<f64>,
    /// Longest to wait for a connection (default 15 s).
    #[uniffi(default = None)]
    pub connect_timeout: Option<f64>,
    /// Longest a transfer may stall (default 30 s).
    #[uniffi(default = None)]
    pub idle_timeout: Option<f64>,
    /// `auto` (default), `always` or `never`.
    #[uniffi(default = None)]
    pub yt_dlp_mode: Option<String>,
    /// The yt-dlp executable (default: on PATH, then the reelkit venv).
    #[uniffi(default = None)]
    pub yt_dlp: Option<String>,
    /// yt-dlp format selector (`-f`).
    #[uniffi(default = None)]
    pub format: Option<String>,
}

/// What `ingest` produced (the content of `<sha256>.json` in the store).
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct IngestReport {
    pub source: String,
    /// `file`, `http` or `yt-dlp`.
    pub method: String,
    /// The accepted file: in the store, or the source file itself.
    pub path: String,
    /// Lowercase hex SHA-256 of the bytes.
    pub sha256: String,
    pub size_bytes: u64,
    /// Sniffed from the bytes (`mp4`, `mov`, `mkv`, `webm`, `mpegts`...).
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
        IngestReport {
            source: r.source,
            method,
            path: r.path,
            sha256: r.sha256,
            size_bytes: r.size_bytes,
            container: r.container,
            duplicate: r.duplicate,
            title: r.title,
            media: r.media.into(),
        }
    }
}

fn ingest_config(o: &IngestOptions) -> Result<IngestConfig, ReelkitError> {
    let mut policy = ValidationPolicy::default()
        .allowed_containers(o.allowed_containers.iter().cloned())
        .allowed_video_codecs(o.allowed_video_codecs.iter().cloned())
        .allowed_audio_codecs(o.allowed_audio_codecs.iter().cloned())
        .require_video(o.require_video)
        .require_audio(o.require_audio);
    policy.max_bytes = o.max_bytes;
    policy.max_duration = o.max_duration;
    policy.min_duration = o.min_duration.or(policy.min_duration);
    policy.min_width = o.min_width;
    policy.min_height = o.min_height;
    policy.max_width = o.max_width;
    policy.max_height = o.max_height;
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
    let mut config = IngestConfig::default().policy(policy).fetch(fetch);
    if let Some(dest) = &o.dest {
        config = config.dest(dest);
    }
    config.validate()?;
    Ok(config)
}

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
    let config = ingest_config(&options.unwrap_or_default())?;
    run_blocking("ingest", observer, cancel, move |ctl| Ok(reelkit::ingest::ingest(&source, &config, ctl)?.into()))
        .await
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

/// An HLS ladder written into `dir`.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct HlsOptions {
    pub dir: String,
    /// Rungs by the short side of the picture (default 1080, 720, 480).
    #[uniffi(default = None)]
    pub ladder: Option<Vec<u32>>,
    /// Segment length in seconds (default 4).
    #[uniffi(default = None)]
    pub segment_seconds: Option<f64>,
    /// `fmp4` (default) or `ts`.
    #[uniffi(default = None)]
    pub segment_format: Option<String>,
    /// x264 preset (default `veryfast`).
    #[uniffi(default = None)]
    pub preset: Option<String>,
    /// x264 constant rate factor (default 23).
    #[uniffi(default = None)]
    pub crf: Option<u8>,
    /// AAC bits per second (default 128000).
    #[uniffi(default = None)]
    pub audio_bitrate: Option<u32>,
}

/// A proxy/mezzanine MP4 for editing.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct ProxyOptions {
    pub path: String,
    /// Short side in pixels (default 720; never above the source).
    #[uniffi(default = None)]
    pub height: Option<u32>,
    /// Seconds between keyframes (default 1; 0 = every frame).
    #[uniffi(default = None)]
    pub keyframe_interval: Option<f64>,
    #[uniffi(default = None)]
    pub preset: Option<String>,
    /// x264 constant rate factor (default 20).
    #[uniffi(default = None)]
    pub crf: Option<u8>,
}

/// JPEG thumbnails at evenly spaced times.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct ThumbnailOptions {
    pub dir: String,
    /// How many (default 10).
    #[uniffi(default = None)]
    pub count: Option<u32>,
    /// Width in pixels (default 320).
    #[uniffi(default = None)]
    pub width: Option<u32>,
}

/// Sprite sheets and a WebVTT thumbnail track (`thumbnails.vtt`).
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct SpriteOptions {
    pub dir: String,
    /// Seconds between tiles (default 2).
    #[uniffi(default = None)]
    pub interval: Option<f64>,
    /// Tile width in pixels (default 160).
    #[uniffi(default = None)]
    pub tile_width: Option<u32>,
    /// Tiles per row and rows per sheet (default 10 x 10).
    #[uniffi(default = None)]
    pub columns: Option<u32>,
    #[uniffi(default = None)]
    pub rows: Option<u32>,
}

/// Waveform peaks as audiowaveform JSON.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct WaveformOptions {
    pub path: String,
    /// Min/max pairs per second (default 100).
    #[uniffi(default = None)]
    pub peaks_per_second: Option<u32>,
    /// 8 (default) or 16.
    #[uniffi(default = None)]
    pub bits: Option<u8>,
}

/// What `transcode` makes: at least one output. `jobJson` (a full
/// transcode job as JSON, as the CLI and the server accept it) is read
/// first; the sections that are set replace its sections.
#[derive(Debug, Clone, PartialEq, Default, uniffi::Record)]
pub struct TranscodeOptions {
    #[uniffi(default = None)]
    pub hls: Option<HlsOptions>,
    #[uniffi(default = None)]
    pub proxy: Option<ProxyOptions>,
    #[uniffi(default = None)]
    pub thumbnails: Option<ThumbnailOptions>,
    #[uniffi(default = None)]
    pub sprite: Option<SpriteOptions>,
    #[uniffi(default = None)]
    pub waveform: Option<WaveformOptions>,
    /// CPU threads to spread the encoders over (`nil`: every core).
    #[uniffi(default = None)]
    pub threads: Option<u32>,
    #[uniffi(default = None)]
    pub job_json: Option<String>,
}

fn transcode_job(o: &TranscodeOptions) -> Result<TranscodeJob, ReelkitError> {
    let mut job = match &o.job_json {
        Some(json) => serde_json::from_str::<TranscodeJob>(json).map_err(|e| ReelkitError::invalid("job_json", e.to_string()))?,
        None => TranscodeJob::default(),
    };
    if let Some(threads) = o.threads {
        job.threads = threads as usize;
    }
    if let Some(h) = &o.hls {
        let mut hls = HlsConfig::new(&h.dir);
        if let Some(ladder) = &h.ladder {
            hls = hls.ladder(ladder.iter().copied());
        }
        if let Some(seconds) = h.segment_seconds {
            hls = hls.segment_seconds(seconds);
        }
        if let Some(format) = &h.segment_format {
            hls = hls.segment_format(format.parse::<SegmentFormat>()?);
        }
        if let Some(preset) = &h.preset {
            hls = hls.preset(preset);
        }
        if let Some(crf) = h.crf {
            hls = hls.crf(crf);
        }
        if let Some(bits) = h.audio_bitrate {
            hls = hls.audio_bitrate(bits);
        }
        job.hls = Some(hls);
    }
    if let Some(p) = &o.proxy {
        let mut proxy = ProxyConfig::new(&p.path);
        if let Some(height) = p.height {
            proxy = proxy.height(height);
        }
        if let Some(interval) = p.keyframe_interval {
            proxy = proxy.keyframe_interval(interval);
        }
        if let Some(preset) = &p.preset {
            proxy = proxy.preset(preset);
        }
        if let Some(crf) = p.crf {
            proxy = proxy.crf(crf);
        }
        job.proxy = Some(proxy);
    }
    if let Some(t) = &o.thumbnails {
        let mut thumbnails = ThumbnailConfig::new(&t.dir);
        if let Some(count) = t.count {
            thumbnails = thumbnails.count(count as usize);
        }
        if let Some(width) = t.width {
            thumbnails = thumbnails.width(width);
        }
        job.thumbnails = Some(thumbnails);
    }
    if let Some(s) = &o.sprite {
        let mut sprite = SpriteConfig::new(&s.dir);
        if let Some(interval) = s.interval {
            sprite = sprite.interval(interval);
        }
        if let Some(width) = s.tile_width {
            sprite = sprite.tile_width(width);
        }
        let (columns, rows) = (s.columns.unwrap_or(sprite.columns), s.rows.unwrap_or(sprite.rows));
        job.sprite = Some(sprite.grid(columns, rows));
    }
    if let Some(w) = &o.waveform {
        let mut waveform = WaveformConfig::new(&w.path);
        if let Some(peaks) = w.peaks_per_second {
            waveform = waveform.peaks_per_second(peaks);
        }
        if let Some(bits) = w.bits {
            waveform = waveform.bits(bits);
        }
        job.waveform = Some(waveform);
    }
    job.validate()?;
    Ok(job)
}

/// One HLS rendition as written.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct RenditionReport {
    /// `1080p`, `720p`... or `audio`; also its directory.
    pub name: String,
    /// `video` or `audio`.
    pub kind: String,
    /// Media playlist, relative to the HLS directory.
    pub playlist: String,
    pub width: Option<u32>,
    pub height: Option<u32>,
    pub codecs: String,
    /// Peak segment bit rate, bits per second.
    pub bandwidth: u64,
    pub average_bandwidth: u64,
    pub segments: u32,
    pub duration: f64,
    /// Frames encoded (video) or samples per channel (audio).
    pub units: u64,
    pub threads: Option<u32>,
}

/// The HLS output.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct HlsReport {
    pub dir: String,
    pub master: String,
    pub segment_format: String,
    pub segment_seconds: f64,
    pub renditions: Vec<RenditionReport>,
    pub skipped_rungs: Vec<u32>,
}

/// The proxy MP4.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct ProxyReport {
    pub path: String,
    pub width: Option<u32>,
    pub height: Option<u32>,
    pub frames: u64,
    pub audio: bool,
}

/// One still: the time of the frame shown and its file name.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct Still {
    pub time: f64,
    pub file: String,
}

/// The thumbnails.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct ThumbnailsReport {
    pub dir: String,
    pub width: u32,
    pub height: u32,
    pub files: Vec<Still>,
}

/// The sprite sheets and their WebVTT track.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct SpriteReport {
    pub dir: String,
    /// The WebVTT track, relative to `dir`.
    pub vtt: String,
    pub sheets: Vec<String>,
    pub tiles: u32,
    pub tile_width: u32,
    pub tile_height: u32,
    pub columns: u32,
    pub rows: u32,
    pub interval: f64,
}

/// The waveform file.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct WaveformReport {
    pub path: String,
    pub peaks_per_second: u32,
    pub samples_per_pixel: u32,
    pub sample_rate: u32,
    pub length: u32,
}

/// What `transcode` made.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct TranscodeReport {
    pub input: String,
    pub duration: f64,
    /// Video frames decoded: once, whatever the number of outputs.
    pub decoded_frames: u64,
    pub elapsed: f64,
    pub fps: f64,
    pub hls: Option<HlsReport>,
    pub proxy: Option<ProxyReport>,
    pub thumbnails: Option<ThumbnailsReport>,
    pub sprite: Option<SpriteReport>,
    pub waveform: Option<WaveformReport>,
}

fn small(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl From<reelkit::transcode::TranscodeReport> for TranscodeReport {
    fn from(r: reelkit::transcode::TranscodeReport) -> Self {
        TranscodeReport {
            input: r.input,
            duration: r.duration,
            decoded_frames: r.decoded_frames,
            elapsed: r.elapsed,
            fps: r.fps,
            hls: r.hls.map(|h| HlsReport {
                dir: h.dir,
                master: h.master,
                segment_format: h.segment_format.as_str().to_owned(),
                segment_seconds: h.segment_seconds,
                renditions: h
                    .renditions
                    .into_iter()
                    .map(|r| RenditionReport {
                        name: r.name,
                        kind: r.kind,
                        playlist: r.playlist,
                        width: r.width,
                        height: r.height,
                        codecs: r.codecs,
                        bandwidth: r.bandwidth,
                        average_bandwidth: r.average_bandwidth,
                        segments: small(r.segments),
                        duration: r.duration,
                        units: r.units,
                        threads: r.threads.map(small),
                    })
                    .collect(),
                skipped_rungs: h.skipped_rungs,
            }),
            proxy: r.proxy.map(|p| ProxyReport {
                path: p.path,
                width: p.width,
                height: p.height,
                frames: p.frames,
                audio: p.audio,
            }),
            thumbnails: r.thumbnails.map(|t| ThumbnailsReport {
                dir: t.dir,
                width: t.width,
                height: t.height,
                files: t.files.into_iter().map(|s| Still { time: s.time, file: s.file }).collect(),
            }),
            sprite: r.sprite.map(|s| SpriteReport {
                dir: s.dir,
                vtt: s.vtt,
                sheets: s.sheets,
                tiles: small(s.tiles),
                tile_width: s.tile_width,
                tile_height: s.tile_height,
                columns: s.columns,
                rows: s.rows,
                interval: s.interval,
            }),
            waveform: r.waveform.map(|w| WaveformReport {
                path: w.path,
                peaks_per_second: w.peaks_per_second,
                samples_per_pixel: w.samples_per_pixel,
                sample_rate: w.sample_rate,
                length: small(w.length),
            }),
        }
    }
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
    let job = transcode_job(&options)?;
    run_blocking("transcode", observer, cancel, move |ctl| Ok(reelkit::transcode::transcode(&input, &job, ctl)?.into()))
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_replace_the_job_json_and_bad_values_are_named() {
        let options = TranscodeOptions {
            job_json: Some(r#"{"proxy": {"path": "p.mp4", "height": 360}, "threads": 2}"#.into()),
            hls: Some(HlsOptions {
                dir: "out".into(),
                ladder: Some(vec![720, 360]),
                segment_seconds: None,
                segment_format: Some("ts".into()),
                preset: None,
                crf: Some(26),
                audio_bitrate: None,
            }),
            ..TranscodeOptions::default()
        };
        let job = transcode_job(&options).unwrap();
        assert_eq!(job.threads, 2);
        assert_eq!(job.proxy.unwrap().height, 360);
        let hls = job.hls.unwrap();
        assert_eq!((hls.ladder, hls.crf, hls.segment_format), (vec![720, 360], 26, SegmentFormat::Ts));
        assert_eq!(transcode_job(&TranscodeOptions::default()).unwrap_err().code(), "invalid_parameter");
        let bad = IngestOptions { yt_dlp_mode: Some("sometimes".into()), ..IngestOptions::default() };
        assert!(matches!(ingest_config(&bad), Err(ReelkitError::InvalidParameter { ref name, .. }) if name == "yt_dlp_mode"));
    }
}
