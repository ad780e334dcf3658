//! From whisper.cpp tokens to timed words.

use whisper_rs::{WhisperContext, WhisperState};

use super::transcript::{join_words, Segment, Word};
use super::WordTiming;
use crate::error::{Error, Result};

/// Languages written without spaces between words: every token is a word.
const UNSPACED: [&str; 6] = ["ja", "zh", "th", "lo", "my", "yue"];

/// Token and DTW times further apart than this (seconds) disagree: the
/// token times have collapsed and only DTW is used. Chosen on the timing
/// test set (see tests/word_timing.rs): 0.4-0.6 s all give 68-72 ms.
const HYBRID_AGREEMENT: f64 = 0.4;

/// A token's text and timing, as whisper.cpp reports it.
#[derive(Debug, Clone)]
pub(crate) struct TimedToken {
    pub bytes: Vec<u8>,
    /// Seconds.
    pub start: f64,
    pub end: f64,
    pub probability: f32,
}

/// Read every segment of a finished `full` run over `samples` (16 kHz mono
/// starting at `offset` seconds); times come back absolute.
pub(crate) fn collect_segments(
    context: &WhisperContext,
    state: &WhisperState,
    samples: &[f32],
    offset: f64,
    language: &str,
    timing: WordTiming,
) -> Result<Vec<Segment>> {
    let eot = context.token_eot();
    let unspaced = UNSPACED.contains(&language);
    let chunk_len = samples.len() as f64 / 16_000.0;
    let mut segments = Vec::new();
    for index in 0..state.full_n_segments() {
        let segment = state
            .get_segment(index)
            .ok_or_else(|| Error::asr(format!("segment {index} vanished")))?;
        let seg_start = (segment.start_timestamp() as f64 / 100.0).min(chunk_len);
        let seg_end = (segment.end_timestamp() as f64 / 100.0).min(chunk_len).max(seg_start);
        let mut tokens = Vec::new();
        let mut logprob_sum = 0.0f64;
        let mut previous_dtw: Option<f64> = None;
        for t in 0..segment.n_tokens() {
            let Some(token) = segment.get_token(t) else { continue };
            let data = token.token_data();
            if data.id >= eot {
                continue; // special and timestamp tokens
            }
            let bytes = token.to_bytes().map(<[u8]>::to_vec).unwrap_or_default();
            logprob_sum += f64::from(data.plog);
            let (t0, t1) = (data.t0 as f64 / 100.0, data.t1 as f64 / 100.0);
            // whisper.cpp's DTW time of a token marks where that token ends
            // (the next one begins): a token starts at its predecessor's.
            let dtw = (data.t_dtw >= 0).then(|| data.t_dtw as f64 / 100.0);
            let (start, end) = match (timing, dtw) {
                (WordTiming::Dtw, Some(d)) => (previous_dtw.unwrap_or(t0), d),
                (WordTiming::Hybrid, Some(d)) => {
                    // Where the two agree, their mean is better than either;
                    // where they disagree, token times have collapsed and
                    // DTW is kept.
                    let blend = |a: f64, b: f64| if (a - b).abs() < HYBRID_AGREEMENT { (a + b) / 2.0 } else { b };
                    (previous_dtw.map(|p| blend(t0, p)).unwrap_or(t0), blend(t1, d))
                }
                _ => (t0, t1),
            };
            previous_dtw = dtw.or(previous_dtw);
            tokens.push(TimedToken { bytes, start, end, probability: data.p });
        }
        if tokens.is_empty() {
            continue;
        }
        let avg_logprob = logprob_sum / tokens.len() as f64;
        if segment.no_speech_probability() > 0.6 && avg_logprob < -1.0 {
            continue; // whisper's own "this was not speech" verdict
        }
        let words = tokens_to_words(&tokens, seg_start, seg_end, unspaced);
        let mut words = drop_annotations(words);
        if words.is_empty() || is_silent(samples, seg_start, seg_end) {
            continue;
        }
        for w in &mut words {
            w.start += offset;
            w.end += offset;
        }
        let text = join_words(words.iter().map(|w| w.word.as_str()));
        segments.push(Segment {
            start: words[0].start.min(seg_start + offset),
            end: (seg_end + offset).max(words[words.len() - 1].end),
            text,
            words,
        });
    }
    Ok(segments)
}

/// Group tokens into words: a token that begins with a space starts a new
/// word, other tokens (suffixes, punctuation) extend the current one.
pub(crate) fn tokens_to_words(tokens: &[TimedToken], seg_start: f64, seg_end: f64, unspaced: bool) -> Vec<Word> {
    struct Building {
        bytes: Vec<u8>,
        start: f64,
        end: f64,
        probs: Vec<f32>,
    }
    let mut words: Vec<Word> = Vec::new();
    let mut current: Option<Building> = None;
    let finish = |b: Building, words: &mut Vec<Word>| {
        let text = String::from_utf8_lossy(&b.bytes).trim().to_owned();
        if text.is_empty() {
            return;
        }
        let probability = b.probs.iter().sum::<f32>() / b.probs.len().max(1) as f32;
        words.push(Word::new(text, b.start, b.end, probability));
    };
    for token in tokens {
        // In unspaced scripts every token is a word, unless the previous one
        // ended inside a multi-byte character.
        let char_complete = current.as_ref().is_none_or(|b| std::str::from_utf8(&b.bytes).is_ok());
        let starts_word = token.bytes.first() == Some(&b' ') || (unspaced && char_complete);
        let punctuation_only = token.bytes.iter().all(|b| b.is_ascii_punctuation() || *b == b' ')
            && !token.bytes.iter().any(|b| matches!(b, b'[' | b'(' | b'$' | b'#' | b'@' | b'"'));
        let start = token.start.clamp(seg_start, seg_end);
        let end = token.end.clamp(start, seg_end.max(start));
        match current.as_mut() {
            Some(b) if !starts_word || (punctuation_only && !token.bytes.starts_with(b" ")) => {
                b.bytes.extend_from_slice(&token.bytes);
                b.end = b.end.max(end);
                b.probs.push(token.probability);
            }
            _ => {
                if let Some(b) = current.take() {
                    finish(b, &mut words);
                }
                current = Some(Building { bytes: token.bytes.clone(), start, end, probs: vec![token.probability] });
            }
        }
    }
    if let Some(b) = current.take() {
        finish(b, &mut words);
    }
    // Keep times monotonic: a word never starts before the previous one ends.
    for i in 1..words.len() {
        if words[i].start < words[i - 1].end {
            let start = words[i - 1].end.min(words[i].end);
            words[i].start = start;
        }
        if words[i].end < words[i].start {
            words[i].end = words[i].start;
        }
    }
    words
}

