//! Uploads in progress: resumable (chunks with offsets, staged on the API's
//! disk) or presigned (the client PUTs straight into S3).

use sqlx::FromRow;

use super::{now_ms, Db};

pub mod mode {
    pub const CHUNKED: &str = "chunked";
    pub const PRESIGNED: &str = "presigned";
}

#[derive(Debug, Clone, FromRow)]
pub struct Upload {
    pub id: String,
    pub org_id: String,
    pub project_id: String,
    pub filename: String,
    pub content_type: String,
    pub size: i64,
    pub mode: String,
    pub object_key: String,
    pub video_id: Option<String>,
    pub created_at: i64,
    pub expires_at: i64,
}

const UPLOAD_COLUMNS: &str =
    "id, org_id, project_id, filename, content_type, size, mode, object_key, video_id, created_at, expires_at";

impl Db {
    pub async fn insert_upload(&self, u: &Upload) -> Result<(), sqlx::Error> {
        sqlx::query(&format!("INSERT INTO uploads ({UPLOAD_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"))
            .bind(&u.id)
            .bind(&u.org_id)
            .bind(&u.project_id)
            .bind(&u.filename)
            .bind(&u.content_type)
            .bind(u.size)
            .bind(&u.mode)
            .bind(&u.object_key)
            .bind(&u.video_id)
            .bind(u.created_at)
            .bind(u.expires_at)
            .execute(self.pool())
            .await
            .map(|_| ())
    }

    pub async fn upload(&self, org_id: &str, id: &str) -> Result<Option<Upload>, sqlx::Error> {
        sqlx::query_as(&format!("SELECT {UPLOAD_COLUMNS} FROM uploads WHERE id = $1 AND org_id = $2"))
            .bind(id)
            .bind(org_id)
            .fetch_optional(self.pool())
            .await
    }

    /// Unfinished uploads past their expiry (to clean up).
    pub async fn expired_uploads(&self) -> Result<Vec<Upload>, sqlx::Error> {
        sqlx::query_as(&format!(
            "SELECT {UPLOAD_COLUMNS} FROM uploads WHERE video_id IS NULL AND expires_at < $1 LIMIT 100"
        ))
        .bind(now_ms())
        .fetch_all(self.pool())
        .await
    }

    pub async fn delete_upload(&self, id: &str) -> Result<(), sqlx::Error> {
        sqlx::query("DELETE FROM uploads WHERE id = $1").bind(id).execute(self.pool()).await.map(|_| ())
    }
}
