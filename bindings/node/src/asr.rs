//! `transcribe` (a `transcribe` job) and `realign` (core `Engine::realign`).

use napi::bindgen_prelude::AsyncTask;
use napi::Env;
use napi_derive::napi;
use reelkit::config::{self, object};
use serde_json::{json, Value};

use crate::convert::{from_js_camel, transcript};
use crate::engine;
use crate::progress::SignalArg;
use crate::run::{run_legacy, spec, Json, RunOptions, promise_with};
use crate::task::{Job, ProgressCallback, promise};

/// Speech recognition settings.
#[napi(object, object_to_js = false)]
pub struct TranscribeOptions<'a> {
    /// A model id from the model store (default `tiny.en`), a ggml file or a
    /// CTranslate2 (faster-whisper) model directory.
    pub model: Option<String>,
    /// Spoken language (ISO 639-1); detected on multilingual models when omitted.
    pub language: Option<String>,
    /// CPU threads; 0 (default) uses every core.
    pub threads: Option<u32>,
    /// Text that primes the decoder (names, jargon, spelling).
    pub initial_prompt: Option<String>,
    /// Beam size 1..=16; greedy decoding (faster) when omitted.
    pub beam_size: Option<u32>,
    /// Chunks decoded in parallel (default 1).
    pub workers: Option<u32>,
    /// Voice activity detection: only detected speech is recognised (default true).
    pub vad: Option<bool>,
    /// Source of word times: `"hybrid"` (default), `"dtw"` or `"tokens"`.
    #[napi(ts_type = "'hybrid' | 'dtw' | 'tokens'")]
    pub word_timing: Option<String>,
    #[napi(ts_type = "(event: ProgressEvent) => void")]
    pub on_progress: Option<ProgressCallback<'a>>,
    #[napi(ts_type = "CancelToken | AbortSignal")]
    pub signal: Option<SignalArg<'a>>,
}

/// Transcribe any media file FFmpeg can open: segments with per-word
/// timestamps and confidences.
#[napi(ts_return_type = "Promise<Transcript>")]
pub fn transcribe(env: &Env, path: String, options: Option<TranscribeOptions<'_>>) -> napi::Result<AsyncTask<Job<Json>>> {
    let (asr, on_progress, signal) = match options {
        Some(o) => (
            object([
                ("model", json!(o.model)),
                ("language", json!(o.language)),
                ("threads", json!(o.threads)),
                ("initial_prompt", json!(o.initial_prompt)),
                ("beam_size", json!(o.beam_size)),
                ("workers", json!(o.workers)),
                ("vad", object([("enabled", json!(o.vad))])),
                ("word_timing", json!(o.word_timing)),
            ]),
            o.on_progress,
            o.signal,
        ),
        None => (json!({}), None, None),
    };
    promise(env, on_progress, signal, move |ctl| run_legacy(&spec("transcribe", path, None, json!({ "asr": asr }))?, ctl))
}

/// Re-time a corrected transcript against the audio of `path`: words the
/// edit kept keep their times, edited runs are re-timed and flagged
/// `estimated`. `transcript` is what `transcribe` returned.
#[napi(ts_return_type = "Promise<Transcript>")]
pub fn realign(
    env: &Env,
    path: String,
    #[napi(ts_arg_type = "Transcript")] transcript: Value,
    edited_text: String,
    #[napi(ts_arg_type = "RealignOptions | undefined | null")] options: Option<RunOptions<'_>>,
) -> napi::Result<AsyncTask<Job<Json>>> {
    promise_with(env, options, move |ctl| {
        let given: reelkit::Transcript = config::from_value(from_js_camel(transcript), "transcript")?;
        let aligned = engine().realign(path, &given, &edited_text, ctl)?;
        Ok(Json(self::transcript(&aligned)))
    })
}
