//! One whisper.cpp run over one chunk of audio.

use std::ffi::c_void;

use whisper_rs::{FullParams, SamplingStrategy, WhisperState};

use super::transcript::{LanguageProbability, Segment};
use super::vad::Span;
use super::{words, Transcriber};
use crate::error::{Error, Result};
use crate::progress::CancelToken;

/// A chunk of 16 kHz mono audio and where it sits in the media.
#[derive(Debug, Clone)]
pub(crate) struct Chunk {
    pub index: usize,
    pub span: Span,
    pub samples: Vec<f32>,
}

/// What a chunk decoded to.
#[derive(Debug)]
pub(crate) struct ChunkResult {
    pub index: usize,
    pub segments: Vec<Segment>,
    /// The language Whisper used (detected when asked to).
    pub language: String,
}

/// Owns one whisper.cpp state; decode chunks one after another with it.
pub(crate) struct ChunkDecoder<'a> {
    transcriber: &'a Transcriber,
    state: WhisperState,
    threads: usize,
}

impl<'a> ChunkDecoder<'a> {
    pub(crate) fn new(transcriber: &'a Transcriber, threads: usize) -> Result<Self> {
        let state =
            transcriber.context.create_state().map_err(|e| Error::asr(format!("cannot create a decoder state: {e}")))?;
        Ok(Self { transcriber, state, threads: threads.max(1) })
    }

    /// Decode `chunk` in `language` ("auto" detects it). `on_progress`
    /// receives the media time reached inside the chunk.
    pub(crate) fn decode(
        &mut self,
        chunk: &Chunk,
        language: &str,
        cancel: &CancelToken,
        on_progress: &(dyn Fn(f64) + Sync),
    ) -> Result<ChunkResult> {
        cancel.check()?;
        let mut segments = Vec::new();
        let mut offset = 0usize;
        let mut language = language.to_owned();
        // whisper.cpp sometimes ends a window early and skips the rest of it
        // (a segment closed by a single timestamp); speech left after the
        // last recognised word is decoded again from there.
        for _ in 0..MAX_PASSES {
            let part = &chunk.samples[offset..];
            let start = chunk.span.start + offset as f64 / RATE;
            let (found, detected) = self.decode_part(part, start, &language, cancel, on_progress, chunk.span)?;
            language = detected;
            let covered = found.last().map_or(0.0, |s| s.end - start);
            segments.extend(found);
            let left = part.len() as f64 / RATE - covered;
            if covered <= 0.0 || left < MIN_SKIPPED {
                break;
            }
            offset += (covered * RATE) as usize;
        }
        Ok(ChunkResult { index: chunk.index, segments, language })
    }

