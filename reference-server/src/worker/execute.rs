//! One run of one claimed job: stage its inputs from the store into a
//! scratch directory, build the core `JobSpec` (server-chosen input and
//! output paths), call `Engine::run` on a blocking thread with the job's
//! `RunCtl`, then store the outputs and record the outcome — only while the
//! lease is still ours.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use reelkit::{CancelToken, JobSpec, RunCtl};
use serde_json::{json, Value};
use tokio_util::sync::CancellationToken;

use super::heartbeat::{self, BeatOutcome, ProgressFeed};
use super::outputs;
use super::Worker;
use crate::db::artifacts::Artifact;
use crate::db::jobs::{control, FailureOutcome, Job, SideEffects};
use crate::db::videos::state as video_state;
use crate::db::{new_id, now_ms};
use crate::jobs::spec::{self, OutputPlan};

/// How a run ended, for logs and metrics.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Outcome {
    Succeeded,
    Retrying,
    Failed,
    Cancelled,
    Paused,
    Released,
    Lost,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Succeeded => "succeeded",
            Outcome::Retrying => "retrying",
            Outcome::Failed => "failed",
            Outcome::Cancelled => "cancelled",
            Outcome::Paused => "paused",
            Outcome::Released => "released",
            Outcome::Lost => "lost",
        }
    }
}

/// A failure of the run itself (staging, storing), as a code and message.
struct RunError {
    code: String,
    message: String,
    /// Worth another attempt.
    retry: bool,
}

impl RunError {
    fn internal(what: &str, e: impl std::fmt::Display) -> Self {
        tracing::error!(error = %e, "{what}");
        Self { code: "internal".into(), message: format!("{what} failed"), retry: true }
    }
}

impl Worker {
    /// Run `job` to an outcome. `release` asks it to give the job back
    /// (shutdown after the grace period).
    pub(super) async fn execute(self: Arc<Self>, job: Job, release: CancellationToken) -> Outcome {
        let started = Instant::now();
        let outcome = self.execute_inner(&job, release).await;
        let seconds = started.elapsed().as_secs_f64();
        metrics::histogram!(crate::metrics::JOB_DURATION, "kind" => job.kind.clone(), "outcome" => outcome.as_str())
            .record(seconds);
        metrics::counter!(crate::metrics::JOBS_FINISHED, "kind" => job.kind.clone(), "outcome" => outcome.as_str())
            .increment(1);
        tracing::info!(job = %job.id, kind = %job.kind, attempt = job.attempts, outcome = outcome.as_str(), seconds, "job run ended");
        outcome
    }

    async fn execute_inner(&self, job: &Job, release: CancellationToken) -> Outcome {
        // A job whose earlier worker died with a stop request pending, or
        // that has crashed its workers too often, ends without running.
        if let Some(c) = job.control.as_deref() {
            return self.record_stop(job, c).await;
        }
        if job.attempts > job.max_attempts {
            let message = format!("the job's worker stopped before finishing {} times", job.attempts - 1);
            return self.record_failure(job, "worker_lost", &message, false).await;
        }
        let scratch = self.scratch_dir(job);
        let outcome = self.run_in(job, &scratch, release).await;
        if let Err(e) = tokio::fs::remove_dir_all(&scratch).await {
            if e.kind() != std::io::ErrorKind::NotFound {
                tracing::warn!(dir = %scratch.display(), error = %e, "could not remove a job's scratch directory");
            }
        }
        outcome
    }

    fn scratch_dir(&self, job: &Job) -> PathBuf {
        self.work_dir.join(&job.id).join(format!("a{}", job.attempts))
    }

    async fn run_in(&self, job: &Job, scratch: &Path, release: CancellationToken) -> Outcome {
        let prepared = match self.prepare(job, scratch).await {
            Ok(p) => p,
            Err(e) => return self.record_failure(job, &e.code, &e.message, e.retry).await,
        };
        let cancel = CancelToken::new();
        let (feed, progress) = ProgressFeed::new();
        let ctl = RunCtl::new(feed, cancel.clone());
        let stop_beat = CancellationToken::new();
        let beat = tokio::spawn(heartbeat::run(
            self.db.clone(),
            job.clone(),
            self.name.clone(),
            self.lease,
            self.heartbeat,
            progress,
            cancel.clone(),
            stop_beat.clone(),
        ));
        let on_release = {
            let cancel = cancel.clone();
            let release = release.clone();
            tokio::spawn(async move {
                release.cancelled().await;
                cancel.cancel();
            })
        };
        let engine = self.engine.clone();
        let spec = prepared.spec;
        let result = tokio::task::spawn_blocking(move || engine.run(&spec, &ctl)).await;
        on_release.abort();
        stop_beat.cancel();
        let beat: BeatOutcome = beat.await.unwrap_or_default();
        if beat.lost {
            return Outcome::Lost;
        }
        let result = match result {
            Ok(r) => r,
            Err(e) => return self.record_failure(job, "internal", &format!("the job's thread failed: {e}"), true).await,
        };
        match result {
            Ok(report) => self.record_success(job, scratch, &prepared.output_dir, &prepared.plan, report).await,
            Err(e) if e.is_cancelled() => match (&beat.control, release.is_cancelled()) {
                (Some(c), _) => self.record_stop(job, c).await,
                (None, true) => self.record_release(job).await,
                // Cancelled without a request: treat as a failure worth a retry.
                (None, false) => self.record_failure(job, e.code(), &scrub(&e.to_string(), scratch), true).await,
            },
            Err(e) => {
                let retry = !e.is_input_error();
                self.record_failure(job, e.code(), &scrub(&e.to_string(), scratch), retry).await
            }
        }
    }

