//! The exception hierarchy, mirroring `reelkit::Error` one class per variant.
//!
//! Every exception carries `code`, the core's stable [`reelkit::Error::code`].
//! Three classes also derive from a built-in so that ordinary Python handlers
//! catch them: `MediaNotFoundError` is a `FileNotFoundError`, `FileIOError` an
//! `OSError` and `InvalidParameterError` a `ValueError`. `create_exception!`
//! takes a single base, so those three are made with `type(...)` at first use.

use pyo3::call::PyCallArgs;
use pyo3::create_exception;
use pyo3::exceptions::{PyException, PyFileNotFoundError, PyOSError, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyTuple, PyType};

create_exception!(
    reelkit,
    ReelkitError,
    PyException,
    "Base class of every reelkit error; `code` is a stable machine-readable string."
);
create_exception!(
    reelkit,
    NotMediaError,
    ReelkitError,
    "The file is not media FFmpeg can open."
);
create_exception!(
    reelkit,
    CorruptMediaError,
    ReelkitError,
    "The media is damaged: truncated, corrupt packets, zero duration."
);
create_exception!(
    reelkit,
    MissingStreamError,
    ReelkitError,
    "The media has no stream of the kind the call needs (audio or video)."
);
create_exception!(
    reelkit,
    ModelError,
    ReelkitError,
    "A model is missing, unknown or could not be provisioned."
);
create_exception!(reelkit, DecodeError, ReelkitError, "A decoder failed.");
create_exception!(
    reelkit,
    EncodeError,
    ReelkitError,
    "An encoder or muxer failed."
);
create_exception!(
    reelkit,
    AsrError,
    ReelkitError,
    "The speech recogniser failed."
);
create_exception!(
    reelkit,
    FontError,
    ReelkitError,
    "A caption font could not be loaded."
);
create_exception!(
    reelkit,
    SubtitleParseError,
    ReelkitError,
    "A subtitle file is malformed; `line` is the 1-based line where it goes wrong."
);
create_exception!(
    reelkit,
    TtsError,
    ReelkitError,
    "Speech synthesis failed (voice model, ONNX Runtime or espeak-ng)."
);
create_exception!(
    reelkit,
    CancelledError,
    ReelkitError,
    "The work was cancelled through a CancelToken."
);
create_exception!(
    reelkit,
    DeviceUnavailableError,
    ReelkitError,
    "The requested compute device is not available in this build or on this machine."
);

create_exception!(
    reelkit,
    DownloadError,
    ReelkitError,
    "A URL could not be fetched: an HTTP error status, a refused connection, a downloader that gave up."
);
create_exception!(
    reelkit,
    PolicyViolationError,
    ReelkitError,
    "Media broke a rule of the validation policy; `rule` names it (`max_bytes`, `allowed_containers`...)."
);
create_exception!(
    reelkit,
    ExternalToolError,
    ReelkitError,
    "An external program reelkit drives (yt-dlp) is missing or failed."
);

static MEDIA_NOT_FOUND: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static FILE_IO: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static INVALID_PARAMETER: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static TIMED_OUT: PyOnceLock<Py<PyType>> = PyOnceLock::new();

/// `class <name>(ReelkitError, <builtin>)`, created once.
fn two_base_type<'py>(
    py: Python<'py>,
    cell: &'static PyOnceLock<Py<PyType>>,
    name: &str,
    doc: &str,
    builtin: Bound<'py, PyType>,
) -> PyResult<Bound<'py, PyType>> {
    let ty = cell.get_or_try_init(py, || -> PyResult<Py<PyType>> {
        let bases = PyTuple::new(py, [py.get_type::<ReelkitError>(), builtin])?;
        let namespace = PyDict::new(py);
        namespace.set_item("__module__", "reelkit")?;
        namespace.set_item("__doc__", doc)?;
        let ty = py.get_type::<PyType>().call1((name, bases, namespace))?;
        Ok(ty.cast_into::<PyType>()?.unbind())
    })?;
    Ok(ty.bind(py).clone())
}

