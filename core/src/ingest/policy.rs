//! The validation policy: limits a file must meet to be accepted.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::media::MediaInfo;

/// Limits checked on every ingested file. Unset limits and empty allow-lists
/// accept anything; a broken rule fails with [`Error::PolicyViolation`]
/// naming the field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct ValidationPolicy {
    /// Largest accepted file in bytes (checked before and during downloads).
    pub max_bytes: Option<u64>,
    /// Longest accepted duration in seconds.
    pub max_duration: Option<f64>,
    /// Shortest accepted duration in seconds (default 0.01: media with no
    /// duration at all is rejected).
    pub min_duration: Option<f64>,
    /// Containers accepted, as sniffed from the bytes (`mp4`, `mov`, `mkv`,
    /// `webm`, `mpegts`, `mp3`, `wav`...; see [`super::sniff_container`]).
    /// Empty accepts any.
    pub allowed_containers: Vec<String>,
    /// Video codecs accepted (FFmpeg names: `h264`, `hevc`, `vp9`, `av1`...).
    /// Empty accepts any.
    pub allowed_video_codecs: Vec<String>,
    /// Audio codecs accepted (`aac`, `opus`, `mp3`, `flac`, `pcm_s16le`...).
    /// Empty accepts any.
    pub allowed_audio_codecs: Vec<String>,
    /// Smallest accepted displayed width and height of the video, in pixels.
    pub min_width: Option<u32>,
    pub min_height: Option<u32>,
    /// Largest accepted displayed width and height (decompression bombs).
    pub max_width: Option<u32>,
    pub max_height: Option<u32>,
    /// Reject files without a video stream.
    pub require_video: bool,
    /// Reject files without an audio stream.
    pub require_audio: bool,
}

impl Default for ValidationPolicy {
    fn default() -> Self {
        Self {
            max_bytes: None,
            max_duration: None,
            min_duration: Some(0.01),
            allowed_containers: Vec::new(),
            allowed_video_codecs: Vec::new(),
            allowed_audio_codecs: Vec::new(),
            min_width: None,
            min_height: None,
            max_width: None,
            max_height: None,
            require_video: false,
            require_audio: false,
        }
    }
}

impl ValidationPolicy {
    pub fn max_bytes(mut self, bytes: u64) -> Self {
        self.max_bytes = Some(bytes);
        self
    }
    pub fn max_duration(mut self, seconds: f64) -> Self {
        self.max_duration = Some(seconds);
        self
    }
    pub fn min_duration(mut self, seconds: f64) -> Self {
        self.min_duration = Some(seconds);
        self
    }
    pub fn allowed_containers<S: Into<String>>(mut self, names: impl IntoIterator<Item = S>) -> Self {
        self.allowed_containers = names.into_iter().map(Into::into).collect();
        self
    }
    pub fn allowed_video_codecs<S: Into<String>>(mut self, names: impl IntoIterator<Item = S>) -> Self {
        self.allowed_video_codecs = names.into_iter().map(Into::into).collect();
        self
    }
    pub fn allowed_audio_codecs<S: Into<String>>(mut self, names: impl IntoIterator<Item = S>) -> Self {
        self.allowed_audio_codecs = names.into_iter().map(Into::into).collect();
        self
    }
    pub fn min_resolution(mut self, width: u32, height: u32) -> Self {
        self.min_width = Some(width);
        self.min_height = Some(height);
        self
    }
    pub fn max_resolution(mut self, width: u32, height: u32) -> Self {
        self.max_width = Some(width);
        self.max_height = Some(height);
        self
    }
    pub fn require_video(mut self, required: bool) -> Self {
        self.require_video = required;
        self
    }
    pub fn require_audio(mut self, required: bool) -> Self {
        self.require_audio = required;
        self
    }

