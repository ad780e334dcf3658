//! The HTTP API: routes, the layers around them (request timeouts, body
//! limits, metrics, tracing, panics caught), and the helpers handlers share.
//! Handlers hold no SQL and no media logic: they check the caller, call the
//! database module or queue a job, and answer a view.

mod accounts;
mod artifacts;
mod events;
pub mod extract;
mod jobs;
mod ops;
pub mod openapi;
mod projects;
mod uploads;
mod videos;
pub mod views;

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::{DefaultBodyLimit, MatchedPath, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, patch, post};
use axum::{Json, Router};
use serde::Serialize;

use crate::error::ApiError;
use crate::state::AppState;

/// Every route, ready to serve.
pub fn router(state: Arc<AppState>) -> Router {
    let limits = &state.config.limits;
    let json_limit = usize::try_from(limits.max_json_bytes).unwrap_or(usize::MAX);
    let upload_limit = usize::try_from(limits.max_upload_bytes).unwrap_or(usize::MAX);

    let api = Router::new()
        .route("/v1/auth/signup", post(accounts::signup))
        .route("/v1/auth/login", post(accounts::login))
        .route("/v1/auth/refresh", post(accounts::refresh))
        .route("/v1/auth/logout", post(accounts::logout))
        .route("/v1/auth/switch", post(accounts::switch))
        .route("/v1/me", get(accounts::me))
        .route("/v1/orgs", get(accounts::list_orgs).post(accounts::create_org))
        .route("/v1/orgs/{org_id}", get(accounts::get_org))
        .route("/v1/orgs/{org_id}/members", get(accounts::list_members).post(accounts::add_member))
        .route(
            "/v1/orgs/{org_id}/members/{user_id}",
            patch(accounts::update_member).delete(accounts::remove_member),
        )
        .route("/v1/orgs/{org_id}/api-keys", get(accounts::list_api_keys).post(accounts::create_api_key))
        .route("/v1/orgs/{org_id}/api-keys/{key_id}", axum::routing::delete(accounts::revoke_api_key))
        .route("/v1/projects", get(projects::list).post(projects::create))
        .route("/v1/projects/{project_id}", get(projects::get).patch(projects::rename).delete(projects::delete))
        .route("/v1/projects/{project_id}/videos", get(videos::list))
        .route("/v1/projects/{project_id}/uploads", post(uploads::create))
        .route("/v1/projects/{project_id}/jobs", post(jobs::create_in_project))
        .route("/v1/projects/{project_id}/artifacts", get(artifacts::list_in_project))
        .route("/v1/videos/{video_id}", get(videos::get).delete(videos::delete))
        .route("/v1/videos/{video_id}/content", get(videos::content))
        .route("/v1/videos/{video_id}/jobs", post(jobs::create_for_video).get(jobs::list_for_video))
        .route("/v1/uploads/{upload_id}", get(uploads::get).head(uploads::head))
        .route("/v1/uploads/{upload_id}/complete", post(uploads::complete))
        .route("/v1/jobs", get(jobs::list))
        .route("/v1/jobs/{job_id}", get(jobs::get))
        .route("/v1/jobs/{job_id}/cancel", post(jobs::cancel))
        .route("/v1/jobs/{job_id}/pause", post(jobs::pause))
        .route("/v1/jobs/{job_id}/resume", post(jobs::resume))
        .route("/v1/jobs/{job_id}/retry", post(jobs::retry))
        .route("/v1/jobs/{job_id}/artifacts", get(jobs::artifacts))
        .route("/v1/jobs/{job_id}/events", get(events::job_events))
        .route("/v1/events", get(events::org_events))
        .route("/v1/job-kinds", get(jobs::kinds))
        .route("/v1/artifacts/{artifact_id}", get(artifacts::get))
        .route("/v1/artifacts/{artifact_id}/content", get(artifacts::content))
        .layer(DefaultBodyLimit::max(json_limit))
        .layer(middleware::from_fn_with_state(
            Timeout(Duration::from_secs(limits.request_timeout_seconds)),
            timeout,
        ));

    // Uploads read large bodies: their own limit and a longer deadline.
    let uploads = Router::new()
        .route("/v1/projects/{project_id}/videos", post(videos::upload))
        .route("/v1/projects/{project_id}/files", post(artifacts::upload))
        .route("/v1/uploads/{upload_id}", patch(uploads::append))
        .route("/v1/probe", post(ops::probe))
        .layer(DefaultBodyLimit::max(upload_limit))
        .layer(middleware::from_fn_with_state(
            Timeout(Duration::from_secs(limits.upload_timeout_seconds)),
            timeout,
        ));

    let ops = Router::new()
        .route("/healthz", get(ops::healthz))
        .route("/readyz", get(ops::readyz))
        .route("/metrics", get(ops::metrics))
        .route("/openapi.json", get(openapi::document));

    finish(Router::new().merge(api).merge(uploads).merge(ops), state)
}

/// Health, readiness and metrics alone (a worker process's port).
pub fn ops_router(state: Arc<AppState>) -> Router {
    let ops = Router::new()
        .route("/healthz", get(ops::healthz))
        .route("/readyz", get(ops::readyz))
        .route("/metrics", get(ops::metrics));
    finish(ops, state)
}

