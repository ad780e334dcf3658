//! The synthesiser: text → sentences → phonemes → audio, with voices loaded
//! once, sentences synthesised in parallel and delivered in order as soon
//! as they are ready.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use serde::{Deserialize, Serialize};

use super::config::TtsConfig;
use super::espeak;
use super::markup::{self, Piece};
use super::noise::sentence_seed;
use super::normalize::normalize;
use super::ordered::run_ordered;
use super::phonemes::{codepoints, text_codepoints};
use super::piper::{PhonemeType, PiperModel, Scales};
use super::sentences::split_sentences;
use super::voices::{Voice, VoiceRegistry, VoiceSource};
use crate::error::{Error, Result};
use crate::models::ModelStore;
use crate::progress::{ProgressEvent, RunCtl, Stage};

/// Synthesised speech: mono samples with what was said when.
#[derive(Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Speech {
    pub sample_rate: u32,
    /// Mono samples in -1..=1.
    pub samples: Vec<f32>,
    pub sentences: Vec<SpokenSentence>,
    /// Phonemes the voice has no id for, with counts (they were skipped).
    pub missing_phonemes: BTreeMap<String, usize>,
    pub voice: String,
}

impl std::fmt::Debug for Speech {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Speech")
            .field("voice", &self.voice)
            .field("sample_rate", &self.sample_rate)
            .field("seconds", &self.duration())
            .field("sentences", &self.sentences.len())
            .finish()
    }
}

impl Speech {
    pub fn duration(&self) -> f64 {
        self.samples.len() as f64 / f64::from(self.sample_rate.max(1))
    }

    /// As a mono [`crate::media::AudioBuffer`].
    pub fn into_audio(self) -> crate::media::AudioBuffer {
        crate::media::AudioBuffer { sample_rate: self.sample_rate, channels: 1, samples: self.samples }
    }
}

/// One sentence as spoken.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SpokenSentence {
    pub text: String,
    /// The phonemes read by the voice (IPA for Piper voices; empty for
    /// espeak-ng voices, which phonemise internally).
    pub phonemes: String,
    /// Seconds from the start of the speech.
    pub start: f64,
    pub end: f64,
}

/// What a streamed synthesis produced.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SynthesisSummary {
    pub voice: String,
    pub sample_rate: u32,
    /// Seconds of audio produced.
    pub duration: f64,
    pub sentences: usize,
    pub missing_phonemes: BTreeMap<String, usize>,
    /// Wall-clock seconds until the first audio was handed over.
    pub first_audio_after: f64,
    /// Wall-clock seconds of the whole call.
    pub elapsed: f64,
}

impl SynthesisSummary {
    /// Real-time factor: synthesis time per second of audio.
    pub fn real_time_factor(&self) -> f64 {
        if self.duration > 0.0 {
            self.elapsed / self.duration
        } else {
            0.0
        }
    }
}

/// A voice ready to speak.
enum Engine {
    Piper(Box<PiperModel>),
    Espeak { voice: String },
}

struct LoadedVoice {
    id: String,
    engine: Engine,
    sample_rate: u32,
    /// Language used for text normalisation.
    language: String,
}

/// Work for one thread: a sentence to speak or a pause.
enum Unit {
    Sentence {
        text: String,
        phonemes: String,
        /// Piper ids (empty for espeak-ng voices).
        ids: Vec<i64>,
        seed: u64,
    },
    Silence(f64),
}

struct Job {
    /// Which input text (batch synthesis) the unit belongs to.
    text_index: usize,
    /// Whether it is the last unit of its text.
    last: bool,
    /// Characters of input it covers (for progress).
    chars: usize,
    unit: Unit,
    missing: BTreeMap<String, usize>,
}

/// Speaks text with Piper and espeak-ng voices; loaded voices are kept.
pub struct Synthesizer {
    registry: VoiceRegistry,
    loaded: Mutex<HashMap<String, Arc<LoadedVoice>>>,
}

