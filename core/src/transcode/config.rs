//! What a transcode produces and how: one optional section per output.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// x264 preset names, fastest first.
pub const X264_PRESETS: [&str; 10] =
    ["ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow", "slower", "veryslow", "placebo"];

/// Everything `reelkit transcode` can be told. Every output is optional but
/// at least one is required; all of them are made from one decode of the
/// input.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct TranscodeJob {
    pub hls: Option<HlsConfig>,
    pub proxy: Option<ProxyConfig>,
    pub thumbnails: Option<ThumbnailConfig>,
    pub sprite: Option<SpriteConfig>,
    pub waveform: Option<WaveformConfig>,
    /// CPU threads to spread the encoders over; 0 uses every core.
    pub threads: usize,
}

impl TranscodeJob {
    pub fn hls(mut self, hls: HlsConfig) -> Self {
        self.hls = Some(hls);
        self
    }
    pub fn proxy(mut self, proxy: ProxyConfig) -> Self {
        self.proxy = Some(proxy);
        self
    }
    pub fn thumbnails(mut self, thumbnails: ThumbnailConfig) -> Self {
        self.thumbnails = Some(thumbnails);
        self
    }
    pub fn sprite(mut self, sprite: SpriteConfig) -> Self {
        self.sprite = Some(sprite);
        self
    }
    pub fn waveform(mut self, waveform: WaveformConfig) -> Self {
        self.waveform = Some(waveform);
        self
    }
    pub fn threads(mut self, threads: usize) -> Self {
        self.threads = threads;
        self
    }

    pub fn validate(&self) -> Result<()> {
        if self.hls.is_none()
            && self.proxy.is_none()
            && self.thumbnails.is_none()
            && self.sprite.is_none()
            && self.waveform.is_none()
        {
            return Err(Error::invalid(
                "outputs",
                "nothing to make (expected at least one of hls, proxy, thumbnails, sprite, waveform)",
            ));
        }
        if self.threads > 1024 {
            return Err(Error::invalid("threads", format!("{} (expected 0..=1024)", self.threads)));
        }
        if let Some(hls) = &self.hls {
            hls.validate().map_err(|e| in_section(e, "hls"))?;
        }
        if let Some(proxy) = &self.proxy {
            proxy.validate().map_err(|e| in_section(e, "proxy"))?;
        }
        if let Some(thumbnails) = &self.thumbnails {
            thumbnails.validate().map_err(|e| in_section(e, "thumbnails"))?;
        }
        if let Some(sprite) = &self.sprite {
            sprite.validate().map_err(|e| in_section(e, "sprite"))?;
        }
        if let Some(waveform) = &self.waveform {
            waveform.validate().map_err(|e| in_section(e, "waveform"))?;
        }
        let dirs: Vec<(&'static str, &PathBuf)> = [
            self.hls.as_ref().map(|c| ("hls.dir", &c.dir)),
            self.thumbnails.as_ref().map(|c| ("thumbnails.dir", &c.dir)),
            self.sprite.as_ref().map(|c| ("sprite.dir", &c.dir)),
        ]
        .into_iter()
        .flatten()
        .collect();
        for (i, (name, dir)) in dirs.iter().enumerate() {
            if dirs[..i].iter().any(|(_, other)| same_path(other, dir)) {
                return Err(Error::invalid(*name, format!("{} is already used by another output", dir.display())));
            }
        }
        Ok(())
    }
}

/// A section's error named under the section (`crf` → `hls.crf`).
fn in_section(e: Error, section: &str) -> Error {
    match e.field() {
        Some(f) if !f.starts_with(section) => e.under_field(section),
        _ => e,
    }
}

fn same_path(a: &std::path::Path, b: &std::path::Path) -> bool {
    let absolute = |p: &std::path::Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    absolute(a) == absolute(b)
}

/// HLS segment container.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum SegmentFormat {
    /// Fragmented MP4 (`.m4s` segments plus an `init.mp4`), HLS version 7.
    #[default]
    Fmp4,
    /// MPEG-TS (`.ts` segments), playable by every HLS client.
    Ts,
}

impl SegmentFormat {
    pub fn as_str(self) -> &'static str {
        match self {
            SegmentFormat::Fmp4 => "fmp4",
            SegmentFormat::Ts => "ts",
        }
    }
}

impl std::str::FromStr for SegmentFormat {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s.to_ascii_lowercase().as_str() {
            "fmp4" | "mp4" | "cmaf" => Ok(SegmentFormat::Fmp4),
            "ts" | "mpegts" => Ok(SegmentFormat::Ts),
            other => Err(Error::invalid("segment_format", format!("`{other}` (expected fmp4 or ts)"))),
        }
    }
}

