//! `transcode` (core `transcode` module): an HLS ladder, a proxy MP4,
//! thumbnails, sprite sheets and waveform peaks from one decode.

use napi::bindgen_prelude::AsyncTask;
use napi::Env;
use napi_derive::napi;
use reelkit::transcode::{
    HlsConfig, ProxyConfig, SegmentFormat, SpriteConfig, ThumbnailConfig, TranscodeJob, WaveformConfig,
};

use crate::error::Failure;
use crate::progress::SignalArg;
use crate::task::{Control, Job, ProgressCallback};

/// An HLS ladder written into `dir`.
#[napi(object, object_to_js = false)]
#[derive(Debug, Clone)]
pub struct HlsOptions {
    pub dir: String,
    /// Rungs by the short side of the picture (default `[1080, 720, 480]`);
    /// rungs above the source are skipped.
    pub ladder: Option<Vec<u32>>,
    /// Segment length in seconds (default 4).
    pub segment_seconds: Option<f64>,
    /// `fmp4` (default) or `ts`.
    pub segment_format: Option<String>,
    /// x264 preset (default `veryfast`).
    pub preset: Option<String>,
    /// x264 constant rate factor (default 23).
    pub crf: Option<u32>,
    /// AAC bits per second of the shared audio rendition (default 128000).
    pub audio_bitrate: Option<u32>,
}

/// A proxy/mezzanine MP4 for editing.
#[napi(object, object_to_js = false)]
#[derive(Debug, Clone)]
pub struct ProxyOptions {
    pub path: String,
    /// Short side in pixels (default 720; never above the source).
    pub height: Option<u32>,
    /// Seconds between keyframes (default 1; 0 = every frame).
    pub keyframe_interval: Option<f64>,
    pub preset: Option<String>,
    /// x264 constant rate factor (default 20).
    pub crf: Option<u32>,
}

/// JPEG thumbnails at evenly spaced times.
#[napi(object, object_to_js = false)]
#[derive(Debug, Clone)]
pub struct ThumbnailOptions {
    pub dir: String,
    /// How many (default 10).
    pub count: Option<u32>,
    /// Width in pixels (default 320).
    pub width: Option<u32>,
    /// JPEG quality 1..=100 (default 85).
    pub quality: Option<u32>,
}

/// Sprite sheets and a WebVTT thumbnail track (`thumbnails.vtt`).
#[napi(object, object_to_js = false)]
#[derive(Debug, Clone)]
pub struct SpriteOptions {
    pub dir: String,
    /// Seconds between tiles (default 2).
    pub interval: Option<f64>,
    /// Tile width in pixels (default 160).
    pub tile_width: Option<u32>,
    /// Tiles per row (default 10).
    pub columns: Option<u32>,
    /// Rows per sheet (default 10).
    pub rows: Option<u32>,
    /// JPEG quality 1..=100 (default 75).
    pub quality: Option<u32>,
}

/// Waveform peaks as audiowaveform JSON.
#[napi(object, object_to_js = false)]
#[derive(Debug, Clone)]
pub struct WaveformOptions {
    pub path: String,
    /// Min/max pairs per second (default 100).
    pub peaks_per_second: Option<u32>,
    /// 8 (default) or 16.
    pub bits: Option<u32>,
}

/// What to make; at least one output.
#[napi(object, object_to_js = false)]
pub struct TranscodeOptions<'a> {
    pub hls: Option<HlsOptions>,
    pub proxy: Option<ProxyOptions>,
    pub thumbnails: Option<ThumbnailOptions>,
    pub sprite: Option<SpriteOptions>,
    pub waveform: Option<WaveformOptions>,
    /// CPU threads to spread the encoders over (default 0: every core).
    pub threads: Option<u32>,
    #[napi(ts_type = "(event: ProgressEvent) => void")]
    pub on_progress: Option<ProgressCallback<'a>>,
    #[napi(ts_type = "CancelToken | AbortSignal")]
    pub signal: Option<SignalArg<'a>>,
}

/// One HLS rendition as written.
#[napi(object, object_from_js = false)]
#[derive(Debug, Clone)]
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
    pub bandwidth: i64,
    pub average_bandwidth: i64,
    pub segments: u32,
    pub duration: f64,
    /// Frames encoded (video) or samples per channel (audio).
    pub units: i64,
    pub threads: Option<u32>,
}

/// The HLS output.
#[napi(object, object_from_js = false)]
#[derive(Debug, Clone)]
pub struct HlsReport {
    pub dir: String,
    pub master: String,
    pub segment_format: String,
    pub segment_seconds: f64,
    pub renditions: Vec<RenditionReport>,
    pub skipped_rungs: Vec<u32>,
}

/// The proxy MP4.
#[napi(object, object_from_js = false)]
#[derive(Debug, Clone)]
pub struct ProxyReport {
    pub path: String,
    pub width: Option<u32>,
    pub height: Option<u32>,
    pub frames: i64,
    pub audio: bool,
}

/// One still: the time of the frame shown and its file name.
#[napi(object, object_from_js = false)]
#[derive(Debug, Clone)]
pub struct Still {
    pub time: f64,
    pub file: String,
}

/// The thumbnails.
#[napi(object, object_from_js = false)]
#[derive(Debug, Clone)]
pub struct ThumbnailsReport {
    pub dir: String,
    pub width: u32,
    pub height: u32,
    pub files: Vec<Still>,
}