impl std::fmt::Debug for Synthesizer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Synthesizer").field("models", &self.registry.store().root()).finish()
    }
}

impl Synthesizer {
    pub fn new(store: ModelStore) -> Self {
        Self::with_registry(VoiceRegistry::new(store))
    }

    /// A synthesiser over the default model store.
    pub fn from_env() -> Self {
        Self::new(ModelStore::from_env())
    }

    pub fn with_registry(registry: VoiceRegistry) -> Self {
        Self { registry, loaded: Mutex::new(HashMap::new()) }
    }

    /// Also offer the Piper voices in `dir`.
    pub fn with_voice_dir(self, dir: impl Into<PathBuf>) -> Self {
        Self::with_registry(self.registry.with_dir(dir))
    }

    pub fn registry(&self) -> &VoiceRegistry {
        &self.registry
    }

    /// Every voice this synthesiser can use.
    pub fn voices(&self) -> Result<Vec<Voice>> {
        self.registry.list()
    }

    /// The voice called `name`.
    pub fn voice(&self, name: &str) -> Result<Voice> {
        self.registry.describe(name)
    }

    /// Load (or reuse) the voice `name`.
    fn load(&self, name: &str) -> Result<Arc<LoadedVoice>> {
        if let Some(v) = self.loaded.lock().unwrap_or_else(|e| e.into_inner()).get(name) {
            return Ok(v.clone());
        }
        let voice = match self.registry.resolve(name)? {
            VoiceSource::Piper { id, onnx, config } => {
                let model = PiperModel::load(&id, &onnx, &config, self.registry.store(), 1)?;
                LoadedVoice {
                    id,
                    sample_rate: model.config.sample_rate,
                    language: model.config.language.clone(),
                    engine: Engine::Piper(Box::new(model)),
                }
            }
            VoiceSource::Espeak { voice } => LoadedVoice {
                id: format!("{}{voice}", super::voices::ESPEAK_PREFIX),
                sample_rate: espeak::sample_rate()?,
                language: voice.clone(),
                engine: Engine::Espeak { voice },
            },
        };
        let voice = Arc::new(voice);
        self.loaded.lock().unwrap_or_else(|e| e.into_inner()).insert(name.to_owned(), voice.clone());
        Ok(voice)
    }

    /// Load (or reuse) the voice `name`, reporting [`Stage::LoadModel`] and
    /// honouring cancellation before a load.
    fn load_with(&self, name: &str, ctl: &RunCtl) -> Result<Arc<LoadedVoice>> {
        if let Some(v) = self.loaded.lock().unwrap_or_else(|e| e.into_inner()).get(name) {
            return Ok(v.clone());
        }
        ctl.check()?;
        ctl.report(Stage::LoadModel, 0.0, Some(1.0), "models");
        let voice = self.load(name)?;
        ctl.report(Stage::LoadModel, 1.0, Some(1.0), "models");
        ctl.check()?;
        Ok(voice)
    }

    /// Sample rate of the voice `name` (loading it).
    pub fn sample_rate(&self, name: &str) -> Result<u32> {
        Ok(self.load(name)?.sample_rate)
    }

    /// Speak `text` and return the whole audio.
    pub fn synthesize(&self, text: &str, config: &TtsConfig, ctl: &RunCtl) -> Result<Speech> {
        config.validate()?;
        let voice = self.load_with(&config.voice, ctl)?;
        let speaker = speaker_id(&voice, config)?;
        let jobs: Vec<Job> = Planner::new(&voice, config, 0, text)?.collect::<Result<_>>()?;
        let total_chars = jobs.iter().map(|j| j.chars).sum::<usize>().max(1);
        let units = jobs.iter().filter(|j| matches!(j.unit, Unit::Sentence { .. })).count();
        let workers = config.workers(units);
        let mut speech = empty_speech(&voice);
        let mut done = 0usize;
        run_ordered(
            jobs.into_iter().map(Ok),
            workers,
            workers * 2,
            ctl,
            &|job: &Job| render(&voice, config, speaker, &job.unit),
            &mut |job, audio| {
                done += job.chars;
                append(&mut speech, job, audio);
                ctl.report(Stage::Synthesize, done.min(total_chars) as f64, Some(total_chars as f64), "characters");
                Ok(())
            },
        )?;
        finish_speech(&mut speech)?;
        Ok(speech)
    }

