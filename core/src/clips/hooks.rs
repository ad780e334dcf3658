//! Hook and payoff cues from the words themselves (English): what makes a
//! viewer stay in the first seconds — a question, a number, a strong claim,
//! being spoken to, a contrast — and whether the clip lands: an ending that
//! answers or concludes rather than trailing off.

use serde::{Deserialize, Serialize};

/// One thing a clip's opening does to hook a viewer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum HookCue {
    Question,
    Number,
    StrongClaim,
    SecondPerson,
    Contrast,
}

impl HookCue {
    /// How much the cue counts towards the hook score (they add, capped at 1).
    pub fn weight(self) -> f64 {
        match self {
            HookCue::Question => 0.4,
            HookCue::Number => 0.25,
            HookCue::StrongClaim => 0.3,
            HookCue::SecondPerson => 0.15,
            HookCue::Contrast => 0.25,
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            HookCue::Question => "a question",
            HookCue::Number => "a number",
            HookCue::StrongClaim => "a strong claim",
            HookCue::SecondPerson => "speaks to the viewer",
            HookCue::Contrast => "a contrast",
        }
    }
}

const QUESTION_OPENERS: [&str; 14] =
    ["why", "how", "what", "when", "where", "who", "which", "ever", "did", "do", "does", "have", "is", "are"];
const NUMBER_WORDS: [&str; 24] = [
    "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "twenty", "thirty",
    "forty", "fifty", "hundred", "hundreds", "thousand", "thousands", "million", "millions", "billion", "percent", "half",
];
const CLAIM_WORDS: [&str; 26] = [
    "never", "always", "best", "worst", "biggest", "most", "secret", "truth", "mistake", "mistakes", "nobody", "everyone",
    "everything", "nothing", "must", "only", "guaranteed", "shocking", "incredible", "insane", "huge", "wrong",
    "impossible", "important", "proven", "ever",
];
const YOU_WORDS: [&str; 6] = ["you", "your", "you're", "yourself", "you've", "you'll"];
const CONTRAST_WORDS: [&str; 8] = ["but", "however", "actually", "instead", "yet", "although", "surprisingly", "unlike"];
const CONCLUSION_WORDS: [&str; 12] =
    ["so", "therefore", "that's", "because", "answer", "turns", "finally", "lesson", "bottom", "conclusion", "result", "means"];
const DANGLING_ENDINGS: [&str; 12] = ["and", "but", "or", "so", "because", "the", "a", "to", "of", "with", "that", "um"];

/// Lower-case words without punctuation.
pub fn tokens(text: &str) -> Vec<String> {
    text.split_whitespace()
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric() && c != '\'' && c != '%').to_lowercase())
        .filter(|w| !w.is_empty())
        .collect()
}

/// Hook cues in an opening sentence.
pub fn hook_cues(opening: &str) -> Vec<HookCue> {
    let words = tokens(opening);
    let mut cues = Vec::new();
    let first = words.first().map(String::as_str).unwrap_or("");
    if opening.trim_end().ends_with('?') || (QUESTION_OPENERS.contains(&first) && words.len() > 2 && first != "ever") {
        cues.push(HookCue::Question);
    }
    if words.iter().any(|w| w.chars().any(|c| c.is_ascii_digit()) || w.ends_with('%') || NUMBER_WORDS.contains(&w.as_str())) {
        cues.push(HookCue::Number);
    }
    if words.iter().any(|w| CLAIM_WORDS.contains(&w.as_str())) {
        cues.push(HookCue::StrongClaim);
    }
    if words.iter().any(|w| YOU_WORDS.contains(&w.as_str())) {
        cues.push(HookCue::SecondPerson);
    }
    if words.iter().any(|w| CONTRAST_WORDS.contains(&w.as_str())) || opening.to_lowercase().contains("turns out") {
        cues.push(HookCue::Contrast);
    }
    cues
}

/// The hook score of a set of cues (0..1).
pub fn hook_score(cues: &[HookCue]) -> f64 {
    cues.iter().map(|c| c.weight()).sum::<f64>().min(1.0)
}

/// How well a closing sentence lands (0..1): a full stop or exclamation
/// rather than a question or a dangling word, plus conclusion words.
pub fn ending_score(closing: &str) -> f64 {
    let trimmed = closing.trim_end();
    let words = tokens(trimmed);
    let mut score: f64 = 0.0;
    if trimmed.ends_with(['.', '!']) {
        score += 0.5;
    }
    if words.last().is_some_and(|w| DANGLING_ENDINGS.contains(&w.as_str())) {
        score -= 0.3;
    }
    if words.iter().any(|w| CONCLUSION_WORDS.contains(&w.as_str())) {
        score += 0.3;
    }
    score.clamp(0.0, 1.0)
}

/// Whether a sentence reads as an answer (explains or concludes).
pub fn reads_as_answer(sentence: &str) -> bool {
    let words = tokens(sentence);
    !sentence.trim_end().ends_with('?')
        && (words.iter().any(|w| ["because", "answer", "reason", "that's", "turns", "simply", "means"].contains(&w.as_str()))
            || words.first().is_some_and(|w| w == "it's" || w == "the" || w == "so"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cues_in_openings() {
        assert_eq!(hook_cues("Why do cats always land on their feet?"), vec![HookCue::Question, HookCue::StrongClaim]);
        assert!(hook_cues("We spent 3 million dollars on it.").contains(&HookCue::Number));
        assert!(hook_cues("Nine out of ten people get this wrong.").contains(&HookCue::StrongClaim));
        assert!(hook_cues("Here is what you need to know.").contains(&HookCue::SecondPerson));
        assert!(hook_cues("But it turns out nobody checked.").contains(&HookCue::Contrast));
        assert!(hook_cues("The weather was mild on the day.").is_empty());
        assert!(hook_score(&[HookCue::Question, HookCue::Number, HookCue::StrongClaim, HookCue::Contrast]) <= 1.0);
    }

    #[test]
    fn endings_that_land() {
        assert!(ending_score("So that's why the bridge fell.") > 0.7);
        assert!(ending_score("And then we went to the") < 0.1);
        assert!(ending_score("Any questions?") < 0.1);
        assert!(reads_as_answer("Because the reflex rotates the body."));
        assert!(!reads_as_answer("Why is that?"));
    }
}
