//! Who is calling: a user with an access token, or a machine with an
//! organisation's API key — always acting in exactly one organisation with
//! one role. Every handler that touches data takes a [`Caller`] and scopes
//! its queries by `caller.org_id`.

pub mod keys;
pub mod password;
pub mod tokens;

use std::sync::Arc;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use serde::{Deserialize, Serialize};

use crate::error::ApiError;
use crate::state::AppState;

/// Roles in an organisation, weakest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Reads everything.
    Viewer,
    /// Also creates projects, uploads videos and runs jobs.
    Editor,
    /// Also deletes, manages API keys and members.
    Admin,
    /// Also manages owners and admins.
    Owner,
}

impl Role {
    pub const ALL: &'static [Role] = &[Role::Viewer, Role::Editor, Role::Admin, Role::Owner];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Viewer => "viewer",
            Role::Editor => "editor",
            Role::Admin => "admin",
            Role::Owner => "owner",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.iter().copied().find(|r| r.as_str() == s)
    }
}

/// The authenticated principal of a request.
#[derive(Debug, Clone)]
pub struct Caller {
    pub org_id: String,
    /// The user, for token callers.
    pub user_id: Option<String>,
    /// The key, for API-key callers.
    pub api_key_id: Option<String>,
    pub role: Role,
}

impl Caller {
    /// `Err(403)` unless the caller's role is at least `role`.
    pub fn require(&self, role: Role) -> Result<(), ApiError> {
        if self.role >= role {
            Ok(())
        } else {
            Err(ApiError::forbidden(format!(
                "this needs the `{}` role; the caller has `{}`",
                role.as_str(),
                self.role.as_str()
            )))
        }
    }

    /// Who to record as a creator.
    pub fn actor(&self) -> String {
        match (&self.user_id, &self.api_key_id) {
            (Some(user), _) => format!("user:{user}"),
            (None, Some(key)) => format!("key:{key}"),
            _ => "unknown".into(),
        }
    }
}

/// The bearer credential of a request: the `Authorization` header, or for
/// WebSocket upgrades (browsers cannot set headers there) `?access_token=`.
fn bearer(parts: &Parts) -> Option<String> {
    if let Some(value) = parts.headers.get(axum::http::header::AUTHORIZATION) {
        let value = value.to_str().ok()?;
        let (scheme, token) = value.split_once(' ')?;
        return scheme.eq_ignore_ascii_case("bearer").then(|| token.trim().to_owned());
    }
    let is_upgrade = parts
        .headers
        .get(axum::http::header::UPGRADE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("websocket"));
    if is_upgrade {
        let query = parts.uri.query()?;
        return url::form_urlencoded::parse(query.as_bytes())
            .find(|(k, _)| k == "access_token")
            .map(|(_, v)| v.into_owned());
    }
    None
}

impl FromRequestParts<Arc<AppState>> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &Arc<AppState>) -> Result<Self, Self::Rejection> {
        let token = bearer(parts)
            .ok_or_else(|| ApiError::unauthorized("send `Authorization: Bearer TOKEN` (an access token or an API key)"))?;
        if let Some(key) = keys::parse(&token) {
            return keys::authenticate(&state.db, &key).await;
        }
        let claims = state
            .tokens
            .verify(&token, tokens::ACCESS)
            .map_err(|e| ApiError::unauthorized(e.to_string()))?;
        let role = state
            .db
            .role_of(&claims.org, &claims.sub)
            .await?
            .and_then(|r| Role::parse(&r))
            .ok_or_else(|| ApiError::unauthorized("the token's user is no longer a member of its organization"))?;
        Ok(Caller { org_id: claims.org, user_id: Some(claims.sub), api_key_id: None, role })
    }
}

#[cfg(test)]
mod tests {
    use super::Role;

    #[test]
    fn roles_are_ordered_weakest_first() {
        assert!(Role::Viewer < Role::Editor && Role::Editor < Role::Admin && Role::Admin < Role::Owner);
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(*role));
        }
        assert_eq!(Role::parse("root"), None);
    }
}
