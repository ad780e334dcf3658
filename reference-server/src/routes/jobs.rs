//! Jobs: any kind the core runs, with its params checked by the core
//! before it is queued; state, progress and report; control (cancel,
//! pause, resume, retry); artifacts.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};

use super::extract::{id, ApiJson, ApiQuery};
use super::views::{ArtifactView, JobKindView, JobView, PageQuery, RunView};
use super::{base_url, list_response, projects, videos};
use crate::auth::{Caller, Role};
use crate::db::jobs::{control, state as job_state, Job, JobFilter};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateJobRequest {
    /// A core job kind (see `GET /v1/job-kinds`).
    pub kind: String,
    /// The kind's params; unknown keys are refused with their path.
    #[serde(default)]
    #[schema(value_type = Object)]
    pub params: Value,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct JobListQuery {
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
    #[param(minimum = 0, maximum = 1000000000)]
    pub offset: Option<i64>,
    #[param(value_type = Option<uuid::Uuid>)]
    pub project_id: Option<String>,
    #[param(value_type = Option<uuid::Uuid>)]
    pub video_id: Option<String>,
    /// `queued`, `running`, `paused`, `succeeded`, `failed` or `cancelled`.
    #[param(pattern = "^(queued|running|paused|succeeded|failed|cancelled)$")]
    pub state: Option<String>,
    pub kind: Option<String>,
}

fn accepted(job: Job) -> Response {
    (StatusCode::ACCEPTED, Json(JobView::from(job))).into_response()
}

/// Queue a job on a video: `{"kind": "clips", "params": {"top": 2}}`.
#[utoipa::path(post, path = "/v1/videos/{video_id}/jobs", tag = "jobs", params(("video_id" = uuid::Uuid, Path)),
    request_body = CreateJobRequest, security(("bearer" = [])),
    responses((status = 202, body = JobView), (status = 404, body = super::views::ErrorBody),
              (status = 422, description = "unknown kind, key or value; the field names its path", body = super::views::ErrorBody)))]
pub async fn create_for_video(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    Path(video_id): Path<String>,
    ApiJson(body): ApiJson<CreateJobRequest>,
) -> ApiResult<Response> {
    caller.require(Role::Editor)?;
    let video = videos::find(&state, &caller, &video_id).await?;
    let job = crate::jobs::create(
        &state.db,
        &state.config,
        &state.known,
        &caller.org_id,
        &video.project_id,
        Some(&video),
        &body.kind,
        body.params,
        caller.actor(),
    )
    .await?;
    state.job_queued();
    Ok(accepted(job))
}

/// Queue a job that reads no video (e.g. `tts`) in a project.
#[utoipa::path(post, path = "/v1/projects/{project_id}/jobs", tag = "jobs", params(("project_id" = uuid::Uuid, Path)),
    request_body = CreateJobRequest, security(("bearer" = [])),
    responses((status = 202, body = JobView), (status = 422, body = super::views::ErrorBody)))]
pub async fn create_in_project(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    Path(project_id): Path<String>,
    ApiJson(body): ApiJson<CreateJobRequest>,
) -> ApiResult<Response> {
    caller.require(Role::Editor)?;
    let project = projects::find(&state, &caller, &project_id).await?;
    let job = crate::jobs::create(
        &state.db,
        &state.config,
        &state.known,
        &caller.org_id,
        &project.id,
        None,
        &body.kind,
        body.params,
        caller.actor(),
    )
    .await?;
    state.job_queued();
    Ok(accepted(job))
}

/// The organisation's jobs, newest first, filtered.
#[utoipa::path(get, path = "/v1/jobs", tag = "jobs", params(JobListQuery), security(("bearer" = [])),
    responses((status = 200, body = [JobView])))]
pub async fn list(State(state): State<Arc<AppState>>, caller: Caller, ApiQuery(q): ApiQuery<JobListQuery>) -> ApiResult<Response> {
    let page = PageQuery { limit: q.limit, offset: q.offset }.page()?;
    for (name, value) in [("project_id", &q.project_id), ("video_id", &q.video_id)] {
        if value.as_deref().is_some_and(|v| !crate::db::is_id(v)) {
            return Err(ApiError::invalid(name, format!("`{name}` is not an id")));
        }
    }
    if let Some(s) = &q.state {
        if !job_state::ALL.contains(&s.as_str()) {
            return Err(ApiError::invalid("state", format!("`state` must be one of {}", job_state::ALL.join(", "))));
        }
    }
    let filter = JobFilter { project_id: q.project_id, video_id: q.video_id, state: q.state, kind: q.kind };
    let (rows, total) = state.db.jobs(&caller.org_id, &filter, page).await?;
    let views: Vec<JobView> = rows.into_iter().map(JobView::summary).collect();
    Ok(list_response(views, total, page, "/v1/jobs"))
}

