//! Node.js binding of reelkit (npm package `reelkit`), built with napi-rs.
//!
//! The binding is thin: [`run`](run::run) takes a job spec (a JS object of
//! the shape `core/schema/job.schema.json` describes), runs it on the one
//! process-wide [`Engine`] and resolves to the core's `JobReport`, both
//! crossing the boundary through serde. Every other function is sugar: it
//! builds a spec from its arguments (explicit arguments laid over the
//! `options` JSON with [`reelkit::config::merge`]) and runs it the same way,
//! or calls the core function that has no job kind (decoding to samples,
//! synthesis to samples, rendering one frame...). Results keep the
//! camelCase shape the binding always returned ([`convert`]); their
//! TypeScript types are derived from the schema-generated `job.d.ts`.
//!
//! Every long call returns a `Promise` and runs on the libuv thread pool
//! ([`task::Job`]); progress is relayed to an `onProgress` callback on the
//! JS thread and cancellation comes from a [`progress::CancelToken`] or an
//! `AbortSignal`. Failures reject with an `Error` carrying the core's
//! stable code and context ([`error`]).

use std::sync::LazyLock;

use reelkit::Engine;

pub mod asr;
pub mod convert;
pub mod error;
pub mod ingest;
pub mod media;
pub mod models;
pub mod pipeline;
pub mod progress;
pub mod run;
pub mod scenes;
pub mod subtitle;
pub mod task;
pub mod transcode;
pub mod tts;

/// The process-wide engine: models, voices and fonts are loaded once and
/// shared by every call.
pub(crate) fn engine() -> &'static Engine {
    static ENGINE: LazyLock<Engine> = LazyLock::new(Engine::from_env);
    &ENGINE
}
