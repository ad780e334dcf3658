//! Timeline export for editors: the picks as one video track over the source
//! file, in OpenTimelineIO JSON, Final Cut Pro X XML, CMX 3600 EDL and MLT XML
//! (one file per format). Any stage that produces ranges of one source (clips,
//! reframe, retell) fills a [`Timeline`] and calls [`write_timeline`].

mod edl;
mod fcpxml;
mod mlt;
mod otio;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// An exchange format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum TimelineFormat {
    /// OpenTimelineIO JSON (`timeline.otio`).
    Otio,
    /// Final Cut Pro X XML 1.8 (`timeline.fcpxml`).
    Fcpxml,
    /// CMX 3600 edit decision list (`timeline.edl`).
    Edl,
    /// MLT XML, as `melt`, Kdenlive and Shotcut read it (`timeline.mlt`).
    Mlt,
}

impl TimelineFormat {
    pub const ALL: [TimelineFormat; 4] = [TimelineFormat::Otio, TimelineFormat::Fcpxml, TimelineFormat::Edl, TimelineFormat::Mlt];

    pub fn extension(self) -> &'static str {
        match self {
            TimelineFormat::Otio => "otio",
            TimelineFormat::Fcpxml => "fcpxml",
            TimelineFormat::Edl => "edl",
            TimelineFormat::Mlt => "mlt",
        }
    }

    /// The file written into an output folder: `timeline.<ext>`.
    pub fn file_name(self) -> String {
        format!("timeline.{}", self.extension())
    }

    /// Parse `otio`, `fcpxml`, `edl` or `mlt`.
    pub fn parse(name: &str) -> Result<Self> {
        match name.trim().to_ascii_lowercase().as_str() {
            "otio" => Ok(TimelineFormat::Otio),
            "fcpxml" => Ok(TimelineFormat::Fcpxml),
            "edl" => Ok(TimelineFormat::Edl),
            "mlt" => Ok(TimelineFormat::Mlt),
            other => Err(Error::invalid("timeline", format!("`{other}` (expected otio, fcpxml, edl or mlt)"))),
        }
    }

    /// Parse a comma-separated list (`otio,fcpxml,edl,mlt`), without repeats.
    pub fn parse_list(list: &str) -> Result<Vec<Self>> {
        let mut out = Vec::new();
        for name in list.split(',').filter(|s| !s.trim().is_empty()) {
            let f = Self::parse(name)?;
            if !out.contains(&f) {
                out.push(f);
            }
        }
        Ok(out)
    }
}

/// A frame rate as a ratio (`30000/1001` for 29.97).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct FrameRate {
    pub num: u32,
    pub den: u32,
}

impl FrameRate {
    /// The usual ratio for a measured rate: NTSC rates become `N·1000/1001`,
    /// near-integers become integers, anything else is kept to 1/1000 fps.
    /// Rates outside 1..=1000 (or unknown) fall back to 25.
    pub fn from_fps(fps: f64) -> Self {
        if !(fps.is_finite() && (1.0..=1000.0).contains(&fps)) {
            return FrameRate { num: 25, den: 1 };
        }
        for n in [24u32, 30, 48, 60, 120, 240] {
            if (fps - f64::from(n) * 1000.0 / 1001.0).abs() < 0.005 {
                return FrameRate { num: n * 1000, den: 1001 };
            }
        }
        if (fps - fps.round()).abs() < 0.01 {
            return FrameRate { num: fps.round() as u32, den: 1 };
        }
        FrameRate { num: (fps * 1000.0).round() as u32, den: 1000 }
    }

    pub fn fps(self) -> f64 {
        f64::from(self.num) / f64::from(self.den.max(1))
    }

    /// Whole frames per timecode second (30 for 29.97).
    pub fn nominal(self) -> u32 {
        (self.fps().round() as u32).max(1)
    }

