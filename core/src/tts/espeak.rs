//! libespeak-ng through FFI: text to IPA phonemes (what Piper voices read),
//! the list of espeak-ng voices, and espeak-ng's own formant synthesis (the
//! fallback voice for every language it knows).
//!
//! libespeak-ng keeps its state in globals and is not thread-safe, so every
//! call goes through one process-wide lock. The library is linked
//! dynamically as the system's shared library.

use std::ffi::{c_char, c_int, c_short, c_void, CStr, CString};
use std::sync::{Mutex, MutexGuard, OnceLock};

use espeakng_sys as sys;

use crate::error::{Error, Result};

/// Characters that end a clause; `.`, `!`, `?` also end a sentence.
const CLAUSE_PUNCTUATION: [char; 6] = ['.', ',', ';', ':', '!', '?'];

/// One clause of phonemes, with the punctuation that ended it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhonemeClause {
    /// IPA phonemes as espeak-ng writes them (stress marks included).
    pub phonemes: String,
    /// The clause punctuation that ended it in the text, if any.
    pub terminator: Option<char>,
}

impl PhonemeClause {
    /// Whether the clause ends a sentence (`.`, `!` or `?`).
    pub fn ends_sentence(&self) -> bool {
        matches!(self.terminator, Some('.' | '!' | '?'))
    }
}

/// An espeak-ng voice (a language with its default formant voice).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EspeakVoice {
    /// The voice's name, e.g. `English_(America)`.
    pub name: String,
    /// Language codes, most preferred first, e.g. `["en-us", "en"]`.
    pub languages: Vec<String>,
    /// File of the voice inside espeak-ng-data, e.g. `gmw/en-US`.
    pub identifier: String,
}

impl EspeakVoice {
    /// The main language code (what `espeak:<code>` names).
    pub fn language(&self) -> &str {
        self.languages.first().map(String::as_str).unwrap_or(&self.identifier)
    }
}

struct Espeak {
    sample_rate: u32,
    voice: Option<String>,
}

static ESPEAK: OnceLock<std::result::Result<Mutex<Espeak>, String>> = OnceLock::new();

/// The initialised library, locked for this thread.
fn espeak() -> Result<MutexGuard<'static, Espeak>> {
    let cell = ESPEAK.get_or_init(|| {
        // SAFETY: called once, before any other espeak-ng function;
        // DONT_EXIT makes a missing data directory an error instead of exit().
        let rate = unsafe {
            sys::espeak_Initialize(
                sys::espeak_AUDIO_OUTPUT_AUDIO_OUTPUT_SYNCHRONOUS,
                0,
                std::ptr::null(),
                0x8000, // espeakINITIALIZE_DONT_EXIT
            )
        };
        if rate <= 0 {
            return Err("libespeak-ng could not load its data (is espeak-ng-data installed?)".to_owned());
        }
        // SAFETY: the callback only touches the buffer passed as user data.
        unsafe { sys::espeak_SetSynthCallback(Some(collect_samples)) };
        Ok(Mutex::new(Espeak { sample_rate: rate as u32, voice: None }))
    });
    match cell {
        Ok(lock) => Ok(lock.lock().unwrap_or_else(|e| e.into_inner())),
        Err(reason) => Err(Error::tts(reason.clone())),
    }
}

impl Espeak {
    fn select(&mut self, voice: &str) -> Result<()> {
        if self.voice.as_deref() == Some(voice) {
            return Ok(());
        }
        let name = CString::new(voice).map_err(|_| Error::invalid("voice", "contains a NUL byte"))?;
        let language = CString::new(voice.to_ascii_lowercase().replace('_', "-")).expect("no NUL");
        // SAFETY: the strings are valid C strings for the duration of the
        // calls; the voice spec is only read.
        let status = unsafe {
            let by_name = sys::espeak_SetVoiceByName(name.as_ptr());
            if by_name == sys::espeak_ERROR_EE_OK {
                by_name
            } else {
                // A language code such as `fr` or `en-GB`: the best voice for it.
                let mut spec: sys::espeak_VOICE = std::mem::zeroed();
                spec.languages = language.as_ptr();
                sys::espeak_SetVoiceByProperties(&mut spec)
            }
        };
        if status != sys::espeak_ERROR_EE_OK {
            self.voice = None;
            return Err(Error::invalid(
                "voice",
                format!("espeak-ng has no voice `{voice}` (see `reelkit tts --list-voices`)"),
            ));
        }
        self.voice = Some(voice.to_owned());
        Ok(())
    }
}

