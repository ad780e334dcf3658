//! Text encodings of subtitle and narration files. Decoding order:
//! a byte-order mark (UTF-8, UTF-16 LE/BE) wins; then an encoding the
//! caller declares (any WHATWG label: `latin1`, `windows-1251`, `shift_jis`…);
//! then UTF-16 recognised by its zero bytes; then UTF-8 when the bytes are
//! valid UTF-8; and windows-1252 (a superset of Latin-1, which decodes every
//! byte) as the last resort — the encoding of most legacy SRT files.

use encoding_rs::{Encoding, UTF_16BE, UTF_16LE, UTF_8, WINDOWS_1252};

use crate::error::{Error, Result};

/// The encoding a WHATWG label names (`latin1`, `windows-1251`,
/// `shift_jis`, `utf-16le`…; case and surrounding blanks ignored).
pub fn encoding_for_label(label: &str) -> Option<&'static Encoding> {
    Encoding::for_label(label.trim().as_bytes())
}

/// Check a declared encoding of a job or command option: an unknown label
/// is an `invalid_config` error at `field` that says the accepted form.
pub fn check_encoding_label(field: &str, label: &str) -> Result<()> {
    if encoding_for_label(label).is_some() {
        return Ok(());
    }
    Err(Error::invalid_config(
        field,
        format!("`{label}` is not a known text encoding; give a WHATWG encoding label such as utf-8, windows-1252, latin1, shift_jis, utf-16le"),
        ACCEPTED_EXAMPLES.iter().map(|s| (*s).to_owned()).collect(),
    ))
}

/// Examples of accepted labels, listed in errors (every WHATWG label is accepted).
const ACCEPTED_EXAMPLES: &[&str] = &[
    "utf-8", "utf-16le", "utf-16be", "windows-1252", "latin1", "iso-8859-2", "windows-1250", "windows-1251", "koi8-r",
    "shift_jis", "euc-jp", "euc-kr", "gbk", "gb18030", "big5",
];

/// Decode subtitle bytes to text (see the module documentation).
/// `declared` is an encoding label; an unknown label is an
/// `invalid_parameter` error naming it.
pub fn decode_subtitle_bytes(bytes: &[u8], declared: Option<&str>) -> Result<String> {
    if let Some((encoding, bom)) = Encoding::for_bom(bytes) {
        return Ok(decode_with(encoding, &bytes[bom..]));
    }
    if let Some(label) = declared {
        let encoding = encoding_for_label(label)
            .ok_or_else(|| Error::invalid("encoding", format!("`{label}` is not a known text encoding (try utf-8, windows-1252, utf-16le)")))?;
        return Ok(decode_with(encoding, bytes));
    }
    if let Some(encoding) = sniff_utf16(bytes) {
        return Ok(decode_with(encoding, bytes));
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(text.to_owned()),
        Err(_) => Ok(decode_with(WINDOWS_1252, bytes)),
    }
}

/// Decode without a BOM check (the caller already stripped it); malformed
/// sequences become U+FFFD.
fn decode_with(encoding: &'static Encoding, bytes: &[u8]) -> String {
    if encoding == UTF_8 {
        return String::from_utf8_lossy(bytes).into_owned();
    }
    let (text, _) = encoding.decode_without_bom_handling(bytes);
    text.into_owned()
}

/// UTF-16 without a BOM: text in Latin scripts has a zero byte in every
/// other position, which UTF-8 and single-byte encodings never have.
fn sniff_utf16(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = &bytes[..bytes.len().min(1024) & !1];
    if head.len() < 8 {
        return None;
    }
    let pairs = head.len() / 2;
    let zero_even = head.iter().step_by(2).filter(|&&b| b == 0).count();
    let zero_odd = head.iter().skip(1).step_by(2).filter(|&&b| b == 0).count();
    if zero_odd * 10 >= pairs * 7 && zero_even * 10 <= pairs {
        Some(UTF_16LE)
    } else if zero_even * 10 >= pairs * 7 && zero_odd * 10 <= pairs {
        Some(UTF_16BE)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf16(text: &str, big_endian: bool, bom: bool) -> Vec<u8> {
        let mut out = Vec::new();
        if bom {
            out.extend(if big_endian { [0xFE, 0xFF] } else { [0xFF, 0xFE] });
        }
        for unit in text.encode_utf16() {
            out.extend(if big_endian { unit.to_be_bytes() } else { unit.to_le_bytes() });
        }
        out
    }

    #[test]
    fn boms_utf16_utf8_and_the_latin_fallback() {
        let text = "1\n00:00:01,000 --> 00:00:02,000\nÇa déjà vu — naïve\n";
        assert_eq!(decode_subtitle_bytes(&[b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat(), None).unwrap(), text);
        assert_eq!(decode_subtitle_bytes(&utf16(text, false, true), None).unwrap(), text);
        assert_eq!(decode_subtitle_bytes(&utf16(text, true, true), None).unwrap(), text);
        assert_eq!(decode_subtitle_bytes(&utf16(text, false, false), None).unwrap(), text);
        assert_eq!(decode_subtitle_bytes(&utf16(text, true, false), None).unwrap(), text);
        assert_eq!(decode_subtitle_bytes(text.as_bytes(), None).unwrap(), text);
        // Latin-1 bytes (not UTF-8): windows-1252.
        let (latin, _, _) = WINDOWS_1252.encode("Ça déjà vu — naïve");
        assert_eq!(decode_subtitle_bytes(&latin, None).unwrap(), "Ça déjà vu — naïve");
        // A declared encoding wins over the guess; a BOM wins over both.
        let (cyrillic, _, _) = Encoding::for_label(b"windows-1251").unwrap().encode("Привет");
        assert_eq!(decode_subtitle_bytes(&cyrillic, Some("windows-1251")).unwrap(), "Привет");
        assert_eq!(decode_subtitle_bytes(&utf16("Hi", false, true), Some("windows-1251")).unwrap(), "Hi");
        let err = decode_subtitle_bytes(b"x", Some("klingon-8")).unwrap_err();
        assert_eq!(err.code(), "invalid_parameter");
        assert!(err.to_string().contains("klingon-8"), "{err}");
    }
}
