//! Core configs from partial JSON objects (the `options` of every call):
//! missing fields take their defaults, misspelt keys are refused by path.

use serde_json::Value;

use crate::error::Failure;

/// A core config from partial JSON, refusing keys it does not have.
pub(crate) fn parse_partial<T>(value: Option<Value>) -> Result<T, Failure>
where
    T: serde::de::DeserializeOwned + serde::Serialize + Default,
{
    let Some(value) = value else { return Ok(T::default()) };
    if !value.is_object() {
        return Err(Failure::invalid("options", "expected an object"));
    }
    let parsed: T = serde_json::from_value(value.clone()).map_err(|e| Failure::invalid("options", e))?;
    let known = serde_json::to_value(&parsed).map_err(|e| Failure::internal(e.to_string()))?;
    match unknown_key(&value, &known, "") {
        Some(path) => Err(Failure::invalid("options", format!("unknown key `{path}`"))),
        None => Ok(parsed),
    }
}

/// The first key path in `given` that `known` does not have (a `null` in
/// `known`, an unset optional section, accepts anything under it).
fn unknown_key(given: &Value, known: &Value, prefix: &str) -> Option<String> {
    let (Value::Object(given), Value::Object(known)) = (given, known) else { return None };
    given.iter().find_map(|(key, value)| {
        let path = if prefix.is_empty() { key.clone() } else { format!("{prefix}.{key}") };
        match known.get(key) {
            None => Some(path),
            Some(known) if known.is_null() => None,
            Some(known) => unknown_key(value, known, &path),
        }
    })
}
