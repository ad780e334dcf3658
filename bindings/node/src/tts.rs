//! `synthesize`, `synthesizeBatch`, `tts`, `voices`, `dub`, `measureLoudness`
//! (core `tts` and `audio` modules), all with the engine's one
//! synthesiser, so voices load once.

use napi::bindgen_prelude::{AsyncTask, Float32Array, JsObjectValue, Object, ToNapiValue, TypeName};
use napi::{sys, Env, ValueType};
use napi_derive::napi;
use reelkit::config::{self, merge, object};
use reelkit::tts::TtsConfig;
use serde_json::{json, Value};

use crate::convert::{options, record};
use crate::engine;
use crate::progress::SignalArg;
use crate::run::{run_legacy, spec, Json};
use crate::task::{Control, Job, ProgressCallback, promise};

/// Synthesised speech as JS sees it: the record's fields, and its samples
/// as a `Float32Array` under `audio`.
pub struct Speech {
    fields: Value,
    samples: Vec<f32>,
}

impl From<reelkit::tts::Speech> for Speech {
    fn from(mut speech: reelkit::tts::Speech) -> Self {
        let samples = std::mem::take(&mut speech.samples);
        let mut fields = record(&speech);
        fields["duration"] = json!(samples.len() as f64 / f64::from(speech.sample_rate.max(1)));
        Self { fields, samples }
    }
}

impl TypeName for Speech {
    fn type_name() -> &'static str {
        "Speech"
    }
    fn value_type() -> ValueType {
        ValueType::Object
    }
}

impl ToNapiValue for Speech {
    unsafe fn to_napi_value(env: sys::napi_env, val: Self) -> napi::Result<sys::napi_value> {
        // SAFETY: forwarded from the caller; the value made is an object.
        let raw = unsafe { Value::to_napi_value(env, val.fields)? };
        Object::from_raw(env, raw).set_named_property("audio", Float32Array::new(val.samples))?;
        Ok(raw)
    }
}

/// How to speak.
#[napi(object, object_to_js = false)]
pub struct SynthesizeOptions<'a> {
    /// `joe` (default), a Piper `.onnx` path or voice directory, or `espeak:<language>`.
    pub voice: Option<String>,
    /// Speaker name or id of a multi-speaker voice.
    pub speaker: Option<String>,
    /// Speaking rate (default 1; 1.5 is 50% faster).
    pub rate: Option<f64>,
    /// Seed of the voice's noise (default 0): equal seeds give identical audio.
    pub seed: Option<u32>,
    /// Other `TtsConfig` fields in the core's JSON form (snake_case), e.g.
    /// `{ noise_scale: 0.5, sentence_pause: 0.3 }`. Unknown keys are rejected.
    #[napi(ts_type = "TtsConfig")]
    pub options: Option<Value>,
    #[napi(ts_type = "(event: ProgressEvent) => void")]
    pub on_progress: Option<ProgressCallback<'a>>,
    #[napi(ts_type = "CancelToken | AbortSignal")]
    pub signal: Option<SignalArg<'a>>,
}

/// The voice settings (explicit options over `options`) and the control.
fn settings(env: &Env, options: Option<SynthesizeOptions<'_>>) -> napi::Result<(Value, Control)> {
    let Some(o) = options else { return Ok((json!({}), Control::none(env)?)) };
    let explicit =
        object([("voice", json!(o.voice)), ("speaker", json!(o.speaker)), ("rate", json!(o.rate)), ("seed", json!(o.seed))]);
    Ok((merge(self::options(o.options), explicit), Control::new(env, o.on_progress, o.signal)?))
}

fn tts_config(settings: Value) -> reelkit::Result<TtsConfig> {
    config::from_value(settings, "options")
}

/// Speak `text` (SSML-lite `<break time="300ms"/>` tags make pauses).
#[napi(ts_return_type = "Promise<Speech>")]
pub fn synthesize(env: &Env, text: String, options: Option<SynthesizeOptions<'_>>) -> napi::Result<AsyncTask<Job<Speech>>> {
    let (settings, control) = settings(env, options)?;
    let ctl = control.run_ctl();
    Ok(AsyncTask::new(Job::new(control, move || {
        Ok(engine().synthesizer().synthesize(&text, &tts_config(settings)?, &ctl)?.into())
    })))
}

