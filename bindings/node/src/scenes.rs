//! `detectScenes` (a `scenes` job).

use napi::bindgen_prelude::AsyncTask;
use napi::Env;
use napi_derive::napi;
use reelkit::config::object;
use serde_json::json;

use crate::progress::SignalArg;
use crate::run::{run_legacy, spec, Json};
use crate::task::{Job, ProgressCallback, promise};

/// Scene detection settings.
#[napi(object, object_to_js = false)]
pub struct DetectScenesOptions<'a> {
    /// Content score (0..255) at or above which a cut is declared (default 27).
    pub threshold: Option<f64>,
    /// Shortest scene in seconds (default 0.5).
    pub min_scene_len: Option<f64>,
    /// Width frames are scaled to before analysis (default 128).
    pub analysis_width: Option<u32>,
    #[napi(ts_type = "(event: ProgressEvent) => void")]
    pub on_progress: Option<ProgressCallback<'a>>,
    #[napi(ts_type = "CancelToken | AbortSignal")]
    pub signal: Option<SignalArg<'a>>,
}

/// Detect scene cuts in the primary video stream.
#[napi(ts_return_type = "Promise<SceneList>")]
pub fn detect_scenes(env: &Env, path: String, options: Option<DetectScenesOptions<'_>>) -> napi::Result<AsyncTask<Job<Json>>> {
    let (params, on_progress, signal) = match options {
        Some(o) => (
            object([
                ("threshold", json!(o.threshold)),
                ("min_scene_len", json!(o.min_scene_len)),
                ("analysis_width", json!(o.analysis_width)),
            ]),
            o.on_progress,
            o.signal,
        ),
        None => (json!({}), None, None),
    };
    promise(env, on_progress, signal, move |ctl| run_legacy(&spec("scenes", path, None, params)?, ctl))
}
