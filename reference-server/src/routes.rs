//! HTTP routes.

use std::sync::Arc;

use axum::extract::{DefaultBodyLimit, Multipart, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{json, Value};
use tokio::io::AsyncWriteExt;

use crate::config::ServerConfig;
use crate::error::ApiError;

#[derive(Debug)]
struct AppState {
    config: ServerConfig,
}

/// The application's routes, ready to serve.
pub fn router(config: ServerConfig) -> Router {
    let limit = usize::try_from(config.max_upload_bytes).unwrap_or(usize::MAX);
    let state = Arc::new(AppState { config });
    Router::new()
        .route("/healthz", get(healthz))
        .route("/v1/probe", post(probe))
        .layer(DefaultBodyLimit::max(limit))
        .with_state(state)
}

async fn healthz() -> Json<Value> {
    Json(json!({ "status": "ok", "version": env!("CARGO_PKG_VERSION") }))
}

/// `POST /v1/probe` with a multipart field `file`: what the media contains.
async fn probe(State(state): State<Arc<AppState>>, mut multipart: Multipart) -> Result<Json<Value>, ApiError> {
    let uploads = state.config.data_dir.join("uploads");
    tokio::fs::create_dir_all(&uploads).await.map_err(|e| ApiError::Internal(e.to_string()))?;
    while let Some(mut field) = multipart.next_field().await.map_err(multipart_error)? {
        if field.name() != Some("file") {
            continue;
        }
        let original_name = field.file_name().map(sanitize_name);
        let temp = tempfile::Builder::new()
            .prefix("upload-")
            .tempfile_in(&uploads)
            .map_err(|e| ApiError::Internal(e.to_string()))?;
        let (std_file, path) = temp.into_parts();
        let mut file = tokio::fs::File::from_std(std_file);
        let mut written: u64 = 0;
        while let Some(chunk) = field.chunk().await.map_err(multipart_error)? {
            written += chunk.len() as u64;
            if written > state.config.max_upload_bytes {
                return Err(ApiError::TooLarge { limit: state.config.max_upload_bytes });
            }
            file.write_all(&chunk).await.map_err(|e| ApiError::Internal(e.to_string()))?;
        }
        file.flush().await.map_err(|e| ApiError::Internal(e.to_string()))?;
        drop(file);
        let probe_path = path.to_path_buf();
        let info = tokio::task::spawn_blocking(move || reelkit::probe(&probe_path))
            .await
            .map_err(|e| ApiError::Internal(e.to_string()))??;
        drop(path); // removes the temporary file
        let mut body = serde_json::to_value(&info).map_err(|e| ApiError::Internal(e.to_string()))?;
        body["path"] = json!(original_name.unwrap_or_default());
        body["size_bytes"] = json!(written);
        return Ok(Json(body));
    }
    Err(ApiError::bad_request("missing_file", "expected a multipart field named `file`"))
}

fn multipart_error(e: axum::extract::multipart::MultipartError) -> ApiError {
    if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
        return ApiError::TooLarge { limit: 0 };
    }
    ApiError::bad_request("bad_multipart", e.body_text())
}

/// Keep only the final component of a client-supplied file name.
fn sanitize_name(name: &str) -> String {
    name.rsplit(['/', '\\']).next().unwrap_or("").chars().filter(|c| !c.is_control()).take(255).collect()
}

#[cfg(test)]
mod tests {
    use super::sanitize_name;

    #[test]
    fn client_file_names_lose_their_directories() {
        assert_eq!(sanitize_name("../../etc/passwd"), "passwd");
        assert_eq!(sanitize_name("C:\\x\\clip.mp4"), "clip.mp4");
        assert_eq!(sanitize_name("a\u{0}b.mp4"), "ab.mp4");
    }
}