#[utoipa::path(get, path = "/v1/videos/{video_id}/jobs", tag = "jobs", params(("video_id" = uuid::Uuid, Path), PageQuery),
    security(("bearer" = [])), responses((status = 200, body = [JobView])))]
pub async fn list_for_video(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    Path(video_id): Path<String>,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> ApiResult<Response> {
    let page = q.page()?;
    let video = videos::find(&state, &caller, &video_id).await?;
    let filter = JobFilter { video_id: Some(video.id), ..JobFilter::default() };
    let (rows, total) = state.db.jobs(&caller.org_id, &filter, page).await?;
    let views: Vec<JobView> = rows.into_iter().map(JobView::summary).collect();
    Ok(list_response(views, total, page, &format!("/v1/videos/{video_id}/jobs")))
}

pub async fn find(state: &AppState, caller: &Caller, job_id: &str) -> ApiResult<Job> {
    id(job_id, "job")?;
    state.db.job(&caller.org_id, job_id).await?.ok_or_else(|| ApiError::not_found("job"))
}

/// A job: state, progress (fraction, stage, ETA), report, runs.
#[utoipa::path(get, path = "/v1/jobs/{job_id}", tag = "jobs", params(("job_id" = uuid::Uuid, Path)), security(("bearer" = [])),
    responses((status = 200, body = JobView), (status = 404, body = super::views::ErrorBody)))]
pub async fn get(State(state): State<Arc<AppState>>, caller: Caller, Path(job_id): Path<String>) -> ApiResult<Json<JobView>> {
    let job = find(&state, &caller, &job_id).await?;
    let runs = state.db.job_runs(&job.id).await?;
    let mut view = JobView::from(job);
    view.runs = Some(runs.into_iter().map(RunView::from).collect());
    Ok(Json(view))
}

fn wrong_state(job: &Job, action: &str) -> ApiError {
    ApiError::conflict("invalid_state", format!("a {} job cannot be {action}", job.state))
}

/// Apply an idle-state transition, or ask the running worker; re-read when
/// the job moved in between.
async fn control_job(state: &AppState, caller: &Caller, job_id: &str, action: &str) -> ApiResult<Response> {
    caller.require(Role::Editor)?;
    let org = &caller.org_id;
    find(state, caller, job_id).await?;
    for _ in 0..3 {
        let done = match action {
            "cancel" => state.db.cancel_idle_job(org, job_id).await?,
            "pause" => state.db.pause_idle_job(org, job_id).await?,
            "resume" => state.db.resume_job(org, job_id).await?,
            _ => state.db.retry_job(org, job_id).await?,
        };
        if let Some(job) = done {
            if job.state == job_state::QUEUED {
                state.job_queued();
            }
            return Ok(Json(JobView::from(job)).into_response());
        }
        let asked = match action {
            "cancel" => state.db.request_control(org, job_id, control::CANCEL).await?,
            "pause" => state.db.request_control(org, job_id, control::PAUSE).await?,
            _ => None,
        };
        if let Some(job) = asked {
            // The worker stops the core call at its next checkpoint.
            return Ok(accepted(job));
        }
        let job = find(state, caller, job_id).await?;
        let movable = match action {
            "cancel" | "pause" => [job_state::QUEUED, job_state::PAUSED, job_state::RUNNING].contains(&job.state.as_str()),
            "resume" => job.state == job_state::PAUSED,
            _ => [job_state::FAILED, job_state::CANCELLED].contains(&job.state.as_str()),
        };
        if !movable || (action == "pause" && job.state == job_state::PAUSED) {
            let verb = match action {
                "cancel" => "cancelled",
                "pause" => "paused",
                "resume" => "resumed",
                _ => "retried",
            };
            return Err(wrong_state(&job, verb));
        }
    }
    Err(ApiError::conflict("busy", "the job kept changing state; try again"))
}

/// Cancel: a queued or paused job at once (200); a running one through its
/// `CancelToken` (202, `requested: cancel`, then `cancelled`).
#[utoipa::path(post, path = "/v1/jobs/{job_id}/cancel", tag = "jobs", params(("job_id" = uuid::Uuid, Path)), security(("bearer" = [])),
    responses((status = 200, body = JobView), (status = 202, body = JobView), (status = 409, body = super::views::ErrorBody)))]
