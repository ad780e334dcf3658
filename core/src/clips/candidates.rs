//! Candidate windows: runs of whole sentences whose edges are moved into the
//! surrounding silence (the quietest 10 ms within reach) and, where a scene
//! cut lies close and still between the same words, onto the cut. An edge is
//! never inside a word (beyond the configured slack), and a window is kept
//! only when its snapped duration is inside the target range.

use crate::asr::{Sentence, Word};

use super::ClipConfig;

/// A candidate: sentences `first..=last`, snapped to `[start, end)`.
#[derive(Debug, Clone, PartialEq)]
pub struct Window {
    pub start: f64,
    pub end: f64,
    pub first_sentence: usize,
    pub last_sentence: usize,
    pub first_word: usize,
    pub last_word: usize,
    /// The edge that landed on a scene cut, if any.
    pub start_on_cut: bool,
    pub end_on_cut: bool,
}

impl Window {
    pub fn duration(&self) -> f64 {
        self.end - self.start
    }
}

/// What the edges may snap to.
#[derive(Debug, Clone, Copy)]
pub struct SnapTargets<'a> {
    /// Level in dBFS per 10 ms frame (empty: no silence snapping).
    pub levels: &'a [f32],
    /// Scene cut times, ascending.
    pub cuts: &'a [f64],
    /// Media duration (0 when unknown).
    pub duration: f64,
}

const FRAME: f64 = crate::asr::vad::FRAME;
/// Most sentences in one window: bounds the work whatever the times say
/// (a minute of speech is rarely over 30 sentences).
const MAX_SENTENCES: usize = 400;

/// Every window of consecutive sentences within the duration target. When
/// the speech is shorter than the minimum, the longest spans there are.
pub fn candidate_windows(sentences: &[Sentence], words: &[Word], targets: SnapTargets<'_>, config: &ClipConfig) -> Vec<Window> {
    let collect = |min: f64| -> Vec<Window> {
        let mut out = Vec::new();
        for i in 0..sentences.len() {
            for j in i..sentences.len().min(i + MAX_SENTENCES) {
                // Rough length first, so long talks stay linear in the window count.
                let rough = sentences[j].end - sentences[i].start;
                if rough.is_nan() || rough > config.max_duration {
                    break;
                }
                let w = snap(sentences, words, i, j, targets, config);
                if w.duration() <= config.max_duration && w.duration() >= min {
                    out.push(w);
                }
            }
        }
        out
    };
    let windows = collect(config.min_duration);
    if !windows.is_empty() {
        return windows;
    }
    let longest = collect(0.0).iter().map(Window::duration).fold(0.0f64, f64::max);
    collect(longest * 0.6)
}

/// Snap sentences `i..=j` to silence and cuts.
pub fn snap(sentences: &[Sentence], words: &[Word], i: usize, j: usize, targets: SnapTargets<'_>, config: &ClipConfig) -> Window {
    let first = &sentences[i];
    let last = &sentences[j];
    let slack = config.snap.word_slack;
    // The gap before the first word and after the last one: edges stay inside them.
    let prev_end = first.first_word.checked_sub(1).and_then(|k| words.get(k)).map(|w| w.end).unwrap_or(0.0);
    let next_start = words.get(last.last_word + 1).map(|w| w.start).unwrap_or(f64::INFINITY);
    let media_end = if targets.duration > 0.0 { targets.duration } else { f64::INFINITY };
    let first_start = words.get(first.first_word).map(|w| w.start).unwrap_or(first.start);
    let last_end = words.get(last.last_word).map(|w| w.end).unwrap_or(last.end);

    let start_lo = prev_end.max(first_start - config.snap.max_pad).max(0.0);
    let start_hi = first_start.max(start_lo);
    let mut start = quiet_point(targets.levels, start_lo, start_hi, first_start - config.lead_in);
    let end_lo = last_end.min(media_end);
    let end_hi = next_start.min(last_end + config.snap.max_pad).min(media_end).max(end_lo);
    let mut end = quiet_point(targets.levels, end_lo, end_hi, last_end + config.tail);

    // A cut close by, and between the same words (within the slack), wins.
    let mut start_on_cut = false;
    if let Some(c) = nearest_cut(targets.cuts, start, config.snap.cut_window, prev_end - slack, first_start + slack) {
        start = c;
        start_on_cut = true;
    }
    let mut end_on_cut = false;
    if let Some(c) = nearest_cut(targets.cuts, end, config.snap.cut_window, last_end - slack, next_start.min(media_end) + slack) {
        if c > start {
            end = c;
            end_on_cut = true;
        }
    }
    Window {
        start,
        end: end.max(start),
        first_sentence: i,
        last_sentence: j,
        first_word: first.first_word,
        last_word: last.last_word,
        start_on_cut,
        end_on_cut,
    }
}

