//! Progress, cancellation, and running core work without the GIL.
//!
//! [`run`] is the one way long calls reach the core. The work runs on a
//! scoped worker thread with a core [`reelkit::RunCtl`]; the calling thread
//! releases the GIL and waits on a channel, waking at least every [`POLL`]
//! to:
//! - hand progress events to the Python callback, on the calling thread and
//!   with the GIL held (the worker never touches Python);
//! - call `PyErr_CheckSignals`, so Ctrl-C (KeyboardInterrupt) cancels the
//!   work's token and is raised once the work has stopped.
//!
//! An exception raised by the progress callback likewise cancels the work
//! and is re-raised from the call; the callback is not called again.

use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::Arc;
use std::time::Duration;

use pyo3::exceptions::{PyRuntimeError, PyTypeError};
use pyo3::panic::PanicException;
use pyo3::prelude::*;

use crate::convert::{self, record};
use crate::errors;

/// How often the waiting thread checks for signals.
const POLL: Duration = Duration::from_millis(50);
/// Worker stack size: as much as a main thread gets.
const WORKER_STACK: usize = 8 << 20;

/// A flag that asks running work to stop at its next checkpoint.
///
/// Pass it as `cancel=` to any long call and call :meth:`cancel` from another
/// thread (or a progress callback); the call then raises
/// :class:`CancelledError`. A token that is already cancelled makes calls
/// fail at once.
#[pyclass(module = "reelkit", frozen)]
#[derive(Clone, Default)]
pub struct CancelToken(reelkit::CancelToken);

#[pymethods]
impl CancelToken {
    #[new]
    fn new() -> Self {
        Self::default()
    }

    /// Ask every call holding this token to stop.
    fn cancel(&self) {
        self.0.cancel();
    }

    /// Whether :meth:`cancel` has been called.
    #[getter]
    fn cancelled(&self) -> bool {
        self.0.is_cancelled()
    }

    fn __repr__(&self) -> String {
        format!(
            "CancelToken(cancelled={})",
            if self.0.is_cancelled() {
                "True"
            } else {
                "False"
            }
        )
    }
}

record! {
    /// One progress report: `done` of `total` `unit`s in `stage`.
    ProgressEvent(reelkit::ProgressEvent) {
        /// `probe`, `decode_audio`, `load_model`, `transcribe`, `scenes`,
        /// `signals`, `rank`, `render`, `export`, `synthesize`, `mix`,
        /// `download`, `fingerprint`, `transcode` or `fetch_models`.
        stage,
        done,
        /// Total work when known.
        total,
        /// What is counted: `seconds`, `frames`, `clips`, `bytes`...
        unit,
        message,
        /// Throughput in `unit`s per second of wall-clock time (frames per
        /// second while transcoding, bytes per second while downloading).
        rate,
        /// Estimated seconds left in this stage.
        eta,
    }
    repr(stage, done, total, unit, message, rate, eta)

    /// `done / total` clamped to 0..1, when the total is known.
    #[getter]
    fn fraction(&self) -> Option<f64> {
        self.0.fraction()
    }

    /// The event as a plain dict (with its `fraction`).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let dict = convert::to_py(py, &self.0)?;
        dict.set_item("fraction", self.0.fraction())?;
        Ok(dict)
    }
}

enum Msg {
    Progress(reelkit::ProgressEvent),
    Done,
}

/// Run `work` with the GIL released, forwarding progress to `progress` and
/// cancelling on `cancel`, Ctrl-C, or an exception from `progress`.
pub fn run<T, F>(
    py: Python<'_>,
    progress: Option<&Bound<'_, PyAny>>,
    cancel: Option<&CancelToken>,
    work: F,
) -> PyResult<T>
where
    T: Send,
    F: FnOnce(&reelkit::RunCtl) -> reelkit::Result<T> + Send,
{
    let callback = progress.filter(|p| !p.is_none());
    if let Some(cb) = callback {
        if !cb.is_callable() {
            return Err(PyTypeError::new_err(format!(
                "progress must be a callable taking a ProgressEvent, not {}",
                cb.get_type().name()?
            )));
        }
    }
    let token = cancel.map(|c| c.0.clone()).unwrap_or_default();
    token.check().map_err(errors::to_py)?;

    let (tx, rx) = mpsc::channel::<Msg>();
    let ctl = match callback {
        Some(_) => {
            let sink_tx = tx.clone();
            let sink = move |e: &reelkit::ProgressEvent| {
                let _ = sink_tx.send(Msg::Progress(e.clone()));
            };
            reelkit::RunCtl::new(Arc::new(sink), token.clone())
        }
        None => reelkit::RunCtl::default().with_cancel(token.clone()),
    };

    std::thread::scope(|scope| {
        let done_tx = tx;
        let worker = std::thread::Builder::new()
            .name("reelkit-worker".into())
            .stack_size(WORKER_STACK)
            .spawn_scoped(scope, move || {
                let result = work(&ctl);
                drop(ctl);
                let _ = done_tx.send(Msg::Done);
                result
            })
            .map_err(|e| PyRuntimeError::new_err(format!("cannot start a worker thread: {e}")))?;

        // The first Python error (KeyboardInterrupt or one from the callback)
        // wins over whatever the cancelled work returns.
        let mut failure: Option<PyErr> = None;
        let mut rx = rx;
        loop {
            let (msg, back) = py.detach(move || (rx.recv_timeout(POLL), rx));
            rx = back;
            match msg {
                Ok(Msg::Progress(event)) => {
                    if let (Some(cb), None) = (callback, &failure) {
                        if let Err(e) = cb.call1((ProgressEvent(event),)) {
                            token.cancel();
                            failure = Some(e);
                        }
                    }
                }
                Ok(Msg::Done) | Err(RecvTimeoutError::Disconnected) => break,
                Err(RecvTimeoutError::Timeout) => {}
            }
            if failure.is_none() {
                if let Err(e) = py.check_signals() {
                    token.cancel();
                    failure = Some(e);
                }
            }
        }
        let joined = py.detach(move || worker.join());
        match (joined, failure) {
            (Err(panic), _) => Err(PanicException::new_err(
                reelkit::Error::from_panic("reelkit", &*panic).reason().to_owned(),
            )),
            (Ok(_), Some(e)) => Err(e),
            (Ok(result), None) => result.map_err(errors::to_py),
        }
    })
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<CancelToken>()?;
    m.add_class::<ProgressEvent>()?;
    Ok(())
}
