//! Blocking core work behind an `async` function.
//!
//! Each call runs on its own thread and hands its result back through a
//! oneshot channel, so the foreign executor (Swift's cooperative pool,
//! Python's asyncio loop) is never blocked. Dropping the future (a foreign
//! task cancelled) cancels the work.

use std::panic::AssertUnwindSafe;
use std::sync::Arc;

use reelkit::{CancelToken, NoProgress, ProgressSink, RunCtl};

use crate::error::ReelkitError;
use crate::progress::{CancelHandle, ObserverSink, ProgressObserver};

/// Cancels a call's token unless disarmed: fires when the future is dropped
/// before its work finished.
struct CancelOnDrop(Option<CancelToken>);

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        if let Some(token) = self.0.take() {
            token.cancel();
        }
    }
}

/// Run `work` on a new thread with a [`RunCtl`] that reports to `observer`
/// and is cancelled by `cancel` (or by dropping the returned future).
pub(crate) async fn run_blocking<T, F>(
    name: &str,
    observer: Option<Arc<dyn ProgressObserver>>,
    cancel: Option<Arc<CancelHandle>>,
    work: F,
) -> Result<T, ReelkitError>
where
    T: Send + 'static,
    F: FnOnce(&RunCtl) -> Result<T, ReelkitError> + Send + 'static,
{
    let token = CancelToken::new();
    let _attached = cancel.as_ref().map(|handle| handle.attach(&token));
    let progress: Arc<dyn ProgressSink> = match observer {
        Some(observer) => Arc::new(ObserverSink(observer)),
        None => Arc::new(NoProgress),
    };
    let ctl = RunCtl::new(progress, token.clone());
    let mut guard = CancelOnDrop(Some(token));

    let (tx, rx) = futures_channel::oneshot::channel();
    let what = name.to_owned();
    std::thread::Builder::new()
        .name(format!("reelkit-{name}"))
        .spawn(move || {
            let result = std::panic::catch_unwind(AssertUnwindSafe(|| {
                ctl.check()?;
                work(&ctl)
            }))
            .unwrap_or_else(|panic| Err(ReelkitError::internal(format!("{what} panicked: {}", panic_text(&*panic)))));
            // The receiver is gone when the future was dropped; nobody wants
            // the result then.
            let _ = tx.send(result);
        })
        .map_err(|e| ReelkitError::internal(format!("cannot start a worker thread: {e}")))?;
    let result = rx.await.unwrap_or_else(|_| Err(ReelkitError::internal(format!("{name} ended without a result"))));
    guard.0 = None;
    result
}

fn panic_text(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".to_owned())
}
