//! [`Job`]: one core call run on the libuv thread pool as a promise, with its
//! progress relay and cancellation.

use std::sync::Arc;

use napi::bindgen_prelude::{AsyncTask, Function, ToNapiValue, TypeName};
use napi::threadsafe_function::UnknownReturnValue;
use napi::{Env, JsValue, Status, Task, ValueType};
use serde_json::Value;

use crate::convert::progress_event;
use crate::progress::{Cancellation, Relay, SignalArg};

/// The `onProgress` option of a call: it receives each event as an object.
pub type ProgressCallback<'a> = Function<'a, Value, UnknownReturnValue>;

/// Progress relay and cancellation of one call, set up on the JS thread.
pub struct Control {
    relay: Option<Arc<Relay>>,
    cancellation: Cancellation,
}

impl Control {
    pub fn new(env: &Env, on_progress: Option<ProgressCallback<'_>>, signal: Option<SignalArg<'_>>) -> napi::Result<Self> {
        let cancellation = Cancellation::new(env, signal)?;
        let relay = match on_progress {
            Some(callback) if callback.to_unknown().get_type()? == ValueType::Function => {
                Some(Relay::new(env, &callback, cancellation.token().clone())?)
            }
            Some(_) => return Err(crate::error::to_napi(env, &reelkit::Error::invalid("onProgress", "expected a function"))),
            None => None,
        };
        Ok(Self { relay, cancellation })
    }

    /// A call without progress or cancellation.
    pub fn none(env: &Env) -> napi::Result<Self> {
        Self::new(env, None, None)
    }

    pub fn cancel_token(&self) -> &reelkit::CancelToken {
        self.cancellation.token()
    }

    /// Where worker code sends its events (`None` when nobody listens).
    pub fn relay(&self) -> Option<Arc<Relay>> {
        self.relay.clone()
    }

    /// The core's view: events go to the relay (at most one per percent of a
    /// stage, [`reelkit::Throttled`]), cancellation to the token.
    pub fn run_ctl(&self) -> reelkit::RunCtl {
        let ctl = reelkit::RunCtl::default().with_cancel(self.cancel_token().clone());
        match self.relay() {
            Some(relay) => ctl.with_progress(Arc::new(reelkit::Throttled::new(move |e: &reelkit::ProgressEvent| relay.push(progress_event(e))))),
            None => ctl,
        }
    }

    /// Deliver the last events; the error the callback threw, if it did.
    fn finish(&self, env: &Env) -> Option<napi::Error> {
        self.relay.as_ref().and_then(|r| r.finish(env))
    }

    fn release(&mut self, env: &Env) -> napi::Result<()> {
        if let Some(relay) = self.relay.take() {
            relay.close();
        }
        self.cancellation.release(env)
    }
}

/// A promise of `work`, which gets the call's `RunCtl`: progress to
/// `on_progress`, cancelled by `signal`.
pub fn promise<T: ToNapiValue + TypeName + Send + 'static>(
    env: &Env,
    on_progress: Option<ProgressCallback<'_>>,
    signal: Option<SignalArg<'_>>,
    work: impl FnOnce(&reelkit::RunCtl) -> reelkit::Result<T> + Send + 'static,
) -> napi::Result<AsyncTask<Job<T>>> {
    let control = Control::new(env, on_progress, signal)?;
    let ctl = control.run_ctl();
    Ok(AsyncTask::new(Job::new(control, move || work(&ctl))))
}

type Work<T> = Box<dyn FnOnce() -> reelkit::Result<T> + Send>;

/// A core call as a `Promise<T>`: runs on the libuv pool, settles after
/// the last progress event, rejects with the core's error as a JS error.
pub struct Job<T> {
    work: Option<Work<T>>,
    control: Control,
    failure: Option<reelkit::Error>,
}

impl<T> Job<T> {
    pub fn new(control: Control, work: impl FnOnce() -> reelkit::Result<T> + Send + 'static) -> Self {
        Self { work: Some(Box::new(work)), control, failure: None }
    }
}

impl<T> Task for Job<T>
where
    T: ToNapiValue + TypeName + Send + 'static,
{
    type Output = T;
    type JsValue = T;

    fn compute(&mut self) -> napi::Result<T> {
        let work = self.work.take().ok_or_else(|| napi::Error::from_status(Status::GenericFailure))?;
        reelkit::Error::catch_panic("the call", work).map_err(|failure| {
            self.failure = Some(failure);
            napi::Error::from_status(Status::GenericFailure)
        })
    }

    fn resolve(&mut self, env: Env, output: T) -> napi::Result<T> {
        match self.control.finish(&env) {
            Some(thrown) => Err(thrown),
            None => Ok(output),
        }
    }

    fn reject(&mut self, env: Env, err: napi::Error) -> napi::Result<T> {
        if let Some(thrown) = self.control.finish(&env) {
            return Err(thrown);
        }
        Err(self.failure.take().map_or(err, |f| crate::error::to_napi(&env, &f)))
    }

    fn finally(mut self, env: Env) -> napi::Result<()> {
        self.control.release(&env)
    }
}
