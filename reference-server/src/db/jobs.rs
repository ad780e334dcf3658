//! Jobs: the durable queue. A job row is the job's spec (kind + params),
//! its state and its lease. Workers claim queued jobs (and jobs whose lease
//! ran out) atomically, renew the lease while they run, and finish the job
//! only while they still hold it, so a job whose worker died runs again
//! elsewhere and a stale worker cannot record anything.
//!
//! Every state change writes a `state` event in the same transaction.

use serde_json::json;
use sqlx::{Any, FromRow, Transaction};

use super::artifacts::Artifact;
use super::videos::state as video_state;
use super::{new_id, now_ms, Backend, Db, Page};

/// Job states.
pub mod state {
    pub const QUEUED: &str = "queued";
    pub const RUNNING: &str = "running";
    pub const PAUSED: &str = "paused";
    pub const SUCCEEDED: &str = "succeeded";
    pub const FAILED: &str = "failed";
    pub const CANCELLED: &str = "cancelled";
    pub const ALL: &[&str] = &[QUEUED, RUNNING, PAUSED, SUCCEEDED, FAILED, CANCELLED];
}

/// What the API asked of a running job.
pub mod control {
    pub const CANCEL: &str = "cancel";
    pub const PAUSE: &str = "pause";
}

#[derive(Debug, Clone, FromRow)]
pub struct Job {
    pub id: String,
    pub org_id: String,
    pub project_id: String,
    pub video_id: Option<String>,
    pub parent_id: Option<String>,
    pub kind: String,
    pub params: String,
    pub chain_step: Option<i64>,
    /// `default`, or `gpu` for jobs that ask for a GPU.
    pub queue: String,
    pub state: String,
    pub control: Option<String>,
    pub progress: f64,
    pub stage: Option<String>,
    pub eta: Option<f64>,
    pub attempts: i64,
    pub max_attempts: i64,
    pub run_at: i64,
    pub lease_owner: Option<String>,
    pub lease_expires: Option<i64>,
    pub error_code: Option<String>,
    pub error_message: Option<String>,
    pub result: Option<String>,
    pub created_by: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
    pub started_at: Option<i64>,
    pub finished_at: Option<i64>,
}

const JOB_COLUMNS: &str = "id, org_id, project_id, video_id, parent_id, kind, params, chain_step, queue, state, control, progress, stage, eta, attempts, max_attempts, run_at, lease_owner, lease_expires, error_code, error_message, result, created_by, created_at, updated_at, started_at, finished_at";

/// One run of a job by a worker.
#[derive(Debug, Clone, FromRow)]
pub struct JobRun {
    pub job_id: String,
    /// 1, 2, ... in the order the runs started.
    pub run: i64,
    /// The job's attempt number during the run (retries start over).
    pub attempt: i64,
    pub worker: String,
    pub started_at: i64,
    pub finished_at: Option<i64>,
    pub outcome: Option<String>,
}

/// A job to queue.
#[derive(Debug, Clone)]
pub struct NewJob {
    pub org_id: String,
    pub project_id: String,
    pub video_id: Option<String>,
    pub parent_id: Option<String>,
    pub kind: String,
    pub params: String,
    pub chain_step: Option<i64>,
    pub queue: String,
    pub max_attempts: i64,
    pub created_by: Option<String>,
}

/// Filters of a job list.
#[derive(Debug, Clone, Default)]
pub struct JobFilter {
    pub project_id: Option<String>,
    pub video_id: Option<String>,
    pub state: Option<String>,
    pub kind: Option<String>,
}

/// What a heartbeat learnt.
#[derive(Debug, Clone, PartialEq)]
pub enum Heartbeat {
    /// Still ours; the API may have asked for a cancel or pause.
    Held { control: Option<String> },
    /// Another worker holds it now (our lease ran out) or it was deleted.
    Lost,
}

/// What finishing a job changes besides the job row.
#[derive(Debug, Clone, Default)]
pub struct SideEffects {
    /// The video's new state (and error, for failures).
    pub video_state: Option<(String, Option<(String, String)>)>,
    /// What ingest learnt about the video: its SHA-256 and media info.
    pub video_facts: Option<(String, String)>,
    /// The next job of the video's chain.
    pub next: Option<NewJob>,
}

/// How a failed run ends.
#[derive(Debug, Clone)]
pub enum FailureOutcome {
    /// Queued again to run at this time (ms).
    RetryAt(i64),
    Failed,
}

