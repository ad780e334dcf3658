//! The whole jobs: `clips` (a video to captioned clips on disk) and
//! `retell` (a video to a short narrated recap).

use napi::bindgen_prelude::AsyncTask;
use napi::Env;
use napi_derive::napi;
use reelkit::config::{merge, object};
use reelkit::subtitle::BrandKit;
use reelkit::JobParams;
use serde_json::{json, Value};

use crate::convert::options;
use crate::progress::SignalArg;
use crate::run::{run_legacy, spec, Json};
use crate::task::{Job, ProgressCallback, promise};

/// How to pick and export clips.
#[napi(object, object_to_js = false)]
pub struct ClipsOptions<'a> {
    /// How many clips to export (default 3).
    pub top: Option<u32>,
    /// Whisper model id or path (default `tiny.en`).
    pub model: Option<String>,
    /// Spoken language (ISO 639-1); detected on multilingual models when omitted.
    pub language: Option<String>,
    /// Frame shape: `source` (default), `16:9`, `9:16`, `1:1` or `4:5`.
    pub aspect: Option<String>,
    /// Target clip length range in seconds (default 15–60).
    pub min_duration: Option<f64>,
    pub max_duration: Option<f64>,
    /// Caption preset: `bold` (default), `clean`, `karaoke` or `pop`.
    pub style: Option<String>,
    /// Brand kit JSON file (fonts, colours, watermark, intro/outro slates).
    pub brand: Option<String>,
    /// The job's params in the core's JSON form, with its snake_case keys
    /// (the `params` of a `clips` spec, as in the CLI and the HTTP API), e.g.
    /// `{ clips: { weights: { scene_changes: 0 } }, burn_captions: false }`.
    /// Unknown keys are rejected. The fields above override it.
    #[napi(ts_type = "ClipsJob")]
    pub options: Option<Value>,
    #[napi(ts_type = "(event: ProgressEvent) => void")]
    pub on_progress: Option<ProgressCallback<'a>>,
    #[napi(ts_type = "CancelToken | AbortSignal")]
    pub signal: Option<SignalArg<'a>>,
}

/// The clips params: the explicit options laid over `options`.
fn params(o: &mut ClipsOptions<'_>) -> Value {
    let explicit = object([
        ("top", json!(o.top)),
        ("asr", object([("model", json!(o.model.take())), ("language", json!(o.language.take()))])),
        ("aspect", json!(o.aspect.take())),
        ("min_duration", json!(o.min_duration)),
        ("max_duration", json!(o.max_duration)),
        ("style", json!(o.style.take())),
    ]);
    merge(options(o.options.take()), explicit)
}

/// Find the best clips of `input` and export them with captions into
/// `outDir` as `clip-01.mp4`, `clip-01.srt`, `clip-01.vtt`..., plus
/// `clips.json` and `transcript.json`.
#[napi(ts_return_type = "Promise<ClipsReport>")]
pub fn clips(env: &Env, input: String, out_dir: String, options: Option<ClipsOptions<'_>>) -> napi::Result<AsyncTask<Job<Json>>> {
    let (params, brand, on_progress, signal) = match options {
        Some(mut o) => (params(&mut o), o.brand, o.on_progress, o.signal),
        None => (json!({}), None, None, None),
    };
    promise(env, on_progress, signal, move |ctl| {
        let mut spec = spec("clips", input, out_dir, params)?;
        // A kit file's relative paths resolve against its folder, which its
        // JSON cannot say: the loaded kit goes in as is.
        if let (Some(kit), JobParams::Clips(job)) = (brand, &mut spec.params) {
            job.brand = Some(BrandKit::load(kit)?);
        }
        run_legacy(&spec, ctl)
    })
}

/// How to retell a video.
#[napi(object, object_to_js = false)]
pub struct RetellOptions<'a> {
    /// Length of the retell in minutes (default 5).
    pub minutes: Option<f64>,
    /// The original sound under the narration: `duck` (default) or `mute`.
    #[napi(ts_type = "'duck' | 'mute'")]
    pub bed: Option<String>,
    /// Narration voice (default `joe`).
    pub voice: Option<String>,
    /// Caption preset: `bold`, `clean` (default), `karaoke` or `pop`.
    #[napi(ts_type = "'bold' | 'clean' | 'karaoke' | 'pop'")]
    pub preset: Option<String>,
    /// An edited `retell.json` to render again without analysing the film.
    pub script: Option<String>,
    /// The job's params in the core's JSON form, with its snake_case keys
    /// (the `params` of a `retell` spec), e.g. `{ min_chapter: 10, llm: {...} }`.
    /// Unknown keys are rejected. The fields above override it.
    #[napi(ts_type = "RetellJob")]
    pub options: Option<Value>,
    #[napi(ts_type = "(event: ProgressEvent) => void")]
    pub on_progress: Option<ProgressCallback<'a>>,
    #[napi(ts_type = "CancelToken | AbortSignal")]
    pub signal: Option<SignalArg<'a>>,
}

/// Retell `input` in about `minutes` minutes into `outDir`: chapters are
/// found, a narration written and spoken over the best shots of each
/// chapter, rendered once as `retell.mp4`, with `retell.srt`, the editable
/// script `retell.json` and the timeline `retell.otio`. A `retell` job run
/// as `run` runs it.
#[napi(ts_return_type = "Promise<RetellReport>")]
pub fn retell(env: &Env, input: String, out_dir: String, options: Option<RetellOptions<'_>>) -> napi::Result<AsyncTask<Job<Json>>> {
    let (params, on_progress, signal) = match options {
        Some(o) => {
            let explicit = object([
                ("minutes", json!(o.minutes)),
                ("bed", json!(o.bed)),
                ("voice", json!(o.voice)),
                ("preset", json!(o.preset)),
                ("script", json!(o.script)),
            ]);
            (merge(crate::convert::options(o.options), explicit), o.on_progress, o.signal)
        }
        None => (json!({}), None, None),
    };
    promise(env, on_progress, signal, move |ctl| run_legacy(&spec("retell", input, out_dir, params)?, ctl))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clips_options(options: Value) -> ClipsOptions<'static> {
        ClipsOptions {
            top: Some(1),
            model: Some("base".into()),
            language: None,
            aspect: Some("9:16".into()),
            min_duration: Some(5.0),
            max_duration: None,
            style: None,
            brand: None,
            options: Some(options),
            on_progress: None,
            signal: None,
        }
    }

    #[test]
    fn explicit_options_override_the_json_and_unknown_keys_are_named() {
        let merged = params(&mut clips_options(json!({"top": 4, "max_duration": 30, "asr": {"threads": 2}})));
        let s = spec("clips", "a.mp4".to_owned(), "out".to_owned(), merged).unwrap();
        let JobParams::Clips(job) = &s.params else { panic!("{s:?}") };
        let clips = job.effective_clips();
        assert_eq!((clips.top, clips.min_duration, clips.max_duration), (1, 5.0, 30.0));
        assert_eq!(job.aspect, reelkit::Aspect::Portrait);
        assert_eq!((job.asr.model.as_str(), job.asr.threads), ("base", 2));
        let merged = params(&mut clips_options(json!({"clips": {"topp": 2}})));
        let e = spec("clips", "a.mp4".to_owned(), "out".to_owned(), merged).unwrap_err();
        assert_eq!((e.code(), e.field()), ("invalid_config", Some("params.clips.topp")));
    }
}
