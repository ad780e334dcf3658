//! `detectScenes` (core `scenes` module).

use napi::bindgen_prelude::AsyncTask;
use napi::Env;
use napi_derive::napi;

use crate::progress::SignalArg;
use crate::task::{Control, Job, ProgressCallback};

/// One scene: `[start, end)` in seconds and frames.
#[napi(object, object_from_js = false)]
#[derive(Debug, Clone)]
pub struct Scene {
    pub start: f64,
    pub end: f64,
    pub start_frame: i64,
    pub end_frame: i64,
}

/// Detected scenes of the primary video stream.
#[napi(object, object_from_js = false)]
#[derive(Debug, Clone)]
pub struct SceneList {
    pub fps: f64,
    pub frames: i64,
    pub scenes: Vec<Scene>,
    /// Start times of every scene after the first.
    pub cuts: Vec<f64>,
}

fn int(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

impl From<reelkit::scenes::SceneList> for SceneList {
    fn from(list: reelkit::scenes::SceneList) -> Self {
        Self {
            fps: list.fps,
            frames: int(list.frames),
            cuts: list.cuts(),
            scenes: list
                .scenes
                .into_iter()
                .map(|s| Scene {
                    start: s.start,
                    end: s.end,
                    start_frame: int(s.start_frame),
                    end_frame: int(s.end_frame),
                })
                .collect(),
        }
    }
}

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
pub fn detect_scenes(
    env: &Env,
    path: String,
    options: Option<DetectScenesOptions<'_>>,
) -> napi::Result<AsyncTask<Job<SceneList>>> {
    let mut config = reelkit::scenes::SceneConfig::default();
    let (mut on_progress, mut signal) = (None, None);
    if let Some(o) = options {
        if let Some(threshold) = o.threshold {
            config.threshold = threshold as f32;
        }
        if let Some(len) = o.min_scene_len {
            config.min_scene_len = len;
        }
        if let Some(width) = o.analysis_width {
            config.analysis_width = width;
        }
        (on_progress, signal) = (o.on_progress, o.signal);
    }
    let control = Control::new(env, on_progress, signal)?;
    let ctl = control.run_ctl();
    Ok(AsyncTask::new(Job::new(control, move || Ok(reelkit::scenes::detect_scenes(path, &config, &ctl)?.into()))))
}