    /// One `whisper_full` run over `samples`, which start at media time
    /// `start`; returns the segments and the language used.
    fn decode_part(
        &mut self,
        samples: &[f32],
        start: f64,
        language: &str,
        cancel: &CancelToken,
        on_progress: &(dyn Fn(f64) + Sync),
        span: Span,
    ) -> Result<(Vec<Segment>, String)> {
        let config = &self.transcriber.config;
        // whisper.cpp needs at least one second of input.
        let mut padded = std::borrow::Cow::Borrowed(samples);
        if padded.len() < 16_000 {
            let mut owned = padded.into_owned();
            owned.resize(16_000, 0.0);
            padded = std::borrow::Cow::Owned(owned);
        }
        let mut params = FullParams::new(match config.beam_size {
            Some(beam) => SamplingStrategy::BeamSearch { beam_size: beam as i32, patience: -1.0 },
            None => SamplingStrategy::Greedy { best_of: 5 },
        });
        params.set_n_threads(self.threads as i32);
        params.set_language(Some(language));
        params.set_token_timestamps(true);
        params.set_suppress_blank(true);
        params.set_suppress_nst(true);
        params.set_print_progress(false);
        params.set_print_realtime(false);
        params.set_print_special(false);
        params.set_print_timestamps(false);
        params.set_temperature_inc(config.temperature_increment);
        // VAD chunks are independent: conditioning on the previous chunk's
        // text would only carry its mistakes across silences.
        params.set_no_context(true);
        if config.fast_encoder {
            // The encoder's cost grows with its context; a short chunk does
            // not need Whisper's whole 30 s window (1500 frames of 20 ms).
            let seconds = padded.len() as f64 / RATE;
            let frames = ((seconds + 1.0) * 50.0).ceil().clamp(256.0, 1500.0) as i32;
            if frames < 1500 {
                params.set_audio_ctx(frames);
            }
        }
        if let Some(prompt) = &config.initial_prompt {
            params.set_initial_prompt(prompt);
        }
        let hooks = Hooks { cancel, on_progress, span };
        let hooks_ptr = &hooks as *const Hooks as *mut c_void;
        // SAFETY: the callbacks only read `hooks`, which outlives the `full`
        // call; whisper.cpp calls them on this thread.
        unsafe {
            params.set_abort_callback(Some(abort_trampoline));
            params.set_abort_callback_user_data(hooks_ptr);
            params.set_progress_callback(Some(progress_trampoline));
            params.set_progress_callback_user_data(hooks_ptr);
        }
        let result = self.state.full(params, &padded);
        cancel.check()?;
        result.map_err(|e| Error::asr(format!("inference failed: {e}")))?;
        let language = if language == "auto" {
            whisper_rs::get_lang_str(self.state.full_lang_id_from_state()).unwrap_or("en").to_owned()
        } else {
            language.to_owned()
        };
        let segments = words::collect_segments(
            &self.transcriber.context,
            &self.state,
            samples,
            start,
            &language,
            config.word_timing,
        )?;
        Ok((segments, language))
    }
}

/// Language probabilities (indexed by Whisper's language id) over several
/// windows of 16 kHz mono audio, averaged with each window weighted by its
/// length. Runs on a fresh state, so each window gets the whole encoder
/// context whatever an earlier decode set.
pub(crate) fn language_probabilities(
    transcriber: &Transcriber,
    windows: &[&[f32]],
    threads: usize,
    cancel: &CancelToken,
) -> Result<Vec<f32>> {
    let mut state =
        transcriber.context.create_state().map_err(|e| Error::asr(format!("cannot create a decoder state: {e}")))?;
    let languages = whisper_rs::get_lang_max_id().max(0) as usize + 1;
    let mut sum = vec![0.0f64; languages];
    let mut weight = 0.0f64;
    for window in windows {
        cancel.check()?;
        let mut samples = window.to_vec();
        // whisper.cpp needs at least one second of input.
        if samples.len() < 16_000 {
            samples.resize(16_000, 0.0);
        }
        state
            .pcm_to_mel(&samples, threads.max(1))
            .map_err(|e| Error::asr(format!("cannot compute the spectrogram: {e}")))?;
        let (_, probabilities) =
            state.lang_detect(0, threads.max(1)).map_err(|e| Error::asr(format!("language detection failed: {e}")))?;
        let w = window.len().max(1) as f64;
        for (s, p) in sum.iter_mut().zip(&probabilities) {
            if p.is_finite() {
                *s += w * f64::from(*p);
            }
        }
        weight += w;
    }
    cancel.check()?;
    Ok(sum.into_iter().map(|s| if weight > 0.0 { (s / weight) as f32 } else { 0.0 }).collect())
}

