//! [`Engine`]: what is loaded once and shared by every job — the model store,
//! loaded Whisper transcribers, TTS voices (and with them the ONNX Runtime
//! environment), the fonts captions are drawn with. One engine per process
//! serves every face; [`Engine::run`](crate::job) runs a [`JobSpec`](crate::JobSpec).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};

use crate::asr::{AsrConfig, Transcriber, Transcript};
use crate::embed::SentenceEncoder;
use crate::error::{Error, Result};
use crate::media::{probe, AudioDecodeOptions, AudioReader};
use crate::models::{FetchEvent, ModelStatus, ModelStore};
use crate::progress::{ProgressEvent, RunCtl, Stage};
use crate::subtitle::{FontLibrary, Script, SubtitleImage, SubtitleRenderer};
use crate::tts::Synthesizer;

/// What an [`Engine`] is built from. Every field has a default.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct EngineConfig {
    /// Model store directory (default `$REELKIT_MODELS` or `~/.cache/reelkit/models`).
    pub models_dir: Option<PathBuf>,
    /// Draw captions with the fonts in this folder instead of the bundled ones.
    pub fonts_dir: Option<PathBuf>,
    /// Extra folder of Piper voices (`*.onnx` + `*.onnx.json`).
    pub voices_dir: Option<PathBuf>,
    /// Accept an HLS playlist as a job's input when every file it names
    /// (segments, init sections, variant playlists) lies inside the
    /// playlist's own folder; URLs, absolute paths, `..` and links out stay
    /// refused. Off by default: inputs must be self-contained files.
    pub allow_playlists: bool,
}

impl EngineConfig {
    pub fn models_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.models_dir = Some(dir.into());
        self
    }
    pub fn fonts_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.fonts_dir = Some(dir.into());
        self
    }
    pub fn voices_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.voices_dir = Some(dir.into());
        self
    }
    pub fn allow_playlists(mut self, allow: bool) -> Self {
        self.allow_playlists = allow;
        self
    }
}

/// Loads models once and runs jobs with them. Thread-safe: one engine
/// serves many concurrent jobs.
pub struct Engine {
    store: ModelStore,
    fonts: FontLibrary,
    fonts_dir: Option<PathBuf>,
    transcribers: Mutex<HashMap<String, Arc<Transcriber>>>,
    encoder: Mutex<Option<Arc<SentenceEncoder>>>,
    synthesizer: Synthesizer,
    allow_playlists: bool,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine").field("models", &self.store.root()).field("fonts_dir", &self.fonts_dir).finish()
    }
}

impl Engine {
    /// An engine over `store` with the bundled fonts.
    pub fn new(store: ModelStore) -> Self {
        Self {
            synthesizer: Synthesizer::new(store.clone()),
            store,
            fonts: FontLibrary::bundled(),
            fonts_dir: None,
            transcribers: Mutex::new(HashMap::new()),
            encoder: Mutex::new(None),
            allow_playlists: false,
        }
    }

    /// An engine as `config` describes (fonts are read now: a bad fonts
    /// folder fails here, not in the middle of a job).
    pub fn with_config(config: &EngineConfig) -> Result<Self> {
        let store = match &config.models_dir {
            Some(dir) => ModelStore::at(dir),
            None => ModelStore::from_env(),
        };
        let mut engine = Self::new(store);
        engine.allow_playlists = config.allow_playlists;
        if let Some(dir) = &config.voices_dir {
            engine.synthesizer = Synthesizer::new(engine.store.clone()).with_voice_dir(dir);
        }
        if let Some(dir) = &config.fonts_dir {
            engine.fonts = FontLibrary::from_dir_or_bundled(Some(dir))?;
            engine.fonts_dir = Some(dir.clone());
        }
        Ok(engine)
    }

    /// An engine over the default model store (`$REELKIT_MODELS` or
    /// `~/.cache/reelkit/models`).
    pub fn from_env() -> Self {
        Self::new(ModelStore::from_env())
    }

    pub fn store(&self) -> &ModelStore {
        &self.store
    }

    /// The fonts captions are drawn with.
    pub fn fonts(&self) -> &FontLibrary {
        &self.fonts
    }

