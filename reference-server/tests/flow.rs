//! End to end over HTTP on 127.0.0.1, on both databases and both stores:
//! sign up → upload the bundled sample (resumable, surviving a dropped
//! connection; presigned on S3) → the chain runs (ingest → transcode →
//! transcribe) → a clips job → the captioned MP4 downloads with the same
//! token and with nobody else's; its events arrive in order over SSE and
//! the organisation's WebSocket.

mod common;

use std::time::Duration;

use common::{Api, InProcess, PgCluster, S3Server};
use futures_util::StreamExt;
use serde_json::{json, Value};

const CHAIN_LIMIT: Duration = Duration::from_secs(300);

/// Chunked upload: the first PATCH breaks off mid-body (the client's
/// connection drops), HEAD says how much arrived, the rest follows.
async fn resumable_upload(api: &Api, project: &str, bytes: &[u8]) -> String {
    let r = api.post(&format!("/v1/projects/{project}/uploads"), json!({"filename": "sample.mp4", "size": bytes.len()})).await;
    assert_eq!(r.status, 201, "{r:?}");
    assert_eq!(r.body["mode"], "chunked");
    assert_eq!(r.body["offset"], 0);
    let url = r.body["url"].as_str().unwrap().to_owned();

    // A body that sends 64 KiB and then fails: the connection drops.
    let first = bytes[..64 * 1024].to_vec();
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> =
        vec![Ok(first), Err(std::io::Error::new(std::io::ErrorKind::ConnectionReset, "cable pulled"))];
    let body = reqwest::Body::wrap_stream(futures_util::stream::iter(chunks));
    let broken = api
        .request(reqwest::Method::PATCH, &url)
        .header("Upload-Offset", "0")
        .header("Content-Type", "application/offset+octet-stream")
        .body(body)
        .send()
        .await;
    assert!(broken.is_err() || !broken.unwrap().status().is_success(), "a broken body must not complete the upload");

    let head = api.send(api.request(reqwest::Method::HEAD, &url)).await;
    assert_eq!(head.status, 200);
    let offset: usize = head.headers["upload-offset"].to_str().unwrap().parse().unwrap();
    assert!(offset <= 64 * 1024, "offset {offset}");

    // A wrong offset is refused with the right one.
    let wrong = api.send(api.request(reqwest::Method::PATCH, &url).header("Upload-Offset", (offset + 1).to_string()).body(vec![0u8; 4])).await;
    assert_eq!(wrong.status, 409, "{wrong:?}");
    assert_eq!(wrong.headers["upload-offset"].to_str().unwrap(), offset.to_string());

    let done = api
        .send(
            api.request(reqwest::Method::PATCH, &url)
                .header("Upload-Offset", offset.to_string())
                .header("Content-Type", "application/offset+octet-stream")
                .body(bytes[offset..].to_vec()),
        )
        .await;
    assert_eq!(done.status, 200, "{done:?}");
    assert_eq!(done.body["offset"], bytes.len());
    done.body["video_id"].as_str().expect("the last chunk makes the video").to_owned()
}

/// Presigned upload: the bytes go straight to S3, then `complete`.
async fn presigned_upload(api: &Api, project: &str, bytes: &[u8]) -> String {
    let r = api
        .post(&format!("/v1/projects/{project}/uploads"), json!({"filename": "sample.mp4", "size": bytes.len(), "mode": "presigned"}))
        .await;
    assert_eq!(r.status, 201, "{r:?}");
    let put_url = r.body["put_url"].as_str().expect("a presigned PUT URL").to_owned();
    let complete = r.body["complete_url"].as_str().unwrap().to_owned();
    // Too early: the store has nothing yet.
    assert_eq!(api.post(&complete, json!({})).await.status, 409);
    // The URL's signature is checked by the store: a tampered one fails.
    let tampered = put_url.replace("X-Amz-Expires=", "X-Amz-Expires=9");
    let bad = reqwest::Client::new().put(&tampered).body(bytes.to_vec()).send().await.unwrap();
    assert!(!bad.status().is_success(), "a tampered presigned URL must be refused, got {}", bad.status());
    let put = reqwest::Client::new().put(&put_url).body(bytes.to_vec()).send().await.unwrap();
    assert!(put.status().is_success(), "PUT to the store: {}", put.status());
    let done = api.post(&complete, json!({})).await;
    assert_eq!(done.status, 200, "{done:?}");
    done.body["video_id"].as_str().unwrap().to_owned()
}

