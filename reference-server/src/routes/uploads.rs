//! Large uploads that survive a dropped connection.
//!
//! `chunked` (any store): create the upload with its size, then `PATCH` the
//! bytes in as many requests as needed, each with `Upload-Offset` (the
//! tus core protocol's headers); after a dropped connection, `HEAD` gives
//! the offset the server has, and the client goes on from there. The last
//! chunk turns the upload into a video.
//!
//! `presigned` (S3 stores): the client `PUT`s the bytes straight to the
//! store at `put_url`, then `POST`s `complete_url`.

use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use futures_util::StreamExt;
use serde::Deserialize;
use tokio::io::AsyncWriteExt;
use utoipa::ToSchema;

use super::extract::{id, ApiJson};
use super::views::{time, UploadView};
use super::{base_url, file_name, projects, videos};
use crate::auth::{Caller, Role};
use crate::db::uploads::{mode, Upload};
use crate::db::{new_id, now_ms};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::storage;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateUploadRequest {
    /// A plain file name (no directories).
    #[schema(min_length = 1, max_length = 255)]
    pub filename: String,
    /// Total bytes.
    #[schema(minimum = 1)]
    pub size: u64,
    #[serde(default)]
    pub content_type: Option<String>,
    /// `chunked` (default) or `presigned` (S3 stores only).
    #[serde(default)]
    pub mode: Option<String>,
}

fn staged_path(state: &AppState, upload_id: &str) -> std::path::PathBuf {
    state.uploads_dir.join(format!("{upload_id}.part"))
}

async fn received(state: &AppState, upload: &Upload) -> i64 {
    if upload.video_id.is_some() {
        return upload.size;
    }
    if upload.mode == mode::PRESIGNED {
        return 0;
    }
    tokio::fs::metadata(staged_path(state, &upload.id)).await.map(|m| m.len() as i64).unwrap_or(0)
}

async fn view(state: &AppState, upload: Upload, base: &str, put_url: Option<String>) -> UploadView {
    let offset = received(state, &upload).await;
    UploadView {
        url: format!("{base}/v1/uploads/{}", upload.id),
        complete_url: format!("{base}/v1/uploads/{}/complete", upload.id),
        put_url,
        offset,
        id: upload.id,
        project_id: upload.project_id,
        filename: upload.filename,
        size: upload.size,
        mode: upload.mode,
        video_id: upload.video_id,
        expires_at: time(upload.expires_at),
    }
}

/// Start an upload.
#[utoipa::path(post, path = "/v1/projects/{project_id}/uploads", tag = "uploads", params(("project_id" = uuid::Uuid, Path)),
    request_body = CreateUploadRequest, security(("bearer" = [])),
    responses((status = 201, body = UploadView), (status = 413, body = super::views::ErrorBody), (status = 422, body = super::views::ErrorBody)))]
pub async fn create(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    Path(project_id): Path<String>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<CreateUploadRequest>,
) -> ApiResult<Response> {
    caller.require(Role::Editor)?;
    let project = projects::find(&state, &caller, &project_id).await?;
    let filename = file_name(Some(&body.filename))?;
    let limit = state.config.limits.max_upload_bytes;
    if body.size == 0 {
        return Err(ApiError::invalid("size", "`size` must be at least 1 byte"));
    }
    if body.size > limit {
        return Err(ApiError::too_large(limit));
    }
    let upload_mode = match body.mode.as_deref() {
        None | Some("chunked") => mode::CHUNKED,
        Some("presigned") if state.store.can_presign() => mode::PRESIGNED,
        Some("presigned") => return Err(ApiError::invalid("mode", "this server's store takes no presigned uploads; use `chunked`")),
        Some(other) => return Err(ApiError::invalid("mode", format!("`mode` {other:?} is not one of chunked, presigned"))),
    };
    let content_type = body
        .content_type
        .filter(|c| !c.is_empty() && c.len() <= 100 && c.bytes().all(|b| b.is_ascii_graphic()))
        .unwrap_or_else(|| mime_guess::from_path(&filename).first_or_octet_stream().essence_str().to_owned());
    let upload_id = new_id();
    let video_id = new_id();
    let now = now_ms();
    let upload = Upload {
        object_key: storage::video_key(&caller.org_id, &video_id, &filename),
        id: upload_id,
        org_id: caller.org_id.clone(),
        project_id: project.id,
        filename,
        content_type,
        size: body.size as i64,
        mode: upload_mode.into(),
        video_id: None,
        created_at: now,
        expires_at: now + (state.config.limits.upload_expiry_seconds as i64) * 1000,
    };
    let put_url = if upload_mode == mode::PRESIGNED {
        let expires = Duration::from_secs(state.config.limits.upload_expiry_seconds.min(7 * 24 * 3600));
        state.store.presign_put(&upload.object_key, expires).await?.map(|u| u.to_string())
    } else {
        tokio::fs::create_dir_all(&state.uploads_dir).await.map_err(ApiError::internal)?;
        tokio::fs::File::create(staged_path(&state, &upload.id)).await.map_err(ApiError::internal)?;
        None
    };
    state.db.insert_upload(&upload).await?;
    let view = view(&state, upload, &base_url(&state, &headers), put_url).await;
    let mut response = (StatusCode::CREATED, Json(view)).into_response();
    response.headers_mut().insert("tus-resumable", HeaderValue::from_static("1.0.0"));
    Ok(response)
}

