//! Speech recognition with whisper.cpp (through `whisper-rs`): segments with
//! per-word timestamps and confidences.

mod transcript;
mod words;

pub use transcript::{join_words, Segment, Sentence, Transcript, Word};

use std::ffi::c_void;
use std::path::Path;
use std::sync::Once;

use serde::{Deserialize, Serialize};
use whisper_rs::{FullParams, SamplingStrategy, WhisperContext, WhisperContextParameters};

use crate::error::{Error, Result};
use crate::media::AudioBuffer;
use crate::models::{ModelStore, WhisperModel};
use crate::progress::{CancelToken, RunCtl, Stage};

/// Where inference runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Device {
    #[default]
    Cpu,
    /// A CUDA device by ordinal; needs the `cuda` cargo feature.
    Cuda(u32),
}

impl Device {
    /// Fails when this build cannot run on the device.
    pub fn ensure_available(self) -> Result<()> {
        match self {
            Device::Cpu => Ok(()),
            Device::Cuda(_) if cfg!(feature = "cuda") => Ok(()),
            Device::Cuda(_) => Err(Error::DeviceUnavailable(
                "this build of reelkit has no CUDA support (rebuild with `--features cuda`)".into(),
            )),
        }
    }
}

/// Speech recognition settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct AsrConfig {
    /// A model id from the model store (`tiny.en`, `base`), a ggml file, or a
    /// CTranslate2 (faster-whisper) model directory.
    pub model: String,
    /// Spoken language (ISO 639-1). `None`: English for `.en` models,
    /// detected for multilingual ones.
    pub language: Option<String>,
    /// CPU threads; 0 uses every available core.
    pub threads: usize,
    pub device: Device,
    /// Text that primes the decoder (names, jargon, spelling).
    pub initial_prompt: Option<String>,
    /// Beam size; `None` decodes greedily (faster).
    pub beam_size: Option<u32>,
}

impl Default for AsrConfig {
    fn default() -> Self {
        Self {
            model: "tiny.en".into(),
            language: None,
            threads: 0,
            device: Device::Cpu,
            initial_prompt: None,
            beam_size: None,
        }
    }
}

impl AsrConfig {
    pub fn model(mut self, model: impl Into<String>) -> Self {
        self.model = model.into();
        self
    }
    pub fn language(mut self, language: impl Into<String>) -> Self {
        self.language = Some(language.into());
        self
    }
    pub fn threads(mut self, threads: usize) -> Self {
        self.threads = threads;
        self
    }
    pub fn device(mut self, device: Device) -> Self {
        self.device = device;
        self
    }
    pub fn initial_prompt(mut self, prompt: impl Into<String>) -> Self {
        self.initial_prompt = Some(prompt.into());
        self
    }
    pub fn beam_size(mut self, beam: u32) -> Self {
        self.beam_size = Some(beam);
        self
    }

    pub fn validate(&self) -> Result<()> {
        if self.threads > 256 {
            return Err(Error::invalid("threads", format!("{} (at most 256)", self.threads)));
        }
        if let Some(lang) = &self.language {
            if lang != "auto" && whisper_rs::get_lang_id(lang).is_none() {
                return Err(Error::invalid("language", format!("`{lang}` is not a language Whisper knows")));
            }
        }
        if let Some(beam) = self.beam_size {
            if !(1..=16).contains(&beam) {
                return Err(Error::invalid("beam_size", format!("{beam} (expected 1..=16)")));
            }
        }
        self.device.ensure_available()
    }

    fn effective_threads(&self) -> usize {
        if self.threads > 0 {
            self.threads
        } else {
            std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1)
        }
    }
}

/// A loaded Whisper model, reusable across many transcriptions.
pub struct Transcriber {
    context: WhisperContext,
    model: WhisperModel,
    config: AsrConfig,
}

impl std::fmt::Debug for Transcriber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Transcriber").field("model", &self.model.name).field("config", &self.config).finish()
    }
}

fn install_log_hooks() {
    static ONCE: Once = Once::new();
    ONCE.call_once(whisper_rs::install_logging_hooks);
}

impl Transcriber {
    /// Load the model named in `config` from `store`, converting a
    /// CTranslate2 model on first use.
    pub fn new(config: AsrConfig, store: &ModelStore) -> Result<Self> {
        config.validate()?;
        let model = store.whisper_model(&config.model)?;
        Self::with_model(model, config)
    }

    /// Load an already resolved model.
    pub fn with_model(model: WhisperModel, config: AsrConfig) -> Result<Self> {
        config.validate()?;
        install_log_hooks();
        let mut params = WhisperContextParameters::default();
        params.use_gpu(matches!(config.device, Device::Cuda(_)));
        if let Device::Cuda(n) = config.device {
            params.gpu_device(n as i32);
        }
        let path = path_str(&model.ggml_path)?;
        let context = WhisperContext::new_with_params(path, params)
            .map_err(|e| Error::Asr(format!("cannot load {}: {e}", model.ggml_path.display())))?;
        if !model.multilingual {
            if let Some(lang) = config.language.as_deref().filter(|l| *l != "en" && *l != "auto") {
                return Err(Error::invalid(
                    "language",
                    format!("model `{}` is English-only; `{lang}` needs a multilingual model such as `base`", model.name),
                ));
            }
        }
        Ok(Self { context, model, config })
    }

