//! Progress and cancellation across the thread boundary.
//!
//! The core reports [`reelkit::ProgressEvent`]s on the worker thread; they
//! cross as JSON values ([`crate::convert::progress_event`]) into a
//! [`Relay`]: a queue that wakes the JS thread through a weak
//! threadsafe function, coalesces events the JS thread has not seen yet, and
//! is drained once more right before the promise settles, so no event
//! arrives after `await` returns. A callback that throws cancels the job and
//! the promise rejects with what it threw.
//!
//! Cancellation: a [`CancelToken`] (this module's JS class) or any
//! `AbortSignal`; the latter gets an `abort` listener for the duration of the
//! call.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, Weak};

use napi::bindgen_prelude::{
    ClassInstance, FnArgs, FromNapiValue, Function, FunctionRef, JavaScriptClassExt, JsObjectValue, Object, ObjectRef,
    Unknown,
};
use napi::threadsafe_function::{ThreadsafeFunction, ThreadsafeFunctionCallMode, UnknownReturnValue};
use napi::{Env, JsValue, Status, ValueType};
use napi_derive::napi;
use serde_json::Value;

/// Asks running work to stop. One token may be shared by several calls; once
/// cancelled it stays cancelled.
#[napi]
#[derive(Debug, Default)]
pub struct CancelToken {
    inner: reelkit::CancelToken,
}

#[napi]
impl CancelToken {
    #[napi(constructor)]
    pub fn new() -> Self {
        Self::default()
    }

    /// Ask every call holding this token to stop at its next checkpoint; they
    /// reject with `code === "cancelled"`.
    #[napi]
    pub fn cancel(&self) {
        self.inner.cancel();
    }

    /// Whether `cancel()` was called.
    #[napi(getter)]
    pub fn cancelled(&self) -> bool {
        self.inner.is_cancelled()
    }
}

/// Whether the newer event `new` makes the queued, not yet delivered `old`
/// redundant: both count work (`done`) and say the same about everything
/// else (stage, message, model id, total...).
fn replaces(new: &Value, old: &Value) -> bool {
    const MOVING: &[&str] = &["done", "fraction", "rate", "eta"];
    let (Some(new), Some(old)) = (new.as_object(), old.as_object()) else { return false };
    let same = |a: &serde_json::Map<String, Value>, b: &serde_json::Map<String, Value>| {
        a.iter().filter(|(k, _)| !MOVING.contains(&k.as_str())).all(|(k, v)| b.get(k) == Some(v))
    };
    new.contains_key("done") && old.contains_key("done") && same(new, old) && same(old, new)
}

/// What a call was given to be cancelled by (`signal` option).
pub type SignalArg<'a> = Unknown<'a>;

type Waker = ThreadsafeFunction<(), (), (), Status, false, true>;

struct Queue {
    events: VecDeque<Value>,
    wake_pending: bool,
    /// What the callback threw; no more events are delivered after it.
    thrown: Option<napi::Error>,
}

/// Carries events from worker threads to a JS callback.
pub struct Relay {
    queue: Mutex<Queue>,
    callback: FunctionRef<Value, UnknownReturnValue>,
    waker: Mutex<Option<Waker>>,
    cancel: reelkit::CancelToken,
}

impl Relay {
    /// A relay to `callback`; a throwing callback cancels `cancel`.
    pub fn new(
        env: &Env,
        callback: &Function<'_, Value, UnknownReturnValue>,
        cancel: reelkit::CancelToken,
    ) -> napi::Result<Arc<Self>> {
        let relay = Arc::new(Self {
            queue: Mutex::new(Queue { events: VecDeque::new(), wake_pending: false, thrown: None }),
            callback: callback.create_ref()?,
            waker: Mutex::new(None),
            cancel,
        });
        let weak: Weak<Self> = Arc::downgrade(&relay);
        let drain = env.create_function_from_closure::<(), (), _>("reelkitProgress", move |ctx| {
            if let Some(relay) = weak.upgrade() {
                relay.drain(ctx.env);
            }
            Ok(())
        })?;
        let waker = drain.build_threadsafe_function::<()>().callee_handled::<false>().weak::<true>().build()?;
        *lock(&relay.waker) = Some(waker);
        Ok(relay)
    }

    /// Queue `event` (any thread).
    pub fn push(&self, event: Value) {
        let wake = {
            let mut q = lock(&self.queue);
            if q.thrown.is_some() {
                return;
            }
            match q.events.back_mut() {
                Some(last) if replaces(&event, last) => *last = event,
                _ => q.events.push_back(event),
            }
            !std::mem::replace(&mut q.wake_pending, true)
        };
        if wake {
            if let Some(waker) = lock(&self.waker).as_ref() {
                waker.call((), ThreadsafeFunctionCallMode::NonBlocking);
            }
        }
    }

