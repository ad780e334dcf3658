//! Videos: an uploaded file in the store plus what its chain learnt.

use sqlx::FromRow;

use super::{now_ms, Db, Page};

/// Where a video is in its upload chain.
pub mod state {
    pub const PROCESSING: &str = "processing";
    pub const READY: &str = "ready";
    pub const FAILED: &str = "failed";
    pub const CANCELLED: &str = "cancelled";
}

#[derive(Debug, Clone, FromRow)]
pub struct Video {
    pub id: String,
    pub org_id: String,
    pub project_id: String,
    pub filename: String,
    pub content_type: String,
    pub size: i64,
    pub object_key: String,
    pub state: String,
    pub sha256: Option<String>,
    pub info: Option<String>,
    pub error_code: Option<String>,
    pub error_message: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

pub(crate) const VIDEO_COLUMNS: &str = "id, org_id, project_id, filename, content_type, size, object_key, state, sha256, info, error_code, error_message, created_at, updated_at";

impl Db {
    pub async fn video(&self, org_id: &str, id: &str) -> Result<Option<Video>, sqlx::Error> {
        sqlx::query_as(&format!("SELECT {VIDEO_COLUMNS} FROM videos WHERE id = $1 AND org_id = $2"))
            .bind(id)
            .bind(org_id)
            .fetch_optional(self.pool())
            .await
    }

    /// A video by id alone (workers, which act for every organisation).
    pub async fn video_any_org(&self, id: &str) -> Result<Option<Video>, sqlx::Error> {
        sqlx::query_as(&format!("SELECT {VIDEO_COLUMNS} FROM videos WHERE id = $1"))
            .bind(id)
            .fetch_optional(self.pool())
            .await
    }

    pub async fn videos(&self, org_id: &str, project_id: &str, page: Page) -> Result<(Vec<Video>, i64), sqlx::Error> {
        let rows = sqlx::query_as(&format!(
            "SELECT {VIDEO_COLUMNS} FROM videos WHERE org_id = $1 AND project_id = $2
             ORDER BY created_at DESC, id DESC LIMIT $3 OFFSET $4"
        ))
        .bind(org_id)
        .bind(project_id)
        .bind(page.limit)
        .bind(page.offset)
        .fetch_all(self.pool())
        .await?;
        let total: (i64,) = sqlx::query_as("SELECT COUNT(*) FROM videos WHERE org_id = $1 AND project_id = $2")
            .bind(org_id)
            .bind(project_id)
            .fetch_one(self.pool())
            .await?;
        Ok((rows, total.0))
    }

    /// Delete a video (and by cascade its jobs and their artifacts);
    /// returns the object keys to remove from the store.
    pub async fn delete_video(&self, org_id: &str, id: &str) -> Result<Option<Vec<String>>, sqlx::Error> {
        let mut tx = self.pool().begin().await?;
        let video: Option<(String,)> =
            sqlx::query_as("UPDATE videos SET updated_at = $3 WHERE id = $1 AND org_id = $2 RETURNING object_key")
                .bind(id)
                .bind(org_id)
                .bind(now_ms())
                .fetch_optional(&mut *tx)
                .await?;
        let Some((key,)) = video else { return Ok(None) };
        let mut keys: Vec<String> = sqlx::query_as::<_, (String,)>(
            "SELECT object_key FROM artifacts WHERE job_id IN (SELECT id FROM jobs WHERE video_id = $1)",
        )
        .bind(id)
        .fetch_all(&mut *tx)
        .await?
        .into_iter()
        .map(|k| k.0)
        .collect();
        keys.push(key);
        sqlx::query("DELETE FROM job_events WHERE job_id IN (SELECT id FROM jobs WHERE video_id = $1)")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM videos WHERE id = $1").bind(id).execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(Some(keys))
    }
}
