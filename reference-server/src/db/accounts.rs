//! Users, organisations, memberships, refresh tokens and API keys.

use sqlx::FromRow;

use super::{new_id, now_ms, Db, Page};

#[derive(Debug, Clone, FromRow)]
pub struct User {
    pub id: String,
    pub email: String,
    pub password_hash: String,
    pub created_at: i64,
}

#[derive(Debug, Clone, FromRow)]
pub struct Organization {
    pub id: String,
    pub name: String,
    pub created_at: i64,
}

/// A member of an organisation, with the user's email.
#[derive(Debug, Clone, FromRow)]
pub struct Member {
    pub user_id: String,
    pub email: String,
    pub role: String,
    pub created_at: i64,
}

#[derive(Debug, Clone, FromRow)]
pub struct ApiKey {
    pub id: String,
    pub org_id: String,
    pub name: String,
    pub role: String,
    pub secret_sha256: String,
    pub created_by: Option<String>,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
    pub revoked_at: Option<i64>,
}

#[derive(Debug, Clone, FromRow)]
pub struct RefreshToken {
    pub id: String,
    pub user_id: String,
    pub org_id: String,
    pub expires_at: i64,
    pub revoked_at: Option<i64>,
}

impl Db {
    /// A user, their organisation and their `owner` membership, together.
    pub async fn create_account(
        &self,
        email: &str,
        password_hash: &str,
        org_name: &str,
    ) -> Result<(User, Organization), sqlx::Error> {
        let now = now_ms();
        let user = User { id: new_id(), email: email.to_owned(), password_hash: password_hash.to_owned(), created_at: now };
        let org = Organization { id: new_id(), name: org_name.to_owned(), created_at: now };
        let mut tx = self.pool().begin().await?;
        sqlx::query("INSERT INTO users (id, email, password_hash, created_at) VALUES ($1, $2, $3, $4)")
            .bind(&user.id)
            .bind(&user.email)
            .bind(&user.password_hash)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        sqlx::query("INSERT INTO organizations (id, name, created_at) VALUES ($1, $2, $3)")
            .bind(&org.id)
            .bind(&org.name)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        sqlx::query("INSERT INTO memberships (org_id, user_id, role, created_at) VALUES ($1, $2, 'owner', $3)")
            .bind(&org.id)
            .bind(&user.id)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok((user, org))
    }

    /// A new organisation owned by `user_id`.
    pub async fn create_organization(&self, user_id: &str, name: &str) -> Result<Organization, sqlx::Error> {
        let now = now_ms();
        let org = Organization { id: new_id(), name: name.to_owned(), created_at: now };
        let mut tx = self.pool().begin().await?;
        sqlx::query("INSERT INTO organizations (id, name, created_at) VALUES ($1, $2, $3)")
            .bind(&org.id)
            .bind(&org.name)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        sqlx::query("INSERT INTO memberships (org_id, user_id, role, created_at) VALUES ($1, $2, 'owner', $3)")
            .bind(&org.id)
            .bind(user_id)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(org)
    }

    pub async fn user_by_email(&self, email: &str) -> Result<Option<User>, sqlx::Error> {
        sqlx::query_as("SELECT id, email, password_hash, created_at FROM users WHERE email = $1")
            .bind(email)
            .fetch_optional(self.pool())
            .await
    }

    pub async fn user_by_id(&self, id: &str) -> Result<Option<User>, sqlx::Error> {
        sqlx::query_as("SELECT id, email, password_hash, created_at FROM users WHERE id = $1")
            .bind(id)
            .fetch_optional(self.pool())
            .await
    }

    pub async fn organization(&self, id: &str) -> Result<Option<Organization>, sqlx::Error> {
        sqlx::query_as("SELECT id, name, created_at FROM organizations WHERE id = $1")
            .bind(id)
            .fetch_optional(self.pool())
            .await
    }

    /// The user's role in the organisation, if a member.
    pub async fn role_of(&self, org_id: &str, user_id: &str) -> Result<Option<String>, sqlx::Error> {
        let row: Option<(String,)> = sqlx::query_as("SELECT role FROM memberships WHERE org_id = $1 AND user_id = $2")
            .bind(org_id)
            .bind(user_id)
            .fetch_optional(self.pool())
            .await?;
        Ok(row.map(|r| r.0))
    }

