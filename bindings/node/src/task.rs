//! [`Job`]: one core call run on the libuv thread pool as a promise, with its
//! progress relay and cancellation.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{Arc, Mutex};

use napi::bindgen_prelude::{Function, ToNapiValue, TypeName};
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
    /// stage), cancellation to the token.
    pub fn run_ctl(&self) -> reelkit::RunCtl {
        let ctl = reelkit::RunCtl::default().with_cancel(self.cancel_token().clone());
        match self.relay() {
            Some(relay) => {
                let throttle = Mutex::new(Throttle::default());
                ctl.with_progress(Arc::new(move |e: &reelkit::ProgressEvent| {
                    if throttle.lock().unwrap_or_else(|p| p.into_inner()).admit(e) {
                        relay.push(progress_event(e));
                    }
                }))
            }
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

/// Drops repeated events and events that move a stage by less than 1 %; the
/// first and the last event of each stage (and of each message) pass.
#[derive(Default)]
struct Throttle {
    last: Option<reelkit::ProgressEvent>,
}

impl Throttle {
    fn admit(&mut self, event: &reelkit::ProgressEvent) -> bool {
        let pass = match (&self.last, event.fraction()) {
            (Some(last), _) if last == event => false,
            (Some(last), Some(f)) if last.stage == event.stage && last.message == event.message => {
                f >= 1.0 || last.fraction().is_none_or(|l| f - l >= 0.01)
            }
            _ => true,
        };
        if pass {
            self.last = Some(event.clone());
        }
        pass
    }
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
        let result = catch_unwind(AssertUnwindSafe(work)).unwrap_or_else(|panic| {
            let what = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            Err(reelkit::Error::internal(format!("panic: {what}")))
        });
        result.map_err(|failure| {
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

#[cfg(test)]
mod tests {
    use super::*;
    use reelkit::Stage;

    fn event(stage: Stage, done: f64, total: Option<f64>) -> reelkit::ProgressEvent {
        reelkit::ProgressEvent { stage, done, total, unit: "seconds", message: None, rate: None, eta: None }
    }

    #[test]
    fn throttle_keeps_stage_edges_and_whole_percents() {
        let events = [
            event(Stage::DecodeAudio, 0.0, Some(1000.0)),
            event(Stage::DecodeAudio, 5.0, Some(1000.0)),
            event(Stage::DecodeAudio, 10.0, Some(1000.0)),
            event(Stage::DecodeAudio, 12.0, Some(1000.0)),
            event(Stage::DecodeAudio, 1000.0, Some(1000.0)),
            event(Stage::DecodeAudio, 1000.0, Some(1000.0)),
            event(Stage::Transcribe, 0.0, Some(10.0)),
            event(Stage::Transcribe, 0.0, None),
            event(Stage::Transcribe, 10.0, Some(10.0)),
        ];
        let mut throttle = Throttle::default();
        let admitted: Vec<(Stage, f64)> = events.iter().filter(|e| throttle.admit(e)).map(|e| (e.stage, e.done)).collect();
        let expected = [
            (Stage::DecodeAudio, 0.0),
            (Stage::DecodeAudio, 10.0),
            (Stage::DecodeAudio, 1000.0),
            (Stage::Transcribe, 0.0),
            (Stage::Transcribe, 0.0),
            (Stage::Transcribe, 10.0),
        ];
        assert_eq!(admitted, expected);
    }
}
