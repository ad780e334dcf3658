//! Piper voices: a VITS model in ONNX plus its JSON config, run through ONNX
//! Runtime. Inputs: `input` [1, n] phoneme ids, `input_lengths` [1],
//! `scales` [noise, length, noise_w], and `sid` [1] for multi-speaker
//! voices; output: [1, 1, 1, samples] float audio.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use ort::session::builder::GraphOptimizationLevel;
use ort::session::{Session, SessionInputValue};
use ort::value::Tensor;
use serde::{Deserialize, Serialize};

use super::noise::GaussianStream;
use super::phonemes::PhonemeIdMap;
use super::runtime;
use super::seeded_graph::{noise_input_name, seed_random_nodes};
use crate::error::{Error, Result};
use crate::models::ModelStore;

/// How a voice turns text into phonemes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PhonemeType {
    /// IPA from espeak-ng (almost every Piper voice).
    Espeak,
    /// The text's own codepoints.
    Text,
}

/// The parts of a Piper `.onnx.json` config that synthesis uses.
#[derive(Debug, Clone, PartialEq)]
pub struct PiperConfig {
    pub sample_rate: u32,
    pub quality: Option<String>,
    /// espeak-ng voice for phonemes, e.g. `en-us`.
    pub espeak_voice: String,
    /// Language code, e.g. `en_US`.
    pub language: String,
    pub phoneme_type: PhonemeType,
    pub noise_scale: f32,
    pub length_scale: f32,
    pub noise_w: f32,
    /// Speaker names by id (empty for single-speaker voices).
    pub speakers: BTreeMap<String, i64>,
    pub num_speakers: u32,
    pub dataset: Option<String>,
    pub phoneme_ids: PhonemeIdMap,
}

#[derive(Deserialize, schemars::JsonSchema)]
struct ConfigFile {
    audio: AudioSection,
    #[serde(default)]
    espeak: Option<EspeakSection>,
    #[serde(default)]
    inference: Option<InferenceSection>,
    #[serde(default)]
    phoneme_type: Option<String>,
    #[serde(default)]
    phoneme_map: HashMap<String, Vec<String>>,
    phoneme_id_map: HashMap<String, Vec<i64>>,
    #[serde(default)]
    num_speakers: Option<u32>,
    #[serde(default)]
    speaker_id_map: HashMap<String, i64>,
    #[serde(default)]
    language: Option<LanguageSection>,
    #[serde(default)]
    dataset: Option<String>,
}

#[derive(Deserialize, schemars::JsonSchema)]
struct AudioSection {
    sample_rate: u32,
    #[serde(default)]
    quality: Option<String>,
}

#[derive(Deserialize, schemars::JsonSchema)]
struct EspeakSection {
    voice: String,
}

#[derive(Deserialize, schemars::JsonSchema)]
struct InferenceSection {
    #[serde(default)]
    noise_scale: Option<f32>,
    #[serde(default)]
    length_scale: Option<f32>,
    #[serde(default)]
    noise_w: Option<f32>,
}

#[derive(Deserialize, schemars::JsonSchema)]
struct LanguageSection {
    code: String,
}

impl PiperConfig {
    /// Read and check a voice config file.
    pub fn load(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        Self::parse(&text).map_err(|reason| Error::invalid("voice", format!("{}: {reason}", path.display())))
    }

