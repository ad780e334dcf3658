//! `synthesize`, `synthesizeBatch`, `tts`, `voices`, `dub`, `measureLoudness`
//! (core `tts` and `audio` modules): one shared synthesiser per process, so
//! voices load once.

use std::collections::HashMap;
use std::sync::LazyLock;

use napi::bindgen_prelude::{AsyncTask, Float32Array};
use napi::Env;
use napi_derive::napi;
use reelkit::audio::DubJob;
use reelkit::tts::{Synthesizer, TtsConfig};
use serde_json::Value;

use crate::error::Failure;
use crate::partial::parse_partial;
use crate::progress::SignalArg;
use crate::task::{Control, Job, ProgressCallback};

fn synthesizer() -> &'static Synthesizer {
    static SYNTH: LazyLock<Synthesizer> = LazyLock::new(Synthesizer::from_env);
    &SYNTH
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// One sentence of a `Speech`; times in seconds.
#[napi(object, object_from_js = false)]
#[derive(Debug, Clone)]
pub struct SpokenSentence {
    pub text: String,
    /// IPA read by a Piper voice (empty for espeak-ng voices).
    pub phonemes: String,
    pub start: f64,
    pub end: f64,
}

/// Synthesised speech: mono samples in -1..1 at `sampleRate`.
#[napi(object, object_from_js = false)]
pub struct Speech {
    pub audio: Float32Array,
    pub sample_rate: u32,
    pub duration: f64,
    pub voice: String,
    pub sentences: Vec<SpokenSentence>,
    /// Phonemes the voice has no id for (skipped), with counts.
    pub missing_phonemes: HashMap<String, u32>,
}

impl From<reelkit::tts::Speech> for Speech {
    fn from(s: reelkit::tts::Speech) -> Self {
        Self {
            sample_rate: s.sample_rate,
            duration: s.duration(),
            voice: s.voice,
            sentences: s
                .sentences
                .into_iter()
                .map(|x| SpokenSentence { text: x.text, phonemes: x.phonemes, start: x.start, end: x.end })
                .collect(),
            missing_phonemes: s.missing_phonemes.into_iter().map(|(k, v)| (k, count(v))).collect(),
            audio: Float32Array::new(s.samples),
        }
    }
}

/// What `tts` wrote.
#[napi(object, object_from_js = false)]
#[derive(Debug, Clone)]
pub struct SynthesisSummary {
    pub voice: String,
    pub sample_rate: u32,
    /// Seconds of speech written.
    pub duration: f64,
    pub sentences: u32,
    pub missing_phonemes: HashMap<String, u32>,
    /// Wall-clock seconds until the first audio was written.
    pub first_audio_after: f64,
    /// Wall-clock seconds of the whole call.
    pub elapsed: f64,
}

impl From<reelkit::tts::SynthesisSummary> for SynthesisSummary {
    fn from(s: reelkit::tts::SynthesisSummary) -> Self {
        Self {
            voice: s.voice,
            sample_rate: s.sample_rate,
            duration: s.duration,
            sentences: count(s.sentences),
            missing_phonemes: s.missing_phonemes.into_iter().map(|(k, v)| (k, count(v))).collect(),
            first_audio_after: s.first_audio_after,
            elapsed: s.elapsed,
        }
    }
}

/// A voice `synthesize` can use (`id` is what to pass as `voice`).
#[napi(object, object_from_js = false)]
#[derive(Debug, Clone)]
pub struct Voice {
    pub id: String,
    /// `piper` or `espeak`.
    pub engine: String,
    pub language: String,
    pub espeak_voice: String,
    pub sample_rate: u32,
    pub quality: Option<String>,
    pub speakers: Vec<String>,
    pub num_speakers: u32,
    pub installed: bool,
    pub path: Option<String>,
    pub description: String,
}

impl From<reelkit::tts::Voice> for Voice {
    fn from(v: reelkit::tts::Voice) -> Self {
        Self {
            engine: match v.engine {
                reelkit::tts::VoiceEngine::Piper => "piper",
                reelkit::tts::VoiceEngine::Espeak => "espeak",
            }
            .to_owned(),
            id: v.id,
            language: v.language,
            espeak_voice: v.espeak_voice,
            sample_rate: v.sample_rate,
            quality: v.quality,
            speakers: v.speakers,
            num_speakers: v.num_speakers,
            installed: v.installed,
            path: v.path.map(|p| p.display().to_string()),
            description: v.description,
        }
    }
}

/// EBU R128 measurements.
#[napi(object, object_from_js = false)]
#[derive(Debug, Clone)]
pub struct Loudness {
    /// Integrated loudness in LUFS (null for silence).
    pub integrated_lufs: Option<f64>,
    pub range_lu: f64,
    pub true_peak_dbtp: f64,
    pub sample_peak_dbfs: f64,
}

impl From<reelkit::audio::Loudness> for Loudness {
    fn from(l: reelkit::audio::Loudness) -> Self {
        Self {
            integrated_lufs: l.integrated_lufs,
            range_lu: l.range_lu,
            true_peak_dbtp: l.true_peak_dbtp,
            sample_peak_dbfs: l.sample_peak_dbfs,
        }
    }
}