impl NewJob {
    async fn insert(&self, tx: &mut Transaction<'_, Any>) -> Result<Job, sqlx::Error> {
        let now = now_ms();
        let job: Job = sqlx::query_as(&format!(
            "INSERT INTO jobs (id, org_id, project_id, video_id, parent_id, kind, params, chain_step, queue, state,
                               progress, attempts, max_attempts, run_at, created_by, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $12, 'queued', 0, 0, $9, $10, $11, $10, $10)
             RETURNING {JOB_COLUMNS}"
        ))
        .bind(new_id())
        .bind(&self.org_id)
        .bind(&self.project_id)
        .bind(&self.video_id)
        .bind(&self.parent_id)
        .bind(&self.kind)
        .bind(&self.params)
        .bind(self.chain_step)
        .bind(self.max_attempts)
        .bind(now)
        .bind(&self.created_by)
        .bind(&self.queue)
        .fetch_one(&mut **tx)
        .await?;
        state_event(tx, &job).await?;
        Ok(job)
    }
}

/// The `state` event of a job as it is now.
async fn state_event(tx: &mut Transaction<'_, Any>, job: &Job) -> Result<(), sqlx::Error> {
    let mut data = json!({
        "job_id": job.id,
        "kind": job.kind,
        "state": job.state,
        "progress": job.progress,
        "stage": job.stage,
        "attempts": job.attempts,
    });
    if let Some(v) = &job.video_id {
        data["video_id"] = json!(v);
    }
    if let (Some(code), Some(message)) = (&job.error_code, &job.error_message) {
        data["error"] = json!({ "code": code, "message": message });
    }
    super::events::insert_event(&mut **tx, &job.org_id, &job.id, "state", &data).await
}

impl Db {
    /// Queue a job.
    pub async fn insert_job(&self, job: &NewJob) -> Result<Job, sqlx::Error> {
        let mut tx = self.pool().begin().await?;
        let job = job.insert(&mut tx).await?;
        tx.commit().await?;
        Ok(job)
    }

    /// A new video and the first job of its chain, together.
    pub async fn insert_video_with_chain(
        &self,
        video: &super::videos::Video,
        first: Option<&NewJob>,
        upload_id: Option<&str>,
    ) -> Result<Option<Job>, sqlx::Error> {
        let mut tx = self.pool().begin().await?;
        if let Some(upload) = upload_id {
            // Claim the upload first: a second completion finds it taken.
            let done = sqlx::query("UPDATE uploads SET video_id = $2 WHERE id = $1 AND video_id IS NULL")
                .bind(upload)
                .bind(&video.id)
                .execute(&mut *tx)
                .await?;
            if done.rows_affected() != 1 {
                return Err(sqlx::Error::RowNotFound);
            }
        }
        sqlx::query(&format!(
            "INSERT INTO videos ({}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
            super::videos::VIDEO_COLUMNS
        ))
        .bind(&video.id)
        .bind(&video.org_id)
        .bind(&video.project_id)
        .bind(&video.filename)
        .bind(&video.content_type)
        .bind(video.size)
        .bind(&video.object_key)
        .bind(&video.state)
        .bind(&video.sha256)
        .bind(&video.info)
        .bind(&video.error_code)
        .bind(&video.error_message)
        .bind(video.created_at)
        .bind(video.updated_at)
        .execute(&mut *tx)
        .await?;
        let job = match first {
            Some(first) => Some(first.insert(&mut tx).await?),
            None => None,
        };
        tx.commit().await?;
        Ok(job)
    }

    pub async fn job(&self, org_id: &str, id: &str) -> Result<Option<Job>, sqlx::Error> {
        sqlx::query_as(&format!("SELECT {JOB_COLUMNS} FROM jobs WHERE id = $1 AND org_id = $2"))
            .bind(id)
            .bind(org_id)
            .fetch_optional(self.pool())
            .await
    }

    pub async fn job_any_org(&self, id: &str) -> Result<Option<Job>, sqlx::Error> {
        sqlx::query_as(&format!("SELECT {JOB_COLUMNS} FROM jobs WHERE id = $1"))
            .bind(id)
            .fetch_optional(self.pool())
            .await
    }

