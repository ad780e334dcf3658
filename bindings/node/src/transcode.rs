//! `transcode` (a `transcode` job): an HLS ladder, a proxy MP4, thumbnails,
//! sprite sheets and waveform peaks from one decode.

use napi::bindgen_prelude::AsyncTask;
use napi::Env;
use napi_derive::napi;
use reelkit::config::object;
use serde_json::{json, Value};

use crate::convert::from_js_camel;
use crate::progress::SignalArg;
use crate::run::{run_legacy, spec, Json};
use crate::task::{Job, ProgressCallback, promise};

/// What to make; at least one output. Each output's settings are the
/// core's (`HlsConfig`, `ProxyConfig`...) with camelCase keys.
#[napi(object, object_to_js = false)]
pub struct TranscodeOptions<'a> {
    #[napi(ts_type = "HlsOptions")]
    pub hls: Option<Value>,
    #[napi(ts_type = "ProxyOptions")]
    pub proxy: Option<Value>,
    #[napi(ts_type = "ThumbnailOptions")]
    pub thumbnails: Option<Value>,
    #[napi(ts_type = "SpriteOptions")]
    pub sprite: Option<Value>,
    #[napi(ts_type = "WaveformOptions")]
    pub waveform: Option<Value>,
    /// CPU threads to spread the encoders over (default 0: every core).
    pub threads: Option<u32>,
    #[napi(ts_type = "(event: ProgressEvent) => void")]
    pub on_progress: Option<ProgressCallback<'a>>,
    #[napi(ts_type = "CancelToken | AbortSignal")]
    pub signal: Option<SignalArg<'a>>,
}

/// Make every output in `options` from one decode of `input`: an HLS
/// ladder (master.m3u8, one directory per rung, audio/), a proxy MP4,
/// thumbnails, sprite sheets with a WebVTT track, waveform peaks. Progress
/// events (stage `transcode`) carry `rate` (fps) and `eta`. A rejected or
/// aborted job leaves nothing at the output paths.
#[napi(ts_return_type = "Promise<TranscodeReport>")]
pub fn transcode(env: &Env, input: String, options: TranscodeOptions<'_>) -> napi::Result<AsyncTask<Job<Json>>> {
    let o = options;
    let camel = |v: Option<Value>| v.map(from_js_camel).unwrap_or_default();
    let params = object([
        ("hls", camel(o.hls)),
        ("proxy", camel(o.proxy)),
        ("thumbnails", camel(o.thumbnails)),
        ("sprite", camel(o.sprite)),
        ("waveform", camel(o.waveform)),
        ("threads", json!(o.threads)),
    ]);
    promise(env, o.on_progress, o.signal, move |ctl| run_legacy(&spec("transcode", input, None, params)?, ctl))
}
