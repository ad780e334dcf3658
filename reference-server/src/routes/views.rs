//! The JSON the API answers with, one type per resource, documented in the
//! OpenAPI. Times are RFC 3339; ids are UUIDs.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};

use crate::db;
use crate::error::ApiError;

/// RFC 3339 of Unix milliseconds.
pub fn time(ms: i64) -> String {
    let nanos = i128::from(ms) * 1_000_000;
    time::OffsetDateTime::from_unix_timestamp_nanos(nanos)
        .ok()
        .and_then(|t| t.format(&time::format_description::well_known::Rfc3339).ok())
        .unwrap_or_default()
}

/// The error body of every failure.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorView,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ErrorView {
    /// Stable, machine-readable code (`invalid_config`, `not_found`...).
    pub code: String,
    pub message: String,
    /// The offending field, as a dotted path.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// Accepted keys or values, when one was refused.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub accepted: Option<Vec<String>>,
}

/// `limit` (1–100, default 20) and `offset` of a list. Lists answer a JSON
/// array, with the total in `X-Total-Count` and the next page in `Link`.
#[derive(Debug, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
    #[param(minimum = 0, maximum = 1000000000)]
    pub offset: Option<i64>,
}

impl PageQuery {
    pub fn page(&self) -> Result<db::Page, ApiError> {
        let limit = self.limit.unwrap_or(20);
        let offset = self.offset.unwrap_or(0);
        if !(1..=100).contains(&limit) {
            return Err(ApiError::invalid("limit", format!("`limit` {limit} is out of range 1..=100")));
        }
        if !(0..=1_000_000_000).contains(&offset) {
            return Err(ApiError::invalid("offset", format!("`offset` {offset} is out of range 0..=1000000000")));
        }
        Ok(db::Page { limit, offset })
    }
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct TokenPair {
    pub access_token: String,
    pub refresh_token: String,
    /// Always `Bearer`.
    pub token_type: String,
    /// Seconds until the access token expires.
    pub expires_in: u64,
    pub organization_id: String,
    pub user_id: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MeView {
    pub organization_id: String,
    pub organization_name: String,
    pub role: crate::auth::Role,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub api_key_id: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OrganizationView {
    pub id: String,
    pub name: String,
    /// The caller's role in it.
    pub role: crate::auth::Role,
    pub created_at: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MemberView {
    pub user_id: String,
    pub email: String,
    pub role: crate::auth::Role,
    pub created_at: String,
}

impl From<db::accounts::Member> for MemberView {
    fn from(m: db::accounts::Member) -> Self {
        Self {
            role: crate::auth::Role::parse(&m.role).unwrap_or(crate::auth::Role::Viewer),
            user_id: m.user_id,
            email: m.email,
            created_at: time(m.created_at),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ApiKeyView {
    pub id: String,
    pub name: String,
    pub role: crate::auth::Role,
    pub created_at: String,
    pub last_used_at: Option<String>,
    pub revoked_at: Option<String>,
    /// The key itself (`Authorization: Bearer rk_...`): shown once, at creation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
}

impl From<db::accounts::ApiKey> for ApiKeyView {
    fn from(k: db::accounts::ApiKey) -> Self {
        Self {
            role: crate::auth::Role::parse(&k.role).unwrap_or(crate::auth::Role::Viewer),
            id: k.id,
            name: k.name,
            created_at: time(k.created_at),
            last_used_at: k.last_used_at.map(time),
            revoked_at: k.revoked_at.map(time),
            key: None,
        }
    }
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ProjectView {
    pub id: String,
    pub name: String,
    pub organization_id: String,
    pub created_at: String,
}

impl From<db::projects::Project> for ProjectView {
    fn from(p: db::projects::Project) -> Self {
        Self { id: p.id, name: p.name, organization_id: p.org_id, created_at: time(p.created_at) }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct VideoView {
    pub id: String,
    pub project_id: String,
    pub filename: String,
    pub content_type: String,
    pub size: i64,
    /// `processing` (its chain runs), `ready`, `failed` or `cancelled`.
    pub state: String,
    /// SHA-256 of the bytes, once ingested.
    pub sha256: Option<String>,
    /// Container, streams and codecs, once ingested.
    #[schema(value_type = Option<Object>)]
    pub media: Option<Value>,
    pub error: Option<ErrorView>,
    /// Downloads the original (same token).
    pub url: String,
    pub created_at: String,
    pub updated_at: String,
}

impl VideoView {
    pub fn new(v: db::videos::Video, base: &str) -> Self {
        Self {
            url: format!("{base}/v1/videos/{}/content", v.id),
            media: v.info.as_deref().and_then(|i| serde_json::from_str(i).ok()),
            error: error_view(v.error_code, v.error_message),
            id: v.id,
            project_id: v.project_id,
            filename: v.filename,
            content_type: v.content_type,
            size: v.size,
            state: v.state,
            sha256: v.sha256,
            created_at: time(v.created_at),
            updated_at: time(v.updated_at),
        }
    }
}

fn error_view(code: Option<String>, message: Option<String>) -> Option<ErrorView> {
    code.map(|code| ErrorView { code, message: message.unwrap_or_default(), field: None, accepted: None })
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UploadView {
    pub id: String,
    pub project_id: String,
    pub filename: String,
    pub size: i64,
    /// Bytes received so far (resumable uploads).
    pub offset: i64,
    /// `chunked` (PATCH the bytes to `url` with `Upload-Offset`) or
    /// `presigned` (PUT them to `put_url`, then POST `complete_url`).
    pub mode: String,
    pub url: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub put_url: Option<String>,
    pub complete_url: String,
    /// The video, once the upload is complete.
    pub video_id: Option<String>,
    pub expires_at: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RunView {
    pub run: i64,
    pub attempt: i64,
    pub worker: String,
    pub started_at: String,
    pub finished_at: Option<String>,
    /// `succeeded`, `failed`, `cancelled`, `paused`, `released` or `lost`.
    pub outcome: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct JobView {
    pub id: String,
    /// The core job kind (`clips`, `transcribe`...).
    pub kind: String,
    /// `queued`, `running`, `paused`, `succeeded`, `failed` or `cancelled`.
    pub state: String,
    /// Fraction done of the current stage, 0–1 (1 once succeeded).
    pub progress: f64,
    /// The core stage running now (`transcribe`, `export`...).
    pub stage: Option<String>,
    /// Estimated seconds left in the stage.
    pub eta: Option<f64>,
    /// The params as given (the core fills in defaults).
    #[schema(value_type = Object)]
    pub params: Value,
    pub project_id: String,
    pub video_id: Option<String>,
    /// The chain job that queued this one.
    pub parent_id: Option<String>,
    /// Step of the video's automatic chain, for chain jobs.
    pub chain_step: Option<i64>,
    /// `default`, or `gpu` for jobs that ask for a CUDA device.
    pub queue: String,
    /// A stop the worker has been asked for (`cancel`, `pause`).
    pub requested: Option<String>,
    pub attempts: i64,
    pub max_attempts: i64,
    pub error: Option<ErrorView>,
    /// The core's report of the job (paths are names inside the job):
    /// the transcript, the clips... Left out of lists; `GET /v1/jobs/{id}`
    /// has it.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub result: Option<Value>,
    pub created_at: String,
    pub updated_at: String,
    pub started_at: Option<String>,
    pub finished_at: Option<String>,
    /// Every run of the job: which worker, when, how it ended.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub runs: Option<Vec<RunView>>,
}

impl From<db::jobs::Job> for JobView {
    fn from(j: db::jobs::Job) -> Self {
        Self {
            params: serde_json::from_str(&j.params).unwrap_or(Value::Null),
            result: j.result.as_deref().and_then(|r| serde_json::from_str(r).ok()),
            error: error_view(j.error_code, j.error_message),
            id: j.id,
            kind: j.kind,
            state: j.state,
            progress: j.progress,
            stage: j.stage,
            eta: j.eta,
            project_id: j.project_id,
            video_id: j.video_id,
            parent_id: j.parent_id,
            chain_step: j.chain_step,
            queue: j.queue,
            requested: j.control,
            attempts: j.attempts,
            max_attempts: j.max_attempts,
            created_at: time(j.created_at),
            updated_at: time(j.updated_at),
            started_at: j.started_at.map(time),
            finished_at: j.finished_at.map(time),
            runs: None,
        }
    }
}

impl JobView {
    /// The view for lists: without the (possibly large) report.
    pub fn summary(job: db::jobs::Job) -> Self {
        Self { result: None, ..Self::from(job) }
    }
}

impl From<db::jobs::JobRun> for RunView {
    fn from(r: db::jobs::JobRun) -> Self {
        Self {
            run: r.run,
            attempt: r.attempt,
            worker: r.worker,
            started_at: time(r.started_at),
            finished_at: r.finished_at.map(time),
            outcome: r.outcome,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ArtifactView {
    pub id: String,
    /// Path inside the job's output (`clip-01.mp4`, `hls/master.m3u8`).
    pub name: String,
    pub content_type: String,
    pub size: i64,
    pub sha256: String,
    /// Downloads the file (same token).
    pub url: String,
    pub job_id: Option<String>,
    pub project_id: String,
    pub created_at: String,
}

impl ArtifactView {
    pub fn new(a: db::artifacts::Artifact, base: &str) -> Self {
        Self {
            url: format!("{base}/v1/artifacts/{}/content", a.id),
            id: a.id,
            name: a.name,
            content_type: a.content_type,
            size: a.size,
            sha256: a.sha256,
            job_id: a.job_id,
            project_id: a.project_id,
            created_at: time(a.created_at),
        }
    }
}

/// A job kind and the JSON Schema of its params (from the core).
#[derive(Debug, Serialize, ToSchema)]
pub struct JobKindView {
    pub kind: String,
    /// Whether its jobs read a video (`POST /v1/videos/{id}/jobs`).
    pub needs_video: bool,
    #[schema(value_type = Object)]
    pub params_schema: Value,
}

#[cfg(test)]
mod tests {
    #[test]
    fn times_are_rfc3339() {
        assert_eq!(super::time(0), "1970-01-01T00:00:00Z");
        assert_eq!(super::time(1_500), "1970-01-01T00:00:01.5Z");
    }

    #[test]
    fn pages_are_bounded() {
        let q = |limit, offset| super::PageQuery { limit, offset }.page();
        assert_eq!(q(None, None).unwrap().limit, 20);
        assert!(q(Some(0), None).is_err());
        assert!(q(Some(101), None).is_err());
        assert!(q(Some(5), Some(-1)).is_err());
    }
}
