//! The `reelkit._reelkit` extension module: a thin face over the core's job
//! surface. Every function that runs a stage builds a `JobSpec` (the
//! caller's options dict with the explicit arguments merged over it, read
//! strictly by the core) and runs it on one process-wide [`reelkit::Engine`];
//! values cross the boundary through serde ([`convert`]); long calls release
//! the GIL and forward progress and cancellation ([`progress`]); every core
//! error becomes the exception class of its kind ([`errors`]).

mod convert;
mod engine;
mod errors;
mod media;
mod progress;
mod records;
mod schema;
mod stages;
mod subtitle;

use pyo3::prelude::*;

/// Native part of the `reelkit` package; import `reelkit` instead.
#[pymodule]
fn _reelkit(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    errors::register(m)?;
    progress::register(m)?;
    records::register(m)?;
    engine::register(m)?;
    media::register(m)?;
    stages::register(m)?;
    subtitle::register(m)?;
    schema::register(m)?;
    Ok(())
}