    /// `seconds` rounded to the nearest frame.
    pub fn frames(self, seconds: f64) -> u64 {
        if seconds.is_finite() && seconds > 0.0 {
            (seconds * self.fps()).round() as u64
        } else {
            0
        }
    }

    /// Non-drop-frame timecode `HH:MM:SS:FF` of a frame count.
    pub fn timecode(self, frames: u64) -> String {
        let n = u64::from(self.nominal());
        let ff = frames % n;
        let total = frames / n;
        format!("{:02}:{:02}:{:02}:{:02}", total / 3600, (total / 60) % 60, total % 60, ff)
    }
}

/// One range of the source on the timeline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct TimelineRange {
    pub name: String,
    /// Source in and out, seconds (rounded to frames on writing).
    pub start: f64,
    pub end: f64,
    /// Free-form facts carried into the formats that keep metadata (OTIO
    /// metadata, FCPXML notes, EDL comments, MLT properties): score, reason,
    /// a crop path…
    #[serde(default)]
    pub metadata: BTreeMap<String, String>,
}

/// What a timeline file describes: one source and ranges of it, in order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Timeline {
    pub name: String,
    /// The source media (made absolute on writing).
    pub source: PathBuf,
    pub rate: FrameRate,
    pub width: u32,
    pub height: u32,
    /// Duration of the source in seconds.
    pub source_duration: f64,
    pub has_audio: bool,
    pub ranges: Vec<TimelineRange>,
}

/// A range in frames, after rounding and clamping to the source.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct FrameRange<'a> {
    pub name: &'a str,
    pub start: u64,
    pub frames: u64,
    pub metadata: &'a BTreeMap<String, String>,
}

impl Timeline {
    pub fn validate(&self) -> Result<()> {
        if self.rate.num == 0 || self.rate.den == 0 || !(1.0..=1000.0).contains(&self.rate.fps()) {
            return Err(Error::invalid("rate", format!("{}/{} (expected 1..=1000 fps)", self.rate.num, self.rate.den)));
        }
        if !(1..=16_384).contains(&self.width) || !(1..=16_384).contains(&self.height) {
            return Err(Error::invalid("size", format!("{}x{} (expected 1..=16384 each)", self.width, self.height)));
        }
        if !(self.source_duration.is_finite() && self.source_duration > 0.0) {
            return Err(Error::invalid("source_duration", format!("{} (expected > 0)", self.source_duration)));
        }
        for r in &self.ranges {
            if !(r.start.is_finite() && r.end.is_finite() && r.start >= 0.0 && r.end > r.start) {
                return Err(Error::invalid("ranges", format!("`{}`: {}..{} (expected 0 <= start < end)", r.name, r.start, r.end)));
            }
        }
        Ok(())
    }

    /// Frames of the whole source.
    pub(crate) fn source_frames(&self) -> u64 {
        self.rate.frames(self.source_duration).max(1)
    }

    /// Every range in whole frames, clamped to the source; empty ones dropped.
    pub(crate) fn frame_ranges(&self) -> Vec<FrameRange<'_>> {
        let total = self.source_frames();
        self.ranges
            .iter()
            .filter_map(|r| {
                let start = self.rate.frames(r.start).min(total);
                let end = self.rate.frames(r.end).min(total);
                (end > start).then_some(FrameRange { name: &r.name, start, frames: end - start, metadata: &r.metadata })
            })
            .collect()
    }

    /// The source as an absolute path.
    pub(crate) fn source_path(&self) -> PathBuf {
        std::path::absolute(&self.source).unwrap_or_else(|_| self.source.clone())
    }

    /// The source as a `file://` URL.
    pub(crate) fn source_url(&self) -> String {
        file_url(&self.source_path())
    }
}

/// Render `timeline` in `format`.
pub fn render_timeline(timeline: &Timeline, format: TimelineFormat) -> Result<String> {
    timeline.validate()?;
    Ok(match format {
        TimelineFormat::Otio => otio::render(timeline),
        TimelineFormat::Fcpxml => fcpxml::render(timeline),
        TimelineFormat::Edl => edl::render(timeline),
        TimelineFormat::Mlt => mlt::render(timeline),
    })
}

