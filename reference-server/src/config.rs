//! Server settings: defaults, then a TOML file, then the environment, then
//! flags — checked once at start by [`ServerConfig::validate`], which names
//! the setting and the accepted range.
//!
//! Environment: `REELKIT_ADDR`, `REELKIT_DATA`, `REELKIT_DATABASE_URL`,
//! `REELKIT_MAX_UPLOAD_BYTES`, and any setting by its dotted path as
//! `REELKIT_SERVER__SECTION__KEY` (`REELKIT_SERVER__WORKER__CONCURRENCY=4`).

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// Every setting of `reelkit-server serve` and `reelkit-server worker`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ServerConfig {
    /// Address the API listens on (`worker`: health and metrics only, when set).
    pub addr: SocketAddr,
    /// Local state: the SQLite database, the local object store, staged
    /// uploads and the worker's scratch space.
    pub data_dir: PathBuf,
    /// `sqlite://FILE` or `postgres://...`; default: `DATA/reelkit.db`.
    pub database_url: Option<String>,
    /// Most pooled database connections per process.
    pub database_connections: u32,
    /// Base of the URLs the API hands out (artifact downloads, uploads);
    /// default: the `Host` the request came to.
    pub public_url: Option<String>,
    /// Run a worker inside `serve` (the single-machine default).
    pub embedded_worker: bool,
    pub store: StoreConfig,
    pub auth: AuthConfig,
    pub limits: LimitsConfig,
    pub worker: WorkerConfig,
    /// Where models, fonts and voices come from (the core's engine config).
    pub engine: reelkit::EngineConfig,
    /// The jobs every uploaded video gets, in order.
    pub chain: Vec<ChainStep>,
}

/// One automatic job of the upload chain: a kind and its params.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChainStep {
    pub kind: String,
    #[serde(default = "empty_object")]
    pub params: serde_json::Value,
}

fn empty_object() -> serde_json::Value {
    serde_json::Value::Object(Default::default())
}

/// Where objects (uploads, renditions, clips...) live.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum StoreConfig {
    /// A local directory (default `DATA/objects`).
    Local { dir: Option<PathBuf> },
    /// Any S3-compatible store.
    S3(S3Config),
}

impl Default for StoreConfig {
    fn default() -> Self {
        StoreConfig::Local { dir: None }
    }
}

#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct S3Config {
    pub bucket: String,
    /// Endpoint of a non-AWS store (`http://127.0.0.1:9000`); default AWS.
    #[serde(default)]
    pub endpoint: Option<String>,
    #[serde(default = "default_region")]
    pub region: String,
    #[serde(default)]
    pub access_key_id: Option<String>,
    #[serde(default)]
    pub secret_access_key: Option<Secret>,
    /// Allow `http://` endpoints (local test stores).
    #[serde(default)]
    pub allow_http: bool,
    /// `https://BUCKET.host/` instead of `https://host/BUCKET/`.
    #[serde(default)]
    pub virtual_hosted_style: bool,
}

impl std::fmt::Debug for S3Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("S3Config")
            .field("bucket", &self.bucket)
            .field("endpoint", &self.endpoint)
            .field("region", &self.region)
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &self.secret_access_key)
            .finish()
    }
}

fn default_region() -> String {
    "us-east-1".into()
}

/// A secret that never shows in `Debug` output or logs.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Secret(pub String);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("\"[redacted]\"")
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AuthConfig {
    /// HMAC key of the access and refresh tokens (at least 32 bytes);
    /// default: generated once and kept in `DATA/jwt-secret`. Every API
    /// replica must share it.
    pub jwt_secret: Option<Secret>,
    pub access_token_seconds: u64,
    pub refresh_token_seconds: u64,
}