    /// Parse the JSON text of a voice config.
    pub fn parse(text: &str) -> std::result::Result<Self, String> {
        let file: ConfigFile = serde_json::from_str(text).map_err(|e| format!("not a Piper voice config ({e})"))?;
        if !(8_000..=96_000).contains(&file.audio.sample_rate) {
            return Err(format!("sample rate {} Hz (expected 8000..=96000)", file.audio.sample_rate));
        }
        let phoneme_type = match file.phoneme_type.as_deref() {
            None | Some("espeak") => PhonemeType::Espeak,
            Some("text") => PhonemeType::Text,
            Some(other) => return Err(format!("phoneme_type `{other}` (supported: espeak, text)")),
        };
        let espeak_voice = file.espeak.map(|e| e.voice).unwrap_or_default();
        if phoneme_type == PhonemeType::Espeak && espeak_voice.is_empty() {
            return Err("no espeak voice in the config".into());
        }
        let phoneme_ids = PhonemeIdMap::new(file.phoneme_id_map, file.phoneme_map);
        if !phoneme_ids.has_control_symbols() {
            return Err("phoneme_id_map lacks `^`, `$` or `_`".into());
        }
        let inference = file.inference;
        let pick = |f: fn(&InferenceSection) -> Option<f32>, default: f32| inference.as_ref().and_then(f).unwrap_or(default);
        Ok(Self {
            sample_rate: file.audio.sample_rate,
            quality: file.audio.quality,
            language: file.language.map(|l| l.code).unwrap_or_else(|| espeak_voice.clone()),
            espeak_voice,
            phoneme_type,
            noise_scale: pick(|i| i.noise_scale, 0.667),
            length_scale: pick(|i| i.length_scale, 1.0),
            noise_w: pick(|i| i.noise_w, 0.8),
            num_speakers: file.num_speakers.unwrap_or(1).max(1),
            speakers: file.speaker_id_map.into_iter().collect(),
            dataset: file.dataset,
            phoneme_ids,
        })
    }
}

/// Noise and speed of one synthesis call.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scales {
    pub noise_scale: f32,
    pub length_scale: f32,
    pub noise_w: f32,
}

/// A loaded Piper voice. Sessions are pooled: each concurrent call takes
/// one (creating it on first need), so calls on several threads run in
/// parallel.
pub struct PiperModel {
    pub name: String,
    pub onnx: PathBuf,
    pub config: PiperConfig,
    model: Arc<Vec<u8>>,
    noise_inputs: usize,
    has_speaker_input: bool,
    store: ModelStore,
    intra_threads: usize,
    sessions: Mutex<Vec<Session>>,
}

impl std::fmt::Debug for PiperModel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PiperModel").field("name", &self.name).field("onnx", &self.onnx).finish()
    }
}

impl PiperModel {
    /// Load the voice `onnx` (with `config`), preparing its graph for seeded
    /// noise and opening one session to check that it runs here.
    pub fn load(name: &str, onnx: &Path, config: &Path, store: &ModelStore, intra_threads: usize) -> Result<Self> {
        let config = PiperConfig::load(config)?;
        let bytes = std::fs::read(onnx).map_err(|e| Error::io(onnx, e))?;
        let seeded = seed_random_nodes(&bytes)?;
        let mut model = Self {
            name: name.to_owned(),
            onnx: onnx.to_path_buf(),
            config,
            model: Arc::new(seeded.model),
            noise_inputs: seeded.noise_inputs,
            has_speaker_input: false,
            store: store.clone(),
            intra_threads: intra_threads.max(1),
            sessions: Mutex::new(Vec::new()),
        };
        let session = model.new_session()?;
        let names: Vec<&str> = session.inputs().iter().map(|i| i.name()).collect();
        for required in ["input", "input_lengths", "scales"] {
            if !names.contains(&required) {
                return Err(Error::invalid(
                    "voice",
                    format!("{}: model has no `{required}` input (inputs: {})", onnx.display(), names.join(", ")),
                ));
            }
        }
        model.has_speaker_input = names.contains(&"sid");
        model.sessions.get_mut().unwrap_or_else(|e| e.into_inner()).push(session);
        Ok(model)
    }

    fn new_session(&self) -> Result<Session> {
        let env = runtime::environment(&self.store)?;
        let fail = |e: String| Error::tts(format!("cannot load voice {}: {e}", self.onnx.display()));
        let mut builder = Session::builder(env)
            .and_then(|b| b.with_optimization_level(GraphOptimizationLevel::Level3).map_err(Into::into))
            .and_then(|b| b.with_intra_threads(self.intra_threads).map_err(Into::into))
            .and_then(|b| b.with_inter_threads(1).map_err(Into::into))
            .and_then(|b| b.with_intra_op_spinning(false).map_err(Into::into))
            .map_err(|e: ort::Error| fail(e.to_string()))?;
        builder.commit_from_memory(&self.model).map_err(|e| fail(e.to_string()))
    }

    /// Whether a fixed seed gives identical audio (true unless the graph
    /// draws random numbers in a way reelkit does not rewrite).
    pub fn noise_inputs(&self) -> usize {
        self.noise_inputs
    }