/// The sample rate of espeak-ng's formant synthesis (22 050 Hz).
pub fn sample_rate() -> Result<u32> {
    Ok(espeak()?.sample_rate)
}

/// Whether `voice` (a language code or voice name) is one espeak-ng knows.
pub fn has_voice(voice: &str) -> bool {
    espeak().and_then(|mut e| e.select(voice)).is_ok()
}

/// Phonemes of `text` in the language of espeak-ng voice `voice`, one entry
/// per clause, in IPA. Language-switch marks such as `(fr)` are removed.
pub fn phonemize(text: &str, voice: &str) -> Result<Vec<PhonemeClause>> {
    phonemize_mode(text, voice, 0x02) // espeakPHONEMES_IPA
}

/// Like [`phonemize`], in espeak-ng's ASCII phoneme mnemonics (what
/// `espeak-ng -x` prints).
pub fn phonemize_ascii(text: &str, voice: &str) -> Result<Vec<PhonemeClause>> {
    phonemize_mode(text, voice, 0)
}

fn phonemize_mode(text: &str, voice: &str, mode: c_int) -> Result<Vec<PhonemeClause>> {
    let mut espeak = espeak()?;
    espeak.select(voice)?;
    let mut clauses = Vec::new();
    for (clause, terminator) in split_clauses(text) {
        let phonemes = strip_language_switches(&phonemes_of(clause, mode).join(" "));
        let phonemes = phonemes.split_whitespace().collect::<Vec<_>>().join(" ");
        if !phonemes.is_empty() || terminator.is_some() {
            clauses.push(PhonemeClause { phonemes, terminator });
        }
    }
    Ok(clauses)
}

/// Split text into clauses at clause punctuation followed by whitespace
/// (or the end): espeak-ng 1.51's `espeak_TextToPhonemes` does not report
/// which punctuation ended a clause, and Piper voices need it.
fn split_clauses(text: &str) -> Vec<(&str, Option<char>)> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if !CLAUSE_PUNCTUATION.contains(&c) {
            continue;
        }
        let next = chars.peek().map(|&(_, n)| n);
        let at_boundary = next.is_none_or(|n| n.is_whitespace() || matches!(n, '"' | '\'' | ')' | ']'));
        // Runs of punctuation ("...", "?!") end at their last mark.
        if !at_boundary || next.is_some_and(|n| CLAUSE_PUNCTUATION.contains(&n)) {
            continue;
        }
        out.push((&text[start..i], Some(c)));
        start = i + c.len_utf8();
    }
    if !text[start..].trim().is_empty() {
        out.push((&text[start..], None));
    }
    out
}

/// espeak-ng's phonemes for one clause (it may take several calls).
fn phonemes_of(text: &str, mode: c_int) -> Vec<String> {
    // espeak-ng reads a NUL-terminated string; a NUL inside would cut it.
    let cleaned: String = text.chars().map(|c| if c == '\0' { ' ' } else { c }).collect();
    if cleaned.trim().is_empty() {
        return Vec::new();
    }
    let c_text = CString::new(cleaned).expect("NULs replaced above");
    let mut cursor: *const c_void = c_text.as_ptr().cast();
    let mut out = Vec::new();
    // Each call consumes at least one character; bound the loop anyway.
    for _ in 0..=c_text.as_bytes().len() {
        if cursor.is_null() {
            break;
        }
        // SAFETY: `cursor` points into `c_text`, which outlives the loop;
        // espeak-ng advances it or sets it to NULL at the end of the text.
        let phonemes = unsafe { sys::espeak_TextToPhonemes(&mut cursor, 1 /* espeakCHARS_UTF8 */, mode) };
        if !phonemes.is_null() {
            // SAFETY: a NUL-terminated string owned by espeak-ng, valid until
            // the next call; copied at once.
            let p = unsafe { CStr::from_ptr(phonemes) }.to_string_lossy().trim().to_owned();
            if !p.is_empty() {
                out.push(p);
            }
        }
    }
    out
}

