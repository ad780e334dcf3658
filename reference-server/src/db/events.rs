//! Job events in order: `state` changes (written with the change itself)
//! and throttled `progress`, read by the SSE and WebSocket streams of any
//! API process, whichever process wrote them.

use sqlx::FromRow;

use super::{now_ms, Db};

#[derive(Debug, Clone, FromRow)]
pub struct JobEvent {
    pub seq: i64,
    pub org_id: String,
    pub job_id: String,
    pub event: String,
    pub data: String,
    pub created_at: i64,
}

pub(crate) async fn insert_event<'e, E>(
    executor: E,
    org_id: &str,
    job_id: &str,
    event: &str,
    data: &serde_json::Value,
) -> Result<(), sqlx::Error>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    sqlx::query("INSERT INTO job_events (org_id, job_id, event, data, created_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(org_id)
        .bind(job_id)
        .bind(event)
        .bind(data.to_string())
        .bind(now_ms())
        .execute(executor)
        .await
        .map(|_| ())
}

/// Which events a stream follows.
#[derive(Debug, Clone)]
pub enum EventScope {
    Job { org_id: String, job_id: String },
    Org { org_id: String },
}

impl Db {
    pub async fn insert_event(&self, org_id: &str, job_id: &str, event: &str, data: &serde_json::Value) -> Result<(), sqlx::Error> {
        insert_event(self.pool(), org_id, job_id, event, data).await
    }

    /// Events of `scope` after `seq`, oldest first.
    pub async fn events_after(&self, scope: &EventScope, seq: i64, limit: i64) -> Result<Vec<JobEvent>, sqlx::Error> {
        let columns = "seq, org_id, job_id, event, data, created_at";
        match scope {
            EventScope::Job { org_id, job_id } => {
                sqlx::query_as(&format!(
                    "SELECT {columns} FROM job_events WHERE job_id = $1 AND org_id = $2 AND seq > $3 ORDER BY seq LIMIT $4"
                ))
                .bind(job_id)
                .bind(org_id)
                .bind(seq)
                .bind(limit)
                .fetch_all(self.pool())
                .await
            }
            EventScope::Org { org_id } => {
                sqlx::query_as(&format!(
                    "SELECT {columns} FROM job_events WHERE org_id = $1 AND seq > $2 ORDER BY seq LIMIT $3"
                ))
                .bind(org_id)
                .bind(seq)
                .bind(limit)
                .fetch_all(self.pool())
                .await
            }
        }
    }

    /// Forget events older than `before` (ms); how many went.
    pub async fn prune_events(&self, before: i64) -> Result<u64, sqlx::Error> {
        let done = sqlx::query("DELETE FROM job_events WHERE created_at < $1").bind(before).execute(self.pool()).await?;
        Ok(done.rows_affected())
    }

    /// The newest event's sequence number (where a live-only stream starts).
    pub async fn last_event_seq(&self) -> Result<i64, sqlx::Error> {
        let row: (Option<i64>,) = sqlx::query_as("SELECT MAX(seq) FROM job_events").fetch_one(self.pool()).await?;
        Ok(row.0.unwrap_or(0))
    }
}
