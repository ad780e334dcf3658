//! `modelsList` and `modelsFetch` (the engine's model store:
//! `$REELKIT_MODELS` or `~/.cache/reelkit/models`).

use napi::bindgen_prelude::AsyncTask;
use napi::Env;
use napi_derive::napi;
use reelkit::models::FetchEvent;

use crate::convert::record;
use crate::engine;
use crate::progress::SignalArg;
use crate::run::Json;
use crate::task::{Control, Job, ProgressCallback};

/// Every model the store knows, with its install state.
#[napi(ts_return_type = "Promise<Array<ModelStatus>>")]
pub fn models_list(env: &Env) -> napi::Result<AsyncTask<Job<Json>>> {
    Ok(AsyncTask::new(Job::new(Control::none(env)?, || Ok(Json(engine().store().list().iter().map(record).collect())))))
}

/// Progress and cancellation of `modelsFetch`.
#[napi(object, object_to_js = false)]
pub struct ModelsFetchOptions<'a> {
    #[napi(ts_type = "(event: ModelFetchEvent) => void")]
    pub on_progress: Option<ProgressCallback<'a>>,
    #[napi(ts_type = "CancelToken | AbortSignal")]
    pub signal: Option<SignalArg<'a>>,
}

/// Download (when missing), verify and install models: the given ids, or
/// every default model. Installed models are left alone.
#[napi(ts_return_type = "Promise<Array<ModelStatus>>")]
pub fn models_fetch(
    env: &Env,
    ids: Option<Vec<String>>,
    options: Option<ModelsFetchOptions<'_>>,
) -> napi::Result<AsyncTask<Job<Json>>> {
    let (on_progress, signal) = options.map(|o| (o.on_progress, o.signal)).unwrap_or_default();
    let control = Control::new(env, on_progress, signal)?;
    let relay = control.relay();
    let cancel = control.cancel_token().clone();
    Ok(AsyncTask::new(Job::new(control, move || {
        let ids: Vec<&str> = ids.iter().flatten().map(String::as_str).collect();
        let mut last_reported = 0u64;
        let mut on_event = |event: FetchEvent| {
            let Some(relay) = &relay else { return };
            // At most one downloading event per MiB.
            if let FetchEvent::Downloading { done, total, .. } = &event {
                if *done - last_reported.min(*done) < 1 << 20 && Some(*done) != *total {
                    return;
                }
                last_reported = *done;
            }
            relay.push(record(&event));
        };
        let statuses = engine().store().fetch(&ids, &mut on_event, &|| cancel.is_cancelled())?;
        Ok(Json(statuses.iter().map(record).collect()))
    })))
}
