//! One error type for every handler, rendered as
//! `{"error": {"code": "...", "message": "..."}}` with its status. Core
//! errors keep their code and get the core kind's pinned HTTP status;
//! internal causes are logged, never shown.

use std::borrow::Cow;

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

/// What a request failed with.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: Cow<'static, str>,
    pub message: String,
    /// The offending field (dotted path), when one is at fault.
    pub field: Option<String>,
    /// Accepted keys or values, when the error rejected one.
    pub accepted: Vec<String>,
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}: {}", self.status.as_u16(), self.code, self.message)
    }
}

impl std::error::Error for ApiError {}

pub type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    pub fn new(status: StatusCode, code: impl Into<Cow<'static, str>>, message: impl Into<String>) -> Self {
        Self { status, code: code.into(), message: message.into(), field: None, accepted: Vec::new() }
    }

    pub fn at_field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }

    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, message)
    }

    /// A well-formed body whose values cannot be used.
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_parameter", message).at_field(field)
    }

    pub fn unauthorized(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "unauthorized", message)
    }

    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "forbidden", message)
    }

    /// No such `what` in the caller's organisation (foreign ones included).
    pub fn not_found(what: &str) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", format!("no such {what}"))
    }

    pub fn conflict(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, code, message)
    }

    pub fn too_large(limit: u64) -> Self {
        Self::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            format!("the request body is larger than the {limit} byte limit"),
        )
    }

    pub fn timeout(seconds: u64) -> Self {
        Self::new(
            StatusCode::REQUEST_TIMEOUT,
            "request_timeout",
            format!("the request did not complete within {seconds} s"),
        )
    }

    pub fn unavailable(message: impl Into<String>) -> Self {
        Self::new(StatusCode::SERVICE_UNAVAILABLE, "unavailable", message)
    }

    /// A failure that is not the client's: logged with its cause, shown
    /// as a generic message.
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        tracing::error!(error = %cause, "request failed");
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", "the server could not complete the request")
    }

    /// A core error with its code and pinned status. Input errors keep the
    /// core's message (which names the field and accepted values); others
    /// are logged and shown generically.
    pub fn core(e: &reelkit::Error) -> Self {
        let status = StatusCode::from_u16(e.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let message = if e.is_input_error() || e.is_cancelled() {
            e.to_string()
        } else {
            tracing::error!(error = %e, "core call failed");
            "the server could not complete the request".to_owned()
        };
        Self {
            status,
            code: Cow::Borrowed(e.code()),
            message,
            field: e.field().map(str::to_owned),
            accepted: e.accepted().to_vec(),
        }
    }

    pub fn body(&self) -> Value {
        let mut error = json!({ "code": self.code, "message": self.message });
        if let Some(field) = &self.field {
            error["field"] = json!(field);
        }
        if !self.accepted.is_empty() {
            error["accepted"] = json!(self.accepted);
        }
        json!({ "error": error })
    }
}

impl From<reelkit::Error> for ApiError {
    fn from(e: reelkit::Error) -> Self {
        ApiError::core(&e)
    }
}

impl From<sqlx::Error> for ApiError {
    fn from(e: sqlx::Error) -> Self {
        if let sqlx::Error::Database(db) = &e {
            if db.is_unique_violation() {
                return ApiError::conflict("conflict", "a resource with these values already exists");
            }
        }
        if matches!(e, sqlx::Error::PoolTimedOut) {
            tracing::warn!("database pool exhausted");
            return ApiError::unavailable("the server is busy; try again");
        }
        ApiError::internal(e)
    }
}

impl From<object_store::Error> for ApiError {
    fn from(e: object_store::Error) -> Self {
        if matches!(e, object_store::Error::NotFound { .. }) {
            return ApiError::not_found("object");
        }
        ApiError::internal(e)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = (self.status, Json(self.body())).into_response();
        if self.status == StatusCode::UNAUTHORIZED {
            response
                .headers_mut()
                .insert(axum::http::header::WWW_AUTHENTICATE, axum::http::HeaderValue::from_static("Bearer"));
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn core_errors_keep_their_code_field_and_pinned_status() {
        let e = reelkit::JobSpec::from_value(json!({"kind": "clips", "params": {"topp": 1}})).unwrap_err();
        let api = ApiError::core(&e);
        assert_eq!(api.status.as_u16(), reelkit::ErrorKind::InvalidConfig.http_status());
        assert_eq!(api.code, "invalid_config");
        assert_eq!(api.field.as_deref(), Some("params.topp"));
        assert!(api.accepted.iter().any(|k| k == "top"));
        let body = api.body();
        assert_eq!(body["error"]["code"], "invalid_config");
    }

    #[test]
    fn internal_causes_are_not_shown() {
        let api = ApiError::internal("password=hunter2 in /srv/db");
        assert!(!api.message.contains("hunter2"));
        assert_eq!(api.status, StatusCode::INTERNAL_SERVER_ERROR);
    }
}
