//! Client mistakes on every kind of endpoint — malformed JSON, wrong types,
//! unknown keys, huge bodies, path traversal in names and params, expired
//! and tampered tokens, junk ids and queries — answer 4xx with an error
//! body that says what was wrong; never a 5xx.

mod common;

use common::{Api, InProcess, Reply};
use jsonwebtoken::{encode, EncodingKey, Header};
use reqwest::Method;
use serde_json::{json, Value};

const JSON_LIMIT: u64 = 4096;
const UPLOAD_LIMIT: u64 = 64 * 1024;

async fn start() -> InProcess {
    InProcess::start(
        vec![
            ("REELKIT_SERVER__EMBEDDED_WORKER".into(), "false".into()),
            ("REELKIT_SERVER__LIMITS__MAX_JSON_BYTES".into(), JSON_LIMIT.to_string()),
            ("REELKIT_MAX_UPLOAD_BYTES".into(), UPLOAD_LIMIT.to_string()),
        ],
        "",
    )
    .await
}

/// 4xx, `{"error": {"code", "message"}}`, and the expected status.
fn refused(r: &Reply, status: u16, context: &str) {
    assert_eq!(r.status.as_u16(), status, "{context}: {r:?}");
    let code = r.body["error"]["code"].as_str().unwrap_or_else(|| panic!("{context}: no error code in {}", r.body));
    let message = r.body["error"]["message"].as_str().unwrap_or_default();
    assert!(!code.is_empty() && !message.is_empty(), "{context}: {}", r.body);
}

