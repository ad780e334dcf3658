//! [`JobSpec`]: `{"kind", "input", "output", "params"}`, read strictly.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::kind::JobKind;
use super::params::{AlignParams, BurnParams, DubParams, ProbeParams, TranscribeParams, TtsParams};
use crate::config;
use crate::error::{Error, Result};
use crate::ingest::IngestConfig;
use crate::pipeline::ClipsJob;
use crate::reframe::ReframeJob;
use crate::retell::RetellJob;
use crate::scenes::SceneConfig;
use crate::transcode::TranscodeJob;

/// The params of a job, one variant per [`JobKind`].
#[allow(clippy::large_enum_variant)] // configs, built once per job
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum JobParams {
    Probe(ProbeParams),
    Ingest(IngestConfig),
    Transcode(TranscodeJob),
    Transcribe(TranscribeParams),
    Align(AlignParams),
    Scenes(SceneConfig),
    Clips(ClipsJob),
    Reframe(ReframeJob),
    Burn(BurnParams),
    Tts(TtsParams),
    Dub(DubParams),
    Retell(RetellJob),
}

impl JobParams {
    pub fn kind(&self) -> JobKind {
        match self {
            JobParams::Probe(_) => JobKind::Probe,
            JobParams::Ingest(_) => JobKind::Ingest,
            JobParams::Transcode(_) => JobKind::Transcode,
            JobParams::Transcribe(_) => JobKind::Transcribe,
            JobParams::Align(_) => JobKind::Align,
            JobParams::Scenes(_) => JobKind::Scenes,
            JobParams::Clips(_) => JobKind::Clips,
            JobParams::Reframe(_) => JobKind::Reframe,
            JobParams::Burn(_) => JobKind::Burn,
            JobParams::Tts(_) => JobKind::Tts,
            JobParams::Dub(_) => JobKind::Dub,
            JobParams::Retell(_) => JobKind::Retell,
        }
    }

    /// The default params of `kind`.
    pub fn default_for(kind: JobKind) -> Self {
        Self::from_value(kind, Value::Object(Default::default()))
            .unwrap_or_else(|_| unreachable!("every kind's params have defaults"))
    }

    /// Read `kind`'s params from JSON (errors name `params.<key>`).
    pub fn from_value(kind: JobKind, value: Value) -> Result<Self> {
        let p = "params";
        Ok(match kind {
            JobKind::Probe => JobParams::Probe(config::from_value(value, p)?),
            JobKind::Ingest => JobParams::Ingest(config::from_value(value, p)?),
            JobKind::Transcode => JobParams::Transcode(config::from_value(value, p)?),
            JobKind::Transcribe => JobParams::Transcribe(config::from_value(value, p)?),
            JobKind::Align => JobParams::Align(config::from_value(value, p)?),
            JobKind::Scenes => JobParams::Scenes(config::from_value(value, p)?),
            JobKind::Clips => JobParams::Clips(config::from_value(value, p)?),
            JobKind::Reframe => JobParams::Reframe(config::from_value(value, p)?),
            JobKind::Burn => JobParams::Burn(config::from_value(value, p)?),
            JobKind::Tts => JobParams::Tts(config::from_value(value, p)?),
            JobKind::Dub => JobParams::Dub(config::from_value(value, p)?),
            JobKind::Retell => JobParams::Retell(config::from_value(value, p)?),
        })
    }

    /// The params as JSON.
    pub fn to_value(&self) -> Value {
        let value = match self {
            JobParams::Probe(p) => serde_json::to_value(p),
            JobParams::Ingest(p) => serde_json::to_value(p),
            JobParams::Transcode(p) => serde_json::to_value(p),
            JobParams::Transcribe(p) => serde_json::to_value(p),
            JobParams::Align(p) => serde_json::to_value(p),
            JobParams::Scenes(p) => serde_json::to_value(p),
            JobParams::Clips(p) => serde_json::to_value(p),
            JobParams::Reframe(p) => serde_json::to_value(p),
            JobParams::Burn(p) => serde_json::to_value(p),
            JobParams::Tts(p) => serde_json::to_value(p),
            JobParams::Dub(p) => serde_json::to_value(p),
            JobParams::Retell(p) => serde_json::to_value(p),
        };
        value.unwrap_or(Value::Null)
    }

    /// Range and consistency checks of the params (errors name `params.<key>`).
    pub fn validate(&self) -> Result<()> {
        let result = match self {
            JobParams::Probe(_) => Ok(()),
            JobParams::Ingest(p) => p.validate(),
            JobParams::Transcode(p) => p.validate(),
            JobParams::Transcribe(p) => p.validate(),
            JobParams::Align(p) => p.validate(),
            JobParams::Scenes(p) => p.validate(),
            JobParams::Clips(p) => p.validate(),
            JobParams::Reframe(p) => p.validate(),
            JobParams::Burn(p) => p.validate(),
            JobParams::Tts(p) => p.validate(),
            JobParams::Dub(p) => p.validate(),
            JobParams::Retell(p) => p.validate(),
        };
        result.map_err(|e| e.under_field("params"))
    }
}

