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