async fn wait_video_ready(api: &Api, video: &str) -> Value {
    let start = std::time::Instant::now();
    loop {
        let r = api.get(&format!("/v1/videos/{video}")).await;
        assert_eq!(r.status, 200, "{r:?}");
        match r.body["state"].as_str().unwrap() {
            "ready" => return r.body,
            "processing" => {}
            other => {
                let jobs = api.get(&format!("/v1/videos/{video}/jobs")).await;
                panic!("video ended {other}: {} jobs: {}", r.body, jobs.body);
            }
        }
        assert!(start.elapsed() < CHAIN_LIMIT, "chain did not finish: {}", r.body);
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
}

async fn artifacts(api: &Api, job: &str) -> Vec<Value> {
    let r = api.get(&format!("/v1/jobs/{job}/artifacts")).await;
    assert_eq!(r.status, 200, "{r:?}");
    r.body.as_array().unwrap().clone()
}

fn named<'a>(list: &'a [Value], name: &str) -> &'a Value {
    list.iter().find(|a| a["name"] == name).unwrap_or_else(|| panic!("no artifact {name} in {list:?}"))
}

/// The SSE stream of a job, read to its end: (event, data) pairs.
async fn sse_events(api: &Api, job: &str) -> Vec<(String, Value)> {
    let resp = api.request(reqwest::Method::GET, &format!("/v1/jobs/{job}/events")).send().await.unwrap();
    assert_eq!(resp.status(), 200);
    assert!(resp.headers()["content-type"].to_str().unwrap().starts_with("text/event-stream"));
    let text = tokio::time::timeout(CHAIN_LIMIT, resp.text()).await.expect("the stream ends after the final state").unwrap();
    let mut events = Vec::new();
    for block in text.split("\n\n") {
        let mut name = None;
        let mut data = None;
        for line in block.lines() {
            if let Some(v) = line.strip_prefix("event:") {
                name = Some(v.trim().to_owned());
            }
            if let Some(v) = line.strip_prefix("data:") {
                data = Some(serde_json::from_str::<Value>(v.trim()).unwrap());
            }
        }
        if let (Some(n), Some(d)) = (name, data) {
            events.push((n, d));
        }
    }
    events
}

fn states(events: &[(String, Value)]) -> Vec<String> {
    events.iter().filter(|(e, _)| e == "state").map(|(_, d)| d["state"].as_str().unwrap().to_owned()).collect()
}