    /// Speak `text` sentence by sentence, handing audio to `sink` as soon as
    /// it is ready and in order. Memory stays bounded for any text length.
    pub fn synthesize_stream(
        &self,
        text: &str,
        config: &TtsConfig,
        ctl: &RunCtl,
        sink: &mut dyn FnMut(&[f32]) -> Result<()>,
    ) -> Result<SynthesisSummary> {
        config.validate()?;
        let started = Instant::now();
        let voice = self.load_with(&config.voice, ctl)?;
        let speaker = speaker_id(&voice, config)?;
        let total_chars = text.chars().count().max(1);
        let planner = Planner::new(&voice, config, 0, text)?;
        let workers = config.workers(usize::MAX);
        let mut summary = SynthesisSummary {
            voice: voice.id.clone(),
            sample_rate: voice.sample_rate,
            duration: 0.0,
            sentences: 0,
            missing_phonemes: BTreeMap::new(),
            first_audio_after: 0.0,
            elapsed: 0.0,
        };
        let mut samples_out = 0usize;
        let mut chars_done = 0usize;
        let mut spoke = false;
        run_ordered(
            planner,
            workers,
            workers * 2,
            ctl,
            &|job: &Job| render(&voice, config, speaker, &job.unit),
            &mut |job, audio| {
                chars_done += job.chars;
                merge_missing(&mut summary.missing_phonemes, &job.missing);
                if let Unit::Sentence { .. } = job.unit {
                    summary.sentences += 1;
                    spoke |= !audio.is_empty();
                }
                if !audio.is_empty() {
                    if samples_out == 0 {
                        summary.first_audio_after = started.elapsed().as_secs_f64();
                    }
                    samples_out += audio.len();
                    sink(&audio)?;
                }
                ctl.emit(ProgressEvent {
                    stage: Stage::Synthesize,
                    done: chars_done.min(total_chars) as f64,
                    total: Some(total_chars as f64),
                    unit: "characters",
                    message: None,
                    rate: None,
                    eta: None,
                });
                Ok(())
            },
        )?;
        if !spoke {
            return Err(nothing_to_say(&summary.missing_phonemes));
        }
        summary.duration = samples_out as f64 / f64::from(voice.sample_rate);
        summary.elapsed = started.elapsed().as_secs_f64();
        Ok(summary)
    }

    /// Speak many texts (e.g. narration cues) in parallel across cores;
    /// `on_ready(i, speech)` is called in order, as soon as text `i` and all
    /// before it are done. A text with nothing speakable gives empty speech.
    pub fn synthesize_batch(
        &self,
        texts: &[String],
        config: &TtsConfig,
        ctl: &RunCtl,
        on_ready: &mut dyn FnMut(usize, Speech) -> Result<()>,
    ) -> Result<()> {
        config.validate()?;
        let voice = self.load_with(&config.voice, ctl)?;
        let speaker = speaker_id(&voice, config)?;
        let mut plans: Vec<Job> = Vec::new();
        for (i, text) in texts.iter().enumerate() {
            let mut jobs: Vec<Job> = match Planner::new(&voice, config, i, text) {
                Ok(p) => p.collect::<Result<_>>()?,
                Err(e) if e.kind() == crate::ErrorKind::InvalidParameter && e.field() == Some("text") => Vec::new(),
                Err(e) => return Err(e),
            };
            if jobs.is_empty() {
                jobs.push(Job { text_index: i, last: false, chars: 0, unit: Unit::Silence(0.0), missing: BTreeMap::new() });
            }
            if let Some(last) = jobs.last_mut() {
                last.last = true;
            }
            plans.extend(jobs);
        }
        let units = plans.iter().filter(|j| matches!(j.unit, Unit::Sentence { .. })).count();
        let workers = config.workers(units);
        let total = texts.len() as f64;
        let mut current = empty_speech(&voice);
        run_ordered(
            plans.into_iter().map(Ok),
            workers,
            workers * 2,
            ctl,
            &|job: &Job| render(&voice, config, speaker, &job.unit),
            &mut |job, audio| {
                let (index, last) = (job.text_index, job.last);
                append(&mut current, job, audio);
                if last {
                    let mut speech = std::mem::replace(&mut current, empty_speech(&voice));
                    trim_trailing_silence_units(&mut speech);
                    ctl.report(Stage::Synthesize, index as f64 + 1.0, Some(total), "texts");
                    on_ready(index, speech)?;
                }
                Ok(())
            },
        )
    }

