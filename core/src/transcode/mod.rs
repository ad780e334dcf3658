//! Transcode: one decode of the input feeds every output a player or an
//! editor needs — an HLS ladder (H.264 rungs + one shared AAC rendition),
//! a proxy MP4, thumbnails, sprite sheets with a WebVTT track, and waveform
//! peaks.
//!
//! ```no_run
//! use reelkit::transcode::{transcode, HlsConfig, ProxyConfig, TranscodeJob};
//! let job = TranscodeJob::default()
//!     .hls(HlsConfig::new("out/hls").ladder([1080, 720, 480]).crf(23))
//!     .proxy(ProxyConfig::new("out/proxy.mp4"));
//! let report = transcode("talk.mp4", &job, &reelkit::RunCtl::default())?;
//! println!("{}", report.hls.unwrap().master);
//! # Ok::<(), reelkit::Error>(())
//! ```
//!
//! How it runs: the calling thread demuxes and decodes each stream once
//! and puts the frames on the media clock; every video output (each rung,
//! the proxy, the stills) runs in its own thread with its own scaler and
//! x264 instance, reading the same reference-counted frames; one audio
//! thread encodes AAC once for the HLS rendition and the proxy alike. The
//! largest encoder gets x264's own thread count for the machine, the others
//! a share by pixel count. Segment starts are decided once, on the decoded
//! frames, so every rung has closed GOPs at the same instants. Outputs
//! appear only when the whole job succeeded.
//!
//! Timestamps: every HLS rendition is moved later by the same small offset
//! (at least 0.2 s, enough for B-frame reordering and AAC priming) so that
//! none starts below zero; otherwise the muxer would shift each rendition by
//! its own amount and put audio and video out of step. The proxy MP4 keeps
//! the source clock (edit lists cover reordering and priming).

mod audio;
mod config;
mod encoders;
mod hls;
mod images;
mod plan;
mod proxy;
mod scale;
mod source;
mod staging;
mod video;
mod waveform;

use std::path::Path;
use std::sync::mpsc::sync_channel;
use std::time::Instant;

use ffmpeg_next as ff;
use serde::{Deserialize, Serialize};

pub use config::{
    HlsConfig, ProxyConfig, SegmentFormat, SpriteConfig, ThumbnailConfig, TranscodeJob, WaveformConfig, X264_PRESETS,
};
pub use hls::MASTER_PLAYLIST;
pub use images::{Still, SPRITE_VTT};
pub use waveform::Waveform;

use crate::error::{Error, Result};
use crate::media::{open_aac, probe};
use crate::progress::{CancelToken, RunCtl};
use audio::{AudioDone, AudioOutput};
use encoders::{avc_codec_string, open_h264, Jpeg, Keyframes, H264};
use hls::{playlist_stats, AudioGroup, Rendition, Variant, MEDIA_PLAYLIST};
use images::{ImagesDone, SpriteJob, ThumbnailJob};
use plan::{encoder_threads, plan_ladder};
use proxy::{ProxyMux, SharedProxy};
use scale::Scaler;
use source::{Decoded, Fanout, Source};
use staging::Staging;
use video::{VideoOutput, VideoSink};
use waveform::Peaks;

/// Frames queued per output before the decoder waits for it.
const QUEUE: usize = 8;

/// One HLS rendition as written.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RenditionReport {
    /// `1080p`, `720p`... or `audio`; also its directory.
    pub name: String,
    /// `video` or `audio`.
    pub kind: String,
    /// Media playlist, relative to the HLS directory.
    pub playlist: String,
    pub width: Option<u32>,
    pub height: Option<u32>,
    /// RFC 6381 codec string (`avc1.64001f`, `mp4a.40.2`).
    pub codecs: String,
    /// Peak segment bit rate, bits per second.
    pub bandwidth: u64,
    pub average_bandwidth: u64,
    pub segments: usize,
    /// Sum of the segment durations, in seconds.
    pub duration: f64,
    /// Frames encoded (video) or samples per channel (audio).
    pub units: u64,
    /// x264 threads this rung ran with (video).
    pub threads: Option<usize>,
}