pub fn media_not_found_error(py: Python<'_>) -> PyResult<Bound<'_, PyType>> {
    two_base_type(
        py,
        &MEDIA_NOT_FOUND,
        "MediaNotFoundError",
        "The input file does not exist (also a FileNotFoundError).",
        py.get_type::<PyFileNotFoundError>(),
    )
}

pub fn file_io_error(py: Python<'_>) -> PyResult<Bound<'_, PyType>> {
    two_base_type(
        py,
        &FILE_IO,
        "FileIOError",
        "A file could not be read or written (also an OSError).",
        py.get_type::<PyOSError>(),
    )
}

pub fn invalid_parameter_error(py: Python<'_>) -> PyResult<Bound<'_, PyType>> {
    two_base_type(
        py,
        &INVALID_PARAMETER,
        "InvalidParameterError",
        "An argument is out of range or inconsistent (also a ValueError).",
        py.get_type::<PyValueError>(),
    )
}

pub fn timed_out_error(py: Python<'_>) -> PyResult<Bound<'_, PyType>> {
    two_base_type(
        py,
        &TIMED_OUT,
        "TimedOutError",
        "A download or an external tool did not finish in time (also a TimeoutError).",
        py.get_type::<pyo3::exceptions::PyTimeoutError>(),
    )
}

/// Every class with the `code` its instances carry unless they say otherwise.
pub fn classes(py: Python<'_>) -> PyResult<Vec<(Bound<'_, PyType>, &'static str)>> {
    Ok(vec![
        (py.get_type::<ReelkitError>(), "error"),
        (media_not_found_error(py)?, "not_found"),
        (file_io_error(py)?, "io"),
        (py.get_type::<NotMediaError>(), "not_media"),
        (py.get_type::<CorruptMediaError>(), "corrupt_media"),
        (py.get_type::<MissingStreamError>(), "missing_stream"),
        (invalid_parameter_error(py)?, "invalid_parameter"),
        (py.get_type::<ModelError>(), "model"),
        (py.get_type::<DecodeError>(), "decode"),
        (py.get_type::<EncodeError>(), "encode"),
        (py.get_type::<AsrError>(), "asr"),
        (py.get_type::<FontError>(), "font"),
        (py.get_type::<SubtitleParseError>(), "subtitle_parse"),
        (py.get_type::<TtsError>(), "tts"),
        (py.get_type::<CancelledError>(), "cancelled"),
        (
            py.get_type::<DeviceUnavailableError>(),
            "device_unavailable",
        ),
        (py.get_type::<DownloadError>(), "download_failed"),
        (timed_out_error(py)?, "timeout"),
        (py.get_type::<PolicyViolationError>(), "policy_violation"),
        (py.get_type::<ExternalToolError>(), "tool_failed"),
    ])
}

/// Instantiate `ty(*args)` and set its `code`.
fn raise<'py>(ty: PyResult<Bound<'py, PyType>>, args: impl PyCallArgs<'py>, code: &str) -> PyErr {
    let made = ty.and_then(|ty| ty.call1(args)).and_then(|value| {
        value.setattr("code", code)?;
        Ok(value)
    });
    match made {
        Ok(value) => PyErr::from_value(value),
        Err(e) => e,
    }
}

/// An `InvalidParameterError` raised by the binding itself (argument parsing).
pub fn invalid_parameter(py: Python<'_>, name: &str, reason: impl std::fmt::Display) -> PyErr {
    raise(
        invalid_parameter_error(py),
        (format!("invalid parameter `{name}`: {reason}"),),
        "invalid_parameter",
    )
}

/// Convert a core error into its Python exception.
pub fn to_py(error: reelkit::Error) -> PyErr {
    Python::attach(|py| convert(py, error))
}

fn convert(py: Python<'_>, error: reelkit::Error) -> PyErr {
    use reelkit::Error as E;
    let code = error.code();
    let message = error.to_string();
    match &error {
        E::Io { path, source } => match source.raw_os_error() {
            Some(errno) => raise(
                file_io_error(py),
                (errno, source.to_string(), path.display().to_string()),
                code,
            ),
            None => raise(file_io_error(py), (message,), code),
        },
        // errno 2 is ENOENT on every platform reelkit builds for.
        E::NotFound { path } => raise(
            media_not_found_error(py),
            (2, "No such file or directory", path.display().to_string()),
            code,
        ),
        E::NotMedia { .. } => raise(Ok(py.get_type::<NotMediaError>()), (message,), code),
        E::MissingStream { .. } => raise(Ok(py.get_type::<MissingStreamError>()), (message,), code),
        E::CorruptMedia { .. } => raise(Ok(py.get_type::<CorruptMediaError>()), (message,), code),
        E::Decode(_) => raise(Ok(py.get_type::<DecodeError>()), (message,), code),
        E::Encode(_) => raise(Ok(py.get_type::<EncodeError>()), (message,), code),
        E::InvalidParameter { .. } => raise(invalid_parameter_error(py), (message,), code),
        E::Model(reelkit::models::Error::Cancelled) => {
            raise(Ok(py.get_type::<CancelledError>()), (message,), code)
        }
        E::Model(_) => raise(Ok(py.get_type::<ModelError>()), (message,), code),
        E::Asr(_) => raise(Ok(py.get_type::<AsrError>()), (message,), code),
        E::Font(_) => raise(Ok(py.get_type::<FontError>()), (message,), code),
        E::DeviceUnavailable(_) => raise(
            Ok(py.get_type::<DeviceUnavailableError>()),
            (message,),
            code,
        ),
        E::Tts(_) => raise(Ok(py.get_type::<TtsError>()), (message,), code),
        E::Cancelled => raise(Ok(py.get_type::<CancelledError>()), (message,), code),
        E::SubtitleParse { line, .. } => {
            let err = raise(Ok(py.get_type::<SubtitleParseError>()), (message,), code);
            let _ = err.value(py).setattr("line", *line);
            err
        }
        E::Download { .. } => raise(Ok(py.get_type::<DownloadError>()), (message,), code),
        E::Timeout { .. } => raise(timed_out_error(py), (message,), code),
        E::PolicyViolation { rule, .. } => {
            let err = raise(Ok(py.get_type::<PolicyViolationError>()), (message,), code);
            let _ = err.value(py).setattr("rule", *rule);
            err
        }
        E::Tool { .. } => raise(Ok(py.get_type::<ExternalToolError>()), (message,), code),
        // A variant added to the core after this binding was written.
        _ => raise(Ok(py.get_type::<ReelkitError>()), (message,), code),
    }
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    for (ty, code) in classes(py)? {
        ty.setattr("code", code)?;
        m.add(ty.name()?, ty)?;
    }
    // Instances carry the line where the file goes wrong; 0 = unknown.
    py.get_type::<SubtitleParseError>().setattr("line", 0)?;
    // Set per instance; the class default says "no rule known".
    py.get_type::<PolicyViolationError>()
        .setattr("rule", py.None())?;
    Ok(())
}