    pub async fn jobs(&self, org_id: &str, filter: &JobFilter, page: Page) -> Result<(Vec<Job>, i64), sqlx::Error> {
        // Optional filters as `($n IS NULL OR col = $n)`; both backends
        // need the parameter's type, hence the casts.
        let condition = "org_id = $1
            AND (CAST($2 AS TEXT) IS NULL OR project_id = $2)
            AND (CAST($3 AS TEXT) IS NULL OR video_id = $3)
            AND (CAST($4 AS TEXT) IS NULL OR state = $4)
            AND (CAST($5 AS TEXT) IS NULL OR kind = $5)";
        let rows = sqlx::query_as(&format!(
            "SELECT {JOB_COLUMNS} FROM jobs WHERE {condition} ORDER BY created_at DESC, id DESC LIMIT $6 OFFSET $7"
        ))
        .bind(org_id)
        .bind(&filter.project_id)
        .bind(&filter.video_id)
        .bind(&filter.state)
        .bind(&filter.kind)
        .bind(page.limit)
        .bind(page.offset)
        .fetch_all(self.pool())
        .await?;
        let total: (i64,) = sqlx::query_as(&format!("SELECT COUNT(*) FROM jobs WHERE {condition}"))
            .bind(org_id)
            .bind(&filter.project_id)
            .bind(&filter.video_id)
            .bind(&filter.state)
            .bind(&filter.kind)
            .fetch_one(self.pool())
            .await?;
        Ok((rows, total.0))
    }

    pub async fn job_runs(&self, job_id: &str) -> Result<Vec<JobRun>, sqlx::Error> {
        sqlx::query_as(
            "SELECT job_id, run, attempt, worker, started_at, finished_at, outcome FROM job_runs WHERE job_id = $1 ORDER BY run",
        )
        .bind(job_id)
        .fetch_all(self.pool())
        .await
    }

    /// Jobs per state (queue depth and friends, for `/metrics`).
    pub async fn job_counts(&self) -> Result<Vec<(String, String, i64)>, sqlx::Error> {
        sqlx::query_as("SELECT kind, state, COUNT(*) FROM jobs GROUP BY kind, state").fetch_all(self.pool()).await
    }

    // ---- control from the API -------------------------------------------

    /// Apply `update` (an `UPDATE jobs SET ... WHERE id = $1 AND org_id = $2
    /// AND <state condition>` with `$3` = now) and record the new state.
    async fn transition(&self, org_id: &str, id: &str, update: &str) -> Result<Option<Job>, sqlx::Error> {
        let mut tx = self.pool().begin().await?;
        let job: Option<Job> = sqlx::query_as(&format!("{update} RETURNING {JOB_COLUMNS}"))
            .bind(id)
            .bind(org_id)
            .bind(now_ms())
            .fetch_optional(&mut *tx)
            .await?;
        if let Some(job) = &job {
            state_event(&mut tx, job).await?;
            if job.state == state::CANCELLED {
                chain_stopped(&mut tx, job, video_state::CANCELLED, None).await?;
            }
            if job.state == state::QUEUED && job.chain_step.is_some() {
                set_video_state(&mut tx, job, video_state::PROCESSING, None).await?;
            }
        }
        tx.commit().await?;
        Ok(job)
    }

    /// Cancel a job that is not running (queued or paused).
    pub async fn cancel_idle_job(&self, org_id: &str, id: &str) -> Result<Option<Job>, sqlx::Error> {
        self.transition(
            org_id,
            id,
            "UPDATE jobs SET state = 'cancelled', control = NULL, finished_at = $3, updated_at = $3
             WHERE id = $1 AND org_id = $2 AND state IN ('queued', 'paused')",
        )
        .await
    }

    /// Pause a queued job.
    pub async fn pause_idle_job(&self, org_id: &str, id: &str) -> Result<Option<Job>, sqlx::Error> {
        self.transition(
            org_id,
            id,
            "UPDATE jobs SET state = 'paused', updated_at = $3 WHERE id = $1 AND org_id = $2 AND state = 'queued'",
        )
        .await
    }

    /// Queue a paused job again.
    pub async fn resume_job(&self, org_id: &str, id: &str) -> Result<Option<Job>, sqlx::Error> {
        self.transition(
            org_id,
            id,
            "UPDATE jobs SET state = 'queued', run_at = $3, updated_at = $3
             WHERE id = $1 AND org_id = $2 AND state = 'paused'",
        )
        .await
    }

