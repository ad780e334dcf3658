//! Artifacts: job outputs and client files (a narration script, a subtitle
//! script, brand media) that jobs read by id. Downloads stream from the
//! store with the caller's token, honour single `Range` requests, and are
//! never served to another organisation.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;

use super::extract::{id, ApiQuery};
use super::views::{ArtifactView, PageQuery};
use super::{base_url, list_response, projects, videos};
use crate::auth::{Caller, Role};
use crate::db::artifacts::Artifact;
use crate::db::{new_id, now_ms};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::storage;

/// Upload a file (multipart field `file`) for jobs to read by its id.
#[utoipa::path(post, path = "/v1/projects/{project_id}/files", tag = "artifacts", params(("project_id" = uuid::Uuid, Path)),
    request_body(content_type = "multipart/form-data", description = "field `file`"), security(("bearer" = [])),
    responses((status = 201, body = ArtifactView), (status = 413, body = super::views::ErrorBody)))]
pub async fn upload(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    Path(project_id): Path<String>,
    headers: HeaderMap,
    multipart: Result<Multipart, MultipartRejection>,
) -> ApiResult<Response> {
    caller.require(Role::Editor)?;
    let project = projects::find(&state, &caller, &project_id).await?;
    let received = videos::receive_file(&state, multipart).await?;
    let artifact_id = new_id();
    let key = storage::file_key(&caller.org_id, &artifact_id, &received.filename);
    let stored = state.store.put_file(&key, &received.file).await?;
    let artifact = Artifact {
        id: artifact_id,
        org_id: caller.org_id.clone(),
        project_id: project.id,
        job_id: None,
        name: received.filename,
        content_type: received.content_type,
        size: stored.size as i64,
        sha256: stored.sha256,
        object_key: key.clone(),
        created_at: now_ms(),
    };
    if let Err(e) = state.db.insert_artifact(&artifact).await {
        state.store.delete_all(&[key]).await;
        return Err(e.into());
    }
    Ok((StatusCode::CREATED, Json(ArtifactView::new(artifact, &base_url(&state, &headers)))).into_response())
}

#[utoipa::path(get, path = "/v1/projects/{project_id}/artifacts", tag = "artifacts", params(("project_id" = uuid::Uuid, Path), PageQuery),
    security(("bearer" = [])), responses((status = 200, body = [ArtifactView])))]
pub async fn list_in_project(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    Path(project_id): Path<String>,
    headers: HeaderMap,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> ApiResult<Response> {
    let page = q.page()?;
    let project = projects::find(&state, &caller, &project_id).await?;
    let (rows, total) = state.db.project_artifacts(&caller.org_id, &project.id, page).await?;
    let base = base_url(&state, &headers);
    let views: Vec<ArtifactView> = rows.into_iter().map(|a| ArtifactView::new(a, &base)).collect();
    Ok(list_response(views, total, page, &format!("/v1/projects/{project_id}/artifacts")))
}

async fn find(state: &AppState, caller: &Caller, artifact_id: &str) -> ApiResult<Artifact> {
    id(artifact_id, "artifact")?;
    state.db.artifact(&caller.org_id, artifact_id).await?.ok_or_else(|| ApiError::not_found("artifact"))
}

#[utoipa::path(get, path = "/v1/artifacts/{artifact_id}", tag = "artifacts", params(("artifact_id" = uuid::Uuid, Path)),
    security(("bearer" = [])), responses((status = 200, body = ArtifactView), (status = 404, body = super::views::ErrorBody)))]
pub async fn get(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    Path(artifact_id): Path<String>,
    headers: HeaderMap,
) -> ApiResult<Json<ArtifactView>> {
    let artifact = find(&state, &caller, &artifact_id).await?;
    Ok(Json(ArtifactView::new(artifact, &base_url(&state, &headers))))
}