/// Remove bracketed annotations such as `[BLANK_AUDIO]`, `[Music]` or
/// `(upbeat music)` that Whisper emits for non-speech.
pub(crate) fn drop_annotations(words: Vec<Word>) -> Vec<Word> {
    let mut out = Vec::with_capacity(words.len());
    let mut depth: Option<char> = None;
    for w in words {
        let text = w.word.as_str();
        if let Some(close) = depth {
            if text.ends_with(close) || text.trim_end_matches(['.', ',']).ends_with(close) {
                depth = None;
            }
            continue;
        }
        if text.chars().all(|c| matches!(c, '♪' | '♫' | '♬' | '♩' | '#' | '*' | '-' | '.')) {
            continue;
        }
        let open = text.chars().next();
        let close = match open {
            Some('[') => Some(']'),
            Some('(') => Some(')'),
            Some('*') => Some('*'),
            _ => None,
        };
        if let Some(close) = close {
            let rest = &text[1..];
            if rest.trim_end_matches(['.', ',']).ends_with(close) {
                continue; // one-word annotation
            }
            if !rest.contains(close) {
                depth = Some(close);
                continue;
            }
        }
        out.push(w);
    }
    out
}

/// Digital near-silence (peak below -50 dBFS) cannot hold speech: text that
/// Whisper produced there is hallucinated.
fn is_silent(samples: &[f32], start: f64, end: f64) -> bool {
    let a = ((start * 16_000.0) as usize).min(samples.len());
    let b = (((end.max(start + 0.01)) * 16_000.0) as usize).min(samples.len());
    let span = &samples[a..b.max(a)];
    if span.is_empty() {
        return false;
    }
    let peak = span.iter().fold(0.0f32, |m, s| m.max(s.abs()));
    peak < 0.003
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tok(text: &str, start: f64, end: f64) -> TimedToken {
        TimedToken { bytes: text.as_bytes().to_vec(), start, end, probability: 0.8 }
    }

    #[test]
    fn tokens_group_into_words_with_punctuation_attached() {
        let tokens = [
            tok(" And", 0.0, 0.2),
            tok(" so", 0.2, 0.4),
            tok(",", 0.4, 0.4),
            tok(" my", 0.5, 0.6),
            tok(" fellow", 0.6, 0.8),
            tok(" Americ", 0.8, 1.0),
            tok("ans", 1.0, 1.2),
            tok(".", 1.2, 1.2),
            tok(" $", 1.3, 1.4),
            tok("5", 1.4, 1.5),
        ];
        let words = tokens_to_words(&tokens, 0.0, 2.0, false);
        let texts: Vec<_> = words.iter().map(|w| w.word.as_str()).collect();
        assert_eq!(texts, ["And", "so,", "my", "fellow", "Americans.", "$5"]);
        assert_eq!((words[4].start, words[4].end), (0.8, 1.2));
        assert!(words.windows(2).all(|p| p[1].start >= p[0].end));
    }

    #[test]
    fn multibyte_characters_split_across_tokens_are_rejoined() {
        let e_acute = "é".as_bytes();
        let tokens = [
            TimedToken { bytes: [b" caf".as_slice(), &e_acute[..1]].concat(), start: 0.0, end: 0.2, probability: 0.9 },
            TimedToken { bytes: e_acute[1..].to_vec(), start: 0.2, end: 0.3, probability: 0.7 },
        ];
        let words = tokens_to_words(&tokens, 0.0, 1.0, false);
        assert_eq!(words.len(), 1);
        assert_eq!(words[0].word, "café");
    }

    #[test]
    fn unspaced_scripts_keep_characters_whole() {
        let ka = "客観".as_bytes();
        let tokens = [
            TimedToken { bytes: ka[..2].to_vec(), start: 0.0, end: 0.1, probability: 0.9 },
            TimedToken { bytes: ka[2..4].to_vec(), start: 0.1, end: 0.2, probability: 0.9 },
            TimedToken { bytes: ka[4..].to_vec(), start: 0.2, end: 0.3, probability: 0.9 },
        ];
        let words = tokens_to_words(&tokens, 0.0, 1.0, true);
        let text: String = words.iter().map(|w| w.word.as_str()).collect();
        assert_eq!(text, "客観");
        assert!(words.iter().all(|w| !w.word.contains('\u{fffd}')));
    }

    #[test]
    fn annotations_are_dropped() {
        let w = |s: &str| Word::new(s, 0.0, 0.1, 1.0);
        let kept = drop_annotations(vec![w("[BLANK_AUDIO]"), w("hello"), w("(upbeat"), w("music)"), w("world"), w("*laughs*")]);
        let texts: Vec<_> = kept.iter().map(|w| w.word.as_str()).collect();
        assert_eq!(texts, ["hello", "world"]);
    }
}
