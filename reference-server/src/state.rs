//! What every handler shares: config, database, object store, token keys,
//! the models the server can run, and the bell that wakes an embedded
//! worker when a job is queued.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use rand::RngCore;
use tokio::sync::Notify;

use crate::auth::tokens::TokenKeys;
use crate::config::ServerConfig;
use crate::db::Db;
use crate::jobs::spec::KnownModels;
use crate::storage::Store;

pub struct AppState {
    pub config: Arc<ServerConfig>,
    pub db: Db,
    pub store: Store,
    pub tokens: TokenKeys,
    pub known: KnownModels,
    pub wake: Arc<Notify>,
    /// Where resumable uploads are staged until complete.
    pub uploads_dir: PathBuf,
    /// Uploads a request is appending to right now (one writer each).
    pub busy_uploads: Mutex<HashSet<String>>,
    /// Fired at shutdown: long-lived streams end so the server can stop.
    pub shutdown: tokio_util::sync::CancellationToken,
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState").field("store", &self.store).finish_non_exhaustive()
    }
}

impl AppState {
    /// Wake the embedded worker (if any) for a job just queued.
    pub fn job_queued(&self) {
        self.wake.notify_one();
    }
}

/// The token secret: configured, else kept in `DATA/jwt-secret` (created
/// once, readable by the owner only).
pub fn jwt_secret(config: &ServerConfig) -> std::io::Result<Vec<u8>> {
    if let Some(secret) = &config.auth.jwt_secret {
        return Ok(secret.0.as_bytes().to_vec());
    }
    let path = config.data_dir.join("jwt-secret");
    match std::fs::read(&path) {
        Ok(bytes) if bytes.len() >= 32 => return Ok(bytes),
        Ok(_) => {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!("{} is shorter than 32 bytes", path.display()),
            ))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(e),
    }
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let secret = hex::encode(bytes).into_bytes();
    write_private(&path, &secret)?;
    // Another process may have won the race: use what is on disk.
    std::fs::read(&path)
}

fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    match options.open(path) {
        Ok(mut file) => file.write_all(bytes),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(e),
    }
}