    /// Speak `text` into a WAV file (16-bit PCM), streaming: the file is
    /// written under a temporary name and renamed when complete.
    pub fn synthesize_to_wav(
        &self,
        text: &str,
        path: impl AsRef<Path>,
        config: &TtsConfig,
        ctl: &RunCtl,
    ) -> Result<SynthesisSummary> {
        config.validate()?;
        let rate = self.sample_rate(&config.voice)?;
        let mut writer = crate::audio::WavWriter::create(path.as_ref(), rate, 1, crate::audio::WavFormat::Pcm16)?;
        let summary = self.synthesize_stream(text, config, ctl, &mut |samples| writer.write(samples))?;
        writer.finish()?;
        Ok(summary)
    }
}

fn speaker_id(voice: &LoadedVoice, config: &TtsConfig) -> Result<Option<i64>> {
    match &voice.engine {
        Engine::Piper(model) => model.speaker_id(config.speaker.as_deref()),
        Engine::Espeak { .. } => match config.speaker.as_deref() {
            None | Some("0") => Ok(None),
            Some(s) => Err(Error::invalid("speaker", format!("`{s}`: espeak-ng voices have one speaker"))),
        },
    }
}

fn empty_speech(voice: &LoadedVoice) -> Speech {
    Speech {
        sample_rate: voice.sample_rate,
        samples: Vec::new(),
        sentences: Vec::new(),
        missing_phonemes: BTreeMap::new(),
        voice: voice.id.clone(),
    }
}

fn merge_missing(into: &mut BTreeMap<String, usize>, from: &BTreeMap<String, usize>) {
    for (k, v) in from {
        *into.entry(k.clone()).or_default() += v;
    }
}

fn append(speech: &mut Speech, job: Job, audio: Vec<f32>) {
    merge_missing(&mut speech.missing_phonemes, &job.missing);
    let rate = f64::from(speech.sample_rate.max(1));
    let start = speech.samples.len() as f64 / rate;
    speech.samples.extend_from_slice(&audio);
    if let Unit::Sentence { text, phonemes, .. } = job.unit {
        if !audio.is_empty() {
            speech.sentences.push(SpokenSentence { text, phonemes, start, end: speech.samples.len() as f64 / rate });
        }
    }
}

/// Drop pauses after the last sentence of a batch text.
fn trim_trailing_silence_units(speech: &mut Speech) {
    if let Some(last) = speech.sentences.last() {
        let end = (last.end * f64::from(speech.sample_rate)).round() as usize;
        speech.samples.truncate(end.min(speech.samples.len()));
    }
}

fn finish_speech(speech: &mut Speech) -> Result<()> {
    if speech.sentences.is_empty() {
        return Err(nothing_to_say(&speech.missing_phonemes));
    }
    trim_trailing_silence_units(speech);
    Ok(())
}

fn nothing_to_say(missing: &BTreeMap<String, usize>) -> Error {
    let detail = if missing.is_empty() {
        String::new()
    } else {
        format!(
            " (unknown phonemes: {})",
            missing.keys().take(8).map(|k| format!("{k:?}")).collect::<Vec<_>>().join(", ")
        )
    };
    Error::invalid("text", format!("contains nothing the voice can speak{detail}"))
}