    /// Deliver every queued event (JS thread).
    pub fn drain(&self, env: &Env) {
        loop {
            let batch: Vec<Value> = {
                let mut q = lock(&self.queue);
                q.wake_pending = false;
                if q.thrown.is_some() {
                    q.events.clear();
                }
                q.events.drain(..).collect()
            };
            if batch.is_empty() {
                return;
            }
            let callback = match self.callback.borrow_back(env) {
                Ok(f) => f,
                Err(e) => return self.fail(e),
            };
            for event in batch {
                if let Err(e) = callback.call(event) {
                    return self.fail(e);
                }
            }
        }
    }

    fn fail(&self, error: napi::Error) {
        let mut q = lock(&self.queue);
        q.events.clear();
        q.thrown.get_or_insert(error);
        self.cancel.cancel();
    }

    /// Deliver what is left, then hand back what the callback threw, if it did.
    pub fn finish(&self, env: &Env) -> Option<napi::Error> {
        self.drain(env);
        lock(&self.queue).thrown.take()
    }

    /// Release the threadsafe function (the relay can then be dropped).
    pub fn close(&self) {
        lock(&self.waker).take();
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// An `abort` listener added to an `AbortSignal` for the duration of a call.
struct AbortLink {
    signal: ObjectRef<false>,
    listener: FunctionRef<(), ()>,
}

impl AbortLink {
    fn remove(self, env: &Env) -> napi::Result<()> {
        let removed = (|| {
            let signal = self.signal.get_value(env)?;
            let remove: ListenerMethod<'_> = signal.get_named_property("removeEventListener")?;
            remove.apply(signal, ("abort", self.listener.borrow_back(env)?).into()).map(|_| ())
        })();
        let released = self.signal.unref(env);
        removed.and(released)
    }
}

/// `addEventListener` / `removeEventListener` as called here.
type ListenerMethod<'a> = Function<'a, FnArgs<(&'a str, Function<'a, (), ()>)>, UnknownReturnValue>;

/// The cancel token of one call: the caller's `CancelToken`, or a fresh one
/// wired to the caller's `AbortSignal`.
pub struct Cancellation {
    token: reelkit::CancelToken,
    link: Option<AbortLink>,
}

impl Cancellation {
    pub fn new(env: &Env, signal: Option<SignalArg<'_>>) -> napi::Result<Self> {
        let Some(signal) = signal.filter(|s| !matches!(s.get_type(), Ok(ValueType::Undefined | ValueType::Null)))
        else {
            return Ok(Self { token: reelkit::CancelToken::new(), link: None });
        };
        if CancelToken::instance_of(env, &signal)? {
            // SAFETY: `signal` is a live value of this env, checked to be a CancelToken.
            let token = unsafe { ClassInstance::<CancelToken>::from_napi_value(env.raw(), signal.raw())? };
            return Ok(Self { token: token.inner.clone(), link: None });
        }
        let not_a_signal =
            || crate::error::to_napi(env, &reelkit::Error::invalid("signal", "expected a CancelToken or an AbortSignal"));
        if signal.get_type()? != ValueType::Object {
            return Err(not_a_signal());
        }
        // SAFETY: checked to be an object just above.
        let object: Object<'_> = unsafe { signal.cast()? };
        let add: Unknown<'_> = object.get_named_property("addEventListener")?;
        if add.get_type()? != ValueType::Function || !object.has_named_property("aborted")? {
            return Err(not_a_signal());
        }
        let token = reelkit::CancelToken::new();
        if object.get_named_property::<bool>("aborted")? {
            token.cancel();
            return Ok(Self { token, link: None });
        }
        let on_abort = token.clone();
        let listener = env.create_function_from_closure::<(), (), _>("reelkitAbort", move |_| {
            on_abort.cancel();
            Ok(())
        })?;
        // SAFETY: checked to be a function above.
        let add: ListenerMethod<'_> = unsafe { add.cast()? };
        add.apply(object, ("abort", listener).into())?;
        let link = AbortLink { signal: object.create_ref()?, listener: listener.create_ref()? };
        Ok(Self { token, link: Some(link) })
    }

    pub fn token(&self) -> &reelkit::CancelToken {
        &self.token
    }

    /// Remove the `abort` listener, if one was added.
    pub fn release(&mut self, env: &Env) -> napi::Result<()> {
        match self.link.take() {
            Some(link) => link.remove(env),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn newer_counts_replace_queued_ones_of_the_same_step() {
        let older = json!({"stage": "transcode", "done": 1, "total": 10, "fraction": 0.1, "unit": "frames"});
        let newer = json!({"stage": "transcode", "done": 2, "total": 10, "fraction": 0.2, "unit": "frames", "rate": 5});
        assert!(replaces(&newer, &older));
        assert!(!replaces(&json!({"stage": "export", "done": 2, "total": 10, "unit": "frames"}), &older));
        let downloading = json!({"event": "downloading", "id": "joe", "done": 1});
        assert!(replaces(&json!({"event": "downloading", "id": "joe", "done": 9}), &downloading));
        assert!(!replaces(&json!({"event": "ready", "id": "joe", "path": "/x"}), &downloading));
    }
}