/// An HLS ladder: a master playlist, one H.264 media playlist per rung and
/// one shared AAC audio rendition, written into `dir`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct HlsConfig {
    pub dir: PathBuf,
    /// Rungs by the short side of the picture (`1080` is 1920x1080
    /// landscape or 1080x1920 portrait). Rungs above the source are
    /// skipped; when every rung is, one rung at the source size is made.
    pub ladder: Vec<u32>,
    /// Target segment length in seconds (default 4). Every rung starts a
    /// closed GOP at the same instants, so segments align across rungs.
    pub segment_seconds: f64,
    pub segment_format: SegmentFormat,
    /// x264 preset (default `veryfast`).
    pub preset: String,
    /// x264 constant rate factor, 0..=51 (default 23).
    pub crf: u8,
    /// Bits per second of the AAC rendition (default 128 000).
    pub audio_bitrate: u32,
}

impl Default for HlsConfig {
    fn default() -> Self {
        Self {
            dir: PathBuf::from("hls"),
            ladder: vec![1080, 720, 480],
            segment_seconds: 4.0,
            segment_format: SegmentFormat::Fmp4,
            preset: "veryfast".into(),
            crf: 23,
            audio_bitrate: 128_000,
        }
    }
}

impl HlsConfig {
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Self { dir: dir.into(), ..Self::default() }
    }
    pub fn ladder(mut self, rungs: impl IntoIterator<Item = u32>) -> Self {
        self.ladder = rungs.into_iter().collect();
        self
    }
    pub fn segment_seconds(mut self, seconds: f64) -> Self {
        self.segment_seconds = seconds;
        self
    }
    pub fn segment_format(mut self, format: SegmentFormat) -> Self {
        self.segment_format = format;
        self
    }
    pub fn preset(mut self, preset: impl Into<String>) -> Self {
        self.preset = preset.into();
        self
    }
    pub fn crf(mut self, crf: u8) -> Self {
        self.crf = crf;
        self
    }
    pub fn audio_bitrate(mut self, bits_per_second: u32) -> Self {
        self.audio_bitrate = bits_per_second;
        self
    }

    pub fn validate(&self) -> Result<()> {
        check_dir("hls.dir", &self.dir)?;
        if self.ladder.is_empty() {
            return Err(Error::invalid("ladder", "empty (expected rung heights such as 1080,720,480)"));
        }
        for rung in &self.ladder {
            if !(64..=4320).contains(rung) {
                return Err(Error::invalid("ladder", format!("rung {rung} (expected 64..=4320 pixels)")));
            }
        }
        let mut sorted = self.ladder.clone();
        sorted.sort_unstable();
        sorted.dedup();
        if sorted.len() != self.ladder.len() {
            return Err(Error::invalid("ladder", format!("{:?} lists a rung twice", self.ladder)));
        }
        if !(self.segment_seconds.is_finite() && (0.5..=60.0).contains(&self.segment_seconds)) {
            return Err(Error::invalid("segment_seconds", format!("{} (expected 0.5..=60)", self.segment_seconds)));
        }
        check_x264(&self.preset, self.crf)?;
        check_audio_bitrate(self.audio_bitrate)
    }
}

/// A mezzanine/proxy MP4 for editing: H.264 with short closed GOPs (fast,
/// exact seeking), AAC, `moov` first (faststart).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct ProxyConfig {
    pub path: PathBuf,
    /// Short side in pixels (default 720; never above the source).
    pub height: u32,
    /// Seconds between keyframes (default 1; 0 makes every frame a
    /// keyframe, for frame-exact scrubbing at a larger size).
    pub keyframe_interval: f64,
    pub preset: String,
    /// x264 constant rate factor (default 20: a mezzanine keeps detail).
    pub crf: u8,
}

impl Default for ProxyConfig {
    fn default() -> Self {
        Self { path: PathBuf::from("proxy.mp4"), height: 720, keyframe_interval: 1.0, preset: "veryfast".into(), crf: 20 }
    }
}

impl ProxyConfig {
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Self { path: path.into(), ..Self::default() }
    }
    pub fn height(mut self, height: u32) -> Self {
        self.height = height;
        self
    }
    pub fn keyframe_interval(mut self, seconds: f64) -> Self {
        self.keyframe_interval = seconds;
        self
    }
    pub fn preset(mut self, preset: impl Into<String>) -> Self {
        self.preset = preset.into();
        self
    }
    pub fn crf(mut self, crf: u8) -> Self {
        self.crf = crf;
        self
    }

    pub fn validate(&self) -> Result<()> {
        check_file("proxy.path", &self.path)?;
        if !(64..=4320).contains(&self.height) {
            return Err(Error::invalid("proxy.height", format!("{} (expected 64..=4320)", self.height)));
        }
        if !(self.keyframe_interval.is_finite() && (0.0..=60.0).contains(&self.keyframe_interval)) {
            return Err(Error::invalid(
                "proxy.keyframe_interval",
                format!("{} (expected 0..=60 seconds)", self.keyframe_interval),
            ));
        }
        check_x264(&self.preset, self.crf)
    }
}

