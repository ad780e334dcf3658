//! Artifacts: files in the store that a job produced (or that a client
//! uploaded as a job's input), each with its size and SHA-256.

use sqlx::FromRow;

use super::{Db, Page};

#[derive(Debug, Clone, FromRow)]
pub struct Artifact {
    pub id: String,
    pub org_id: String,
    pub project_id: String,
    pub job_id: Option<String>,
    pub name: String,
    pub content_type: String,
    pub size: i64,
    pub sha256: String,
    pub object_key: String,
    pub created_at: i64,
}

pub(crate) const ARTIFACT_COLUMNS: &str =
    "id, org_id, project_id, job_id, name, content_type, size, sha256, object_key, created_at";

impl Artifact {
    pub(crate) async fn insert<'e, E>(&self, executor: E) -> Result<(), sqlx::Error>
    where
        E: sqlx::Executor<'e, Database = sqlx::Any>,
    {
        sqlx::query(&format!("INSERT INTO artifacts ({ARTIFACT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"))
            .bind(&self.id)
            .bind(&self.org_id)
            .bind(&self.project_id)
            .bind(&self.job_id)
            .bind(&self.name)
            .bind(&self.content_type)
            .bind(self.size)
            .bind(&self.sha256)
            .bind(&self.object_key)
            .bind(self.created_at)
            .execute(executor)
            .await
            .map(|_| ())
    }
}

impl Db {
    pub async fn insert_artifact(&self, artifact: &Artifact) -> Result<(), sqlx::Error> {
        artifact.insert(self.pool()).await
    }

    pub async fn artifact(&self, org_id: &str, id: &str) -> Result<Option<Artifact>, sqlx::Error> {
        sqlx::query_as(&format!("SELECT {ARTIFACT_COLUMNS} FROM artifacts WHERE id = $1 AND org_id = $2"))
            .bind(id)
            .bind(org_id)
            .fetch_optional(self.pool())
            .await
    }

    /// A job's artifacts, by name.
    pub async fn job_artifacts(&self, org_id: &str, job_id: &str, page: Page) -> Result<(Vec<Artifact>, i64), sqlx::Error> {
        let rows = sqlx::query_as(&format!(
            "SELECT {ARTIFACT_COLUMNS} FROM artifacts WHERE org_id = $1 AND job_id = $2 ORDER BY name LIMIT $3 OFFSET $4"
        ))
        .bind(org_id)
        .bind(job_id)
        .bind(page.limit)
        .bind(page.offset)
        .fetch_all(self.pool())
        .await?;
        let total: (i64,) = sqlx::query_as("SELECT COUNT(*) FROM artifacts WHERE org_id = $1 AND job_id = $2")
            .bind(org_id)
            .bind(job_id)
            .fetch_one(self.pool())
            .await?;
        Ok((rows, total.0))
    }

    /// A project's artifacts, newest first.
    pub async fn project_artifacts(&self, org_id: &str, project_id: &str, page: Page) -> Result<(Vec<Artifact>, i64), sqlx::Error> {
        let rows = sqlx::query_as(&format!(
            "SELECT {ARTIFACT_COLUMNS} FROM artifacts WHERE org_id = $1 AND project_id = $2
             ORDER BY created_at DESC, id DESC LIMIT $3 OFFSET $4"
        ))
        .bind(org_id)
        .bind(project_id)
        .bind(page.limit)
        .bind(page.offset)
        .fetch_all(self.pool())
        .await?;
        let total: (i64,) = sqlx::query_as("SELECT COUNT(*) FROM artifacts WHERE org_id = $1 AND project_id = $2")
            .bind(org_id)
            .bind(project_id)
            .fetch_one(self.pool())
            .await?;
        Ok((rows, total.0))
    }

    /// An artifact by id within an organisation (for job inputs).
    pub async fn artifact_any_org(&self, id: &str) -> Result<Option<Artifact>, sqlx::Error> {
        sqlx::query_as(&format!("SELECT {ARTIFACT_COLUMNS} FROM artifacts WHERE id = $1"))
            .bind(id)
            .fetch_optional(self.pool())
            .await
    }
}
