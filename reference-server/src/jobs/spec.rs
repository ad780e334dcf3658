//! A job request checked before it is queued: the kind and params are read
//! and validated by the core (`JobParams::from_value` + `validate`, so any
//! kind the core accepts is a job kind and errors carry the key path), then
//! every string in the params is held to the server's path policy, because
//! no client-chosen filesystem path may reach the engine:
//!
//! - model and voice names must be ids the server's store knows;
//! - settings only the server may make (`fonts_dir`, `dest`, `yt_dlp`) must
//!   be left unset;
//! - files a job reads (an align text, a burn script, a narration, brand
//!   media) are given as artifact ids of the caller's organisation, which
//!   the worker stages and substitutes;
//! - output sub-paths (`hls.dir`, `proxy.path`...) must be plain relative
//!   paths, which the core roots in the job's own output directory;
//! - any other string may not be an absolute path, start with `~` or hold a
//!   `..` component (a kind added later still gets this guard).

use reelkit::{JobKind, JobParams};
use serde_json::Value;

use crate::error::ApiError;

/// Why the path policy refused a value.
fn refuse(path: &str, message: impl Into<String>) -> ApiError {
    ApiError::invalid(format!("params.{path}"), format!("`params.{path}`: {}", message.into()))
}

/// Read and validate `kind`'s params with the core; the params with every
/// default filled in.
pub fn check_params(kind: &str, params: Value) -> Result<(JobKind, Value), reelkit::Error> {
    let kind: JobKind = kind.parse()?;
    let params = match params {
        Value::Null => Value::Object(Default::default()),
        Value::Object(map) => Value::Object(map),
        // serde would read an array as the struct's fields in order.
        other => {
            return Err(reelkit::Error::invalid_config(
                "params",
                format!("expected an object of named params, found {}", json_type(&other)),
                Vec::new(),
            ))
        }
    };
    let parsed = JobParams::from_value(kind, params)?;
    match parsed.validate() {
        // Whether a device exists is a property of the worker that runs the
        // job (a GPU worker), not of the process that queues it.
        Err(e) if e.kind() == reelkit::ErrorKind::DeviceUnavailable => {}
        other => other?,
    }
    Ok((kind, parsed.to_value()))
}

fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// What the server knows of its own model store.
#[derive(Debug, Clone, Default)]
pub struct KnownModels {
    /// Whisper model ids (`tiny.en`, `base`).
    pub whisper: Vec<String>,
    /// Piper voice ids (`joe`).
    pub voices: Vec<String>,
}

