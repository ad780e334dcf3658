//! The transcription driver: audio arrives block by block, the VAD turns it
//! into chunks as soon as they are complete, and workers decode the chunks
//! (in parallel when asked), so memory stays bounded by a few chunks no
//! matter how long the input is.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{mpsc, Mutex, OnceLock};

use super::decode::{choose_language, language_probabilities, Chunk, ChunkDecoder, ChunkResult};
use super::transcript::{LanguageProbability, Segment, Transcript};
use super::vad::{plan_chunks, FrameLevels, Span, StreamingVad, FRAME};
use super::{align, Transcriber};
use crate::error::{Error, Result};
use crate::progress::{RunCtl, Stage};

const RATE: f64 = 16_000.0;

/// Audio held since `offset` (in samples), trimmed as chunks go out.
struct Window {
    offset: usize,
    samples: Vec<f32>,
}

impl Window {
    fn slice(&self, span: Span) -> Vec<f32> {
        let a = ((span.start * RATE) as usize).saturating_sub(self.offset).min(self.samples.len());
        let b = ((span.end * RATE) as usize).saturating_sub(self.offset).min(self.samples.len());
        self.samples[a..b.max(a)].to_vec()
    }

    /// Forget everything before `time`.
    fn drop_before(&mut self, time: f64) {
        let upto = ((time * RATE) as usize).saturating_sub(self.offset).min(self.samples.len());
        self.samples.drain(..upto);
        self.offset += upto;
    }
}

/// Groups closed speech regions into chunks, releasing a chunk once the next
/// region cannot join it.
struct Chunker {
    max_chunk: f64,
    open: Option<Span>,
}

impl Chunker {
    fn push(&mut self, region: Span) -> Option<Span> {
        match self.open.as_mut() {
            Some(open) if region.end - open.start <= self.max_chunk && region.start - open.end < JOIN_GAP => {
                open.end = region.end;
                None
            }
            _ => self.open.replace(region),
        }
    }

    /// Release the open chunk once no region can join it any more: none is
    /// pending in the VAD (`pending_start` is where the VAD's open or held
    /// speech begins) and `now` is too far past it, or the pending one starts
    /// too late or already makes the chunk too long.
    fn tick(&mut self, now: f64, pending_start: Option<f64>) -> Option<Span> {
        let open = self.open?;
        let could_join = match pending_start {
            Some(start) => start - open.end < JOIN_GAP && start.max(now - JOIN_GAP) - open.start <= self.max_chunk,
            None => now - open.end < JOIN_GAP,
        };
        if could_join {
            None
        } else {
            self.open.take()
        }
    }

    fn finish(&mut self) -> Option<Span> {
        self.open.take()
    }
}

/// Regions closer than this (seconds) share a chunk when they fit.
const JOIN_GAP: f64 = 2.0;

/// Language detection listens to the first chunks until this much speech
/// (seconds) or [`LID_WINDOWS`] windows are collected, so one short or
/// ambiguous opening does not decide the language of the whole recording.
const LID_SPEECH: f64 = 30.0;
/// Detection windows at most (each one encoder pass).
const LID_WINDOWS: usize = 6;
/// Seconds of audio before a chunk's padded start that its first detection
/// window also hears: Whisper's language guess on tightly trimmed speech is
/// measurably worse (a Spanish clip heard as Greek) than with the lead-in.
const LID_LEAD: f64 = 1.0;
/// Later starts (seconds into the chunk) of further detection windows over
/// the same chunk, when at least [`LID_MIN_CROP`] seconds remain.
const LID_SHIFTS: [f64; 2] = [0.5, 1.0];
const LID_MIN_CROP: f64 = 2.0;
/// Candidates kept in `Transcript::language_probabilities`.
const LID_TOP: usize = 5;

/// A chunk held back until the language is known, with the audio from
/// [`LID_LEAD`] seconds before it.
struct Held {
    chunk: Chunk,
    lead: Vec<f32>,
}