/// Audio for one unit.
fn render(voice: &LoadedVoice, config: &TtsConfig, speaker: Option<i64>, unit: &Unit) -> Result<Vec<f32>> {
    match unit {
        Unit::Silence(seconds) => Ok(vec![0.0; (seconds * f64::from(voice.sample_rate)).round() as usize]),
        Unit::Sentence { text, ids, seed, .. } => {
            let mut audio = match &voice.engine {
                Engine::Piper(model) => {
                    if ids.len() <= 3 {
                        return Ok(Vec::new());
                    }
                    let scales = Scales {
                        noise_scale: config.noise_scale.unwrap_or(model.config.noise_scale),
                        length_scale: config.length_scale.unwrap_or(model.config.length_scale) / config.rate,
                        noise_w: config.noise_w.unwrap_or(model.config.noise_w),
                    };
                    model.synthesize(ids, scales, speaker, *seed)?
                }
                Engine::Espeak { voice: name } => {
                    espeak::synthesize(text, name, (175.0 * config.rate).round().clamp(80.0, 450.0) as u32)?
                }
            };
            scale_peak(&mut audio, config.peak);
            Ok(audio)
        }
    }
}

fn scale_peak(audio: &mut [f32], peak: f32) {
    let max = audio.iter().fold(0.0f32, |m, s| m.max(s.abs()));
    if peak > 0.0 && max > 1e-6 {
        let gain = peak / max;
        audio.iter_mut().for_each(|s| *s *= gain);
    }
    audio.iter_mut().for_each(|s| *s = s.clamp(-1.0, 1.0));
}

/// A sentence ready to synthesise: text, phonemes, ids, unknown phonemes.
type PlannedSentence = (String, String, Vec<i64>, BTreeMap<String, usize>);

/// Turns a text into jobs lazily: markup, normalisation, sentence
/// splitting and phonemisation happen as jobs are pulled.
struct Planner<'a> {
    voice: &'a LoadedVoice,
    config: &'a TtsConfig,
    text_index: usize,
    pieces: VecDeque<Piece>,
    sentences: VecDeque<(String, usize)>,
    ready: VecDeque<Job>,
    /// Silence owed before the next sentence, and whether it was asked for
    /// explicitly (explicit breaks replace the default pauses).
    pending_pause: Option<(f64, bool)>,
    spoke: bool,
    finished: bool,
}

impl<'a> Planner<'a> {
    fn new(voice: &'a LoadedVoice, config: &'a TtsConfig, text_index: usize, text: &str) -> Result<Self> {
        if text.trim().is_empty() {
            return Err(Error::invalid("text", "is empty"));
        }
        let pieces: VecDeque<Piece> = markup::parse(text, config.markup)?.into();
        if !pieces.iter().any(|p| matches!(p, Piece::Text(t) if !t.trim().is_empty())) {
            return Err(Error::invalid("text", "has no words to speak"));
        }
        Ok(Self {
            voice,
            config,
            text_index,
            pieces,
            sentences: VecDeque::new(),
            ready: VecDeque::new(),
            pending_pause: None,
            spoke: false,
            finished: false,
        })
    }

    fn add_pause(&mut self, seconds: f64, explicit: bool) {
        self.pending_pause = Some(match self.pending_pause {
            Some((p, true)) if explicit => (p + seconds, true),
            Some((p, true)) => (p, true),
            Some((p, false)) if !explicit => (p.max(seconds), false),
            _ => (seconds, explicit),
        });
    }