/// The HLS output.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct HlsReport {
    pub dir: String,
    /// Path of the master playlist.
    pub master: String,
    pub segment_format: SegmentFormat,
    pub segment_seconds: f64,
    /// Video rungs (largest first), then the audio rendition.
    pub renditions: Vec<RenditionReport>,
    /// Requested rungs not made because they are above the source (or the
    /// source has no video).
    pub skipped_rungs: Vec<u32>,
}

/// The proxy MP4.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ProxyReport {
    pub path: String,
    pub width: Option<u32>,
    pub height: Option<u32>,
    pub frames: u64,
    pub audio: bool,
}

/// The thumbnails.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ThumbnailsReport {
    pub dir: String,
    pub width: u32,
    pub height: u32,
    pub files: Vec<Still>,
}

/// The sprite sheets and their WebVTT track.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SpriteReport {
    pub dir: String,
    /// The WebVTT track, relative to `dir`.
    pub vtt: String,
    pub sheets: Vec<String>,
    pub tiles: usize,
    pub tile_width: u32,
    pub tile_height: u32,
    pub columns: u32,
    pub rows: u32,
    pub interval: f64,
}

/// The waveform file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct WaveformReport {
    pub path: String,
    pub peaks_per_second: u32,
    pub samples_per_pixel: u32,
    pub sample_rate: u32,
    /// Min/max pairs written.
    pub length: usize,
}

/// What a transcode made (`reelkit transcode` prints it as JSON).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct TranscodeReport {
    pub input: String,
    /// Source duration in seconds.
    pub duration: f64,
    /// Video frames decoded — once, whatever the number of outputs.
    pub decoded_frames: u64,
    /// Wall-clock seconds.
    pub elapsed: f64,
    /// Decoded frames per second of wall-clock time.
    pub fps: f64,
    pub hls: Option<HlsReport>,
    pub proxy: Option<ProxyReport>,
    pub thumbnails: Option<ThumbnailsReport>,
    pub sprite: Option<SpriteReport>,
    pub waveform: Option<WaveformReport>,
}

/// Stops every worker: the caller's cancellation, or an internal stop when
/// one part of the job failed.
#[derive(Clone)]
pub(crate) struct Abort {
    caller: CancelToken,
    internal: CancelToken,
}

impl Abort {
    fn new(caller: CancelToken) -> Self {
        Self { caller, internal: CancelToken::new() }
    }

    pub(crate) fn check(&self) -> Result<()> {
        self.caller.check()?;
        self.internal.check()
    }

    fn stop(&self) {
        self.internal.cancel();
    }
}

/// A video output being set up, before its worker starts.
struct PlannedRung {
    name: String,
    width: u32,
    height: u32,
    codecs: String,
    threads: usize,
}

