//! `clips`: the whole job, from a video to captioned clips on disk (core
//! `pipeline` module).

use napi::bindgen_prelude::AsyncTask;
use napi::Env;
use napi_derive::napi;
use serde_json::Value;

use crate::asr::asr_config;
use crate::engine;
use crate::error::Failure;
use crate::partial::parse_partial;
use crate::progress::SignalArg;
use crate::task::{Control, Job, ProgressCallback};

/// Each signal of a clip, normalised to 0..1 across all candidates, plus the
/// raw measurement it came from.
#[napi(object, object_from_js = false)]
#[derive(Debug, Clone)]
pub struct SignalScores {
    pub energy: f64,
    pub scene_changes: f64,
    pub speech_density: f64,
    /// Mean loudness of the clip minus the file's mean, in dB.
    pub energy_db: f64,
    /// Scene cuts inside the clip.
    pub cuts: u32,
    /// Words per second.
    pub words_per_second: f64,
}

/// One exported clip, as listed in `clips.json`.
#[napi(object, object_from_js = false)]
#[derive(Debug, Clone)]
pub struct ClipReport {
    /// 1-based rank.
    pub index: u32,
    /// File names inside the output directory.
    pub video: String,
    pub srt: String,
    pub vtt: String,
    /// The styled captions as an ASS script.
    pub ass: String,
    pub start: f64,
    pub end: f64,
    pub duration: f64,
    /// Weighted sum of the normalised signals (0..1).
    pub score: f64,
    pub signals: SignalScores,
    pub text: String,
    /// One line saying why this clip ranks where it does.
    pub reason: String,
}

/// What a clips run produced (the content of `clips.json`).
#[napi(object, object_from_js = false)]
#[derive(Debug, Clone)]
pub struct ClipsReport {
    pub input: String,
    pub duration: f64,
    pub language: String,
    pub model: String,
    /// `source`, `16:9`, `9:16`, `1:1` or `4:5`.
    pub aspect: String,
    pub width: u32,
    pub height: u32,
    pub clips: Vec<ClipReport>,
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl From<reelkit::ClipsReport> for ClipsReport {
    fn from(r: reelkit::ClipsReport) -> Self {
        Self {
            input: r.input,
            duration: r.duration,
            language: r.language,
            model: r.model,
            aspect: r.aspect.as_str().to_owned(),
            width: r.width,
            height: r.height,
            clips: r
                .clips
                .into_iter()
                .map(|c| ClipReport {
                    index: count(c.index),
                    video: c.video,
                    srt: c.srt,
                    vtt: c.vtt,
                    ass: c.ass,
                    start: c.start,
                    end: c.end,
                    duration: c.duration,
                    score: c.score,
                    signals: SignalScores {
                        energy: c.signals.energy,
                        scene_changes: c.signals.scene_changes,
                        speech_density: c.signals.speech_density,
                        energy_db: c.signals.energy_db,
                        cuts: count(c.signals.cuts),
                        words_per_second: c.signals.words_per_second,
                    },
                    text: c.text,
                    reason: c.reason,
                })
                .collect(),
        }
    }
}

/// How to pick and export clips.
#[napi(object, object_to_js = false)]
pub struct ClipsOptions<'a> {
    /// How many clips to export (default 3).
    pub top: Option<u32>,
    /// Whisper model id or path (default `tiny.en`).
    pub model: Option<String>,
    /// Spoken language (ISO 639-1); detected on multilingual models when omitted.
    pub language: Option<String>,
    /// Frame shape: `source` (default), `16:9`, `9:16`, `1:1` or `4:5`.
    pub aspect: Option<String>,
    /// Target clip length range in seconds (default 15–60).
    pub min_duration: Option<f64>,
    pub max_duration: Option<f64>,
    /// Caption preset: `bold` (default), `clean`, `karaoke` or `pop`.
    pub style: Option<String>,
    /// Brand kit JSON file (fonts, colours, watermark, intro/outro slates).
    pub brand: Option<String>,
    /// A partial job in the core's JSON form, with its snake_case keys (as in
    /// the CLI and the HTTP API), e.g.
    /// `{ clips: { weights: { scene_changes: 0 } }, burn_captions: false }`.
    /// Unknown keys are rejected. The fields above override it.
    #[napi(ts_type = "Record<string, unknown>")]
    pub options: Option<Value>,
    #[napi(ts_type = "(event: ProgressEvent) => void")]
    pub on_progress: Option<ProgressCallback<'a>>,
    #[napi(ts_type = "CancelToken | AbortSignal")]
    pub signal: Option<SignalArg<'a>>,
}

