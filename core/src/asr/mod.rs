//! Speech recognition with whisper.cpp (through `whisper-rs`): segments with
//! per-word timestamps and confidences.

pub mod align;
mod decode;
mod stream;
mod transcript;
pub mod vad;
mod words;

pub use stream::chunk_plan;
pub use transcript::{join_words, LanguageProbability, Segment, Sentence, Transcript, Word};
pub use vad::VadConfig;

use std::path::Path;
use std::sync::Once;

use serde::{Deserialize, Serialize};
use whisper_rs::{WhisperContext, WhisperContextParameters};

use crate::error::{Error, Result};
use crate::media::{AudioBuffer, AudioDecodeOptions, AudioReader};
use crate::models::{ModelStore, WhisperModel};
use crate::progress::RunCtl;

/// Where inference runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Device {
    #[default]
    Cpu,
    /// A CUDA device by ordinal; needs the `cuda` cargo feature.
    Cuda(u32),
}

impl std::str::FromStr for Device {
    type Err = Error;

    /// `cpu`, `cuda` (device 0), `gpu` or `cuda:N`.
    fn from_str(s: &str) -> Result<Self> {
        match s.trim() {
            "cpu" => Ok(Device::Cpu),
            "cuda" | "gpu" => Ok(Device::Cuda(0)),
            other => other
                .strip_prefix("cuda:")
                .and_then(|n| n.parse().ok())
                .map(Device::Cuda)
                .ok_or_else(|| Error::invalid("device", format!("`{s}` (expected cpu, cuda or cuda:N)"))),
        }
    }
}

impl std::fmt::Display for Device {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Device::Cpu => f.write_str("cpu"),
            Device::Cuda(n) => write!(f, "cuda:{n}"),
        }
    }
}

impl Device {
    /// Fails when this build cannot run on the device.
    pub fn ensure_available(self) -> Result<()> {
        match self {
            Device::Cpu => Ok(()),
            Device::Cuda(_) if cfg!(feature = "cuda") => Ok(()),
            Device::Cuda(_) => Err(Error::device_unavailable("this build of reelkit has no CUDA support (rebuild with `--features cuda`)")),
        }
    }
}

/// Speech recognition settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct AsrConfig {
    /// A model id from the model store (`tiny.en`, `base`), a ggml file, or a
    /// CTranslate2 (faster-whisper) model directory.
    pub model: String,
    /// Spoken language (ISO 639-1). `None`: English for `.en` models,
    /// detected for multilingual ones.
    pub language: Option<String>,
    /// Languages detection may choose from (ISO 639-1, e.g. `["en", "es"]`);
    /// empty: any language the model knows. Only used when `language` is
    /// not given.
    pub languages: Vec<String>,
    /// CPU threads; 0 uses every available core.
    pub threads: usize,
    pub device: Device,
    /// Text that primes the decoder (names, jargon, spelling).
    pub initial_prompt: Option<String>,
    /// Beam size; `None` decodes greedily (faster).
    pub beam_size: Option<u32>,
    /// Voice activity detection and chunking.
    pub vad: VadConfig,
    /// Chunks decoded at once, each with `threads / workers` threads
    /// (0 = 1 worker).
    pub workers: usize,
    /// Temperature step of Whisper's fallback when a decode looks wrong
    /// (compression ratio or log-probability too poor); 0 disables it.
    pub temperature_increment: f32,
    /// Shrink Whisper's encoder window to the chunk length: faster on short
    /// chunks, but word times get much worse (measured: 58 → 141 ms mean
    /// start error), so it is off by default.
    pub fast_encoder: bool,
    /// Where word times come from.
    pub word_timing: WordTiming,
    /// Move word edges onto the audio's energy edges nearby.
    pub snap_to_audio: bool,
}

impl Default for AsrConfig {
    fn default() -> Self {
        Self {
            model: "tiny.en".into(),
            language: None,
            languages: Vec::new(),
            threads: 0,
            device: Device::Cpu,
            initial_prompt: None,
            beam_size: None,
            vad: VadConfig::default(),
            workers: 0,
            temperature_increment: 0.2,
            fast_encoder: false,
            word_timing: WordTiming::Hybrid,
            snap_to_audio: true,
        }
    }
}