/// JPEG stills at `count` evenly spaced times (`thumb-0001.jpg`...).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct ThumbnailConfig {
    pub dir: PathBuf,
    /// How many (default 10), at the middles of `count` equal spans.
    pub count: usize,
    /// Width in pixels (default 320; height follows the picture).
    pub width: u32,
    /// JPEG quality 1..=100 (default 85).
    pub quality: u8,
}

impl Default for ThumbnailConfig {
    fn default() -> Self {
        Self { dir: PathBuf::from("thumbnails"), count: 10, width: 320, quality: 85 }
    }
}

impl ThumbnailConfig {
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Self { dir: dir.into(), ..Self::default() }
    }
    pub fn count(mut self, count: usize) -> Self {
        self.count = count;
        self
    }
    pub fn width(mut self, width: u32) -> Self {
        self.width = width;
        self
    }

    pub fn validate(&self) -> Result<()> {
        check_dir("thumbnails.dir", &self.dir)?;
        if !(1..=1000).contains(&self.count) {
            return Err(Error::invalid("thumbnails.count", format!("{} (expected 1..=1000)", self.count)));
        }
        if !(16..=3840).contains(&self.width) {
            return Err(Error::invalid("thumbnails.width", format!("{} (expected 16..=3840)", self.width)));
        }
        check_quality("thumbnails.quality", self.quality)
    }
}

/// Sprite sheets for scrubbing: a tile every `interval` seconds, packed
/// `columns` x `rows` per JPEG sheet (`sprite-001.jpg`...), and a WebVTT
/// track (`thumbnails.vtt`) whose cues point at `sheet#xywh=x,y,w,h`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct SpriteConfig {
    pub dir: PathBuf,
    /// Seconds between tiles (default 2).
    pub interval: f64,
    /// Tile width in pixels (default 160; height follows the picture).
    pub tile_width: u32,
    pub columns: u32,
    pub rows: u32,
    /// JPEG quality 1..=100 (default 75).
    pub quality: u8,
}

impl Default for SpriteConfig {
    fn default() -> Self {
        Self { dir: PathBuf::from("sprites"), interval: 2.0, tile_width: 160, columns: 10, rows: 10, quality: 75 }
    }
}

impl SpriteConfig {
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Self { dir: dir.into(), ..Self::default() }
    }
    pub fn interval(mut self, seconds: f64) -> Self {
        self.interval = seconds;
        self
    }
    pub fn tile_width(mut self, width: u32) -> Self {
        self.tile_width = width;
        self
    }
    pub fn grid(mut self, columns: u32, rows: u32) -> Self {
        self.columns = columns;
        self.rows = rows;
        self
    }

    pub fn validate(&self) -> Result<()> {
        check_dir("sprite.dir", &self.dir)?;
        if !(self.interval.is_finite() && (0.1..=3600.0).contains(&self.interval)) {
            return Err(Error::invalid("sprite.interval", format!("{} (expected 0.1..=3600 seconds)", self.interval)));
        }
        if !(16..=1920).contains(&self.tile_width) {
            return Err(Error::invalid("sprite.tile_width", format!("{} (expected 16..=1920)", self.tile_width)));
        }
        for (name, value) in [("sprite.columns", self.columns), ("sprite.rows", self.rows)] {
            if !(1..=100).contains(&value) {
                return Err(Error::invalid(name, format!("{value} (expected 1..=100)")));
            }
        }
        if u64::from(self.tile_width) * u64::from(self.columns) > 16_384 {
            return Err(Error::invalid(
                "sprite.columns",
                format!("{} tiles of {} px exceed a 16384 px wide sheet", self.columns, self.tile_width),
            ));
        }
        check_quality("sprite.quality", self.quality)
    }
}

/// Audio peaks for timeline editors, as audiowaveform-compatible JSON
/// (`{"version": 2, "channels": 1, "sample_rate", "samples_per_pixel",
/// "bits", "length", "data": [min, max, ...]}`), at a fixed number of
/// peak pairs per second.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct WaveformConfig {
    pub path: PathBuf,
    /// Min/max pairs per second of audio (default 100).
    pub peaks_per_second: u32,
    /// 8 (values -128..=127, default) or 16 (-32768..=32767).
    pub bits: u8,
}

impl Default for WaveformConfig {
    fn default() -> Self {
        Self { path: PathBuf::from("waveform.json"), peaks_per_second: 100, bits: 8 }
    }
}

