//! Shared fixtures for the benchmarks: where the sample media lives.

use std::path::PathBuf;

/// The bundled sample video (`examples/sample.mp4`).
pub fn sample_video() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../examples/sample.mp4")
}
