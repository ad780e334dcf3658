//! The worker: claims jobs from the database (as many at a time as its
//! concurrency allows), runs each with [`execute`], and on shutdown stops
//! claiming, lets running jobs finish for the grace period, then cancels
//! and releases the rest to other workers.
//!
//! Several worker processes — on one machine or many — share one
//! PostgreSQL queue; a worker that dies keeps nothing, because its leases
//! run out and its jobs are claimed again.

mod execute;
mod heartbeat;
mod outputs;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{Notify, Semaphore};
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

use crate::config::ServerConfig;
use crate::db::Db;
use crate::jobs::spec::KnownModels;
use crate::storage::Store;

pub use execute::Outcome;

/// One worker (a process may run one, embedded or alone).
pub struct Worker {
    db: Db,
    store: Store,
    config: Arc<ServerConfig>,
    engine: Arc<reelkit::Engine>,
    known: KnownModels,
    name: String,
    work_dir: PathBuf,
    lease: Duration,
    heartbeat: Duration,
    /// Rung when a job is queued in this process (saves a poll interval).
    wake: Arc<Notify>,
}

impl std::fmt::Debug for Worker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Worker").field("name", &self.name).finish_non_exhaustive()
    }
}

/// This worker's default name: host and process id.
pub fn default_name() -> String {
    let host = std::env::var("HOSTNAME")
        .ok()
        .or_else(|| std::fs::read_to_string("/etc/hostname").ok().map(|s| s.trim().to_owned()))
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "worker".into());
    format!("{host}-{}", std::process::id())
}

impl Worker {
    pub fn new(
        db: Db,
        store: Store,
        config: Arc<ServerConfig>,
        engine: Arc<reelkit::Engine>,
        known: KnownModels,
        wake: Arc<Notify>,
    ) -> Self {
        let name = config.worker.name.clone().unwrap_or_else(default_name);
        Self {
            work_dir: config.data_dir.join("work"),
            lease: Duration::from_secs(config.worker.lease_seconds),
            heartbeat: Duration::from_millis(config.worker.heartbeat_ms),
            db,
            store,
            config,
            engine,
            known,
            name,
            wake,
        }
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// Claim and run jobs until `shutdown`; then finish or release what runs.
    pub async fn run(self: Arc<Self>, shutdown: CancellationToken) {
        tracing::info!(worker = %self.name, concurrency = self.config.worker.concurrency, "worker started");
        let slots = Arc::new(Semaphore::new(self.config.worker.concurrency));
        let release = CancellationToken::new();
        let mut running = JoinSet::new();
        let poll = Duration::from_millis(self.config.worker.poll_ms);
        loop {
            while running.try_join_next().is_some() {}
            let permit = tokio::select! {
                p = slots.clone().acquire_owned() => match p { Ok(p) => p, Err(_) => break },
                _ = shutdown.cancelled() => break,
            };
            match self.db.claim_job(&self.name, self.lease.as_millis() as i64, &self.config.worker.queues).await {
                Ok(Some(job)) => {
                    tracing::info!(job = %job.id, kind = %job.kind, attempt = job.attempts, worker = %self.name, "job claimed");
                    let worker = self.clone();
                    let release = release.clone();
                    running.spawn(async move {
                        let outcome = worker.execute(job, release).await;
                        drop(permit);
                        outcome
                    });
                }
                Ok(None) => {
                    drop(permit);
                    tokio::select! {
                        _ = tokio::time::sleep(jitter(poll)) => {}
                        _ = self.wake.notified() => {}
                        _ = shutdown.cancelled() => break,
                    }
                }
                Err(e) => {
                    drop(permit);
                    tracing::warn!(error = %e, "could not claim a job");
                    tokio::select! {
                        _ = tokio::time::sleep(poll * 4) => {}
                        _ = shutdown.cancelled() => break,
                    }
                }
            }
        }
        if !running.is_empty() {
            let grace = Duration::from_secs(self.config.worker.shutdown_grace_seconds);
            tracing::info!(jobs = running.len(), grace_seconds = grace.as_secs(), "worker stopping: finishing running jobs");
            let finished = tokio::time::timeout(grace, async { while running.join_next().await.is_some() {} }).await;
            if finished.is_err() {
                tracing::info!(jobs = running.len(), "grace period over: releasing running jobs");
                release.cancel();
                while running.join_next().await.is_some() {}
            }
        }
        tracing::info!(worker = %self.name, "worker stopped");
    }
}

/// `base` ± 20 %, so idle workers do not poll in step.
fn jitter(base: Duration) -> Duration {
    let factor = 0.8 + 0.4 * rand::random::<f64>();
    base.mul_f64(factor)
}