    /// Queue a failed or cancelled job again, with its attempts reset.
    pub async fn retry_job(&self, org_id: &str, id: &str) -> Result<Option<Job>, sqlx::Error> {
        self.transition(
            org_id,
            id,
            "UPDATE jobs SET state = 'queued', attempts = 0, run_at = $3, updated_at = $3, control = NULL,
                    error_code = NULL, error_message = NULL, progress = 0, stage = NULL, eta = NULL, finished_at = NULL
             WHERE id = $1 AND org_id = $2 AND state IN ('failed', 'cancelled')",
        )
        .await
    }

    /// Ask the worker running a job to stop it (`control::CANCEL`) or pause
    /// it (`control::PAUSE`); the worker records the outcome.
    pub async fn request_control(&self, org_id: &str, id: &str, what: &str) -> Result<Option<Job>, sqlx::Error> {
        sqlx::query_as(&format!(
            "UPDATE jobs SET control = $3, updated_at = $4 WHERE id = $1 AND org_id = $2 AND state = 'running'
             RETURNING {JOB_COLUMNS}"
        ))
        .bind(id)
        .bind(org_id)
        .bind(what)
        .bind(now_ms())
        .fetch_optional(self.pool())
        .await
    }

    // ---- the worker's side ----------------------------------------------