    /// Speaker id for `speaker` (a name from the config or a number).
    pub fn speaker_id(&self, speaker: Option<&str>) -> Result<Option<i64>> {
        if !self.has_speaker_input {
            return match speaker {
                None | Some("0") => Ok(None),
                Some(s) => Err(Error::invalid("speaker", format!("`{s}`: voice {} has a single speaker", self.name))),
            };
        }
        let Some(speaker) = speaker else { return Ok(Some(0)) };
        if let Some(id) = self.config.speakers.get(speaker) {
            return Ok(Some(*id));
        }
        match speaker.parse::<i64>() {
            Ok(id) if id >= 0 && id < i64::from(self.config.num_speakers) => Ok(Some(id)),
            _ => Err(Error::invalid(
                "speaker",
                format!(
                    "`{speaker}` (voice {} has {} speakers: ids 0..{}{})",
                    self.name,
                    self.config.num_speakers,
                    self.config.num_speakers,
                    if self.config.speakers.is_empty() {
                        String::new()
                    } else {
                        format!(" or names {}", self.config.speakers.keys().take(8).cloned().collect::<Vec<_>>().join(", "))
                    }
                ),
            )),
        }
    }

    /// Synthesise one sentence of phoneme ids. The noise comes from `seed`,
    /// so equal inputs give equal audio.
    pub fn synthesize(&self, ids: &[i64], scales: Scales, speaker: Option<i64>, seed: u64) -> Result<Vec<f32>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let mut session = self.take_session()?;
        let result = self.run(&mut session, ids, scales, speaker, seed);
        self.sessions.lock().unwrap_or_else(|e| e.into_inner()).push(session);
        result
    }

    fn take_session(&self) -> Result<Session> {
        let pooled = self.sessions.lock().unwrap_or_else(|e| e.into_inner()).pop();
        match pooled {
            Some(s) => Ok(s),
            None => self.new_session(),
        }
    }

    fn run(&self, session: &mut Session, ids: &[i64], scales: Scales, speaker: Option<i64>, seed: u64) -> Result<Vec<f32>> {
        // The noise must cover the largest tensor drawn: [1, 2, n] for
        // durations and [1, channels, frames] for the flow. Frames are not
        // known before the run, so start generous and grow on failure.
        let frames_guess = (ids.len() as f64 * 8.0 * f64::from(scales.length_scale.max(0.25)) + 64.0) as usize;
        let mut noise_len = 256 * frames_guess;
        let mut first_error = None;
        for _attempt in 0..3 {
            match self.run_once(session, ids, scales, speaker, seed, noise_len) {
                Ok(audio) => return Ok(audio),
                Err(e) if self.noise_inputs > 0 => {
                    first_error.get_or_insert(e);
                    noise_len *= 4;
                }
                Err(e) => return Err(e),
            }
        }
        Err(first_error.expect("at least one attempt failed"))
    }

    fn run_once(
        &self,
        session: &mut Session,
        ids: &[i64],
        scales: Scales,
        speaker: Option<i64>,
        seed: u64,
        noise_len: usize,
    ) -> Result<Vec<f32>> {
        let fail = |e: ort::Error| Error::tts(format!("voice {} failed: {e}", self.name));
        let n = ids.len();
        let mut inputs: Vec<(Cow<'_, str>, SessionInputValue<'_>)> = vec![
            ("input".into(), Tensor::from_array(([1usize, n], ids.to_vec())).map_err(fail)?.into()),
            ("input_lengths".into(), Tensor::from_array(([1usize], vec![n as i64])).map_err(fail)?.into()),
            (
                "scales".into(),
                Tensor::from_array(([3usize], vec![scales.noise_scale, scales.length_scale, scales.noise_w]))
                    .map_err(fail)?
                    .into(),
            ),
        ];
        if self.has_speaker_input {
            inputs.push(("sid".into(), Tensor::from_array(([1usize], vec![speaker.unwrap_or(0)])).map_err(fail)?.into()));
        }
        for k in 0..self.noise_inputs {
            let noise = GaussianStream::new(seed, k as u64).take_vec(noise_len);
            inputs.push((noise_input_name(k).into(), Tensor::from_array(([noise_len], noise)).map_err(fail)?.into()));
        }
        let outputs = session.run(inputs).map_err(fail)?;
        let (_, audio) = outputs[0].try_extract_tensor::<f32>().map_err(fail)?;
        Ok(audio.to_vec())
    }
}
