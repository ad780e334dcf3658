//! Word timing: snapping recognised word edges onto the audio's energy
//! edges, and re-aligning an edited transcript so that corrected captions
//! stay in sync.

use serde::{Deserialize, Serialize};

use super::transcript::{join_words, Segment, Transcript, Word};
use super::vad::{quietest_point, FrameLevels, FRAME};
use crate::error::{Error, Result};
use crate::text::normalize_words;
use crate::media::AudioBuffer;

/// How far a word edge may move when snapped (seconds).
const SNAP_REACH: f64 = 0.2;

/// Move word edges onto the audio: a start after a pause (or at the start of
/// a segment) goes to the onset of the sound; an end before a pause to its
/// offset; a boundary between two touching words goes to the energy dip
/// between them, when there is a clear one nearby.
pub fn snap_to_levels(segments: &mut [Segment], levels: &[f32]) {
    if levels.is_empty() {
        return;
    }
    let firsts: Vec<bool> =
        segments.iter().flat_map(|s| (0..s.words.len()).map(|k| k == 0)).collect();
    let mut words: Vec<&mut Word> = segments.iter_mut().flat_map(|s| s.words.iter_mut()).collect();
    let n = words.len();
    for i in 0..n {
        let prev_end = if i > 0 { words[i - 1].end } else { f64::NEG_INFINITY };
        let next_start = if i + 1 < n { words[i + 1].start } else { f64::INFINITY };
        let w = &mut *words[i];
        if firsts[i] {
            // Segment starts are often placed before the sound begins:
            // search forward as far as the word itself reaches.
            if let Some(onset) = onset_near(levels, w.start, prev_end.max(w.start - SNAP_REACH), w.end) {
                w.start = onset.min(w.end);
            }
        } else if w.start - prev_end >= 0.1 {
            if let Some(onset) = onset_near(levels, w.start, prev_end.max(w.start - SNAP_REACH), w.start + SNAP_REACH) {
                w.start = onset.min(w.end);
            }
        }
        if next_start - w.end >= 0.1 || i + 1 == n {
            if let Some(offset) = offset_near(levels, w.end, w.start, next_start.min(w.end + SNAP_REACH)) {
                w.end = offset.max(w.start);
            }
        }
    }
    // Touching words: split at a clear dip between them.
    for i in 1..n {
        if (words[i].start - words[i - 1].end).abs() > 0.011 {
            continue;
        }
        let b = words[i].start;
        let lo = (words[i - 1].start + words[i - 1].end) / 2.0;
        let hi = (words[i].start + words[i].end) / 2.0;
        if let Some((end, start)) = dip_between(levels, (b - DIP_REACH).max(lo), (b + DIP_REACH).min(hi)) {
            words[i - 1].end = end.max(words[i - 1].start);
            words[i].start = start.min(words[i].end).max(words[i - 1].end);
        }
    }
    // Never let a word start before the previous one ends.
    for i in 1..n {
        if words[i].start < words[i - 1].end {
            let cut = words[i].start.max(words[i - 1].start);
            words[i - 1].end = cut;
            words[i].start = cut;
        }
        if words[i].end < words[i].start {
            words[i].end = words[i].start;
        }
    }
    drop(words);
    for segment in segments.iter_mut() {
        if let (Some(first), Some(last)) = (segment.words.first(), segment.words.last()) {
            segment.start = first.start;
            segment.end = segment.end.max(last.end);
        }
    }
}

/// How far a boundary between touching words may move to reach a dip.
const DIP_REACH: f64 = 0.10;

/// How much quieter than its surroundings a dip must be (dB): shallow dips
/// inside running speech are not word boundaries.
const DIP_DEPTH: f32 = 20.0;

/// The quietest point between `from` and `to`, if it is a real dip
/// ([`DIP_DEPTH`] under the loudest frame there): the previous word ends there and the next
/// starts where the sound comes back.
fn dip_between(levels: &[f32], from: f64, to: f64) -> Option<(f64, f64)> {
    let a = (from.max(0.0) / FRAME) as usize;
    let b = ((to / FRAME) as usize).min(levels.len());
    if b <= a + 2 {
        return None;
    }
    let window = &levels[a..b];
    let (qi, q) = window.iter().enumerate().fold((0, f32::INFINITY), |m, (i, l)| if *l < m.1 { (i, *l) } else { m });
    let loudest = window.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    if loudest - q < DIP_DEPTH {
        return None;
    }
    let back = window[qi..].iter().position(|l| *l > q + 6.0).map(|k| qi + k).unwrap_or(qi);
    Some(((a + qi) as f64 * FRAME, (a + back) as f64 * FRAME))
}

