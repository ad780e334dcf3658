//! Word and character error rates for the tests: edits between a
//! reference and a hypothesis after reelkit's text normalisation.
#![allow(dead_code)]

use reelkit::text::normalize_words;

/// Edit operations needed to turn `reference` into `hypothesis`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct WordErrors {
    pub substitutions: usize,
    pub deletions: usize,
    pub insertions: usize,
    pub reference_words: usize,
}

impl WordErrors {
    /// Word error rate: edits / reference words.
    pub fn rate(&self) -> f64 {
        (self.substitutions + self.deletions + self.insertions) as f64 / self.reference_words.max(1) as f64
    }

    /// Sum of two counts (for corpus-level WER).
    pub fn add(self, other: WordErrors) -> WordErrors {
        WordErrors {
            substitutions: self.substitutions + other.substitutions,
            deletions: self.deletions + other.deletions,
            insertions: self.insertions + other.insertions,
            reference_words: self.reference_words + other.reference_words,
        }
    }
}

/// Count word errors between two texts after reelkit's `normalize_words`.
pub fn word_errors(reference: &str, hypothesis: &str) -> WordErrors {
    let r = normalize_words(reference);
    let h = normalize_words(hypothesis);
    // Levenshtein over words, keeping the operation counts of the best path.
    let mut prev: Vec<(usize, WordErrors)> = (0..=h.len())
        .map(|j| (j, WordErrors { insertions: j, ..WordErrors::default() }))
        .collect();
    for i in 1..=r.len() {
        let mut row = vec![(i, WordErrors { deletions: i, ..WordErrors::default() })];
        for j in 1..=h.len() {
            let (sub_cost, mut sub) = prev[j - 1];
            let same = r[i - 1] == h[j - 1];
            if !same {
                sub.substitutions += 1;
            }
            let sub_cost = sub_cost + usize::from(!same);
            let (del_cost, mut del) = prev[j];
            del.deletions += 1;
            let (ins_cost, mut ins) = row[j - 1];
            ins.insertions += 1;
            let best = [(sub_cost, sub), (del_cost + 1, del), (ins_cost + 1, ins)]
                .into_iter()
                .min_by_key(|(c, _)| *c)
                .expect("three candidates");
            row.push(best);
        }
        prev = row;
    }
    let mut errors = prev[h.len()].1;
    errors.reference_words = r.len();
    errors
}

/// Character error rate (for languages written without spaces): the
/// characters of reelkit's `normalize_words`' output, spaces removed.
pub fn char_errors(reference: &str, hypothesis: &str) -> WordErrors {
    let chars = |t: &str| normalize_words(t).concat().chars().map(|c| c.to_string()).collect::<Vec<_>>().join(" ");
    word_errors(&chars(reference), &chars(hypothesis))
}

/// Word error rate between two texts.
pub fn word_error_rate(reference: &str, hypothesis: &str) -> f64 {
    word_errors(reference, hypothesis).rate()
}


#[test]
fn wer_counts_each_edit_kind() {
    let e = word_errors("the cat sat on the mat", "the cat sat on mat today");
    assert_eq!(e.substitutions + e.deletions + e.insertions, 2);
    assert_eq!(e.reference_words, 6);
    let e = word_errors("a b c d", "a c d");
    assert_eq!((e.substitutions, e.deletions, e.insertions), (0, 1, 0));
    let e = word_errors("a b", "a x b");
    assert_eq!((e.substitutions, e.deletions, e.insertions), (0, 0, 1));
    assert!((word_error_rate("a b c", "a x c") - 1.0 / 3.0).abs() < 1e-9);
    assert_eq!(word_error_rate("Ten meters.", "10 meters"), 0.0);
    assert_eq!(word_error_rate("", ""), 0.0);
    let e = char_errors("客観的実在", "客観的実存");
    assert_eq!((e.substitutions, e.reference_words), (1, 5));
}