/// The sprite sheets and their WebVTT track.
#[napi(object, object_from_js = false)]
#[derive(Debug, Clone)]
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
#[napi(object, object_from_js = false)]
#[derive(Debug, Clone)]
pub struct WaveformReport {
    pub path: String,
    pub peaks_per_second: u32,
    pub samples_per_pixel: u32,
    pub sample_rate: u32,
    pub length: u32,
}

/// What `transcode` made.
#[napi(object, object_from_js = false)]
#[derive(Debug, Clone)]
pub struct TranscodeReport {
    pub input: String,
    pub duration: f64,
    /// Video frames decoded: once, whatever the number of outputs.
    pub decoded_frames: i64,
    /// Wall-clock seconds.
    pub elapsed: f64,
    pub fps: f64,
    pub hls: Option<HlsReport>,
    pub proxy: Option<ProxyReport>,
    pub thumbnails: Option<ThumbnailsReport>,
    pub sprite: Option<SpriteReport>,
    pub waveform: Option<WaveformReport>,
}

fn int(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

fn small(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl From<reelkit::transcode::TranscodeReport> for TranscodeReport {
    fn from(r: reelkit::transcode::TranscodeReport) -> Self {
        Self {
            input: r.input,
            duration: r.duration,
            decoded_frames: int(r.decoded_frames),
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
                        bandwidth: int(r.bandwidth),
                        average_bandwidth: int(r.average_bandwidth),
                        segments: small(r.segments),
                        duration: r.duration,
                        units: int(r.units),
                        threads: r.threads.map(small),
                    })
                    .collect(),
                skipped_rungs: h.skipped_rungs,
            }),
            proxy: r.proxy.map(|p| ProxyReport {
                path: p.path,
                width: p.width,
                height: p.height,
                frames: int(p.frames),
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

fn byte(name: &str, value: u32) -> Result<u8, Failure> {
    u8::try_from(value).map_err(|_| Failure::invalid(name, format!("{value} is out of range")))
}

/// The core job from the options, minus the callbacks.
fn job(o: &TranscodeOptions<'_>) -> Result<TranscodeJob, Failure> {
    let mut job = TranscodeJob::default().threads(o.threads.unwrap_or(0) as usize);
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
            hls = hls.crf(byte("crf", crf)?);
        }
        if let Some(bits) = h.audio_bitrate {
            hls = hls.audio_bitrate(bits);
        }
        job = job.hls(hls);
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
            proxy = proxy.crf(byte("proxy.crf", crf)?);
        }
        job = job.proxy(proxy);
    }
    if let Some(t) = &o.thumbnails {
        let mut thumbnails = ThumbnailConfig::new(&t.dir);
        if let Some(count) = t.count {
            thumbnails = thumbnails.count(count as usize);
        }
        if let Some(width) = t.width {
            thumbnails = thumbnails.width(width);
        }
        if let Some(quality) = t.quality {
            thumbnails.quality = byte("thumbnails.quality", quality)?;
        }
        job = job.thumbnails(thumbnails);
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
        sprite = sprite.grid(columns, rows);
        if let Some(quality) = s.quality {
            sprite.quality = byte("sprite.quality", quality)?;
        }
        job = job.sprite(sprite);
    }
    if let Some(w) = &o.waveform {
        let mut waveform = WaveformConfig::new(&w.path);
        if let Some(peaks) = w.peaks_per_second {
            waveform = waveform.peaks_per_second(peaks);
        }
        if let Some(bits) = w.bits {
            waveform = waveform.bits(byte("waveform.bits", bits)?);
        }
        job = job.waveform(waveform);
    }
    job.validate()?;
    Ok(job)
}

/// Make every output in `options` from one decode of `input`: an HLS
/// ladder (master.m3u8, one directory per rung, audio/), a proxy MP4,
/// thumbnails, sprite sheets with a WebVTT track, waveform peaks. Progress
/// events (stage `transcode`) carry `rate` (fps) and `eta`. A rejected or
/// aborted job leaves nothing at the output paths.
#[napi(ts_return_type = "Promise<TranscodeReport>")]
pub fn transcode(
    env: &Env,
    input: String,
    options: TranscodeOptions<'_>,
) -> napi::Result<AsyncTask<Job<TranscodeReport>>> {
    // Bad settings reject the promise, like every other failure.
    let job = job(&options);
    let control = Control::new(env, options.on_progress, options.signal)?;
    let ctl = control.run_ctl();
    Ok(AsyncTask::new(Job::new(control, move || {
        Ok(reelkit::transcode::transcode(&input, &job?, &ctl)?.into())
    })))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options() -> TranscodeOptions<'static> {
        TranscodeOptions {
            hls: None,
            proxy: None,
            thumbnails: None,
            sprite: None,
            waveform: None,
            threads: None,
            on_progress: None,
            signal: None,
        }
    }

    #[test]
    fn options_map_onto_the_job_and_bad_ones_are_named() {
        let mut o = options();
        o.hls = Some(HlsOptions {
            dir: "out".into(),
            ladder: Some(vec![720, 360]),
            segment_seconds: Some(2.0),
            segment_format: Some("ts".into()),
            preset: Some("ultrafast".into()),
            crf: Some(28),
            audio_bitrate: None,
        });
        let job = job(&o).unwrap();
        let hls = job.hls.unwrap();
        assert_eq!((hls.ladder, hls.crf, hls.segment_format), (vec![720, 360], 28, SegmentFormat::Ts));
        assert_eq!(super::job(&options()).unwrap_err().code, "invalid_parameter");
        let mut bad = options();
        bad.waveform = Some(WaveformOptions { path: "w.json".into(), peaks_per_second: None, bits: Some(300) });
        assert!(super::job(&bad).unwrap_err().message.contains("waveform.bits"));
    }
}