    /// Phonemise the next sentence into jobs (possibly several when
    /// espeak-ng finds sentence ends inside it).
    fn plan_sentence(&mut self, sentence: &str, chars: usize) -> Result<()> {
        let mut units: Vec<PlannedSentence> = Vec::new();
        match &self.voice.engine {
            Engine::Piper(model) => match model.config.phoneme_type {
                PhonemeType::Espeak => {
                    let clauses = espeak::phonemize(sentence, &model.config.espeak_voice)?;
                    let mut current: Vec<String> = Vec::new();
                    let n = clauses.len();
                    for (i, clause) in clauses.into_iter().enumerate() {
                        let mut part = clause.phonemes.clone();
                        if let Some(t) = clause.terminator {
                            part.push(t);
                        }
                        if !part.is_empty() {
                            current.push(part);
                        }
                        if clause.ends_sentence() || i + 1 == n {
                            let phonemes = current.join(" ");
                            current.clear();
                            if phonemes.trim().is_empty() {
                                continue;
                            }
                            let ids = model.config.phoneme_ids.ids(&codepoints(&phonemes));
                            units.push((sentence.to_owned(), phonemes, ids.ids, ids.missing));
                        }
                    }
                }
                PhonemeType::Text => {
                    let phonemes = text_codepoints(sentence, true);
                    let ids = model.config.phoneme_ids.ids(&phonemes);
                    units.push((sentence.to_owned(), phonemes.concat(), ids.ids, ids.missing));
                }
            },
            Engine::Espeak { .. } => {
                units.push((sentence.to_owned(), String::new(), Vec::new(), BTreeMap::new()));
            }
        }
        for (k, (text, phonemes, ids, missing)) in units.into_iter().enumerate() {
            let speakable = match &self.voice.engine {
                Engine::Piper(_) => ids.len() > 3,
                Engine::Espeak { .. } => text.chars().any(char::is_alphanumeric),
            };
            if speakable {
                if let Some((pause, _)) = self.pending_pause.take() {
                    if self.spoke || pause > 0.0 {
                        self.ready.push_back(self.job(0, Unit::Silence(pause), BTreeMap::new()));
                    }
                }
                self.spoke = true;
            }
            let seed = sentence_seed(self.config.seed, &phonemes_or(&phonemes, &text));
            let share = if k == 0 { chars } else { 0 };
            self.ready.push_back(self.job(share, Unit::Sentence { text, phonemes, ids, seed }, missing));
            if speakable {
                self.add_pause(self.config.sentence_pause, false);
            }
        }
        Ok(())
    }

    fn job(&self, chars: usize, unit: Unit, missing: BTreeMap<String, usize>) -> Job {
        Job { text_index: self.text_index, last: false, chars, unit, missing }
    }
}

fn phonemes_or(phonemes: &str, text: &str) -> String {
    if phonemes.is_empty() {
        text.to_owned()
    } else {
        phonemes.to_owned()
    }
}

impl Iterator for Planner<'_> {
    type Item = Result<Job>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(job) = self.ready.pop_front() {
                return Some(Ok(job));
            }
            if self.finished {
                return None;
            }
            if let Some((sentence, chars)) = self.sentences.pop_front() {
                if let Err(e) = self.plan_sentence(&sentence, chars) {
                    self.finished = true;
                    return Some(Err(e));
                }
                continue;
            }
            match self.pieces.pop_front() {
                Some(Piece::Text(text)) => {
                    let chars = text.chars().count();
                    let normalized =
                        if self.config.normalize_text { normalize(&text, &self.voice.language) } else { text };
                    let sentences = split_sentences(&normalized);
                    let n = sentences.len().max(1);
                    for (i, s) in sentences.into_iter().enumerate() {
                        // Progress counts input characters, spread over the sentences.
                        let share = chars / n + usize::from(i < chars % n);
                        self.sentences.push_back((s, share));
                    }
                }
                Some(Piece::Pause(seconds)) => self.add_pause(seconds, true),
                Some(Piece::SentenceEnd) => {}
                Some(Piece::ParagraphEnd) => self.add_pause(self.config.paragraph_pause, false),
                None => {
                    self.finished = true;
                    return None;
                }
            }
        }
    }
}
