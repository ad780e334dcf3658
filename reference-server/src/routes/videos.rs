//! Videos: small uploads in one multipart request (large ones go through
//! `/uploads`), listing, download of the original, deletion. A new video
//! gets the first job of its chain queued with it.

use std::path::Path as FsPath;
use std::sync::Arc;

use axum::extract::multipart::{Multipart, MultipartError, MultipartRejection};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use tokio::io::AsyncWriteExt;

use super::extract::{id, ApiQuery};
use super::views::{PageQuery, VideoView};
use super::{base_url, file_name, list_response, projects};
use crate::auth::{Caller, Role};
use crate::db::videos::{state as video_state, Video};
use crate::db::{new_id, now_ms};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::storage;

/// A file received from a multipart field, staged on local disk (removed
/// when dropped).
pub struct Received {
    pub filename: String,
    pub content_type: String,
    pub size: u64,
    pub file: tempfile::TempPath,
}

pub fn multipart_rejection(r: MultipartRejection) -> ApiError {
    ApiError::new(
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_media_type",
        format!("send the file as multipart/form-data with a field named `file` ({})", r.body_text()),
    )
}

fn multipart_error(e: MultipartError, limit: u64) -> ApiError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        return ApiError::too_large(limit);
    }
    ApiError::bad_request("bad_multipart", e.body_text())
}

/// Read the multipart field `file` into a staged file, up to the upload limit.
pub async fn receive_file(state: &AppState, multipart: Result<Multipart, MultipartRejection>) -> ApiResult<Received> {
    let mut multipart = multipart.map_err(multipart_rejection)?;
    let limit = state.config.limits.max_upload_bytes;
    while let Some(mut field) = multipart.next_field().await.map_err(|e| multipart_error(e, limit))? {
        if field.name() != Some("file") {
            continue;
        }
        let filename = file_name(field.file_name())?;
        let content_type = field
            .content_type()
            .filter(|c| *c != "application/octet-stream" && c.len() <= 100)
            .map(str::to_owned)
            .unwrap_or_else(|| mime_guess::from_path(&filename).first_or_octet_stream().essence_str().to_owned());
        tokio::fs::create_dir_all(&state.uploads_dir).await.map_err(ApiError::internal)?;
        let temp = tempfile::Builder::new()
            .prefix("multipart-")
            .tempfile_in(&state.uploads_dir)
            .map_err(ApiError::internal)?;
        let (std_file, path) = temp.into_parts();
        let mut file = tokio::fs::File::from_std(std_file);
        let mut size: u64 = 0;
        while let Some(chunk) = field.chunk().await.map_err(|e| multipart_error(e, limit))? {
            size += chunk.len() as u64;
            if size > limit {
                return Err(ApiError::too_large(limit));
            }
            file.write_all(&chunk).await.map_err(ApiError::internal)?;
        }
        file.flush().await.map_err(ApiError::internal)?;
        if size == 0 {
            return Err(ApiError::invalid("file", "the file is empty"));
        }
        return Ok(Received { filename, content_type, size, file: path });
    }
    Err(ApiError::bad_request("missing_file", "expected a multipart field named `file`"))
}

/// A video's bytes, already in the store.
pub struct StoredVideo {
    pub id: String,
    pub filename: String,
    pub content_type: String,
    pub size: u64,
    pub object_key: String,
}

/// Record a video whose bytes are in the store, and queue the first job of
/// its chain (both or neither).
pub async fn register(
    state: &AppState,
    org_id: &str,
    project_id: &str,
    stored: StoredVideo,
    upload_id: Option<&str>,
) -> ApiResult<Video> {
    let now = now_ms();
    let mut video = Video {
        id: stored.id,
        org_id: org_id.to_owned(),
        project_id: project_id.to_owned(),
        filename: stored.filename,
        content_type: stored.content_type,
        size: stored.size as i64,
        object_key: stored.object_key,
        state: video_state::PROCESSING.into(),
        sha256: None,
        info: None,
        error_code: None,
        error_message: None,
        created_at: now,
        updated_at: now,
    };
    let first = crate::jobs::chain_job(&state.config, &video, 0, None);
    if first.is_none() {
        video.state = video_state::READY.into();
    }
    state.db.insert_video_with_chain(&video, first.as_ref(), upload_id).await?;
    state.job_queued();
    Ok(video)
}

