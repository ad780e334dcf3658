//! One exception class per [`reelkit::ErrorKind`], made at import from an
//! exhaustive match on the kind; the class's `code` is the core's
//! [`ErrorKind::code`]. Instances carry `code`, `field` (a dotted path such
//! as `params.top`), `line`, `accepted` and `stage` from the core error.
//!
//! Every class derives from `ReelkitError`; the model kinds also from
//! `ModelError`. Some also derive from a built-in so that ordinary handlers
//! catch them: `MediaNotFoundError` is a `FileNotFoundError`, `FileIOError`
//! an `OSError`, `TimedOutError` a `TimeoutError`, `InvalidParameterError`
//! a `ValueError` (and `InvalidConfigError` an `InvalidParameterError`).

use pyo3::exceptions::{PyException, PyFileNotFoundError, PyOSError, PyTimeoutError, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyTuple, PyType};
use reelkit::{Error, ErrorKind};

/// What a class derives from besides its own kind.
#[derive(Clone, Copy)]
enum Base {
    Reelkit,
    Model,
    Kind(ErrorKind),
    Value,
    FileNotFound,
    OsError,
    Timeout,
}

/// Name, bases and docstring of the class of `kind`; `None` for a kind
/// this build does not know yet (it raises `ReelkitError` with the code).
fn class_of(kind: ErrorKind) -> Option<(&'static str, &'static [Base], &'static str)> {
    use Base::{FileNotFound, Kind, Model, OsError, Reelkit, Timeout, Value};
    use ErrorKind as K;
    const R: &[Base] = &[Reelkit];
    const M: &[Base] = &[Model];
    Some(match kind {
        K::InvalidConfig => ("InvalidConfigError", &[Kind(K::InvalidParameter)], "A config or job spec has an unknown key or a value of the wrong type; `field` is its dotted path, `accepted` what is accepted there."),
        K::InvalidParameter => ("InvalidParameterError", &[Reelkit, Value], "An argument is out of range or inconsistent (also a ValueError); `field` names it."),
        K::NotFound => ("MediaNotFoundError", &[Reelkit, FileNotFound], "The input file does not exist (also a FileNotFoundError)."),
        K::NotMedia => ("NotMediaError", R, "The file is not media FFmpeg can open."),
        K::MissingStream => ("MissingStreamError", R, "The media has no stream of the kind the call needs (audio or video)."),
        K::CorruptMedia => ("CorruptMediaError", R, "The media is damaged: truncated, corrupt packets, zero duration."),
        K::SubtitleParse => ("SubtitleParseError", R, "A subtitle file is malformed; `line` is the 1-based line where it goes wrong."),
        K::PolicyViolation => ("PolicyViolationError", R, "Media broke a rule of the validation policy; `rule` names it (`max_bytes`, `allowed_containers`...)."),
        K::LimitExceeded => ("LimitExceededError", R, "The input is larger than a configured or built-in limit allows."),
        K::DownloadFailed => ("DownloadError", R, "A URL could not be fetched: an HTTP error status, a refused connection, a downloader that gave up."),
        K::Timeout => ("TimedOutError", &[Reelkit, Timeout], "A download or an external tool did not finish in time (also a TimeoutError)."),
        K::ModelNotFound => ("ModelNotFoundError", M, "A model is known but not provisioned (run `reelkit models fetch`), or a model path does not exist."),
        K::UnknownModel => ("UnknownModelError", M, "No model has that name and it is not a path either."),
        K::InvalidModelFile => ("InvalidModelFileError", M, "A model file is malformed (truncated, bad magic...)."),
        K::UnsupportedModel => ("UnsupportedModelError", M, "A well-formed model reelkit cannot use (other architecture, dtype...)."),
        K::ChecksumMismatch => ("ChecksumMismatchError", M, "A downloaded model does not have the expected checksum."),
        K::PackageNotFound => ("PackageNotFoundError", M, "The package index has no file the model manifest expects."),
        K::InvalidManifest => ("InvalidManifestError", M, "The model manifest is malformed."),
        K::Network => ("NetworkError", M, "A network request for a model failed before any HTTP status."),
        K::Http => ("HttpError", M, "A model server answered with an error status."),
        K::DeviceUnavailable => ("DeviceUnavailableError", R, "The requested compute device is not available in this build or on this machine."),
        K::Decode => ("DecodeError", R, "A decoder failed."),
        K::Encode => ("EncodeError", R, "An encoder or muxer failed."),
        K::Asr => ("AsrError", R, "The speech recogniser failed."),
        K::Tts => ("TtsError", R, "Speech synthesis failed (voice model, ONNX Runtime or espeak-ng)."),
        K::Font => ("FontError", R, "A caption font could not be loaded."),
        K::ToolFailed => ("ExternalToolError", R, "An external program reelkit drives (yt-dlp) is missing or failed."),
        K::Io => ("FileIOError", &[Reelkit, OsError], "A file could not be read or written (also an OSError)."),
        K::Cancelled => ("CancelledError", R, "The work was cancelled through a CancelToken."),
        K::Internal => ("InternalError", R, "A bug in reelkit, never the caller's fault."),
        _ => return None,
    })
}

struct Classes {
    reelkit: Py<PyType>,
    model: Py<PyType>,
    by_kind: Vec<(ErrorKind, Py<PyType>)>,
}

static CLASSES: PyOnceLock<Classes> = PyOnceLock::new();