    /// Whether the limits themselves make sense.
    pub fn validate(&self) -> Result<()> {
        for (name, value) in [("max_duration", self.max_duration), ("min_duration", self.min_duration)] {
            if let Some(v) = value {
                if !v.is_finite() || v < 0.0 {
                    return Err(Error::invalid(name, format!("{v} (expected seconds >= 0)")));
                }
            }
        }
        if let (Some(min), Some(max)) = (self.min_duration, self.max_duration) {
            if min > max {
                return Err(Error::invalid("min_duration", format!("{min} s is above max_duration {max} s")));
            }
        }
        if let (Some(min), Some(max)) = (self.min_width, self.max_width) {
            if min > max {
                return Err(Error::invalid("min_width", format!("{min} is above max_width {max}")));
            }
        }
        if let (Some(min), Some(max)) = (self.min_height, self.max_height) {
            if min > max {
                return Err(Error::invalid("min_height", format!("{min} is above max_height {max}")));
            }
        }
        if self.max_bytes == Some(0) {
            return Err(Error::invalid("max_bytes", "0 (expected a positive size or no limit)"));
        }
        for (name, list) in [
            ("allowed_containers", &self.allowed_containers),
            ("allowed_video_codecs", &self.allowed_video_codecs),
            ("allowed_audio_codecs", &self.allowed_audio_codecs),
        ] {
            if list.iter().any(|s| s.trim().is_empty()) {
                return Err(Error::invalid(name, "contains an empty name"));
            }
        }
        Ok(())
    }

    /// Reject a size before any byte is downloaded (a `Content-Length`).
    pub(crate) fn check_size(&self, path: &Path, bytes: u64) -> Result<()> {
        match self.max_bytes {
            Some(max) if bytes > max => Err(violation(path, "max_bytes", format!("{bytes} bytes is more than {max}"))),
            _ => Ok(()),
        }
    }

    /// Check a probed file; `container` is the sniffed container name.
    pub fn check(&self, path: &Path, container: &str, info: &MediaInfo) -> Result<()> {
        self.check_size(path, info.size_bytes)?;
        if !self.allowed_containers.is_empty() && !contains(&self.allowed_containers, container) {
            return Err(violation(
                path,
                "allowed_containers",
                format!("container `{container}` is not one of {}", self.allowed_containers.join(", ")),
            ));
        }
        if self.require_video && info.video.is_none() {
            return Err(violation(path, "require_video", "the file has no video stream".into()));
        }
        if self.require_audio && info.audio.is_none() {
            return Err(violation(path, "require_audio", "the file has no audio stream".into()));
        }
        if let Some(video) = &info.video {
            if !self.allowed_video_codecs.is_empty() && !contains(&self.allowed_video_codecs, &video.codec) {
                return Err(violation(
                    path,
                    "allowed_video_codecs",
                    format!("video codec `{}` is not one of {}", video.codec, self.allowed_video_codecs.join(", ")),
                ));
            }
            let (w, h) = (video.display_width, video.display_height);
            let limits = [
                ("min_width", self.min_width.filter(|&m| w < m), w, "narrower than"),
                ("min_height", self.min_height.filter(|&m| h < m), h, "shorter than"),
                ("max_width", self.max_width.filter(|&m| w > m), w, "wider than"),
                ("max_height", self.max_height.filter(|&m| h > m), h, "taller than"),
            ];
            for (rule, broken, actual, relation) in limits {
                if let Some(limit) = broken {
                    return Err(violation(path, rule, format!("{w}x{h} video: {actual} px is {relation} {limit} px")));
                }
            }
        } else if self.min_width.is_some() || self.min_height.is_some() {
            let rule = if self.min_width.is_some() { "min_width" } else { "min_height" };
            return Err(violation(path, rule, "the file has no video stream to measure".into()));
        }
        if let Some(audio) = &info.audio {
            if !self.allowed_audio_codecs.is_empty() && !contains(&self.allowed_audio_codecs, &audio.codec) {
                return Err(violation(
                    path,
                    "allowed_audio_codecs",
                    format!("audio codec `{}` is not one of {}", audio.codec, self.allowed_audio_codecs.join(", ")),
                ));
            }
        }
        if let Some(min) = self.min_duration {
            if info.duration.is_nan() || info.duration < min {
                return Err(violation(path, "min_duration", format!("{:.3} s is shorter than {min} s", info.duration)));
            }
        }
        if let Some(max) = self.max_duration {
            if info.duration > max {
                return Err(violation(path, "max_duration", format!("{:.3} s is longer than {max} s", info.duration)));
            }
        }
        Ok(())
    }
}