/// Store a staged file as a new video.
pub async fn store_and_register(
    state: &AppState,
    org_id: &str,
    project_id: &str,
    filename: String,
    content_type: String,
    staged: &FsPath,
    upload_id: Option<&str>,
) -> ApiResult<Video> {
    let video_id = new_id();
    let key = storage::video_key(org_id, &video_id, &filename);
    let size = state.store.put_file(&key, staged).await?.size;
    let stored = StoredVideo { id: video_id, filename, content_type, size, object_key: key.clone() };
    match register(state, org_id, project_id, stored, upload_id).await {
        Ok(video) => Ok(video),
        Err(e) => {
            state.store.delete_all(&[key]).await;
            Err(e)
        }
    }
}

/// Upload a (small) video as multipart field `file`; its chain starts.
#[utoipa::path(post, path = "/v1/projects/{project_id}/videos", tag = "videos", params(("project_id" = uuid::Uuid, Path)),
    request_body(content_type = "multipart/form-data", description = "field `file`"), security(("bearer" = [])),
    responses((status = 201, body = VideoView), (status = 413, body = super::views::ErrorBody), (status = 422, body = super::views::ErrorBody)))]
pub async fn upload(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    Path(project_id): Path<String>,
    headers: HeaderMap,
    multipart: Result<Multipart, MultipartRejection>,
) -> ApiResult<Response> {
    caller.require(Role::Editor)?;
    let project = projects::find(&state, &caller, &project_id).await?;
    let received = receive_file(&state, multipart).await?;
    let video = store_and_register(
        &state,
        &caller.org_id,
        &project.id,
        received.filename,
        received.content_type,
        &received.file,
        None,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(VideoView::new(video, &base_url(&state, &headers)))).into_response())
}

#[utoipa::path(get, path = "/v1/projects/{project_id}/videos", tag = "videos", params(("project_id" = uuid::Uuid, Path), PageQuery),
    security(("bearer" = [])), responses((status = 200, body = [VideoView])))]
pub async fn list(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    Path(project_id): Path<String>,
    headers: HeaderMap,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> ApiResult<Response> {
    let page = q.page()?;
    let project = projects::find(&state, &caller, &project_id).await?;
    let (rows, total) = state.db.videos(&caller.org_id, &project.id, page).await?;
    let base = base_url(&state, &headers);
    let views: Vec<VideoView> = rows.into_iter().map(|v| VideoView::new(v, &base)).collect();
    Ok(list_response(views, total, page, &format!("/v1/projects/{project_id}/videos")))
}

/// The caller's video `video_id`, or 404.
pub async fn find(state: &AppState, caller: &Caller, video_id: &str) -> ApiResult<Video> {
    id(video_id, "video")?;
    state.db.video(&caller.org_id, video_id).await?.ok_or_else(|| ApiError::not_found("video"))
}

#[utoipa::path(get, path = "/v1/videos/{video_id}", tag = "videos", params(("video_id" = uuid::Uuid, Path)),
    security(("bearer" = [])), responses((status = 200, body = VideoView), (status = 404, body = super::views::ErrorBody)))]
pub async fn get(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    Path(video_id): Path<String>,
    headers: HeaderMap,
) -> ApiResult<Json<VideoView>> {
    let video = find(&state, &caller, &video_id).await?;
    Ok(Json(VideoView::new(video, &base_url(&state, &headers))))
}

/// Download the original upload.
#[utoipa::path(get, path = "/v1/videos/{video_id}/content", tag = "videos", params(("video_id" = uuid::Uuid, Path)),
    security(("bearer" = [])), responses((status = 200, description = "the bytes", content_type = "application/octet-stream")))]
pub async fn content(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    Path(video_id): Path<String>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let video = find(&state, &caller, &video_id).await?;
    super::artifacts::stream_object(&state, &video.object_key, &video.content_type, &video.filename, &headers).await
}

/// Delete a video with its jobs and their files.
#[utoipa::path(delete, path = "/v1/videos/{video_id}", tag = "videos", params(("video_id" = uuid::Uuid, Path)),
    security(("bearer" = [])), responses((status = 204, description = "deleted"), (status = 404, body = super::views::ErrorBody)))]
pub async fn delete(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    Path(video_id): Path<String>,
) -> ApiResult<StatusCode> {
    id(&video_id, "video")?;
    caller.require(Role::Admin)?;
    let keys = state.db.delete_video(&caller.org_id, &video_id).await?.ok_or_else(|| ApiError::not_found("video"))?;
    state.store.delete_all(&keys).await;
    Ok(StatusCode::NO_CONTENT)
}
