//! Values across the boundary, all through serde: core values become plain
//! Python data with `pythonize`; Python data becomes JSON with
//! `depythonize` and is read strictly by the core (`reelkit::config`,
//! `JobSpec::from_value`), so a misspelt key fails here with the same code
//! and dotted path as on the command line.

use std::path::Path;

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyFloat, PyList, PyTuple};
use reelkit::{config, Error, JobSpec};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Value};

use crate::errors;

/// A core value as plain Python data (dict, list, str, float, None...).
pub fn to_py<'py, T: Serialize + ?Sized>(
    py: Python<'py>,
    value: &T,
) -> PyResult<Bound<'py, PyAny>> {
    Ok(pythonize::pythonize(py, value)?)
}

/// How deep data may nest (serde_json's own limit for JSON text).
const MAX_DEPTH: usize = 128;

/// Python data as JSON. `name` is where it sits (an argument, or empty for
/// a whole spec). NaN and infinities, which JSON cannot hold, are refused
/// rather than turned into nulls; so is nesting deeper than [`MAX_DEPTH`]
/// (a dict that holds itself, say).
pub fn to_json(value: &Bound<'_, PyAny>, name: &str) -> PyResult<Value> {
    if let Some((at, reason)) = unfit(value, 0) {
        return Err(errors::to_py(Error::invalid(join(name, &at), reason)));
    }
    pythonize::depythonize::<Value>(value).map_err(|e| {
        errors::to_py(Error::invalid_config(
            join(name, ""),
            format!("not plain data ({e})"),
            Vec::new(),
        ))
    })
}

/// Where (relative to `value`) and why JSON cannot hold `value`.
fn unfit(value: &Bound<'_, PyAny>, depth: usize) -> Option<(String, &'static str)> {
    if depth > MAX_DEPTH {
        return Some((String::new(), "nested more than 128 levels deep"));
    }
    if let Ok(f) = value.cast::<PyFloat>() {
        return (!f.value().is_finite()).then(|| (String::new(), "must be a finite number"));
    }
    let inside = |key: String, item: &Bound<'_, PyAny>| {
        unfit(item, depth + 1).map(|(at, why)| (key + &dotted(&at), why))
    };
    if let Ok(dict) = value.cast::<PyDict>() {
        return dict.iter().find_map(|(k, v)| inside(k.to_string(), &v));
    }
    let items: Vec<Bound<'_, PyAny>> = if let Ok(list) = value.cast::<PyList>() {
        list.iter().collect()
    } else if let Ok(tuple) = value.cast::<PyTuple>() {
        tuple.iter().collect()
    } else {
        return None;
    };
    items
        .iter()
        .enumerate()
        .find_map(|(i, v)| inside(format!("[{i}]"), v))
}

fn dotted(at: &str) -> String {
    if at.is_empty() || at.starts_with('[') {
        at.to_owned()
    } else {
        format!(".{at}")
    }
}

fn join(prefix: &str, at: &str) -> String {
    match (prefix.is_empty(), at.is_empty()) {
        (true, true) => "(root)".to_owned(),
        (true, false) => at.trim_start_matches('.').to_owned(),
        (false, _) => format!("{prefix}{}", dotted(at)),
    }
}

/// A partial config dict passed as argument `name`, checked as a `T` so
/// that errors name `name.key`; `None` is null (nothing to merge).
pub fn section<T: DeserializeOwned>(
    value: Option<&Bound<'_, PyAny>>,
    name: &str,
) -> PyResult<Value> {
    let Some(value) = value.filter(|v| !v.is_none()) else {
        return Ok(Value::Null);
    };
    let json = to_json(value, name)?;
    if !json.is_object() {
        return Err(errors::to_py(Error::invalid_config(
            name,
            "expected a dict",
            Vec::new(),
        )));
    }
    config::from_value::<T>(json.clone(), name).map_err(errors::to_py)?;
    Ok(json)
}

/// A number argument as JSON; NaN and infinities are refused.
pub fn finite(name: &str, value: Option<f64>) -> PyResult<Value> {
    match value {
        Some(v) if !v.is_finite() => Err(errors::to_py(Error::invalid(
            name,
            "must be a finite number",
        ))),
        v => Ok(json!(v)),
    }
}

/// A path argument as JSON.
pub fn path(value: Option<&Path>) -> Value {
    value.map_or(Value::Null, |p| {
        Value::String(p.to_string_lossy().into_owned())
    })
}

/// The job `{"kind", "input", "output", "params"}`, read by the core as
/// `reelkit run` reads it.
pub fn job(
    kind: &str,
    input: Option<&Path>,
    output: Option<&Path>,
    params: Value,
) -> PyResult<JobSpec> {
    let text = |p: &Path| p.to_string_lossy().into_owned();
    JobSpec::of(kind, input.map(text), output.map(text), params).map_err(errors::to_py)
}

/// `Name(field=..., ...)` from the object's own attributes, as Python
/// shows them.
pub fn repr(obj: &Bound<'_, PyAny>, name: &str, fields: &[&str]) -> PyResult<String> {
    let parts = fields
        .iter()
        .map(|f| Ok(format!("{f}={}", obj.getattr(*f)?.repr()?)))
        .collect::<PyResult<Vec<_>>>()?;
    Ok(format!("{name}({})", parts.join(", ")))
}

/// A frozen Python class over a core record: a read-only property per
/// listed field (the field's value through serde), `to_dict()` and a
/// `repr` of the fields named in `repr(...)`. Further methods follow.
macro_rules! record {
    (
        $(#[$meta:meta])*
        $name:ident($inner:ty) { $($(#[$fmeta:meta])* $field:ident),* $(,)? }
        repr($($shown:ident),*)
        $($extra:tt)*
    ) => {
        $(#[$meta])*
        #[pyclass(module = "reelkit", frozen)]
        pub struct $name(pub $inner);

        #[pymethods]
        impl $name {
            $(
                $(#[$fmeta])*
                #[getter]
                fn $field<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
                    $crate::convert::to_py(py, &self.0.$field)
                }
            )*

            fn __repr__(slf: &Bound<'_, Self>) -> PyResult<String> {
                $crate::convert::repr(slf.as_any(), stringify!($name), &[$(stringify!($shown)),*])
            }

            $($extra)*
        }
    };
}
pub(crate) use record;