    pub fn model(&self) -> &WhisperModel {
        &self.model
    }

    pub fn config(&self) -> &AsrConfig {
        &self.config
    }

    /// Transcribe 16 kHz mono audio.
    pub fn transcribe(&self, audio: &AudioBuffer, ctl: &RunCtl) -> Result<Transcript> {
        if audio.sample_rate != 16_000 || audio.channels != 1 {
            return Err(Error::invalid(
                "audio",
                format!("{} Hz x {} channels (Whisper needs 16000 Hz mono)", audio.sample_rate, audio.channels),
            ));
        }
        ctl.check()?;
        let duration = audio.duration();
        let language = self.language_setting();
        // whisper.cpp rejects inputs shorter than its 100 ms mel window; pad
        // very short clips with silence so they still yield a result.
        let mut samples = audio.samples.clone();
        if samples.len() < 16_000 {
            samples.resize(16_000, 0.0);
        }
        let mut state = self.context.create_state().map_err(|e| Error::Asr(format!("cannot create state: {e}")))?;
        let mut params = match self.config.beam_size {
            Some(beam) => SamplingStrategy::BeamSearch { beam_size: beam as i32, patience: -1.0 },
            None => SamplingStrategy::Greedy { best_of: 5 },
        }
        .pipe(FullParams::new);
        params.set_n_threads(self.config.effective_threads() as i32);
        params.set_language(Some(language.as_str()));
        params.set_token_timestamps(true);
        params.set_suppress_blank(true);
        params.set_suppress_nst(true);
        params.set_print_progress(false);
        params.set_print_realtime(false);
        params.set_print_special(false);
        params.set_print_timestamps(false);
        if let Some(prompt) = &self.config.initial_prompt {
            params.set_initial_prompt(prompt);
        }
        // Progress and cancellation go through raw callbacks with our own
        // trampolines; `hooks` outlives the `full` call that uses it.
        let hooks = Hooks { ctl: ctl.clone(), cancel: ctl.cancel_token().clone(), duration };
        let hooks_ptr = &hooks as *const Hooks as *mut c_void;
        // SAFETY: the callbacks only read `hooks`, which lives until after
        // `state.full` returns; whisper.cpp calls them on this thread.
        unsafe {
            params.set_abort_callback(Some(abort_trampoline));
            params.set_abort_callback_user_data(hooks_ptr);
            params.set_progress_callback(Some(progress_trampoline));
            params.set_progress_callback_user_data(hooks_ptr);
        }
        let result = state.full(params, &samples);
        ctl.check()?;
        result.map_err(|e| Error::Asr(format!("inference failed: {e}")))?;

        let language = if language == "auto" {
            whisper_rs::get_lang_str(state.full_lang_id_from_state()).unwrap_or("en").to_owned()
        } else {
            language
        };
        let segments = words::collect_segments(&self.context, &state, audio, &language)?;
        ctl.report(Stage::Transcribe, duration, Some(duration), "seconds");
        Ok(Transcript { language, duration, segments })
    }

    /// Decode `path` to 16 kHz mono and transcribe it.
    pub fn transcribe_file(&self, path: impl AsRef<Path>, ctl: &RunCtl) -> Result<Transcript> {
        let audio = crate::media::decode_audio(path, &crate::media::AudioDecodeOptions::default(), ctl)?;
        self.transcribe(&audio, ctl)
    }

    fn language_setting(&self) -> String {
        match (&self.config.language, self.model.multilingual) {
            (Some(lang), true) => lang.clone(),
            (None, true) => "auto".into(),
            (_, false) => "en".into(),
        }
    }
}

struct Hooks {
    ctl: RunCtl,
    cancel: CancelToken,
    duration: f64,
}

unsafe extern "C" fn abort_trampoline(user_data: *mut c_void) -> bool {
    if user_data.is_null() {
        return false;
    }
    // SAFETY: user_data is the `Hooks` set in `transcribe`, alive for the call.
    let hooks = unsafe { &*(user_data as *const Hooks) };
    hooks.cancel.is_cancelled()
}

unsafe extern "C" fn progress_trampoline(
    _ctx: *mut whisper_rs::whisper_rs_sys::whisper_context,
    _state: *mut whisper_rs::whisper_rs_sys::whisper_state,
    percent: std::ffi::c_int,
    user_data: *mut c_void,
) {
    if user_data.is_null() {
        return;
    }
    // SAFETY: as in `abort_trampoline`.
    let hooks = unsafe { &*(user_data as *const Hooks) };
    let done = hooks.duration * f64::from(percent.clamp(0, 100)) / 100.0;
    hooks.ctl.report(Stage::Transcribe, done, Some(hooks.duration), "seconds");
}

fn path_str(path: &Path) -> Result<&str> {
    path.to_str().ok_or_else(|| Error::invalid("model", format!("{} is not valid UTF-8", path.display())))
}

/// `value.pipe(f)` == `f(value)`; keeps builder chains readable.
trait Pipe: Sized {
    fn pipe<R>(self, f: impl FnOnce(Self) -> R) -> R {
        f(self)
    }
}
impl<T> Pipe for T {}