async fn find(state: &AppState, caller: &Caller, upload_id: &str) -> ApiResult<Upload> {
    id(upload_id, "upload")?;
    state.db.upload(&caller.org_id, upload_id).await?.ok_or_else(|| ApiError::not_found("upload"))
}

#[utoipa::path(get, path = "/v1/uploads/{upload_id}", tag = "uploads", params(("upload_id" = uuid::Uuid, Path)),
    security(("bearer" = [])), responses((status = 200, body = UploadView), (status = 404, body = super::views::ErrorBody)))]
pub async fn get(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    Path(upload_id): Path<String>,
    headers: HeaderMap,
) -> ApiResult<Json<UploadView>> {
    let upload = find(&state, &caller, &upload_id).await?;
    Ok(Json(view(&state, upload, &base_url(&state, &headers), None).await))
}

fn offset_headers(response: &mut Response, offset: i64, size: i64) {
    let headers = response.headers_mut();
    headers.insert("upload-offset", HeaderValue::from(offset));
    headers.insert("upload-length", HeaderValue::from(size));
    headers.insert("tus-resumable", HeaderValue::from_static("1.0.0"));
    headers.insert(axum::http::header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
}

/// How many bytes the server has (`Upload-Offset`).
#[utoipa::path(head, path = "/v1/uploads/{upload_id}", tag = "uploads", params(("upload_id" = uuid::Uuid, Path)),
    security(("bearer" = [])), responses((status = 200, description = "`Upload-Offset` and `Upload-Length` headers")))]
pub async fn head(State(state): State<Arc<AppState>>, caller: Caller, Path(upload_id): Path<String>) -> ApiResult<Response> {
    let upload = find(&state, &caller, &upload_id).await?;
    let offset = received(&state, &upload).await;
    let mut response = StatusCode::OK.into_response();
    offset_headers(&mut response, offset, upload.size);
    Ok(response)
}

/// One writer per upload at a time, released on drop.
struct Busy<'a> {
    state: &'a AppState,
    id: String,
}

impl Drop for Busy<'_> {
    fn drop(&mut self) {
        self.state.busy_uploads.lock().unwrap_or_else(|e| e.into_inner()).remove(&self.id);
    }
}

fn lock_upload<'a>(state: &'a AppState, upload_id: &str) -> ApiResult<Busy<'a>> {
    let mut busy = state.busy_uploads.lock().unwrap_or_else(|e| e.into_inner());
    if !busy.insert(upload_id.to_owned()) {
        return Err(ApiError::conflict("upload_busy", "another request is writing to this upload"));
    }
    Ok(Busy { state, id: upload_id.to_owned() })
}

/// Append bytes at `Upload-Offset`; the last chunk creates the video.
#[utoipa::path(patch, path = "/v1/uploads/{upload_id}", tag = "uploads",
    params(("upload_id" = uuid::Uuid, Path), ("Upload-Offset" = u64, Header, description = "where these bytes go")),
    request_body(content_type = "application/octet-stream", description = "the next bytes (tus clients send `application/offset+octet-stream`; any type is accepted)"), security(("bearer" = [])),
    responses((status = 200, body = UploadView), (status = 409, description = "offset mismatch", body = super::views::ErrorBody),
              (status = 413, body = super::views::ErrorBody)))]
