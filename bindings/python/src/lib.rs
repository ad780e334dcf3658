//! The `reelkit._reelkit` extension module: a thin layer over the `reelkit`
//! crate. One file per core module; every long call goes through
//! [`progress::run`] (GIL released, progress callback, cancellation, Ctrl-C)
//! and every core error becomes an exception from [`errors`].

mod asr;
mod errors;
mod ingest;
mod json;
mod media;
mod pipeline;
mod progress;
mod repr;
mod scenes;
mod subtitle;
mod tts;
mod transcode;

use pyo3::prelude::*;

/// Native part of the `reelkit` package; import `reelkit` instead.
#[pymodule]
fn _reelkit(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    errors::register(m)?;
    progress::register(m)?;
    media::register(m)?;
    asr::register(m)?;
    scenes::register(m)?;
    pipeline::register(m)?;
    subtitle::register(m)?;
    tts::register(m)?;
    ingest::register(m)?;
    transcode::register(m)?;
    Ok(())
}
