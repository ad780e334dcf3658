//! Reading typed configs from JSON, the same way for every face: unknown
//! keys, wrong types and bad values become one [`ErrorKind::InvalidConfig`]
//! error that names the dotted path of the offending key (`params.topp`) and
//! the keys or values accepted there; and explicit arguments laid over a
//! JSON config ([`merge`]) the same way everywhere.
//!
//! [`ErrorKind::InvalidConfig`]: crate::ErrorKind::InvalidConfig

use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::error::{Error, Result};

/// Deserialize `value` into `T`, reporting problems under `prefix` (the path
/// of `value` inside the document, e.g. `params`; empty at the root).
pub fn from_value<T: DeserializeOwned>(value: Value, prefix: &str) -> Result<T> {
    serde_path_to_error::deserialize::<_, T>(value).map_err(|e| config_error(prefix, e))
}

/// Parse JSON text into `T` (syntax errors name the line and column).
pub fn from_json<T: DeserializeOwned>(text: &str, prefix: &str) -> Result<T> {
    let value: Value = serde_json::from_str(text)
        .map_err(|e| Error::invalid_config(or_root(prefix), format!("not valid JSON ({e})"), Vec::new()))?;
    from_value(value, prefix)
}

/// `overrides` laid over `base`: objects merge key by key (recursively),
/// `null` in `overrides` leaves the base value alone, anything else replaces
/// it. This is how every face lays explicit arguments over an options object.
pub fn merge(base: Value, overrides: Value) -> Value {
    match (base, overrides) {
        (Value::Object(mut base), Value::Object(overrides)) => {
            for (key, value) in overrides {
                if value.is_null() {
                    continue;
                }
                let merged = match base.remove(&key) {
                    Some(old) => merge(old, value),
                    None => without_nulls(value),
                };
                base.insert(key, merged);
            }
            Value::Object(base)
        }
        (base, Value::Null) => base,
        (_, overrides) => overrides,
    }
}

/// `value` with every `null` member of its objects dropped (at any depth).
fn without_nulls(value: Value) -> Value {
    match value {
        Value::Object(map) => {
            Value::Object(map.into_iter().filter(|(_, v)| !v.is_null()).map(|(k, v)| (k, without_nulls(v))).collect())
        }
        Value::Array(items) => Value::Array(items.into_iter().map(without_nulls).collect()),
        other => other,
    }
}

/// An object holding only the non-null `(key, value)` pairs given.
pub fn object<const N: usize>(pairs: [(&str, Value); N]) -> Value {
    let map: Map<String, Value> =
        pairs.into_iter().filter(|(_, v)| !v.is_null()).map(|(k, v)| (k.to_owned(), v)).collect();
    Value::Object(map)
}

fn or_root(prefix: &str) -> &str {
    if prefix.is_empty() {
        "(root)"
    } else {
        prefix
    }
}

fn join(prefix: &str, path: &str) -> String {
    match (prefix.is_empty(), path.is_empty() || path == ".") {
        (true, true) => "(root)".into(),
        (true, false) => path.to_owned(),
        (false, true) => prefix.to_owned(),
        (false, false) if path.starts_with('[') => format!("{prefix}{path}"),
        (false, false) => format!("{prefix}.{path}"),
    }
}

