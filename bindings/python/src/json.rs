//! Plain-data crossings: core values to Python dicts and lists, and Python
//! dicts to core configuration, both through JSON so that every binding and
//! the server see exactly the same shapes (and dict keys keep the order of
//! the struct fields).

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use serde::Serialize;

use crate::errors;

static LOADS: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
static DUMPS: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

fn json_fn<'py>(
    py: Python<'py>,
    cell: &'static PyOnceLock<Py<PyAny>>,
    name: &str,
) -> PyResult<Bound<'py, PyAny>> {
    let f = cell.get_or_try_init(py, || py.import("json")?.getattr(name).map(Bound::unbind))?;
    Ok(f.bind(py).clone())
}

/// A serialisable core value as plain Python data (dict, list, str, float...).
pub fn to_py<'py, T: Serialize>(py: Python<'py>, value: &T) -> PyResult<Bound<'py, PyAny>> {
    let text = serde_json::to_string(value).map_err(|e| {
        pyo3::exceptions::PyRuntimeError::new_err(format!("cannot convert a result: {e}"))
    })?;
    json_fn(py, &LOADS, "loads")?.call1((text,))
}

/// Python data (dicts, lists, str, numbers, bools, None) as JSON; `name`
/// names the argument in errors.
pub fn from_py(value: &Bound<'_, PyAny>, name: &str) -> PyResult<serde_json::Value> {
    let py = value.py();
    let kwargs = pyo3::types::PyDict::new(py);
    kwargs.set_item("allow_nan", false)?;
    let text: String = json_fn(py, &DUMPS, "dumps")?
        .call((value,), Some(&kwargs))
        .map_err(|e| {
            errors::invalid_parameter(py, name, format!("not plain JSON-like data ({e})"))
        })?
        .extract()?;
    serde_json::from_str(&text).map_err(|e| errors::invalid_parameter(py, name, e))
}

/// Keys of `given` (recursively) that do not appear in `known`, as dotted
/// paths. Used to reject misspelt option names, which serde would otherwise
/// ignore silently.
pub fn unknown_keys(given: &serde_json::Value, known: &serde_json::Value) -> Vec<String> {
    let mut out = Vec::new();
    collect_unknown(given, known, "", &mut out);
    out
}

fn collect_unknown(
    given: &serde_json::Value,
    known: &serde_json::Value,
    prefix: &str,
    out: &mut Vec<String>,
) {
    let (Some(given), Some(known)) = (given.as_object(), known.as_object()) else {
        return;
    };
    for (key, value) in given {
        let path = if prefix.is_empty() {
            key.clone()
        } else {
            format!("{prefix}.{key}")
        };
        match known.get(key) {
            None => out.push(path),
            Some(k) => collect_unknown(value, k, &path, out),
        }
    }
}

/// A core config from a partial dict; misspelt keys are refused.
pub fn config_from<T>(value: Option<&Bound<'_, PyAny>>, name: &str) -> PyResult<T>
where
    T: serde::de::DeserializeOwned + Serialize + Default,
{
    let Some(value) = value.filter(|v| !v.is_none()) else {
        return Ok(T::default());
    };
    let py = value.py();
    let given = from_py(value, name)?;
    if !given.is_object() {
        return Err(errors::invalid_parameter(py, name, "expected a dict"));
    }
    let config: T = serde_json::from_value(given.clone())
        .map_err(|e| errors::invalid_parameter(py, name, e))?;
    let known =
        serde_json::to_value(&config).map_err(|e| errors::invalid_parameter(py, name, e))?;
    let unknown = unknown_keys(&given, &known);
    if !unknown.is_empty() {
        return Err(errors::invalid_parameter(
            py,
            name,
            format!("unknown key(s): {}", unknown.join(", ")),
        ));
    }
    Ok(config)
}