/// What happened to one narration cue.
#[napi(object, object_from_js = false)]
#[derive(Debug, Clone)]
pub struct CueReport {
    pub index: u32,
    pub start: f64,
    pub end: f64,
    pub text: String,
    /// `fits`, `sped_up`, `stretched`, `overrun`, `unfit` or `empty`.
    pub status: String,
    pub natural_duration: f64,
    pub duration: f64,
    pub rate: f64,
    pub stretch: f64,
    pub placed_start: Option<f64>,
    pub placed_end: Option<f64>,
}

/// What `dub` produced (`reelkit dub` prints the same report as JSON).
#[napi(object, object_from_js = false)]
#[derive(Debug, Clone)]
pub struct DubReport {
    pub input: String,
    pub output: String,
    /// `OUT.narration.wav`.
    pub narration: String,
    /// `OUT.bed.wav`.
    pub bed: String,
    pub voice: String,
    pub sample_rate: u32,
    pub channels: u32,
    pub duration: f64,
    pub target_lufs: f64,
    pub target_true_peak: f64,
    /// Loudness of the mix, measured on the written MP4.
    pub mix: Loudness,
    pub narration_loudness: Loudness,
    pub cues: Vec<CueReport>,
    pub sped_up: Vec<u32>,
    pub overrun: Vec<u32>,
    pub unfit: Vec<u32>,
    pub speech_seconds: f64,
    pub synthesis_seconds: f64,
}

fn status_name(status: reelkit::audio::FitStatus) -> String {
    serde_json::to_value(status).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
}

