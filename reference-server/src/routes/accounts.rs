//! Sign-up, sign-in, token refresh, organisations, members and API keys.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use utoipa::ToSchema;

use super::extract::{id, ApiJson, ApiQuery};
use super::views::{time, ApiKeyView, MeView, MemberView, OrganizationView, PageQuery, TokenPair};
use super::{display_name, list_response};
use crate::auth::{keys, password, tokens, Caller, Role};
use crate::db::accounts::ApiKey;
use crate::db::{new_id, now_ms};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignupRequest {
    #[schema(format = Email, max_length = 254)]
    pub email: String,
    /// 8 characters to 256 bytes.
    #[schema(min_length = 8, max_length = 64)]
    pub password: String,
    /// Name of the organisation the new user owns.
    #[schema(min_length = 1, max_length = 200, pattern = "\\S")]
    pub organization: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    pub email: String,
    pub password: String,
    /// Sign in to this organisation (default: the user's first).
    #[serde(default)]
    pub organization_id: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RefreshRequest {
    pub refresh_token: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SwitchRequest {
    #[schema(value_type = uuid::Uuid)]
    pub organization_id: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NameRequest {
    #[schema(min_length = 1, max_length = 200, pattern = "\\S")]
    pub name: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AddMemberRequest {
    /// An existing user's email.
    #[schema(format = Email, max_length = 254)]
    pub email: String,
    pub role: Role,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RoleRequest {
    pub role: Role,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateKeyRequest {
    #[schema(min_length = 1, max_length = 200, pattern = "\\S")]
    pub name: String,
    /// At most the creator's own role (default `editor`).
    #[serde(default)]
    pub role: Option<Role>,
}

fn email(raw: &str) -> ApiResult<String> {
    let email = raw.trim().to_ascii_lowercase();
    let valid = email.len() >= 3
        && email.len() <= 254
        && !email.chars().any(|c| c.is_whitespace() || c.is_control())
        && email.split_once('@').is_some_and(|(local, domain)| !local.is_empty() && !domain.is_empty() && !domain.contains('@'));
    if valid {
        Ok(email)
    } else {
        Err(ApiError::invalid("email", "`email` is not an email address"))
    }
}

fn check_password(p: &str) -> ApiResult<()> {
    if p.chars().count() < password::MIN_PASSWORD_CHARS || p.len() > password::MAX_PASSWORD_BYTES {
        return Err(ApiError::invalid(
            "password",
            format!(
                "`password` must be {} characters to {} bytes long",
                password::MIN_PASSWORD_CHARS,
                password::MAX_PASSWORD_BYTES
            ),
        ));
    }
    Ok(())
}

/// Hash on a blocking thread: Argon2 is deliberately slow.
async fn hash(p: String) -> ApiResult<String> {
    tokio::task::spawn_blocking(move || password::hash(&p)).await.map_err(ApiError::internal)?.map_err(ApiError::internal)
}

async fn verify(p: String, stored: String) -> ApiResult<bool> {
    tokio::task::spawn_blocking(move || password::verify(&p, &stored)).await.map_err(ApiError::internal)
}

async fn issue(state: &AppState, user: &str, org: &str) -> ApiResult<TokenPair> {
    let (access, _) = state.tokens.issue(tokens::ACCESS, user, org, &new_id());
    let refresh_id = new_id();
    let (refresh, claims) = state.tokens.issue(tokens::REFRESH, user, org, &refresh_id);
    state.db.insert_refresh_token(&refresh_id, user, org, (claims.exp as i64) * 1000).await?;
    Ok(TokenPair {
        access_token: access,
        refresh_token: refresh,
        token_type: "Bearer".into(),
        expires_in: state.tokens.access_seconds,
        organization_id: org.to_owned(),
        user_id: user.to_owned(),
    })
}

/// Create a user and the organisation they own.
#[utoipa::path(post, path = "/v1/auth/signup", tag = "auth", request_body = SignupRequest,
    responses((status = 201, body = TokenPair), (status = 409, description = "email taken", body = super::views::ErrorBody),
              (status = 422, description = "invalid field", body = super::views::ErrorBody)))]
pub async fn signup(State(state): State<Arc<AppState>>, ApiJson(body): ApiJson<SignupRequest>) -> ApiResult<Response> {
    let email = email(&body.email)?;
    check_password(&body.password)?;
    let org_name = display_name("organization", &body.organization)?;
    if state.db.user_by_email(&email).await?.is_some() {
        return Err(ApiError::conflict("email_taken", "a user with this email exists"));
    }
    let hashed = hash(body.password).await?;
    let (user, org) = match state.db.create_account(&email, &hashed, &org_name).await {
        Ok(created) => created,
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
            return Err(ApiError::conflict("email_taken", "a user with this email exists"))
        }
        Err(e) => return Err(e.into()),
    };
    let pair = issue(&state, &user.id, &org.id).await?;
    Ok((StatusCode::CREATED, Json(pair)).into_response())
}

/// Sign in with email and password.
#[utoipa::path(post, path = "/v1/auth/login", tag = "auth", request_body = LoginRequest,
    responses((status = 200, body = TokenPair), (status = 401, description = "wrong email or password", body = super::views::ErrorBody)))]
pub async fn login(State(state): State<Arc<AppState>>, ApiJson(body): ApiJson<LoginRequest>) -> ApiResult<Json<TokenPair>> {
    let wrong = || ApiError::new(StatusCode::UNAUTHORIZED, "invalid_credentials", "wrong email or password");
    if body.password.len() > password::MAX_PASSWORD_BYTES {
        return Err(wrong());
    }
    let email = body.email.trim().to_ascii_lowercase();
    let user = state.db.user_by_email(&email).await?;
    let stored = user.as_ref().map(|u| u.password_hash.clone()).unwrap_or_else(|| password::decoy().to_owned());
    let matches = verify(body.password, stored).await?;
    let user = match user {
        Some(u) if matches => u,
        _ => return Err(wrong()),
    };
    let org = match &body.organization_id {
        Some(org) => {
            let member = crate::db::is_id(org) && state.db.role_of(org, &user.id).await?.is_some();
            if !member {
                return Err(ApiError::forbidden("the user is not a member of that organization"));
            }
            org.clone()
        }
        None => state
            .db
            .first_organization_of(&user.id)
            .await?
            .ok_or_else(|| ApiError::forbidden("the user belongs to no organization"))?,
    };
    Ok(Json(issue(&state, &user.id, &org).await?))
}

/// Exchange a refresh token (single use) for a new pair.
#[utoipa::path(post, path = "/v1/auth/refresh", tag = "auth", request_body = RefreshRequest,
    responses((status = 200, body = TokenPair), (status = 401, body = super::views::ErrorBody)))]