    /// The subtitle layer of `script` ([`Script::from_text_or_path`]) at
    /// `time` seconds on a `width` x `height` frame, drawn with this
    /// engine's fonts, or with only those in `fonts_dir` (plus the fonts the
    /// script embeds).
    pub fn render_subtitles(&self, script: &str, time: f64, width: u32, height: u32, fonts_dir: Option<&Path>) -> Result<SubtitleImage> {
        let script = Script::from_text_or_path(script)?;
        let fonts = match fonts_dir {
            Some(dir) => FontLibrary::from_dir_or_bundled(Some(dir))?,
            None => self.fonts.clone(),
        };
        SubtitleRenderer::for_script(&script, fonts).render(&script, time, width, height)
    }

    /// The folder the fonts came from, when not the bundled ones.
    pub fn fonts_dir(&self) -> Option<&Path> {
        self.fonts_dir.as_deref()
    }

    /// The same engine with trusted HLS playlist inputs allowed or not
    /// ([`EngineConfig::allow_playlists`]).
    pub fn with_playlists_allowed(mut self, allow: bool) -> Self {
        self.allow_playlists = allow;
        self
    }

    /// Whether job inputs may be trusted HLS playlists
    /// ([`EngineConfig::allow_playlists`]).
    pub fn allows_playlists(&self) -> bool {
        self.allow_playlists
    }

    /// The speech synthesiser (voices load once, on first use).
    pub fn synthesizer(&self) -> &Synthesizer {
        &self.synthesizer
    }

    /// A loaded transcriber for `config`, shared between calls.
    pub fn transcriber(&self, config: &AsrConfig) -> Result<Arc<Transcriber>> {
        self.transcriber_with(config, &RunCtl::default())
    }

    /// Like [`Engine::transcriber`], reporting [`Stage::LoadModel`] and
    /// honouring cancellation before the (slow) load.
    pub fn transcriber_with(&self, config: &AsrConfig, ctl: &RunCtl) -> Result<Arc<Transcriber>> {
        config.validate()?;
        let key = serde_json::to_string(config).unwrap_or_default();
        if let Some(t) = self.transcribers.lock().unwrap_or_else(|e| e.into_inner()).get(&key) {
            return Ok(t.clone());
        }
        ctl.check()?;
        ctl.report(Stage::LoadModel, 0.0, Some(1.0), "models");
        let t = Arc::new(Transcriber::new(config.clone(), &self.store)?);
        ctl.check()?;
        ctl.report(Stage::LoadModel, 1.0, Some(1.0), "models");
        self.transcribers.lock().unwrap_or_else(|e| e.into_inner()).insert(key, t.clone());
        Ok(t)
    }

    /// The sentence encoder (all-MiniLM-L6-v2), loaded once.
    pub fn sentence_encoder(&self) -> Result<Arc<SentenceEncoder>> {
        self.sentence_encoder_with(&RunCtl::default())
    }

    /// Like [`Engine::sentence_encoder`], reporting [`Stage::LoadModel`] and
    /// honouring cancellation before the load.
    pub fn sentence_encoder_with(&self, ctl: &RunCtl) -> Result<Arc<SentenceEncoder>> {
        let mut slot = self.encoder.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(e) = slot.as_ref() {
            return Ok(e.clone());
        }
        ctl.check()?;
        ctl.report(Stage::LoadModel, 0.0, Some(1.0), "models");
        let e = Arc::new(SentenceEncoder::load(&self.store)?);
        ctl.report(Stage::LoadModel, 1.0, Some(1.0), "models");
        *slot = Some(e.clone());
        Ok(e)
    }

    /// Transcribe any media file FFmpeg can open.
    pub fn transcribe(&self, input: impl AsRef<Path>, config: &AsrConfig, ctl: &RunCtl) -> Result<Transcript> {
        let input = input.as_ref();
        let info = probe(input)?;
        if info.audio.is_none() {
            return Err(Error::missing_stream(input, "audio"));
        }
        let transcriber = self.transcriber_with(config, ctl)?;
        let reader = AudioReader::open(input, &AudioDecodeOptions::default())?;
        transcriber.transcribe_reader(reader, ctl)
    }

