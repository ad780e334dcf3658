//! `probe`, `probeSync`, `decodeAudio` and `cut` (core `media` module).

use napi::bindgen_prelude::{AsyncTask, Float32Array};
use napi::Env;
use napi_derive::napi;
use serde_json::{json, Value};

use crate::error::throw;
use crate::progress::SignalArg;
use crate::run::{run_legacy, spec, Json, RunOptions, promise_with};
use crate::task::{Job, ProgressCallback, promise};

/// Read container, streams, codecs, duration, frame rate, size, rotation and
/// audio format of a media file (a `probe` job). Rejects with `code`
/// `not_found`, `not_media`, `corrupt_media` or `missing_stream`.
#[napi(ts_return_type = "Promise<MediaInfo>")]
pub fn probe(env: &Env, path: String) -> napi::Result<AsyncTask<Job<Json>>> {
    promise(env, None, None, move |ctl| run_legacy(&spec("probe", path, None, json!({}))?, ctl))
}

/// `probe` on the calling thread (throws instead of rejecting).
#[napi(ts_return_type = "MediaInfo")]
pub fn probe_sync(env: &Env, path: String) -> napi::Result<Value> {
    let report = spec("probe", path, None, json!({})).and_then(|s| run_legacy(&s, &reelkit::RunCtl::default()));
    report.map(|r| r.0).or_else(|e| throw(env, e))
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
    let (mut on_progress, mut signal, mut channels) = (None, None, None);
    if let Some(o) = options {
        if let Some(rate) = o.sample_rate {
            decode = decode.sample_rate(rate);
        }
        decode = decode.range(o.start.unwrap_or(0.0), o.end);
        (on_progress, signal, channels) = (o.on_progress, o.signal, o.channels);
    }
    promise(env, on_progress, signal, move |ctl| {
        if let Some(channels) = channels {
            let channels = u16::try_from(channels)
                .map_err(|_| reelkit::Error::invalid("channels", format!("{channels} (expected 1 or 2)")))?;
            decode = decode.channels(channels);
        }
        let audio = reelkit::media::decode_audio(path, &decode, ctl)?;
        Ok(Float32Array::new(audio.samples))
    })
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
    promise_with(env, options, move |ctl| {
        Ok(reelkit::media::cut(input, output, start, end, ctl)?.display().to_string())
    })
}