/// The most likely language among `allowed` (every language when empty),
/// and the `top` best candidates with their probabilities renormalised over
/// the allowed languages. `None` when nothing was measured.
pub(crate) fn choose_language(
    probabilities: &[f32],
    allowed: &[String],
    top: usize,
) -> Option<(String, Vec<LanguageProbability>)> {
    let mut candidates: Vec<(&'static str, f32)> = probabilities
        .iter()
        .enumerate()
        .filter_map(|(id, p)| Some((whisper_rs::get_lang_str(id as i32)?, *p)))
        .filter(|(lang, p)| p.is_finite() && (allowed.is_empty() || allowed.iter().any(|a| a == lang)))
        .collect();
    let total: f32 = candidates.iter().map(|(_, p)| p).sum();
    if candidates.is_empty() || !(total > 0.0) {
        return None;
    }
    candidates.sort_by(|a, b| b.1.total_cmp(&a.1));
    let best = candidates[0].0.to_owned();
    let list = candidates
        .into_iter()
        .take(top)
        .map(|(language, p)| LanguageProbability { language: language.to_owned(), probability: (p / total).clamp(0.0, 1.0) })
        .collect();
    Some((best, list))
}

const RATE: f64 = 16_000.0;
/// Seconds of audio after the last recognised segment that count as
/// skipped speech worth another pass (a chunk ends 0.25 s after its speech).
const MIN_SKIPPED: f64 = 2.0;
/// Passes over one chunk at most.
const MAX_PASSES: usize = 3;

/// What the whisper.cpp callbacks see during one `full` call.
struct Hooks<'a> {
    cancel: &'a CancelToken,
    on_progress: &'a (dyn Fn(f64) + Sync),
    span: Span,
}

unsafe extern "C" fn abort_trampoline(user_data: *mut c_void) -> bool {
    if user_data.is_null() {
        return false;
    }
    // SAFETY: user_data is the `Hooks` set in `decode`, alive for the call.
    let hooks = unsafe { &*(user_data as *const Hooks) };
    hooks.cancel.is_cancelled()
}

unsafe extern "C" fn progress_trampoline(
    _ctx: *mut whisper_rs::whisper_rs_sys::whisper_context,
    _state: *mut whisper_rs::whisper_rs_sys::whisper_state,
    percent: std::ffi::c_int,
    user_data: *mut c_void,
) {
    if user_data.is_null() {
        return;
    }
    // SAFETY: as in `abort_trampoline`.
    let hooks = unsafe { &*(user_data as *const Hooks) };
    // Inside a chunk, stop short of its end: the chunk is done only when
    // its words are collected.
    let fraction = f64::from(percent.clamp(0, 99)) / 100.0;
    (hooks.on_progress)(hooks.span.start + fraction * hooks.span.len());
}

#[cfg(test)]
mod tests {
    use super::choose_language;

    fn probs(pairs: &[(&str, f32)]) -> Vec<f32> {
        let mut p = vec![0.0; whisper_rs::get_lang_max_id() as usize + 1];
        for (lang, v) in pairs {
            p[whisper_rs::get_lang_id(lang).unwrap() as usize] = *v;
        }
        p
    }

    #[test]
    fn best_language_and_top_candidates() {
        let p = probs(&[("el", 0.45), ("es", 0.35), ("en", 0.1), ("fr", 0.05)]);
        let (best, top) = choose_language(&p, &[], 3).unwrap();
        assert_eq!(best, "el");
        let names: Vec<_> = top.iter().map(|l| l.language.as_str()).collect();
        assert_eq!(names, ["el", "es", "en"]);
        assert!((top[0].probability - 0.45 / 0.95).abs() < 1e-5);
        assert!(top.iter().map(|l| l.probability).sum::<f32>() <= 1.0);
    }

    #[test]
    fn allowed_languages_restrict_and_renormalise() {
        let p = probs(&[("el", 0.45), ("es", 0.30), ("en", 0.15)]);
        let allowed = vec!["en".to_owned(), "es".to_owned()];
        let (best, top) = choose_language(&p, &allowed, 5).unwrap();
        assert_eq!(best, "es");
        assert_eq!(top.len(), 2);
        assert!((top[0].probability - 0.30 / 0.45).abs() < 1e-5);
        assert!((top.iter().map(|l| l.probability).sum::<f32>() - 1.0).abs() < 1e-5);
        assert!(choose_language(&vec![0.0; p.len()], &[], 5).is_none());
        assert!(choose_language(&[], &[], 5).is_none());
    }
}