/// One job: which stage, what it reads, where it writes, and how.
///
/// JSON: `{"kind": "clips", "input": "talk.mp4", "output": "out", "params": {"top": 2}}`.
/// `params` may be left out (every setting has a default); unknown keys
/// anywhere are refused with code `invalid_config` and the key's dotted path.
#[derive(Debug, Clone, PartialEq)]
pub struct JobSpec {
    /// The media file (or, for `ingest`, a URL; for `tts`, an optional text file).
    pub input: Option<String>,
    /// The file or directory the job writes (see each kind).
    pub output: Option<PathBuf>,
    pub params: JobParams,
}

/// The wire form, before the params are read by kind.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSpec {
    kind: String,
    #[serde(default)]
    input: Option<String>,
    #[serde(default)]
    output: Option<PathBuf>,
    #[serde(default)]
    params: Option<Value>,
}

impl JobSpec {
    /// A spec of `kind` with default params.
    pub fn new(kind: JobKind) -> Self {
        Self { input: None, output: None, params: JobParams::default_for(kind) }
    }

    /// A spec running `params` on `input`.
    pub fn with(params: JobParams) -> Self {
        Self { input: None, output: None, params }
    }

    pub fn input(mut self, input: impl Into<String>) -> Self {
        self.input = Some(input.into());
        self
    }

    pub fn output(mut self, output: impl Into<PathBuf>) -> Self {
        self.output = Some(output.into());
        self
    }

    pub fn kind(&self) -> JobKind {
        self.params.kind()
    }

    /// Read a spec from JSON text.
    pub fn from_json(text: &str) -> Result<Self> {
        let value: Value = serde_json::from_str(text)
            .map_err(|e| Error::invalid_config("(root)", format!("not valid JSON ({e})"), Vec::new()))?;
        Self::from_value(value)
    }

    /// The spec of a `kind` job from its parts, read strictly as
    /// [`JobSpec::from_value`] reads a whole spec: how the bindings' typed
    /// calls build their job (`params` with the explicit arguments merged in).
    pub fn of(kind: &str, input: Option<String>, output: Option<String>, params: Value) -> Result<Self> {
        let parts = [("kind", Value::from(kind)), ("input", input.into()), ("output", output.into()), ("params", params)];
        Self::from_value(config::object(parts))
    }

    /// Read a spec from a JSON value (a Python dict, a JS object...).
    pub fn from_value(value: Value) -> Result<Self> {
        if !value.is_object() {
            return Err(Error::invalid_config("(root)", "a job spec is a JSON object", Vec::new()));
        }
        let raw: RawSpec = config::from_value(value, "")?;
        let kind: JobKind = raw.kind.parse()?;
        let params = match raw.params {
            None | Some(Value::Null) => Value::Object(Default::default()),
            Some(v) if v.is_object() => v,
            Some(_) => return Err(Error::invalid_config("params", "params are a JSON object", Vec::new())),
        };
        Ok(Self { input: raw.input, output: raw.output, params: JobParams::from_value(kind, params)? })
    }

    /// The spec as JSON (what [`JobSpec::from_value`] reads back).
    pub fn to_value(&self) -> Value {
        let mut map = serde_json::Map::new();
        map.insert("kind".into(), Value::String(self.kind().as_str().into()));
        if let Some(input) = &self.input {
            map.insert("input".into(), Value::String(input.clone()));
        }
        if let Some(output) = &self.output {
            map.insert("output".into(), Value::String(output.display().to_string()));
        }
        map.insert("params".into(), self.params.to_value());
        Value::Object(map)
    }

    /// Everything checkable before running: input/output present where the
    /// kind needs them, params in range.
    pub fn validate(&self) -> Result<()> {
        let kind = self.kind();
        if kind.needs_input() && self.input.as_deref().is_none_or(str::is_empty) {
            return Err(Error::invalid("input", format!("a `{kind}` job needs an input")));
        }
        if kind.needs_output() && self.output.as_ref().is_none_or(|o| o.as_os_str().is_empty()) {
            return Err(Error::invalid("output", format!("a `{kind}` job needs an output")));
        }
        match &self.params {
            // Outputs of a transcode live under the job's output folder.
            JobParams::Transcode(job) => super::run::rooted(job, self.output.as_deref())
                .validate()
                .map_err(|e| e.under_field("params")),
            params => params.validate(),
        }
    }
}

impl Serialize for JobSpec {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        self.to_value().serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for JobSpec {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        let value = Value::deserialize(deserializer)?;
        JobSpec::from_value(value).map_err(serde::de::Error::custom)
    }
}

