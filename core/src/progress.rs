//! Progress reporting and cancellation, shared by every stage.
//!
//! The core never prints: it emits [`ProgressEvent`]s into a [`ProgressSink`]
//! supplied by the caller (the CLI draws bars, the bindings forward them to a
//! callback, the server streams them as job events) and polls a
//! [`CancelToken`] at every chunk boundary.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// The pipeline stage an event belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Stage {
    Probe,
    DecodeAudio,
    Transcribe,
    Scenes,
    Signals,
    Rank,
    Render,
    Export,
    /// Text-to-speech synthesis.
    Synthesize,
    /// Fitting, ducking, loudness and mixing of audio tracks.
    Mix,
    /// Fetching a URL (yt-dlp or direct HTTP); counted in bytes.
    Download,
    /// Hashing media bytes for the content fingerprint; counted in bytes.
    Fingerprint,
    /// Decoding once and encoding every output (HLS rungs, proxy, images).
    Transcode,
    /// Loading a model (Whisper, a voice) into memory.
    LoadModel,
    /// Downloading, verifying and installing models; counted in bytes.
    FetchModels,
    /// Finding faces and the active speaker for a moving crop.
    Reframe,
}

impl Stage {
    /// Every stage, in pipeline order.
    pub const ALL: &'static [Stage] = &[
        Stage::FetchModels,
        Stage::Download,
        Stage::Fingerprint,
        Stage::Probe,
        Stage::Transcode,
        Stage::LoadModel,
        Stage::DecodeAudio,
        Stage::Transcribe,
        Stage::Scenes,
        Stage::Reframe,
        Stage::Signals,
        Stage::Rank,
        Stage::Render,
        Stage::Export,
        Stage::Synthesize,
        Stage::Mix,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Probe => "probe",
            Stage::DecodeAudio => "decode_audio",
            Stage::Transcribe => "transcribe",
            Stage::Scenes => "scenes",
            Stage::Signals => "signals",
            Stage::Rank => "rank",
            Stage::Render => "render",
            Stage::Export => "export",
            Stage::Synthesize => "synthesize",
            Stage::Mix => "mix",
            Stage::Download => "download",
            Stage::Fingerprint => "fingerprint",
            Stage::Transcode => "transcode",
            Stage::LoadModel => "load_model",
            Stage::FetchModels => "fetch_models",
            Stage::Reframe => "reframe",
        }
    }
}

impl std::fmt::Display for Stage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One progress report: `done` out of `total` units of work in `stage`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ProgressEvent {
    pub stage: Stage,
    /// Work done so far, in `unit`s.
    pub done: f64,
    /// Total work in `unit`s, when known.
    pub total: Option<f64>,
    /// What is counted: "seconds" of media, "frames", "clips"...
    pub unit: &'static str,
    /// Optional detail, e.g. the clip being exported.
    pub message: Option<String>,
    /// Throughput in `unit`s per second of wall-clock time (frames per
    /// second while transcoding, bytes per second while downloading), when
    /// the stage measures it.
    #[serde(default)]
    pub rate: Option<f64>,
    /// Estimated seconds of wall-clock time left in this stage, when known.
    #[serde(default)]
    pub eta: Option<f64>,
}

impl ProgressEvent {
    /// Fraction done in `0..=1`, when the total is known.
    pub fn fraction(&self) -> Option<f64> {
        self.total
            .filter(|t| *t > 0.0)
            .map(|t| (self.done / t).clamp(0.0, 1.0))
    }
}

/// Receives progress events. Implemented for closures.
pub trait ProgressSink: Send + Sync {
    fn emit(&self, event: &ProgressEvent);
}

impl<F> ProgressSink for F
where
    F: Fn(&ProgressEvent) + Send + Sync,
{
    fn emit(&self, event: &ProgressEvent) {
        self(event)
    }
}

/// A sink that drops every event.
#[derive(Debug, Default, Clone, Copy)]
pub struct NoProgress;

impl ProgressSink for NoProgress {
    fn emit(&self, _event: &ProgressEvent) {}
}

/// A sink that passes on what a display needs: repeated events and events
/// that move a stage by less than 1 % are dropped; the first and the last
/// event of each stage (and of each message) pass. The bindings put it in
/// front of their foreign callbacks.
pub struct Throttled<S> {
    sink: S,
    last: std::sync::Mutex<Option<ProgressEvent>>,
}

impl<S: ProgressSink> Throttled<S> {
    pub fn new(sink: S) -> Self {
        Throttled { sink, last: std::sync::Mutex::new(None) }
    }

    /// Whether `event` passes (and becomes the last one passed).
    fn admit(&self, event: &ProgressEvent) -> bool {
        let mut last = self.last.lock().unwrap_or_else(|p| p.into_inner());
        let pass = match (last.as_ref(), event.fraction()) {
            (Some(last), _) if last == event => false,
            (Some(last), Some(f)) if last.stage == event.stage && last.message == event.message => {
                f >= 1.0 || last.fraction().is_none_or(|l| f - l >= 0.01)
            }
            _ => true,
        };
        if pass {
            *last = Some(event.clone());
        }
        pass
    }
}