impl KnownModels {
    pub fn from_engine_config(config: &reelkit::EngineConfig) -> Self {
        let store = match &config.models_dir {
            Some(dir) => reelkit::models::ModelStore::at(dir),
            None => reelkit::models::ModelStore::from_env(),
        };
        let mut known = KnownModels::default();
        for entry in &store.manifest().models {
            match entry.kind {
                reelkit::models::ModelKind::Whisper => known.whisper.push(entry.id.clone()),
                reelkit::models::ModelKind::PiperVoice => known.voices.push(entry.id.clone()),
                _ => {}
            }
        }
        known
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Rule {
    ModelId,
    VoiceId,
    ServerOnly,
    ArtifactRef,
    OutputRelative,
    Text,
}

/// Rules by the last segments of a key path (`[]` is an array item).
const SUFFIX_RULES: &[(&[&str], Rule)] = &[
    (&["asr", "model"], Rule::ModelId),
    (&["tts", "voice"], Rule::VoiceId),
    (&["fonts_dir"], Rule::ServerOnly),
    (&["yt_dlp"], Rule::ServerOnly),
    (&["dest"], Rule::ServerOnly),
    (&["brand", "fonts", "[]"], Rule::ArtifactRef),
    (&["intro", "media"], Rule::ArtifactRef),
    (&["outro", "media"], Rule::ArtifactRef),
    (&["watermark", "image"], Rule::ArtifactRef),
    (&["hls", "dir"], Rule::OutputRelative),
    (&["proxy", "path"], Rule::OutputRelative),
    (&["thumbnails", "dir"], Rule::OutputRelative),
    (&["sprite", "dir"], Rule::OutputRelative),
    (&["waveform", "path"], Rule::OutputRelative),
    (&["initial_prompt"], Rule::Text),
    (&["query"], Rule::Text),
    (&["brand", "name"], Rule::Text),
];

/// Rules for whole key paths of one kind.
const KIND_RULES: &[(&str, &str, Rule)] = &[
    ("align", "text", Rule::ArtifactRef),
    ("align", "transcript", Rule::ArtifactRef),
    ("burn", "script", Rule::ArtifactRef),
    ("dub", "narration", Rule::ArtifactRef),
    ("retell", "voice", Rule::VoiceId),
    ("retell", "script", Rule::ArtifactRef),
    ("retell", "llm.prompt_file", Rule::ArtifactRef),
    // Where the worker's LLM lives, and its token, are the server's to set.
    ("retell", "llm.url", Rule::ServerOnly),
    ("retell", "llm.api_key_env", Rule::ServerOnly),
    ("retell", "llm.model", Rule::Text),
    ("tts", "text", Rule::Text),
];

fn rule_for(kind: &str, path: &[String]) -> Option<Rule> {
    let joined = path.join(".");
    if let Some((_, _, rule)) = KIND_RULES.iter().find(|(k, p, _)| *k == kind && *p == joined) {
        return Some(*rule);
    }
    SUFFIX_RULES
        .iter()
        .find(|(suffix, _)| path.len() >= suffix.len() && path[path.len() - suffix.len()..].iter().zip(suffix.iter()).all(|(a, b)| a == b))
        .map(|(_, rule)| *rule)
}

/// An artifact a job reads, found in its params.
#[derive(Debug, Clone, PartialEq)]
pub struct InputRef {
    /// Key path inside `params` (`narration`, `brand.fonts.[]`).
    pub path: Vec<PathStep>,
    pub artifact_id: String,
}

#[derive(Debug, Clone, PartialEq)]
pub enum PathStep {
    Key(String),
    Index(usize),
}

/// Hold `params` (already read by the core) to the path policy; the
/// artifacts it reads.
pub fn check_paths(kind: JobKind, params: &Value, known: &KnownModels) -> Result<Vec<InputRef>, ApiError> {
    let mut refs = Vec::new();
    let mut names = Vec::new();
    let mut steps = Vec::new();
    walk(kind.as_str(), params, &mut names, &mut steps, known, &mut refs)?;
    Ok(refs)
}

fn walk(
    kind: &str,
    value: &Value,
    names: &mut Vec<String>,
    steps: &mut Vec<PathStep>,
    known: &KnownModels,
    refs: &mut Vec<InputRef>,
) -> Result<(), ApiError> {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                names.push(k.clone());
                steps.push(PathStep::Key(k.clone()));
                walk(kind, v, names, steps, known, refs)?;
                names.pop();
                steps.pop();
            }
            Ok(())
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                names.push("[]".into());
                steps.push(PathStep::Index(i));
                walk(kind, v, names, steps, known, refs)?;
                names.pop();
                steps.pop();
            }
            Ok(())
        }
        Value::String(s) => check_string(kind, s, names, steps, known, refs),
        _ => {
            if rule_for(kind, names) == Some(Rule::ServerOnly) && !value.is_null() {
                return Err(refuse(&names.join("."), "is set by the server; leave it out"));
            }
            Ok(())
        }
    }
}

fn check_string(
    kind: &str,
    s: &str,
    names: &[String],
    steps: &[PathStep],
    known: &KnownModels,
    refs: &mut Vec<InputRef>,
) -> Result<(), ApiError> {
    let path = names.join(".").replace(".[]", "[]");
    match rule_for(kind, names) {
        Some(Rule::Text) => Ok(()),
        Some(Rule::ServerOnly) => Err(refuse(&path, "is set by the server; leave it out")),
        Some(Rule::ModelId) => {
            if known.whisper.iter().any(|m| m == s) {
                Ok(())
            } else {
                Err(refuse(&path, format!("`{s}` is not a model of this server (accepted: {})", known.whisper.join(", "))))
            }
        }
        Some(Rule::VoiceId) => {
            let espeak = s.strip_prefix("espeak:").is_some_and(|l| {
                !l.is_empty() && l.len() <= 32 && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
            });
            if espeak || known.voices.iter().any(|v| v == s) {
                Ok(())
            } else {
                Err(refuse(
                    &path,
                    format!("`{s}` is not a voice of this server (accepted: {}, espeak:LANG)", known.voices.join(", ")),
                ))
            }
        }
        Some(Rule::ArtifactRef) => {
            if s.is_empty() {
                return Ok(());
            }
            if !crate::db::is_id(s) {
                return Err(refuse(&path, "give the id of an artifact (a file uploaded with POST /v1/projects/{id}/files, or a job's output)"));
            }
            refs.push(InputRef { path: steps.to_vec(), artifact_id: s.to_owned() });
            Ok(())
        }
        Some(Rule::OutputRelative) => {
            if is_plain_relative(s) {
                Ok(())
            } else {
                Err(refuse(&path, "must be a relative path without `..` (it lives in the job's output)"))
            }
        }
        None => {
            if looks_like_escape(s) {
                Err(refuse(&path, "paths outside the job are not accepted"))
            } else {
                Ok(())
            }
        }
    }
}