impl From<reelkit::audio::DubReport> for DubReport {
    fn from(r: reelkit::audio::DubReport) -> Self {
        let ids = |v: Vec<usize>| v.into_iter().map(count).collect();
        Self {
            input: r.input,
            output: r.output,
            narration: r.narration,
            bed: r.bed,
            voice: r.voice,
            sample_rate: r.sample_rate,
            channels: u32::from(r.channels),
            duration: r.duration,
            target_lufs: r.target.lufs,
            target_true_peak: r.target.true_peak,
            mix: r.mix.into(),
            narration_loudness: r.narration_loudness.into(),
            cues: r
                .cues
                .into_iter()
                .map(|c| CueReport {
                    index: count(c.index),
                    start: c.start,
                    end: c.end,
                    text: c.text,
                    status: status_name(c.status),
                    natural_duration: c.natural_duration,
                    duration: c.duration,
                    rate: c.rate,
                    stretch: c.stretch,
                    placed_start: c.placed_start,
                    placed_end: c.placed_end,
                })
                .collect(),
            sped_up: ids(r.sped_up),
            overrun: ids(r.overrun),
            unfit: ids(r.unfit),
            speech_seconds: r.speech_seconds,
            synthesis_seconds: r.synthesis_seconds,
        }
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
    #[napi(ts_type = "Record<string, unknown>")]
    pub options: Option<Value>,
    #[napi(ts_type = "(event: ProgressEvent) => void")]
    pub on_progress: Option<ProgressCallback<'a>>,
    #[napi(ts_type = "CancelToken | AbortSignal")]
    pub signal: Option<SignalArg<'a>>,
}

struct Settings {
    voice: Option<String>,
    speaker: Option<String>,
    rate: Option<f64>,
    seed: Option<u32>,
    options: Option<Value>,
}

impl Settings {
    fn config(self) -> Result<TtsConfig, Failure> {
        let mut config: TtsConfig = parse_partial(self.options)?;
        if let Some(v) = self.voice {
            config.voice = v;
        }
        if self.speaker.is_some() {
            config.speaker = self.speaker;
        }
        if let Some(r) = self.rate {
            config.rate = r as f32;
        }
        if let Some(s) = self.seed {
            config.seed = u64::from(s);
        }
        config.validate()?;
        Ok(config)
    }
}

fn split(options: Option<SynthesizeOptions<'_>>) -> (Settings, Option<ProgressCallback<'_>>, Option<SignalArg<'_>>) {
    match options {
        Some(o) => (
            Settings { voice: o.voice, speaker: o.speaker, rate: o.rate, seed: o.seed, options: o.options },
            o.on_progress,
            o.signal,
        ),
        None => (Settings { voice: None, speaker: None, rate: None, seed: None, options: None }, None, None),
    }
}

/// Speak `text` (SSML-lite `<break time="300ms"/>` tags make pauses).
#[napi(ts_return_type = "Promise<Speech>")]
pub fn synthesize(env: &Env, text: String, options: Option<SynthesizeOptions<'_>>) -> napi::Result<AsyncTask<Job<Speech>>> {
    let (settings, on_progress, signal) = split(options);
    let control = Control::new(env, on_progress, signal)?;
    let ctl = control.run_ctl();
    Ok(AsyncTask::new(Job::new(control, move || {
        let config = settings.config()?;
        Ok(synthesizer().synthesize(&text, &config, &ctl)?.into())
    })))
}

/// Speak many texts in parallel across cores: one `Speech` per text, in order.
#[napi(ts_return_type = "Promise<Speech[]>")]
pub fn synthesize_batch(
    env: &Env,
    texts: Vec<String>,
    options: Option<SynthesizeOptions<'_>>,
) -> napi::Result<AsyncTask<Job<Vec<Speech>>>> {
    let (settings, on_progress, signal) = split(options);
    let control = Control::new(env, on_progress, signal)?;
    let ctl = control.run_ctl();
    Ok(AsyncTask::new(Job::new(control, move || {
        let config = settings.config()?;
        let mut out = Vec::with_capacity(texts.len());
        synthesizer().synthesize_batch(&texts, &config, &ctl, &mut |_, s| {
            out.push(Speech::from(s));
            Ok(())
        })?;
        Ok(out)
    })))
}

/// Speak `text` into a 16-bit WAV file as it is synthesised (bounded memory).
#[napi(ts_return_type = "Promise<SynthesisSummary>")]
pub fn tts(
    env: &Env,
    text: String,
    out: String,
    options: Option<SynthesizeOptions<'_>>,
) -> napi::Result<AsyncTask<Job<SynthesisSummary>>> {
    let (settings, on_progress, signal) = split(options);
    let control = Control::new(env, on_progress, signal)?;
    let ctl = control.run_ctl();
    Ok(AsyncTask::new(Job::new(control, move || {
        let config = settings.config()?;
        Ok(synthesizer().synthesize_to_wav(&text, &out, &config, &ctl)?.into())
    })))
}

/// Piper voices of the model store and espeak-ng's voices (`espeak:<language>`).
#[napi(ts_return_type = "Promise<Voice[]>")]
pub fn voices(env: &Env) -> napi::Result<AsyncTask<Job<Vec<Voice>>>> {
    let control = Control::new(env, None, None)?;
    Ok(AsyncTask::new(Job::new(control, move || {
        Ok(synthesizer().voices()?.into_iter().map(Voice::from).collect())
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
    #[napi(ts_type = "Record<string, unknown>")]
    pub options: Option<Value>,
    #[napi(ts_type = "(event: ProgressEvent) => void")]
    pub on_progress: Option<ProgressCallback<'a>>,
    #[napi(ts_type = "CancelToken | AbortSignal")]
    pub signal: Option<SignalArg<'a>>,
}

/// Speak each cue of the SRT `narration` in its slot over `input`'s own
/// audio (ducked), normalise the mix, and write `out` (video copied, AAC
/// mix) with `OUT.narration.wav` and `OUT.bed.wav` beside it.
#[napi(ts_return_type = "Promise<DubReport>")]
pub fn dub(
    env: &Env,
    input: String,
    narration: String,
    out: String,
    options: Option<DubOptions<'_>>,
) -> napi::Result<AsyncTask<Job<DubReport>>> {
    let (voice, lufs, true_peak, json, on_progress, signal) = match options {
        Some(o) => (o.voice, o.lufs, o.true_peak, o.options, o.on_progress, o.signal),
        None => (None, None, None, None, None, None),
    };
    let control = Control::new(env, on_progress, signal)?;
    let ctl = control.run_ctl();
    Ok(AsyncTask::new(Job::new(control, move || {
        let mut job: DubJob = parse_partial(json)?;
        if let Some(v) = voice {
            job.tts.voice = v;
        }
        if let Some(l) = lufs {
            job.loudness.lufs = l;
        }
        if let Some(t) = true_peak {
            job.loudness.true_peak = t;
        }
        job.validate()?;
        Ok(reelkit::audio::dub_srt(synthesizer(), &input, &narration, &out, &job, &ctl)?.into())
    })))
}

/// EBU R128 loudness and true peak of a media file's audio.
#[napi(ts_return_type = "Promise<Loudness>")]
pub fn measure_loudness(env: &Env, path: String) -> napi::Result<AsyncTask<Job<Loudness>>> {
    let control = Control::new(env, None, None)?;
    let ctl = control.run_ctl();
    Ok(AsyncTask::new(Job::new(control, move || {
        let info = reelkit::probe(&path)?;
        let channels = info.audio.as_ref().map(|a| a.channels.clamp(1, 2) as u16).unwrap_or(1);
        let options = reelkit::media::AudioDecodeOptions::default().sample_rate(48_000).channels(channels);
        let audio = reelkit::media::decode_audio(&path, &options, &ctl)?;
        Ok(reelkit::audio::measure(&audio)?.into())
    })))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partial_options_fill_defaults_and_reject_unknown_keys() {
        let job: DubJob = parse_partial(Some(serde_json::json!({"duck": {"depth_db": -9.0}}))).unwrap();
        assert_eq!(job.duck.depth_db, -9.0);
        assert_eq!(job.loudness.lufs, -14.0);
        let err = parse_partial::<DubJob>(Some(serde_json::json!({"duck": {"depth": -9.0}}))).unwrap_err();
        assert!(err.message.contains("`duck.depth`"), "{}", err.message);
        let config: TtsConfig = parse_partial(Some(serde_json::json!({"noise_scale": 0.3}))).unwrap();
        assert_eq!(config.noise_scale, Some(0.3));
    }
}
