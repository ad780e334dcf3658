//! The reelkit reference server: a multi-tenant HTTP face over the `reelkit`
//! core. A job is a core `JobSpec` (kind + params) stored in the database
//! and queued; a worker runs it with `Engine::run` on a blocking thread,
//! its progress and cancellation wired to the job. The server holds no
//! media logic of its own.
//!
//! - [`config`]: settings from file and environment, validated at start;
//! - [`db`]: SQLite (default) or PostgreSQL through `sqlx`, with migrations;
//!   the job table is the durable queue (leases, heartbeats, requeue);
//! - [`storage`]: objects through `object_store` (local directory or S3);
//! - [`auth`]: users (Argon2), organisations and roles, JWTs, API keys;
//! - [`jobs`]: job requests checked by the core and the path policy; the
//!   upload chain;
//! - [`worker`]: claims and runs jobs; [`routes`]: the HTTP API.

pub mod auth;
pub mod config;
pub mod db;
pub mod error;
pub mod jobs;
pub mod metrics;
pub mod routes;
pub mod state;
pub mod storage;
pub mod worker;

use std::collections::HashSet;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

pub use config::ServerConfig;
pub use error::ApiError;
pub use routes::router;

use auth::tokens::TokenKeys;
use db::Db;
use jobs::spec::KnownModels;
use state::AppState;
use storage::Store;
use worker::Worker;

/// Why the server or a worker could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Config(#[from] config::ConfigError),
    #[error("cannot create {path}: {source}")]
    Dir { path: String, source: std::io::Error },
    #[error("database {url}: {source}")]
    Database { url: String, source: sqlx::Error },
    #[error("object store: {0}")]
    Store(#[from] storage::StoreError),
    #[error("token secret: {0}")]
    Secret(std::io::Error),
    #[error("engine: {0}")]
    Engine(reelkit::Error),
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

/// The database URL without its password, for messages.
fn redacted(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut u) if u.password().is_some() => {
            let _ = u.set_password(Some("***"));
            u.to_string()
        }
        _ => url.to_owned(),
    }
}

async fn open_state(config: ServerConfig, shutdown: CancellationToken, secret: Option<Vec<u8>>) -> Result<Arc<AppState>, StartError> {
    config.validate()?;
    let dir = |path: &std::path::Path| {
        std::fs::create_dir_all(path).map_err(|source| StartError::Dir { path: path.display().to_string(), source })
    };
    dir(&config.data_dir)?;
    let uploads_dir = config.data_dir.join("uploads");
    dir(&uploads_dir)?;
    let url = config.database_url();
    let db = Db::connect(&url, config.database_connections)
        .await
        .map_err(|source| StartError::Database { url: redacted(&url), source })?;
    let store = Store::open(&config)?;
    let secret = match secret {
        Some(s) => s,
        None => state::jwt_secret(&config).map_err(StartError::Secret)?,
    };
    let tokens = TokenKeys::new(&secret, config.auth.access_token_seconds, config.auth.refresh_token_seconds);
    let known = KnownModels::from_engine_config(&config.engine);
    metrics::handle();
    Ok(Arc::new(AppState {
        config: Arc::new(config),
        db,
        store,
        tokens,
        known,
        wake: Arc::new(Notify::new()),
        uploads_dir,
        busy_uploads: Mutex::new(HashSet::new()),
        shutdown,
    }))
}

fn start_worker(state: &Arc<AppState>) -> Result<Arc<Worker>, StartError> {
    let engine = reelkit::Engine::with_config(&state.config.engine).map_err(StartError::Engine)?;
    Ok(Arc::new(Worker::new(
        state.db.clone(),
        state.store.clone(),
        state.config.clone(),
        Arc::new(engine),
        state.known.clone(),
        state.wake.clone(),
    )))
}

/// Serve the API on `listener` (with the embedded worker unless the
/// config turns it off) until `shutdown` resolves; then stop taking
/// requests, close event streams, and let the worker finish or release
/// its jobs.
pub async fn serve(
    listener: TcpListener,
    config: ServerConfig,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), StartError> {
    let stop = CancellationToken::new();
    let state = open_state(config, stop.clone(), None).await?;
    let worker = if state.config.embedded_worker { Some(start_worker(&state)?) } else { None };
    let worker_task = worker.map(|w| tokio::spawn(w.run(stop.clone())));
    let sweeper = {
        let state = state.clone();
        let stop = stop.clone();
        tokio::spawn(async move {
            loop {
                routes::sweep(&state).await;
                tokio::select! {
                    _ = tokio::time::sleep(Duration::from_secs(600)) => {}
                    _ = stop.cancelled() => return,
                }
            }
        })
    };
    let app = router(state.clone());
    let signal = {
        let stop = stop.clone();
        async move {
            shutdown.await;
            tracing::info!("shutting down");
            stop.cancel();
        }
    };
    let served = axum::serve(listener, app).with_graceful_shutdown(signal).await;
    stop.cancel();
    if let Some(task) = worker_task {
        let _ = task.await;
    }
    sweeper.abort();
    state.db.close().await;
    served.map_err(StartError::Io)
}

/// Run a worker alone until `shutdown` resolves (then finish or release its
/// jobs). With `health`, serve `/healthz`, `/readyz` and `/metrics` there.
pub async fn run_worker(
    config: ServerConfig,
    health: Option<TcpListener>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), StartError> {
    let stop = CancellationToken::new();
    // A worker signs no tokens: its key is random and never used.
    let throwaway: Vec<u8> = (0..32).map(|_| rand::random::<u8>()).collect();
    let state = open_state(config, stop.clone(), Some(throwaway)).await?;
    let worker = start_worker(&state)?;
    let health_task = health.map(|listener| {
        let app = routes::ops_router(state.clone());
        let stop = stop.clone();
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).with_graceful_shutdown(async move { stop.cancelled().await }).await;
        })
    });
    let runner = tokio::spawn(worker.run(stop.clone()));
    shutdown.await;
    tracing::info!("shutting down");
    stop.cancel();
    let _ = runner.await;
    if let Some(task) = health_task {
        let _ = task.await;
    }
    state.db.close().await;
    Ok(())
}
