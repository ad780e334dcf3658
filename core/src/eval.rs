//! Evaluation helpers: text normalisation and word error rate, used by the
//! tests and benches that compare transcripts with references.

/// Lower-case, strip punctuation, spell out digits as words (so "10" and
/// "ten" compare equal), and split into words.
pub fn normalize_words(text: &str) -> Vec<String> {
    let mut cleaned = String::with_capacity(text.len());
    for ch in text.chars() {
        if ch.is_alphanumeric() || ch == '\'' {
            cleaned.extend(ch.to_lowercase());
        } else if ch == '%' {
            cleaned.push_str(" percent ");
        } else if ch == '&' {
            cleaned.push_str(" and ");
        } else {
            cleaned.push(' ');
        }
    }
    let mut words = Vec::new();
    for token in cleaned.split_whitespace() {
        let token = token.trim_matches('\'');
        if token.is_empty() {
            continue;
        }
        if let Ok(n) = token.parse::<u64>() {
            words.extend(number_words(n).split_whitespace().map(str::to_owned));
        } else if let Some(n) = ordinal_value(token) {
            words.extend(number_words(n).split_whitespace().map(str::to_owned));
        } else {
            let word = token.replace('\'', "");
            let expanded = match word.as_str() {
                "mr" => "mister",
                "mrs" => "missus",
                "dr" => "doctor",
                "ok" => "okay",
                other => other,
            };
            words.push(expanded.to_owned());
        }
    }
    words
}

fn ordinal_value(token: &str) -> Option<u64> {
    let digits = token.strip_suffix("st").or(token.strip_suffix("nd")).or(token.strip_suffix("rd")).or(token.strip_suffix("th"))?;
    digits.parse().ok()
}

/// English words for `n` (cardinal), e.g. 1999 → "one thousand nine hundred ninety nine".
pub fn number_words(n: u64) -> String {
    const ONES: [&str; 20] = [
        "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
        "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen",
    ];
    const TENS: [&str; 10] = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"];
    fn below_thousand(n: u64, out: &mut Vec<String>) {
        let (h, rest) = (n / 100, n % 100);
        if h > 0 {
            out.push(ONES[h as usize].into());
            out.push("hundred".into());
        }
        if rest >= 20 {
            out.push(TENS[(rest / 10) as usize].into());
            if rest % 10 > 0 {
                out.push(ONES[(rest % 10) as usize].into());
            }
        } else if rest > 0 || h == 0 {
            out.push(ONES[rest as usize].into());
        }
    }
    if n == 0 {
        return "zero".into();
    }
    let mut out = Vec::new();
    let scales = [(1_000_000_000_000u64, "trillion"), (1_000_000_000, "billion"), (1_000_000, "million"), (1_000, "thousand")];
    let mut rest = n;
    for (value, name) in scales {
        if rest >= value {
            below_thousand(rest / value % 1000, &mut out);
            out.push(name.into());
            rest %= value;
        }
    }
    if rest > 0 {
        below_thousand(rest, &mut out);
    }
    out.join(" ")
}

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

/// Count word errors between two texts after [`normalize_words`].
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
/// characters of [`normalize_words`]' output, spaces removed.
pub fn char_errors(reference: &str, hypothesis: &str) -> WordErrors {
    let chars = |t: &str| normalize_words(t).concat().chars().map(|c| c.to_string()).collect::<Vec<_>>().join(" ");
    word_errors(&chars(reference), &chars(hypothesis))
}

/// Word error rate between two texts.
pub fn word_error_rate(reference: &str, hypothesis: &str) -> f64 {
    word_errors(reference, hypothesis).rate()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalisation_handles_case_punctuation_and_numbers() {
        assert_eq!(normalize_words("Go forward, 10 meters!"), ["go", "forward", "ten", "meters"]);
        assert_eq!(normalize_words("It's 1999"), ["its", "one", "thousand", "nine", "hundred", "ninety", "nine"]);
        assert_eq!(normalize_words("the 3rd"), ["the", "three"]);
        assert_eq!(normalize_words("Mr. Quilter"), ["mister", "quilter"]);
        assert_eq!(number_words(0), "zero");
        assert_eq!(number_words(2_000_015), "two million fifteen");
    }

    #[test]
    fn cer_compares_characters() {
        let e = char_errors("客観的実在", "客観的実存");
        assert_eq!((e.substitutions, e.reference_words), (1, 5));
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
    }
}
