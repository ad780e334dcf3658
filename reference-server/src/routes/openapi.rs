//! The OpenAPI 3.1 document, generated from the handlers' annotations
//! (`utoipa`) and served at `/openapi.json`.

use axum::Json;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use super::{accounts, artifacts, events, jobs, ops, projects, uploads, videos, views};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "reelkit reference server",
        description = "Multi-tenant HTTP API over the reelkit engine: projects, videos, durable jobs of every core kind, artifacts, live events. Errors are `{\"error\": {\"code\", \"message\"}}`; lists are JSON arrays with `X-Total-Count` and a `Link` to the next page."
    ),
    paths(
        accounts::signup, accounts::login, accounts::refresh, accounts::logout, accounts::switch, accounts::me,
        accounts::list_orgs, accounts::create_org, accounts::get_org, accounts::list_members, accounts::add_member,
        accounts::update_member, accounts::remove_member, accounts::list_api_keys, accounts::create_api_key,
        accounts::revoke_api_key,
        projects::create, projects::list, projects::get, projects::rename, projects::delete,
        videos::upload, videos::list, videos::get, videos::content, videos::delete,
        uploads::create, uploads::get, uploads::head, uploads::append, uploads::complete,
        jobs::create_for_video, jobs::create_in_project, jobs::list, jobs::list_for_video, jobs::get,
        jobs::cancel, jobs::pause, jobs::resume, jobs::retry, jobs::artifacts, jobs::kinds,
        events::job_events, events::org_events,
        artifacts::upload, artifacts::list_in_project, artifacts::get, artifacts::content,
        ops::healthz, ops::readyz, ops::metrics, ops::probe,
    ),
    components(schemas(views::ErrorBody, views::ErrorView)),
    modifiers(&BearerAuth),
    tags(
        (name = "auth", description = "Sign-up, sign-in and tokens"),
        (name = "organizations", description = "Organisations, members and API keys"),
        (name = "projects"), (name = "videos"), (name = "uploads", description = "Resumable and presigned uploads"),
        (name = "jobs", description = "Jobs of every core kind"), (name = "events", description = "SSE and WebSocket"),
        (name = "artifacts"), (name = "operations"),
    )
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT access token or API key (rk_...)")
                    .build(),
            ),
        );
    }
}

/// The document, built once.
pub fn document_value() -> serde_json::Value {
    static DOC: std::sync::OnceLock<serde_json::Value> = std::sync::OnceLock::new();
    DOC.get_or_init(|| serde_json::to_value(ApiDoc::openapi()).unwrap_or_default()).clone()
}

pub async fn document() -> Json<serde_json::Value> {
    Json(document_value())
}