    /// Stage the inputs and build the spec.
    async fn prepare(&self, job: &Job, scratch: &Path) -> Result<Prepared, RunError> {
        let io = |what: &'static str| move |e: std::io::Error| RunError::internal(what, e);
        let params: Value = serde_json::from_str(&job.params).unwrap_or_else(|_| json!({}));
        let (kind, mut normalized) = spec::check_params(&job.kind, params).map_err(|e| RunError {
            code: e.code().into(),
            message: e.to_string(),
            retry: false,
        })?;
        let refs = spec::check_paths(kind, &normalized, &self.known).map_err(|e| RunError {
            code: e.code.to_string(),
            message: e.message.clone(),
            retry: false,
        })?;
        let inputs_dir = scratch.join("inputs");
        let output_dir = scratch.join("out");
        tokio::fs::create_dir_all(&inputs_dir).await.map_err(io("creating the scratch directory"))?;
        tokio::fs::create_dir_all(&output_dir).await.map_err(io("creating the output directory"))?;

        // Files the params name, by artifact id, from this organisation only.
        let mut staged = Vec::new();
        for r in refs {
            let artifact = self
                .db
                .artifact(&job.org_id, &r.artifact_id)
                .await
                .map_err(|e| RunError::internal("reading an input artifact", e))?
                .ok_or_else(|| RunError {
                    code: "not_found".into(),
                    message: format!("artifact {} no longer exists", r.artifact_id),
                    retry: false,
                })?;
            let local = inputs_dir.join(format!("{}{}", artifact.id, crate::storage::extension_of(&artifact.name)));
            self.store.get_to_file(&artifact.object_key, &local).await.map_err(|e| RunError::internal("staging an input artifact", e))?;
            staged.push((r, local.display().to_string()));
        }
        spec::substitute(&mut normalized, &staged);

        let input = match &job.video_id {
            Some(video_id) => {
                let video = self
                    .db
                    .video_any_org(video_id)
                    .await
                    .map_err(|e| RunError::internal("reading the video", e))?
                    .ok_or_else(|| RunError { code: "not_found".into(), message: "the video no longer exists".into(), retry: false })?;
                let local = inputs_dir.join(format!("video{}", crate::storage::extension_of(&video.filename)));
                self.store.get_to_file(&video.object_key, &local).await.map_err(|e| RunError::internal("staging the video", e))?;
                Some(local.display().to_string())
            }
            None => None,
        };
        let plan = spec::output_plan(kind, &normalized);
        let output = match &plan {
            OutputPlan::None => None,
            OutputPlan::File(name) => Some(output_dir.join(name).display().to_string()),
            OutputPlan::Dir => Some(output_dir.display().to_string()),
        };
        let mut value = json!({ "kind": kind.as_str(), "params": normalized });
        if let Some(input) = input {
            value["input"] = json!(input);
        }
        if let Some(output) = output {
            value["output"] = json!(output);
        }
        let spec = JobSpec::from_value(value).map_err(|e| RunError { code: e.code().into(), message: e.to_string(), retry: false })?;
        Ok(Prepared { spec, output_dir, plan })
    }

    async fn record_success(
        &self,
        job: &Job,
        scratch: &Path,
        output_dir: &Path,
        plan: &OutputPlan,
        report: reelkit::JobReport,
    ) -> Outcome {
        let files = match plan {
            OutputPlan::None => Vec::new(),
            _ => outputs::list(output_dir),
        };
        let mut artifacts = Vec::with_capacity(files.len());
        for (name, path) in &files {
            let key = crate::storage::job_key(&job.org_id, &job.id, job.attempts, name);
            let stored = match self.store.put_file(&key, path).await {
                Ok(s) => s,
                Err(e) => {
                    let keys: Vec<String> = artifacts.iter().map(|a: &Artifact| a.object_key.clone()).collect();
                    self.store.delete_all(&keys).await;
                    let e = RunError::internal("storing the outputs", e);
                    return self.record_failure(job, &e.code, &e.message, true).await;
                }
            };
            artifacts.push(Artifact {
                id: new_id(),
                org_id: job.org_id.clone(),
                project_id: job.project_id.clone(),
                job_id: Some(job.id.clone()),
                name: name.clone(),
                content_type: outputs::content_type(name),
                size: stored.size as i64,
                sha256: stored.sha256,
                object_key: key,
                created_at: now_ms(),
            });
        }
        let mut report_value = report.to_value();
        scrub_value(&mut report_value, scratch);
        let effects = self.side_effects(job, &report_value).await;
        match self.db.finish_succeeded(job, &self.name, &report_value.to_string(), &artifacts, &effects).await {
            Ok(true) => Outcome::Succeeded,
            Ok(false) => {
                let keys: Vec<String> = artifacts.iter().map(|a| a.object_key.clone()).collect();
                self.store.delete_all(&keys).await;
                Outcome::Lost
            }
            Err(e) => {
                tracing::error!(job = %job.id, error = %e, "could not record a finished job; its lease will expire and it runs again");
                let keys: Vec<String> = artifacts.iter().map(|a| a.object_key.clone()).collect();
                self.store.delete_all(&keys).await;
                Outcome::Lost
            }
        }
    }