/// `a/b.c` yes; `/a`, `a/../b`, `a//b`, `C:\x`, `~` no.
pub fn is_plain_relative(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 255
        && !s.contains('\\')
        && !s.contains('\0')
        && s.split('/').all(|part| !part.is_empty() && part != "." && part != "..")
        && !looks_like_escape(s)
}

/// An absolute path, a home-relative path or a `..` component.
fn looks_like_escape(s: &str) -> bool {
    let bytes = s.as_bytes();
    let drive = bytes.len() >= 2 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':' && (bytes.len() == 2 || bytes[2] == b'\\' || bytes[2] == b'/');
    s.starts_with('/') || s.starts_with('\\') || s.starts_with('~') || drive || s.split(['/', '\\']).any(|p| p == "..")
}

/// Replace the artifact ids at `refs` with the local paths the worker staged.
pub fn substitute(params: &mut Value, refs: &[(InputRef, String)]) {
    for (r, local) in refs {
        if let Some(slot) = slot_at(params, &r.path) {
            *slot = Value::String(local.clone());
        }
    }
}

fn slot_at<'a>(value: &'a mut Value, path: &[PathStep]) -> Option<&'a mut Value> {
    match path.split_first() {
        None => Some(value),
        Some((PathStep::Key(k), rest)) => slot_at(value.get_mut(k.as_str())?, rest),
        Some((PathStep::Index(i), rest)) => slot_at(value.get_mut(*i)?, rest),
    }
}

pub const DEFAULT_QUEUE: &str = "default";
pub const GPU_QUEUE: &str = "gpu";

/// The queue of a job: `gpu` when its params ask for a CUDA device
/// anywhere (`asr.device: "cuda"`), else `default`. GPU workers take the
/// `gpu` queue (and may take `default` too).
pub fn queue_for(params: &Value) -> &'static str {
    fn wants_gpu(v: &Value) -> bool {
        match v {
            Value::Object(map) => map.iter().any(|(k, v)| {
                (k == "device" && !v.is_null() && v.as_str() != Some("cpu")) || wants_gpu(v)
            }),
            Value::Array(items) => items.iter().any(wants_gpu),
            _ => false,
        }
    }
    if wants_gpu(params) {
        GPU_QUEUE
    } else {
        DEFAULT_QUEUE
    }
}

/// What the server passes as a job's `output`.
#[derive(Debug, Clone, PartialEq)]
pub enum OutputPlan {
    /// The kind writes nothing the server keeps.
    None,
    /// One file of this name in the job's output directory.
    File(String),
    /// The job's output directory itself.
    Dir,
}

