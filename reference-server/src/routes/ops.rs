//! Operations: liveness, readiness (database and store answer), Prometheus
//! metrics, and the quick synchronous probe of an uploaded file.

use std::sync::Arc;

use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

use super::videos;
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// Liveness: the process answers.
#[utoipa::path(get, path = "/healthz", tag = "operations", responses((status = 200, description = "alive")))]
pub async fn healthz() -> Json<Value> {
    Json(json!({ "status": "ok", "version": env!("CARGO_PKG_VERSION") }))
}

/// Readiness: the database and the object store answer.
#[utoipa::path(get, path = "/readyz", tag = "operations",
    responses((status = 200, description = "ready"), (status = 503, description = "a dependency is down")))]
pub async fn readyz(State(state): State<Arc<AppState>>) -> Response {
    let db = state.db.ping().await.map_err(|e| e.to_string());
    let store = state.store.check().await.map_err(|e| e.to_string());
    let ok = db.is_ok() && store.is_ok();
    if let Err(e) = &db {
        tracing::warn!(error = %e, "readiness: database down");
    }
    if let Err(e) = &store {
        tracing::warn!(error = %e, "readiness: store down");
    }
    let status = if ok { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE };
    let body = json!({
        "status": if ok { "ready" } else { "unavailable" },
        "database": if db.is_ok() { "ok" } else { "down" },
        "store": if store.is_ok() { "ok" } else { "down" },
    });
    (status, Json(body)).into_response()
}

/// Prometheus exposition: HTTP latency by route, job durations, queue depth.
#[utoipa::path(get, path = "/metrics", tag = "operations",
    responses((status = 200, description = "Prometheus text format", content_type = "text/plain")))]
pub async fn metrics(State(state): State<Arc<AppState>>) -> Response {
    let text = crate::metrics::render(&state.db).await;
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], text).into_response()
}

/// What a media file contains (multipart field `file`), answered at once.
#[utoipa::path(post, path = "/v1/probe", tag = "operations",
    request_body(content_type = "multipart/form-data", description = "field `file`"), security(("bearer" = [])),
    responses((status = 200, description = "the core's media info", body = Object),
              (status = 422, description = "not media, corrupt", body = super::views::ErrorBody)))]
pub async fn probe(
    State(state): State<Arc<AppState>>,
    _caller: Caller,
    multipart: Result<Multipart, MultipartRejection>,
) -> ApiResult<Json<Value>> {
    let received = videos::receive_file(&state, multipart).await?;
    let path = received.file.to_path_buf();
    let info = tokio::task::spawn_blocking(move || reelkit::probe(&path)).await.map_err(ApiError::internal)?;
    let info = info.map_err(|e| {
        let mut api = ApiError::core(&e);
        if e.is_input_error() {
            api.message = match e.kind() {
                reelkit::ErrorKind::NotMedia => format!("the upload is not a media file or its format is unsupported ({})", e.reason()),
                reelkit::ErrorKind::CorruptMedia => format!("the upload is corrupt or truncated ({})", e.reason()),
                reelkit::ErrorKind::MissingStream => format!("the upload has no {} stream", e.reason()),
                _ => e.reason().to_owned(),
            };
        }
        api
    })?;
    let mut body = serde_json::to_value(&info).map_err(ApiError::internal)?;
    body["path"] = json!(received.filename);
    body["size_bytes"] = json!(received.size);
    Ok(Json(body))
}
