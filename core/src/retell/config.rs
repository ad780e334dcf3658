//! What a retell job can be told ([`RetellJob`]), read strictly.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::asr::AsrConfig;
use crate::audio::{DuckConfig, LoudnessTarget};
use crate::error::{Error, Result};
use crate::scenes::SceneConfig;
use crate::subtitle::PresetName;
use crate::timeline::TimelineFormat;
use crate::tts::TtsConfig;

/// How the narration script is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum NarrationMode {
    /// Key sentences of each chapter, compressed to fit (offline, no model).
    #[default]
    Extractive,
    /// Written by a language model behind `llm` (falls back to extractive
    /// when the endpoint cannot be used, unless `llm.required`).
    Llm,
}

/// What happens to the original sound under the narration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum BedMode {
    /// Kept, brought down under the narration (`duck`).
    #[default]
    Duck,
    /// Silenced: only the narration is heard.
    Mute,
}

/// The language model that writes the narration in `llm` mode.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct RetellLlm {
    /// Base URL of an OpenAI-compatible API, e.g. `http://127.0.0.1:8080/v1`.
    pub url: String,
    pub model: String,
    /// Prompt template file; `{{words}}`, `{{minutes}}` and `{{chapters}}`
    /// are filled in (default: the built-in template).
    pub prompt_file: Option<PathBuf>,
    /// Name of an environment variable holding a bearer token.
    pub api_key_env: Option<String>,
    /// Seconds per request (default 120).
    pub timeout: f64,
    /// Further tries after a failed request or an answer breaking the schema (default 2).
    pub retries: u32,
    /// Fail the job when the endpoint cannot be used (default false: extractive narration).
    pub required: bool,
}

impl Default for RetellLlm {
    fn default() -> Self {
        Self { url: String::new(), model: String::new(), prompt_file: None, api_key_env: None, timeout: 120.0, retries: 2, required: false }
    }
}

impl RetellLlm {
    pub fn new(url: impl Into<String>, model: impl Into<String>) -> Self {
        Self { url: url.into(), model: model.into(), ..Self::default() }
    }

    /// The clips stage's client settings for this endpoint.
    pub fn client(&self) -> crate::clips::LlmConfig {
        let mut c = crate::clips::LlmConfig::new(self.url.clone(), self.model.clone());
        c.prompt_file = self.prompt_file.clone();
        c.api_key_env = self.api_key_env.clone();
        c.timeout = self.timeout;
        c.retries = self.retries;
        c.required = self.required;
        c
    }

    pub fn validate(&self) -> Result<()> {
        self.client().validate()
    }
}

/// Everything `reelkit retell` can be told. Serialises to the same JSON in
/// every binding and over HTTP.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct RetellJob {
    /// Length of the retell in minutes (default 5).
    pub minutes: f64,
    /// How the narration is written (default `extractive`).
    pub narration: NarrationMode,
    /// The endpoint for `narration: llm`.
    pub llm: Option<RetellLlm>,
    /// The original sound under the narration: `duck` (default) or `mute`.
    pub bed: BedMode,
    /// How far the bed is brought down under the narration (`bed: duck`).
    pub duck: DuckConfig,
    /// Loudness of the final mix (default -14 LUFS, -1 dBTP).
    pub loudness: LoudnessTarget,
    /// Caption preset: `bold`, `clean`, `karaoke` or `pop` (default `clean`).
    pub preset: PresetName,
    /// Burn the narration's captions into the picture (default true).
    pub burn_captions: bool,
    /// Narration voice (default `joe`); the rest of `tts` is used as given.
    pub voice: Option<String>,
    pub tts: TtsConfig,
    /// An edited `retell.json` to render again without analysing the
    /// film (the analysis is read from the output folder's cache when the
    /// input's fingerprint matches).
    pub script: Option<PathBuf>,
    pub asr: AsrConfig,
    pub scenes: SceneConfig,
    /// Most chapters found (default 12).
    pub max_chapters: usize,
    /// Shortest chapter in seconds (default 20).
    pub min_chapter: f64,
    /// Seconds of silence between narration sentences (default 0.5).
    pub gap: f64,
    /// Cross-fade between shots in seconds (default 0.3; 0 cuts).
    pub crossfade: f64,
    /// Shortest and longest shot in seconds (default 1.5 and 6).
    pub min_shot: f64,
    pub max_shot: f64,
    /// Longest side of the rendered video in pixels (default 1280).
    pub max_long_side: u32,
    pub crf: u8,
    pub preset_x264: String,
    /// Editor timelines written beside the retell (default `otio`; also
    /// `fcpxml`, `edl`, `mlt`).
    pub timeline: Vec<TimelineFormat>,
}

