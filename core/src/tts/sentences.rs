//! Sentence splitting: the unit that is synthesised (and streamed) at once.
//!
//! A sentence ends at `.`, `!`, `?` (or their CJK forms) followed by
//! whitespace, unless the period belongs to a decimal number, a single
//! initial (`J. Smith`) or a known abbreviation. Sentences longer than
//! [`MAX_SENTENCE_CHARS`] are cut at the last clause punctuation (or space)
//! before the limit, so that one model call never gets an unbounded input.

/// Longest sentence handed to a voice in one piece.
pub const MAX_SENTENCE_CHARS: usize = 400;

const ABBREVIATIONS: [&str; 14] =
    ["mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "vs", "etc", "e.g", "i.e", "no", "approx"];

/// Split `text` into sentences (trimmed, never empty).
pub fn split_sentences(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut start = 0usize;
    for (k, &(i, c)) in chars.iter().enumerate() {
        let ends = match c {
            '!' | '?' | '。' | '！' | '？' => true,
            '.' => !period_continues(text, &chars, k),
            _ => false,
        };
        if !ends {
            continue;
        }
        // Closing quotes and brackets belong to the sentence they end.
        let mut end_k = k + 1;
        while end_k < chars.len() && matches!(chars[end_k].1, '"' | '\'' | ')' | ']' | '\u{201d}' | '\u{2019}' | '.' | '!' | '?') {
            end_k += 1;
        }
        let next_is_space = end_k >= chars.len() || chars[end_k].1.is_whitespace() || is_cjk_stop(c);
        if !next_is_space {
            continue;
        }
        let end = chars.get(end_k).map(|&(j, _)| j).unwrap_or(text.len());
        if end > start && end >= i {
            push_bounded(&mut out, &text[start..end]);
            start = end;
        }
    }
    if start < text.len() {
        push_bounded(&mut out, &text[start..]);
    }
    out
}

fn is_cjk_stop(c: char) -> bool {
    matches!(c, '。' | '！' | '？')
}

/// Whether the period at `chars[k]` does not end a sentence.
fn period_continues(text: &str, chars: &[(usize, char)], k: usize) -> bool {
    let prev = k.checked_sub(1).map(|j| chars[j].1);
    let next = chars.get(k + 1).map(|&(_, c)| c);
    // 3.14
    if prev.is_some_and(|c| c.is_ascii_digit()) && next.is_some_and(|c| c.is_ascii_digit()) {
        return true;
    }
    // The word the period ends.
    let word_start = chars[..k]
        .iter()
        .rposition(|&(_, c)| c.is_whitespace() || c == '(' || c == '"')
        .map(|j| j + 1)
        .unwrap_or(0);
    let word: String = chars[word_start..k].iter().map(|&(_, c)| c).collect();
    let _ = text;
    // J. Smith
    if word.chars().count() == 1 && word.chars().all(char::is_uppercase) {
        return true;
    }
    let lower = word.to_lowercase();
    ABBREVIATIONS.contains(&lower.as_str()) && lower != "etc"
}

fn push_bounded(out: &mut Vec<String>, sentence: &str) {
    let mut rest = sentence.trim();
    while rest.chars().count() > MAX_SENTENCE_CHARS {
        let limit = rest.char_indices().nth(MAX_SENTENCE_CHARS).map(|(i, _)| i).unwrap_or(rest.len());
        let head = &rest[..limit];
        let cut = head
            .rfind([',', ';', ':'])
            .map(|i| i + 1)
            .filter(|&i| i > limit / 3)
            .or_else(|| head.rfind(char::is_whitespace).filter(|&i| i > 0))
            .unwrap_or(limit);
        let piece = rest[..cut].trim();
        if !piece.is_empty() {
            out.push(piece.to_owned());
        }
        rest = rest[cut..].trim_start();
    }
    if !rest.is_empty() {
        out.push(rest.to_owned());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_split_at_terminal_punctuation() {
        assert_eq!(split_sentences("Test 1. Test 2."), ["Test 1.", "Test 2."]);
        assert_eq!(
            split_sentences("Is it? Yes! It costs 3.50 now. \"Quoted.\" Next"),
            ["Is it?", "Yes!", "It costs 3.50 now.", "\"Quoted.\"", "Next"]
        );
        assert_eq!(split_sentences("J. R. Smith met Dr. Who. Done."), ["J. R. Smith met Dr. Who.", "Done."]);
        assert_eq!(split_sentences("Wait... what?"), ["Wait...", "what?"]);
        assert_eq!(split_sentences("你好。再见。"), ["你好。", "再见。"]);
        assert!(split_sentences("   ").is_empty());
    }

    #[test]
    fn long_sentences_are_cut_at_clause_boundaries() {
        let clause = "this clause keeps going for a while, ";
        let text = clause.repeat(40);
        let parts = split_sentences(&text);
        assert!(parts.len() >= 3);
        for p in &parts {
            assert!(p.chars().count() <= MAX_SENTENCE_CHARS, "{}", p.len());
            assert!(p.ends_with(','), "{p}");
        }
        let words = "word ".repeat(300);
        let parts = split_sentences(&words);
        assert!(parts.iter().all(|p| p.chars().count() <= MAX_SENTENCE_CHARS && !p.ends_with(' ')));
        assert_eq!(parts.iter().map(|p| p.split_whitespace().count()).sum::<usize>(), 300);
    }
}
