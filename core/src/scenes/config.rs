//! Scene detection settings: which detector runs, its thresholds, the
//! shortest scene, and how fades and dissolves are treated. One serde
//! struct with defaults; unknown keys are rejected.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// Which boundary detector drives the scene list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Detector {
    /// Hard cuts where the HSV content score of two consecutive frames
    /// passes `threshold` (PySceneDetect's ContentDetector), plus fades
    /// through black between different pictures and dissolves.
    #[default]
    Content,
    /// Hard cuts where a frame's content score stands out against its
    /// neighbours (score / mean of the `window` frames either side passes
    /// `adaptive.ratio`; PySceneDetect's AdaptiveDetector), plus fades and
    /// dissolves as for `content`.
    Adaptive,
    /// Fades only: a boundary in the middle of every run of black (or white)
    /// frames that content follows (PySceneDetect's ThresholdDetector).
    Fade,
}

impl std::str::FromStr for Detector {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "content" => Ok(Self::Content),
            "adaptive" => Ok(Self::Adaptive),
            "fade" => Ok(Self::Fade),
            other => Err(Error::invalid("detector", format!("{other:?} (expected content, adaptive or fade)"))),
        }
    }
}

/// Settings of the adaptive detector.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct AdaptiveConfig {
    /// A frame's score over the mean score of its neighbours at or above
    /// which it is a cut (default 3.0).
    pub ratio: f32,
    /// Neighbours on each side the ratio is taken against (default 2).
    pub window: u32,
    /// Least content score a cut must also have (default 15).
    pub min_score: f32,
}

impl Default for AdaptiveConfig {
    fn default() -> Self {
        Self { ratio: 3.0, window: 2, min_score: 15.0 }
    }
}

/// How fades are found: frames whose mean brightness (0..255) is below
/// `black_level` are black, above `white_level` white.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct FadeConfig {
    /// Add fades to the content and adaptive detectors' cuts (default
    /// true): a run of black between two different pictures becomes one
    /// boundary. The fade detector always reports every black or white run
    /// that picture follows.
    pub enabled: bool,
    /// Mean brightness below which a frame is black (default 12).
    pub black_level: f32,
    /// Mean brightness above which a frame is white (default 243); the fade
    /// detector also reports fades through white.
    pub white_level: f32,
}

impl Default for FadeConfig {
    fn default() -> Self {
        Self { enabled: true, black_level: 12.0, white_level: 243.0 }
    }
}

/// How dissolves (cross-fades between two pictures) are found: a frame that
/// is the even mix of the frames `h` before and after it, while those two
/// differ in structure, is the middle of a dissolve.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct DissolveConfig {
    /// Detect dissolves with the content and adaptive detectors (default true).
    pub enabled: bool,
    /// Shortest dissolve in seconds (default 0.25).
    pub min_duration: f64,
    /// Longest dissolve in seconds that is looked for (default 2.0).
    pub max_duration: f64,
    /// Least mean luma difference (0..255) between the two pictures
    /// (default 20).
    pub min_change: f32,
    /// Largest distance of the middle frame from the even mix, as a share of
    /// the difference between the two pictures (default 0.2).
    pub max_residual: f32,
}

impl Default for DissolveConfig {
    fn default() -> Self {
        Self { enabled: true, min_duration: 0.25, max_duration: 2.0, min_change: 20.0, max_residual: 0.2 }
    }
}

/// Scene detection settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct SceneConfig {
    /// The boundary detector (default `content`).
    pub detector: Detector,
    /// Content score (0..255) at or above which the content detector
    /// declares a cut (default 27).
    pub threshold: f32,
    /// Shortest scene in seconds (default 0.5).
    pub min_scene_len: f64,
    /// Shortest scene in frames (default 15, PySceneDetect's); a scene must
    /// be long enough by both measures.
    pub min_scene_frames: u32,
    /// Width frames are scaled to before analysis (default 128).
    pub analysis_width: u32,
    /// Decoder threads; 0 lets FFmpeg pick (default 0).
    pub threads: usize,
    /// Let the decoder skip work that does not change the analysed picture
    /// at analysis size: the in-loop deblocking filter and, where the codec
    /// supports it, decoding at a reduced resolution (default true).
    pub fast_decode: bool,
    pub adaptive: AdaptiveConfig,
    pub fade: FadeConfig,
    pub dissolve: DissolveConfig,
}