/// Remove espeak-ng's language-switch marks, e.g. `(en)`.
fn strip_language_switches(phonemes: &str) -> String {
    let mut out = String::with_capacity(phonemes.len());
    let mut depth = 0usize;
    for c in phonemes.chars() {
        match c {
            '(' => depth += 1,
            ')' if depth > 0 => depth -= 1,
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

/// Every voice espeak-ng has, one per language entry.
pub fn voices() -> Result<Vec<EspeakVoice>> {
    let _espeak = espeak()?;
    let mut out = Vec::new();
    // SAFETY: with a NULL spec espeak-ng returns its own NULL-terminated
    // array of voices, valid until the next ListVoices call (we hold the lock).
    unsafe {
        let list = sys::espeak_ListVoices(std::ptr::null_mut());
        if list.is_null() {
            return Ok(out);
        }
        let mut i = 0;
        loop {
            let voice = *list.add(i);
            if voice.is_null() {
                break;
            }
            let v = &*voice;
            let name = c_string(v.name);
            let identifier = c_string(v.identifier);
            let languages = parse_languages(v.languages);
            // Voice variants (`!v/...`) and mbrola voices need extra data.
            if !identifier.starts_with("mb/") && !identifier.is_empty() {
                out.push(EspeakVoice { name, languages, identifier });
            }
            i += 1;
        }
    }
    out.sort_by(|a, b| a.language().cmp(b.language()));
    out.dedup_by(|a, b| a.language() == b.language());
    Ok(out)
}

/// # Safety
/// `ptr` is NULL or a NUL-terminated string.
unsafe fn c_string(ptr: *const c_char) -> String {
    if ptr.is_null() {
        String::new()
    } else {
        CStr::from_ptr(ptr).to_string_lossy().into_owned()
    }
}

/// espeak-ng's language list: (priority byte, NUL-terminated name) pairs,
/// ended by a zero priority.
///
/// # Safety
/// `ptr` is NULL or points to such a list.
unsafe fn parse_languages(ptr: *const c_char) -> Vec<String> {
    let mut out = Vec::new();
    if ptr.is_null() {
        return out;
    }
    let mut p = ptr.cast::<u8>();
    while *p != 0 {
        p = p.add(1); // priority byte
        let name = CStr::from_ptr(p.cast());
        let bytes = name.to_bytes();
        if bytes.is_empty() {
            break;
        }
        out.push(String::from_utf8_lossy(bytes).into_owned());
        p = p.add(bytes.len() + 1);
    }
    out
}

/// Speak `text` with espeak-ng's formant voice `voice` at `words_per_minute`
/// (80..=450); returns mono samples at [`sample_rate`].
pub fn synthesize(text: &str, voice: &str, words_per_minute: u32) -> Result<Vec<f32>> {
    let mut espeak = espeak()?;
    espeak.select(voice)?;
    let cleaned: String = text.chars().map(|c| if c == '\0' { ' ' } else { c }).collect();
    let c_text = CString::new(cleaned).expect("NULs replaced above");
    let mut samples: Vec<i16> = Vec::new();
    // SAFETY: synchronous mode: the callback runs inside espeak_Synth on this
    // thread and only appends to `samples`, passed as user data.
    let status = unsafe {
        sys::espeak_SetParameter(sys::espeak_PARAMETER_espeakRATE, words_per_minute.clamp(80, 450) as c_int, 0);
        sys::espeak_Synth(
            c_text.as_ptr().cast(),
            c_text.as_bytes().len() + 1,
            0,
            sys::espeak_POSITION_TYPE_POS_CHARACTER,
            0,
            1, // espeakCHARS_UTF8
            std::ptr::null_mut(),
            (&mut samples as *mut Vec<i16>).cast(),
        )
    };
    if status != sys::espeak_ERROR_EE_OK {
        return Err(Error::tts(format!("espeak-ng synthesis failed (status {status})")));
    }
    Ok(samples.into_iter().map(|s| f32::from(s) / 32768.0).collect())
}

unsafe extern "C" fn collect_samples(wav: *mut c_short, count: c_int, events: *mut sys::espeak_EVENT) -> c_int {
    if wav.is_null() || count <= 0 || events.is_null() {
        return 0;
    }
    let user = (*events).user_data.cast::<Vec<i16>>();
    if let Some(buffer) = user.as_mut() {
        buffer.extend_from_slice(std::slice::from_raw_parts(wav, count as usize));
    }
    0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn language_switch_marks_are_removed() {
        assert_eq!(strip_language_switches("(en)hˈɛloʊ(fr)"), "hˈɛloʊ");
        assert_eq!(strip_language_switches("abc"), "abc");
    }
}