async fn raw(api: &Api, method: Method, path: &str, content_type: &str, body: impl Into<reqwest::Body>) -> Reply {
    api.send(api.request(method, path).header("Content-Type", content_type).body(body)).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bodies_that_cannot_be_used() {
    let server = start().await;
    let anon = Api::new(&server.base);
    let (api, signed) = anon.signup("bea@example.com", "Bad Inputs").await;
    let org = signed["organization_id"].as_str().unwrap();
    let project = api.create_project("p").await;
    let dir = tempfile::tempdir().unwrap();
    let video = api.upload_video(&project, &common::lavfi_video(dir.path(), "v.mp4", 1)).await.id();

    let json_routes = [
        "/v1/auth/signup".to_owned(),
        "/v1/auth/login".into(),
        "/v1/auth/refresh".into(),
        "/v1/projects".into(),
        format!("/v1/projects/{project}/uploads"),
        format!("/v1/videos/{video}/jobs"),
        format!("/v1/projects/{project}/jobs"),
        format!("/v1/orgs/{org}/api-keys"),
        format!("/v1/orgs/{org}/members"),
    ];
    for path in &json_routes {
        let r = raw(&api, Method::POST, path, "application/json", "{\"name\": ").await;
        refused(&r, 400, &format!("malformed JSON to {path}"));
        assert_eq!(r.body["error"]["code"], "malformed_json");
        let r = raw(&api, Method::POST, path, "application/json", "[1, 2, 3]").await;
        refused(&r, 422, &format!("an array to {path}"));
        let r = raw(&api, Method::POST, path, "text/plain", "{}").await;
        refused(&r, 415, &format!("text/plain to {path}"));
        let big = format!("{{\"name\": \"{}\"}}", "x".repeat(JSON_LIMIT as usize * 2));
        let r = raw(&api, Method::POST, path, "application/json", big).await;
        refused(&r, 413, &format!("a huge body to {path}"));
        assert!(r.body["error"]["message"].as_str().unwrap().contains(&JSON_LIMIT.to_string()), "413 names the limit: {}", r.body);
    }

    // Wrong types and unknown keys name the field.
    let r = api.post("/v1/projects", json!({"name": 5})).await;
    refused(&r, 422, "a number for a name");
    assert_eq!(r.body["error"]["field"], "name");
    let r = api.post("/v1/projects", json!({"name": "x", "colour": "red"})).await;
    refused(&r, 422, "an unknown key");
    let r = api.post("/v1/projects", json!({"name": "   "})).await;
    refused(&r, 422, "a blank name");
    let r = api.post("/v1/projects", json!({})).await;
    refused(&r, 422, "a missing name");
    let r = anon.post("/v1/auth/signup", json!({"email": "not-an-email", "password": "long enough pw", "organization": "o"})).await;
    refused(&r, 422, "a bad email");
    let r = anon.post("/v1/auth/signup", json!({"email": "x@example.com", "password": "short", "organization": "o"})).await;
    refused(&r, 422, "a short password");
    let r = anon.post("/v1/auth/signup", json!({"email": "x@example.com", "password": "p".repeat(10_000), "organization": "o"})).await;
    assert!(r.status.is_client_error(), "{r:?}");
    let r = anon.post("/v1/auth/signup", json!({"email": "bea@example.com", "password": "correct horse battery", "organization": "o"})).await;
    refused(&r, 409, "a taken email");
    let r = anon.post("/v1/auth/login", json!({"email": "bea@example.com", "password": "wrong horse battery"})).await;
    refused(&r, 401, "a wrong password");

    // Job specs: the core's errors with the key path; unknown kinds.
    let jobs = format!("/v1/videos/{video}/jobs");
    for (params, field) in [
        (json!({"kind": "clips", "params": {"top": "two"}}), "params.top"),
        (json!({"kind": "clips", "params": {"top": 0}}), "params.top"),
        (json!({"kind": "clips", "params": {"asr": {"modle": "base"}}}), "params.asr.modle"),
        (json!({"kind": "clipz"}), "kind"),
        (json!({"kind": "clips", "params": [1]}), "params"),
    ] {
        let r = api.post(&jobs, params.clone()).await;
        refused(&r, 422, &params.to_string());
        assert_eq!(r.body["error"]["field"], field, "{params}: {}", r.body);
    }
    let r = api.post(&jobs, json!({"kind": 7})).await;
    refused(&r, 422, "a number for a kind");

    // Paths a client may not choose.
    for params in [
        json!({"kind": "transcribe", "params": {"asr": {"model": "/etc/passwd"}}}),
        json!({"kind": "transcode", "params": {"hls": {"dir": "../../../tmp/x"}}}),
        json!({"kind": "transcode", "params": {"proxy": {"path": "/tmp/proxy.mp4"}}}),
        json!({"kind": "burn", "params": {"script": "../../etc/shadow"}}),
        json!({"kind": "burn", "params": {"script": "/etc/shadow"}}),
        json!({"kind": "dub", "params": {"narration": "~/.ssh/id_rsa"}}),
        json!({"kind": "ingest", "params": {"dest": "/tmp"}}),
        json!({"kind": "ingest", "params": {"fetch": {"yt_dlp": "/bin/sh"}}}),
        json!({"kind": "tts", "params": {"text": "x", "tts": {"voice": "../../voices/x.onnx"}}}),
    ] {
        let r = api.post(&jobs, params.clone()).await;
        refused(&r, 422, &params.to_string());
    }
    let r = api.post(&format!("/v1/projects/{project}/jobs"), json!({"kind": "probe"})).await;
    refused(&r, 422, "a probe without a video");

    // File names.
    for name in ["../../etc/passwd", "a/b.mp4", "..\\..\\win.ini", ".."] {
        let form = reqwest::multipart::Form::new().part("file", reqwest::multipart::Part::bytes(b"abc".to_vec()).file_name(name.to_owned()));
        let r = api.send(api.request(Method::POST, &format!("/v1/projects/{project}/videos")).multipart(form)).await;
        refused(&r, 422, &format!("file name {name:?}"));
        let r = api.post(&format!("/v1/projects/{project}/uploads"), json!({"filename": name, "size": 3})).await;
        refused(&r, 422, &format!("upload name {name:?}"));
    }

    // Uploads over the limit, however they come.
    let form = reqwest::multipart::Form::new()
        .part("file", reqwest::multipart::Part::bytes(vec![0u8; UPLOAD_LIMIT as usize + 1024]).file_name("big.mp4"));
    let r = api.send(api.request(Method::POST, &format!("/v1/projects/{project}/videos")).multipart(form)).await;
    refused(&r, 413, "a multipart upload over the limit");
    assert!(r.body["error"]["message"].as_str().unwrap().contains(&UPLOAD_LIMIT.to_string()), "{}", r.body);
    let r = api.post(&format!("/v1/projects/{project}/uploads"), json!({"filename": "big.mp4", "size": UPLOAD_LIMIT + 1})).await;
    refused(&r, 413, "a resumable upload over the limit");
    assert!(r.body["error"]["message"].as_str().unwrap().contains(&UPLOAD_LIMIT.to_string()), "{}", r.body);
    // The other multipart routes name the same real limit (never "0").
    for path in [format!("/v1/projects/{project}/files"), "/v1/probe".to_owned()] {
        let form = reqwest::multipart::Form::new()
            .part("file", reqwest::multipart::Part::bytes(vec![0u8; UPLOAD_LIMIT as usize + 1024]).file_name("big.mp4"));
        let r = api.send(api.request(Method::POST, &path).multipart(form)).await;
        refused(&r, 413, &format!("a multipart body over the limit to {path}"));
        let message = r.body["error"]["message"].as_str().unwrap();
        assert!(message.contains(&format!("the {UPLOAD_LIMIT} byte limit")), "{path}: {message}");
    }
    let r = api.post(&format!("/v1/projects/{project}/uploads"), json!({"filename": "s.mp4", "size": 10})).await;
    let url = r.body["url"].as_str().unwrap().to_owned();
    let r = api.send(api.request(Method::PATCH, &url).header("Upload-Offset", "0").body(vec![0u8; 11])).await;
    refused(&r, 413, "a chunk past the declared size");
    let r = api.send(api.request(Method::PATCH, &url).body(vec![0u8; 1])).await;
    refused(&r, 400, "a chunk without Upload-Offset");
    let r = api.send(api.request(Method::PATCH, &url).header("Upload-Offset", "minus one").body(vec![0u8; 1])).await;
    refused(&r, 400, "a junk offset");
    let r = raw(&api, Method::POST, &format!("/v1/projects/{project}/videos"), "application/json", "{}").await;
    refused(&r, 415, "JSON to a multipart route");
    let form = reqwest::multipart::Form::new().text("other", "x");
    let r = api.send(api.request(Method::POST, &format!("/v1/projects/{project}/videos")).multipart(form)).await;
    refused(&r, 400, "multipart without a file");
    let r = api.post(&format!("/v1/projects/{project}/uploads"), json!({"filename": "x.mp4", "size": 5, "mode": "presigned"})).await;
    refused(&r, 422, "presigned on a local store");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tokens_that_cannot_be_trusted() {
    let server = start().await;
    let anon = Api::new(&server.base);
    let (api, signed) = anon.signup("tom@example.com", "Tokens").await;
    let token = api.token.clone().unwrap();
    let secret = std::fs::read(server.data.path().join("jwt-secret")).unwrap();
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    let claims = |exp: u64, typ: &str| {
        json!({"sub": signed["user_id"], "org": signed["organization_id"], "typ": typ, "jti": "j", "iat": exp - 60, "exp": exp})
    };
    let expired = encode(&Header::default(), &claims(now - 3600, "access"), &EncodingKey::from_secret(&secret)).unwrap();
    let foreign = encode(&Header::default(), &claims(now + 3600, "access"), &EncodingKey::from_secret(b"another-secret-another-secret-00")).unwrap();
    let mut tampered: Vec<char> = token.chars().collect();
    let last = tampered.len() - 3;
    tampered[last] = if tampered[last] == 'A' { 'B' } else { 'A' };
    let tampered: String = tampered.into_iter().collect();
    let payload_swapped = {
        let parts: Vec<&str> = token.split('.').collect();
        let other: Vec<&str> = foreign.split('.').collect();
        format!("{}.{}.{}", parts[0], other[1], parts[2])
    };
    let refresh_as_access = signed["refresh_token"].as_str().unwrap().to_owned();
    let none_alg = format!(
        "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.{}.",
        token.split('.').nth(1).unwrap()
    );
    for (what, bad) in [
        ("expired", expired.as_str()),
        ("signed by another key", &foreign),
        ("tampered signature", &tampered),
        ("swapped payload", &payload_swapped),
        ("a refresh token", &refresh_as_access),
        ("alg none", &none_alg),
        ("garbage", "abc.def.ghi"),
        ("an API key shape", "rk_00000000-0000-0000-0000-000000000000_0000000000000000000000000000000000000000000000000000000000000000"),
    ] {
        let r = anon.with_token(bad).get("/v1/projects").await;
        refused(&r, 401, what);
    }
    let r = anon.send(anon.request(Method::GET, "/v1/projects").header("Authorization", "Basic dG9tOnB3")).await;
    refused(&r, 401, "basic auth");
    let r = anon.post("/v1/auth/refresh", json!({"refresh_token": token})).await;
    refused(&r, 401, "an access token as a refresh token");
    assert_eq!(api.get("/v1/projects").await.status, 200, "the real token still works");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn routes_ids_and_queries_that_do_not_exist() {
    let server = start().await;
    let (api, _) = Api::new(&server.base).signup("quinn@example.com", "Queries").await;
    for path in [
        "/v1/projects/not-an-id",
        "/v1/projects/00000000-0000-0000-0000-000000000000",
        "/v1/projects/%2e%2e%2f%2e%2e",
        "/v1/videos/..%2F..%2Fetc%2Fpasswd",
        "/v1/jobs/'%20OR%201=1--",
        "/v1/artifacts/00000000-0000-0000-0000-000000000000/content",
        "/v1/nope",
    ] {
        let r = api.get(path).await;
        refused(&r, 404, path);
    }
    let r = api.send(api.request(Method::PUT, "/v1/projects")).await;
    refused(&r, 405, "PUT on a list");
    for query in ["limit=-1", "limit=1000", "offset=-5", "state=bogus", "project_id=not-an-id", "limit=1e3"] {
        let r = api.get(&format!("/v1/jobs?{query}")).await;
        assert!(r.status.is_client_error(), "{query}: {r:?}");
        assert!(r.body["error"]["code"].is_string(), "{query}: {}", r.body);
    }
    let r = api.get("/v1/events").await;
    refused(&r, 400, "the WebSocket route without an upgrade");
    let v: Value = api.get("/openapi.json").await.body;
    assert_eq!(v["openapi"].as_str().map(|s| &s[..3]), Some("3.1"));
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stalled_upload_times_out() {
    let server = InProcess::start(
        vec![
            ("REELKIT_SERVER__EMBEDDED_WORKER".into(), "false".into()),
            ("REELKIT_SERVER__LIMITS__UPLOAD_TIMEOUT_SECONDS".into(), "1".into()),
        ],
        "",
    )
    .await;
    let (api, _) = Api::new(&server.base).signup("sid@example.com", "Slow").await;
    let project = api.create_project("p").await;
    let r = api.post(&format!("/v1/projects/{project}/uploads"), json!({"filename": "s.mp4", "size": 100})).await;
    let url = r.body["url"].as_str().unwrap().to_owned();
    // Ten bytes, then nothing for five seconds.
    let stalled = futures_util::stream::unfold(0, |step| async move {
        match step {
            0 => Some((Ok::<_, std::io::Error>(vec![7u8; 10]), 1)),
            1 => {
                tokio::time::sleep(std::time::Duration::from_secs(5)).await;
                Some((Ok(vec![7u8; 10]), 2))
            }
            _ => None,
        }
    });
    let started = std::time::Instant::now();
    let r = api
        .send(api.request(Method::PATCH, &url).header("Upload-Offset", "0").body(reqwest::Body::wrap_stream(stalled)))
        .await;
    refused(&r, 408, "a stalled chunk");
    assert!(started.elapsed() < std::time::Duration::from_secs(4), "answered at the deadline");
    // What arrived is kept: the upload resumes from there.
    let head = api.send(api.request(Method::HEAD, &url)).await;
    assert_eq!(head.headers["upload-offset"], "10");

    // A multipart upload that stalls mid-body is cut off the same way.
    let stalled = futures_util::stream::unfold(0, |step| async move {
        match step {
            0 => Some((Ok::<_, std::io::Error>(vec![7u8; 1000]), 1)),
            1 => {
                tokio::time::sleep(std::time::Duration::from_secs(5)).await;
                Some((Ok(vec![7u8; 10]), 2))
            }
            _ => None,
        }
    });
    let form = reqwest::multipart::Form::new()
        .part("file", reqwest::multipart::Part::stream(reqwest::Body::wrap_stream(stalled)).file_name("slow.mp4"));
    let started = std::time::Instant::now();
    let r = api.send(api.request(Method::POST, &format!("/v1/projects/{project}/videos")).multipart(form)).await;
    refused(&r, 408, "a stalled multipart upload");
    assert!(started.elapsed() < std::time::Duration::from_secs(4), "answered at the deadline");
    assert!(r.body["error"]["message"].as_str().unwrap().contains("1 s"), "names the configured deadline: {}", r.body);
    server.stop().await;
}
