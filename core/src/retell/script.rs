//! The retell's script (`retell.json`): chapters with their source times,
//! narration and shots on the retell's own timeline; the captions made
//! from it (`retell.srt`) and the editor timeline of its shots.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::subtitle::Cue;
use crate::timeline::{FrameRate, Timeline, TimelineFormat, TimelineRange};

/// A chapter as listed in the script (times in the source).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ScriptChapter {
    pub title: String,
    pub start: f64,
    pub end: f64,
    /// Its most representative sentences, best first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub key_sentences: Vec<String>,
}

/// A narration sentence on the retell's timeline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ScriptLine {
    pub text: String,
    pub start: f64,
    pub end: f64,
    /// Index of the chapter it tells (default 0).
    #[serde(default)]
    pub chapter: usize,
}

/// A shot: `source_start..source_end` of the input shown at `start..end`
/// of the retell (consecutive shots overlap by the cross-fade).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ScriptShot {
    pub source_start: f64,
    pub source_end: f64,
    pub start: f64,
    pub end: f64,
    /// Index of the narration sentence it runs under.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub narration: Option<usize>,
}

/// `retell.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RetellScript {
    pub chapters: Vec<ScriptChapter>,
    pub narration: Vec<ScriptLine>,
    pub shots: Vec<ScriptShot>,
}

/// Longest script read back (bytes).
const MAX_SCRIPT: u64 = 16 * 1024 * 1024;

impl RetellScript {
    /// Read an (edited) `retell.json`.
    pub fn load(path: &Path) -> Result<Self> {
        let meta = std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
        if meta.len() > MAX_SCRIPT {
            return Err(Error::limit_exceeded("script", format!("{} is {} bytes (at most {MAX_SCRIPT})", path.display(), meta.len())));
        }
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        let value: serde_json::Value = serde_json::from_str(&text)
            .map_err(|e| Error::invalid_config("script", format!("{}: not JSON ({e})", path.display()), Vec::new()))?;
        let script: RetellScript = crate::config::from_value(value, "script")?;
        script.validate()?;
        Ok(script)
    }

    pub fn validate(&self) -> Result<()> {
        if self.narration.iter().all(|l| l.text.trim().is_empty()) {
            return Err(Error::invalid("script.narration", "no narration to speak"));
        }
        if self.narration.len() > 10_000 {
            return Err(Error::invalid("script.narration", format!("{} sentences (at most 10000)", self.narration.len())));
        }
        for (i, l) in self.narration.iter().enumerate() {
            if l.text.chars().count() > 2000 {
                return Err(Error::invalid(format!("script.narration[{i}].text"), "longer than 2000 characters"));
            }
            if !self.chapters.is_empty() && l.chapter >= self.chapters.len() {
                return Err(Error::invalid(format!("script.narration[{i}].chapter"), format!("{} (there are {} chapters)", l.chapter, self.chapters.len())));
            }
        }
        for (i, s) in self.shots.iter().enumerate() {
            if !(s.source_start.is_finite() && s.source_end.is_finite() && s.source_start >= 0.0 && s.source_end > s.source_start) {
                return Err(Error::invalid(format!("script.shots[{i}]"), "source_start..source_end must be a range of the input"));
            }
        }
        Ok(())
    }

    /// Captions: one or more cues per narration sentence (lines of at most
    /// `max_chars`, two lines a cue, timed by their share of characters).
    pub fn cues(&self, max_chars: usize) -> Vec<Cue> {
        let mut cues = Vec::new();
        for l in &self.narration {
            let lines = wrap(&l.text, max_chars);
            let chunks: Vec<Vec<String>> = lines.chunks(2).map(<[String]>::to_vec).collect();
            let total: usize = chunks.iter().map(|c| c.iter().map(|s| s.chars().count()).sum::<usize>()).sum::<usize>().max(1);
            let mut t = l.start;
            for c in chunks {
                let share = c.iter().map(|s| s.chars().count()).sum::<usize>() as f64 / total as f64;
                let end = (t + share * (l.end - l.start)).min(l.end);
                cues.push(Cue { start: t, end: end.max(t + 0.04), lines: c, words: Vec::new() });
                t = end;
            }
        }
        cues
    }

    /// The shots as an editor timeline of the input.
    pub fn timeline(&self, source: &Path, rate: f64, width: u32, height: u32, duration: f64) -> Timeline {
        let ranges = self
            .shots
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let mut metadata = std::collections::BTreeMap::new();
                metadata.insert("retell_start".into(), format!("{:.3}", s.start));
                metadata.insert("retell_end".into(), format!("{:.3}", s.end));
                if let Some(text) = s.narration.and_then(|n| self.narration.get(n)) {
                    metadata.insert("narration".into(), text.text.clone());
                }
                TimelineRange { name: format!("shot-{:03}", i + 1), start: s.source_start, end: s.source_end, metadata }
            })
            .collect();
        Timeline {
            name: "retell".into(),
            source: source.to_path_buf(),
            rate: FrameRate::from_fps(rate),
            width,
            height,
            source_duration: duration,
            has_audio: true,
            ranges,
        }
    }
}

/// Words of `text` in lines of at most `max_chars` (a longer word stands alone).
pub fn wrap(text: &str, max_chars: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for w in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + w.chars().count() > max_chars {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(w);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// Write the timeline of `script` in `formats` as `retell.<ext>` into `dir`.
pub fn write_timelines(timeline: &Timeline, formats: &[TimelineFormat], dir: &Path) -> Result<Vec<String>> {
    let mut written = Vec::new();
    for f in formats {
        let text = crate::timeline::render_timeline(timeline, *f)?;
        let name = format!("retell.{}", f.extension());
        let path = dir.join(&name);
        std::fs::write(&path, text).map_err(|e| Error::io(&path, e))?;
        written.push(name);
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn captions_carry_the_narration_word_for_word() {
        let script = RetellScript {
            chapters: vec![ScriptChapter { title: "A".into(), start: 0.0, end: 9.0, key_sentences: vec![] }],
            narration: vec![
                ScriptLine { text: "A fairly long sentence that will need more than one line to show on screen.".into(), start: 0.5, end: 4.5, chapter: 0 },
                ScriptLine { text: "Short one.".into(), start: 5.0, end: 6.0, chapter: 0 },
            ],
            shots: vec![],
        };
        let cues = script.cues(20);
        let joined: Vec<String> = cues.iter().flat_map(|c| c.lines.clone()).collect();
        assert_eq!(joined.join(" "), script.narration.iter().map(|l| l.text.as_str()).collect::<Vec<_>>().join(" "));
        assert!(cues.iter().all(|c| c.lines.len() <= 2 && c.lines.iter().all(|l| l.chars().count() <= 20)));
        assert!((cues[0].start - 0.5).abs() < 1e-9);
        assert!(cues.windows(2).all(|w| w[0].end <= w[1].start + 1e-9));
        let back: RetellScript = serde_json::from_str(&serde_json::to_string(&script).unwrap()).unwrap();
        assert_eq!(back, script);
        assert!(serde_json::from_str::<RetellScript>(r#"{"chapters":[],"narration":[],"shots":[],"x":1}"#).is_err());
    }
}