pub async fn refresh(State(state): State<Arc<AppState>>, ApiJson(body): ApiJson<RefreshRequest>) -> ApiResult<Json<TokenPair>> {
    let claims = state
        .tokens
        .verify(&body.refresh_token, tokens::REFRESH)
        .map_err(|e| ApiError::unauthorized(e.to_string()))?;
    if state.db.revoke_refresh_token(&claims.jti).await?.is_none() {
        // A used or revoked token presented again: someone has a copy.
        state.db.revoke_all_refresh_tokens(&claims.sub).await?;
        return Err(ApiError::unauthorized("the refresh token was already used; sign in again"));
    }
    if state.db.role_of(&claims.org, &claims.sub).await?.is_none() {
        return Err(ApiError::unauthorized("the user is no longer a member of the organization"));
    }
    Ok(Json(issue(&state, &claims.sub, &claims.org).await?))
}

/// Revoke a refresh token.
#[utoipa::path(post, path = "/v1/auth/logout", tag = "auth", request_body = RefreshRequest,
    responses((status = 204, description = "revoked"), (status = 401, body = super::views::ErrorBody)))]
pub async fn logout(State(state): State<Arc<AppState>>, ApiJson(body): ApiJson<RefreshRequest>) -> ApiResult<StatusCode> {
    let claims = state
        .tokens
        .verify(&body.refresh_token, tokens::REFRESH)
        .map_err(|e| ApiError::unauthorized(e.to_string()))?;
    state.db.revoke_refresh_token(&claims.jti).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Tokens for another organisation the user belongs to.
#[utoipa::path(post, path = "/v1/auth/switch", tag = "auth", request_body = SwitchRequest, security(("bearer" = [])),
    responses((status = 200, body = TokenPair), (status = 403, body = super::views::ErrorBody)))]
