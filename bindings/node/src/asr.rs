//! `transcribe` (core `asr` module).

use napi::bindgen_prelude::AsyncTask;
use napi::Env;
use napi_derive::napi;

use crate::engine;
use crate::error::{throw, Failure};
use crate::progress::SignalArg;
use crate::task::{Control, Job, ProgressCallback};

/// One recognised word with its time span and confidence.
#[napi(object, object_from_js = false)]
#[derive(Debug, Clone)]
pub struct Word {
    /// The word as written, with attached punctuation (`"Hello,"`).
    pub word: String,
    /// Start and end in seconds from the start of the media.
    pub start: f64,
    pub end: f64,
    /// Recogniser confidence in `0..=1`.
    pub probability: f64,
    /// True when the times were estimated (re-timed after an edit) rather
    /// than measured.
    pub estimated: bool,
}

/// A run of speech as the recogniser segmented it.
#[napi(object, object_from_js = false)]
#[derive(Debug, Clone)]
pub struct Segment {
    pub start: f64,
    pub end: f64,
    pub text: String,
    pub words: Vec<Word>,
}

/// A whole transcript.
#[napi(object, object_from_js = false)]
#[derive(Debug, Clone)]
pub struct Transcript {
    /// ISO 639-1 language code, e.g. `en`.
    pub language: String,
    /// Duration of the transcribed audio in seconds.
    pub duration: f64,
    /// The full text, segments joined by spaces.
    pub text: String,
    pub segments: Vec<Segment>,
}

impl From<reelkit::Transcript> for Transcript {
    fn from(t: reelkit::Transcript) -> Self {
        let text = t.text();
        Self {
            language: t.language,
            duration: t.duration,
            text,
            segments: t
                .segments
                .into_iter()
                .map(|s| Segment {
                    start: s.start,
                    end: s.end,
                    text: s.text,
                    words: s
                        .words
                        .into_iter()
                        .map(|w| Word {
                            word: w.word,
                            start: w.start,
                            end: w.end,
                            probability: f64::from(w.probability),
                            estimated: w.estimated,
                        })
                        .collect(),
                })
                .collect(),
        }
    }
}

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

/// `config` with the recogniser tuning options applied.
fn tuned(
    env: &Env,
    mut config: reelkit::AsrConfig,
    workers: Option<u32>,
    vad: Option<bool>,
    word_timing: Option<String>,
) -> napi::Result<reelkit::AsrConfig> {
    if let Some(workers) = workers {
        config = config.workers(workers as usize);
    }
    if let Some(on) = vad {
        let mut v = config.vad.clone();
        v.enabled = on;
        config = config.vad(v);
    }
    if let Some(timing) = word_timing {
        match serde_json::from_value(serde_json::Value::String(timing.clone())) {
            Ok(t) => config = config.word_timing(t),
            Err(_) => return throw(env, Failure::invalid("word_timing", format!("`{timing}` (expected hybrid, dtw or tokens)"))),
        }
    }
    Ok(config)
}

/// `config` with the given model, language and thread count.
pub(crate) fn asr_config(
    mut config: reelkit::AsrConfig,
    model: Option<String>,
    language: Option<String>,
    threads: Option<u32>,
) -> reelkit::AsrConfig {
    if let Some(model) = model {
        config = config.model(model);
    }
    if let Some(language) = language {
        config = config.language(language);
    }
    if let Some(threads) = threads {
        config = config.threads(threads as usize);
    }
    config
}

/// Transcribe any media file FFmpeg can open: segments with per-word
/// timestamps and confidences.
#[napi(ts_return_type = "Promise<Transcript>")]
pub fn transcribe(
    env: &Env,
    path: String,
    options: Option<TranscribeOptions<'_>>,
) -> napi::Result<AsyncTask<Job<Transcript>>> {
    let mut config = reelkit::AsrConfig::default();
    let (mut on_progress, mut signal) = (None, None);
    if let Some(o) = options {
        config = asr_config(config, o.model, o.language, o.threads);
        if let Some(prompt) = o.initial_prompt {
            config = config.initial_prompt(prompt);
        }
        if let Some(beam) = o.beam_size {
            config = config.beam_size(beam);
        }
        config = tuned(env, config, o.workers, o.vad, o.word_timing)?;
        (on_progress, signal) = (o.on_progress, o.signal);
    }
    let control = Control::new(env, on_progress, signal)?;
    let ctl = control.run_ctl();
    Ok(AsyncTask::new(Job::new(control, move || Ok(engine().transcribe(path, &config, &ctl)?.into()))))
}

/// Options of `realign`.
#[napi(object, object_to_js = false)]
pub struct RealignOptions<'a> {
    #[napi(ts_type = "(event: ProgressEvent) => void")]
    pub on_progress: Option<ProgressCallback<'a>>,
    #[napi(ts_type = "CancelToken | AbortSignal")]
    pub signal: Option<SignalArg<'a>>,
}

/// Re-time a corrected transcript against the audio of `path`: words the
/// edit kept keep their times, edited runs are re-timed and flagged
/// `estimated`. `transcript` is what `transcribe` returned.
#[napi(ts_return_type = "Promise<Transcript>")]
pub fn realign(
    env: &Env,
    path: String,
    #[napi(ts_arg_type = "Transcript")] transcript: serde_json::Value,
    edited_text: String,
    options: Option<RealignOptions<'_>>,
) -> napi::Result<AsyncTask<Job<Transcript>>> {
    let transcript: reelkit::Transcript = match serde_json::from_value(transcript) {
        Ok(t) => t,
        Err(e) => return throw(env, Failure::invalid("transcript", e)),
    };
    let (on_progress, signal) = options.map(|o| (o.on_progress, o.signal)).unwrap_or((None, None));
    let control = Control::new(env, on_progress, signal)?;
    let ctl = control.run_ctl();
    Ok(AsyncTask::new(Job::new(control, move || Ok(engine().realign(path, &transcript, &edited_text, &ctl)?.into()))))
}

/// One cue read from a subtitle file.
#[napi(object, object_from_js = false)]
#[derive(Debug, Clone)]
pub struct SubtitleCue {
    pub id: Option<String>,
    pub start: f64,
    pub end: f64,
    pub lines: Vec<String>,
    /// WebVTT cue settings, when present.
    pub settings: Option<String>,
}

/// Read an SRT or WebVTT file (format chosen from its content). Malformed
/// files throw with code `subtitle_parse` and the line number in the message.
#[napi]
pub fn read_subtitles(env: &Env, path: String) -> napi::Result<Vec<SubtitleCue>> {
    let doc = match reelkit::subtitle::read_subtitles(&path) {
        Ok(doc) => doc,
        Err(e) => return throw(env, e),
    };
    Ok(doc
        .cues
        .into_iter()
        .map(|c| SubtitleCue { id: c.id, start: c.start, end: c.end, lines: c.lines, settings: c.settings })
        .collect())
}
