//! # reelkit
//!
//! An embeddable media pipeline that turns long videos into short, captioned
//! clips — offline, on CPU (or CUDA with the `cuda` feature).
//!
//! Stages are usable alone or together:
//! [`media`] (probe, decode, encode, cut) → [`asr`] (whisper.cpp) →
//! [`scenes`] and [`clips`] (candidate picking with a per-signal score) →
//! [`captions`] (SRT/VTT, rendered with fontdue + tiny-skia and burned in) →
//! [`pipeline`] (the whole job, as `reelkit clips` runs it); [`tts`] (Piper and
//! espeak-ng voices) and [`audio`] (fitting, ducking, loudness, dubbing).
//!
//! Before that, [`ingest`] turns a file or URL (direct link or yt-dlp) into
//! a validated, fingerprinted asset, and [`transcode`] makes it playable and
//! seekable: an HLS ladder from one decode, a proxy MP4, thumbnails, sprite
//! sheets with a WebVTT track, waveform peaks.
//!
//! Every long call takes a [`RunCtl`]: a progress sink and a cancellation
//! token.

pub mod aspect;
pub mod asr;
pub mod audio;
pub mod clips;
pub mod config;
pub mod engine;
pub mod embed;
pub mod error;
pub mod job;
pub mod ingest;
pub mod media;
pub mod pipeline;
pub mod progress;
pub mod reframe;
pub mod retell;
pub mod scenes;
pub mod subtitle;
pub mod text;
pub mod timeline;
pub mod tts;
pub mod transcode;

pub use aspect::Aspect;
pub use asr::{AsrConfig, Device, Transcriber, Transcript};
pub use error::{Error, ErrorKind, Result};
pub use media::{probe, MediaInfo};
pub use engine::{Engine, EngineConfig};
pub use job::{JobKind, JobParams, JobReport, JobSpec};
pub use pipeline::{ClipReport, ClipsJob, ClipsReport};
pub use retell::{RetellJob, RetellReport};
pub use progress::{CancelToken, NoProgress, ProgressEvent, ProgressSink, RunCtl, Stage, Throttled};
pub use reelkit_models as models;