pub async fn switch(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    ApiJson(body): ApiJson<SwitchRequest>,
) -> ApiResult<Json<TokenPair>> {
    let user = caller.user_id.clone().ok_or_else(|| ApiError::forbidden("API keys belong to one organization"))?;
    let member = crate::db::is_id(&body.organization_id) && state.db.role_of(&body.organization_id, &user).await?.is_some();
    if !member {
        return Err(ApiError::forbidden("the user is not a member of that organization"));
    }
    Ok(Json(issue(&state, &user, &body.organization_id).await?))
}

/// Who the caller is, in which organisation, with which role.
#[utoipa::path(get, path = "/v1/me", tag = "auth", security(("bearer" = [])), responses((status = 200, body = MeView)))]
pub async fn me(State(state): State<Arc<AppState>>, caller: Caller) -> ApiResult<Json<MeView>> {
    let org = state.db.organization(&caller.org_id).await?.ok_or_else(|| ApiError::not_found("organization"))?;
    let email = match &caller.user_id {
        Some(user) => state.db.user_by_id(user).await?.map(|u| u.email),
        None => None,
    };
    Ok(Json(MeView {
        organization_id: org.id,
        organization_name: org.name,
        role: caller.role,
        user_id: caller.user_id,
        email,
        api_key_id: caller.api_key_id,
    }))
}

/// The organisations the caller belongs to.
#[utoipa::path(get, path = "/v1/orgs", tag = "organizations", params(PageQuery), security(("bearer" = [])),
    responses((status = 200, body = [OrganizationView])))]
pub async fn list_orgs(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> ApiResult<Response> {
    let page = q.page()?;
    let Some(user) = &caller.user_id else {
        let org = state.db.organization(&caller.org_id).await?.ok_or_else(|| ApiError::not_found("organization"))?;
        let view = OrganizationView { id: org.id, name: org.name, role: caller.role, created_at: time(org.created_at) };
        return Ok(list_response(vec![view], 1, page, "/v1/orgs"));
    };
    let (orgs, total) = state.db.organizations_of(user, page).await?;
    let views: Vec<OrganizationView> = orgs
        .into_iter()
        .map(|(o, role)| OrganizationView {
            id: o.id,
            name: o.name,
            role: Role::parse(&role).unwrap_or(Role::Viewer),
            created_at: time(o.created_at),
        })
        .collect();
    Ok(list_response(views, total, page, "/v1/orgs"))
}

/// A new organisation owned by the caller (sign in to it with `/v1/auth/switch`).
#[utoipa::path(post, path = "/v1/orgs", tag = "organizations", request_body = NameRequest, security(("bearer" = [])),
    responses((status = 201, body = OrganizationView)))]
pub async fn create_org(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    ApiJson(body): ApiJson<NameRequest>,
) -> ApiResult<Response> {
    let user = caller.user_id.clone().ok_or_else(|| ApiError::forbidden("API keys cannot create organizations"))?;
    let name = display_name("name", &body.name)?;
    let org = state.db.create_organization(&user, &name).await?;
    let view = OrganizationView { id: org.id, name: org.name, role: Role::Owner, created_at: time(org.created_at) };
    Ok((StatusCode::CREATED, Json(view)).into_response())
}