/// Speak many texts in parallel across cores: one `Speech` per text, in order.
#[napi(ts_return_type = "Promise<Speech[]>")]
pub fn synthesize_batch(
    env: &Env,
    texts: Vec<String>,
    options: Option<SynthesizeOptions<'_>>,
) -> napi::Result<AsyncTask<Job<Vec<Speech>>>> {
    let (settings, control) = settings(env, options)?;
    let ctl = control.run_ctl();
    Ok(AsyncTask::new(Job::new(control, move || {
        let mut out = Vec::with_capacity(texts.len());
        engine().synthesizer().synthesize_batch(&texts, &tts_config(settings)?, &ctl, &mut |_, s| {
            out.push(Speech::from(s));
            Ok(())
        })?;
        Ok(out)
    })))
}

/// Speak `text` into a 16-bit WAV file as it is synthesised (bounded
/// memory; a `tts` job).
#[napi(ts_return_type = "Promise<SynthesisSummary>")]
pub fn tts(env: &Env, text: String, out: String, options: Option<SynthesizeOptions<'_>>) -> napi::Result<AsyncTask<Job<Json>>> {
    let (settings, control) = settings(env, options)?;
    let ctl = control.run_ctl();
    let params = json!({ "text": text, "tts": settings });
    Ok(AsyncTask::new(Job::new(control, move || run_legacy(&spec("tts", None, out, params)?, &ctl))))
}

/// Piper voices of the model store and espeak-ng's voices (`espeak:<language>`).
#[napi(ts_return_type = "Promise<Voice[]>")]
pub fn voices(env: &Env) -> napi::Result<AsyncTask<Job<Json>>> {
    Ok(AsyncTask::new(Job::new(Control::none(env)?, || {
        Ok(Json(engine().synthesizer().voices()?.iter().map(record).collect()))
    })))
}

/// How to dub.
#[napi(object, object_to_js = false)]
pub struct DubOptions<'a> {
    /// Voice (default `joe`).
    pub voice: Option<String>,
    /// Integrated loudness of the mix in LUFS (default -14).
    pub lufs: Option<f64>,
    /// True-peak ceiling in dBTP (default -1).
    pub true_peak: Option<f64>,
    /// Other `DubJob` fields in the core's JSON form, e.g.
    /// `{ duck: { depth_db: -9 }, fit: { max_rate: 1.4 } }`. Unknown keys are rejected.
    #[napi(ts_type = "DubJob")]
    pub options: Option<Value>,
    #[napi(ts_type = "(event: ProgressEvent) => void")]
    pub on_progress: Option<ProgressCallback<'a>>,
    #[napi(ts_type = "CancelToken | AbortSignal")]
    pub signal: Option<SignalArg<'a>>,
}

/// Speak each cue of the SRT `narration` in its slot over `input`'s own
/// audio (ducked), normalise the mix, and write `out` (video copied, AAC
/// mix) with `OUT.narration.wav` and `OUT.bed.wav` beside it (a `dub` job).
#[napi(ts_return_type = "Promise<DubReport>")]
pub fn dub(
    env: &Env,
    input: String,
    narration: String,
    out: String,
    options: Option<DubOptions<'_>>,
) -> napi::Result<AsyncTask<Job<Json>>> {
    let (dub, on_progress, signal) = match options {
        Some(o) => {
            let explicit = object([
                ("tts", object([("voice", json!(o.voice))])),
                ("loudness", object([("lufs", json!(o.lufs)), ("true_peak", json!(o.true_peak))])),
            ]);
            (merge(self::options(o.options), explicit), o.on_progress, o.signal)
        }
        None => (json!({}), None, None),
    };
    let params = json!({ "narration": narration, "dub": dub });
    promise(env, on_progress, signal, move |ctl| run_legacy(&spec("dub", input, out, params)?, ctl))
}

/// EBU R128 loudness and true peak of a media file's audio.
#[napi(ts_return_type = "Promise<Loudness>")]
pub fn measure_loudness(env: &Env, path: String) -> napi::Result<AsyncTask<Job<Json>>> {
    promise(env, None, None, move |ctl| Ok(Json(record(&reelkit::audio::measure_file(path, ctl)?))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn voice_settings_read_strictly() {
        let config = tts_config(merge(json!({"noise_scale": 0.3, "voice": "x"}), json!({"voice": "joe", "seed": 7}))).unwrap();
        assert_eq!((config.voice.as_str(), config.seed, config.noise_scale), ("joe", 7, Some(0.3)));
        let e = tts_config(json!({"noise_scal": 1})).unwrap_err();
        assert_eq!((e.code(), e.field()), ("invalid_config", Some("options.noise_scal")));
    }
}
