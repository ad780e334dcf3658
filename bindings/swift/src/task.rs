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
            .unwrap_or_else(|panic| Err(reelkit::Error::from_panic(&what, &*panic).into()));
            // The receiver is gone when the future was dropped; nobody wants
            // the result then.
            let _ = tx.send(result);
        })
        .map_err(|e| ReelkitError::internal(format!("cannot start a worker thread: {e}")))?;
    let result = rx.await.unwrap_or_else(|_| Err(ReelkitError::internal(format!("{name} ended without a result"))));
    guard.0 = None;
    result
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::future::Future;
    use std::sync::mpsc;
    use std::task::{Context, Poll, Wake, Waker};
    use std::time::{Duration, Instant};

    struct Unpark(std::thread::Thread);

    impl Wake for Unpark {
        fn wake(self: Arc<Self>) {
            self.0.unpark();
        }
    }

    fn block_on<F: Future>(future: F) -> F::Output {
        let waker = Waker::from(Arc::new(Unpark(std::thread::current())));
        let mut cx = Context::from_waker(&waker);
        let mut future = std::pin::pin!(future);
        loop {
            if let Poll::Ready(out) = future.as_mut().poll(&mut cx) {
                return out;
            }
            std::thread::park_timeout(Duration::from_millis(50));
        }
    }

    /// Work that spins until cancelled (or 10 s), reporting whether it saw
    /// the cancellation.
    fn wait_for_cancel(started: mpsc::Sender<()>, done: mpsc::Sender<bool>) -> impl FnOnce(&RunCtl) -> Result<(), ReelkitError> {
        move |ctl| {
            started.send(()).unwrap();
            let t0 = Instant::now();
            while !ctl.cancel_token().is_cancelled() && t0.elapsed() < Duration::from_secs(10) {
                std::thread::sleep(Duration::from_millis(5));
            }
            done.send(ctl.check().is_err()).unwrap();
            Ok(ctl.check()?)
        }
    }

    #[test]
    fn returns_the_result_of_the_work() {
        assert_eq!(block_on(run_blocking("test", None, None, |_| Ok(42))).unwrap(), 42);
    }

    #[test]
    fn panics_become_internal_errors() {
        let err = block_on(run_blocking::<(), _>("test", None, None, |_| panic!("boom"))).unwrap_err();
        assert!(matches!(err, ReelkitError::Internal { ref message } if message.contains("boom")), "{err:?}");
    }

    #[test]
    fn dropping_the_future_cancels_the_work() {
        let (started_tx, started) = mpsc::channel();
        let (done_tx, done) = mpsc::channel();
        let mut future = Box::pin(run_blocking("test", None, None, wait_for_cancel(started_tx, done_tx)));
        let mut cx = Context::from_waker(Waker::noop());
        assert!(future.as_mut().poll(&mut cx).is_pending());
        started.recv_timeout(Duration::from_secs(5)).unwrap();
        drop(future);
        assert!(done.recv_timeout(Duration::from_secs(5)).unwrap(), "the work never saw the cancellation");
    }

    #[test]
    fn a_handle_cancels_running_calls_and_detaches_when_they_end() {
        let handle = CancelHandle::new();
        let (started_tx, started) = mpsc::channel();
        let (done_tx, done) = mpsc::channel();
        let canceller = {
            let handle = handle.clone();
            std::thread::spawn(move || {
                started.recv_timeout(Duration::from_secs(5)).unwrap();
                handle.cancel();
            })
        };
        let err = block_on(run_blocking("test", None, Some(handle.clone()), wait_for_cancel(started_tx, done_tx)))
            .unwrap_err();
        canceller.join().unwrap();
        assert!(matches!(err, ReelkitError::Cancelled { .. }), "{err:?}");
        assert!(done.recv().unwrap());
        assert!(handle.is_cancelled());
        // Later calls with the same handle fail before any work.
        let err = block_on(run_blocking("test", None, Some(handle.clone()), |_| Ok(()))).unwrap_err();
        assert!(matches!(err, ReelkitError::Cancelled { .. }));
        assert_eq!(Arc::strong_count(&handle), 1, "a finished call still holds the handle");
    }

    #[test]
    fn progress_reaches_the_observer() {
        struct Count(std::sync::Mutex<Vec<String>>);
        impl ProgressObserver for Count {
            fn on_progress(&self, event: reelkit::ProgressEvent) {
                self.0.lock().unwrap().push(format!("{} {:?}", event.stage, event.fraction()));
            }
        }
        let observer = Arc::new(Count(Default::default()));
        block_on(run_blocking("test", Some(observer.clone()), None, |ctl| {
            ctl.report(reelkit::Stage::Transcribe, 5.0, Some(10.0), "seconds");
            Ok(())
        }))
        .unwrap();
        assert_eq!(*observer.0.lock().unwrap(), vec!["transcribe Some(0.5)".to_owned()]);
    }
}
