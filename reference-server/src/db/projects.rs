//! Projects: the folders of an organisation's videos and jobs.

use sqlx::FromRow;

use super::{new_id, now_ms, Db, Page};

#[derive(Debug, Clone, FromRow)]
pub struct Project {
    pub id: String,
    pub org_id: String,
    pub name: String,
    pub created_at: i64,
}

impl Db {
    pub async fn create_project(&self, org_id: &str, name: &str) -> Result<Project, sqlx::Error> {
        let project = Project { id: new_id(), org_id: org_id.to_owned(), name: name.to_owned(), created_at: now_ms() };
        sqlx::query("INSERT INTO projects (id, org_id, name, created_at) VALUES ($1, $2, $3, $4)")
            .bind(&project.id)
            .bind(&project.org_id)
            .bind(&project.name)
            .bind(project.created_at)
            .execute(self.pool())
            .await?;
        Ok(project)
    }

    pub async fn project(&self, org_id: &str, id: &str) -> Result<Option<Project>, sqlx::Error> {
        sqlx::query_as("SELECT id, org_id, name, created_at FROM projects WHERE id = $1 AND org_id = $2")
            .bind(id)
            .bind(org_id)
            .fetch_optional(self.pool())
            .await
    }

    pub async fn projects(&self, org_id: &str, page: Page) -> Result<(Vec<Project>, i64), sqlx::Error> {
        let rows = sqlx::query_as(
            "SELECT id, org_id, name, created_at FROM projects WHERE org_id = $1
             ORDER BY created_at DESC, id DESC LIMIT $2 OFFSET $3",
        )
        .bind(org_id)
        .bind(page.limit)
        .bind(page.offset)
        .fetch_all(self.pool())
        .await?;
        let total: (i64,) = sqlx::query_as("SELECT COUNT(*) FROM projects WHERE org_id = $1")
            .bind(org_id)
            .fetch_one(self.pool())
            .await?;
        Ok((rows, total.0))
    }

    pub async fn rename_project(&self, org_id: &str, id: &str, name: &str) -> Result<Option<Project>, sqlx::Error> {
        sqlx::query_as(
            "UPDATE projects SET name = $3 WHERE id = $1 AND org_id = $2 RETURNING id, org_id, name, created_at",
        )
        .bind(id)
        .bind(org_id)
        .bind(name)
        .fetch_optional(self.pool())
        .await
    }

    /// Delete a project and (by cascade) its videos, jobs and artifacts;
    /// returns the object keys to remove from the store.
    pub async fn delete_project(&self, org_id: &str, id: &str) -> Result<Option<Vec<String>>, sqlx::Error> {
        let mut tx = self.pool().begin().await?;
        let done = sqlx::query("UPDATE projects SET name = name WHERE id = $1 AND org_id = $2")
            .bind(id)
            .bind(org_id)
            .execute(&mut *tx)
            .await?;
        if done.rows_affected() == 0 {
            return Ok(None);
        }
        let mut keys: Vec<(String,)> = sqlx::query_as("SELECT object_key FROM videos WHERE project_id = $1")
            .bind(id)
            .fetch_all(&mut *tx)
            .await?;
        keys.extend(
            sqlx::query_as::<_, (String,)>("SELECT object_key FROM artifacts WHERE project_id = $1")
                .bind(id)
                .fetch_all(&mut *tx)
                .await?,
        );
        sqlx::query("DELETE FROM job_events WHERE job_id IN (SELECT id FROM jobs WHERE project_id = $1)")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM projects WHERE id = $1").bind(id).execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(Some(keys.into_iter().map(|k| k.0).collect()))
    }
}
