//! Grouping timed words into readable caption cues.

use serde::{Deserialize, Serialize};

use crate::asr::{join_words, Word};
use crate::error::{Error, Result};

/// One caption on screen from `start` to `end`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Cue {
    pub start: f64,
    pub end: f64,
    /// The cue's lines.
    pub lines: Vec<String>,
    /// The words shown, with their own timings (for karaoke-style styles).
    pub words: Vec<Word>,
}

impl Cue {
    /// Lines joined with `\n`.
    pub fn text(&self) -> String {
        self.lines.join("\n")
    }

    /// The same cue with every time moved by `-offset` (clamped at 0).
    pub fn shifted(&self, offset: f64) -> Cue {
        let shift = |t: f64| (t - offset).max(0.0);
        Cue {
            start: shift(self.start),
            end: shift(self.end),
            lines: self.lines.clone(),
            words: self
                .words
                .iter()
                .map(|w| Word { start: shift(w.start), end: shift(w.end), ..w.clone() })
                .collect(),
        }
    }
}

/// Limits that make cues readable.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct CueConfig {
    /// Characters per line (default 32; 20–24 suits 9:16).
    pub max_chars_per_line: usize,
    /// Lines per cue (default 2).
    pub max_lines: usize,
    /// Longest time a cue stays (default 6 s).
    pub max_duration: f64,
    /// Shortest time a cue stays, stretched into following silence (default 0.8 s).
    pub min_duration: f64,
    /// A pause longer than this starts a new cue (default 0.9 s).
    pub max_pause: f64,
}

impl Default for CueConfig {
    fn default() -> Self {
        Self { max_chars_per_line: 32, max_lines: 2, max_duration: 6.0, min_duration: 0.8, max_pause: 0.9 }
    }
}

impl CueConfig {
    pub fn max_chars_per_line(mut self, n: usize) -> Self {
        self.max_chars_per_line = n;
        self
    }
    pub fn max_lines(mut self, n: usize) -> Self {
        self.max_lines = n;
        self
    }

    pub fn validate(&self) -> Result<()> {
        if !(4..=200).contains(&self.max_chars_per_line) {
            return Err(Error::invalid("max_chars_per_line", format!("{} (expected 4..=200)", self.max_chars_per_line)));
        }
        if !(1..=6).contains(&self.max_lines) {
            return Err(Error::invalid("max_lines", format!("{} (expected 1..=6)", self.max_lines)));
        }
        if !(self.max_duration > 0.5 && self.max_duration <= 60.0) {
            return Err(Error::invalid("max_duration", format!("{} (expected 0.5..=60 s)", self.max_duration)));
        }
        if !(self.min_duration >= 0.0 && self.min_duration < self.max_duration) {
            return Err(Error::invalid("min_duration", format!("{} (expected 0 <= min < max_duration)", self.min_duration)));
        }
        if !(self.max_pause > 0.0) {
            return Err(Error::invalid("max_pause", format!("{} (expected > 0)", self.max_pause)));
        }
        Ok(())
    }
}

