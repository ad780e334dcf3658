//! `transcribe` (core `asr` module).

use napi::bindgen_prelude::AsyncTask;
use napi::Env;
use napi_derive::napi;

use crate::engine;
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
    #[napi(ts_type = "(event: ProgressEvent) => void")]
    pub on_progress: Option<ProgressCallback<'a>>,
    #[napi(ts_type = "CancelToken | AbortSignal")]
    pub signal: Option<SignalArg<'a>>,
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
        (on_progress, signal) = (o.on_progress, o.signal);
    }
    let control = Control::new(env, on_progress, signal)?;
    let ctl = control.run_ctl();
    Ok(AsyncTask::new(Job::new(control, move || Ok(engine().transcribe(path, &config, &ctl)?.into()))))
}