/// The detection windows of the held chunks, at most [`LID_WINDOWS`].
fn lid_windows(held: &[Held]) -> Vec<&[f32]> {
    let mut windows = Vec::new();
    for h in held {
        windows.push(h.lead.as_slice());
        for shift in LID_SHIFTS {
            let from = (shift * RATE) as usize;
            if h.chunk.samples.len() as f64 >= (shift + LID_MIN_CROP) * RATE {
                windows.push(&h.chunk.samples[from..]);
            }
        }
    }
    windows.truncate(LID_WINDOWS);
    windows
}

fn lid_ready(held: &[Held]) -> bool {
    let speech: f64 = held.iter().map(|h| h.chunk.span.len()).sum();
    speech >= LID_SPEECH || lid_windows(held).len() >= LID_WINDOWS
}

/// The language when detection heard nothing: English when allowed, else
/// the first allowed language.
fn fallback_language(allowed: &[String]) -> String {
    if allowed.is_empty() || allowed.iter().any(|l| l == "en") {
        "en".into()
    } else {
        allowed[0].clone()
    }
}

/// Transcribe audio delivered by `next_block` (16 kHz mono blocks, `None`
/// at the end). `duration` is only used for progress. Also returns the
/// audio's level (dBFS) per 10 ms frame, measured on the way.
pub(crate) fn transcribe_stream(
    transcriber: &Transcriber,
    next_block: &mut dyn FnMut() -> Result<Option<Vec<f32>>>,
    duration: Option<f64>,
    ctl: &RunCtl,
) -> Result<(Transcript, Vec<f32>)> {
    let config = &transcriber.config;
    let workers = config.effective_workers();
    let vad_config = if config.vad.enabled {
        config.vad.clone()
    } else {
        // Everything is "speech": plain consecutive windows.
        super::VadConfig { threshold_db: 0.0, min_level_db: -120.0, min_silence: 1e9, ..config.vad.clone() }
    };
    let progress = Progress { ctl, duration, best: AtomicU64::new(0) };
    let language_lock: OnceLock<String> = OnceLock::new();
    let detect = transcriber.language_setting() == "auto";
    let mut detected: Vec<LanguageProbability> = Vec::new();
    // Detects the language over the held chunks, fixes it for every chunk
    // decoded from now on, and returns the candidates for the transcript.
    let lock_language = |held: &[Held]| -> Result<Vec<LanguageProbability>> {
        let windows = lid_windows(held);
        let probabilities = language_probabilities(transcriber, &windows, config.effective_threads(), ctl.cancel_token())?;
        let (language, candidates) = choose_language(&probabilities, &config.languages, LID_TOP)
            .unwrap_or_else(|| (fallback_language(&config.languages), Vec::new()));
        tracing::debug!(%language, ?candidates, "language detected");
        let _ = language_lock.set(language);
        Ok(candidates)
    };
    let (job_tx, job_rx) = mpsc::sync_channel::<Chunk>(workers);
    let job_rx = Mutex::new(job_rx);
    let (result_tx, result_rx) = mpsc::channel::<Result<ChunkResult>>();

    let (mut results, levels, total_samples) = std::thread::scope(|scope| -> Result<_> {
        // Chunk 0 is decoded on this thread: it fixes the language. The
        // rest go to the workers (or also here when there is one worker).
        let mut local = ChunkDecoder::new(transcriber, config.effective_threads() / workers.max(1))?;
        if workers > 1 {
            let threads = (config.effective_threads() / workers).max(1);
            for _ in 0..workers {
                let (job_rx, result_tx, language_lock, progress) = (&job_rx, result_tx.clone(), &language_lock, &progress);
                scope.spawn(move || worker(transcriber, threads, job_rx, result_tx, language_lock, progress, ctl));
            }
        }
        drop(result_tx);
        let mut results = Vec::new();
        let mut decode_here = |chunk: Chunk, results: &mut Vec<ChunkResult>| -> Result<()> {
            let language = language_lock.get().cloned().unwrap_or_else(|| transcriber.language_setting());
            let r = local.decode(&chunk, &language, ctl.cancel_token(), &|t| progress.done(t))?;
            let _ = language_lock.set(r.language.clone());
            progress.done(chunk.span.end);
            results.push(r);
            Ok(())
        };
        let mut send = |chunk: Chunk, results: &mut Vec<ChunkResult>| -> Result<()> {
            if chunk.index == 0 || workers == 1 {
                return decode_here(chunk, results);
            }
            job_tx.send(chunk).map_err(|_| Error::asr("transcription workers stopped"))?;
            // Surface worker errors (e.g. cancellation) early.
            while let Ok(r) = result_rx.try_recv() {
                results.push(r?);
            }
            Ok(())
        };

        let mut vad = StreamingVad::new(vad_config.clone());
        let mut levels = FrameLevels::new(16_000);
        let mut chunker = Chunker { max_chunk: vad_config.max_chunk, open: None };
        let mut window = Window { offset: 0, samples: Vec::new() };
        let mut total_samples = 0usize;
        let mut next_index = 0usize;
        let mut level_cursor = 0usize;
        let mut finished = false;
        let mut held: Vec<Held> = Vec::new();
        while !finished {
            ctl.check()?;
            let mut regions = Vec::new();
            match next_block()? {
                Some(block) => {
                    total_samples += block.len();
                    levels.push(&block);
                    window.samples.extend_from_slice(&block);
                }
                None => {
                    levels.finish();
                    finished = true;
                }
            }
            regions.extend(vad.push(&levels.levels[level_cursor..]));
            level_cursor = levels.levels.len();
            if finished {
                regions.extend(vad.finish());
            }
            let mut spans: Vec<Span> = regions.into_iter().filter_map(|r| chunker.push(r)).collect();
            if finished {
                spans.extend(chunker.finish());
            } else {
                spans.extend(chunker.tick(levels.levels.len() as f64 * FRAME, vad.open_since()));
            }
            for span in spans {
                tracing::debug!(index = next_index, start = span.start, end = span.end, "speech chunk");
                let samples = window.slice(span);
                let detecting = detect && language_lock.get().is_none();
                let lead = detecting.then(|| window.slice(Span { start: (span.start - LID_LEAD).max(0.0), end: span.end }));
                window.drop_before(span.end);
                let chunk = Chunk { index: next_index, span, samples };
                next_index += 1;
                match lead {
                    Some(lead) => {
                        held.push(Held { chunk, lead });
                        if lid_ready(&held) {
                            detected = lock_language(&held)?;
                            for h in held.drain(..) {
                                send(h.chunk, &mut results)?;
                            }
                        }
                    }
                    None => send(chunk, &mut results)?,
                }
            }
            if finished && !held.is_empty() {
                detected = lock_language(&held)?;
                for h in held.drain(..) {
                    send(h.chunk, &mut results)?;
                }
            }
            // Audio before the open chunk (and the lead-in language detection
            // hears), or long past, is no longer needed.
            let keep_from = match chunker.open {
                Some(open) => (open.start - LID_LEAD).max(0.0),
                None => (levels.levels.len() as f64 * FRAME - vad_config.max_chunk - 2.0).max(0.0),
            };
            window.drop_before(keep_from.min(vad.open_since().unwrap_or(f64::INFINITY)));
        }
        drop(job_tx);
        for r in result_rx.iter() {
            results.push(r?);
        }
        Ok((results, levels, total_samples))
    })?;
    ctl.check()?;

    results.sort_by_key(|r| r.index);
    let duration = total_samples as f64 / RATE;
    let language = language_lock.get().cloned().filter(|l| l != "auto").unwrap_or_else(|| {
        let setting = transcriber.language_setting();
        if setting == "auto" { fallback_language(&config.languages) } else { setting }
    });
    let mut segments: Vec<Segment> = results.into_iter().flat_map(|r| r.segments).collect();
    if config.snap_to_audio {
        align::snap_to_levels(&mut segments, &levels.levels);
    }
    progress.finish(duration);
    Ok((Transcript { language, duration, segments, language_probabilities: detected }, levels.levels))
}