impl Default for RetellJob {
    fn default() -> Self {
        Self {
            minutes: 5.0,
            narration: NarrationMode::Extractive,
            llm: None,
            bed: BedMode::Duck,
            duck: DuckConfig::default().depth_db(-18.0),
            loudness: LoudnessTarget::default(),
            preset: PresetName::Clean,
            burn_captions: true,
            voice: None,
            tts: TtsConfig::default(),
            script: None,
            asr: AsrConfig::default(),
            scenes: SceneConfig::default(),
            max_chapters: 12,
            min_chapter: 20.0,
            gap: 0.5,
            crossfade: 0.3,
            min_shot: 1.5,
            max_shot: 6.0,
            max_long_side: 1280,
            crf: 21,
            preset_x264: "veryfast".into(),
            timeline: vec![TimelineFormat::Otio],
        }
    }
}

impl RetellJob {
    pub fn minutes(mut self, minutes: f64) -> Self {
        self.minutes = minutes;
        self
    }
    pub fn script(mut self, path: impl Into<PathBuf>) -> Self {
        self.script = Some(path.into());
        self
    }
    pub fn llm(mut self, llm: RetellLlm) -> Self {
        self.narration = NarrationMode::Llm;
        self.llm = Some(llm);
        self
    }
    pub fn bed(mut self, bed: BedMode) -> Self {
        self.bed = bed;
        self
    }

    /// The synthesis settings with `voice` applied.
    pub fn effective_tts(&self) -> TtsConfig {
        let mut tts = self.tts.clone();
        if let Some(v) = &self.voice {
            tts.voice = v.clone();
        }
        tts
    }

    pub fn validate(&self) -> Result<()> {
        if !(self.minutes.is_finite() && (0.1..=120.0).contains(&self.minutes)) {
            return Err(Error::invalid("minutes", format!("{} (expected 0.1..=120)", self.minutes)));
        }
        match (&self.narration, &self.llm) {
            (NarrationMode::Llm, None) => return Err(Error::invalid("llm", "`narration: llm` needs `llm` (url and model)")),
            (_, Some(llm)) => llm.validate()?,
            _ => {}
        }
        self.duck.validate().map_err(|e| e.under_field("duck"))?;
        self.loudness.validate().map_err(|e| e.under_field("loudness"))?;
        self.effective_tts().validate().map_err(|e| e.under_field("tts"))?;
        self.asr.validate().map_err(|e| e.under_field("asr"))?;
        self.scenes.validate().map_err(|e| e.under_field("scenes"))?;
        if !(1..=100).contains(&self.max_chapters) {
            return Err(Error::invalid("max_chapters", format!("{} (expected 1..=100)", self.max_chapters)));
        }
        for (name, v, lo, hi) in [
            ("min_chapter", self.min_chapter, 1.0, 3600.0),
            ("gap", self.gap, 0.0, 5.0),
            ("crossfade", self.crossfade, 0.0, 2.0),
            ("min_shot", self.min_shot, 0.2, 60.0),
            ("max_shot", self.max_shot, 0.2, 120.0),
        ] {
            if !(v.is_finite() && (lo..=hi).contains(&v)) {
                return Err(Error::invalid(name, format!("{v} (expected {lo}..={hi})")));
            }
        }
        if self.max_shot < self.min_shot {
            return Err(Error::invalid("max_shot", format!("{} (expected >= min_shot {})", self.max_shot, self.min_shot)));
        }
        if self.crossfade * 2.0 >= self.min_shot {
            return Err(Error::invalid("crossfade", format!("{} (expected under half of min_shot {})", self.crossfade, self.min_shot)));
        }
        if !(64..=8192).contains(&self.max_long_side) {
            return Err(Error::invalid("max_long_side", format!("{} (expected 64..=8192)", self.max_long_side)));
        }
        crate::media::VideoEncodeSettings::new(2, 2, 30.0).crf(self.crf).preset(self.preset_x264.clone()).validate()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_strictly_and_checks_ranges() {
        let job: RetellJob = crate::config::from_value(serde_json::json!({"minutes": 2, "bed": "mute"}), "params").unwrap();
        assert_eq!((job.minutes, job.bed), (2.0, BedMode::Mute));
        job.validate().unwrap();
        let e = crate::config::from_value::<RetellJob>(serde_json::json!({"minuts": 2}), "params").unwrap_err();
        assert_eq!(e.field(), Some("params.minuts"));
        assert_eq!(RetellJob::default().minutes(0.0).validate().unwrap_err().field(), Some("minutes"));
        let llm_without_endpoint = RetellJob { narration: NarrationMode::Llm, ..RetellJob::default() };
        assert_eq!(llm_without_endpoint.validate().unwrap_err().field(), Some("llm"));
        let with = RetellJob::default().llm(RetellLlm::new("ftp://x", "m"));
        assert_eq!(with.validate().unwrap_err().field(), Some("llm.url"));
    }
}
