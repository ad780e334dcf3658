//! `run(spec)`: any job, as `reelkit run` runs it, and the helpers every
//! other function builds its job with.

use napi::bindgen_prelude::{AsyncTask, ToNapiValue, TypeName};
use napi::{sys, Env, ValueType};
use napi_derive::napi;
use reelkit::{JobSpec, RunCtl};
use serde_json::Value;

use crate::convert::{from_js, legacy_report, wire};
use crate::engine;
use crate::progress::SignalArg;
use crate::task::{Job, ProgressCallback, promise};

/// Progress and cancellation of a call.
#[napi(object, object_to_js = false)]
pub struct RunOptions<'a> {
    #[napi(ts_type = "(event: ProgressEvent) => void")]
    pub on_progress: Option<ProgressCallback<'a>>,
    #[napi(ts_type = "CancelToken | AbortSignal")]
    pub signal: Option<SignalArg<'a>>,
}

/// [`promise`] with the progress and cancellation of `RunOptions`.
pub fn promise_with<T: ToNapiValue + TypeName + Send + 'static>(
    env: &Env,
    options: Option<RunOptions<'_>>,
    work: impl FnOnce(&RunCtl) -> reelkit::Result<T> + Send + 'static,
) -> napi::Result<AsyncTask<Job<T>>> {
    let (on_progress, signal) = options.map(|o| (o.on_progress, o.signal)).unwrap_or_default();
    promise(env, on_progress, signal, work)
}

/// A JSON value on its way to JS (an object, for the TypeScript side).
pub struct Json(pub Value);

impl TypeName for Json {
    fn type_name() -> &'static str {
        "Object"
    }
    fn value_type() -> ValueType {
        ValueType::Object
    }
}

impl ToNapiValue for Json {
    unsafe fn to_napi_value(env: sys::napi_env, val: Self) -> napi::Result<sys::napi_value> {
        // SAFETY: forwarded from the caller.
        unsafe { Value::to_napi_value(env, val.0) }
    }
}

/// Run any job: `spec` is `{ kind, input, output, params }` as
/// `core/schema/job.schema.json` (and the `JobSpec` type) describes it, read
/// strictly (a misspelt key rejects with code `invalid_config` and its
/// dotted path in `field`). Resolves to the job's report tagged with its
/// kind — the JSON `reelkit run` prints. A job writes what its CLI
/// subcommand writes.
#[napi(ts_return_type = "Promise<JobReport>")]
pub fn run(
    env: &Env,
    #[napi(ts_arg_type = "JobSpec")] spec: Value,
    options: Option<RunOptions<'_>>,
) -> napi::Result<AsyncTask<Job<Json>>> {
    promise_with(env, options, move |ctl| {
        let spec = JobSpec::from_value(from_js(spec))?;
        Ok(Json(wire(engine().run(&spec, ctl)?.to_value())))
    })
}

/// The spec of a `kind` job (`params` is the explicit arguments already
/// laid over the caller's options with [`reelkit::config::merge`]).
pub fn spec(kind: &str, input: impl Into<Option<String>>, output: impl Into<Option<String>>, params: Value) -> reelkit::Result<JobSpec> {
    JobSpec::of(kind, input.into(), output.into(), params)
}

/// Run `spec` on the engine; its report in the shape the function that ran
/// it returns.
pub fn run_legacy(spec: &JobSpec, ctl: &RunCtl) -> reelkit::Result<Json> {
    Ok(Json(legacy_report(engine().run(spec, ctl)?)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn specs_come_from_kind_input_output_and_params() {
        let s = spec("clips", "a.mp4".to_owned(), "out".to_owned(), json!({"top": 2})).unwrap();
        assert_eq!(s.to_value()["params"]["top"], 2);
        assert_eq!(s.to_value()["input"], "a.mp4");
        let e = spec("scenes", "a.mp4".to_owned(), None, json!({"treshold": 2})).unwrap_err();
        assert_eq!((e.code(), e.field()), ("invalid_config", Some("params.treshold")));
    }
}