/// Make every output `job` asks for from one decode of `input`.
///
/// Fails with a typed error for unusable input ([`Error::NotMedia`],
/// [`Error::CorruptMedia`] — truncated, zero duration, 0x0 —,
/// [`Error::MissingStream`] when stills need video or a waveform needs
/// audio), bad settings ([`Error::InvalidParameter`]), encoder failures
/// and [`Error::cancelled()`]; nothing is left at the output paths then.
/// An audio-only input makes an audio-only HLS ladder.
pub fn transcode(input: impl AsRef<Path>, job: &TranscodeJob, ctl: &RunCtl) -> Result<TranscodeReport> {
    let started = Instant::now();
    job.validate()?;
    let input = input.as_ref();
    ctl.check()?;
    let info = probe(input)?;
    let needs_pictures = job.thumbnails.is_some() || job.sprite.is_some();
    if needs_pictures && info.video.is_none() {
        return Err(Error::missing_stream(input, "video"));
    }
    if job.waveform.is_some() && info.audio.is_none() {
        return Err(Error::missing_stream(input, "audio"));
    }
    let want_video = info.video.is_some() && (job.hls.is_some() || job.proxy.is_some() || needs_pictures);
    let want_audio = info.audio.is_some() && (job.hls.is_some() || job.proxy.is_some() || job.waveform.is_some());
    let source = Source::open(input, &info, want_video, want_audio)?;

    let mut staging = Staging::default();
    let hls_dir = job.hls.as_ref().map(|h| staging.dir("hls.dir", &h.dir)).transpose()?;
    let proxy_file = job.proxy.as_ref().map(|p| staging.file("proxy.path", &p.path)).transpose()?;
    let thumbs_dir = job.thumbnails.as_ref().map(|t| staging.dir("thumbnails.dir", &t.dir)).transpose()?;
    let sprite_dir = job.sprite.as_ref().map(|s| staging.dir("sprite.dir", &s.dir)).transpose()?;
    let waveform_file = job.waveform.as_ref().map(|w| staging.file("waveform.path", &w.path)).transpose()?;

    let cores = match job.threads {
        0 => std::thread::available_parallelism().map_or(2, |n| n.get()),
        n => n,
    };
    let geometry = source.geometry();
    let fps = source.frame_rate();
    let frame_rate = rational_fps(fps);
    let rotation = geometry.map_or(0, |g| g.rotation);

    // Sizes and thread shares of the video encoders: the rungs, then the proxy.
    let (rungs, skipped) = match (&job.hls, geometry) {
        (Some(hls), Some(g)) => plan_ladder(&hls.ladder, &g),
        (Some(hls), None) => (Vec::new(), hls.ladder.clone()),
        _ => (Vec::new(), Vec::new()),
    };
    let proxy_size = match (&job.proxy, geometry) {
        (Some(p), Some(g)) => plan_ladder(&[p.height], &g).0.first().map(|r| (r.width, r.height)),
        _ => None,
    };
    let pixels: Vec<u64> = rungs
        .iter()
        .map(|r| (r.width, r.height))
        .chain(proxy_size)
        .map(|(w, h)| u64::from(w) * u64::from(h))
        .collect();
    let threads = encoder_threads(cores, &pixels);

    let mut video_outputs: Vec<(String, VideoOutput)> = Vec::new();
    let mut planned = Vec::new();
    if let (Some(hls), Some(_)) = (&job.hls, &hls_dir) {
        for (rung, &threads) in rungs.iter().zip(&threads) {
            let encoder = open_h264(&H264 {
                width: rung.width,
                height: rung.height,
                preset: hls.preset.clone(),
                crf: hls.crf,
                threads,
                frame_rate,
                time_base: encoders::video_time_base(),
                keyframes: Keyframes::Forced,
                color: source.color(),
            })?;
            let codecs = avc_codec_string(&encoder);
            planned.push((PlannedRung { name: rung.name.clone(), width: rung.width, height: rung.height, codecs, threads }, encoder));
        }
    }
    let offset = hls_offset(planned.iter().map(|(_, e)| reorder_delay(e)).max().unwrap_or(0), fps);
    let mut rung_reports = Vec::new();
    if let (Some(hls), Some(dir)) = (&job.hls, &hls_dir) {
        for (rung, encoder) in planned {
            let rendition = Rendition::create(&dir.join(&rung.name), hls, &encoder, offset)?;
            let output = VideoOutput {
                scaler: Scaler::new(rung.width, rung.height, rotation, ff::format::Pixel::YUV420P),
                encoder,
                sink: VideoSink::Hls(rendition),
                follow_boundaries: true,
            };
            video_outputs.push((rung.name.clone(), output));
            rung_reports.push(rung);
        }
    }

    // One AAC encode for the HLS rendition and the proxy alike.
    let audio_format = source.audio_format().map(|(rate, channels)| {
        let rate = if matches!(rate, 44_100 | 48_000) { rate } else { 48_000 };
        (rate, channels.clamp(1, 2))
    });
    let aac = match audio_format {
        Some((rate, channels)) if job.hls.is_some() || job.proxy.is_some() => {
            let bit_rate = job.hls.as_ref().map_or(128_000, |h| h.audio_bitrate);
            Some(open_aac(rate, channels, bit_rate as usize, true)?)
        }
        _ => None,
    };
    let audio_rendition = match (&job.hls, &hls_dir, &aac) {
        (Some(hls), Some(dir), Some(aac)) => Some(Rendition::create(&dir.join("audio"), hls, aac, offset)?),
        _ => None,
    };

    let proxy_encoder = match (&job.proxy, proxy_size) {
        (Some(p), Some((width, height))) => {
            let every = if p.keyframe_interval <= 0.0 { 1 } else { (p.keyframe_interval * fps.max(1.0)).round() as u32 };
            Some(open_h264(&H264 {
                width,
                height,
                preset: p.preset.clone(),
                crf: p.crf,
                threads: *threads.last().unwrap_or(&1),
                frame_rate,
                time_base: encoders::video_time_base(),
                keyframes: Keyframes::Every(every.max(1)),
                color: source.color(),
            })?)
        }
        _ => None,
    };
    let proxy_mux: Option<SharedProxy> = match &proxy_file {
        Some(path) => Some(ProxyMux::create(path, proxy_encoder.as_ref().map(video_context), aac.as_ref().map(audio_context))?.shared()),
        None => None,
    };
    if let (Some(encoder), Some(mux), Some((width, height))) = (proxy_encoder, &proxy_mux, proxy_size) {
        let output = VideoOutput {
            scaler: Scaler::new(width, height, rotation, ff::format::Pixel::YUV420P),
            encoder,
            sink: VideoSink::Proxy(mux.clone()),
            follow_boundaries: false,
        };
        video_outputs.push(("proxy".into(), output));
    }

    let thumbnail_job = match (&job.thumbnails, &thumbs_dir, geometry) {
        (Some(t), Some(dir), Some(g)) => {
            let (width, height) = g.fit_width(t.width);
            Some(ThumbnailJob {
                dir: dir.clone(),
                times: images::thumbnail_times(info.duration, t.count),
                width,
                height,
                scaler: Scaler::new(width, height, rotation, ff::format::Pixel::YUVJ420P),
                jpeg: Jpeg::new(width, height, t.quality)?,
            })
        }
        _ => None,
    };
    let thumbnail_size = thumbnail_job.as_ref().map(|t| (t.width, t.height));
    let sprite_job = match (&job.sprite, &sprite_dir, geometry) {
        (Some(s), Some(dir), Some(g)) => {
            let tile = g.fit_width(s.tile_width);
            Some(SpriteJob {
                dir: dir.clone(),
                interval: s.interval,
                tile,
                columns: s.columns,
                rows: s.rows,
                quality: s.quality,
                scaler: Scaler::new(tile.0, tile.1, rotation, ff::format::Pixel::YUVJ420P),
            })
        }
        _ => None,
    };
    let sprite_tile = sprite_job.as_ref().map(|s| s.tile);

    let audio_output = audio_format.filter(|_| want_audio).map(|(rate, channels)| AudioOutput {
        rate,
        channels,
        aac,
        hls: audio_rendition,
        proxy: proxy_mux.clone(),
        peaks: job.waveform.as_ref().map(|w| Peaks::new(rate, w.peaks_per_second, w.bits)),
        limit: source.audio_end().map(|end| (end * f64::from(rate)).round().max(0.0) as u64),
    });

    let abort = Abort::new(ctl.cancel_token().clone());
    let segment_seconds = job.hls.as_ref().map(|h| h.segment_seconds);
    let finished = run_workers(source, video_outputs, thumbnail_job, sprite_job, audio_output, segment_seconds, ctl, &abort)?;

    // Every worker is done: finish the shared proxy, then describe the HLS
    // output and write the master playlist last.
    if let Some(mux) = &proxy_mux {
        proxy::lock(mux).finish()?;
    }
    drop(proxy_mux);
    let hls_report = match (&job.hls, &hls_dir) {
        (Some(hls), Some(dir)) => {
            let channels = audio_format.map_or(2, |(_, c)| c);
            Some(finish_hls(hls, dir, &rung_reports, &finished, fps, channels, skipped)?)
        }
        _ => None,
    };
    let waveform_report = match (&job.waveform, &waveform_file, finished.audio.as_ref().and_then(|a| a.waveform.as_ref())) {
        (Some(w), Some(path), Some(peaks)) => {
            waveform::write(path, peaks)?;
            Some(WaveformReport {
                path: w.path.display().to_string(),
                peaks_per_second: w.peaks_per_second,
                samples_per_pixel: peaks.samples_per_pixel,
                sample_rate: peaks.sample_rate,
                length: peaks.length,
            })
        }
        _ => None,
    };
    ctl.check()?;
    staging.publish()?;

    let proxy_report = job.proxy.as_ref().map(|p| ProxyReport {
        path: p.path.display().to_string(),
        width: proxy_size.map(|s| s.0),
        height: proxy_size.map(|s| s.1),
        frames: finished.frames_of("proxy"),
        audio: audio_format.is_some() && want_audio,
    });
    let images = finished.images.as_ref();
    let thumbnails_report = match (&job.thumbnails, thumbnail_size, images) {
        (Some(t), Some((width, height)), Some(done)) => Some(ThumbnailsReport {
            dir: t.dir.display().to_string(),
            width,
            height,
            files: done.thumbnails.clone(),
        }),
        _ => None,
    };
    let sprite_report = match (&job.sprite, sprite_tile, images.and_then(|d| d.sprite.as_ref())) {
        (Some(s), Some((tile_width, tile_height)), Some(done)) => Some(SpriteReport {
            dir: s.dir.display().to_string(),
            vtt: SPRITE_VTT.into(),
            sheets: done.sheets.clone(),
            tiles: done.tiles,
            tile_width,
            tile_height,
            columns: s.columns,
            rows: s.rows,
            interval: s.interval,
        }),
        _ => None,
    };
    let elapsed = started.elapsed().as_secs_f64();
    Ok(TranscodeReport {
        input: input.display().to_string(),
        duration: info.duration,
        decoded_frames: finished.decoded.video_frames,
        elapsed,
        fps: if elapsed > 0.0 { finished.decoded.video_frames as f64 / elapsed } else { 0.0 },
        hls: hls_report,
        proxy: proxy_report,
        thumbnails: thumbnails_report,
        sprite: sprite_report,
        waveform: waveform_report,
    })
}

