//! A running job's link to the database. The core's progress sink writes
//! the latest event into a `watch` channel; a heartbeat task reads it on
//! every beat, renews the lease with the progress (fraction, stage, ETA),
//! writes a throttled `progress` event when it moved, and learns whether
//! the API asked to cancel or pause — or whether the lease was lost — and
//! then trips the job's `CancelToken`.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use reelkit::{CancelToken, ProgressEvent, ProgressSink};
use serde_json::json;
use tokio::sync::watch;
use tokio_util::sync::CancellationToken;

use crate::db::jobs::{Heartbeat, Job};
use crate::db::Db;

/// The core's progress, latest first.
pub struct ProgressFeed(watch::Sender<Option<ProgressEvent>>);

impl ProgressFeed {
    pub fn new() -> (Arc<Self>, watch::Receiver<Option<ProgressEvent>>) {
        let (tx, rx) = watch::channel(None);
        (Arc::new(Self(tx)), rx)
    }
}

impl ProgressSink for ProgressFeed {
    fn emit(&self, event: &ProgressEvent) {
        self.0.send_replace(Some(event.clone()));
    }
}

/// What the heartbeat learnt while the job ran.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct BeatOutcome {
    /// `cancel` or `pause`, when the API asked.
    pub control: Option<String>,
    /// The lease went to another worker: record nothing.
    pub lost: bool,
}

/// Fraction, stage and ETA from the latest event.
struct Estimator {
    stage_started: HashMap<String, Instant>,
}

impl Estimator {
    fn estimate(&mut self, event: &ProgressEvent) -> (f64, String, Option<f64>) {
        let stage = event.stage.as_str().to_owned();
        let started = *self.stage_started.entry(stage.clone()).or_insert_with(Instant::now);
        let fraction = event.fraction().unwrap_or(0.0);
        let eta = event.eta.or_else(|| {
            (0.01..1.0).contains(&fraction).then(|| started.elapsed().as_secs_f64() * (1.0 - fraction) / fraction)
        });
        (fraction, stage, eta.map(|e| (e * 10.0).round() / 10.0))
    }
}

/// Beat every `interval` until `stop`; trips `cancel` on a control request
/// or a lost lease.
#[allow(clippy::too_many_arguments)]
pub async fn run(
    db: Db,
    job: Job,
    worker: String,
    lease: Duration,
    interval: Duration,
    mut progress: watch::Receiver<Option<ProgressEvent>>,
    cancel: CancelToken,
    stop: CancellationToken,
) -> BeatOutcome {
    let mut outcome = BeatOutcome::default();
    let mut estimator = Estimator { stage_started: HashMap::new() };
    let mut last_sent: Option<(String, f64)> = None;
    let lease_ms = lease.as_millis() as i64;
    loop {
        tokio::select! {
            _ = tokio::time::sleep(interval) => {}
            _ = stop.cancelled() => break,
        }
        let latest = progress.borrow_and_update().clone();
        let estimate = latest.as_ref().map(|e| estimator.estimate(e));
        let beat = db
            .heartbeat(&job, &worker, lease_ms, estimate.as_ref().map(|(f, s, eta)| (*f, s.as_str(), *eta)))
            .await;
        match beat {
            Ok(Heartbeat::Held { control: Some(control) }) => {
                if outcome.control.is_none() {
                    tracing::info!(job = %job.id, %control, "stopping the job as asked");
                }
                outcome.control = Some(control);
                cancel.cancel();
            }
            Ok(Heartbeat::Held { control: None }) => {}
            Ok(Heartbeat::Lost) => {
                tracing::warn!(job = %job.id, "lease lost: another worker has the job");
                outcome.lost = true;
                cancel.cancel();
                break;
            }
            Err(e) => tracing::warn!(job = %job.id, error = %e, "heartbeat failed"),
        }
        if let Some((fraction, stage, eta)) = estimate {
            let moved = match &last_sent {
                Some((s, f)) => *s != stage || (fraction - f).abs() >= 0.01,
                None => true,
            };
            if moved {
                let data = json!({ "job_id": job.id, "kind": job.kind, "fraction": fraction, "stage": stage, "eta": eta });
                if let Err(e) = db.insert_event(&job.org_id, &job.id, "progress", &data).await {
                    tracing::warn!(job = %job.id, error = %e, "could not record progress");
                }
                last_sent = Some((stage, fraction));
            }
        }
    }
    outcome
}