/// Level that counts as sound near `t`: 10 dB above the quietest frame in
/// the surrounding second, and above -55 dBFS.
fn sound_threshold(levels: &[f32], t: f64) -> f32 {
    let a = (((t - 0.6) / FRAME).max(0.0)) as usize;
    let b = (((t + 0.6) / FRAME) as usize).min(levels.len());
    let floor = levels[a.min(b)..b].iter().copied().fold(f32::INFINITY, f32::min);
    (floor + 10.0).max(-55.0)
}

/// First frame in `[from, to)` where sound begins, searching around `t`.
fn onset_near(levels: &[f32], t: f64, from: f64, to: f64) -> Option<f64> {
    let threshold = sound_threshold(levels, t);
    let a = ((from.max(0.0)) / FRAME) as usize;
    let b = ((to.min(t + SNAP_REACH) / FRAME) as usize).min(levels.len());
    (a..b).find(|&f| levels[f] > threshold).map(|f| f as f64 * FRAME)
}

/// End of the last sounding frame in `(from, to]`, searching around `t`.
fn offset_near(levels: &[f32], t: f64, from: f64, to: f64) -> Option<f64> {
    let threshold = sound_threshold(levels, t);
    let a = ((from.max(t - SNAP_REACH).max(0.0)) / FRAME) as usize;
    let b = ((to / FRAME).ceil() as usize).min(levels.len());
    (a..b).rev().find(|&f| levels[f] > threshold).map(|f| (f + 1) as f64 * FRAME)
}

/// One step of a word-sequence alignment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub enum Edit {
    /// `old[i]` and `new[j]` are the same word.
    Keep(usize, usize),
    /// `old[i]` was replaced by `new[j]`.
    Replace(usize, usize),
    /// `old[i]` was removed.
    Delete(usize),
    /// `new[j]` was added.
    Insert(usize),
}

/// Minimum-edit alignment of two word sequences (already normalised).
pub fn align_sequences(old: &[String], new: &[String]) -> Vec<Edit> {
    let (n, m) = (old.len(), new.len());
    let mut cost = vec![vec![0u32; m + 1]; n + 1];
    for (i, row) in cost.iter_mut().enumerate() {
        row[0] = i as u32;
    }
    for j in 0..=m {
        cost[0][j] = j as u32;
    }
    for i in 1..=n {
        for j in 1..=m {
            let sub = cost[i - 1][j - 1] + u32::from(old[i - 1] != new[j - 1]);
            cost[i][j] = sub.min(cost[i - 1][j] + 1).min(cost[i][j - 1] + 1);
        }
    }
    let mut edits = Vec::with_capacity(n.max(m));
    let (mut i, mut j) = (n, m);
    while i > 0 || j > 0 {
        if i > 0 && j > 0 && cost[i][j] == cost[i - 1][j - 1] + u32::from(old[i - 1] != new[j - 1]) {
            edits.push(if old[i - 1] == new[j - 1] { Edit::Keep(i - 1, j - 1) } else { Edit::Replace(i - 1, j - 1) });
            i -= 1;
            j -= 1;
        } else if i > 0 && cost[i][j] == cost[i - 1][j] + 1 {
            edits.push(Edit::Delete(i - 1));
            i -= 1;
        } else {
            edits.push(Edit::Insert(j - 1));
            j -= 1;
        }
    }
    edits.reverse();
    edits
}

/// One comparable key per word: its normalised form joined (so "10" and
/// "ten" match, and punctuation does not matter).
fn key(word: &str) -> String {
    normalize_words(word).join(" ")
}

/// Re-time a corrected transcript against the audio it came from.
///
/// Words the edit kept keep their measured times. Each run of changed words
/// (replaced, inserted) is re-timed inside the span its neighbours leave
/// (widened over an unchanged neighbour on each side when that span is too
/// short): the span is shared out by word length, and every boundary is then
/// moved to the quietest point near it. Re-timed words are flagged
/// `estimated`. Sentence punctuation in the edited text is kept as written.
pub fn realign(transcript: &Transcript, edited_text: &str, audio: &AudioBuffer) -> Result<Transcript> {
    if audio.sample_rate != 16_000 || audio.channels != 1 {
        return Err(Error::invalid("audio", "realignment needs 16000 Hz mono audio"));
    }
    let mut levels = FrameLevels::new(16_000);
    levels.push(&audio.samples);
    levels.finish();
    realign_with_levels(transcript, edited_text, &levels.levels)
}