    /// The organisation a user signs in to by default: the oldest membership.
    pub async fn first_organization_of(&self, user_id: &str) -> Result<Option<String>, sqlx::Error> {
        let row: Option<(String,)> = sqlx::query_as(
            "SELECT org_id FROM memberships WHERE user_id = $1 ORDER BY created_at, org_id LIMIT 1",
        )
        .bind(user_id)
        .fetch_optional(self.pool())
        .await?;
        Ok(row.map(|r| r.0))
    }

    /// The organisations a user belongs to, with their role.
    pub async fn organizations_of(&self, user_id: &str, page: Page) -> Result<(Vec<(Organization, String)>, i64), sqlx::Error> {
        let rows: Vec<(String, String, i64, String)> = sqlx::query_as(
            "SELECT o.id, o.name, o.created_at, m.role FROM memberships m JOIN organizations o ON o.id = m.org_id
             WHERE m.user_id = $1 ORDER BY m.created_at, o.id LIMIT $2 OFFSET $3",
        )
        .bind(user_id)
        .bind(page.limit)
        .bind(page.offset)
        .fetch_all(self.pool())
        .await?;
        let total: (i64,) = sqlx::query_as("SELECT COUNT(*) FROM memberships WHERE user_id = $1")
            .bind(user_id)
            .fetch_one(self.pool())
            .await?;
        let orgs = rows.into_iter().map(|(id, name, created_at, role)| (Organization { id, name, created_at }, role)).collect();
        Ok((orgs, total.0))
    }

    pub async fn members(&self, org_id: &str, page: Page) -> Result<(Vec<Member>, i64), sqlx::Error> {
        let rows = sqlx::query_as(
            "SELECT m.user_id, u.email, m.role, m.created_at FROM memberships m JOIN users u ON u.id = m.user_id
             WHERE m.org_id = $1 ORDER BY m.created_at, m.user_id LIMIT $2 OFFSET $3",
        )
        .bind(org_id)
        .bind(page.limit)
        .bind(page.offset)
        .fetch_all(self.pool())
        .await?;
        let total: (i64,) = sqlx::query_as("SELECT COUNT(*) FROM memberships WHERE org_id = $1")
            .bind(org_id)
            .fetch_one(self.pool())
            .await?;
        Ok((rows, total.0))
    }

    pub async fn add_member(&self, org_id: &str, user_id: &str, role: &str) -> Result<(), sqlx::Error> {
        sqlx::query("INSERT INTO memberships (org_id, user_id, role, created_at) VALUES ($1, $2, $3, $4)")
            .bind(org_id)
            .bind(user_id)
            .bind(role)
            .bind(now_ms())
            .execute(self.pool())
            .await
            .map(|_| ())
    }

    pub async fn set_member_role(&self, org_id: &str, user_id: &str, role: &str) -> Result<bool, sqlx::Error> {
        let done = sqlx::query("UPDATE memberships SET role = $3 WHERE org_id = $1 AND user_id = $2")
            .bind(org_id)
            .bind(user_id)
            .bind(role)
            .execute(self.pool())
            .await?;
        Ok(done.rows_affected() == 1)
    }

    pub async fn remove_member(&self, org_id: &str, user_id: &str) -> Result<bool, sqlx::Error> {
        let done = sqlx::query("DELETE FROM memberships WHERE org_id = $1 AND user_id = $2")
            .bind(org_id)
            .bind(user_id)
            .execute(self.pool())
            .await?;
        Ok(done.rows_affected() == 1)
    }

    pub async fn count_owners(&self, org_id: &str) -> Result<i64, sqlx::Error> {
        let n: (i64,) = sqlx::query_as("SELECT COUNT(*) FROM memberships WHERE org_id = $1 AND role = 'owner'")
            .bind(org_id)
            .fetch_one(self.pool())
            .await?;
        Ok(n.0)
    }

    // ---- refresh tokens --------------------------------------------------