/// The source of word timestamps. Measured on the timing test set (mean
/// absolute word-start error, tiny.en, with snapping): tokens 202 ms, DTW
/// 102 ms, hybrid 69 ms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum WordTiming {
    /// whisper.cpp's token timestamps (from the timestamp-token probabilities).
    Tokens,
    /// Dynamic time warping over the model's cross-attention alignment heads.
    Dtw,
    /// Both: their mean where they agree, DTW where token times collapse.
    #[default]
    Hybrid,
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
    /// Restrict language detection to these languages.
    pub fn languages<I, S>(mut self, languages: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.languages = languages.into_iter().map(Into::into).collect();
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
    pub fn vad(mut self, vad: VadConfig) -> Self {
        self.vad = vad;
        self
    }
    pub fn workers(mut self, workers: usize) -> Self {
        self.workers = workers;
        self
    }
    pub fn temperature_increment(mut self, step: f32) -> Self {
        self.temperature_increment = step;
        self
    }
    pub fn fast_encoder(mut self, on: bool) -> Self {
        self.fast_encoder = on;
        self
    }
    pub fn word_timing(mut self, timing: WordTiming) -> Self {
        self.word_timing = timing;
        self
    }
    pub fn snap_to_audio(mut self, on: bool) -> Self {
        self.snap_to_audio = on;
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
        for (i, lang) in self.languages.iter().enumerate() {
            if whisper_rs::get_lang_id(lang).is_none() || lang == "auto" {
                return Err(Error::invalid(format!("languages[{i}]"), format!("`{lang}` is not a language Whisper knows")));
            }
        }
        if let Some(lang) = self.language.as_deref().filter(|l| *l != "auto") {
            if !self.languages.is_empty() && !self.languages.iter().any(|l| l == lang) {
                return Err(Error::invalid(
                    "language",
                    format!("`{lang}` is not among the allowed languages {:?}", self.languages),
                ));
            }
        }
        if let Some(beam) = self.beam_size {
            if !(1..=16).contains(&beam) {
                return Err(Error::invalid("beam_size", format!("{beam} (expected 1..=16)")));
            }
        }
        if self.workers > 64 {
            return Err(Error::invalid("workers", format!("{} (at most 64)", self.workers)));
        }
        if !(self.temperature_increment.is_finite() && (0.0..=1.0).contains(&self.temperature_increment)) {
            return Err(Error::invalid("temperature_increment", format!("{} (expected 0..=1)", self.temperature_increment)));
        }
        self.vad.validate()?;
        self.device.ensure_available()
    }

    pub(crate) fn effective_threads(&self) -> usize {
        if self.threads > 0 {
            self.threads
        } else {
            std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1)
        }
    }

    pub(crate) fn effective_workers(&self) -> usize {
        self.workers.clamp(1, self.effective_threads().max(1))
    }
}