/// Where a kind writes. Kinds the server does not know yet write into the
/// job's output directory.
pub fn output_plan(kind: JobKind, params: &Value) -> OutputPlan {
    match kind.as_str() {
        "ingest" => OutputPlan::None,
        "probe" => OutputPlan::File("probe.json".into()),
        "transcribe" | "align" => {
            let ext = params.get("format").and_then(Value::as_str).unwrap_or("json");
            let ext = if matches!(ext, "json" | "srt" | "vtt" | "ass") { ext } else { "json" };
            OutputPlan::File(format!("transcript.{ext}"))
        }
        "scenes" => OutputPlan::File("scenes.json".into()),
        "burn" => OutputPlan::File("burned.mp4".into()),
        "tts" => OutputPlan::File("speech.wav".into()),
        "dub" => OutputPlan::File("dubbed.mp4".into()),
        _ => OutputPlan::Dir,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn known() -> KnownModels {
        KnownModels { whisper: vec!["tiny.en".into(), "base".into()], voices: vec!["joe".into()] }
    }

    fn check(kind: &str, params: Value) -> Result<Vec<InputRef>, ApiError> {
        let (kind, normalized) = check_params(kind, params).map_err(|e| ApiError::core(&e))?;
        check_paths(kind, &normalized, &known())
    }

    #[test]
    fn the_core_reads_the_params_and_names_the_key() {
        let e = check("clips", json!({"topp": 2})).unwrap_err();
        assert_eq!((e.code.as_ref(), e.field.as_deref()), ("invalid_config", Some("params.topp")));
        assert_eq!(e.status.as_u16(), 422);
        let e = check("clips", json!({"top": 0})).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("params.top"));
        let e = check("clipz", json!({})).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("kind"));
        assert!(check("clips", json!({"top": 2})).unwrap().is_empty());
        for kind in JobKind::ALL {
            // Every kind's defaults pass the path policy (some kinds need
            // params before they validate, e.g. transcode's outputs).
            let defaults = JobParams::default_for(*kind).to_value();
            check_paths(*kind, &defaults, &known()).unwrap();
        }
    }

    #[test]
    fn retell_jobs_are_accepted_and_their_paths_held_to_the_policy() {
        assert!(check("retell", json!({"minutes": 3, "bed": "mute", "preset": "bold"})).unwrap().is_empty());
        let e = check("retell", json!({"minutes": 500})).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("params.minutes"));
        let e = check("retell", json!({"minuts": 3})).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("params.minuts"));
        assert_eq!(check("retell", json!({"script": "/etc/passwd"})).unwrap_err().field.as_deref(), Some("params.script"));
        assert!(check("retell", json!({"voice": "../voices/x.onnx"})).is_err());
        assert!(check("retell", json!({"voice": "espeak:de"})).is_ok());
        let llm = json!({"narration": "llm", "llm": {"url": "http://169.254.169.254/v1", "model": "m"}});
        assert_eq!(check("retell", llm).unwrap_err().field.as_deref(), Some("params.llm.url"));
    }

    #[test]
    fn client_paths_never_reach_the_engine() {
        let e = check("transcribe", json!({"asr": {"model": "/etc/passwd"}})).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("params.asr.model"));
        assert!(check("transcribe", json!({"asr": {"model": "base"}})).is_ok());
        assert!(check("tts", json!({"text": "/me waves", "tts": {"voice": "../voices/x.onnx"}})).is_err());
        assert!(check("tts", json!({"text": "/me waves", "tts": {"voice": "espeak:de"}})).is_ok());
        let e = check("burn", json!({"script": "/etc/shadow"})).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("params.script"));
        assert!(check("burn", json!({"script": "subs.ass", "options": {"fonts_dir": "/usr/share/fonts"}})).is_err());
        assert!(check("ingest", json!({"dest": "/tmp"})).is_err());
        assert!(check("transcode", json!({"hls": {"dir": "../../x"}})).is_err());
        assert!(check("transcode", json!({"proxy": {"path": "/abs/proxy.mp4"}})).is_err());
        assert!(check("transcode", json!({"hls": {"dir": "renditions/hls"}})).is_ok());
    }

    #[test]
    fn input_files_are_artifact_ids_and_get_substituted() {
        let id = crate::db::new_id();
        let refs = check("dub", json!({"narration": id})).unwrap();
        assert_eq!(refs.len(), 1);
        assert_eq!(refs[0].artifact_id, id);
        let (_, mut params) = check_params("dub", json!({"narration": id})).unwrap();
        substitute(&mut params, &[(refs[0].clone(), "/work/j/inputs/n.srt".into())]);
        assert_eq!(params["narration"], "/work/j/inputs/n.srt");
        assert!(check_params("dub", params).is_ok());
    }

    #[test]
    fn escapes_are_recognised() {
        for bad in ["/etc", "\\\\host\\share", "~/x", "a/../b", "..", "C:\\x", "c:/x"] {
            assert!(looks_like_escape(bad), "{bad}");
        }
        for ok in ["hls", "a/b.m3u8", "x..y", "note: hi"] {
            assert!(!looks_like_escape(ok), "{ok}");
        }
        assert!(!is_plain_relative("a//b") && !is_plain_relative("./a") && is_plain_relative("a/b"));
    }

    #[test]
    fn gpu_jobs_go_to_the_gpu_queue() {
        let (_, cpu) = check_params("transcribe", json!({})).unwrap();
        assert_eq!(queue_for(&cpu), DEFAULT_QUEUE);
        let (_, gpu) = check_params("transcribe", json!({"asr": {"device": {"cuda": 0}}})).unwrap();
        assert_eq!(queue_for(&gpu), GPU_QUEUE);
    }

    #[test]
    fn outputs_follow_the_kind() {
        let kind = |k: &str| k.parse::<JobKind>().unwrap();
        assert_eq!(output_plan(kind("clips"), &json!({})), OutputPlan::Dir);
        assert_eq!(output_plan(kind("transcribe"), &json!({"format": "srt"})), OutputPlan::File("transcript.srt".into()));
        assert_eq!(output_plan(kind("ingest"), &json!({})), OutputPlan::None);
    }
}