impl schemars::JsonSchema for JobSpec {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "JobSpec".into()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        super::schema::job_spec_schema(generator)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn specs_of_parts_are_read_as_whole_specs() {
        let s = JobSpec::of("clips", Some("a.mp4".into()), Some("out".into()), json!({"top": 2})).unwrap();
        assert_eq!((s.kind(), s.input.as_deref(), s.to_value()["params"]["top"].as_u64()), (JobKind::Clips, Some("a.mp4"), Some(2)));
        let e = JobSpec::of("scenes", Some("a.mp4".into()), None, json!({"treshold": 2})).unwrap_err();
        assert_eq!((e.code(), e.field()), ("invalid_config", Some("params.treshold")));
        assert_eq!(JobSpec::of("clipz", None, None, json!({})).unwrap_err().field(), Some("kind"));
    }

    #[test]
    fn clips_params_sit_at_the_top_of_params() {
        let spec = JobSpec::from_value(json!({"kind": "clips", "input": "a.mp4", "output": "out", "params": {"top": 2, "aspect": "9:16", "min_duration": 5}})).unwrap();
        let JobParams::Clips(job) = &spec.params else { panic!("{spec:?}") };
        assert_eq!(job.effective_clips().top, 2);
        assert_eq!(job.effective_clips().min_duration, 5.0);
        assert_eq!(job.aspect, crate::Aspect::Portrait);
        spec.validate().unwrap();
        let back = JobSpec::from_value(spec.to_value()).unwrap();
        assert_eq!(back, spec);
    }

    #[test]
    fn misspelt_keys_are_refused_with_their_path() {
        let e = JobSpec::from_value(json!({"kind": "clips", "params": {"topp": 2}})).unwrap_err();
        assert_eq!((e.code(), e.field()), ("invalid_config", Some("params.topp")));
        assert!(e.accepted().iter().any(|k| k == "top"), "{e}");
        let e = JobSpec::from_value(json!({"kind": "clips", "params": {"asr": {"modle": "base"}}})).unwrap_err();
        assert_eq!(e.field(), Some("params.asr.modle"));
        let e = JobSpec::from_value(json!({"kind": "clips", "inptu": "a.mp4"})).unwrap_err();
        assert_eq!(e.field(), Some("inptu"));
        assert!(e.accepted().iter().any(|k| k == "input"));
        let e = JobSpec::from_value(json!({"kind": "clipz"})).unwrap_err();
        assert_eq!((e.code(), e.field()), ("invalid_config", Some("kind")));
        assert!(e.accepted().iter().any(|k| k == "transcribe"));
        let e = JobSpec::from_value(json!({"params": {}})).unwrap_err();
        assert_eq!(e.field(), Some("kind"));
        let e = JobSpec::from_value(json!({"kind": "clips", "params": {"top": "two"}})).unwrap_err();
        assert_eq!(e.field(), Some("params.top"));
    }

    #[test]
    fn out_of_range_values_name_the_field() {
        let spec = JobSpec::from_value(json!({"kind": "clips", "input": "a.mp4", "output": "o", "params": {"top": 0}})).unwrap();
        let e = spec.validate().unwrap_err();
        assert_eq!((e.code(), e.field()), ("invalid_parameter", Some("params.top")));
        assert!(e.to_string().contains("1..=1000"), "{e}");
        let e = JobSpec::new(JobKind::Clips).input("a.mp4").validate().unwrap_err();
        assert_eq!(e.field(), Some("output"));
    }

    #[test]
    fn specs_and_params_are_objects() {
        assert_eq!(JobSpec::from_value(json!(["clips"])).unwrap_err().code(), "invalid_config");
        let e = JobSpec::from_value(json!({"kind": "clips", "params": [1]})).unwrap_err();
        assert_eq!((e.code(), e.field()), ("invalid_config", Some("params")));
    }

    #[test]
    fn a_transcode_with_an_output_folder_and_no_outputs_makes_hls_there() {
        let spec = JobSpec::from_value(json!({"kind": "transcode", "input": "a.mp4", "output": "out"})).unwrap();
        spec.validate().unwrap();
        let e = JobSpec::from_value(json!({"kind": "transcode", "input": "a.mp4"})).unwrap().validate().unwrap_err();
        assert_eq!(e.field(), Some("params.outputs"));
        let e = JobSpec::from_value(json!({"kind": "transcode", "input": "a.mp4", "params": {"hls": {"dir": "h", "crf": 99}}}))
            .unwrap()
            .validate()
            .unwrap_err();
        assert_eq!(e.field(), Some("params.hls.crf"));
    }

    #[test]
    fn every_kind_has_default_params_that_round_trip() {
        for kind in JobKind::ALL {
            let spec = JobSpec::new(*kind);
            assert_eq!(spec.kind(), *kind);
            assert_eq!(JobSpec::from_value(spec.to_value()).unwrap(), spec, "{kind}");
        }
    }
}
