//! Swift bindings for reelkit, built with UniFFI.
//!
//! This crate is the whole foreign surface: records that mirror the core's
//! result types, one error enum filled from [`reelkit::Error`], an
//! [`Engine`] object whose long calls are `async` (Swift `async throws`),
//! async `ingest` and `transcode` functions, a
//! [`CancelHandle`] and a foreign-implemented [`ProgressObserver`]. The core
//! crate knows nothing about UniFFI.
//!
//! The Swift sources in `bindings/swift/Sources/` are generated from the
//! compiled library by this crate's own `uniffi-bindgen` binary (feature
//! `cli`), so generator and runtime are always the same UniFFI version; see
//! `scripts/generate.sh`.

mod engine;
mod error;
mod progress;
mod subtitle;
mod task;
mod tts;
mod transcode;
mod types;

pub use engine::{default_clips_job_json, probe, Engine};
pub use error::ReelkitError;
pub use progress::{CancelHandle, ProgressEvent, ProgressObserver};
pub use subtitle::{burn_subtitles, load_brand_kit_json, render_subtitles, subtitle_presets_json, BurnReport, BurnSubtitlesOptions};
pub use tts::{
    default_dub_job_json, default_tts_config_json, CueReport, DubOptions, DubReport, FitStatus, Loudness, Speech,
    SpokenSentence, SynthesisSummary, SynthesizeOptions, Synthesizer, Voice, VoiceEngine,
};
pub use transcode::{
    fingerprint, ingest, sniff_container, transcode, HlsOptions, HlsReport, IngestOptions, IngestReport, ProxyOptions,
    ProxyReport, RenditionReport, SpriteOptions, SpriteReport, Still, ThumbnailOptions, ThumbnailsReport,
    TranscodeOptions, TranscodeReport, WaveformOptions, WaveformReport,
};
pub use types::{
    AudioInfo, ClipReport, ClipsOptions, ClipsReport, MediaInfo, Segment, SignalScores, StreamInfo, StreamKind,
    TranscribeOptions, Transcript, VideoInfo, Word,
};

uniffi::setup_scaffolding!();
