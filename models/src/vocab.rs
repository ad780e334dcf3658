//! Whisper vocabularies: CTranslate2 stores tokens as GPT-2 byte-level BPE strings
//! (each byte mapped to a printable code point); ggml files want the raw bytes.

use std::collections::HashMap;
use std::path::Path;

use crate::error::{Error, IoContext, Result};

/// Code point -> byte map of GPT-2's byte-level alphabet.
fn unicode_to_byte() -> HashMap<char, u8> {
    let mut printable: Vec<u32> = Vec::new();
    printable.extend(b'!' as u32..=b'~' as u32);
    printable.extend(0xA1..=0xAC);
    printable.extend(0xAE..=0xFF);
    let mut map = HashMap::with_capacity(256);
    let mut extra = 0u32;
    for b in 0u32..256 {
        let cp = if printable.contains(&b) {
            b
        } else {
            extra += 1;
            255 + extra
        };
        map.insert(char::from_u32(cp).expect("valid code point"), b as u8);
    }
    map
}

/// Decode one byte-level BPE token to bytes. Characters outside the byte alphabet
/// (should not happen for regular tokens) are kept as their UTF-8 encoding.
pub fn decode_token(token: &str, map: &HashMap<char, u8>) -> Vec<u8> {
    let mut out = Vec::with_capacity(token.len());
    for ch in token.chars() {
        match map.get(&ch) {
            Some(&b) => out.push(b),
            None => {
                let mut buf = [0u8; 4];
                out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
            }
        }
    }
    out
}

/// Read `vocabulary.txt` (one token per line) or `vocabulary.json` (a JSON list).
pub fn read_vocabulary(dir: &Path) -> Result<Vec<String>> {
    let txt = dir.join("vocabulary.txt");
    if txt.is_file() {
        let bytes = std::fs::read(&txt).at(&txt)?;
        let text = String::from_utf8(bytes).map_err(|_| Error::invalid(&txt, "not UTF-8"))?;
        let mut tokens: Vec<String> = text.split('\n').map(|s| s.to_string()).collect();
        // A final newline leaves one empty element.
        if tokens.last().is_some_and(|t| t.is_empty()) {
            tokens.pop();
        }
        return Ok(tokens);
    }
    let json = dir.join("vocabulary.json");
    if json.is_file() {
        let bytes = std::fs::read(&json).at(&json)?;
        return serde_json::from_slice::<Vec<String>>(&bytes)
            .map_err(|e| Error::invalid(&json, format!("expected a JSON list of strings: {e}")));
    }
    Err(Error::invalid(
        dir,
        "CTranslate2 Whisper model has no vocabulary.txt or vocabulary.json",
    ))
}

/// The regular (non-special) tokens as raw bytes: everything before `<|endoftext|>`.
/// That is 50256 tokens for English-only models and 50257 for multilingual ones
/// (whose id 50256 is an empty string); whisper.cpp adds the special tokens itself.
pub fn ggml_tokens(tokens: &[String], path: &Path) -> Result<Vec<Vec<u8>>> {
    let eot = tokens
        .iter()
        .position(|t| t == "<|endoftext|>")
        .ok_or_else(|| Error::invalid(path, "vocabulary has no <|endoftext|> token"))?;
    let map = unicode_to_byte();
    Ok(tokens[..eot]
        .iter()
        .map(|t| decode_token(t, &map))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_alphabet() {
        let m = unicode_to_byte();
        assert_eq!(m.len(), 256);
        assert_eq!(decode_token("Ġhello", &m), b" hello");
        assert_eq!(decode_token("Ċ", &m), b"\n");
        assert_eq!(decode_token("Ã©", &m), "é".as_bytes());
        assert_eq!(decode_token("Ā", &m), vec![0u8]);
    }
}