/// The quietest frame in `[lo, hi]`; among frames within 1 dB of it, the one
/// closest to `prefer`. Without levels, `prefer` clamped into the range.
fn quiet_point(levels: &[f32], lo: f64, hi: f64, prefer: f64) -> f64 {
    let clamped = prefer.clamp(lo, hi.max(lo));
    if levels.is_empty() || hi - lo < FRAME {
        return clamped;
    }
    let a = ((lo / FRAME).ceil() as usize).min(levels.len());
    let b = ((hi / FRAME).floor() as usize).min(levels.len().saturating_sub(1));
    if a > b {
        return clamped;
    }
    let min = levels[a..=b].iter().copied().fold(f32::INFINITY, f32::min);
    (a..=b)
        .filter(|k| levels[*k] <= min + 1.0)
        .map(|k| k as f64 * FRAME)
        .min_by(|x, y| (x - clamped).abs().total_cmp(&(y - clamped).abs()))
        .unwrap_or(clamped)
        .clamp(lo, hi.max(lo))
}

/// The cut nearest `t` within `window` seconds that lies in `[lo, hi]`.
fn nearest_cut(cuts: &[f64], t: f64, window: f64, lo: f64, hi: f64) -> Option<f64> {
    cuts.iter()
        .copied()
        .filter(|c| (c - t).abs() <= window && *c >= lo && *c <= hi)
        .min_by(|a, b| (a - t).abs().total_cmp(&(b - t).abs()))
}

/// Whether `t` falls inside a word (beyond `slack` at either end).
pub fn inside_a_word(words: &[Word], t: f64, slack: f64) -> bool {
    words.iter().any(|w| t > w.start + slack && t < w.end - slack)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words_and_sentences() -> (Vec<Word>, Vec<Sentence>) {
        let words = vec![
            Word::new("One", 1.0, 1.4, 0.9),
            Word::new("two.", 1.5, 2.0, 0.9),
            Word::new("Three", 3.0, 3.5, 0.9),
            Word::new("four.", 3.6, 4.0, 0.9),
        ];
        let sentences = vec![
            Sentence { start: 1.0, end: 2.0, text: "One two.".into(), first_word: 0, last_word: 1 },
            Sentence { start: 3.0, end: 4.0, text: "Three four.".into(), first_word: 2, last_word: 3 },
        ];
        (words, sentences)
    }

    #[test]
    fn edges_land_in_the_quietest_spot_and_on_close_cuts() {
        let (words, sentences) = words_and_sentences();
        // Loud everywhere but a dip at 0.8 s and at 2.3 s.
        let mut levels = vec![-20.0f32; 600];
        levels[80] = -60.0;
        levels[230] = -60.0;
        let config = ClipConfig::default();
        let t = SnapTargets { levels: &levels, cuts: &[], duration: 6.0 };
        let w = snap(&sentences, &words, 0, 0, t, &config);
        assert!((w.start - 0.8).abs() < 1e-9, "{w:?}");
        assert!((w.end - 2.3).abs() < 1e-9, "{w:?}");
        // A cut at 2.6 s is in the gap and near: the end moves onto it.
        let t = SnapTargets { levels: &levels, cuts: &[2.6], duration: 6.0 };
        let w = snap(&sentences, &words, 0, 0, t, &config);
        assert_eq!(w.end, 2.6);
        assert!(w.end_on_cut);
        // A cut inside a word is never taken.
        let t = SnapTargets { levels: &levels, cuts: &[1.2], duration: 6.0 };
        let w = snap(&sentences, &words, 0, 1, t, &config);
        assert!(!w.start_on_cut);
        for w in candidate_windows(&sentences, &words, t, &ClipConfig::default().duration(0.5, 10.0)) {
            assert!(!inside_a_word(&words, w.start, 0.05) && !inside_a_word(&words, w.end, 0.05), "{w:?}");
        }
    }

    #[test]
    fn duration_target_is_kept_after_snapping() {
        let (words, sentences) = words_and_sentences();
        let t = SnapTargets { levels: &[], cuts: &[], duration: 6.0 };
        let ws = candidate_windows(&sentences, &words, t, &ClipConfig::default().duration(2.0, 4.0));
        assert!(!ws.is_empty());
        assert!(ws.iter().all(|w| w.duration() >= 2.0 && w.duration() <= 4.0), "{ws:?}");
    }
}
