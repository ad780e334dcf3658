//! From phoneme strings to the ids a Piper voice reads, following the
//! voice's `phoneme_id_map`: `^` (BOS) and `_` (PAD) first, then every
//! phoneme followed by PAD, then `$` (EOS). Phonemes are Unicode codepoints
//! after NFD decomposition (so `ç` is `c` + U+0327); phonemes the map lacks
//! are skipped and counted.

use std::collections::{BTreeMap, HashMap};

use unicode_normalization::UnicodeNormalization;

/// Beginning of sentence.
pub const BOS: &str = "^";
/// End of sentence.
pub const EOS: &str = "$";
/// Padding after every phoneme.
pub const PAD: &str = "_";

/// A voice's phoneme alphabet.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PhonemeIdMap {
    ids: HashMap<String, Vec<i64>>,
    /// Replacements applied before lookup (`phoneme_map` in the config).
    replace: HashMap<String, Vec<String>>,
}

/// Phoneme ids of one sentence, with what could not be mapped.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PhonemeIds {
    pub ids: Vec<i64>,
    /// Phonemes missing from the map, with how often they occurred.
    pub missing: BTreeMap<String, usize>,
}

impl PhonemeIdMap {
    pub fn new(ids: HashMap<String, Vec<i64>>, replace: HashMap<String, Vec<String>>) -> Self {
        Self { ids, replace }
    }

    /// Number of symbols in the map.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// Whether the map has the three control symbols.
    pub fn has_control_symbols(&self) -> bool {
        [BOS, EOS, PAD].iter().all(|s| self.ids.contains_key(*s))
    }

    /// Ids for a sequence of phonemes (one sentence).
    pub fn ids<S: AsRef<str>>(&self, phonemes: &[S]) -> PhonemeIds {
        let mut out = PhonemeIds::default();
        let pad = self.ids.get(PAD).cloned().unwrap_or_default();
        if let Some(bos) = self.ids.get(BOS) {
            out.ids.extend_from_slice(bos);
            out.ids.extend_from_slice(&pad);
        }
        for phoneme in phonemes {
            let phoneme = phoneme.as_ref();
            let replaced: Vec<&str> = match self.replace.get(phoneme) {
                Some(list) => list.iter().map(String::as_str).collect(),
                None => vec![phoneme],
            };
            for p in replaced {
                match self.ids.get(p) {
                    Some(ids) => {
                        out.ids.extend_from_slice(ids);
                        out.ids.extend_from_slice(&pad);
                    }
                    None => *out.missing.entry(p.to_owned()).or_default() += 1,
                }
            }
        }
        if let Some(eos) = self.ids.get(EOS) {
            out.ids.extend_from_slice(eos);
        }
        out
    }
}

/// Split a phoneme string into phonemes: NFD, then one codepoint each.
pub fn codepoints(phonemes: &str) -> Vec<String> {
    phonemes.nfd().map(String::from).collect()
}

/// Phonemes for voices of `phoneme_type: text`: the text itself, lower-cased
/// (when `lowercase`) and NFD-decomposed, one codepoint each.
pub fn text_codepoints(text: &str, lowercase: bool) -> Vec<String> {
    let text = if lowercase { text.to_lowercase() } else { text.to_owned() };
    codepoints(&text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map() -> PhonemeIdMap {
        let ids = [("_", 0), ("^", 1), ("$", 2), (" ", 3), ("a", 14), ("b", 15)]
            .into_iter()
            .map(|(k, v)| (k.to_owned(), vec![v]))
            .collect();
        let replace = [("B".to_owned(), vec!["b".to_owned(), "a".to_owned()])].into_iter().collect();
        PhonemeIdMap::new(ids, replace)
    }

    #[test]
    fn ids_interleave_padding_and_count_missing() {
        let out = map().ids(&["a", " ", "b", "?", "?"]);
        assert_eq!(out.ids, [1, 0, 14, 0, 3, 0, 15, 0, 2]);
        assert_eq!(out.missing.get("?"), Some(&2));
        let out = map().ids(&["B"]);
        assert_eq!(out.ids, [1, 0, 15, 0, 14, 0, 2]);
    }

    #[test]
    fn codepoints_are_nfd() {
        assert_eq!(codepoints("ç"), ["c", "\u{327}"]);
        assert_eq!(text_codepoints("ВЕ́", true), ["в", "е", "\u{301}"]);
    }
}
