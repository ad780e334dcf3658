//! Swift bindings for reelkit, built with UniFFI.
//!
//! This crate is the whole foreign surface, and it only forwards: `run`
//! takes any job spec as JSON and returns the report as JSON; the typed
//! calls (`Engine.transcribe`, `Engine.clips`, `transcode`, `ingest`,
//! `burnSubtitles`, `Synthesizer.tts`/`dub`...) build a job spec from their
//! options and run it on the process-wide engine of their model store.
//! The core's records cross as JSON ([`json`]) and are decoded in Swift
//! into `Codable` types generated from their JSON Schema; errors become one
//! `ReelkitError` enum; progress goes to a foreign [`ProgressObserver`] and
//! cancellation comes from a [`CancelHandle`].
//!
//! The Swift sources in `bindings/swift/Sources/` are generated from the
//! compiled library by this crate's own `uniffi-bindgen` binary and from
//! `types-schema` by quicktype (feature `cli`); see `scripts/generate.sh`.

mod engine;
mod error;
pub mod json;
mod media;
mod options;
mod progress;
mod subtitle;
mod task;
mod tts;

pub use engine::{default_clips_job_json, job_schema_json, probe, read_subtitles, run, Engine};
pub use error::ReelkitError;
pub use media::{fingerprint, ingest, sniff_container, transcode};
pub use options::{
    BurnSubtitlesOptions, ClipsOptions, DubOptions, HlsOptions, IngestOptions, ProxyOptions, RetellOptions, SpriteOptions,
    SynthesizeOptions, ThumbnailOptions, TranscodeOptions, TranscribeOptions, WaveformOptions,
};
pub use progress::{CancelHandle, ProgressObserver};
pub use subtitle::{burn_subtitles, load_brand_kit_json, render_subtitles, subtitle_presets_json};
pub use tts::{default_dub_job_json, default_tts_config_json, Synthesizer};

uniffi::setup_scaffolding!();