    /// Take the next runnable job of `queues` — queued and due, or running
    /// with an expired lease — leasing it to `worker` for `lease_ms`.
    pub async fn claim_job(&self, worker: &str, lease_ms: i64, queues: &[String]) -> Result<Option<Job>, sqlx::Error> {
        let now = now_ms();
        let slots: Vec<String> = (0..queues.len()).map(|i| format!("${}", i + 4)).collect();
        let pick = format!(
            "SELECT id FROM jobs
             WHERE ((state = 'queued' AND run_at <= $3) OR (state = 'running' AND lease_expires < $3))
               AND queue IN ({})
             ORDER BY run_at, created_at, id LIMIT 1",
            slots.join(", ")
        );
        let pick = match self.backend() {
            Backend::Postgres => format!("{pick} FOR UPDATE SKIP LOCKED"),
            Backend::Sqlite => pick,
        };
        let mut tx = self.pool().begin().await?;
        let sql = format!(
            "UPDATE jobs SET state = 'running', lease_owner = $1, lease_expires = $2, attempts = attempts + 1,
                    started_at = $3, updated_at = $3, progress = 0, stage = NULL, eta = NULL
             WHERE id = ({pick}) RETURNING {JOB_COLUMNS}"
        );
        let mut query = sqlx::query_as(&sql).bind(worker).bind(now + lease_ms).bind(now);
        for q in queues {
            query = query.bind(q);
        }
        let job: Option<Job> = query.fetch_optional(&mut *tx).await?;
        let Some(job) = job else {
            tx.rollback().await?;
            return Ok(None);
        };
        // A run that a dead worker left open ends here.
        sqlx::query("UPDATE job_runs SET finished_at = $2, outcome = 'lost' WHERE job_id = $1 AND finished_at IS NULL")
            .bind(&job.id)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO job_runs (job_id, run, attempt, worker, started_at)
             SELECT $1, COALESCE(MAX(run), 0) + 1, $2, $3, $4 FROM job_runs WHERE job_id = $1",
        )
        .bind(&job.id)
        .bind(job.attempts)
        .bind(worker)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        state_event(&mut tx, &job).await?;
        tx.commit().await?;
        Ok(Some(job))
    }

    /// Renew the lease and record progress; learn whether the API asked to
    /// cancel or pause, or whether the job is no longer ours.
    pub async fn heartbeat(
        &self,
        job: &Job,
        worker: &str,
        lease_ms: i64,
        progress: Option<(f64, &str, Option<f64>)>,
    ) -> Result<Heartbeat, sqlx::Error> {
        let now = now_ms();
        let row: Option<(Option<String>,)> = match progress {
            Some((fraction, stage, eta)) => {
                sqlx::query_as(
                    "UPDATE jobs SET lease_expires = $3, updated_at = $4, progress = $5, stage = $6, eta = $7
                     WHERE id = $1 AND lease_owner = $2 AND state = 'running' AND attempts = $8 RETURNING control",
                )
                .bind(&job.id)
                .bind(worker)
                .bind(now + lease_ms)
                .bind(now)
                .bind(fraction)
                .bind(stage)
                .bind(eta)
                .bind(job.attempts)
                .fetch_optional(self.pool())
                .await?
            }
            None => {
                sqlx::query_as(
                    "UPDATE jobs SET lease_expires = $3, updated_at = $4
                     WHERE id = $1 AND lease_owner = $2 AND state = 'running' AND attempts = $5 RETURNING control",
                )
                .bind(&job.id)
                .bind(worker)
                .bind(now + lease_ms)
                .bind(now)
                .bind(job.attempts)
                .fetch_optional(self.pool())
                .await?
            }
        };
        Ok(match row {
            Some((control,)) => Heartbeat::Held { control },
            None => Heartbeat::Lost,
        })
    }

    /// Lock the job row for finishing, if `worker` still holds this run of
    /// it. The first statement writes, so SQLite takes its write lock now.
    async fn hold(tx: &mut Transaction<'_, Any>, job: &Job, worker: &str, now: i64) -> Result<bool, sqlx::Error> {
        let done = sqlx::query(
            "UPDATE jobs SET updated_at = $3 WHERE id = $1 AND lease_owner = $2 AND state = 'running' AND attempts = $4",
        )
        .bind(&job.id)
        .bind(worker)
        .bind(now)
        .bind(job.attempts)
        .execute(&mut **tx)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Record a successful run: the report, the artifacts and the side
    /// effects, all or nothing, and only while `worker` holds the lease.
    /// `false`: the lease was lost and nothing was recorded.
    pub async fn finish_succeeded(
        &self,
        job: &Job,
        worker: &str,
        result: &str,
        artifacts: &[Artifact],
        effects: &SideEffects,
    ) -> Result<bool, sqlx::Error> {
        let now = now_ms();
        let mut tx = self.pool().begin().await?;
        if !Self::hold(&mut tx, job, worker, now).await? {
            tx.rollback().await?;
            return Ok(false);
        }
        let done: Job = sqlx::query_as(&format!(
            "UPDATE jobs SET state = 'succeeded', result = $2, progress = 1, eta = 0, control = NULL,
                    lease_owner = NULL, lease_expires = NULL, error_code = NULL, error_message = NULL,
                    finished_at = $3, updated_at = $3
             WHERE id = $1 RETURNING {JOB_COLUMNS}"
        ))
        .bind(&job.id)
        .bind(result)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        for artifact in artifacts {
            artifact.insert(&mut *tx).await?;
        }
        end_run(&mut tx, job, "succeeded", now).await?;
        state_event(&mut tx, &done).await?;
        if let Some((sha256, info)) = &effects.video_facts {
            if let Some(video) = &job.video_id {
                sqlx::query("UPDATE videos SET sha256 = $2, info = $3, updated_at = $4 WHERE id = $1")
                    .bind(video)
                    .bind(sha256)
                    .bind(info)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
            }
        }
        if let Some((state, error)) = &effects.video_state {
            set_video_state(&mut tx, job, state, error.as_ref()).await?;
        }
        if let Some(next) = &effects.next {
            next.insert(&mut tx).await?;
        }
        tx.commit().await?;
        Ok(true)
    }

    /// Record a failed run: queued again after a backoff, or failed (and
    /// its video with it, for a chain job).
    pub async fn finish_failed(
        &self,
        job: &Job,
        worker: &str,
        code: &str,
        message: &str,
        outcome: FailureOutcome,
    ) -> Result<bool, sqlx::Error> {
        let now = now_ms();
        let mut tx = self.pool().begin().await?;
        if !Self::hold(&mut tx, job, worker, now).await? {
            tx.rollback().await?;
            return Ok(false);
        }
        let (state, run_at) = match outcome {
            FailureOutcome::RetryAt(at) => (state::QUEUED, at),
            FailureOutcome::Failed => (state::FAILED, job.run_at),
        };
        let finished = (state == state::FAILED).then_some(now);
        let done: Job = sqlx::query_as(&format!(
            "UPDATE jobs SET state = $2, run_at = $3, error_code = $4, error_message = $5, control = NULL,
                    lease_owner = NULL, lease_expires = NULL, finished_at = $6, updated_at = $7
             WHERE id = $1 RETURNING {JOB_COLUMNS}"
        ))
        .bind(&job.id)
        .bind(state)
        .bind(run_at)
        .bind(code)
        .bind(message)
        .bind(finished)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        end_run(&mut tx, job, "failed", now).await?;
        state_event(&mut tx, &done).await?;
        if state == state::FAILED {
            chain_stopped(&mut tx, &done, video_state::FAILED, Some((code, message))).await?;
        }
        tx.commit().await?;
        Ok(true)
    }

    /// Record a run stopped on the API's request: `cancelled`, or `paused`
    /// (the pause does not count as an attempt).
    pub async fn finish_stopped(&self, job: &Job, worker: &str, control: &str) -> Result<bool, sqlx::Error> {
        let now = now_ms();
        let mut tx = self.pool().begin().await?;
        if !Self::hold(&mut tx, job, worker, now).await? {
            tx.rollback().await?;
            return Ok(false);
        }
        let update = if control == control::PAUSE {
            "UPDATE jobs SET state = 'paused', attempts = attempts - 1, control = NULL, lease_owner = NULL,
                    lease_expires = NULL, updated_at = $2 WHERE id = $1"
        } else {
            "UPDATE jobs SET state = 'cancelled', control = NULL, lease_owner = NULL, lease_expires = NULL,
                    finished_at = $2, updated_at = $2 WHERE id = $1"
        };
        let done: Job = sqlx::query_as(&format!("{update} RETURNING {JOB_COLUMNS}"))
            .bind(&job.id)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
        end_run(&mut tx, job, if control == control::PAUSE { "paused" } else { "cancelled" }, now).await?;
        state_event(&mut tx, &done).await?;
        if done.state == state::CANCELLED {
            chain_stopped(&mut tx, &done, video_state::CANCELLED, None).await?;
        }
        tx.commit().await?;
        Ok(true)
    }

    /// Give a running job back to the queue (the worker is shutting down);
    /// the interrupted run does not count as an attempt.
    pub async fn release_job(&self, job: &Job, worker: &str) -> Result<bool, sqlx::Error> {
        let now = now_ms();
        let mut tx = self.pool().begin().await?;
        if !Self::hold(&mut tx, job, worker, now).await? {
            tx.rollback().await?;
            return Ok(false);
        }
        let done: Job = sqlx::query_as(&format!(
            "UPDATE jobs SET state = 'queued', attempts = attempts - 1, run_at = $2, lease_owner = NULL,
                    lease_expires = NULL, progress = 0, stage = NULL, eta = NULL, updated_at = $2
             WHERE id = $1 RETURNING {JOB_COLUMNS}"
        ))
        .bind(&job.id)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        end_run(&mut tx, job, "released", now).await?;
        state_event(&mut tx, &done).await?;
        tx.commit().await?;
        Ok(true)
    }
}