/// A worker thread: decode chunks from the queue until it closes.
fn worker(
    transcriber: &Transcriber,
    threads: usize,
    jobs: &Mutex<mpsc::Receiver<Chunk>>,
    results: mpsc::Sender<Result<ChunkResult>>,
    language: &OnceLock<String>,
    progress: &Progress<'_>,
    ctl: &RunCtl,
) {
    let mut decoder = match ChunkDecoder::new(transcriber, threads) {
        Ok(d) => d,
        Err(e) => {
            let _ = results.send(Err(e));
            return;
        }
    };
    loop {
        let job = match jobs.lock() {
            Ok(rx) => rx.recv(),
            Err(_) => return,
        };
        let Ok(chunk) = job else { return };
        let lang = language.get().cloned().unwrap_or_else(|| transcriber.language_setting());
        let r = decoder.decode(&chunk, &lang, ctl.cancel_token(), &|t| progress.done(t));
        if r.is_ok() {
            progress.done(chunk.span.end);
        }
        if results.send(r).is_err() {
            return;
        }
    }
}

/// Reports the furthest finished chunk end, never going backwards.
struct Progress<'a> {
    ctl: &'a RunCtl,
    duration: Option<f64>,
    best: AtomicU64,
}

impl Progress<'_> {
    fn done(&self, seconds: f64) {
        // Completion (1.0) is reported once, by `finish`.
        let seconds = match self.duration {
            Some(d) if d > 0.0 => seconds.min(d * 0.999),
            _ => seconds,
        };
        let bits = seconds.max(0.0).to_bits();
        let previous = self.best.fetch_max(bits, Ordering::SeqCst);
        if bits >= previous {
            self.ctl.report(Stage::Transcribe, seconds, self.duration, "seconds");
        }
    }

    fn finish(&self, duration: f64) {
        self.ctl.report(Stage::Transcribe, duration, Some(duration), "seconds");
    }
}