/// Turn a serde error at `path` into an `invalid_config` error.
fn config_error(prefix: &str, e: serde_path_to_error::Error<serde_json::Error>) -> Error {
    let path = e.path().to_string();
    let message = e.inner().to_string();
    // serde words these as "unknown field `x`, expected one of `a`, `b`".
    if let Some(rest) = message.strip_prefix("unknown field `") {
        let (key, accepted) = split_unknown(rest);
        // The path ends at the object holding the key; the key completes it.
        let parent = join(prefix, &path);
        let field = if parent == "(root)" { key.clone() } else { format!("{parent}.{key}") };
        let field = if path.ends_with(&key) { join(prefix, &path) } else { field };
        return Error::invalid_config(field, format!("unknown key `{key}`"), accepted);
    }
    if let Some(rest) = message.strip_prefix("unknown variant `") {
        let (value, accepted) = split_unknown(rest);
        return Error::invalid_config(join(prefix, &path), format!("unknown value `{value}`"), accepted);
    }
    if let Some(rest) = message.strip_prefix("missing field `") {
        let key = rest.split('`').next().unwrap_or_default();
        let field = join(prefix, &path);
        let field = if field == "(root)" { key.to_owned() } else { format!("{field}.{key}") };
        return Error::invalid_config(field, "required key is missing", Vec::new());
    }
    Error::invalid_config(join(prefix, &path), message, Vec::new())
}

/// `x`, expected one of `a`, `b`  →  ("x", ["a", "b"])
fn split_unknown(rest: &str) -> (String, Vec<String>) {
    let (name, tail) = rest.split_once('`').unwrap_or((rest, ""));
    let accepted = tail.split('`').skip(1).step_by(2).map(str::to_owned).collect();
    (name.to_owned(), accepted)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;
    use serde_json::json;

    #[derive(Debug, Deserialize, PartialEq, Default)]
    #[serde(default, deny_unknown_fields)]
    struct Inner {
        depth: f64,
        mode: Mode,
    }

    #[derive(Debug, Deserialize, PartialEq, Default)]
    #[serde(rename_all = "snake_case")]
    enum Mode {
        #[default]
        Fast,
        Slow,
    }

    #[derive(Debug, Deserialize, PartialEq, Default)]
    #[serde(default, deny_unknown_fields)]
    struct Outer {
        top: usize,
        inner: Inner,
        list: Vec<Inner>,
    }

    #[test]
    fn unknown_keys_name_their_dotted_path_and_the_accepted_keys() {
        let e = from_value::<Outer>(json!({"topp": 2}), "params").unwrap_err();
        assert_eq!(e.code(), "invalid_config");
        assert_eq!(e.field(), Some("params.topp"), "{e}");
        assert_eq!(e.accepted(), ["top", "inner", "list"]);
        let e = from_value::<Outer>(json!({"inner": {"dept": 1}}), "params").unwrap_err();
        assert_eq!(e.field(), Some("params.inner.dept"), "{e}");
        assert_eq!(e.accepted(), ["depth", "mode"]);
        let e = from_value::<Outer>(json!({"list": [{}, {"x": 1}]}), "").unwrap_err();
        assert_eq!(e.field(), Some("list[1].x"), "{e}");
    }

    #[test]
    fn wrong_types_and_values_name_the_field() {
        let e = from_value::<Outer>(json!({"top": "two"}), "params").unwrap_err();
        assert_eq!(e.field(), Some("params.top"), "{e}");
        assert!(e.to_string().contains("invalid type"), "{e}");
        let e = from_value::<Outer>(json!({"inner": {"mode": "warp"}}), "params").unwrap_err();
        assert_eq!(e.field(), Some("params.inner.mode"), "{e}");
        assert_eq!(e.accepted(), ["fast", "slow"]);
        let e = from_json::<Outer>("{", "").unwrap_err();
        assert_eq!(e.code(), "invalid_config");
    }

    #[test]
    fn overrides_merge_over_the_base() {
        let base = json!({"top": 3, "inner": {"depth": 1.0, "mode": "slow"}});
        let merged = merge(base, json!({"top": 2, "inner": {"depth": 2.0}, "list": null}));
        assert_eq!(merged, json!({"top": 2, "inner": {"depth": 2.0, "mode": "slow"}}));
        assert_eq!(object([("a", json!(1)), ("b", Value::Null)]), json!({"a": 1}));
        // A section the base lacks arrives without its nulls.
        assert_eq!(merge(json!({}), json!({"hls": {"dir": "x", "crf": null}})), json!({"hls": {"dir": "x"}}));
    }
}
