//! `probe`, `probeSync`, `decodeAudio` and `cut` (core `media` module).

use napi::bindgen_prelude::{AsyncTask, Float32Array};
use napi::Env;
use napi_derive::napi;

use crate::error::{throw, Failure};
use crate::progress::SignalArg;
use crate::task::{Control, Job, ProgressCallback};

/// One stream of the container.
#[napi(object, object_from_js = false)]
#[derive(Debug, Clone)]
pub struct StreamInfo {
    pub index: u32,
    /// `video`, `audio`, `subtitle`, `data`, `attachment` or `unknown`.
    pub kind: String,
    /// Codec short name (`h264`, `aac`, `subrip`...).
    pub codec: String,
    /// Stream duration in seconds, when the container states it.
    pub duration: Option<f64>,
    /// ISO 639 language tag from the stream metadata.
    pub language: Option<String>,
}

/// The primary video stream.
#[napi(object, object_from_js = false)]
#[derive(Debug, Clone)]
pub struct VideoInfo {
    pub stream_index: u32,
    pub codec: String,
    /// Coded width and height, before rotation.
    pub width: u32,
    pub height: u32,
    /// Width and height as displayed, after rotation.
    pub display_width: u32,
    pub display_height: u32,
    /// Average frame rate in frames per second (0 when unknown).
    pub fps: f64,
    /// Clockwise rotation to apply for display: 0, 90, 180 or 270.
    pub rotation: i32,
    pub pixel_format: String,
    /// Frame count when the container states it.
    pub frames: Option<i64>,
}

/// The primary audio stream.
#[napi(object, object_from_js = false)]
#[derive(Debug, Clone)]
pub struct AudioInfo {
    pub stream_index: u32,
    pub codec: String,
    pub sample_rate: u32,
    pub channels: u32,
    pub sample_format: String,
}

/// What `probe` learns about a file.
#[napi(object, object_from_js = false)]
#[derive(Debug, Clone)]
pub struct MediaInfo {
    pub path: String,
    /// Container short name(s), e.g. `mov,mp4,m4a,3gp,3g2,mj2`.
    pub container: String,
    /// Human-readable container name.
    pub container_long: String,
    /// Duration in seconds (0 when unknown).
    pub duration: f64,
    /// Overall bit rate in bits per second (0 when unknown).
    pub bit_rate: i64,
    pub size_bytes: i64,
    pub streams: Vec<StreamInfo>,
    pub video: Option<VideoInfo>,
    pub audio: Option<AudioInfo>,
}

fn int(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

fn index(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl From<reelkit::MediaInfo> for MediaInfo {
    fn from(m: reelkit::MediaInfo) -> Self {
        Self {
            path: m.path,
            container: m.container,
            container_long: m.container_long,
            duration: m.duration,
            bit_rate: int(m.bit_rate),
            size_bytes: int(m.size_bytes),
            streams: m
                .streams
                .into_iter()
                .map(|s| StreamInfo {
                    index: index(s.index),
                    kind: stream_kind(s.kind).to_owned(),
                    codec: s.codec,
                    duration: s.duration,
                    language: s.language,
                })
                .collect(),
            video: m.video.map(|v| VideoInfo {
                stream_index: index(v.stream_index),
                codec: v.codec,
                width: v.width,
                height: v.height,
                display_width: v.display_width,
                display_height: v.display_height,
                fps: v.fps,
                rotation: v.rotation,
                pixel_format: v.pixel_format,
                frames: v.frames.map(int),
            }),
            audio: m.audio.map(|a| AudioInfo {
                stream_index: index(a.stream_index),
                codec: a.codec,
                sample_rate: a.sample_rate,
                channels: a.channels,
                sample_format: a.sample_format,
            }),
        }
    }
}

fn stream_kind(kind: reelkit::media::StreamKind) -> &'static str {
    use reelkit::media::StreamKind as K;
    match kind {
        K::Video => "video",
        K::Audio => "audio",
        K::Subtitle => "subtitle",
        K::Data => "data",
        K::Attachment => "attachment",
        _ => "unknown",
    }
}

/// Read container, streams, codecs, duration, frame rate, size, rotation and
/// audio format of a media file. Rejects with `code` `not_found`,
/// `not_media`, `corrupt_media` or `missing_stream`.
#[napi(ts_return_type = "Promise<MediaInfo>")]
pub fn probe(env: &Env, path: String) -> napi::Result<AsyncTask<Job<MediaInfo>>> {
    let control = Control::new(env, None, None)?;
    Ok(AsyncTask::new(Job::new(control, move || Ok(reelkit::probe(path)?.into()))))
}

/// `probe` on the calling thread (throws instead of rejecting).
#[napi]
pub fn probe_sync(env: &Env, path: String) -> napi::Result<MediaInfo> {
    match reelkit::probe(path) {
        Ok(info) => Ok(info.into()),
        Err(e) => throw(env, e),
    }
}

/// How to decode audio.
#[napi(object, object_to_js = false)]
pub struct DecodeAudioOptions<'a> {
    /// Output sample rate in Hz (default 16000, what Whisper wants).
    pub sample_rate: Option<u32>,
    /// 1 (mixed down, default) or 2; stereo samples are interleaved.
    pub channels: Option<u32>,
    /// Start of the range in seconds (default 0).
    pub start: Option<f64>,
    /// End of the range in seconds, exclusive (default: the end).
    pub end: Option<f64>,
    #[napi(ts_type = "(event: ProgressEvent) => void")]
    pub on_progress: Option<ProgressCallback<'a>>,
    #[napi(ts_type = "CancelToken | AbortSignal")]
    pub signal: Option<SignalArg<'a>>,
}

