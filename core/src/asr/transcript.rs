//! The transcript model: segments of timed words.

use serde::{Deserialize, Serialize};

/// One recognised word with its time span and confidence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Word {
    /// The word as written, with attached punctuation (`"Hello,"`).
    pub word: String,
    /// Start and end in seconds from the start of the media.
    pub start: f64,
    pub end: f64,
    /// Recogniser confidence in `0..=1`.
    pub probability: f32,
    /// The times were estimated (interpolated or re-timed after an edit)
    /// rather than measured; treat them as approximate.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub estimated: bool,
}

impl Word {
    /// A measured word.
    pub fn new(word: impl Into<String>, start: f64, end: f64, probability: f32) -> Self {
        Self { word: word.into(), start, end, probability, estimated: false }
    }

    /// Whether the word closes a sentence (`.`, `?`, `!`, `…` and CJK stops,
    /// ignoring closing quotes and brackets).
    pub fn ends_sentence(&self) -> bool {
        let trimmed = self.word.trim_end_matches(['"', '\'', ')', ']', '”', '’', '»']);
        trimmed.ends_with(['.', '?', '!', '…', '。', '？', '！'])
            && !is_abbreviation(trimmed)
    }
}

fn is_abbreviation(word: &str) -> bool {
    const ABBREVIATIONS: [&str; 12] =
        ["mr.", "mrs.", "ms.", "dr.", "prof.", "st.", "vs.", "etc.", "e.g.", "i.e.", "jr.", "sr."];
    ABBREVIATIONS.contains(&word.to_lowercase().as_str())
}

/// A run of speech as the recogniser segmented it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Segment {
    pub start: f64,
    pub end: f64,
    pub text: String,
    pub words: Vec<Word>,
}

/// A whole transcript.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Transcript {
    /// ISO 639-1 language code, e.g. `en`.
    pub language: String,
    /// Duration of the transcribed audio in seconds.
    pub duration: f64,
    pub segments: Vec<Segment>,
    /// When the language was detected: the most likely languages, best
    /// first, with their probabilities (over the allowed languages when the
    /// configuration restricts them, so they sum to at most 1). Empty when
    /// the language was given or the model knows only English.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub language_probabilities: Vec<LanguageProbability>,
}

/// One candidate language of a detection.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct LanguageProbability {
    /// ISO 639-1 code, e.g. `es`.
    pub language: String,
    /// Probability in `0..=1`.
    pub probability: f32,
}

/// A sentence: consecutive words closed by sentence punctuation (or by the
/// end of the transcript).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Sentence {
    pub start: f64,
    pub end: f64,
    pub text: String,
    /// Index range into [`Transcript::words`].
    pub first_word: usize,
    pub last_word: usize,
}

impl Transcript {
    /// All words in time order.
    pub fn words(&self) -> Vec<Word> {
        self.segments.iter().flat_map(|s| s.words.iter().cloned()).collect()
    }

    /// The full text, segments joined by spaces.
    pub fn text(&self) -> String {
        join_words(self.segments.iter().map(|s| s.text.trim()))
    }

    /// Words whose middle lies inside `[start, end)`.
    pub fn words_between(&self, start: f64, end: f64) -> Vec<Word> {
        self.segments
            .iter()
            .flat_map(|s| s.words.iter())
            .filter(|w| {
                let mid = (w.start + w.end) / 2.0;
                mid >= start && mid < end
            })
            .cloned()
            .collect()
    }

    /// Split the words into sentences. A pause longer than `max_pause`
    /// seconds also ends a sentence, so unpunctuated speech still splits.
    pub fn sentences(&self, max_pause: f64) -> Vec<Sentence> {
        let words = self.words();
        let mut out = Vec::new();
        let mut first = 0usize;
        for i in 0..words.len() {
            let last = i + 1 == words.len();
            let pause_after = if last { 0.0 } else { words[i + 1].start - words[i].end };
            if last || words[i].ends_sentence() || pause_after > max_pause {
                out.push(Sentence {
                    start: words[first].start,
                    end: words[i].end,
                    text: join_words(words[first..=i].iter().map(|w| w.word.as_str())),
                    first_word: first,
                    last_word: i,
                });
                first = i + 1;
            }
        }
        out
    }
}

/// Join word strings with single spaces.
pub fn join_words<'a>(words: impl Iterator<Item = &'a str>) -> String {
    let mut text = String::new();
    for w in words {
        let w = w.trim();
        if w.is_empty() {
            continue;
        }
        if !text.is_empty() {
            text.push(' ');
        }
        text.push_str(w);
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn word(w: &str, start: f64, end: f64) -> Word {
        Word::new(w, start, end, 0.9)
    }

    #[test]
    fn sentences_split_on_punctuation_and_pauses() {
        let t = Transcript {
            language: "en".into(),
            duration: 10.0,
            language_probabilities: Vec::new(),
            segments: vec![Segment {
                start: 0.0,
                end: 9.0,
                text: "Hi there. Mr. Smith is here what now".into(),
                words: vec![
                    word("Hi", 0.0, 0.3),
                    word("there.", 0.3, 0.6),
                    word("Mr.", 0.8, 1.0),
                    word("Smith", 1.0, 1.4),
                    word("is", 1.4, 1.6),
                    word("here", 1.6, 2.0),
                    word("what", 5.0, 5.3),
                    word("now", 5.3, 5.6),
                ],
            }],
        };
        let s = t.sentences(1.5);
        let texts: Vec<_> = s.iter().map(|s| s.text.as_str()).collect();
        assert_eq!(texts, vec!["Hi there.", "Mr. Smith is here", "what now"]);
        assert_eq!((s[1].first_word, s[1].last_word), (2, 5));
        assert_eq!(t.words_between(1.0, 2.0).len(), 3);
    }

    #[test]
    fn quoted_sentence_end_is_seen() {
        assert!(word("\"Stop!\"", 0.0, 1.0).ends_sentence());
        assert!(!word("e.g.", 0.0, 1.0).ends_sentence());
        assert!(!word("hello", 0.0, 1.0).ends_sentence());
    }
}
