//! Errors as JS sees them: an `Error` whose `message` is the core's one-line
//! message and whose `code` is the core's stable code (`not_media`,
//! `corrupt_media`, `cancelled`...), so callers branch on `err.code`.

use napi::{Env, JsError};

/// A failure on its way to JS: a stable code and a one-line message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub code: &'static str,
    pub message: String,
}

impl Failure {
    /// A caller-supplied value the binding itself rejects (same code and
    /// wording as the core's `InvalidParameter`).
    pub fn invalid(name: &str, reason: impl std::fmt::Display) -> Self {
        Self { code: "invalid_parameter", message: format!("invalid parameter `{name}`: {reason}") }
    }

    /// A bug: a panic inside the core or the binding.
    pub fn internal(message: impl Into<String>) -> Self {
        Self { code: "internal", message: message.into() }
    }

    /// The JS `Error` object, carried in a `napi::Error` so that napi throws
    /// or rejects with it unchanged.
    pub fn into_napi(self, env: &Env) -> napi::Error {
        let status: &str = self.code;
        let js = JsError::from(napi::Error::new(status, self.message)).into_unknown(*env);
        napi::Error::from(js)
    }
}

impl From<reelkit::Error> for Failure {
    fn from(e: reelkit::Error) -> Self {
        Self { code: e.code(), message: e.to_string() }
    }
}

impl From<reelkit::models::Error> for Failure {
    fn from(e: reelkit::models::Error) -> Self {
        Self { code: e.code(), message: e.to_string() }
    }
}

/// `Err(JS error with code)` for synchronous functions.
pub fn throw<T>(env: &Env, failure: impl Into<Failure>) -> napi::Result<T> {
    Err(failure.into().into_napi(env))
}