/// Decode the primary audio stream to `Float32Array` samples in `-1..1`
/// (16 kHz mono unless told otherwise).
#[napi(ts_return_type = "Promise<Float32Array>")]
pub fn decode_audio(
    env: &Env,
    path: String,
    options: Option<DecodeAudioOptions<'_>>,
) -> napi::Result<AsyncTask<Job<Float32Array>>> {
    let mut decode = reelkit::media::AudioDecodeOptions::default();
    let (mut on_progress, mut signal) = (None, None);
    if let Some(o) = options {
        if let Some(rate) = o.sample_rate {
            decode = decode.sample_rate(rate);
        }
        if let Some(channels) = o.channels {
            let channels = u16::try_from(channels)
                .map_err(|_| Failure::invalid("channels", format!("{channels} (expected 1 or 2)")).into_napi(env))?;
            decode = decode.channels(channels);
        }
        decode = decode.range(o.start.unwrap_or(0.0), o.end);
        (on_progress, signal) = (o.on_progress, o.signal);
    }
    let control = Control::new(env, on_progress, signal)?;
    let ctl = control.run_ctl();
    Ok(AsyncTask::new(Job::new(control, move || {
        let audio = reelkit::media::decode_audio(path, &decode, &ctl)?;
        Ok(Float32Array::new(audio.samples))
    })))
}

/// Progress and cancellation of a call.
#[napi(object, object_to_js = false)]
pub struct RunOptions<'a> {
    #[napi(ts_type = "(event: ProgressEvent) => void")]
    pub on_progress: Option<ProgressCallback<'a>>,
    #[napi(ts_type = "CancelToken | AbortSignal")]
    pub signal: Option<SignalArg<'a>>,
}

/// Cut `[start, end)` seconds of `input` into `output` (H.264 + AAC MP4),
/// frame-accurately. Resolves to the output path.
#[napi(ts_return_type = "Promise<string>")]
pub fn cut(
    env: &Env,
    input: String,
    output: String,
    start: f64,
    end: f64,
    options: Option<RunOptions<'_>>,
) -> napi::Result<AsyncTask<Job<String>>> {
    let (on_progress, signal) = options.map(|o| (o.on_progress, o.signal)).unwrap_or_default();
    let control = Control::new(env, on_progress, signal)?;
    let ctl = control.run_ctl();
    Ok(AsyncTask::new(Job::new(control, move || {
        let out = reelkit::media::cut(input, output, start, end, &ctl)?;
        Ok(out.display().to_string())
    })))
}
