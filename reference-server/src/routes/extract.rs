//! Extractors whose rejections are the server's error body: malformed JSON
//! is 400, a body of the wrong shape 422 naming the field, a body over the
//! limit 413 naming the limit, a bad query string 400.

use std::sync::Arc;

use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::StatusCode;
use serde::de::DeserializeOwned;

use crate::error::ApiError;
use crate::state::AppState;

/// `Json<T>` with the server's rejections.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned> FromRequest<Arc<AppState>> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &Arc<AppState>) -> Result<Self, Self::Rejection> {
        let limit = state.config.limits.max_json_bytes;
        match axum::Json::<serde_json::Value>::from_request(req, state).await {
            Ok(axum::Json(value)) => {
                let value: T = serde_path_to_error::deserialize(value).map_err(|e| {
                    let path = e.path().to_string();
                    let field = if path == "." { "(body)".to_owned() } else { path };
                    ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_body", format!("`{field}`: {}", e.inner()))
                        .at_field(field)
                })?;
                Ok(ApiJson(value))
            }
            Err(rejection) => Err(json_rejection(rejection, limit)),
        }
    }
}

fn json_rejection(rejection: JsonRejection, limit: u64) -> ApiError {
    match rejection {
        JsonRejection::JsonSyntaxError(e) => ApiError::bad_request("malformed_json", format!("the body is not valid JSON: {}", e.body_text())),
        JsonRejection::JsonDataError(e) => ApiError::bad_request("malformed_json", e.body_text()),
        JsonRejection::MissingJsonContentType(_) => ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "send the body as `Content-Type: application/json`",
        ),
        JsonRejection::BytesRejection(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => ApiError::too_large(limit),
        other => ApiError::bad_request("bad_body", other.body_text()),
    }
}

/// `Query<T>` with the server's rejections.
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|q| ApiQuery(q.0))
            .map_err(|e: QueryRejection| ApiError::bad_request("invalid_query", e.body_text()))
    }
}

/// An id from the path: junk is simply not found.
pub fn id(value: &str, what: &str) -> Result<(), ApiError> {
    if crate::db::is_id(value) {
        Ok(())
    } else {
        Err(ApiError::not_found(what))
    }
}