/// Plan chunks for audio already in memory (used by tests and callers that
/// want to inspect the chunking).
pub fn chunk_plan(samples: &[f32], vad: &super::VadConfig) -> Vec<Span> {
    let mut levels = FrameLevels::new(16_000);
    levels.push(samples);
    levels.finish();
    let regions = super::vad::speech_regions(&levels.levels, vad);
    plan_chunks(&regions, &levels.levels, vad)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span(start: f64, end: f64) -> Span {
        Span { start, end }
    }

    #[test]
    fn chunk_stays_open_while_the_vad_holds_speech_that_can_join() {
        let mut chunker = Chunker { max_chunk: 28.0, open: None };
        assert_eq!(chunker.push(span(0.2, 8.0)), None);
        // The next region began 0.5 s later but the VAD has not closed it
        // yet, although the audio is already 4 s past the open chunk.
        assert_eq!(chunker.tick(12.0, Some(8.5)), None);
        assert_eq!(chunker.push(span(8.5, 11.6)), None);
        assert_eq!(chunker.open, Some(span(0.2, 11.6)));
        // Nothing pending and the audio 2 s past: released.
        assert_eq!(chunker.tick(13.7, None), Some(span(0.2, 11.6)));
    }

    #[test]
    fn chunk_is_released_when_pending_speech_cannot_join() {
        // Pending speech starts too long after the chunk.
        let mut chunker = Chunker { max_chunk: 28.0, open: Some(span(0.0, 5.0)) };
        assert_eq!(chunker.tick(9.0, Some(7.5)), Some(span(0.0, 5.0)));
        // Pending speech is near, but already too long to fit.
        let mut chunker = Chunker { max_chunk: 28.0, open: Some(span(0.0, 20.0)) };
        assert_eq!(chunker.tick(31.0, Some(20.5)), Some(span(0.0, 20.0)));
        // A region that would overflow the chunk starts a new one.
        let mut chunker = Chunker { max_chunk: 28.0, open: Some(span(0.0, 20.0)) };
        assert_eq!(chunker.push(span(20.5, 29.0)), Some(span(0.0, 20.0)));
        assert_eq!(chunker.open, Some(span(20.5, 29.0)));
    }
}