/// What the decode and the workers returned.
struct Finished {
    decoded: Decoded,
    /// Frames encoded, by output name.
    video: Vec<(String, u64)>,
    images: Option<ImagesDone>,
    audio: Option<AudioDone>,
}

impl Finished {
    fn frames_of(&self, name: &str) -> u64 {
        self.video.iter().find(|(n, _)| n == name).map_or(0, |(_, f)| *f)
    }
}

/// Decode on this thread while every output runs on its own; the first
/// real error (not a knock-on stop) wins.
#[allow(clippy::too_many_arguments)]
fn run_workers(
    source: Source,
    video_outputs: Vec<(String, VideoOutput)>,
    thumbnails: Option<ThumbnailJob>,
    sprite: Option<SpriteJob>,
    audio_output: Option<AudioOutput>,
    segment_seconds: Option<f64>,
    ctl: &RunCtl,
    abort: &Abort,
) -> Result<Finished> {
    let spawn_failed = |e: std::io::Error| Error::encode(format!("cannot start a worker thread: {e}"));
    std::thread::scope(|scope| {
        let mut senders = Vec::new();
        let mut video_workers = Vec::new();
        for (name, output) in video_outputs {
            let (tx, rx) = sync_channel(QUEUE);
            senders.push(tx);
            let abort = abort.clone();
            let worker = std::thread::Builder::new()
                .name(format!("reelkit-{name}"))
                .spawn_scoped(scope, move || stop_on_error(&abort, video::run(output, rx, &abort)))
                .map_err(spawn_failed);
            video_workers.push((name, worker));
        }
        let images_worker = (thumbnails.is_some() || sprite.is_some()).then(|| {
            let (tx, rx) = sync_channel(QUEUE);
            senders.push(tx);
            let abort = abort.clone();
            std::thread::Builder::new()
                .name("reelkit-stills".into())
                .spawn_scoped(scope, move || stop_on_error(&abort, images::run(thumbnails, sprite, rx, &abort)))
                .map_err(spawn_failed)
        });
        let (audio_sender, audio_worker) = match audio_output {
            Some(output) => {
                let (tx, rx) = sync_channel(QUEUE * 8);
                let abort = abort.clone();
                let worker = std::thread::Builder::new()
                    .name("reelkit-audio".into())
                    .spawn_scoped(scope, move || stop_on_error(&abort, audio::run(output, rx, &abort)))
                    .map_err(spawn_failed);
                (Some(tx), Some(worker))
            }
            None => (None, None),
        };
        let fanout = Fanout { video: senders, audio: audio_sender, segment_seconds };
        let decoded = stop_on_error(abort, source.run(fanout, ctl, abort));

        let mut first_error: Option<Error> = None;
        let mut keep = |result: Result<()>| {
            if let Err(e) = result {
                let replace = match &first_error {
                    None => true,
                    Some(first) if first.is_cancelled() => !e.is_cancelled(),
                    Some(_) => false,
                };
                if replace {
                    first_error = Some(e);
                }
            }
        };
        let mut video = Vec::new();
        for (name, worker) in video_workers {
            match join(worker) {
                Ok(frames) => video.push((name, frames)),
                Err(e) => keep(Err(e)),
            }
        }
        let images = images_worker.map(join).transpose().unwrap_or_else(|e| {
            keep(Err(e));
            None
        });
        let audio = audio_worker.map(join).transpose().unwrap_or_else(|e| {
            keep(Err(e));
            None
        });
        let decoded = decoded.unwrap_or_else(|e| {
            keep(Err(e));
            Decoded::default()
        });
        if ctl.check().is_err() {
            return Err(Error::cancelled());
        }
        match first_error {
            Some(e) => Err(e),
            None => Ok(Finished { decoded, video, images, audio }),
        }
    })
}

