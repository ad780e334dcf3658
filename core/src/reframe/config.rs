//! What reframing can be told: the layout (automatic or forced), how often
//! faces are looked for, how the crop moves and when it switches speaker.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// Which layout the output uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum LayoutMode {
    /// Chosen per span: follow the speaker, split screen for quick
    /// two-person exchanges (portrait outputs), blurred fill when no face is
    /// found or the faces do not fit one crop.
    #[default]
    Auto,
    /// Always one crop following the active speaker (or the main face).
    Follow,
    /// Two faces stacked (portrait outputs); falls back to follow where
    /// fewer than two faces are seen.
    Split,
    /// The whole frame scaled over a blurred copy of itself.
    BlurFill,
    /// The fixed centre crop (no analysis at all).
    Center,
}

/// Settings of speaker-aware reframing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct ReframeConfig {
    /// `auto` (default), `follow`, `split`, `blur_fill` or `center`.
    pub layout: LayoutMode,
    /// Face detections per second of video (default 4).
    pub detect_fps: f64,
    /// Frames per second analysed for mouth motion (default 10, at least
    /// `detect_fps`).
    pub analysis_fps: f64,
    /// Width of the frame the detector sees, in pixels (default 384;
    /// rounded up to a multiple of 32).
    pub detect_width: u32,
    /// Width of the frames decoded for analysis (default 640).
    pub analysis_width: u32,
    /// Detector confidence needed for a face (default 0.5).
    pub min_confidence: f32,
    /// Faces smaller than this share of the frame height are ignored
    /// (default 0.04).
    pub min_face_height: f64,
    /// Most faces tracked at once (default 8).
    pub max_faces: usize,
    /// A face identity survives this long without a detection (default 1 s).
    pub track_max_gap: f64,
    /// Shortest time the crop stays on a speaker before it may switch
    /// (default 1.5 s).
    pub min_hold: f64,
    /// Speech turns shorter than this do not move the crop (default 0.8 s):
    /// an interjection is not a change of speaker.
    pub min_turn: f64,
    /// The crop does not move while the subject stays within this share of
    /// the crop's width (or height) of its centre (default 0.12).
    pub dead_zone: f64,
    /// Fastest pan, in crop widths per second (default 0.8).
    pub max_pan_speed: f64,
    /// Largest change of pan speed, in crop widths per second squared
    /// (default 2.5): pans ease in and out.
    pub max_pan_accel: f64,
    /// On a change of speaker the crop cuts instead of panning when the new
    /// subject is more than this many crop widths away (default 0.5).
    pub cut_distance: f64,
    /// Split screen when the speaker changes at least this often within
    /// `split_window` seconds (default 4 changes in 8 s: turns of 2 s or less).
    pub split_min_switches: usize,
    pub split_window: f64,
    /// Shortest span of one layout (default 2 s).
    pub min_span: f64,
    /// Use a change of voice in the audio (spectral features) to find
    /// speaker turns (default true); off uses mouth motion and speech
    /// activity alone.
    pub audio_turns: bool,
}

impl Default for ReframeConfig {
    fn default() -> Self {
        Self {
            layout: LayoutMode::Auto,
            detect_fps: 4.0,
            analysis_fps: 10.0,
            detect_width: 384,
            analysis_width: 640,
            min_confidence: 0.5,
            min_face_height: 0.04,
            max_faces: 8,
            track_max_gap: 1.0,
            min_hold: 1.5,
            min_turn: 0.8,
            dead_zone: 0.12,
            max_pan_speed: 0.8,
            max_pan_accel: 2.5,
            cut_distance: 0.5,
            split_min_switches: 4,
            split_window: 8.0,
            min_span: 2.0,
            audio_turns: true,
        }
    }
}

fn range(name: &'static str, v: f64, lo: f64, hi: f64, unit: &str) -> Result<()> {
    if v.is_finite() && (lo..=hi).contains(&v) {
        Ok(())
    } else {
        Err(Error::invalid(name, format!("{v} (expected {lo}..={hi}{unit})")))
    }
}

impl ReframeConfig {
    pub fn layout(mut self, layout: LayoutMode) -> Self {
        self.layout = layout;
        self
    }

    pub fn validate(&self) -> Result<()> {
        range("reframe.detect_fps", self.detect_fps, 0.5, 30.0, " per second")?;
        range("reframe.analysis_fps", self.analysis_fps, 1.0, 30.0, " per second")?;
        if self.analysis_fps + 1e-9 < self.detect_fps {
            return Err(Error::invalid(
                "reframe.analysis_fps",
                format!("{} is below detect_fps {} (expected analysis_fps >= detect_fps)", self.analysis_fps, self.detect_fps),
            ));
        }
        range("reframe.detect_width", f64::from(self.detect_width), 64.0, 1280.0, " px")?;
        range("reframe.analysis_width", f64::from(self.analysis_width), 128.0, 1920.0, " px")?;
        range("reframe.min_confidence", f64::from(self.min_confidence), 0.05, 0.99, "")?;
        range("reframe.min_face_height", self.min_face_height, 0.0, 0.9, " of the frame height")?;
        range("reframe.max_faces", self.max_faces as f64, 1.0, 32.0, "")?;
        range("reframe.track_max_gap", self.track_max_gap, 0.0, 10.0, " s")?;
        range("reframe.min_hold", self.min_hold, 0.0, 30.0, " s")?;
        range("reframe.min_turn", self.min_turn, 0.0, 30.0, " s")?;
        range("reframe.dead_zone", self.dead_zone, 0.0, 0.45, " crop widths")?;
        range("reframe.max_pan_speed", self.max_pan_speed, 0.05, 20.0, " crop widths per second")?;
        range("reframe.max_pan_accel", self.max_pan_accel, 0.05, 100.0, " crop widths per second squared")?;
        range("reframe.cut_distance", self.cut_distance, 0.0, 10.0, " crop widths")?;
        range("reframe.split_min_switches", self.split_min_switches as f64, 1.0, 100.0, "")?;
        range("reframe.split_window", self.split_window, 1.0, 120.0, " s")?;
        range("reframe.min_span", self.min_span, 0.0, 60.0, " s")?;
        Ok(())
    }

    /// Detector input width: a multiple of 32.
    pub(crate) fn detect_width_32(&self) -> u32 {
        self.detect_width.div_ceil(32) * 32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_validate_and_json_is_strict() {
        ReframeConfig::default().validate().unwrap();
        let c: ReframeConfig = serde_json::from_str(r#"{"layout": "split", "min_hold": 2}"#).unwrap();
        assert_eq!(c.layout, LayoutMode::Split);
        assert_eq!(c.min_hold, 2.0);
        assert_eq!(c.detect_fps, 4.0);
        assert!(serde_json::from_str::<ReframeConfig>(r#"{"min_hodl": 2}"#).is_err());
        assert!(serde_json::from_str::<ReframeConfig>(r#"{"layout": "zoom"}"#).is_err());
        let e = ReframeConfig { dead_zone: 0.9, ..Default::default() }.validate().unwrap_err();
        assert!(e.to_string().contains("reframe.dead_zone"), "{e}");
        let e = ReframeConfig { analysis_fps: 2.0, detect_fps: 5.0, ..Default::default() }.validate().unwrap_err();
        assert!(e.to_string().contains("analysis_fps"), "{e}");
        assert!(ReframeConfig { detect_fps: f64::NAN, ..Default::default() }.validate().is_err());
        assert_eq!(ReframeConfig { detect_width: 300, ..Default::default() }.detect_width_32(), 320);
    }
}