/// Group words into cues: a cue ends at a sentence end, a long pause, or when
/// its text would no longer fit `max_lines` lines of `max_chars_per_line`.
pub fn build_cues(words: &[Word], config: &CueConfig) -> Result<Vec<Cue>> {
    config.validate()?;
    let capacity = config.max_chars_per_line * config.max_lines;
    let mut groups: Vec<Vec<Word>> = Vec::new();
    let mut current: Vec<Word> = Vec::new();
    for word in words.iter().filter(|w| !w.word.trim().is_empty()) {
        if let Some(last) = current.last() {
            let text_len: usize = current.iter().map(|w| w.word.chars().count() + 1).sum::<usize>() + word.word.chars().count();
            let too_long = text_len > capacity;
            let too_slow = word.end - current[0].start > config.max_duration;
            let paused = word.start - last.end > config.max_pause;
            let sentence_done = last.ends_sentence();
            // A clause break (comma) is a good place to split a long cue.
            let clause_done = last.word.ends_with([',', ';', ':']) && text_len > capacity * 2 / 3;
            if too_long || too_slow || paused || sentence_done || clause_done {
                groups.push(std::mem::take(&mut current));
            }
        }
        current.push(word.clone());
    }
    if !current.is_empty() {
        groups.push(current);
    }

    let mut cues: Vec<Cue> = groups
        .into_iter()
        .map(|g| Cue {
            start: g[0].start,
            end: g[g.len() - 1].end.max(g[0].start),
            lines: wrap_balanced(&g, config.max_chars_per_line, config.max_lines),
            words: g,
        })
        .collect();

    // Keep short cues on screen a little longer, never overlapping the next.
    for i in 0..cues.len() {
        let next_start = cues.get(i + 1).map(|c| c.start).unwrap_or(f64::INFINITY);
        if cues[i].end - cues[i].start < config.min_duration {
            cues[i].end = (cues[i].start + config.min_duration).min(next_start);
        }
        if cues[i].end > next_start {
            cues[i].end = next_start;
        }
    }
    Ok(cues)
}

/// Break words into at most `max_lines` lines of similar length.
fn wrap_balanced(words: &[Word], max_chars: usize, max_lines: usize) -> Vec<String> {
    let texts: Vec<&str> = words.iter().map(|w| w.word.as_str()).collect();
    let total = join_words(texts.iter().copied()).chars().count();
    let lines_needed = total.div_ceil(max_chars).clamp(1, max_lines);
    let target = total.div_ceil(lines_needed);
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for text in &texts {
        let candidate_len = if line.is_empty() { text.chars().count() } else { line.chars().count() + 1 + text.chars().count() };
        let remaining_lines = lines_needed - lines.len();
        if !line.is_empty() && remaining_lines > 1 && (candidate_len > target.max(1) + 2 || candidate_len > max_chars) {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(text);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str, start: f64, step: f64) -> Vec<Word> {
        text.split_whitespace()
            .enumerate()
            .map(|(i, w)| Word::new(w, start + i as f64 * step, start + (i as f64 + 0.8) * step, 0.9))
            .collect()
    }

    #[test]
    fn cues_break_on_sentences_and_respect_limits() {
        let mut w = words("And so my fellow Americans, ask not what your country can do for you.", 0.0, 0.3);
        w.extend(words("Ask what you can do for your country.", 5.0, 0.3));
        let cues = build_cues(&w, &CueConfig::default()).unwrap();
        assert!(cues.len() >= 2);
        for cue in &cues {
            assert!(cue.lines.len() <= 2, "{cue:?}");
            assert!(cue.lines.iter().all(|l| l.chars().count() <= 32), "{cue:?}");
            assert!(cue.end > cue.start);
        }
        assert!(cues.iter().any(|c| c.text().starts_with("Ask what")));
        assert!(cues.windows(2).all(|p| p[0].end <= p[1].start));
        let joined: Vec<String> = cues.iter().flat_map(|c| c.words.iter().map(|w| w.word.clone())).collect();
        assert_eq!(joined.len(), w.len());
    }

    #[test]
    fn short_cues_are_extended_but_do_not_overlap() {
        let w = vec![
            Word::new("Hi.", 1.0, 1.1, 1.0),
            Word::new("Yes.", 1.5, 1.7, 1.0),
        ];
        let cues = build_cues(&w, &CueConfig::default()).unwrap();
        assert_eq!(cues.len(), 2);
        assert_eq!(cues[0].end, 1.5);
        assert!((cues[1].end - 2.3).abs() < 1e-9);
    }

    #[test]
    fn absurd_config_is_rejected() {
        assert!(build_cues(&[], &CueConfig::default().max_lines(0)).is_err());
        assert!(build_cues(&[], &CueConfig::default().max_chars_per_line(100_000)).is_err());
    }
}