/// The caller's organisation (any other id is not found).
fn own_org(caller: &Caller, org_id: &str) -> ApiResult<()> {
    id(org_id, "organization")?;
    if caller.org_id != org_id {
        return Err(ApiError::not_found("organization"));
    }
    Ok(())
}

#[utoipa::path(get, path = "/v1/orgs/{org_id}", tag = "organizations", params(("org_id" = uuid::Uuid, Path)),
    security(("bearer" = [])), responses((status = 200, body = OrganizationView), (status = 404, body = super::views::ErrorBody)))]
pub async fn get_org(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    Path(org_id): Path<String>,
) -> ApiResult<Json<OrganizationView>> {
    own_org(&caller, &org_id)?;
    let org = state.db.organization(&org_id).await?.ok_or_else(|| ApiError::not_found("organization"))?;
    Ok(Json(OrganizationView { id: org.id, name: org.name, role: caller.role, created_at: time(org.created_at) }))
}

#[utoipa::path(get, path = "/v1/orgs/{org_id}/members", tag = "organizations", params(("org_id" = uuid::Uuid, Path), PageQuery),
    security(("bearer" = [])), responses((status = 200, body = [MemberView])))]
pub async fn list_members(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    Path(org_id): Path<String>,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> ApiResult<Response> {
    own_org(&caller, &org_id)?;
    let page = q.page()?;
    let (members, total) = state.db.members(&org_id, page).await?;
    let views: Vec<MemberView> = members.into_iter().map(Into::into).collect();
    Ok(list_response(views, total, page, &format!("/v1/orgs/{org_id}/members")))
}

/// Only owners grant or change `owner` and `admin`.
fn may_grant(caller: &Caller, role: Role) -> ApiResult<()> {
    caller.require(Role::Admin)?;
    if role >= Role::Admin {
        caller.require(Role::Owner)?;
    }
    Ok(())
}

/// Add an existing user to the organisation.
#[utoipa::path(post, path = "/v1/orgs/{org_id}/members", tag = "organizations", params(("org_id" = uuid::Uuid, Path)),
    request_body = AddMemberRequest, security(("bearer" = [])),
    responses((status = 201, body = MemberView), (status = 404, body = super::views::ErrorBody), (status = 409, body = super::views::ErrorBody)))]
pub async fn add_member(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    Path(org_id): Path<String>,
    ApiJson(body): ApiJson<AddMemberRequest>,
) -> ApiResult<Response> {
    own_org(&caller, &org_id)?;
    may_grant(&caller, body.role)?;
    let email = email(&body.email)?;
    let user = state.db.user_by_email(&email).await?.ok_or_else(|| ApiError::not_found("user with that email"))?;
    if state.db.role_of(&org_id, &user.id).await?.is_some() {
        return Err(ApiError::conflict("already_member", "the user is already a member"));
    }
    state.db.add_member(&org_id, &user.id, body.role.as_str()).await?;
    let view = MemberView { user_id: user.id, email: user.email, role: body.role, created_at: time(now_ms()) };
    Ok((StatusCode::CREATED, Json(view)).into_response())
}

#[utoipa::path(patch, path = "/v1/orgs/{org_id}/members/{user_id}", tag = "organizations",
    params(("org_id" = uuid::Uuid, Path), ("user_id" = uuid::Uuid, Path)), request_body = RoleRequest, security(("bearer" = [])),
    responses((status = 204, description = "changed"), (status = 404, body = super::views::ErrorBody)))]