async fn end_run(tx: &mut Transaction<'_, Any>, job: &Job, outcome: &str, now: i64) -> Result<(), sqlx::Error> {
    // Only the lease holder gets here, and claiming closes any run a dead
    // worker left open: the job's one open run is this one.
    sqlx::query("UPDATE job_runs SET finished_at = $2, outcome = $3 WHERE job_id = $1 AND finished_at IS NULL")
        .bind(&job.id)
        .bind(now)
        .bind(outcome)
        .execute(&mut **tx)
        .await
        .map(|_| ())
}

/// A chain job that will not finish stops its video's chain.
async fn chain_stopped(
    tx: &mut Transaction<'_, Any>,
    job: &Job,
    video_state: &str,
    error: Option<(&str, &str)>,
) -> Result<(), sqlx::Error> {
    if job.chain_step.is_none() {
        return Ok(());
    }
    let error = error.map(|(c, m)| (c.to_owned(), m.to_owned()));
    set_video_state(tx, job, video_state, error.as_ref()).await
}

async fn set_video_state(
    tx: &mut Transaction<'_, Any>,
    job: &Job,
    state: &str,
    error: Option<&(String, String)>,
) -> Result<(), sqlx::Error> {
    let Some(video) = &job.video_id else { return Ok(()) };
    sqlx::query("UPDATE videos SET state = $2, error_code = $3, error_message = $4, updated_at = $5 WHERE id = $1")
        .bind(video)
        .bind(state)
        .bind(error.map(|e| e.0.as_str()))
        .bind(error.map(|e| e.1.as_str()))
        .bind(now_ms())
        .execute(&mut **tx)
        .await
        .map(|_| ())
}