/// [`realign`] with the audio given as 10 ms frame levels (dBFS).
pub fn realign_with_levels(transcript: &Transcript, edited_text: &str, levels: &[f32]) -> Result<Transcript> {
    let new_words: Vec<&str> = edited_text.split_whitespace().collect();
    if new_words.is_empty() {
        return Ok(Transcript { segments: Vec::new(), ..transcript.clone() });
    }
    let old: Vec<(usize, Word)> = transcript
        .segments
        .iter()
        .enumerate()
        .flat_map(|(si, s)| s.words.iter().map(move |w| (si, w.clone())))
        .collect();
    let old_keys: Vec<String> = old.iter().map(|(_, w)| key(&w.word)).collect();
    let new_keys: Vec<String> = new_words.iter().map(|w| key(w)).collect();
    let edits = align_sequences(&old_keys, &new_keys);

    // Anchors: new word j -> old word i kept unchanged.
    let mut timed: Vec<Option<Word>> = vec![None; new_words.len()];
    let mut segment_of: Vec<usize> = vec![0; new_words.len()];
    let mut last_segment = 0usize;
    for e in &edits {
        match *e {
            Edit::Keep(i, j) => {
                timed[j] = Some(Word { word: new_words[j].to_owned(), ..old[i].1.clone() });
                segment_of[j] = old[i].0;
                last_segment = old[i].0;
            }
            Edit::Replace(i, j) => {
                segment_of[j] = old[i].0;
                last_segment = old[i].0;
            }
            Edit::Insert(j) => segment_of[j] = last_segment,
            Edit::Delete(i) => last_segment = old[i].0,
        }
    }

    // Re-time each run of unanchored words.
    let total = levels.len() as f64 * FRAME;
    let mut j = 0;
    while j < timed.len() {
        if timed[j].is_some() {
            j += 1;
            continue;
        }
        let run_start = j;
        while j < timed.len() && timed[j].is_none() {
            j += 1;
        }
        let mut first = run_start;
        let mut last = j; // exclusive
        let mut span_start = if first > 0 { timed[first - 1].as_ref().map(|w| w.end).unwrap_or(0.0) } else { old_span_start(&old) };
        let mut span_end = if last < timed.len() {
            timed[last].as_ref().map(|w| w.start).unwrap_or(total)
        } else {
            old_span_end(&old).max(span_start)
        };
        // Too little room: take over the neighbouring kept words too.
        let needed = 0.12 * (last - first) as f64;
        if span_end - span_start < needed {
            if first > 0 {
                first -= 1;
                span_start = timed[first].as_ref().map(|w| w.start).unwrap_or(span_start);
            }
            if last < timed.len() {
                span_end = timed[last].as_ref().map(|w| w.end).unwrap_or(span_end);
                last += 1;
            }
            if span_end - span_start < needed {
                span_end = (span_start + needed).min(total.max(span_start + needed));
            }
        }
        let words: Vec<&str> = new_words[first..last].to_vec();
        let times = share_span(&words, span_start, span_end, levels);
        for (k, (start, end)) in times.into_iter().enumerate() {
            let idx = first + k;
            let probability = timed[idx].as_ref().map(|w| w.probability).unwrap_or(0.0);
            timed[idx] = Some(Word { word: new_words[idx].to_owned(), start, end, probability, estimated: true });
        }
    }

    // Rebuild segments in the old segment structure.
    let mut segments: Vec<(usize, Segment)> = Vec::new();
    for (j, w) in timed.into_iter().enumerate() {
        let w = w.expect("every word is timed by now");
        match segments.last_mut() {
            Some((si, seg)) if *si == segment_of[j] => seg.words.push(w),
            _ => segments.push((segment_of[j], Segment { start: 0.0, end: 0.0, text: String::new(), words: vec![w] })),
        }
    }
    let segments = segments
        .into_iter()
        .map(|(_, mut s)| {
            s.start = s.words.first().map(|w| w.start).unwrap_or(0.0);
            s.end = s.words.last().map(|w| w.end).unwrap_or(s.start);
            s.text = join_words(s.words.iter().map(|w| w.word.as_str()));
            s
        })
        .collect();
    Ok(Transcript {
        language: transcript.language.clone(),
        duration: transcript.duration,
        segments,
        language_probabilities: transcript.language_probabilities.clone(),
    })
}

fn old_span_start(old: &[(usize, Word)]) -> f64 {
    old.first().map(|(_, w)| w.start).unwrap_or(0.0)
}

fn old_span_end(old: &[(usize, Word)]) -> f64 {
    old.last().map(|(_, w)| w.end).unwrap_or(0.0)
}

