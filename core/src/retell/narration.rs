//! The extractive narration: key sentences of each chapter, lightly
//! compressed (fillers and openers dropped), chosen to fill the requested
//! length at an estimated speaking rate and told in chapter order (and in
//! film order within a chapter).

use serde::{Deserialize, Serialize};

use super::analysis::Analysis;
use super::chapters::Chapter;

/// One sentence of the narration before it is spoken.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Line {
    pub text: String,
    /// Index of its chapter.
    pub chapter: usize,
    /// The transcript sentence it came from (extractive narration).
    pub source: Option<usize>,
}

/// Openers that carry nothing in a recap.
const FILLERS: &[&str] = &["so", "and", "but", "well", "now", "okay", "ok", "um", "uh", "like", "right", "you know", "i mean", "anyway", "also"];

/// A sentence made ready to be read aloud: fillers at the start dropped,
/// spaces collapsed, first letter capitalised, ending punctuation kept or added.
pub fn compress(text: &str) -> String {
    let mut s: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    loop {
        let lower = s.to_lowercase();
        let cut = FILLERS.iter().find_map(|f| {
            let rest = lower.strip_prefix(f)?;
            let skip = rest.len() - rest.trim_start_matches([',', ' ']).len();
            (rest.starts_with([',', ' ']) && rest.len() > skip).then_some(f.len() + skip)
        });
        match cut {
            Some(n) if s.len() > n => s = s[n..].to_owned(),
            _ => break,
        }
    }
    let mut chars = s.chars();
    let mut out: String = chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default();
    if !out.is_empty() && !out.ends_with(['.', '!', '?']) {
        out = out.trim_end_matches([',', ';', ':', '-']).to_owned();
        out.push('.');
    }
    out
}

/// Words in `text`.
pub fn word_count(text: &str) -> usize {
    text.split_whitespace().filter(|w| w.chars().any(char::is_alphanumeric)).count()
}

/// Pick lines so that their estimated spoken length (`words / wps + gap`
/// each) fills `target` seconds. Every chapter gets a share of the length
/// in proportion to its duration; within that share its key sentences are
/// taken best first; what no chapter could fill is offered to the others.
pub fn extractive(a: &Analysis, chapters: &[Chapter], target: f64, wps: f64, gap: f64) -> Vec<Line> {
    let cost = |i: usize| word_count(&compress(&a.sentences[i].text)) as f64 / wps.max(0.5) + gap;
    let total_len: f64 = chapters.iter().map(|c| (c.end - c.start).max(0.0)).sum::<f64>().max(1e-6);
    let mut chosen: Vec<Vec<usize>> = vec![Vec::new(); chapters.len()];
    let mut used = 0.0;
    // Each chapter's share, best key sentences first.
    for (c, ch) in chapters.iter().enumerate() {
        let share = target * (ch.end - ch.start).max(0.0) / total_len;
        let mut spent = 0.0;
        for &i in ch.key_sentences.iter().filter(|i| **i < a.sentences.len()) {
            let k = cost(i);
            let first = chosen[c].is_empty();
            if spent + k <= share || (first && used + k <= target * 1.02) {
                chosen[c].push(i);
                spent += k;
                used += k;
            }
        }
    }
    // What is left, to whichever chapter's next key sentence fits.
    loop {
        let mut best: Option<(usize, usize, f64)> = None;
        for (c, ch) in chapters.iter().enumerate() {
            if let Some(&i) = ch.key_sentences.iter().find(|i| **i < a.sentences.len() && !chosen[c].contains(i)) {
                let k = cost(i);
                let fill = used + k;
                if fill <= target * 1.02 && best.is_none_or(|b| chosen[c].len() < chosen[b.0].len()) {
                    best = Some((c, i, k));
                }
            }
        }
        match best {
            Some((c, i, k)) => {
                chosen[c].push(i);
                used += k;
            }
            None => break,
        }
    }
    let mut lines = Vec::new();
    for (c, mut ids) in chosen.into_iter().enumerate() {
        ids.sort_unstable();
        for i in ids {
            let text = compress(&a.sentences[i].text);
            if word_count(&text) > 0 {
                lines.push(Line { text, chapter: c, source: Some(i) });
            }
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compress_drops_openers_and_ends_with_a_stop() {
        assert_eq!(compress("so,  and the river floods"), "The river floods.");
        assert_eq!(compress("Well. It works!"), "Well. It works!");
        assert_eq!(compress("uh"), "Uh.");
        assert_eq!(compress(""), "");
        assert_eq!(word_count("Hello, big world -"), 3);
    }
}
