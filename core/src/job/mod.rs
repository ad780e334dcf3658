//! One typed surface for every face: a [`JobSpec`] names a stage (its
//! [`JobKind`]), what it reads (`input`), where it writes (`output`) and the
//! stage's typed params; [`Engine::run`](crate::Engine::run) runs it and
//! returns a [`JobReport`] tagged with the same kind.
//!
//! The spec arrives the same way from every face — JSON on the command line
//! (`reelkit run SPEC.json`), a Python dict, a JS object, a Swift string, an
//! HTTP body — and is read by [`JobSpec::from_value`], which rejects unknown
//! keys with the dotted path of the key and the keys accepted there. The
//! JSON Schema of the spec and the reports comes from the same Rust types
//! ([`schema::job_schema`]).
//!
//! A job writes what its CLI subcommand writes: `clips` with `output` DIR
//! fills DIR as `reelkit clips --out DIR` does; `transcribe` with `output`
//! `X.json` writes the JSON of `reelkit transcribe --format json` (`.srt`,
//! `.vtt`, `.ass` by extension).

mod kind;
mod params;
mod report;
mod run;
pub mod schema;
mod spec;

pub use kind::JobKind;
pub use params::{AlignParams, BurnParams, DubParams, ProbeParams, TranscribeParams, TtsParams};
pub use report::{JobReport, ScenesReport, TranscriptReport, TtsReport};
pub use spec::{JobParams, JobSpec};