impl WaveformConfig {
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Self { path: path.into(), ..Self::default() }
    }
    pub fn peaks_per_second(mut self, peaks: u32) -> Self {
        self.peaks_per_second = peaks;
        self
    }
    pub fn bits(mut self, bits: u8) -> Self {
        self.bits = bits;
        self
    }

    pub fn validate(&self) -> Result<()> {
        check_file("waveform.path", &self.path)?;
        if !(1..=1000).contains(&self.peaks_per_second) {
            return Err(Error::invalid(
                "waveform.peaks_per_second",
                format!("{} (expected 1..=1000)", self.peaks_per_second),
            ));
        }
        if !matches!(self.bits, 8 | 16) {
            return Err(Error::invalid("waveform.bits", format!("{} (expected 8 or 16)", self.bits)));
        }
        Ok(())
    }
}

pub(crate) fn check_x264(preset: &str, crf: u8) -> Result<()> {
    if !X264_PRESETS.contains(&preset) {
        return Err(Error::invalid("preset", format!("`{preset}` (one of {})", X264_PRESETS.join(", "))));
    }
    if crf > 51 {
        return Err(Error::invalid("crf", format!("{crf} (x264 accepts 0..=51)")));
    }
    Ok(())
}

fn check_audio_bitrate(bits: u32) -> Result<()> {
    if !(16_000..=512_000).contains(&bits) {
        return Err(Error::invalid("audio_bitrate", format!("{bits} (expected 16000..=512000 bits per second)")));
    }
    Ok(())
}

fn check_quality(name: &'static str, quality: u8) -> Result<()> {
    if !(1..=100).contains(&quality) {
        return Err(Error::invalid(name, format!("{quality} (expected 1..=100)")));
    }
    Ok(())
}

fn check_dir(name: &'static str, dir: &std::path::Path) -> Result<()> {
    if dir.as_os_str().is_empty() || dir.file_name().is_none() {
        return Err(Error::invalid(name, format!("`{}` (expected a directory path with a name)", dir.display())));
    }
    Ok(())
}

fn check_file(name: &'static str, path: &std::path::Path) -> Result<()> {
    if path.as_os_str().is_empty() || path.file_name().is_none() {
        return Err(Error::invalid(name, format!("`{}` (expected a file path)", path.display())));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid_and_named_errors_follow_bad_values() {
        let job = TranscodeJob::default().hls(HlsConfig::new("out"));
        job.validate().unwrap();
        assert!(matches!(TranscodeJob::default().validate(), Err(ref e) if e.kind() == crate::ErrorKind::InvalidParameter && e.field() == Some("outputs")));
        let bad = TranscodeJob::default().hls(HlsConfig::new("out").crf(60));
        assert!(matches!(bad.validate(), Err(ref e) if e.kind() == crate::ErrorKind::InvalidParameter && e.field() == Some("hls.crf")));
        let bad = TranscodeJob::default().hls(HlsConfig::new("out").preset("warp"));
        assert!(matches!(bad.validate(), Err(ref e) if e.kind() == crate::ErrorKind::InvalidParameter && e.field() == Some("hls.preset")));
        let bad = TranscodeJob::default().hls(HlsConfig::new("out").ladder([720, 720]));
        assert!(matches!(bad.validate(), Err(ref e) if e.kind() == crate::ErrorKind::InvalidParameter && e.field() == Some("hls.ladder")));
        let bad = TranscodeJob::default().hls(HlsConfig::new("out").segment_seconds(0.0));
        assert!(matches!(bad.validate(), Err(ref e) if e.kind() == crate::ErrorKind::InvalidParameter && e.field() == Some("hls.segment_seconds")));
        let bad = TranscodeJob::default().hls(HlsConfig::new("same")).sprite(SpriteConfig::new("same"));
        assert!(matches!(bad.validate(), Err(ref e) if e.kind() == crate::ErrorKind::InvalidParameter && e.field() == Some("sprite.dir")));
        let bad = TranscodeJob::default().waveform(WaveformConfig::new("w.json").bits(12));
        assert!(matches!(bad.validate(), Err(ref e) if e.kind() == crate::ErrorKind::InvalidParameter && e.field() == Some("waveform.bits")));
    }

    #[test]
    fn jobs_round_trip_through_json_with_defaults() {
        let job: TranscodeJob = serde_json::from_str(r#"{"hls": {"dir": "x", "crf": 20}}"#).unwrap();
        let hls = job.hls.unwrap();
        assert_eq!(hls.crf, 20);
        assert_eq!(hls.ladder, vec![1080, 720, 480]);
        assert_eq!(hls.segment_format, SegmentFormat::Fmp4);
        assert_eq!("ts".parse::<SegmentFormat>().unwrap(), SegmentFormat::Ts);
    }
}
