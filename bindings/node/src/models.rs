//! `modelsList` and `modelsFetch` (the `reelkit-models` store the engine uses:
//! `$REELKIT_MODELS` or `~/.cache/reelkit/models`).

use napi::bindgen_prelude::AsyncTask;
use napi::Env;
use napi_derive::napi;
use reelkit::models::FetchEvent;

use crate::engine;
use crate::progress::{Coalesce, SignalArg};
use crate::task::{Control, Job, ProgressCallback};

/// A model of the store and whether it is installed.
#[napi(object, object_from_js = false)]
#[derive(Debug, Clone)]
pub struct ModelStatus {
    pub id: String,
    /// `whisper`, `piper_voice`, `sentence_encoder` or `onnxruntime`.
    pub kind: String,
    pub description: String,
    pub installed: bool,
    /// The model's main file (whisper: the ggml file), whether or not it exists yet.
    pub path: String,
    /// Bytes on disk when installed, else the download size.
    pub size_bytes: i64,
    /// Whether `modelsFetch()` without ids installs it.
    pub default: bool,
}

impl From<reelkit::models::ModelStatus> for ModelStatus {
    fn from(m: reelkit::models::ModelStatus) -> Self {
        Self {
            id: m.id,
            kind: m.kind.as_str().to_owned(),
            description: m.description,
            installed: m.installed,
            path: m.path.display().to_string(),
            size_bytes: i64::try_from(m.size_bytes).unwrap_or(i64::MAX),
            default: m.default,
        }
    }
}

/// Progress of `modelsFetch`.
#[napi(object, object_from_js = false)]
#[derive(Debug, Clone, PartialEq)]
pub struct ModelFetchEvent {
    /// `resolving`, `downloading`, `verifying`, `unpacking`, `converting`,
    /// `ready` or `already_present`.
    pub event: String,
    pub id: String,
    /// Bytes received so far (`downloading`).
    pub done: Option<f64>,
    /// Bytes to receive, when known (`downloading`).
    pub total: Option<f64>,
    /// The installed model's main file (`ready`).
    pub path: Option<String>,
}

impl From<FetchEvent> for ModelFetchEvent {
    fn from(e: FetchEvent) -> Self {
        let event = |name: &str, id: String| Self { event: name.to_owned(), id, done: None, total: None, path: None };
        match e {
            FetchEvent::Resolving { id } => event("resolving", id),
            FetchEvent::Downloading { id, done, total } => {
                Self { done: Some(done as f64), total: total.map(|t| t as f64), ..event("downloading", id) }
            }
            FetchEvent::Verifying { id } => event("verifying", id),
            FetchEvent::Unpacking { id } => event("unpacking", id),
            FetchEvent::Converting { id } => event("converting", id),
            FetchEvent::Ready { id, path } => Self { path: Some(path.display().to_string()), ..event("ready", id) },
            FetchEvent::AlreadyPresent { id } => event("already_present", id),
        }
    }
}

impl Coalesce for ModelFetchEvent {
    fn replaces(&self, older: &Self) -> bool {
        self.event == "downloading" && older.event == "downloading" && self.id == older.id
    }
}

/// Every model the store knows, with its install state.
#[napi(ts_return_type = "Promise<Array<ModelStatus>>")]
pub fn models_list(env: &Env) -> napi::Result<AsyncTask<Job<Vec<ModelStatus>>>> {
    let control = Control::<crate::progress::ProgressEvent>::new(env, None, None)?;
    Ok(AsyncTask::new(Job::new(control, || Ok(engine().store().list().into_iter().map(ModelStatus::from).collect()))))
}

/// Progress and cancellation of `modelsFetch`.
#[napi(object, object_to_js = false)]
pub struct ModelsFetchOptions<'a> {
    #[napi(ts_type = "(event: ModelFetchEvent) => void")]
    pub on_progress: Option<ProgressCallback<'a, ModelFetchEvent>>,
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
) -> napi::Result<AsyncTask<Job<Vec<ModelStatus>, ModelFetchEvent>>> {
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
            relay.push(event.into());
        };
        let statuses = engine().store().fetch(&ids, &mut on_event, &|| cancel.is_cancelled())?;
        Ok(statuses.into_iter().map(ModelStatus::from).collect())
    })))
}