async fn whole_flow(server_base: &str, presigned: bool) {
    let anon = Api::new(server_base);
    let (api, signed) = anon.signup("ada@example.com", "Analytical Engines").await;
    assert!(signed["refresh_token"].is_string() && signed["organization_id"].is_string());
    let (other, _) = anon.signup("eve@example.com", "Eavesdroppers").await;
    let login = anon.post("/v1/auth/login", json!({"email": "ada@example.com", "password": "correct horse battery"})).await;
    assert_eq!(login.status, 200, "{login:?}");
    assert_eq!(login.body["organization_id"], signed["organization_id"]);

    let project = api.create_project("Launch talk").await;
    let got = api.get(&format!("/v1/projects/{project}")).await;
    assert_eq!((got.status.as_u16(), got.body["name"].as_str()), (200, Some("Launch talk")));

    let bytes = std::fs::read(common::sample()).unwrap();
    let video = if presigned { presigned_upload(&api, &project, &bytes).await } else { resumable_upload(&api, &project, &bytes).await };

    // The original downloads intact.
    let v = api.get(&format!("/v1/videos/{video}")).await;
    let (status, original) = api.download(v.body["url"].as_str().unwrap()).await;
    assert_eq!((status.as_u16(), original.len()), (200, bytes.len()));
    assert!(original == bytes);

    // The chain runs by itself.
    let ready = wait_video_ready(&api, &video).await;
    let sha = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(&bytes));
    assert_eq!(ready["sha256"], sha.as_str(), "ingest fingerprints the upload");
    assert_eq!(ready["media"]["video"]["width"], 640);
    let jobs = api.get(&format!("/v1/videos/{video}/jobs?limit=10")).await;
    let jobs = jobs.body.as_array().unwrap().clone();
    let kinds: Vec<&str> = jobs.iter().rev().map(|j| j["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["ingest", "transcode", "transcribe"]);
    assert!(jobs.iter().all(|j| j["state"] == "succeeded"), "{jobs:?}");
    let transcode = jobs.iter().find(|j| j["kind"] == "transcode").unwrap()["id"].as_str().unwrap().to_owned();
    let hls = artifacts(&api, &transcode).await;
    let master = named(&hls, "hls/master.m3u8");
    assert_eq!(master["content_type"], "application/vnd.apple.mpegurl");
    let (_, playlist) = api.download(master["url"].as_str().unwrap()).await;
    assert!(String::from_utf8_lossy(&playlist).starts_with("#EXTM3U"));
    named(&hls, "proxy.mp4");
    assert!(jobs.iter().all(|j| j.get("result").is_none()), "lists leave the reports out");
    let transcribe_id = jobs.iter().find(|j| j["kind"] == "transcribe").unwrap()["id"].as_str().unwrap().to_owned();
    let transcribe = &api.get(&format!("/v1/jobs/{transcribe_id}")).await.body;
    let words = transcribe["result"]["transcript"]["segments"][0]["words"].as_array().map(Vec::len).unwrap_or(0);
    assert!(words > 0, "the transcript has timed words: {}", transcribe["result"]);
    named(&artifacts(&api, transcribe["id"].as_str().unwrap()).await, "transcript.json");

    // Watch the organisation's events before asking for clips.
    let token = api.token.clone().unwrap();
    let ws_url = format!("{}/v1/events?access_token={token}", server_base.replace("http://", "ws://"));
    let (mut socket, _) = tokio_tungstenite::connect_async(&ws_url).await.expect("the WebSocket opens");

    // A misspelt key is refused with its path; then the real job.
    let bad = api.post(&format!("/v1/videos/{video}/jobs"), json!({"kind": "clips", "params": {"topp": 2}})).await;
    assert_eq!(bad.status, 422, "{bad:?}");
    assert_eq!(bad.body["error"]["code"], "invalid_config");
    assert_eq!(bad.body["error"]["field"], "params.topp");
    let created = api
        .post(&format!("/v1/videos/{video}/jobs"), json!({"kind": "clips", "params": {"top": 1, "min_duration": 5, "max_duration": 15}}))
        .await;
    assert_eq!(created.status, 202, "{created:?}");
    assert_eq!(created.body["state"], "queued");
    let job = created.id();

    let sse = sse_events(&api, &job).await;
    assert_eq!(states(&sse), ["queued", "running", "succeeded"], "{sse:?}");
    let progress: Vec<&Value> = sse.iter().filter(|(e, _)| e == "progress").map(|(_, d)| d).collect();
    assert!(!progress.is_empty(), "progress events arrive");
    let first_running = sse.iter().position(|(e, d)| e == "state" && d["state"] == "running").unwrap();
    let done_at = sse.iter().position(|(e, d)| e == "state" && d["state"] == "succeeded").unwrap();
    for (i, (e, d)) in sse.iter().enumerate() {
        if e == "progress" {
            assert!(i > first_running && i < done_at, "progress between running and succeeded");
            let f = d["fraction"].as_f64().unwrap();
            assert!((0.0..=1.0).contains(&f), "{d}");
            assert!(d["stage"].is_string(), "{d}");
        }
    }

    // The WebSocket saw the same states, in the same order.
    let mut ws_states = Vec::new();
    let ws_deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    while ws_states.last().map(String::as_str) != Some("succeeded") {
        let msg = tokio::time::timeout_at(ws_deadline, socket.next()).await.expect("WebSocket events arrive").unwrap().unwrap();
        if let tokio_tungstenite::tungstenite::Message::Text(text) = msg {
            let v: Value = serde_json::from_str(&text).unwrap();
            if v["job_id"] == job.as_str() && v["event"] == "state" {
                ws_states.push(v["data"]["state"].as_str().unwrap().to_owned());
            }
        }
    }
    assert_eq!(ws_states, ["queued", "running", "succeeded"]);
    let _ = socket.close(None).await;

    let finished = api.get(&format!("/v1/jobs/{job}")).await.body;
    assert_eq!(finished["state"], "succeeded");
    assert_eq!(finished["progress"], 1.0);
    assert_eq!(finished["runs"].as_array().unwrap().len(), 1);
    let report_clip = &finished["result"]["clips"][0];
    assert_eq!(report_clip["video"], "clip-01.mp4", "report paths are names in the job: {report_clip}");

    let outputs = artifacts(&api, &job).await;
    for name in ["clip-01.mp4", "clip-01.srt", "clip-01.vtt", "clips.json", "transcript.json"] {
        named(&outputs, name);
    }
    let clip = named(&outputs, "clip-01.mp4");
    assert_eq!(clip["content_type"], "video/mp4");
    let url = clip["url"].as_str().unwrap();
    let (status, mp4) = api.download(url).await;
    assert_eq!(status, 200);
    assert_eq!(mp4.len() as u64, clip["size"].as_u64().unwrap());
    let dir = tempfile::tempdir().unwrap();
    let local = dir.path().join("clip-01.mp4");
    std::fs::write(&local, &mp4).unwrap();
    assert_eq!(common::ffprobe(&local, "v", "codec_name"), "h264");
    assert_eq!(common::ffprobe(&local, "a", "codec_name"), "aac");
    let (_, srt) = api.download(named(&outputs, "clip-01.srt")["url"].as_str().unwrap()).await;
    assert!(String::from_utf8_lossy(&srt).contains("-->"), "captions come with the clip");
    // A range of it, for players.
    let part = api.send(api.request(reqwest::Method::GET, url).header("Range", "bytes=0-99")).await;
    assert_eq!(part.status, 206);
    assert_eq!(part.headers["content-range"].to_str().unwrap(), format!("bytes 0-99/{}", mp4.len()));

    // Nobody else downloads it; nobody without a token either.
    assert_eq!(other.download(url).await.0, 404);
    assert_eq!(Api::new(server_base).download(url).await.0, 401);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_and_the_local_store() {
    if !common::models_installed() {
        return;
    }
    let server = InProcess::start(Vec::new(), common::TEST_CHAIN).await;
    whole_flow(&server.base, false).await;
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_and_s3() {
    if !common::models_installed() {
        return;
    }
    let pg = require!(PgCluster::start(), "PostgreSQL (initdb, pg_ctl)");
    let s3 = require!(S3Server::start("reelkit"), "s3s-fs");
    let url = pg.database("flow").await;
    let mut env = s3.env("reelkit");
    env.push(("REELKIT_DATABASE_URL".into(), url));
    let server = InProcess::start(env, common::TEST_CHAIN).await;
    whole_flow(&server.base, true).await;
    // Resumable uploads work on S3 too (staged on the API's disk).
    let api = Api::new(&server.base);
    let (api, _) = api.signup("bob@example.com", "Builders").await;
    let project = api.create_project("second").await;
    let bytes = std::fs::read(common::sample()).unwrap();
    let video = resumable_upload(&api, &project, &bytes).await;
    let v = api.get(&format!("/v1/videos/{video}")).await;
    assert_eq!(api.download(v.body["url"].as_str().unwrap()).await.1.len(), bytes.len());
    server.stop().await;
    drop(s3);
    drop(pg);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancel_pause_resume_retry_and_side_effects() {
    if !common::models_installed() {
        return;
    }
    // A chain whose transcode is slow enough to cancel while it runs.
    let chain = r#"
[[chain]]
kind = "transcode"
params = { hls = { dir = "hls", ladder = [360, 240], preset = "medium" } }
"#;
    let server = InProcess::start(vec![("REELKIT_SERVER__WORKER__CONCURRENCY".into(), "1".into())], chain).await;
    let (api, _) = Api::new(&server.base).signup("cat@example.com", "Cancellers").await;
    let project = api.create_project("p").await;
    let up = api.upload_video(&project, &common::sample()).await;
    assert_eq!(up.status, 201, "{up:?}");
    let video = up.id();
    let jobs = api.get(&format!("/v1/videos/{video}/jobs")).await.body;
    let transcode = jobs[0]["id"].as_str().unwrap().to_owned();

    // Queue a probe behind it and pause it while it waits.
    let probe = api.post(&format!("/v1/videos/{video}/jobs"), json!({"kind": "probe"})).await.id();
    let paused = api.post(&format!("/v1/jobs/{probe}/pause"), json!({})).await;
    assert_eq!((paused.status.as_u16(), paused.body["state"].as_str()), (200, Some("paused")), "{paused:?}");
    assert_eq!(api.post(&format!("/v1/jobs/{probe}/pause"), json!({})).await.status, 409);

    // Cancel the transcode mid-run: its CancelToken stops the core call.
    api.wait_job(&transcode, Duration::from_secs(60), |j| j["state"] == "running" && j["progress"].as_f64().unwrap_or(0.0) > 0.0).await;
    let asked = api.post(&format!("/v1/jobs/{transcode}/cancel"), json!({})).await;
    assert_eq!(asked.status, 202, "{asked:?}");
    assert_eq!(asked.body["requested"], "cancel");
    let cancelled = api.wait_final(&transcode, Duration::from_secs(60)).await;
    assert_eq!(cancelled["state"], "cancelled", "{cancelled}");
    assert!(artifacts(&api, &transcode).await.is_empty(), "a cancelled job keeps no outputs");
    let v = api.get(&format!("/v1/videos/{video}")).await.body;
    assert_eq!(v["state"], "cancelled", "a cancelled chain job marks its video");
    assert_eq!(api.post(&format!("/v1/jobs/{transcode}/cancel"), json!({})).await.status, 409);
    assert_eq!(api.post(&format!("/v1/jobs/{transcode}/resume"), json!({})).await.status, 409);

    // Resume the probe: it runs.
    let resumed = api.post(&format!("/v1/jobs/{probe}/resume"), json!({})).await;
    assert_eq!(resumed.body["state"], "queued");
    let done = api.wait_final(&probe, Duration::from_secs(60)).await;
    assert_eq!(done["state"], "succeeded");
    assert_eq!(done["result"]["video"]["width"], 640);

    // Retry the cancelled transcode: the video is processing again, then ready.
    let retried = api.post(&format!("/v1/jobs/{transcode}/retry"), json!({})).await;
    assert_eq!((retried.status.as_u16(), retried.body["state"].as_str()), (200, Some("queued")), "{retried:?}");
    assert_eq!(api.get(&format!("/v1/videos/{video}")).await.body["state"], "processing");
    let again = api.wait_final(&transcode, Duration::from_secs(180)).await;
    assert_eq!(again["state"], "succeeded", "{again}");
    assert_eq!(api.get(&format!("/v1/videos/{video}")).await.body["state"], "ready");
    assert_eq!(again["runs"].as_array().unwrap().len(), 2);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failures_retry_with_backoff_and_input_errors_do_not() {
    // An engine without models: transcription fails for a reason the
    // caller cannot fix (model_not_found), so it is retried with backoff.
    let no_models = tempfile::tempdir().unwrap();
    let env = vec![
        ("REELKIT_SERVER__WORKER__MAX_ATTEMPTS".into(), "3".into()),
        ("REELKIT_SERVER__ENGINE__MODELS_DIR".into(), no_models.path().display().to_string()),
    ];
    let server = InProcess::start(env, "chain = []\n").await;
    let (api, _) = Api::new(&server.base).signup("dan@example.com", "Debuggers").await;
    let project = api.create_project("p").await;
    let dir = tempfile::tempdir().unwrap();
    let video = api.upload_video(&project, &common::lavfi_video(dir.path(), "tone.mp4", 2)).await.id();
    let job = api.post(&format!("/v1/videos/{video}/jobs"), json!({"kind": "transcribe"})).await.id();
    let failed = api.wait_final(&job, Duration::from_secs(60)).await;
    assert_eq!(failed["state"], "failed", "{failed}");
    assert_eq!(failed["attempts"], 3);
    assert_eq!(failed["error"]["code"], "model_not_found", "{failed}");
    let runs = failed["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 3);
    assert!(runs.iter().all(|r| r["outcome"] == "failed"), "{runs:?}");
    let started: Vec<time::OffsetDateTime> = runs
        .iter()
        .map(|r| time::OffsetDateTime::parse(r["started_at"].as_str().unwrap(), &time::format_description::well_known::Rfc3339).unwrap())
        .collect();
    let first_gap = (started[1] - started[0]).as_seconds_f64();
    let second_gap = (started[2] - started[1]).as_seconds_f64();
    assert!(first_gap >= 0.2 && second_gap >= 0.4, "backoff doubles: {first_gap} then {second_gap}");

    // Not media: an input error fails at once, and says so without server paths.
    let junk = dir.path().join("notes.mp4");
    std::fs::write(&junk, b"these are not the frames you are looking for").unwrap();
    let up = api.upload_video(&project, &junk).await;
    assert_eq!(up.status, 201);
    let job = api.post(&format!("/v1/videos/{}/jobs", up.id()), json!({"kind": "ingest"})).await.id();
    let failed = api.wait_final(&job, Duration::from_secs(60)).await;
    assert_eq!(failed["state"], "failed");
    assert_eq!(failed["attempts"], 1, "input errors are not retried");
    assert_eq!(failed["error"]["code"], "not_media", "{failed}");
    let message = failed["error"]["message"].as_str().unwrap();
    assert!(!message.contains(&server.data.path().display().to_string()), "no server paths in messages: {message}");

    // The job kinds endpoint lists every core kind with its schema.
    let kinds = api.get("/v1/job-kinds").await;
    let names: Vec<&str> = kinds.body.as_array().unwrap().iter().map(|k| k["kind"].as_str().unwrap()).collect();
    for kind in reelkit::JobKind::ALL {
        assert!(names.contains(&kind.as_str()), "{kind}");
    }
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pagination_api_keys_and_roles() {
    let server = InProcess::start(vec![("REELKIT_SERVER__EMBEDDED_WORKER".into(), "false".into())], "").await;
    let (api, signed) = Api::new(&server.base).signup("pam@example.com", "Paginators").await;
    let org = signed["organization_id"].as_str().unwrap();
    for i in 0..7 {
        api.create_project(&format!("p{i}")).await;
    }
    let page = api.get("/v1/projects?limit=3&offset=0").await;
    assert_eq!(page.status, 200);
    assert_eq!(page.body.as_array().unwrap().len(), 3);
    assert_eq!(page.headers["x-total-count"], "7");
    assert!(page.headers["link"].to_str().unwrap().contains("offset=3"));
    let last = api.get("/v1/projects?limit=3&offset=6").await;
    assert_eq!(last.body.as_array().unwrap().len(), 1);
    assert!(last.headers.get("link").is_none());
    assert_eq!(api.get("/v1/projects?limit=0").await.status, 422);
    assert_eq!(api.get("/v1/projects?limit=abc").await.status, 400);

    // A viewer key reads but cannot write; an editor key writes.
    let viewer = api.post(&format!("/v1/orgs/{org}/api-keys"), json!({"name": "dashboard", "role": "viewer"})).await;
    assert_eq!(viewer.status, 201, "{viewer:?}");
    let viewer_key = viewer.body["key"].as_str().unwrap().to_owned();
    let as_viewer = api.with_token(&viewer_key);
    assert_eq!(as_viewer.get("/v1/projects").await.status, 200);
    let denied = as_viewer.post("/v1/projects", json!({"name": "x"})).await;
    assert_eq!(denied.status, 403, "{denied:?}");
    let keys = api.get(&format!("/v1/orgs/{org}/api-keys")).await;
    assert!(keys.body[0].get("key").is_none(), "secrets are shown once");
    assert_eq!(api.delete(&format!("/v1/orgs/{org}/api-keys/{}", viewer.id())).await.status, 204);
    assert_eq!(as_viewer.get("/v1/projects").await.status, 401, "revoked keys stop working");

    // Refresh tokens are single use.
    let login = Api::new(&server.base).post("/v1/auth/login", json!({"email": "pam@example.com", "password": "correct horse battery"})).await;
    let refresh = login.body["refresh_token"].as_str().unwrap();
    let first = Api::new(&server.base).post("/v1/auth/refresh", json!({"refresh_token": refresh})).await;
    assert_eq!(first.status, 200, "{first:?}");
    let replay = Api::new(&server.base).post("/v1/auth/refresh", json!({"refresh_token": refresh})).await;
    assert_eq!(replay.status, 401);
    // The replay revoked the rotated token too.
    let rotated = first.body["refresh_token"].as_str().unwrap();
    assert_eq!(Api::new(&server.base).post("/v1/auth/refresh", json!({"refresh_token": rotated})).await.status, 401);
    server.stop().await;
}