fn stop_on_error<T>(abort: &Abort, result: Result<T>) -> Result<T> {
    if result.is_err() {
        abort.stop();
    }
    result
}

fn join<T>(worker: Result<std::thread::ScopedJoinHandle<'_, Result<T>>>) -> Result<T> {
    match worker?.join() {
        Ok(result) => result,
        Err(panic) => {
            let what = panic
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            Err(Error::encode(format!("an output worker failed: {what}")))
        }
    }
}

/// Measure every rendition and write the master playlist.
#[allow(clippy::too_many_arguments)]
fn finish_hls(
    hls: &HlsConfig,
    dir: &Path,
    planned: &[PlannedRung],
    finished: &Finished,
    fps: f64,
    channels: u16,
    skipped: Vec<u32>,
) -> Result<HlsReport> {
    let mut renditions = Vec::new();
    let mut variants = Vec::new();
    let mut version = 3;
    for rung in planned {
        let stats = playlist_stats(&dir.join(&rung.name), hls.segment_seconds)?;
        version = version.max(stats.version);
        let playlist = format!("{}/{MEDIA_PLAYLIST}", rung.name);
        variants.push(Variant {
            uri: playlist.clone(),
            bandwidth: stats.peak_bps.ceil() as u64,
            average_bandwidth: stats.average_bps.ceil() as u64,
            codecs: rung.codecs.clone(),
            resolution: Some((rung.width, rung.height)),
            frame_rate: (fps > 0.0).then_some(fps),
        });
        renditions.push(RenditionReport {
            name: rung.name.clone(),
            kind: "video".into(),
            playlist,
            width: Some(rung.width),
            height: Some(rung.height),
            codecs: rung.codecs.clone(),
            bandwidth: stats.peak_bps.ceil() as u64,
            average_bandwidth: stats.average_bps.ceil() as u64,
            segments: stats.segments,
            duration: stats.duration,
            units: finished.frames_of(&rung.name),
            threads: Some(rung.threads),
        });
    }
    let audio_dir = dir.join("audio");
    let audio_group = if audio_dir.join(MEDIA_PLAYLIST).is_file() {
        let stats = playlist_stats(&audio_dir, hls.segment_seconds)?;
        version = version.max(stats.version);
        let group = AudioGroup {
            uri: format!("audio/{MEDIA_PLAYLIST}"),
            channels,
            bandwidth: stats.peak_bps.ceil() as u64,
            average_bandwidth: stats.average_bps.ceil() as u64,
        };
        renditions.push(RenditionReport {
            name: "audio".into(),
            kind: "audio".into(),
            playlist: group.uri.clone(),
            width: None,
            height: None,
            codecs: hls::AUDIO_CODEC.into(),
            bandwidth: group.bandwidth,
            average_bandwidth: group.average_bandwidth,
            segments: stats.segments,
            duration: stats.duration,
            units: finished.audio.as_ref().map_or(0, |a| a.samples),
            threads: None,
        });
        Some(group)
    } else {
        None
    };
    let text = hls::master_playlist(version, &variants, audio_group.as_ref());
    let master = dir.join(MASTER_PLAYLIST);
    std::fs::write(&master, text).map_err(|e| Error::io(&master, e))?;
    Ok(HlsReport {
        dir: hls.dir.display().to_string(),
        master: hls.dir.join(MASTER_PLAYLIST).display().to_string(),
        segment_format: hls.segment_format,
        segment_seconds: hls.segment_seconds,
        renditions,
        skipped_rungs: skipped,
    })
}