    pub async fn insert_refresh_token(&self, id: &str, user_id: &str, org_id: &str, expires_at: i64) -> Result<(), sqlx::Error> {
        sqlx::query("INSERT INTO refresh_tokens (id, user_id, org_id, expires_at, created_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(id)
            .bind(user_id)
            .bind(org_id)
            .bind(expires_at)
            .bind(now_ms())
            .execute(self.pool())
            .await
            .map(|_| ())
    }

    /// Revoke a refresh token; `false` when it was unknown or already used
    /// (a replayed token).
    pub async fn revoke_refresh_token(&self, id: &str) -> Result<Option<RefreshToken>, sqlx::Error> {
        sqlx::query_as(
            "UPDATE refresh_tokens SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL
             RETURNING id, user_id, org_id, expires_at, revoked_at",
        )
        .bind(id)
        .bind(now_ms())
        .fetch_optional(self.pool())
        .await
    }

    /// Revoke every refresh token of a user (after a replay was detected).
    pub async fn revoke_all_refresh_tokens(&self, user_id: &str) -> Result<(), sqlx::Error> {
        sqlx::query("UPDATE refresh_tokens SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL")
            .bind(user_id)
            .bind(now_ms())
            .execute(self.pool())
            .await
            .map(|_| ())
    }

    pub async fn refresh_token(&self, id: &str) -> Result<Option<RefreshToken>, sqlx::Error> {
        sqlx::query_as("SELECT id, user_id, org_id, expires_at, revoked_at FROM refresh_tokens WHERE id = $1")
            .bind(id)
            .fetch_optional(self.pool())
            .await
    }

    // ---- API keys --------------------------------------------------------

    pub async fn insert_api_key(&self, key: &ApiKey) -> Result<(), sqlx::Error> {
        sqlx::query(
            "INSERT INTO api_keys (id, org_id, name, role, secret_sha256, created_by, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(&key.id)
        .bind(&key.org_id)
        .bind(&key.name)
        .bind(&key.role)
        .bind(&key.secret_sha256)
        .bind(&key.created_by)
        .bind(key.created_at)
        .execute(self.pool())
        .await
        .map(|_| ())
    }

    pub async fn api_key(&self, id: &str) -> Result<Option<ApiKey>, sqlx::Error> {
        sqlx::query_as(
            "SELECT id, org_id, name, role, secret_sha256, created_by, created_at, last_used_at, revoked_at
             FROM api_keys WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(self.pool())
        .await
    }

    pub async fn api_keys(&self, org_id: &str, page: Page) -> Result<(Vec<ApiKey>, i64), sqlx::Error> {
        let rows = sqlx::query_as(
            "SELECT id, org_id, name, role, secret_sha256, created_by, created_at, last_used_at, revoked_at
             FROM api_keys WHERE org_id = $1 ORDER BY created_at, id LIMIT $2 OFFSET $3",
        )
        .bind(org_id)
        .bind(page.limit)
        .bind(page.offset)
        .fetch_all(self.pool())
        .await?;
        let total: (i64,) = sqlx::query_as("SELECT COUNT(*) FROM api_keys WHERE org_id = $1")
            .bind(org_id)
            .fetch_one(self.pool())
            .await?;
        Ok((rows, total.0))
    }

    /// Note a key's use (at most once a minute, to spare the database).
    pub async fn touch_api_key(&self, id: &str) -> Result<(), sqlx::Error> {
        let now = now_ms();
        sqlx::query("UPDATE api_keys SET last_used_at = $2 WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < $3)")
            .bind(id)
            .bind(now)
            .bind(now - 60_000)
            .execute(self.pool())
            .await
            .map(|_| ())
    }

    pub async fn revoke_api_key(&self, org_id: &str, id: &str) -> Result<bool, sqlx::Error> {
        let done = sqlx::query("UPDATE api_keys SET revoked_at = $3 WHERE id = $1 AND org_id = $2 AND revoked_at IS NULL")
            .bind(id)
            .bind(org_id)
            .bind(now_ms())
            .execute(self.pool())
            .await?;
        Ok(done.rows_affected() == 1)
    }
}
