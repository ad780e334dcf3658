//! Server settings: defaults, then environment, then flags.

use std::net::SocketAddr;
use std::path::PathBuf;

/// Typed, validated server settings.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// Address to listen on (default 127.0.0.1:8080, env `REELKIT_ADDR`).
    pub addr: SocketAddr,
    /// Where uploads and results live (default `./reelkit-data`, env `REELKIT_DATA`).
    pub data_dir: PathBuf,
    /// Largest accepted upload in bytes (default 2 GiB, env `REELKIT_MAX_UPLOAD_BYTES`).
    pub max_upload_bytes: u64,
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            addr: SocketAddr::from(([127, 0, 0, 1], 8080)),
            data_dir: PathBuf::from("reelkit-data"),
            max_upload_bytes: 2 << 30,
        }
    }
}

/// A setting that could not be used, named with its bad value.
#[derive(Debug, thiserror::Error)]
#[error("invalid setting {name}={value:?}: {reason}")]
pub struct ConfigError {
    pub name: &'static str,
    pub value: String,
    pub reason: String,
}

impl ServerConfig {
    /// Defaults overridden by `REELKIT_*` environment variables.
    pub fn from_env() -> Result<Self, ConfigError> {
        let mut config = Self::default();
        if let Ok(v) = std::env::var("REELKIT_ADDR") {
            config.addr = parse_addr("REELKIT_ADDR", &v)?;
        }
        if let Ok(v) = std::env::var("REELKIT_DATA") {
            config.data_dir = PathBuf::from(v);
        }
        if let Ok(v) = std::env::var("REELKIT_MAX_UPLOAD_BYTES") {
            config.max_upload_bytes = v.parse().map_err(|e: std::num::ParseIntError| ConfigError {
                name: "REELKIT_MAX_UPLOAD_BYTES",
                value: v.clone(),
                reason: e.to_string(),
            })?;
        }
        config.validate()?;
        Ok(config)
    }

    pub fn validate(&self) -> Result<(), ConfigError> {
        if self.max_upload_bytes == 0 {
            return Err(ConfigError { name: "max_upload_bytes", value: "0".into(), reason: "must be > 0".into() });
        }
        Ok(())
    }
}

pub fn parse_addr(name: &'static str, value: &str) -> Result<SocketAddr, ConfigError> {
    value.parse().map_err(|e: std::net::AddrParseError| ConfigError { name, value: value.to_owned(), reason: e.to_string() })
}
