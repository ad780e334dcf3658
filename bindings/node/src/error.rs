//! Errors as JS sees them: the core's [`reelkit::Error`] becomes a JS error
//! whose `message` is the core's one-line message and whose properties carry
//! its context: `code` (the core's stable code: `not_media`,
//! `invalid_config`, `cancelled`...), and where known `field` (the dotted
//! path at fault, e.g. `params.topp`), `accepted` (the keys or values
//! accepted there), `line` (of a parse error), `path` and `stage`.
//!
//! The class follows Node's own conventions: a spec or option of the wrong
//! shape is a `TypeError`, a value out of range a `RangeError`, anything
//! else an `Error`; callers branch on `err.code`.

use napi::bindgen_prelude::{JsObjectValue, Object};
use napi::{Env, JsError, JsRangeError, JsTypeError, Status};
use reelkit::{Error, ErrorKind};

/// The JS error for `e`, in a `napi::Error` so that napi throws or rejects
/// with it unchanged.
pub fn to_napi(env: &Env, e: &Error) -> napi::Error {
    build(env, e).unwrap_or_else(|_| napi::Error::new(Status::GenericFailure, e.to_string()))
}

fn build(env: &Env, e: &Error) -> napi::Result<napi::Error> {
    let base = napi::Error::new(e.code(), e.to_string());
    let js = match e.kind() {
        ErrorKind::InvalidConfig => JsTypeError::from(base).into_unknown(*env),
        ErrorKind::InvalidParameter => JsRangeError::from(base).into_unknown(*env),
        _ => JsError::from(base).into_unknown(*env),
    };
    // SAFETY: napi_create_*error returns an object.
    let mut object: Object<'_> = unsafe { js.cast()? };
    if let Some(field) = e.field() {
        object.set_named_property("field", field)?;
    }
    if !e.accepted().is_empty() {
        object.set_named_property("accepted", e.accepted().to_vec())?;
    }
    if let Some(line) = e.line() {
        object.set_named_property("line", u32::try_from(line).unwrap_or(u32::MAX))?;
    }
    if let Some(path) = e.path() {
        object.set_named_property("path", path.display().to_string())?;
    }
    if let Some(stage) = e.stage() {
        object.set_named_property("stage", stage.as_str())?;
    }
    Ok(napi::Error::from(js))
}

/// `Err(the JS error)`, for synchronous functions.
pub fn throw<T>(env: &Env, e: Error) -> napi::Result<T> {
    Err(to_napi(env, &e))
}