/// Share `[start, end]` among `words` by length, then move each inner
/// boundary to the quietest point within a third of a word around it.
fn share_span(words: &[&str], start: f64, end: f64, levels: &[f32]) -> Vec<(f64, f64)> {
    let weights: Vec<f64> = words.iter().map(|w| key(w).chars().count().max(1) as f64 + 1.0).collect();
    let total: f64 = weights.iter().sum();
    let span = (end - start).max(0.0);
    let mut bounds = vec![start];
    let mut acc = start;
    for w in &weights[..weights.len() - 1] {
        acc += span * w / total;
        bounds.push(acc);
    }
    bounds.push(end);
    for k in 1..bounds.len() - 1 {
        let reach = (bounds[k] - bounds[k - 1]).min(bounds[k + 1] - bounds[k]) / 3.0;
        if reach > FRAME && !levels.is_empty() {
            let q = quietest_point(levels, bounds[k] - reach, bounds[k] + reach);
            bounds[k] = q.clamp(bounds[k - 1], bounds[k + 1]);
        }
    }
    bounds.windows(2).map(|b| (b[0], b[1])).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(spec: &[(&str, f64, f64)]) -> Transcript {
        let words: Vec<Word> = spec.iter().map(|(w, s, e)| Word::new(*w, *s, *e, 0.9)).collect();
        Transcript {
            language: "en".into(),
            duration: 10.0,
            segments: vec![Segment { start: 0.0, end: 10.0, text: String::new(), words }],
            ..Default::default()
        }
    }

    #[test]
    fn sequence_alignment_finds_keeps_replacements_and_gaps() {
        let a: Vec<String> = "the cat sat on mat".split(' ').map(String::from).collect();
        let b: Vec<String> = "the black cat sat in mat".split(' ').map(String::from).collect();
        let e = align_sequences(&a, &b);
        assert_eq!(
            e,
            vec![Edit::Keep(0, 0), Edit::Insert(1), Edit::Keep(1, 2), Edit::Keep(2, 3), Edit::Replace(3, 4), Edit::Keep(4, 5)]
        );
    }

    #[test]
    fn kept_words_keep_times_and_changed_ones_are_estimated() {
        let t = words(&[("I", 0.5, 0.7), ("saw", 0.8, 1.1), ("a", 1.2, 1.3), ("cat", 1.4, 1.9), ("today.", 2.5, 3.0)]);
        let levels = vec![-30.0f32; 400];
        let out = realign_with_levels(&t, "I saw the black cat today.", &levels).unwrap();
        let w = &out.segments[0].words;
        assert_eq!(w.len(), 6);
        assert_eq!((w[0].start, w[0].end, w[0].estimated), (0.5, 0.7, false));
        assert_eq!((w[4].word.as_str(), w[4].start, w[4].estimated), ("cat", 1.4, false));
        assert!(w[2].estimated && w[3].estimated);
        assert!(w[2].start >= 1.1 - 1e-9 && w[3].end <= 1.4 + 1e-9, "{w:?}");
        assert!(w.windows(2).all(|p| p[0].end <= p[1].start + 1e-9));
        assert_eq!(out.segments[0].text, "I saw the black cat today.");
    }

    #[test]
    fn numbers_written_differently_still_match() {
        let t = words(&[("go", 0.0, 0.3), ("forward", 0.3, 0.8), ("10", 0.9, 1.2), ("meters", 1.2, 1.6)]);
        let out = realign_with_levels(&t, "Go forward ten meters.", &[]).unwrap();
        assert!(out.segments[0].words.iter().all(|w| !w.estimated), "{out:?}");
        assert_eq!(out.segments[0].words[2].start, 0.9);
    }

    #[test]
    fn insertion_between_touching_words_borrows_their_time() {
        let t = words(&[("hello", 1.0, 1.5), ("world", 1.5, 2.0)]);
        let out = realign_with_levels(&t, "hello big world", &vec![-30.0; 300]).unwrap();
        let w = &out.segments[0].words;
        assert_eq!(w.len(), 3);
        assert!(w[1].end - w[1].start > 0.05, "{w:?}");
        assert!(w[0].start >= 1.0 - 1e-9 && w[2].end <= 2.0 + 1e-9);
    }

    #[test]
    fn snapping_moves_starts_onto_onsets_after_silence() {
        let mut levels = vec![-90.0f32; 300];
        for l in &mut levels[120..200] {
            *l = -20.0;
        }
        let mut t = words(&[("word", 1.05, 1.9)]);
        snap_to_levels(&mut t.segments, &levels);
        let w = &t.segments[0].words[0];
        assert!((w.start - 1.2).abs() < 0.011, "{w:?}");
        assert!((w.end - 2.0).abs() < 0.011, "{w:?}");
    }
}