impl Default for SceneConfig {
    fn default() -> Self {
        Self {
            detector: Detector::Content,
            threshold: 27.0,
            min_scene_len: 0.5,
            min_scene_frames: 15,
            analysis_width: 128,
            threads: 0,
            fast_decode: true,
            adaptive: AdaptiveConfig::default(),
            fade: FadeConfig::default(),
            dissolve: DissolveConfig::default(),
        }
    }
}

impl SceneConfig {
    pub fn threshold(mut self, threshold: f32) -> Self {
        self.threshold = threshold;
        self
    }

    pub fn detector(mut self, detector: Detector) -> Self {
        self.detector = detector;
        self
    }

    pub fn validate(&self) -> Result<()> {
        if !(self.threshold.is_finite() && self.threshold > 0.0 && self.threshold <= 255.0) {
            return Err(Error::invalid("threshold", format!("{} (expected 0 < t <= 255)", self.threshold)));
        }
        if !(self.min_scene_len.is_finite() && (0.0..=3600.0).contains(&self.min_scene_len)) {
            return Err(Error::invalid("min_scene_len", format!("{} (expected 0..=3600 seconds)", self.min_scene_len)));
        }
        if self.min_scene_frames > 100_000 {
            return Err(Error::invalid("min_scene_frames", format!("{} (expected 0..=100000)", self.min_scene_frames)));
        }
        if !(16..=1920).contains(&self.analysis_width) {
            return Err(Error::invalid("analysis_width", format!("{} (expected 16..=1920)", self.analysis_width)));
        }
        if self.threads > 256 {
            return Err(Error::invalid("threads", format!("{} (expected 0..=256)", self.threads)));
        }
        let a = &self.adaptive;
        if !(a.ratio.is_finite() && a.ratio > 1.0 && a.ratio <= 100.0) {
            return Err(Error::invalid("adaptive.ratio", format!("{} (expected 1 < r <= 100)", a.ratio)));
        }
        if !(1..=30).contains(&a.window) {
            return Err(Error::invalid("adaptive.window", format!("{} (expected 1..=30 frames)", a.window)));
        }
        if !(a.min_score.is_finite() && (0.0..=255.0).contains(&a.min_score)) {
            return Err(Error::invalid("adaptive.min_score", format!("{} (expected 0..=255)", a.min_score)));
        }
        let f = &self.fade;
        if !(f.black_level.is_finite() && f.black_level > 0.0 && f.black_level < 128.0) {
            return Err(Error::invalid("fade.black_level", format!("{} (expected 0 < l < 128)", f.black_level)));
        }
        if !(f.white_level.is_finite() && f.white_level > 128.0 && f.white_level < 255.0) {
            return Err(Error::invalid("fade.white_level", format!("{} (expected 128 < l < 255)", f.white_level)));
        }
        let d = &self.dissolve;
        if !(d.min_duration.is_finite() && d.min_duration > 0.0 && d.min_duration <= 10.0) {
            return Err(Error::invalid("dissolve.min_duration", format!("{} (expected 0 < s <= 10)", d.min_duration)));
        }
        if !(d.max_duration.is_finite() && d.max_duration >= d.min_duration && d.max_duration <= 10.0) {
            return Err(Error::invalid(
                "dissolve.max_duration",
                format!("{} (expected min_duration {} ..= 10 seconds)", d.max_duration, d.min_duration),
            ));
        }
        if !(d.min_change.is_finite() && d.min_change > 0.0 && d.min_change <= 255.0) {
            return Err(Error::invalid("dissolve.min_change", format!("{} (expected 0 < c <= 255)", d.min_change)));
        }
        if !(d.max_residual.is_finite() && d.max_residual > 0.0 && d.max_residual < 0.5) {
            return Err(Error::invalid("dissolve.max_residual", format!("{} (expected 0 < r < 0.5)", d.max_residual)));
        }
        Ok(())
    }
}
