//! The voice registry: Piper voices from the model store and from any
//! directory of `.onnx` + `.onnx.json` pairs, and espeak-ng's formant voice
//! for every language it has (`espeak:<language>`), the fallback where no
//! neural voice exists.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::espeak;
use super::piper::PiperConfig;
use crate::error::{Error, Result};
use crate::models::{ModelKind, ModelStore};

/// Prefix of espeak-ng voice ids.
pub const ESPEAK_PREFIX: &str = "espeak:";

/// Which synthesiser speaks a voice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum VoiceEngine {
    /// A neural Piper (VITS) voice run through ONNX Runtime.
    Piper,
    /// espeak-ng's formant synthesiser.
    Espeak,
}

/// A voice that can be asked for by `id`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Voice {
    /// What to pass as `voice`: a model store id (`joe`), a voice file stem
    /// from a voice directory, a path, or `espeak:<language>`.
    pub id: String,
    pub engine: VoiceEngine,
    /// Language code, e.g. `en_US` (Piper) or `de` (espeak-ng).
    pub language: String,
    /// The espeak-ng voice that makes its phonemes (or speaks it).
    pub espeak_voice: String,
    pub sample_rate: u32,
    /// Piper quality tier (`x_low`, `low`, `medium`, `high`).
    pub quality: Option<String>,
    /// Speaker names of multi-speaker voices, ordered by id.
    pub speakers: Vec<String>,
    pub num_speakers: u32,
    /// Whether it can be used now (store voices may need `reelkit models fetch`).
    pub installed: bool,
    /// The `.onnx` file of a Piper voice.
    pub path: Option<PathBuf>,
    /// A human description (dataset or espeak-ng voice name).
    pub description: String,
}

/// Where a voice resolved to.
#[derive(Debug, Clone, PartialEq)]
pub enum VoiceSource {
    Piper { id: String, onnx: PathBuf, config: PathBuf },
    Espeak { voice: String },
}

/// Finds voices by id and lists them.
#[derive(Debug, Clone)]
pub struct VoiceRegistry {
    store: ModelStore,
    dirs: Vec<PathBuf>,
}

impl VoiceRegistry {
    /// Voices of the model store plus every espeak-ng language.
    pub fn new(store: ModelStore) -> Self {
        Self { store, dirs: Vec::new() }
    }