    /// What a successful chain job changes: the video's facts (ingest), the
    /// next job of the chain, or the video ready at the end.
    async fn side_effects(&self, job: &Job, report: &Value) -> SideEffects {
        let mut effects = SideEffects::default();
        let (Some(step), Some(video_id)) = (job.chain_step, &job.video_id) else { return effects };
        if job.kind == "ingest" {
            if let (Some(sha), Some(media)) = (report.get("sha256").and_then(Value::as_str), report.get("media")) {
                effects.video_facts = Some((sha.to_owned(), media.to_string()));
            }
        }
        match self.db.video_any_org(video_id).await {
            Ok(Some(video)) => match crate::jobs::chain_job(&self.config, &video, step as usize + 1, Some(&job.id)) {
                Some(next) => effects.next = Some(next),
                None => effects.video_state = Some((video_state::READY.into(), None)),
            },
            Ok(None) => {}
            Err(e) => tracing::warn!(job = %job.id, error = %e, "could not read the video to continue its chain"),
        }
        effects
    }

    async fn record_failure(&self, job: &Job, code: &str, message: &str, retry: bool) -> Outcome {
        let retry = retry && job.attempts < job.max_attempts;
        let outcome = if retry {
            FailureOutcome::RetryAt(now_ms() + crate::jobs::backoff_ms(&self.config, job.attempts))
        } else {
            FailureOutcome::Failed
        };
        match self.db.finish_failed(job, &self.name, code, message, outcome).await {
            Ok(true) if retry => Outcome::Retrying,
            Ok(true) => Outcome::Failed,
            Ok(false) => Outcome::Lost,
            Err(e) => {
                tracing::error!(job = %job.id, error = %e, "could not record a failed job");
                Outcome::Lost
            }
        }
    }

    async fn record_stop(&self, job: &Job, control: &str) -> Outcome {
        match self.db.finish_stopped(job, &self.name, control).await {
            Ok(true) if control == control::PAUSE => Outcome::Paused,
            Ok(true) => Outcome::Cancelled,
            Ok(false) => Outcome::Lost,
            Err(e) => {
                tracing::error!(job = %job.id, error = %e, "could not record a stopped job");
                Outcome::Lost
            }
        }
    }

    async fn record_release(&self, job: &Job) -> Outcome {
        match self.db.release_job(job, &self.name).await {
            Ok(true) => Outcome::Released,
            Ok(false) => Outcome::Lost,
            Err(e) => {
                tracing::error!(job = %job.id, error = %e, "could not release a job; its lease will expire");
                Outcome::Lost
            }
        }
    }
}

struct Prepared {
    spec: JobSpec,
    output_dir: PathBuf,
    plan: OutputPlan,
}

/// `text` without the scratch directory's path: clients see names inside
/// the job, never the worker's filesystem.
pub fn scrub(text: &str, scratch: &Path) -> String {
    let out = format!("{}/", scratch.join("out").display());
    let inputs = format!("{}/", scratch.join("inputs").display());
    let root = scratch.display().to_string();
    text.replace(&out, "").replace(&inputs, "").replace(&root, "")
}

fn scrub_value(value: &mut Value, scratch: &Path) {
    match value {
        Value::String(s) => {
            let out = scratch.join("out").display().to_string();
            if *s == out {
                *s = String::new();
            } else {
                *s = scrub(s, scratch);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| scrub_value(v, scratch)),
        Value::Object(map) => map.values_mut().for_each(|v| scrub_value(v, scratch)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scratch_paths_are_scrubbed_from_reports_and_messages() {
        let scratch = Path::new("/data/work/j1/a1");
        let mut report = json!({"input": "/data/work/j1/a1/inputs/video.mp4", "clips": [{"video": "/data/work/j1/a1/out/clip-01.mp4"}], "output": "/data/work/j1/a1/out"});
        scrub_value(&mut report, scratch);
        assert_eq!(report, json!({"input": "video.mp4", "clips": [{"video": "clip-01.mp4"}], "output": ""}));
        assert_eq!(scrub("/data/work/j1/a1/inputs/video.mp4: corrupt", scratch), "video.mp4: corrupt");
    }
}
