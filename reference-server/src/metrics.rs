//! Prometheus metrics: HTTP latency by route, job durations by kind and
//! outcome, and queue depth (jobs by kind and state, read from the database
//! at scrape time so every API replica reports the same queue).

use std::sync::OnceLock;

use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

use crate::db::Db;

pub const HTTP_REQUESTS: &str = "reelkit_http_requests_total";
pub const HTTP_LATENCY: &str = "reelkit_http_request_duration_seconds";
pub const JOB_DURATION: &str = "reelkit_job_duration_seconds";
pub const JOBS_FINISHED: &str = "reelkit_jobs_finished_total";
pub const JOBS: &str = "reelkit_jobs";

/// The process-wide recorder (installed once; later calls share it).
pub fn handle() -> PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            let recorder = PrometheusBuilder::new()
                .set_buckets_for_metric(
                    Matcher::Full(HTTP_LATENCY.into()),
                    &[0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0],
                )
                .and_then(|b| {
                    b.set_buckets_for_metric(
                        Matcher::Full(JOB_DURATION.into()),
                        &[0.1, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1800.0, 3600.0],
                    )
                })
                .map(|b| b.build_recorder())
                .unwrap_or_else(|_| PrometheusBuilder::new().build_recorder());
            let handle = recorder.handle();
            if metrics::set_global_recorder(recorder).is_err() {
                tracing::warn!("a metrics recorder was already installed");
            }
            handle
        })
        .clone()
}

/// The exposition text, with the queue read from the database now.
pub async fn render(db: &Db) -> String {
    match db.job_counts().await {
        Ok(counts) => {
            for state in crate::db::jobs::state::ALL {
                // Zero the states no row has, so a drained queue reads 0.
                if !counts.iter().any(|(_, s, _)| s == state) {
                    metrics::gauge!(JOBS, "kind" => "all", "state" => *state).set(0.0);
                }
            }
            let mut totals = std::collections::BTreeMap::<String, i64>::new();
            for (kind, state, n) in counts {
                *totals.entry(state.clone()).or_default() += n;
                metrics::gauge!(JOBS, "kind" => kind, "state" => state).set(n as f64);
            }
            for (state, n) in totals {
                metrics::gauge!(JOBS, "kind" => "all", "state" => state).set(n as f64);
            }
        }
        Err(e) => tracing::warn!(error = %e, "could not count jobs for /metrics"),
    }
    handle().render()
}