pub async fn append(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    Path(upload_id): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> ApiResult<Response> {
    caller.require(Role::Editor)?;
    let upload = find(&state, &caller, &upload_id).await?;
    if upload.mode != mode::CHUNKED {
        return Err(ApiError::conflict("wrong_mode", "this upload goes straight to the store: PUT to its put_url"));
    }
    if upload.video_id.is_some() {
        return Err(ApiError::conflict("upload_complete", "this upload is complete"));
    }
    let claimed: u64 = headers
        .get("upload-offset")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse().ok())
        .ok_or_else(|| ApiError::bad_request("missing_offset", "send `Upload-Offset: N` (the bytes the server has; see HEAD)"))?;
    let _busy = lock_upload(&state, &upload.id)?;
    let path = staged_path(&state, &upload.id);
    let have = tokio::fs::metadata(&path).await.map(|m| m.len()).map_err(|_| ApiError::not_found("upload"))?;
    if claimed != have {
        let mut response = ApiError::conflict("offset_mismatch", format!("the server has {have} bytes, not {claimed}")).into_response();
        offset_headers(&mut response, have as i64, upload.size);
        return Ok(response);
    }
    let size = upload.size as u64;
    let mut file = tokio::fs::OpenOptions::new().append(true).open(&path).await.map_err(ApiError::internal)?;
    let mut offset = have;
    let mut stream = body.into_data_stream();
    while let Some(chunk) = stream.next().await {
        // A dropped connection keeps what arrived; HEAD tells the client.
        let chunk = match chunk {
            Ok(c) => c,
            Err(e) => {
                file.flush().await.map_err(ApiError::internal)?;
                return Err(ApiError::bad_request("body_interrupted", format!("the body broke off after {offset} bytes: {e}")));
            }
        };
        if offset + chunk.len() as u64 > size {
            file.flush().await.map_err(ApiError::internal)?;
            return Err(ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload_too_large",
                format!("the upload was declared as {size} bytes; this chunk goes past that"),
            ));
        }
        file.write_all(&chunk).await.map_err(ApiError::internal)?;
        // Each chunk reaches the file before the next is read: a request
        // cut off here (timeout, dropped connection) keeps what it sent.
        file.flush().await.map_err(ApiError::internal)?;
        offset += chunk.len() as u64;
    }
    file.flush().await.map_err(ApiError::internal)?;
    drop(file);
    let base = base_url(&state, &headers);
    let upload = if offset == size { finish_chunked(&state, &caller, upload).await? } else { upload };
    let mut response = Json(view(&state, upload, &base, None).await).into_response();
    offset_headers(&mut response, offset as i64, size as i64);
    Ok(response)
}

async fn finish_chunked(state: &AppState, caller: &Caller, mut upload: Upload) -> ApiResult<Upload> {
    let path = staged_path(state, &upload.id);
    let video = videos::store_and_register(
        state,
        &caller.org_id,
        &upload.project_id,
        upload.filename.clone(),
        upload.content_type.clone(),
        &path,
        Some(&upload.id),
    )
    .await?;
    let _ = tokio::fs::remove_file(&path).await;
    upload.video_id = Some(video.id);
    Ok(upload)
}

/// Finish an upload: for `presigned`, after the PUT to the store; for
/// `chunked`, once every byte is in (idempotent).
#[utoipa::path(post, path = "/v1/uploads/{upload_id}/complete", tag = "uploads", params(("upload_id" = uuid::Uuid, Path)),
    security(("bearer" = [])),
    responses((status = 200, body = UploadView), (status = 409, description = "bytes missing", body = super::views::ErrorBody)))]
pub async fn complete(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    Path(upload_id): Path<String>,
    headers: HeaderMap,
) -> ApiResult<Json<UploadView>> {
    caller.require(Role::Editor)?;
    let upload = find(&state, &caller, &upload_id).await?;
    let base = base_url(&state, &headers);
    if upload.video_id.is_some() {
        return Ok(Json(view(&state, upload, &base, None).await));
    }
    let _busy = lock_upload(&state, &upload.id)?;
    let upload = if upload.mode == mode::PRESIGNED {
        let size = state.store.size_of(&upload.object_key).await?;
        if size != Some(upload.size as u64) {
            return Err(ApiError::conflict(
                "upload_incomplete",
                format!("the store holds {} bytes of the {} declared", size.unwrap_or(0), upload.size),
            ));
        }
        let video_id = upload.object_key.split('/').nth(3).unwrap_or_default().to_owned();
        let stored = videos::StoredVideo {
            id: video_id,
            filename: upload.filename.clone(),
            content_type: upload.content_type.clone(),
            size: upload.size as u64,
            object_key: upload.object_key.clone(),
        };
        let video = videos::register(&state, &caller.org_id, &upload.project_id, stored, Some(&upload.id)).await?;
        Upload { video_id: Some(video.id), ..upload }
    } else {
        let have = received(&state, &upload).await;
        if have != upload.size {
            return Err(ApiError::conflict("upload_incomplete", format!("the server has {have} of {} bytes", upload.size)));
        }
        finish_chunked(&state, &caller, upload).await?
    };
    Ok(Json(view(&state, upload, &base, None).await))
}

/// Remove unfinished uploads past their expiry (run now and then).
pub async fn sweep_expired(state: &AppState) {
    let expired = match state.db.expired_uploads().await {
        Ok(rows) => rows,
        Err(e) => {
            tracing::warn!(error = %e, "could not list expired uploads");
            return;
        }
    };
    for upload in expired {
        let _ = tokio::fs::remove_file(staged_path(state, &upload.id)).await;
        if upload.mode == mode::PRESIGNED {
            state.store.delete_all(std::slice::from_ref(&upload.object_key)).await;
        }
        if let Err(e) = state.db.delete_upload(&upload.id).await {
            tracing::warn!(error = %e, "could not delete an expired upload");
        }
    }
}
