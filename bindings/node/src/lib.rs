//! Node.js binding of reelkit (npm package `reelkit`), built with napi-rs.
//!
//! Every long call returns a `Promise` and runs on the libuv thread pool
//! ([`task::Job`]); progress is relayed to an `onProgress` callback on the
//! JS thread and cancellation comes from a [`progress::CancelToken`] or an
//! `AbortSignal`. Failures reject with an `Error` whose `code` is the core's
//! stable [`reelkit::Error::code`] ([`error`]).
//!
//! One binding file per core module: [`media`], [`asr`], [`scenes`],
//! [`pipeline`], [`models`], [`subtitle`], [`tts`] (speech synthesis and dubbing),
//! [`ingest`], [`transcode`].

use std::sync::LazyLock;

use reelkit::Engine;

pub mod asr;
pub mod error;
pub mod ingest;
pub mod media;
pub mod models;
pub mod partial;
pub mod pipeline;
pub mod progress;
pub mod scenes;
pub mod subtitle;
pub mod task;
pub mod tts;
pub mod transcode;

/// The process-wide engine: models are loaded once and shared by every call.
pub(crate) fn engine() -> &'static Engine {
    static ENGINE: LazyLock<Engine> = LazyLock::new(Engine::from_env);
    &ENGINE
}