/// Write `timeline` in every format of `formats` into `dir` as
/// `timeline.<ext>`; returns the paths written.
pub fn write_timeline(timeline: &Timeline, formats: &[TimelineFormat], dir: &Path) -> Result<Vec<PathBuf>> {
    let mut written = Vec::new();
    for format in formats {
        let text = render_timeline(timeline, *format)?;
        let path = dir.join(format.file_name());
        std::fs::write(&path, text).map_err(|e| Error::io(&path, e))?;
        written.push(path);
    }
    Ok(written)
}

/// Escape text for XML content and attribute values.
pub(crate) fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Control characters are not allowed in XML 1.0.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// `file://` URL of an absolute path, percent-encoding everything but
/// unreserved characters and `/`.
pub(crate) fn file_url(path: &Path) -> String {
    let text = path.to_string_lossy();
    let mut out = String::from("file://");
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn sample() -> Timeline {
        Timeline {
            name: "talk & clips".into(),
            source: PathBuf::from("/media/my talk.mp4"),
            rate: FrameRate::from_fps(29.97),
            width: 1280,
            height: 720,
            source_duration: 120.0,
            has_audio: true,
            ranges: vec![
                TimelineRange { name: "clip-01".into(), start: 40.0, end: 61.5, metadata: [("score".to_owned(), "0.91".to_owned())].into() },
                TimelineRange { name: "clip-02".into(), start: 3.2, end: 20.0, metadata: BTreeMap::new() },
            ],
        }
    }

    #[test]
    fn rates_and_timecodes() {
        assert_eq!(FrameRate::from_fps(29.97), FrameRate { num: 30000, den: 1001 });
        assert_eq!(FrameRate::from_fps(25.0), FrameRate { num: 25, den: 1 });
        assert_eq!(FrameRate::from_fps(12.5), FrameRate { num: 12500, den: 1000 });
        assert_eq!(FrameRate::from_fps(0.0), FrameRate { num: 25, den: 1 });
        assert_eq!(FrameRate::from_fps(f64::NAN), FrameRate { num: 25, den: 1 });
        let r = FrameRate { num: 25, den: 1 };
        assert_eq!(r.timecode(25 * 3661 + 7), "01:01:01:07");
        assert_eq!(r.frames(1.02), 26);
        assert_eq!(FrameRate::from_fps(29.97).nominal(), 30);
    }

    #[test]
    fn formats_parse_and_escape() {
        assert_eq!(TimelineFormat::parse_list("otio, EDL,otio").unwrap(), vec![TimelineFormat::Otio, TimelineFormat::Edl]);
        assert!(TimelineFormat::parse_list("otio,aaf").is_err());
        assert_eq!(xml_escape("a<b & \"c\"\u{1}"), "a&lt;b &amp; &quot;c&quot; ");
        assert_eq!(file_url(Path::new("/a b/ü.mp4")), "file:///a%20b/%C3%BC.mp4");
    }

    #[test]
    fn ranges_are_frame_rounded_and_clamped() {
        let mut t = sample();
        t.ranges.push(TimelineRange { name: "past".into(), start: 119.0, end: 500.0, metadata: BTreeMap::new() });
        let f = t.frame_ranges();
        assert_eq!(f[0].start, 1199); // 40 s at 29.97
        assert_eq!(f[0].frames, 1843 - 1199);
        assert_eq!(f[2].start + f[2].frames, t.source_frames());
        for format in TimelineFormat::ALL {
            let text = render_timeline(&t, format).unwrap();
            assert!(text.contains("clip-01"), "{format:?}");
        }
        t.ranges[0].end = 1.0;
        assert!(render_timeline(&t, TimelineFormat::Otio).is_err());
    }
}
