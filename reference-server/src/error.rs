//! One error type for every handler, rendered as
//! `{"error": {"code": "...", "message": "..."}}` with the right status.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

/// Everything a handler can fail with.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{message}")]
    BadRequest { code: &'static str, message: String },
    #[error("upload is larger than the {limit} byte limit")]
    TooLarge { limit: u64 },
    #[error(transparent)]
    Core(#[from] reelkit::Error),
    #[error("internal error")]
    Internal(String),
}

impl ApiError {
    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        ApiError::BadRequest { code, message: message.into() }
    }

    fn status_and_code(&self) -> (StatusCode, &'static str) {
        match self {
            ApiError::BadRequest { code, .. } => (StatusCode::BAD_REQUEST, code),
            ApiError::TooLarge { .. } => (StatusCode::PAYLOAD_TOO_LARGE, "too_large"),
            ApiError::Core(e) => {
                (StatusCode::from_u16(e.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR), e.code())
            }
            ApiError::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code) = self.status_and_code();
        let message = match &self {
            // Uploads are stored under temporary names: say what was wrong
            // with the media without echoing server paths.
            ApiError::Core(e) if e.is_input_error() => client_message(e),
            ApiError::Core(_) | ApiError::Internal(_) => {
                tracing::error!(error = %self, "request failed");
                "the server could not complete the request".to_owned()
            }
            other => other.to_string(),
        };
        (status, Json(json!({ "error": { "code": code, "message": message } }))).into_response()
    }
}

fn client_message(e: &reelkit::Error) -> String {
    use reelkit::ErrorKind as K;
    let reason = e.reason();
    match e.kind() {
        K::NotMedia => format!("the upload is not a media file or its format is unsupported ({reason})"),
        K::CorruptMedia => format!("the upload is corrupt or truncated ({reason})"),
        K::MissingStream => format!("the upload has no {reason} stream"),
        K::NotFound => "the file does not exist".to_owned(),
        _ => e.to_string(),
    }
}