impl Default for AuthConfig {
    fn default() -> Self {
        Self { jwt_secret: None, access_token_seconds: 15 * 60, refresh_token_seconds: 30 * 24 * 3600 }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LimitsConfig {
    /// Largest video or file accepted.
    pub max_upload_bytes: u64,
    /// Largest JSON request body.
    pub max_json_bytes: u64,
    /// Longest an ordinary request may take.
    pub request_timeout_seconds: u64,
    /// Longest one upload request (multipart or one resumable chunk) may take.
    pub upload_timeout_seconds: u64,
    /// How long an unfinished resumable upload is kept.
    pub upload_expiry_seconds: u64,
    /// How long job events are kept for SSE/WebSocket replay.
    pub event_retention_seconds: u64,
}

impl Default for LimitsConfig {
    fn default() -> Self {
        Self {
            max_upload_bytes: 2 << 30,
            max_json_bytes: 1 << 20,
            request_timeout_seconds: 30,
            upload_timeout_seconds: 15 * 60,
            upload_expiry_seconds: 24 * 3600,
            event_retention_seconds: 7 * 24 * 3600,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct WorkerConfig {
    /// Jobs one worker runs at a time.
    pub concurrency: usize,
    /// How long a claimed job stays leased without a heartbeat.
    pub lease_seconds: u64,
    /// How often a running job's lease is renewed and its progress written.
    pub heartbeat_ms: u64,
    /// How often an idle worker looks for work.
    pub poll_ms: u64,
    /// Runs a job gets before it is failed (crashes included).
    pub max_attempts: u32,
    /// Delay before the first automatic retry; doubled each time.
    pub backoff_seconds: f64,
    pub backoff_max_seconds: f64,
    /// On shutdown, how long running jobs may finish before they are
    /// released to another worker.
    pub shutdown_grace_seconds: u64,
    /// Worker name in job runs and logs; default host name and process id.
    pub name: Option<String>,
    /// Queues this worker takes jobs from: `default`, and `gpu` (jobs whose
    /// params ask for a CUDA device) on GPU workers.
    pub queues: Vec<String>,
}

impl Default for WorkerConfig {
    fn default() -> Self {
        Self {
            concurrency: 2,
            lease_seconds: 30,
            heartbeat_ms: 1000,
            poll_ms: 500,
            max_attempts: 3,
            backoff_seconds: 5.0,
            backoff_max_seconds: 600.0,
            shutdown_grace_seconds: 30,
            name: None,
            queues: vec!["default".into()],
        }
    }
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            addr: SocketAddr::from(([127, 0, 0, 1], 8080)),
            data_dir: PathBuf::from("reelkit-data"),
            database_url: None,
            database_connections: 16,
            public_url: None,
            embedded_worker: true,
            store: StoreConfig::default(),
            auth: AuthConfig::default(),
            limits: LimitsConfig::default(),
            worker: WorkerConfig::default(),
            engine: reelkit::EngineConfig::default(),
            chain: default_chain(),
        }
    }
}

/// ingest → transcode (HLS + proxy) → transcribe.
pub fn default_chain() -> Vec<ChainStep> {
    vec![
        ChainStep { kind: "ingest".into(), params: empty_object() },
        ChainStep {
            kind: "transcode".into(),
            params: serde_json::json!({ "hls": { "dir": "hls" }, "proxy": { "path": "proxy.mp4" } }),
        },
        ChainStep { kind: "transcribe".into(), params: empty_object() },
    ]
}

/// A setting that cannot be used, named with what is accepted.
#[derive(Debug, thiserror::Error)]
#[error("invalid setting `{name}`: {reason}")]
pub struct ConfigError {
    pub name: String,
    pub reason: String,
}

impl ConfigError {
    pub fn new(name: impl Into<String>, reason: impl Into<String>) -> Self {
        Self { name: name.into(), reason: reason.into() }
    }
}

const ENV_PREFIX: &str = "REELKIT_SERVER__";

impl ServerConfig {
    /// Defaults, then `file` (TOML), then the environment.
    pub fn load(file: Option<&Path>) -> Result<Self, ConfigError> {
        let vars: Vec<(String, String)> = std::env::vars().collect();
        Self::load_from(file, &vars)
    }

    /// [`ServerConfig::load`] with the environment given.
    pub fn load_from(file: Option<&Path>, env: &[(String, String)]) -> Result<Self, ConfigError> {
        let mut table = match file {
            Some(path) => {
                let text = std::fs::read_to_string(path)
                    .map_err(|e| ConfigError::new("--config", format!("{}: {e}", path.display())))?;
                text.parse::<toml::Table>()
                    .map_err(|e| ConfigError::new(path.display().to_string(), format!("not valid TOML: {e}")))?
            }
            None => toml::Table::new(),
        };
        for (name, value) in env {
            let path = match name.as_str() {
                "REELKIT_ADDR" => "addr".to_owned(),
                "REELKIT_DATA" => "data_dir".to_owned(),
                "REELKIT_DATABASE_URL" => "database_url".to_owned(),
                "REELKIT_MAX_UPLOAD_BYTES" => "limits.max_upload_bytes".to_owned(),
                other => match other.strip_prefix(ENV_PREFIX) {
                    Some(rest) if !rest.is_empty() => rest.to_ascii_lowercase().replace("__", "."),
                    _ => continue,
                },
            };
            set_path(&mut table, &path, env_value(value)).map_err(|reason| ConfigError::new(name.clone(), reason))?;
        }
        let config: ServerConfig = toml::Value::Table(table).try_into().map_err(|e: toml::de::Error| {
            ConfigError::new("config", e.message().to_owned())
        })?;
        config.validate()?;
        Ok(config)
    }

    /// Range and consistency checks, naming the setting.
    pub fn validate(&self) -> Result<(), ConfigError> {
        fn range<T: PartialOrd + std::fmt::Display>(name: &str, v: T, lo: T, hi: T) -> Result<(), ConfigError> {
            if v < lo || v > hi {
                return Err(ConfigError::new(name, format!("{v} is out of range {lo}..={hi}")));
            }
            Ok(())
        }
        range("database_connections", self.database_connections, 1, 1000)?;
        range("limits.max_upload_bytes", self.limits.max_upload_bytes, 1, 1 << 50)?;
        range("limits.max_json_bytes", self.limits.max_json_bytes, 1024, 64 << 20)?;
        range("limits.request_timeout_seconds", self.limits.request_timeout_seconds, 1, 3600)?;
        range("limits.upload_timeout_seconds", self.limits.upload_timeout_seconds, 1, 24 * 3600)?;
        range("limits.upload_expiry_seconds", self.limits.upload_expiry_seconds, 60, 30 * 24 * 3600)?;
        range("limits.event_retention_seconds", self.limits.event_retention_seconds, 60, 365 * 24 * 3600)?;
        range("auth.access_token_seconds", self.auth.access_token_seconds, 10, 24 * 3600)?;
        range("auth.refresh_token_seconds", self.auth.refresh_token_seconds, 60, 365 * 24 * 3600)?;
        range("worker.concurrency", self.worker.concurrency, 1, 64)?;
        range("worker.lease_seconds", self.worker.lease_seconds, 1, 3600)?;
        range("worker.heartbeat_ms", self.worker.heartbeat_ms, 50, 600_000)?;
        range("worker.poll_ms", self.worker.poll_ms, 10, 60_000)?;
        range("worker.max_attempts", self.worker.max_attempts, 1, 100)?;
        range("worker.backoff_seconds", self.worker.backoff_seconds, 0.0, 86_400.0)?;
        range("worker.backoff_max_seconds", self.worker.backoff_max_seconds, 0.0, 86_400.0)?;
        range("worker.shutdown_grace_seconds", self.worker.shutdown_grace_seconds, 0, 3600)?;
        if self.worker.queues.is_empty()
            || self.worker.queues.iter().any(|q| !["default", "gpu"].contains(&q.as_str()))
        {
            return Err(ConfigError::new("worker.queues", "must list one or both of \"default\", \"gpu\""));
        }
        if self.worker.heartbeat_ms * 2 > self.worker.lease_seconds * 1000 {
            return Err(ConfigError::new(
                "worker.heartbeat_ms",
                format!(
                    "{} ms must be at most half of worker.lease_seconds ({} s) so a live job keeps its lease",
                    self.worker.heartbeat_ms, self.worker.lease_seconds
                ),
            ));
        }
        if let Some(url) = &self.database_url {
            if !(url.starts_with("sqlite:") || url.starts_with("postgres://") || url.starts_with("postgresql://")) {
                return Err(ConfigError::new("database_url", "must start with sqlite:, postgres:// or postgresql://"));
            }
        }
        if let Some(url) = &self.public_url {
            let parsed = url::Url::parse(url).map_err(|e| ConfigError::new("public_url", e.to_string()))?;
            if !matches!(parsed.scheme(), "http" | "https") {
                return Err(ConfigError::new("public_url", "must be an http:// or https:// URL"));
            }
        }
        if let Some(secret) = &self.auth.jwt_secret {
            if secret.0.len() < 32 {
                return Err(ConfigError::new("auth.jwt_secret", "must be at least 32 bytes"));
            }
        }
        if let StoreConfig::S3(s3) = &self.store {
            if s3.bucket.is_empty() {
                return Err(ConfigError::new("store.bucket", "must not be empty"));
            }
            if s3.access_key_id.is_some() != s3.secret_access_key.is_some() {
                return Err(ConfigError::new(
                    "store.access_key_id",
                    "give both store.access_key_id and store.secret_access_key, or neither",
                ));
            }
        }
        for (i, step) in self.chain.iter().enumerate() {
            crate::jobs::spec::check_params(&step.kind, step.params.clone())
                .map_err(|e| ConfigError::new(format!("chain[{i}]"), e.to_string()))?;
        }
        Ok(())
    }

    /// The database URL, defaulting to SQLite in the data directory.
    pub fn database_url(&self) -> String {
        match &self.database_url {
            Some(url) => url.clone(),
            None => format!("sqlite://{}?mode=rwc", self.data_dir.join("reelkit.db").display()),
        }
    }
}

/// An environment value as TOML when it reads as one (`4`, `true`,
/// `["gpu", "default"]`), else as a string.
fn env_value(text: &str) -> toml::Value {
    match format!("v = {text}").parse::<toml::Table>() {
        Ok(mut table) => match table.remove("v") {
            Some(toml::Value::Datetime(_)) | None => toml::Value::String(text.to_owned()),
            Some(v) => v,
        },
        Err(_) => toml::Value::String(text.to_owned()),
    }
}

fn set_path(table: &mut toml::Table, path: &str, value: toml::Value) -> Result<(), String> {
    let mut parts = path.split('.').peekable();
    let mut current = table;
    while let Some(part) = parts.next() {
        if parts.peek().is_none() {
            current.insert(part.to_owned(), value);
            return Ok(());
        }
        let entry = current.entry(part.to_owned()).or_insert_with(|| toml::Value::Table(toml::Table::new()));
        current = entry.as_table_mut().ok_or_else(|| format!("`{part}` is not a section"))?;
    }
    Err("empty setting name".into())
}

pub fn parse_addr(value: &str) -> Result<SocketAddr, String> {
    value.parse().map_err(|e: std::net::AddrParseError| format!("{value:?}: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect()
    }

    #[test]
    fn environment_overrides_by_dotted_path() {
        let c = ServerConfig::load_from(
            None,
            &env(&[
                ("REELKIT_SERVER__WORKER__CONCURRENCY", "4"),
                ("REELKIT_SERVER__WORKER__QUEUES", "[\"gpu\", \"default\"]"),
                ("REELKIT_ADDR", "0.0.0.0:9000"),
                ("REELKIT_DATA", "/tmp/x"),
                ("HOME", "/root"),
            ]),
        )
        .unwrap();
        assert_eq!(c.worker.concurrency, 4);
        assert_eq!(c.worker.queues, ["gpu", "default"]);
        assert_eq!(c.addr.port(), 9000);
        assert_eq!(c.data_dir, PathBuf::from("/tmp/x"));
    }

    #[test]
    fn unknown_and_out_of_range_settings_are_named() {
        let e = ServerConfig::load_from(None, &env(&[("REELKIT_SERVER__WORKER__CONCURENCY", "4")])).unwrap_err();
        assert!(e.to_string().contains("concurency"), "{e}");
        let e = ServerConfig::load_from(None, &env(&[("REELKIT_SERVER__WORKER__CONCURRENCY", "0")])).unwrap_err();
        assert_eq!(e.name, "worker.concurrency");
        assert!(e.reason.contains("1..=64"), "{e}");
        let e = ServerConfig::load_from(None, &env(&[("REELKIT_DATABASE_URL", "mysql://x")])).unwrap_err();
        assert_eq!(e.name, "database_url");
    }

    #[test]
    fn chain_params_are_checked_by_the_core() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("c.toml");
        std::fs::write(&file, "[[chain]]\nkind = \"transcode\"\nparams = { hlss = {} }\n").unwrap();
        let e = ServerConfig::load_from(Some(&file), &[]).unwrap_err();
        assert_eq!(e.name, "chain[0]");
        assert!(e.reason.contains("params.hlss"), "{e}");
    }

    #[test]
    fn secrets_stay_out_of_debug_output() {
        let s3 = S3Config {
            bucket: "b".into(),
            endpoint: None,
            region: default_region(),
            access_key_id: Some("AK".into()),
            secret_access_key: Some(Secret("very-secret".into())),
            allow_http: false,
            virtual_hosted_style: false,
        };
        assert!(!format!("{s3:?}").contains("very-secret"));
    }
}