pub async fn update_member(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    Path((org_id, user_id)): Path<(String, String)>,
    ApiJson(body): ApiJson<RoleRequest>,
) -> ApiResult<StatusCode> {
    own_org(&caller, &org_id)?;
    id(&user_id, "member")?;
    let current = state.db.role_of(&org_id, &user_id).await?.and_then(|r| Role::parse(&r)).ok_or_else(|| ApiError::not_found("member"))?;
    may_grant(&caller, body.role.max(current))?;
    if current == Role::Owner && body.role != Role::Owner && state.db.count_owners(&org_id).await? <= 1 {
        return Err(ApiError::conflict("last_owner", "an organization keeps at least one owner"));
    }
    state.db.set_member_role(&org_id, &user_id, body.role.as_str()).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(delete, path = "/v1/orgs/{org_id}/members/{user_id}", tag = "organizations",
    params(("org_id" = uuid::Uuid, Path), ("user_id" = uuid::Uuid, Path)), security(("bearer" = [])),
    responses((status = 204, description = "removed"), (status = 404, body = super::views::ErrorBody)))]
pub async fn remove_member(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    Path((org_id, user_id)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    own_org(&caller, &org_id)?;
    id(&user_id, "member")?;
    let current = state.db.role_of(&org_id, &user_id).await?.and_then(|r| Role::parse(&r)).ok_or_else(|| ApiError::not_found("member"))?;
    may_grant(&caller, current)?;
    if current == Role::Owner && state.db.count_owners(&org_id).await? <= 1 {
        return Err(ApiError::conflict("last_owner", "an organization keeps at least one owner"));
    }
    state.db.remove_member(&org_id, &user_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/v1/orgs/{org_id}/api-keys", tag = "organizations", params(("org_id" = uuid::Uuid, Path), PageQuery),
    security(("bearer" = [])), responses((status = 200, body = [ApiKeyView])))]
pub async fn list_api_keys(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    Path(org_id): Path<String>,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> ApiResult<Response> {
    own_org(&caller, &org_id)?;
    caller.require(Role::Admin)?;
    let page = q.page()?;
    let (rows, total) = state.db.api_keys(&org_id, page).await?;
    let views: Vec<ApiKeyView> = rows.into_iter().map(Into::into).collect();
    Ok(list_response(views, total, page, &format!("/v1/orgs/{org_id}/api-keys")))
}

/// A new API key; the response is the only time its secret is shown.
#[utoipa::path(post, path = "/v1/orgs/{org_id}/api-keys", tag = "organizations", params(("org_id" = uuid::Uuid, Path)),
    request_body = CreateKeyRequest, security(("bearer" = [])), responses((status = 201, body = ApiKeyView)))]
pub async fn create_api_key(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    Path(org_id): Path<String>,
    ApiJson(body): ApiJson<CreateKeyRequest>,
) -> ApiResult<Response> {
    own_org(&caller, &org_id)?;
    caller.require(Role::Admin)?;
    let role = body.role.unwrap_or(Role::Editor);
    if role > caller.role {
        return Err(ApiError::forbidden("a key cannot have a stronger role than its creator"));
    }
    let name = display_name("name", &body.name)?;
    let key_id = new_id();
    let (token, digest) = keys::generate(&key_id);
    let row = ApiKey {
        id: key_id,
        org_id: org_id.clone(),
        name,
        role: role.as_str().into(),
        secret_sha256: digest,
        created_by: Some(caller.actor()),
        created_at: now_ms(),
        last_used_at: None,
        revoked_at: None,
    };
    state.db.insert_api_key(&row).await?;
    let mut view = ApiKeyView::from(row);
    view.key = Some(token);
    Ok((StatusCode::CREATED, Json(view)).into_response())
}

#[utoipa::path(delete, path = "/v1/orgs/{org_id}/api-keys/{key_id}", tag = "organizations",
    params(("org_id" = uuid::Uuid, Path), ("key_id" = uuid::Uuid, Path)), security(("bearer" = [])),
    responses((status = 204, description = "revoked"), (status = 404, body = super::views::ErrorBody)))]
pub async fn revoke_api_key(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    Path((org_id, key_id)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    own_org(&caller, &org_id)?;
    caller.require(Role::Admin)?;
    id(&key_id, "API key")?;
    if !state.db.revoke_api_key(&org_id, &key_id).await? {
        return Err(ApiError::not_found("API key"));
    }
    Ok(StatusCode::NO_CONTENT)
}
