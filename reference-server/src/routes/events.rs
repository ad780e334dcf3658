//! Live job events, read from the database so that any API process serves
//! the events any worker wrote: `GET /v1/jobs/{id}/events` (Server-Sent
//! Events: `event: state|progress`, `id: SEQ`, JSON data; `Last-Event-ID`
//! resumes; the stream ends after the job's final state) and the
//! organisation-wide WebSocket `GET /v1/events` (one JSON message per
//! event, `?after=SEQ` to replay).

use std::collections::BTreeSet;
use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures_util::Stream;
use serde::Deserialize;
use serde_json::{json, Value};
use utoipa::IntoParams;

use super::extract::ApiQuery;
use crate::auth::Caller;
use crate::db::events::{EventScope, JobEvent};
use crate::db::{now_ms, Db};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

const POLL: Duration = Duration::from_millis(200);
/// Events older than this are taken as committed: a sequence gap this old
/// is a rolled-back write, not one still in flight.
const SETTLE_MS: i64 = 2_000;

/// Reads a scope's events in sequence order, each once, even when
/// concurrent writers commit out of sequence order.
struct Cursor {
    db: Db,
    scope: EventScope,
    /// Every event at or below this is delivered or never will be.
    settled: i64,
    delivered: BTreeSet<i64>,
}

impl Cursor {
    fn new(db: Db, scope: EventScope, after: i64) -> Self {
        Self { db, scope, settled: after, delivered: BTreeSet::new() }
    }

    async fn next_batch(&mut self) -> Result<Vec<JobEvent>, sqlx::Error> {
        let rows = self.db.events_after(&self.scope, self.settled, 500).await?;
        let now = now_ms();
        let mut fresh = Vec::new();
        let mut settled = self.settled;
        let mut gap = false;
        for row in rows {
            if row.seq != settled + 1 {
                gap = true;
            }
            if !gap || row.created_at < now - SETTLE_MS {
                settled = settled.max(row.seq);
            } else {
                gap = true;
            }
            if self.delivered.insert(row.seq) {
                fresh.push(row);
            }
        }
        self.settled = settled;
        let keep = self.delivered.split_off(&(settled + 1));
        self.delivered = keep;
        Ok(fresh)
    }
}

fn is_final(event: &JobEvent) -> bool {
    event.event == "state"
        && serde_json::from_str::<Value>(&event.data).ok().and_then(|d| d.get("state").and_then(Value::as_str).map(str::to_owned))
            .is_some_and(|s| ["succeeded", "failed", "cancelled"].contains(&s.as_str()))
}

/// The job's events as SSE, from the start (or after `Last-Event-ID`).
#[utoipa::path(get, path = "/v1/jobs/{job_id}/events", tag = "events", params(("job_id" = uuid::Uuid, Path)),
    security(("bearer" = [])),
    responses((status = 200, description = "`event: state|progress`, `id: SEQ`, JSON data", content_type = "text/event-stream")))]
pub async fn job_events(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    Path(job_id): Path<String>,
    headers: HeaderMap,
) -> ApiResult<Sse<impl Stream<Item = Result<Event, Infallible>>>> {
    let job = super::jobs::find(&state, &caller, &job_id).await?;
    let after = headers
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<i64>().ok())
        .unwrap_or(0)
        .max(0);
    let cursor = Cursor::new(state.db.clone(), EventScope::Job { org_id: caller.org_id.clone(), job_id: job.id }, after);
    let shutdown = state.shutdown.clone();
    let stream = futures_util::stream::unfold((cursor, Vec::<JobEvent>::new(), false), |(mut cursor, mut queue, mut done)| async move {
        loop {
            if let Some(event) = (!queue.is_empty()).then(|| queue.remove(0)) {
                done = done || is_final(&event);
                let sse = Event::default().event(event.event.clone()).id(event.seq.to_string()).data(event.data.clone());
                return Some((Ok(sse), (cursor, queue, done)));
            }
            if done {
                return None;
            }
            match cursor.next_batch().await {
                Ok(batch) if !batch.is_empty() => queue = batch,
                Ok(_) => tokio::time::sleep(POLL).await,
                Err(e) => {
                    tracing::warn!(error = %e, "event stream could not read events");
                    tokio::time::sleep(POLL * 5).await;
                }
            }
        }
    });
    let stream = futures_util::StreamExt::take_until(stream, shutdown.cancelled_owned());
    Ok(Sse::new(stream).keep_alive(KeepAlive::default()))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StreamQuery {
    /// Replay events after this sequence number (default: live only).
    pub after: Option<i64>,
    /// The access token, for clients that cannot set headers on a WebSocket
    /// (read by the `Caller` extractor; listed here for the OpenAPI).
    #[allow(dead_code)]
    pub access_token: Option<String>,
}

/// The organisation's job events over a WebSocket: one JSON text message
/// `{"seq", "event", "job_id", "data"}` per event.
#[utoipa::path(get, path = "/v1/events", tag = "events", params(StreamQuery), security(("bearer" = [])),
    responses((status = 101, description = "WebSocket of job events")))]
pub async fn org_events(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    ApiQuery(q): ApiQuery<StreamQuery>,
    upgrade: Result<WebSocketUpgrade, axum::extract::ws::rejection::WebSocketUpgradeRejection>,
) -> ApiResult<Response> {
    let upgrade = upgrade.map_err(|e| ApiError::bad_request("websocket_required", e.body_text()))?;
    let after = match q.after {
        Some(seq) => seq.max(0),
        None => state.db.last_event_seq().await?,
    };
    let cursor = Cursor::new(state.db.clone(), EventScope::Org { org_id: caller.org_id }, after);
    let shutdown = state.shutdown.clone();
    Ok(upgrade.on_upgrade(move |socket| pump(socket, cursor, shutdown)).into_response())
}

async fn pump(mut socket: WebSocket, mut cursor: Cursor, shutdown: tokio_util::sync::CancellationToken) {
    let mut ping = tokio::time::interval(Duration::from_secs(20));
    loop {
        tokio::select! {
            _ = shutdown.cancelled() => {
                let _ = socket.send(Message::Close(None)).await;
                return;
            }
            incoming = socket.recv() => match incoming {
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => return,
                Some(Ok(_)) => {}
            },
            _ = ping.tick() => {
                if socket.send(Message::Ping(Default::default())).await.is_err() {
                    return;
                }
            }
            _ = tokio::time::sleep(POLL) => {
                let batch = match cursor.next_batch().await {
                    Ok(b) => b,
                    Err(e) => {
                        tracing::warn!(error = %e, "event socket could not read events");
                        continue;
                    }
                };
                for event in batch {
                    let data: Value = serde_json::from_str(&event.data).unwrap_or(Value::Null);
                    let text = json!({ "seq": event.seq, "event": event.event, "job_id": event.job_id, "data": data }).to_string();
                    if socket.send(Message::Text(text.into())).await.is_err() {
                        return;
                    }
                }
            }
        }
    }
}