/// The job settings of `ClipsOptions`, minus the callbacks (sent to the worker).
struct JobSettings {
    top: Option<u32>,
    model: Option<String>,
    language: Option<String>,
    aspect: Option<String>,
    min_duration: Option<f64>,
    max_duration: Option<f64>,
    style: Option<String>,
    brand: Option<String>,
    options: Option<Value>,
}

impl JobSettings {
    fn into_job(self) -> Result<reelkit::ClipsJob, Failure> {
        let mut job: reelkit::ClipsJob = parse_partial(self.options)?;
        if let Some(top) = self.top {
            job.clips.top = top as usize;
        }
        job.asr = asr_config(job.asr, self.model, self.language, None);
        if let Some(aspect) = self.aspect {
            job.aspect = aspect.parse()?;
        }
        if let Some(min) = self.min_duration {
            job.clips.min_duration = min;
        }
        if let Some(max) = self.max_duration {
            job.clips.max_duration = max;
        }
        if let Some(style) = self.style {
            job.style = Some(style.parse()?);
        }
        if let Some(kit) = self.brand {
            job.brand = Some(reelkit::subtitle::BrandKit::load(kit)?);
        }
        Ok(job)
    }
}

/// Find the best clips of `input` and export them with captions into
/// `outDir` as `clip-01.mp4`, `clip-01.srt`, `clip-01.vtt`..., plus
/// `clips.json` and `transcript.json`.
#[napi(ts_return_type = "Promise<ClipsReport>")]
pub fn clips(
    env: &Env,
    input: String,
    out_dir: String,
    options: Option<ClipsOptions<'_>>,
) -> napi::Result<AsyncTask<Job<ClipsReport>>> {
    let (settings, on_progress, signal) = match options {
        Some(o) => (
            JobSettings {
                top: o.top,
                model: o.model,
                language: o.language,
                aspect: o.aspect,
                min_duration: o.min_duration,
                max_duration: o.max_duration,
                style: o.style,
                brand: o.brand,
                options: o.options,
            },
            o.on_progress,
            o.signal,
        ),
        None => (
            JobSettings {
                top: None,
                model: None,
                language: None,
                aspect: None,
                min_duration: None,
                max_duration: None,
                style: None,
                brand: None,
                options: None,
            },
            None,
            None,
        ),
    };
    let control = Control::new(env, on_progress, signal)?;
    let ctl = control.run_ctl();
    Ok(AsyncTask::new(Job::new(control, move || {
        let job = settings.into_job()?;
        Ok(engine().clips(input, out_dir, &job, &ctl)?.into())
    })))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partial_json_fills_defaults_and_unknown_keys_are_named() {
        let job =
            parse_partial::<reelkit::ClipsJob>(Some(serde_json::json!({"clips": {"weights": {"scene_changes": 0}}, "burn_captions": false}))).unwrap();
        assert_eq!(job.clips.weights.scene_changes, 0.0);
        assert!(!job.burn_captions);
        assert_eq!(job.clips.top, 3);
        let err = parse_partial::<reelkit::ClipsJob>(Some(serde_json::json!({"clips": {"topp": 2}}))).unwrap_err();
        assert_eq!(err.code, "invalid_parameter");
        assert!(err.message.contains("`clips.topp`"), "{}", err.message);
        let err = parse_partial::<reelkit::ClipsJob>(Some(serde_json::json!({"burnCaptions": false}))).unwrap_err();
        assert!(err.message.contains("`burnCaptions`"), "{}", err.message);
        assert!(parse_partial::<reelkit::ClipsJob>(Some(serde_json::json!([1]))).is_err());
    }

    #[test]
    fn convenience_fields_override_the_json() {
        let settings = JobSettings {
            top: Some(1),
            model: Some("base".into()),
            language: None,
            aspect: Some("9:16".into()),
            min_duration: Some(5.0),
            max_duration: None,
            style: None,
            brand: None,
            options: Some(serde_json::json!({"clips": {"top": 4, "max_duration": 30}})),
        };
        let job = settings.into_job().unwrap();
        assert_eq!((job.clips.top, job.clips.min_duration, job.clips.max_duration), (1, 5.0, 30.0));
        assert_eq!(job.aspect, reelkit::Aspect::Portrait);
        assert_eq!(job.asr.model, "base");
    }
}