/// Housekeeping: unfinished uploads past their expiry, events past their
/// retention.
pub async fn sweep(state: &AppState) {
    uploads::sweep_expired(state).await;
    let before = crate::db::now_ms() - (state.config.limits.event_retention_seconds as i64) * 1000;
    if let Err(e) = state.db.prune_events(before).await {
        tracing::warn!(error = %e, "could not prune old job events");
    }
}

fn finish(router: Router<Arc<AppState>>, state: Arc<AppState>) -> Router {
    router
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(middleware::from_fn(record_metrics))
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(panicked))
        .layer(
            tower_http::trace::TraceLayer::new_for_http().make_span_with(|req: &Request| {
                // The path only: WebSocket tokens may ride in the query.
                tracing::info_span!("http", method = %req.method(), path = %req.uri().path())
            }),
        )
        .with_state(state)
}

async fn not_found() -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, "not_found", "no such route")
}

async fn method_not_allowed() -> ApiError {
    ApiError::new(StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed", "this route does not take that method")
}

fn panicked(_: Box<dyn std::any::Any + Send + 'static>) -> Response {
    ApiError::internal("a handler panicked").into_response()
}

#[derive(Clone, Copy)]
struct Timeout(Duration);

/// Answer 408 (JSON) when a request takes longer than its deadline.
async fn timeout(State(Timeout(limit)): State<Timeout>, req: Request, next: Next) -> Response {
    match tokio::time::timeout(limit, next.run(req)).await {
        Ok(response) => response,
        Err(_) => ApiError::timeout(limit.as_secs()).into_response(),
    }
}

/// HTTP latency and counts by route template and status.
async fn record_metrics(req: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = req.method().to_string();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| "unmatched".into());
    let response = next.run(req).await;
    let status = response.status().as_u16().to_string();
    let labels = [("method", method), ("route", route), ("status", status)];
    metrics::histogram!(crate::metrics::HTTP_LATENCY, &labels).record(started.elapsed().as_secs_f64());
    metrics::counter!(crate::metrics::HTTP_REQUESTS, &labels).increment(1);
    response
}

/// A page of a list: a JSON array, the total in `X-Total-Count` and the
/// next page in `Link`.
pub fn list_response<T: Serialize>(items: Vec<T>, total: i64, page: crate::db::Page, next_base: &str) -> Response {
    let mut response = Json(items).into_response();
    let headers = response.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&total.to_string()) {
        headers.insert("x-total-count", v);
    }
    if page.offset + page.limit < total {
        let sep = if next_base.contains('?') { '&' } else { '?' };
        let link = format!("<{next_base}{sep}limit={}&offset={}>; rel=\"next\"", page.limit, page.offset + page.limit);
        if let Ok(v) = HeaderValue::from_str(&link) {
            headers.insert(axum::http::header::LINK, v);
        }
    }
    response
}

/// The base of URLs handed to clients: the configured public URL, else the
/// host the request came to.
pub fn base_url(state: &AppState, headers: &HeaderMap) -> String {
    if let Some(url) = &state.config.public_url {
        return url.trim_end_matches('/').to_owned();
    }
    let host = headers
        .get(axum::http::header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| !h.is_empty() && h.len() <= 255 && h.bytes().all(|b| b.is_ascii_alphanumeric() || b".-:[]".contains(&b)))
        .map(str::to_owned)
        .unwrap_or_else(|| state.config.addr.to_string());
    format!("http://{host}")
}

/// A client-supplied file name, refused when it is not a plain name
/// (no directories, no `..`, no control characters, at most 255 bytes).
pub fn file_name(raw: Option<&str>) -> Result<String, ApiError> {
    let name = raw.unwrap_or("").trim();
    if name.is_empty() {
        return Err(ApiError::invalid("filename", "the file needs a name"));
    }
    if name.len() > 255 || name.contains(['/', '\\']) || name == "." || name == ".." || name.chars().any(char::is_control) {
        return Err(ApiError::invalid(
            "filename",
            format!("{name:?} is not a plain file name (no directories, `..` or control characters; at most 255 bytes)"),
        ));
    }
    Ok(name.to_owned())
}

/// A display name (project, organisation, key): trimmed, 1–200 characters,
/// no control characters.
pub fn display_name(field: &str, raw: &str) -> Result<String, ApiError> {
    let name = raw.trim();
    let chars = name.chars().count();
    if chars == 0 || chars > 200 || name.chars().any(char::is_control) {
        return Err(ApiError::invalid(field, format!("`{field}` must be 1 to 200 characters without control characters")));
    }
    Ok(name.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_must_be_plain() {
        assert_eq!(file_name(Some("talk.mp4")).unwrap(), "talk.mp4");
        for bad in ["../../etc/passwd", "a/b.mp4", "C:\\x.mp4", "..", "", "a\u{0}b", &"x".repeat(256)] {
            let e = file_name(Some(bad)).unwrap_err();
            assert_eq!(e.status.as_u16(), 422, "{bad:?}");
        }
    }
}