pub async fn cancel(State(state): State<Arc<AppState>>, caller: Caller, Path(job_id): Path<String>) -> ApiResult<Response> {
    control_job(&state, &caller, &job_id, "cancel").await
}

/// Pause: a queued job at once; a running one is stopped and runs again
/// from the start when resumed.
#[utoipa::path(post, path = "/v1/jobs/{job_id}/pause", tag = "jobs", params(("job_id" = uuid::Uuid, Path)), security(("bearer" = [])),
    responses((status = 200, body = JobView), (status = 202, body = JobView), (status = 409, body = super::views::ErrorBody)))]
pub async fn pause(State(state): State<Arc<AppState>>, caller: Caller, Path(job_id): Path<String>) -> ApiResult<Response> {
    control_job(&state, &caller, &job_id, "pause").await
}

#[utoipa::path(post, path = "/v1/jobs/{job_id}/resume", tag = "jobs", params(("job_id" = uuid::Uuid, Path)), security(("bearer" = [])),
    responses((status = 200, body = JobView), (status = 409, body = super::views::ErrorBody)))]
pub async fn resume(State(state): State<Arc<AppState>>, caller: Caller, Path(job_id): Path<String>) -> ApiResult<Response> {
    control_job(&state, &caller, &job_id, "resume").await
}

/// Queue a failed or cancelled job again (attempts start over).
#[utoipa::path(post, path = "/v1/jobs/{job_id}/retry", tag = "jobs", params(("job_id" = uuid::Uuid, Path)), security(("bearer" = [])),
    responses((status = 200, body = JobView), (status = 409, body = super::views::ErrorBody)))]
pub async fn retry(State(state): State<Arc<AppState>>, caller: Caller, Path(job_id): Path<String>) -> ApiResult<Response> {
    control_job(&state, &caller, &job_id, "retry").await
}

/// The files a job produced: `name`, `content_type`, `size`, `url` (same token).
#[utoipa::path(get, path = "/v1/jobs/{job_id}/artifacts", tag = "jobs", params(("job_id" = uuid::Uuid, Path), PageQuery),
    security(("bearer" = [])), responses((status = 200, body = [ArtifactView]), (status = 404, body = super::views::ErrorBody)))]
pub async fn artifacts(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    Path(job_id): Path<String>,
    headers: HeaderMap,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> ApiResult<Response> {
    let page = PageQuery { limit: Some(q.limit.unwrap_or(100)), offset: q.offset }.page()?;
    let job = find(&state, &caller, &job_id).await?;
    let (rows, total) = state.db.job_artifacts(&caller.org_id, &job.id, page).await?;
    let base = base_url(&state, &headers);
    let views: Vec<ArtifactView> = rows.into_iter().map(|a| ArtifactView::new(a, &base)).collect();
    Ok(list_response(views, total, page, &format!("/v1/jobs/{job_id}/artifacts")))
}

/// Every job kind the core runs, with the JSON Schema of its params.
#[utoipa::path(get, path = "/v1/job-kinds", tag = "jobs", security(("bearer" = [])), responses((status = 200, body = [JobKindView])))]
pub async fn kinds(_caller: Caller) -> Json<Vec<JobKindView>> {
    static KINDS: std::sync::OnceLock<Vec<(String, bool, Value)>> = std::sync::OnceLock::new();
    let kinds = KINDS.get_or_init(|| {
        let schema = reelkit::job::schema::job_schema();
        reelkit::JobKind::ALL
            .iter()
            .map(|k| (k.as_str().to_owned(), k.needs_input(), params_schema(&schema, k.as_str())))
            .collect()
    });
    Json(
        kinds
            .iter()
            .map(|(kind, needs, schema)| JobKindView { kind: kind.clone(), needs_video: *needs, params_schema: schema.clone() })
            .collect(),
    )
}

/// The params schema of `kind` inside the core's spec schema, with the
/// `$defs` it refers to carried along.
fn params_schema(schema: &Value, kind: &str) -> Value {
    let params = schema
        .get("oneOf")
        .and_then(Value::as_array)
        .and_then(|alts| alts.iter().find(|a| a.pointer("/properties/kind/const").and_then(Value::as_str) == Some(kind)))
        .and_then(|alt| alt.pointer("/properties/params"))
        .cloned()
        .unwrap_or(Value::Null);
    let mut out = serde_json::json!({ "$schema": "https://json-schema.org/draft/2020-12/schema" });
    if let Value::Object(map) = params {
        for (k, v) in map {
            out[k] = v;
        }
    }
    if let Some(defs) = schema.get("$defs") {
        out["$defs"] = defs.clone();
    }
    out
}
