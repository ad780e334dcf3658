//! Projects.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;

use super::accounts::NameRequest;
use super::extract::{id, ApiJson, ApiQuery};
use super::views::{PageQuery, ProjectView};
use super::{display_name, list_response};
use crate::auth::{Caller, Role};
use crate::db::projects::Project;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// The caller's project `project_id`, or 404.
pub async fn find(state: &AppState, caller: &Caller, project_id: &str) -> ApiResult<Project> {
    id(project_id, "project")?;
    state.db.project(&caller.org_id, project_id).await?.ok_or_else(|| ApiError::not_found("project"))
}

#[utoipa::path(post, path = "/v1/projects", tag = "projects", request_body = NameRequest, security(("bearer" = [])),
    responses((status = 201, body = ProjectView), (status = 422, body = super::views::ErrorBody)))]
pub async fn create(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    ApiJson(body): ApiJson<NameRequest>,
) -> ApiResult<Response> {
    caller.require(Role::Editor)?;
    let name = display_name("name", &body.name)?;
    let project = state.db.create_project(&caller.org_id, &name).await?;
    Ok((StatusCode::CREATED, Json(ProjectView::from(project))).into_response())
}

#[utoipa::path(get, path = "/v1/projects", tag = "projects", params(PageQuery), security(("bearer" = [])),
    responses((status = 200, body = [ProjectView])))]
pub async fn list(State(state): State<Arc<AppState>>, caller: Caller, ApiQuery(q): ApiQuery<PageQuery>) -> ApiResult<Response> {
    let page = q.page()?;
    let (rows, total) = state.db.projects(&caller.org_id, page).await?;
    let views: Vec<ProjectView> = rows.into_iter().map(Into::into).collect();
    Ok(list_response(views, total, page, "/v1/projects"))
}

#[utoipa::path(get, path = "/v1/projects/{project_id}", tag = "projects", params(("project_id" = uuid::Uuid, Path)),
    security(("bearer" = [])), responses((status = 200, body = ProjectView), (status = 404, body = super::views::ErrorBody)))]
pub async fn get(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    Path(project_id): Path<String>,
) -> ApiResult<Json<ProjectView>> {
    Ok(Json(find(&state, &caller, &project_id).await?.into()))
}

#[utoipa::path(patch, path = "/v1/projects/{project_id}", tag = "projects", params(("project_id" = uuid::Uuid, Path)),
    request_body = NameRequest, security(("bearer" = [])), responses((status = 200, body = ProjectView)))]
pub async fn rename(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    Path(project_id): Path<String>,
    ApiJson(body): ApiJson<NameRequest>,
) -> ApiResult<Json<ProjectView>> {
    id(&project_id, "project")?;
    caller.require(Role::Editor)?;
    let name = display_name("name", &body.name)?;
    let project = state.db.rename_project(&caller.org_id, &project_id, &name).await?.ok_or_else(|| ApiError::not_found("project"))?;
    Ok(Json(project.into()))
}

/// Delete a project with its videos, jobs and files.
#[utoipa::path(delete, path = "/v1/projects/{project_id}", tag = "projects", params(("project_id" = uuid::Uuid, Path)),
    security(("bearer" = [])), responses((status = 204, description = "deleted"), (status = 404, body = super::views::ErrorBody)))]
pub async fn delete(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    Path(project_id): Path<String>,
) -> ApiResult<StatusCode> {
    id(&project_id, "project")?;
    caller.require(Role::Admin)?;
    let keys = state.db.delete_project(&caller.org_id, &project_id).await?.ok_or_else(|| ApiError::not_found("project"))?;
    state.store.delete_all(&keys).await;
    Ok(StatusCode::NO_CONTENT)
}