fn classes(py: Python<'_>) -> PyResult<&Classes> {
    CLASSES.get_or_try_init(py, || {
        let reelkit = new_class(
            py,
            "ReelkitError",
            &[py.get_type::<PyException>()],
            "Base class of every reelkit error; `code` is a stable machine-readable string.",
            "error",
        )?;
        for (name, value) in [
            ("field", py.None()),
            ("line", py.None()),
            ("stage", py.None()),
        ] {
            reelkit.setattr(name, value)?;
        }
        reelkit.setattr("accepted", PyTuple::empty(py))?;
        let model = new_class(
            py,
            "ModelError",
            std::slice::from_ref(&reelkit),
            "A model is missing, unknown or could not be provisioned.",
            "model",
        )?;
        let mut made = Classes {
            reelkit: reelkit.unbind(),
            model: model.unbind(),
            by_kind: Vec::new(),
        };
        for kind in ErrorKind::ALL {
            make(py, &mut made, *kind)?;
        }
        Ok(made)
    })
}

/// The class of `kind`, made once (after the kind classes it derives from).
fn make<'py>(
    py: Python<'py>,
    made: &mut Classes,
    kind: ErrorKind,
) -> PyResult<Option<Bound<'py, PyType>>> {
    if let Some((_, ty)) = made.by_kind.iter().find(|(k, _)| *k == kind) {
        return Ok(Some(ty.bind(py).clone()));
    }
    let Some((name, bases, doc)) = class_of(kind) else {
        return Ok(None);
    };
    let mut types = Vec::with_capacity(bases.len());
    for base in bases {
        types.push(match base {
            Base::Reelkit => made.reelkit.bind(py).clone(),
            Base::Model => made.model.bind(py).clone(),
            Base::Value => py.get_type::<PyValueError>(),
            Base::FileNotFound => py.get_type::<PyFileNotFoundError>(),
            Base::OsError => py.get_type::<PyOSError>(),
            Base::Timeout => py.get_type::<PyTimeoutError>(),
            Base::Kind(parent) => match make(py, made, *parent)? {
                Some(ty) => ty,
                None => made.reelkit.bind(py).clone(),
            },
        });
    }
    let ty = new_class(py, name, &types, doc, kind.code())?;
    made.by_kind.push((kind, ty.clone().unbind()));
    Ok(Some(ty))
}

/// `class <name>(*bases)` in module `reelkit`, with a class-level `code`.
fn new_class<'py>(
    py: Python<'py>,
    name: &str,
    bases: &[Bound<'py, PyType>],
    doc: &str,
    code: &str,
) -> PyResult<Bound<'py, PyType>> {
    let namespace = PyDict::new(py);
    namespace.set_item("__module__", "reelkit")?;
    namespace.set_item("__doc__", doc)?;
    namespace.set_item("code", code)?;
    let ty = py
        .get_type::<PyType>()
        .call1((name, PyTuple::new(py, bases)?, namespace))?;
    Ok(ty.cast_into::<PyType>()?)
}

/// Convert a core error into the exception of its kind.
pub fn to_py(error: Error) -> PyErr {
    Python::attach(|py| exception(py, &error).unwrap_or_else(|e| e))
}

fn exception(py: Python<'_>, error: &Error) -> PyResult<PyErr> {
    let classes = classes(py)?;
    let kind = error.kind();
    let ty = match classes.by_kind.iter().find(|(k, _)| *k == kind) {
        Some((_, ty)) => ty.bind(py),
        None => classes.reelkit.bind(py),
    };
    let message = error.to_string();
    let path = error.path().map(|p| p.display().to_string());
    let value = match (kind, path) {
        // errno 2 is ENOENT on every platform reelkit builds for.
        (ErrorKind::NotFound, Some(path)) => ty.call1((2, "No such file or directory", path))?,
        (ErrorKind::Io, Some(path)) => {
            match io_source(error).and_then(std::io::Error::raw_os_error) {
                Some(errno) => ty.call1((
                    errno,
                    io_source(error).map(ToString::to_string).unwrap_or(message),
                    path,
                ))?,
                None => ty.call1((message,))?,
            }
        }
        _ => ty.call1((message,))?,
    };
    value.setattr("code", error.code())?;
    value.setattr("field", error.field())?;
    value.setattr("line", error.line())?;
    value.setattr("accepted", PyTuple::new(py, error.accepted())?)?;
    value.setattr("stage", error.stage().map(|s| s.as_str()))?;
    if kind == ErrorKind::PolicyViolation {
        value.setattr("rule", error.field())?;
    }
    Ok(PyErr::from_value(value))
}

fn io_source(error: &Error) -> Option<&std::io::Error> {
    std::error::Error::source(error).and_then(|s| s.downcast_ref::<std::io::Error>())
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    let classes = classes(py)?;
    m.add("ReelkitError", classes.reelkit.bind(py))?;
    m.add("ModelError", classes.model.bind(py))?;
    let by_code = PyDict::new(py);
    for (kind, ty) in &classes.by_kind {
        let ty = ty.bind(py);
        m.add(ty.name()?, ty)?;
        by_code.set_item(kind.code(), ty)?;
    }
    // Set per instance; the class default says "no rule known".
    if let Some((_, ty)) = classes
        .by_kind
        .iter()
        .find(|(k, _)| *k == ErrorKind::PolicyViolation)
    {
        ty.bind(py).setattr("rule", py.None())?;
    }
    m.add("ERROR_CLASSES", by_code)?;
    Ok(())
}