/// A loaded Whisper model, reusable across many transcriptions (and from
/// several threads at once).
pub struct Transcriber {
    pub(crate) context: WhisperContext,
    model: WhisperModel,
    pub(crate) config: AsrConfig,
    /// whisper.cpp keeps a pointer to the alignment heads for the context's
    /// whole life, so they live here, beside it.
    _dtw_heads: Vec<whisper_rs::DtwAhead>,
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
        if !model.multilingual {
            if let Some(lang) = config.language.as_deref().filter(|l| *l != "en" && *l != "auto") {
                return Err(Error::invalid(
                    "language",
                    format!("model `{}` is English-only; `{lang}` needs a multilingual model such as `base`", model.name),
                ));
            }
            if !config.languages.is_empty() && !config.languages.iter().any(|l| l == "en") {
                return Err(Error::invalid(
                    "languages",
                    format!("model `{}` is English-only; {:?} needs a multilingual model such as `base`", model.name, config.languages),
                ));
            }
        }
        let heads: Vec<whisper_rs::DtwAhead> = model
            .alignment_heads
            .iter()
            .map(|(layer, head)| whisper_rs::DtwAhead { n_text_layer: *layer as i32, n_head: *head as i32 })
            .collect();
        let mut params = WhisperContextParameters::default();
        params.use_gpu(matches!(config.device, Device::Cuda(_)));
        if let Device::Cuda(n) = config.device {
            params.gpu_device(n as i32);
        }
        if matches!(config.word_timing, WordTiming::Dtw | WordTiming::Hybrid) && !heads.is_empty() {
            params.dtw_parameters(whisper_rs::DtwParameters {
                mode: whisper_rs::DtwMode::Custom { aheads: &heads },
                dtw_mem_size: 1024 * 1024 * 128,
            });
        }
        let path = path_str(&model.ggml_path)?;
        let context = WhisperContext::new_with_params(path, params)
            .map_err(|e| Error::asr(format!("cannot load {}: {e}", model.ggml_path.display())))?;
        Ok(Self { context, model, config, _dtw_heads: heads })
    }

    pub fn model(&self) -> &WhisperModel {
        &self.model
    }

    pub fn config(&self) -> &AsrConfig {
        &self.config
    }

    /// Transcribe 16 kHz mono audio held in memory.
    pub fn transcribe(&self, audio: &AudioBuffer, ctl: &RunCtl) -> Result<Transcript> {
        if audio.sample_rate != 16_000 || audio.channels != 1 {
            return Err(Error::invalid(
                "audio",
                format!("{} Hz x {} channels (Whisper needs 16000 Hz mono)", audio.sample_rate, audio.channels),
            ));
        }
        let block = 16_000 * 30;
        let mut blocks = audio.samples.chunks(block);
        let mut next = || Ok(blocks.next().map(<[f32]>::to_vec));
        Ok(stream::transcribe_stream(self, &mut next, Some(audio.duration()), ctl)?.0)
    }

    /// Decode `path` (any media FFmpeg opens) and transcribe it, streaming:
    /// memory stays bounded however long the input is.
    pub fn transcribe_file(&self, path: impl AsRef<Path>, ctl: &RunCtl) -> Result<Transcript> {
        let reader = AudioReader::open(path, &AudioDecodeOptions::default())?;
        self.transcribe_reader(reader, ctl)
    }

    /// Transcribe what an [`AudioReader`] (16 kHz mono) delivers.
    pub fn transcribe_reader(&self, reader: AudioReader, ctl: &RunCtl) -> Result<Transcript> {
        Ok(self.transcribe_reader_with_levels(reader, ctl)?.0)
    }

    /// [`Transcriber::transcribe_reader`], also returning the audio's level in
    /// dBFS per 10 ms frame (measured on the way, so callers that need the
    /// loudness need not decode again).
    pub fn transcribe_reader_with_levels(&self, mut reader: AudioReader, ctl: &RunCtl) -> Result<(Transcript, Vec<f32>)> {
        if reader.sample_rate() != 16_000 || reader.channels() != 1 {
            return Err(Error::invalid("audio", "the reader must deliver 16000 Hz mono"));
        }
        let duration = reader.duration();
        let mut next = || reader.read_block(16_000 * 10);
        stream::transcribe_stream(self, &mut next, duration, ctl)
    }

    pub(crate) fn language_setting(&self) -> String {
        match (&self.config.language, self.model.multilingual) {
            (Some(lang), true) => lang.clone(),
            (None, true) => "auto".into(),
            (_, false) => "en".into(),
        }
    }
}

fn path_str(path: &Path) -> Result<&str> {
    path.to_str().ok_or_else(|| Error::invalid("model", format!("{} is not valid UTF-8", path.display())))
}

#[cfg(test)]
mod device_tests {
    use super::Device;

    #[test]
    fn devices_parse_from_their_names() {
        assert_eq!("cpu".parse::<Device>().unwrap(), Device::Cpu);
        assert_eq!("cuda".parse::<Device>().unwrap(), Device::Cuda(0));
        assert_eq!("cuda:2".parse::<Device>().unwrap(), Device::Cuda(2));
        assert_eq!("cuda:2".parse::<Device>().unwrap().to_string(), "cuda:2");
        let e = "tpu".parse::<Device>().unwrap_err();
        assert_eq!((e.code(), e.field()), ("invalid_parameter", Some("device")));
    }
}
