//! Progress, cancellation, and running core work without the GIL.
//!
//! [`run`] is the one way long calls reach the core. The work runs on a
//! scoped worker thread; the calling thread releases the GIL and waits on a
//! channel, waking at least every [`POLL`] to:
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

use crate::errors;
use crate::repr;

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
pub struct CancelToken {
    pub(crate) inner: reelkit::CancelToken,
}

#[pymethods]
impl CancelToken {
    #[new]
    fn new() -> Self {
        Self::default()
    }

    /// Ask every call holding this token to stop.
    fn cancel(&self) {
        self.inner.cancel();
    }

    /// Whether :meth:`cancel` has been called.
    #[getter]
    fn cancelled(&self) -> bool {
        self.inner.is_cancelled()
    }

    fn __repr__(&self) -> String {
        format!(
            "CancelToken(cancelled={})",
            if self.inner.is_cancelled() {
                "True"
            } else {
                "False"
            }
        )
    }
}

/// One progress report: `done` of `total` `unit`s in `stage`.
#[pyclass(module = "reelkit", frozen, get_all)]
#[derive(Clone, Debug)]
pub struct ProgressEvent {
    /// `probe`, `decode_audio`, `transcribe`, `scenes`, `signals`, `rank`,
    /// `render`, `export`, `download`, `fingerprint`, `transcode`, or
    /// `fetch` for model downloads.
    pub stage: String,
    pub done: f64,
    /// Total work when known.
    pub total: Option<f64>,
    /// `done / total` clamped to 0..1, when the total is known.
    pub fraction: Option<f64>,
    /// What is counted: `seconds`, `frames`, `clips`, `bytes`...
    pub unit: String,
    pub message: Option<String>,
    /// Throughput in `unit`s per second of wall-clock time (frames per
    /// second while transcoding, bytes per second while downloading).
    pub rate: Option<f64>,
    /// Estimated seconds left in this stage.
    pub eta: Option<f64>,
}

impl ProgressEvent {
    pub fn new(
        stage: impl Into<String>,
        done: f64,
        total: Option<f64>,
        unit: impl Into<String>,
        message: Option<String>,
    ) -> Self {
        let fraction = total
            .filter(|t| *t > 0.0)
            .map(|t| (done / t).clamp(0.0, 1.0));
        Self {
            stage: stage.into(),
            done,
            total,
            fraction,
            unit: unit.into(),
            message,
            rate: None,
            eta: None,
        }
    }
}

impl From<&reelkit::ProgressEvent> for ProgressEvent {
    fn from(e: &reelkit::ProgressEvent) -> Self {
        Self {
            stage: e.stage.as_str().to_owned(),
            done: e.done,
            total: e.total,
            fraction: e.fraction(),
            unit: e.unit.to_owned(),
            message: e.message.clone(),
            rate: e.rate,
            eta: e.eta,
        }
    }
}

#[pymethods]
impl ProgressEvent {
    /// The event as a plain dict.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, pyo3::types::PyDict>> {
        let d = pyo3::types::PyDict::new(py);
        d.set_item("stage", &self.stage)?;
        d.set_item("done", self.done)?;
        d.set_item("total", self.total)?;
        d.set_item("fraction", self.fraction)?;
        d.set_item("unit", &self.unit)?;
        d.set_item("message", &self.message)?;
        d.set_item("rate", self.rate)?;
        d.set_item("eta", self.eta)?;
        Ok(d)
    }

    fn __repr__(&self) -> String {
        format!(
            "ProgressEvent(stage={}, done={}, total={}, unit={}, message={}, rate={}, eta={})",
            repr::string(&self.stage),
            repr::float(self.done),
            repr::opt_float(self.total),
            repr::string(&self.unit),
            repr::opt_string(self.message.as_deref()),
            repr::opt_float(self.rate),
            repr::opt_float(self.eta)
        )
    }
}

enum Msg {
    Progress(ProgressEvent),
    Done,
}

/// What the work closure of [`run`] receives.
pub struct Work {
    ctl: reelkit::RunCtl,
    events: Option<mpsc::Sender<Msg>>,
}

impl Work {
    /// Progress sink and cancel token for core calls.
    pub fn ctl(&self) -> &reelkit::RunCtl {
        &self.ctl
    }

    /// Report an event that has no core `ProgressEvent` (model downloads).
    pub fn report(&self, event: ProgressEvent) {
        if let Some(tx) = &self.events {
            let _ = tx.send(Msg::Progress(event));
        }
    }
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
    F: FnOnce(&Work) -> reelkit::Result<T> + Send,
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
    let token = cancel.map(|c| c.inner.clone()).unwrap_or_default();
    token.check().map_err(errors::to_py)?;

    let (tx, rx) = mpsc::channel::<Msg>();
    let work_ctx = match callback {
        Some(_) => {
            let sink_tx = tx.clone();
            let sink = move |e: &reelkit::ProgressEvent| {
                let _ = sink_tx.send(Msg::Progress(ProgressEvent::from(e)));
            };
            Work {
                ctl: reelkit::RunCtl::new(Arc::new(sink), token.clone()),
                events: Some(tx.clone()),
            }
        }
        None => Work {
            ctl: reelkit::RunCtl::default().with_cancel(token.clone()),
            events: None,
        },
    };

    std::thread::scope(|scope| {
        let done_tx = tx;
        let worker = std::thread::Builder::new()
            .name("reelkit-worker".into())
            .stack_size(WORKER_STACK)
            .spawn_scoped(scope, move || {
                let result = work(&work_ctx);
                drop(work_ctx);
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
                        if let Err(e) = cb.call1((event,)) {
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
            (Err(panic), _) => Err(PanicException::new_err(panic_message(&panic))),
            (Ok(_), Some(e)) => Err(e),
            (Ok(result), None) => result.map_err(errors::to_py),
        }
    })
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        format!("reelkit panicked: {s}")
    } else if let Some(s) = payload.downcast_ref::<String>() {
        format!("reelkit panicked: {s}")
    } else {
        "reelkit panicked".to_owned()
    }
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<CancelToken>()?;
    m.add_class::<ProgressEvent>()?;
    Ok(())
}