/// Download an artifact (streams; `Range: bytes=...` answered with 206).
#[utoipa::path(get, path = "/v1/artifacts/{artifact_id}/content", tag = "artifacts", params(("artifact_id" = uuid::Uuid, Path)),
    security(("bearer" = [])),
    responses((status = 200, description = "the bytes", content_type = "application/octet-stream"),
              (status = 206, description = "the requested range"), (status = 404, body = super::views::ErrorBody),
              (status = 416, body = super::views::ErrorBody)))]
pub async fn content(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    Path(artifact_id): Path<String>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let artifact = find(&state, &caller, &artifact_id).await?;
    let filename = artifact.name.rsplit('/').next().unwrap_or("file").to_owned();
    stream_object(&state, &artifact.object_key, &artifact.content_type, &filename, &headers).await
}

/// Stream `key` with its type and name; one byte range when asked.
pub async fn stream_object(
    state: &AppState,
    key: &str,
    content_type: &str,
    filename: &str,
    request: &HeaderMap,
) -> ApiResult<Response> {
    let range = request.get(header::RANGE).and_then(|v| v.to_str().ok()).map(str::to_owned);
    let (status, length, content_range, body) = match range {
        Some(spec) => {
            let size = state.store.size_of(key).await?.ok_or_else(|| ApiError::not_found("object"))?;
            let (start, end) = parse_range(&spec, size).ok_or_else(|| {
                ApiError::new(StatusCode::RANGE_NOT_SATISFIABLE, "range_not_satisfiable", format!("cannot serve {spec:?} of {size} bytes"))
            })?;
            let stream = state.store.get_range_stream(key, start, end).await?;
            (StatusCode::PARTIAL_CONTENT, end - start, Some(format!("bytes {start}-{}/{size}", end - 1)), Body::from_stream(stream))
        }
        None => {
            let (size, stream) = state.store.get_stream(key).await?;
            (StatusCode::OK, size, None, Body::from_stream(stream))
        }
    };
    let mut response = (status, body).into_response();
    let headers = response.headers_mut();
    let value = |s: &str| HeaderValue::from_str(s).unwrap_or_else(|_| HeaderValue::from_static("application/octet-stream"));
    headers.insert(header::CONTENT_TYPE, value(content_type));
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(length));
    headers.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    let safe: String = filename.chars().filter(|c| c.is_ascii_graphic() && *c != '"' && *c != '\\' || *c == ' ').collect();
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{safe}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    if let Some(range) = content_range {
        if let Ok(v) = HeaderValue::from_str(&range) {
            headers.insert(header::CONTENT_RANGE, v);
        }
    }
    Ok(response)
}

/// One range of `bytes=A-B`, `bytes=A-` or `bytes=-N` within `size`, as
/// `start..end` (end exclusive).
fn parse_range(spec: &str, size: u64) -> Option<(u64, u64)> {
    let spec = spec.trim().strip_prefix("bytes=")?;
    if spec.contains(',') || size == 0 {
        return None;
    }
    let (a, b) = spec.split_once('-')?;
    let (start, end) = match (a.trim(), b.trim()) {
        ("", n) => {
            let n: u64 = n.parse().ok()?;
            (size.saturating_sub(n.min(size)), size)
        }
        (a, "") => (a.parse().ok()?, size),
        (a, b) => (a.parse().ok()?, b.parse::<u64>().ok()?.saturating_add(1).min(size)),
    };
    (start < end && start < size).then_some((start, end))
}

#[cfg(test)]
mod tests {
    use super::parse_range;

    #[test]
    fn ranges_are_clamped_or_refused() {
        assert_eq!(parse_range("bytes=0-9", 100), Some((0, 10)));
        assert_eq!(parse_range("bytes=90-", 100), Some((90, 100)));
        assert_eq!(parse_range("bytes=-10", 100), Some((90, 100)));
        assert_eq!(parse_range("bytes=50-1000", 100), Some((50, 100)));
        assert_eq!(parse_range("bytes=100-", 100), None);
        assert_eq!(parse_range("bytes=5-2", 100), None);
        assert_eq!(parse_range("bytes=0-1,5-6", 100), None);
        assert_eq!(parse_range("items=0-1", 100), None);
        assert_eq!(parse_range("bytes=x-", 100), None);
    }
}