/// A frame rate as an exact rational: NTSC rates become n*1000/1001.
fn rational_fps(fps: f64) -> ff::Rational {
    if !fps.is_finite() || fps <= 0.0 {
        return ff::Rational::new(25, 1);
    }
    for base in [24.0, 30.0, 60.0, 120.0] {
        if (fps - base * 1000.0 / 1001.0).abs() < 0.005 {
            return ff::Rational::new((base * 1000.0) as i32, 1001);
        }
    }
    if (fps - fps.round()).abs() < 0.001 {
        return ff::Rational::new(fps.round() as i32, 1);
    }
    ff::Rational::new((fps * 1000.0).round() as i32, 1000)
}

/// Frames of B-frame reorder delay an opened encoder reports.
fn reorder_delay(encoder: &ff::encoder::Video) -> i32 {
    // SAFETY: reading a plain field of an opened codec context.
    unsafe { (*encoder.as_ptr()).has_b_frames.max(0) }
}

/// The common start offset of all HLS renditions, in seconds: enough for
/// the video reorder delay (plus a frame) and for AAC priming, at least
/// 0.2 s.
fn hls_offset(reorder_frames: i32, fps: f64) -> f64 {
    let frame = if fps > 0.0 { 1.0 / fps } else { 0.1 };
    (f64::from(reorder_frames + 1) * frame + 1024.0 / 44_100.0).max(0.2)
}

fn video_context(encoder: &ff::encoder::Video) -> &ff::codec::Context {
    encoder
}

fn audio_context(encoder: &ff::encoder::Audio) -> &ff::codec::Context {
    encoder
}
