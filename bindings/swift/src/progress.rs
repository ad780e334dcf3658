//! Progress to a foreign observer, and cancellation through a handle.

use std::sync::{Arc, Mutex};

use reelkit::{CancelToken, ProgressEvent, ProgressSink};

/// Receives progress events of a running call. Implemented in Swift (or any
/// other foreign language); called on reelkit's worker thread, so keep it
/// quick and hop to your own queue/actor for UI work. The event is the
/// core's `ProgressEvent`, crossing as JSON like every record.
#[uniffi::export(with_foreign)]
pub trait ProgressObserver: Send + Sync {
    fn on_progress(&self, event: ProgressEvent);
}

/// Forwards core events to a foreign observer.
pub(crate) struct ObserverSink(pub Arc<dyn ProgressObserver>);

impl ProgressSink for ObserverSink {
    fn emit(&self, event: &ProgressEvent) {
        self.0.on_progress(event.clone());
    }
}

/// Cancels the calls it is passed to. One handle may serve several calls;
/// once cancelled it stays cancelled (make a new one for new work).
#[derive(Debug, Default, uniffi::Object)]
pub struct CancelHandle {
    state: Mutex<HandleState>,
}

#[derive(Debug, Default)]
struct HandleState {
    cancelled: bool,
    next_id: u64,
    /// Tokens of the calls running with this handle.
    calls: Vec<(u64, CancelToken)>,
}

#[uniffi::export]
impl CancelHandle {
    #[uniffi::constructor]
    pub fn new() -> Arc<Self> {
        Arc::new(Self::default())
    }

    /// Ask every call running with this handle to stop at its next
    /// checkpoint; they fail with `ReelkitError.Cancelled`. Calls started
    /// with it later fail at once.
    pub fn cancel(&self) {
        let mut state = self.lock();
        state.cancelled = true;
        for (_, token) in &state.calls {
            token.cancel();
        }
    }

    pub fn is_cancelled(&self) -> bool {
        self.lock().cancelled
    }
}

impl CancelHandle {
    fn lock(&self) -> std::sync::MutexGuard<'_, HandleState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Tie a call's token to this handle until the returned guard drops.
    pub(crate) fn attach(self: &Arc<Self>, token: &CancelToken) -> Attached {
        let mut state = self.lock();
        if state.cancelled {
            token.cancel();
        }
        let id = state.next_id;
        state.next_id += 1;
        state.calls.push((id, token.clone()));
        Attached { handle: self.clone(), id }
    }
}

/// Detaches a call from its [`CancelHandle`] when the call ends.
pub(crate) struct Attached {
    handle: Arc<CancelHandle>,
    id: u64,
}

impl Drop for Attached {
    fn drop(&mut self) {
        self.handle.lock().calls.retain(|(id, _)| *id != self.id);
    }
}