impl<S: ProgressSink> ProgressSink for Throttled<S> {
    fn emit(&self, event: &ProgressEvent) {
        if self.admit(event) {
            self.sink.emit(event);
        }
    }
}

/// A cheap, clonable flag that asks running work to stop.
#[derive(Debug, Clone, Default)]
pub struct CancelToken(Arc<AtomicBool>);

impl CancelToken {
    pub fn new() -> Self {
        Self::default()
    }

    /// Ask every holder of this token to stop at its next checkpoint.
    pub fn cancel(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }

    /// `Err(Error::cancelled())` once cancelled; call at chunk boundaries.
    pub fn check(&self) -> Result<()> {
        if self.is_cancelled() {
            Err(Error::cancelled())
        } else {
            Ok(())
        }
    }
}

/// What every long-running call receives: where to report progress and the
/// token that cancels it.
#[derive(Clone)]
pub struct RunCtl {
    progress: Arc<dyn ProgressSink>,
    cancel: CancelToken,
}

impl Default for RunCtl {
    fn default() -> Self {
        Self { progress: Arc::new(NoProgress), cancel: CancelToken::new() }
    }
}

impl std::fmt::Debug for RunCtl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RunCtl").field("cancelled", &self.cancel.is_cancelled()).finish()
    }
}

impl RunCtl {
    pub fn new(progress: Arc<dyn ProgressSink>, cancel: CancelToken) -> Self {
        Self { progress, cancel }
    }

    pub fn with_progress(mut self, progress: Arc<dyn ProgressSink>) -> Self {
        self.progress = progress;
        self
    }

    pub fn with_cancel(mut self, cancel: CancelToken) -> Self {
        self.cancel = cancel;
        self
    }

    pub fn cancel_token(&self) -> &CancelToken {
        &self.cancel
    }

    /// Shorthand for `self.cancel_token().check()`.
    pub fn check(&self) -> Result<()> {
        self.cancel.check()
    }

    pub fn emit(&self, event: ProgressEvent) {
        self.progress.emit(&event);
    }

    /// Report `done` of `total` units in `stage`.
    pub fn report(&self, stage: Stage, done: f64, total: Option<f64>, unit: &'static str) {
        self.emit(ProgressEvent { stage, done, total, unit, message: None, rate: None, eta: None });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    #[test]
    fn throttled_keeps_stage_edges_and_whole_percents() {
        let event = |stage, done, total| ProgressEvent { stage, done, total, unit: "seconds", message: None, rate: None, eta: None };
        let events = [
            event(Stage::DecodeAudio, 0.0, Some(1000.0)),
            event(Stage::DecodeAudio, 5.0, Some(1000.0)),
            event(Stage::DecodeAudio, 10.0, Some(1000.0)),
            event(Stage::DecodeAudio, 12.0, Some(1000.0)),
            event(Stage::DecodeAudio, 1000.0, Some(1000.0)),
            event(Stage::DecodeAudio, 1000.0, Some(1000.0)),
            event(Stage::Transcribe, 0.0, Some(10.0)),
            event(Stage::Transcribe, 0.0, None),
            event(Stage::Transcribe, 10.0, Some(10.0)),
        ];
        let seen = Arc::new(Mutex::new(Vec::new()));
        let out = seen.clone();
        let sink = Throttled::new(move |e: &ProgressEvent| out.lock().unwrap().push((e.stage, e.done)));
        events.iter().for_each(|e| sink.emit(e));
        let expected = [(Stage::DecodeAudio, 0.0), (Stage::DecodeAudio, 10.0), (Stage::DecodeAudio, 1000.0), (Stage::Transcribe, 0.0), (Stage::Transcribe, 0.0), (Stage::Transcribe, 10.0)];
        assert_eq!(*seen.lock().unwrap(), expected);
    }

    #[test]
    fn cancel_is_shared_between_clones() {
        let token = CancelToken::new();
        let clone = token.clone();
        assert!(token.check().is_ok());
        clone.cancel();
        assert!(matches!(token.check(), Err(ref e) if e.kind() == crate::ErrorKind::Cancelled));
    }

    #[test]
    fn closures_receive_events() {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let sink = {
            let seen = seen.clone();
            move |e: &ProgressEvent| seen.lock().unwrap().push(e.fraction())
        };
        let ctl = RunCtl::default().with_progress(Arc::new(sink));
        ctl.report(Stage::Transcribe, 5.0, Some(10.0), "seconds");
        ctl.report(Stage::Transcribe, 5.0, None, "seconds");
        assert_eq!(*seen.lock().unwrap(), vec![Some(0.5), None]);
    }
}