    /// Also offer every Piper voice (`NAME.onnx` + `NAME.onnx.json`) under `dir`.
    pub fn with_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.dirs.push(dir.into());
        self
    }

    pub fn store(&self) -> &ModelStore {
        &self.store
    }

    /// Every voice: store voices (installed or not), directory voices, then
    /// espeak-ng voices.
    pub fn list(&self) -> Result<Vec<Voice>> {
        let mut voices = Vec::new();
        for entry in self.store.manifest().models.iter().filter(|m| m.kind == ModelKind::PiperVoice) {
            match self.store.piper_voice(&entry.id) {
                Ok(files) => voices.push(piper_voice(&entry.id, &files.onnx, &files.config)?),
                Err(_) => voices.push(Voice {
                    id: entry.id.clone(),
                    engine: VoiceEngine::Piper,
                    language: String::new(),
                    espeak_voice: String::new(),
                    sample_rate: 0,
                    quality: None,
                    speakers: Vec::new(),
                    num_speakers: 1,
                    installed: false,
                    path: None,
                    description: format!("not installed ({})", crate::models::FETCH_HINT),
                }),
            }
        }
        for dir in &self.dirs {
            for (stem, onnx, config) in voice_files(dir) {
                if let Ok(voice) = piper_voice(&stem, &onnx, &config) {
                    voices.push(voice);
                }
            }
        }
        let rate = espeak::sample_rate()?;
        for v in espeak::voices()? {
            voices.push(Voice {
                id: format!("{ESPEAK_PREFIX}{}", v.language()),
                engine: VoiceEngine::Espeak,
                language: v.language().to_owned(),
                espeak_voice: v.language().to_owned(),
                sample_rate: rate,
                quality: None,
                speakers: Vec::new(),
                num_speakers: 1,
                installed: true,
                path: None,
                description: v.name.replace('_', " "),
            });
        }
        Ok(voices)
    }

    /// The voice called `name`.
    pub fn describe(&self, name: &str) -> Result<Voice> {
        match self.resolve(name)? {
            VoiceSource::Piper { id, onnx, config } => piper_voice(&id, &onnx, &config),
            VoiceSource::Espeak { voice } => Ok(Voice {
                id: format!("{ESPEAK_PREFIX}{voice}"),
                engine: VoiceEngine::Espeak,
                language: voice.clone(),
                espeak_voice: voice,
                sample_rate: espeak::sample_rate()?,
                quality: None,
                speakers: Vec::new(),
                num_speakers: 1,
                installed: true,
                path: None,
                description: "espeak-ng formant voice".into(),
            }),
        }
    }

    /// Find the files (or espeak-ng voice) behind `name`.
    pub fn resolve(&self, name: &str) -> Result<VoiceSource> {
        let name = name.trim();
        if name.is_empty() {
            return Err(Error::invalid("voice", "is empty"));
        }
        if let Some(language) = name.strip_prefix(ESPEAK_PREFIX) {
            if espeak::has_voice(language) {
                return Ok(VoiceSource::Espeak { voice: language.to_owned() });
            }
            return Err(Error::invalid(
                "voice",
                format!("espeak-ng has no voice `{language}` (list them with `reelkit tts --list-voices`)"),
            ));
        }
        if let Some(entry) = self.store.manifest().get(name) {
            if entry.kind == ModelKind::PiperVoice {
                let files = self.store.piper_voice(name)?;
                return Ok(VoiceSource::Piper { id: name.to_owned(), onnx: files.onnx, config: files.config });
            }
        }
        let path = Path::new(name);
        if path.is_file() {
            let config = with_json_suffix(path);
            if path.extension().is_some_and(|e| e == "onnx") && config.is_file() {
                return Ok(VoiceSource::Piper { id: stem(path), onnx: path.to_path_buf(), config });
            }
            return Err(Error::invalid(
                "voice",
                format!("{name}: a Piper voice is an .onnx file with its .onnx.json config beside it"),
            ));
        }
        if path.is_dir() {
            let found = voice_files(path);
            return match found.len() {
                1 => {
                    let (id, onnx, config) = found.into_iter().next().expect("one voice");
                    Ok(VoiceSource::Piper { id, onnx, config })
                }
                0 => Err(Error::invalid("voice", format!("{name}: no .onnx + .onnx.json voice in this directory"))),
                n => Err(Error::invalid("voice", format!("{name}: {n} voices in this directory; name one .onnx file"))),
            };
        }
        for dir in &self.dirs {
            if let Some((id, onnx, config)) = voice_files(dir).into_iter().find(|(stem, _, _)| stem == name) {
                return Ok(VoiceSource::Piper { id, onnx, config });
            }
        }
        let store_voices: Vec<String> = self
            .store
            .manifest()
            .models
            .iter()
            .filter(|m| m.kind == ModelKind::PiperVoice)
            .map(|m| m.id.clone())
            .collect();
        Err(Error::invalid(
            "voice",
            format!(
                "unknown voice `{name}` (known: {}; espeak:<language> for espeak-ng's languages; or a path to a Piper .onnx)",
                if store_voices.is_empty() { "none".to_owned() } else { store_voices.join(", ") }
            ),
        ))
    }
}

fn with_json_suffix(onnx: &Path) -> PathBuf {
    let mut s = onnx.as_os_str().to_owned();
    s.push(".json");
    PathBuf::from(s)
}

fn stem(path: &Path) -> String {
    path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default()
}

/// `(stem, onnx, config)` of every voice directly inside `dir`, sorted.
fn voice_files(dir: &Path) -> Vec<(String, PathBuf, PathBuf)> {
    let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
    let mut out: Vec<_> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "onnx") && p.is_file())
        .filter_map(|onnx| {
            let config = with_json_suffix(&onnx);
            config.is_file().then(|| (stem(&onnx), onnx, config))
        })
        .collect();
    out.sort();
    out
}

fn piper_voice(id: &str, onnx: &Path, config: &Path) -> Result<Voice> {
    let cfg = PiperConfig::load(config)?;
    let mut speakers: Vec<(i64, String)> = cfg.speakers.iter().map(|(name, id)| (*id, name.clone())).collect();
    speakers.sort();
    Ok(Voice {
        id: id.to_owned(),
        engine: VoiceEngine::Piper,
        language: cfg.language.clone(),
        espeak_voice: cfg.espeak_voice.clone(),
        sample_rate: cfg.sample_rate,
        quality: cfg.quality.clone(),
        speakers: speakers.into_iter().map(|(_, n)| n).collect(),
        num_speakers: cfg.num_speakers,
        installed: true,
        path: Some(onnx.to_path_buf()),
        description: cfg.dataset.clone().map(|d| format!("Piper voice ({d})")).unwrap_or_else(|| "Piper voice".into()),
    })
}
