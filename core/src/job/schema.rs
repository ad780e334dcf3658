//! The JSON Schema (draft 2020-12) of [`JobSpec`] and [`JobReport`],
//! generated from the Rust types, so every face validates and types specs
//! from the same source. `reelkit schema` prints it; the repository keeps a
//! copy in `core/schema/job.schema.json` that a test keeps current.

use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde_json::{json, Value};

use super::kind::JobKind;
use super::params::{AlignParams, BurnParams, DubParams, ProbeParams, TranscribeParams, TtsParams};
use super::report::JobReport;
use super::spec::JobSpec;
use crate::ingest::IngestConfig;
use crate::pipeline::ClipsJob;
use crate::scenes::SceneConfig;
use crate::transcode::TranscodeJob;

/// The schema document: `JobSpec` at the root, every type (the reports
/// included, as `$defs/JobReport`) under `$defs`.
pub fn job_schema() -> Value {
    let mut generator = schemars::generate::SchemaSettings::draft2020_12().into_generator();
    generator.subschema_for::<JobReport>();
    let root = generator.into_root_schema_for::<JobSpec>();
    let mut value = root.to_value();
    if let Some(map) = value.as_object_mut() {
        map.insert("$id".into(), json!("https://reelkit.dev/schema/job.schema.json"));
    }
    value
}

/// `job_schema` as pretty JSON text with a final newline.
pub fn job_schema_json() -> String {
    serde_json::to_string_pretty(&job_schema()).unwrap_or_default() + "\n"
}

fn params_schema(kind: JobKind, generator: &mut SchemaGenerator) -> Schema {
    match kind {
        JobKind::Probe => generator.subschema_for::<ProbeParams>(),
        JobKind::Ingest => generator.subschema_for::<IngestConfig>(),
        JobKind::Transcode => generator.subschema_for::<TranscodeJob>(),
        JobKind::Transcribe => generator.subschema_for::<TranscribeParams>(),
        JobKind::Align => generator.subschema_for::<AlignParams>(),
        JobKind::Scenes => generator.subschema_for::<SceneConfig>(),
        JobKind::Clips => generator.subschema_for::<ClipsJob>(),
        JobKind::Reframe => generator.subschema_for::<crate::reframe::ReframeJob>(),
        JobKind::Burn => generator.subschema_for::<BurnParams>(),
        JobKind::Tts => generator.subschema_for::<TtsParams>(),
        JobKind::Dub => generator.subschema_for::<DubParams>(),
        JobKind::Retell => generator.subschema_for::<crate::retell::RetellJob>(),
    }
}

fn io_descriptions(kind: JobKind) -> (&'static str, &'static str) {
    match kind {
        JobKind::Probe => ("media file", "optional JSON file for the media info"),
        JobKind::Ingest => ("media file or http(s) URL", "optional store directory (the params' `dest`)"),
        JobKind::Transcode => ("media file", "optional directory the outputs' relative paths live in (HLS there when no output is set)"),
        JobKind::Transcribe | JobKind::Align => ("media file", "optional transcript file: .json, .srt, .vtt or .ass"),
        JobKind::Scenes => ("video file", "optional scene list file: .json, or .csv in PySceneDetect's layout"),
        JobKind::Clips => ("media file", "directory for clip-NN.mp4/.srt/.vtt/.ass, clips.json and transcript.json"),
        JobKind::Reframe => ("video file", "the reframed MP4 to write"),
        JobKind::Burn => ("video file", "the MP4 to write"),
        JobKind::Tts => ("optional text file (else params.text)", "the WAV file to write"),
        JobKind::Dub => ("video file", "the MP4 to write (plus .narration.wav and .bed.wav stems)"),
        JobKind::Retell => ("media file", "directory for retell.mp4, retell.srt, retell.json, retell.otio (and the analysis cache)"),
    }
}

/// `oneOf` the kinds: each with `kind` fixed, its own params and the
/// input/output it needs.
pub(super) fn job_spec_schema(generator: &mut SchemaGenerator) -> Schema {
    let variants: Vec<Value> = JobKind::ALL
        .iter()
        .map(|&kind| {
            let (input, output) = io_descriptions(kind);
            let mut required = vec!["kind"];
            if kind.needs_input() {
                required.push("input");
            }
            if kind.needs_output() {
                required.push("output");
            }
            json!({
                "type": "object",
                "title": format!("{kind} job"),
                "properties": {
                    "kind": {"const": kind.as_str()},
                    "input": {"type": "string", "description": input},
                    "output": {"type": "string", "description": output},
                    "params": params_schema(kind, generator).to_value(),
                },
                "required": required,
                "additionalProperties": false,
            })
        })
        .collect();
    let value = json!({
        "description": "One reelkit job: which stage (`kind`), what it reads (`input`), where it writes (`output`) and how (`params`, every key optional).",
        "oneOf": variants,
    });
    Schema::try_from(value).unwrap_or_else(|_| Schema::default())
}

/// The kinds' names, as the schema lists them (for the faces' own checks).
pub fn kind_names() -> Vec<&'static str> {
    JobKind::ALL.iter().map(|k| k.as_str()).collect()
}

#[allow(dead_code)]
fn assert_schema_types() {
    fn is<T: JsonSchema>() {}
    is::<JobSpec>();
    is::<JobReport>();
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The committed copy must be what the types generate: regenerate it
    /// with `cargo run -p reelkit-cli -- schema > core/schema/job.schema.json`.
    #[test]
    fn committed_schema_is_current() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("schema/job.schema.json");
        let fresh = job_schema_json();
        if std::env::var_os("REELKIT_BLESS").is_some() {
            std::fs::write(&path, &fresh).unwrap();
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == fresh,
            "{} is stale: regenerate it with `reelkit schema > core/schema/job.schema.json` (or REELKIT_BLESS=1 cargo test)",
            path.display()
        );
    }

    #[test]
    fn schema_covers_every_kind_and_report() {
        let schema = job_schema();
        assert_eq!(schema["$schema"], "https://json-schema.org/draft/2020-12/schema");
        let kinds: Vec<&str> = schema["oneOf"].as_array().unwrap().iter().map(|v| v["properties"]["kind"]["const"].as_str().unwrap()).collect();
        assert_eq!(kinds, kind_names());
        assert!(schema["$defs"]["JobReport"].is_object());
        assert!(schema["$defs"]["ClipsJob"]["properties"]["top"].is_object());
        assert_eq!(schema["$defs"]["ClipsJob"]["additionalProperties"], false);
    }
}