    /// Re-time a corrected transcript against `input`'s audio: kept words
    /// keep their times, edited runs are re-timed (and flagged `estimated`).
    pub fn realign(&self, input: impl AsRef<Path>, transcript: &Transcript, edited_text: &str, ctl: &RunCtl) -> Result<Transcript> {
        // Only the audio's levels are needed: measure them while streaming.
        let mut reader = AudioReader::open(input, &AudioDecodeOptions::default())?;
        let total = reader.duration();
        let mut levels = crate::asr::vad::FrameLevels::new(16_000);
        let mut done = 0.0;
        while let Some(block) = reader.read_block(16_000 * 10)? {
            ctl.check()?;
            done += block.len() as f64 / 16_000.0;
            ctl.report(Stage::DecodeAudio, done, total, "seconds");
            levels.push(&block);
        }
        levels.finish();
        crate::asr::align::realign_with_levels(transcript, edited_text, &levels.levels)
    }

    /// Download, verify and install models into this engine's store (empty
    /// `ids`: every default model), reporting [`Stage::FetchModels`] in
    /// bytes and stopping when `ctl` is cancelled.
    pub fn fetch_models(&self, ids: &[&str], ctl: &RunCtl) -> Result<Vec<ModelStatus>> {
        let mut on_event = |event: FetchEvent| ctl.emit(fetch_progress(event));
        let cancel = || ctl.cancel_token().is_cancelled();
        Ok(self.store.fetch(ids, &mut on_event, &cancel)?)
    }
}

/// A model-store event as a progress event of [`Stage::FetchModels`].
fn fetch_progress(event: FetchEvent) -> ProgressEvent {
    let (done, total, message) = match &event {
        FetchEvent::Downloading { id, done, total } => (*done as f64, total.map(|t| t as f64), id.clone()),
        FetchEvent::Ready { id, .. } | FetchEvent::AlreadyPresent { id } => (1.0, Some(1.0), id.clone()),
        FetchEvent::Resolving { id }
        | FetchEvent::Verifying { id }
        | FetchEvent::Unpacking { id }
        | FetchEvent::Converting { id } => (0.0, None, id.clone()),
    };
    let step = serde_json::to_value(&event)
        .ok()
        .and_then(|v| v.get("event").and_then(|e| e.as_str()).map(str::to_owned))
        .unwrap_or_default();
    ProgressEvent {
        stage: Stage::FetchModels,
        done,
        total,
        unit: if matches!(event, FetchEvent::Downloading { .. }) { "bytes" } else { "models" },
        message: Some(format!("{step} {message}")),
        rate: None,
        eta: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn engine_is_shareable_across_threads() {
        fn check<T: Send + Sync>() {}
        check::<Engine>();
    }

    #[test]
    fn subtitles_render_from_text_or_a_path() {
        let ass = "[Script Info]\nPlayResX: 64\nPlayResY: 36\n\n[V4+ Styles]\nFormat: Name, Fontname, Fontsize\n\
                   Style: Default,Arial,20\n\n[Events]\nFormat: Layer, Start, End, Style, Text\n\
                   Dialogue: 0,0:00:00.00,0:00:05.00,Default,{\\k1e20}a{\\k1e20}b\n";
        assert!(Script::is_text(ass) && !Script::is_text("subs.ass"));
        let engine = Engine::from_env();
        let image = engine.render_subtitles(ass, 1.0, 64, 36, None).unwrap();
        assert_eq!(image.to_straight_rgba().len(), 64 * 36 * 4);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.ass");
        std::fs::write(&path, ass).unwrap();
        assert_eq!(engine.render_subtitles(path.to_str().unwrap(), 1.0, 64, 36, None).unwrap().to_straight_rgba().len(), 64 * 36 * 4);
        assert!(engine.render_subtitles("/nonexistent/a.ass", 1.0, 64, 36, None).is_err());
    }

    #[test]
    fn config_rejects_unknown_keys_and_bad_fonts_dirs() {
        let e = crate::config::from_value::<EngineConfig>(serde_json::json!({"model_dir": "x"}), "engine").unwrap_err();
        assert_eq!(e.field(), Some("engine.model_dir"));
        let missing = EngineConfig::default().fonts_dir("/nonexistent/fonts");
        assert_eq!(Engine::with_config(&missing).unwrap_err().code(), "not_found");
    }
}
