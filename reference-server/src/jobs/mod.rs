//! Jobs as the server sees them: a core `JobSpec` kind and params checked
//! ([`spec`]) and queued in the database, the upload chain (ingest →
//! transcode → transcribe by default, from the config), and the retry
//! backoff. The worker runs them.

pub mod spec;

use serde_json::Value;

use crate::config::ServerConfig;
use crate::db::jobs::{Job, NewJob};
use crate::db::videos::Video;
use crate::db::Db;
use crate::error::ApiError;
use spec::KnownModels;

/// Check a job request and queue it: `video` is the job's input (kinds
/// that need one), `project_id` its home.
#[allow(clippy::too_many_arguments)]
pub async fn create(
    db: &Db,
    config: &ServerConfig,
    known: &KnownModels,
    org_id: &str,
    project_id: &str,
    video: Option<&Video>,
    kind: &str,
    params: Value,
    created_by: String,
) -> Result<Job, ApiError> {
    let (kind, normalized) = spec::check_params(kind, params.clone())?;
    if kind.needs_input() && video.is_none() {
        return Err(ApiError::invalid(
            "kind",
            format!("a `{kind}` job reads a video: create it with POST /v1/videos/{{id}}/jobs"),
        ));
    }
    let refs = spec::check_paths(kind, &normalized, known)?;
    for r in &refs {
        if db.artifact(org_id, &r.artifact_id).await?.is_none() {
            return Err(ApiError::invalid("params", format!("no artifact {} in this organization", r.artifact_id)));
        }
    }
    let job = NewJob {
        org_id: org_id.to_owned(),
        project_id: project_id.to_owned(),
        video_id: video.map(|v| v.id.clone()),
        parent_id: None,
        kind: kind.as_str().to_owned(),
        params: params_text(&params),
        chain_step: None,
        queue: spec::queue_for(&normalized).into(),
        max_attempts: i64::from(config.worker.max_attempts),
        created_by: Some(created_by),
    };
    Ok(db.insert_job(&job).await?)
}

/// Params as stored: what the client sent (defaults are filled in again,
/// by the same core, when the job runs).
fn params_text(params: &Value) -> String {
    match params {
        Value::Null => "{}".to_owned(),
        other => other.to_string(),
    }
}

/// Job `step` of the upload chain for `video`, if the chain has that many.
pub fn chain_job(config: &ServerConfig, video: &Video, step: usize, parent: Option<&str>) -> Option<NewJob> {
    let s = config.chain.get(step)?;
    let queue = spec::check_params(&s.kind, s.params.clone()).map(|(_, p)| spec::queue_for(&p)).unwrap_or(spec::DEFAULT_QUEUE);
    Some(NewJob {
        org_id: video.org_id.clone(),
        project_id: video.project_id.clone(),
        video_id: Some(video.id.clone()),
        parent_id: parent.map(str::to_owned),
        kind: s.kind.clone(),
        params: params_text(&s.params),
        chain_step: Some(step as i64),
        queue: queue.into(),
        max_attempts: i64::from(config.worker.max_attempts),
        created_by: Some("chain".into()),
    })
}

/// Delay before automatic retry number `attempt` (1-based): the base
/// doubled each time, capped.
pub fn backoff_ms(config: &ServerConfig, attempt: i64) -> i64 {
    let exponent = (attempt.max(1) - 1).min(30) as i32;
    let seconds = (config.worker.backoff_seconds * 2f64.powi(exponent)).min(config.worker.backoff_max_seconds);
    (seconds * 1000.0) as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_the_cap() {
        let mut config = ServerConfig::default();
        config.worker.backoff_seconds = 2.0;
        config.worker.backoff_max_seconds = 10.0;
        assert_eq!(backoff_ms(&config, 1), 2000);
        assert_eq!(backoff_ms(&config, 2), 4000);
        assert_eq!(backoff_ms(&config, 3), 8000);
        assert_eq!(backoff_ms(&config, 4), 10000);
        assert_eq!(backoff_ms(&config, 1000), 10000);
    }
}