fn contains(list: &[String], name: &str) -> bool {
    list.iter().any(|allowed| allowed.trim().eq_ignore_ascii_case(name))
}

fn violation(path: &Path, rule: &'static str, detail: String) -> Error {
    Error::policy_violation(path, rule, detail)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::media::VideoInfo;

    fn info(duration: f64, size: (u32, u32)) -> MediaInfo {
        MediaInfo {
            path: "a.mp4".into(),
            container: "mov,mp4,m4a,3gp,3g2,mj2".into(),
            container_long: String::new(),
            duration,
            bit_rate: 0,
            size_bytes: 1000,
            streams: Vec::new(),
            video: Some(VideoInfo {
                stream_index: 0,
                codec: "h264".into(),
                width: size.0,
                height: size.1,
                display_width: size.0,
                display_height: size.1,
                fps: 30.0,
                rotation: 0,
                pixel_format: "yuv420p".into(),
                frames: None,
            }),
            audio: None,
        }
    }

    fn rule(result: Result<()>) -> &'static str {
        match result {
            Err(e) if e.kind() == crate::ErrorKind::PolicyViolation => e.field().unwrap_or_default().to_owned().leak(),
            other => panic!("expected a policy violation, got {other:?}"),
        }
    }

    #[test]
    fn each_broken_rule_is_named() {
        let path = Path::new("a.mp4");
        let ok = info(10.0, (1280, 720));
        assert!(ValidationPolicy::default().check(path, "mp4", &ok).is_ok());
        assert_eq!(rule(ValidationPolicy::default().max_bytes(999).check(path, "mp4", &ok)), "max_bytes");
        assert_eq!(rule(ValidationPolicy::default().max_duration(5.0).check(path, "mp4", &ok)), "max_duration");
        assert_eq!(rule(ValidationPolicy::default().check(path, "mp4", &info(0.0, (2, 2)))), "min_duration");
        assert_eq!(
            rule(ValidationPolicy::default().allowed_containers(["webm", "mkv"]).check(path, "mp4", &ok)),
            "allowed_containers"
        );
        assert!(ValidationPolicy::default().allowed_containers(["MP4"]).check(path, "mp4", &ok).is_ok());
        assert_eq!(
            rule(ValidationPolicy::default().allowed_video_codecs(["vp9"]).check(path, "mp4", &ok)),
            "allowed_video_codecs"
        );
        assert_eq!(rule(ValidationPolicy::default().min_resolution(1920, 1080).check(path, "mp4", &ok)), "min_width");
        assert_eq!(rule(ValidationPolicy::default().min_resolution(640, 1080).check(path, "mp4", &ok)), "min_height");
        assert_eq!(rule(ValidationPolicy::default().max_resolution(640, 480).check(path, "mp4", &ok)), "max_width");
        assert_eq!(rule(ValidationPolicy::default().require_audio(true).check(path, "mp4", &ok)), "require_audio");
    }

    #[test]
    fn nonsense_limits_are_invalid_parameters() {
        let bad = ValidationPolicy::default().min_duration(10.0).max_duration(5.0);
        assert!(matches!(bad.validate(), Err(ref e) if e.kind() == crate::ErrorKind::InvalidParameter && e.field() == Some("min_duration")));
        let bad = ValidationPolicy::default().max_duration(f64::NAN);
        assert!(matches!(bad.validate(), Err(ref e) if e.kind() == crate::ErrorKind::InvalidParameter && e.field() == Some("max_duration")));
        let bad = ValidationPolicy::default().allowed_containers([""]);
        assert!(matches!(bad.validate(), Err(ref e) if e.kind() == crate::ErrorKind::InvalidParameter && e.field() == Some("allowed_containers")));
    }
}
