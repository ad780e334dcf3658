//! Tenant isolation over every endpoint: a second organisation's token (and
//! its API key) gets 403 or 404 on every route naming the first's
//! resources, sees none of them in its lists, and changes nothing; no
//! token at all gets 401 everywhere.

mod common;

use common::{Api, InProcess, Reply};
use reqwest::Method;
use serde_json::{json, Value};

struct Owned {
    org: String,
    user: String,
    project: String,
    video: String,
    job: String,
    upload: String,
    file: String,
    key: String,
}

async fn make_resources(api: &Api, signed: &Value) -> Owned {
    let org = signed["organization_id"].as_str().unwrap().to_owned();
    let user = signed["user_id"].as_str().unwrap().to_owned();
    let project = api.create_project("secret plans").await;
    let dir = tempfile::tempdir().unwrap();
    let video = api.upload_video(&project, &common::lavfi_video(dir.path(), "a.mp4", 1)).await.id();
    let job = api.post(&format!("/v1/videos/{video}/jobs"), json!({"kind": "probe"})).await.id();
    let upload = api.post(&format!("/v1/projects/{project}/uploads"), json!({"filename": "b.mp4", "size": 10})).await.id();
    let form = reqwest::multipart::Form::new()
        .part("file", reqwest::multipart::Part::bytes(b"1\n00:00:00,000 --> 00:00:01,000\nhi\n".to_vec()).file_name("n.srt"));
    let file = api.send(api.request(Method::POST, &format!("/v1/projects/{project}/files")).multipart(form)).await;
    assert_eq!(file.status, 201, "{file:?}");
    let key = api.post(&format!("/v1/orgs/{org}/api-keys"), json!({"name": "ci"})).await.id();
    Owned { org, user, project, video, job, upload, file: file.id(), key }
}

/// Every route, with `o`'s ids in it.
fn routes(o: &Owned) -> Vec<(Method, String, Option<Value>)> {
    let j = |v: Value| Some(v);
    vec![
        (Method::GET, format!("/v1/orgs/{}", o.org), None),
        (Method::GET, format!("/v1/orgs/{}/members", o.org), None),
        (Method::POST, format!("/v1/orgs/{}/members", o.org), j(json!({"email": "x@example.com", "role": "viewer"}))),
        (Method::PATCH, format!("/v1/orgs/{}/members/{}", o.org, o.user), j(json!({"role": "viewer"}))),
        (Method::DELETE, format!("/v1/orgs/{}/members/{}", o.org, o.user), None),
        (Method::GET, format!("/v1/orgs/{}/api-keys", o.org), None),
        (Method::POST, format!("/v1/orgs/{}/api-keys", o.org), j(json!({"name": "steal"}))),
        (Method::DELETE, format!("/v1/orgs/{}/api-keys/{}", o.org, o.key), None),
        (Method::GET, format!("/v1/projects/{}", o.project), None),
        (Method::PATCH, format!("/v1/projects/{}", o.project), j(json!({"name": "mine now"}))),
        (Method::DELETE, format!("/v1/projects/{}", o.project), None),
        (Method::GET, format!("/v1/projects/{}/videos", o.project), None),
        (Method::POST, format!("/v1/projects/{}/uploads", o.project), j(json!({"filename": "x.mp4", "size": 10}))),
        (Method::POST, format!("/v1/projects/{}/jobs", o.project), j(json!({"kind": "tts", "params": {"text": "hi"}}))),
        (Method::GET, format!("/v1/projects/{}/artifacts", o.project), None),
        (Method::GET, format!("/v1/videos/{}", o.video), None),
        (Method::DELETE, format!("/v1/videos/{}", o.video), None),
        (Method::GET, format!("/v1/videos/{}/content", o.video), None),
        (Method::GET, format!("/v1/videos/{}/jobs", o.video), None),
        (Method::POST, format!("/v1/videos/{}/jobs", o.video), j(json!({"kind": "probe"}))),
        (Method::GET, format!("/v1/uploads/{}", o.upload), None),
        (Method::HEAD, format!("/v1/uploads/{}", o.upload), None),
        (Method::POST, format!("/v1/uploads/{}/complete", o.upload), j(json!({}))),
        (Method::GET, format!("/v1/jobs/{}", o.job), None),
        (Method::POST, format!("/v1/jobs/{}/cancel", o.job), j(json!({}))),
        (Method::POST, format!("/v1/jobs/{}/pause", o.job), j(json!({}))),
        (Method::POST, format!("/v1/jobs/{}/resume", o.job), j(json!({}))),
        (Method::POST, format!("/v1/jobs/{}/retry", o.job), j(json!({}))),
        (Method::GET, format!("/v1/jobs/{}/artifacts", o.job), None),
        (Method::GET, format!("/v1/jobs/{}/events", o.job), None),
        (Method::GET, format!("/v1/artifacts/{}", o.file), None),
        (Method::GET, format!("/v1/artifacts/{}/content", o.file), None),
    ]
}

async fn call(api: &Api, method: &Method, path: &str, body: &Option<Value>) -> Reply {
    let mut req = api.request(method.clone(), path);
    if let Some(b) = body {
        req = req.json(b);
    }
    api.send(req).await
}

/// Multipart routes, with a tiny file.
async fn call_multipart(api: &Api, path: &str) -> Reply {
    let form = reqwest::multipart::Form::new().part("file", reqwest::multipart::Part::bytes(b"x".to_vec()).file_name("x.mp4"));
    api.send(api.request(Method::POST, path).multipart(form)).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_foreign_token_gets_nothing_anywhere() {
    let server = InProcess::start(vec![("REELKIT_SERVER__EMBEDDED_WORKER".into(), "false".into())], "").await;
    let anon = Api::new(&server.base);
    let (alice, signed) = anon.signup("alice@example.com", "Alice Inc").await;
    let (mallory, mallory_signed) = anon.signup("mallory@example.com", "Mallory Ltd").await;
    let owned = make_resources(&alice, &signed).await;
    let mallory_org = mallory_signed["organization_id"].as_str().unwrap();
    let key = mallory.post(&format!("/v1/orgs/{mallory_org}/api-keys"), json!({"name": "bot", "role": "admin"})).await;
    let mallory_key = mallory.with_token(key.body["key"].as_str().unwrap());

    let mut checked = 0;
    for (who, api) in [("token", &mallory), ("api key", &mallory_key)] {
        for (method, path, body) in routes(&owned) {
            let r = call(api, &method, &path, &body).await;
            assert!(
                r.status == 403 || r.status == 404,
                "{who}: {method} {path} answered {} {}",
                r.status,
                r.body
            );
            if method != Method::HEAD {
                assert!(r.body["error"]["code"].is_string(), "{method} {path}: {}", r.body);
            }
            checked += 1;
        }
        for path in [format!("/v1/projects/{}/videos", owned.project), format!("/v1/projects/{}/files", owned.project)] {
            let r = call_multipart(api, &path).await;
            assert!(r.status == 403 || r.status == 404, "{who}: POST {path} answered {r:?}");
        }
        // PATCH of an upload is a byte stream, not JSON.
        let r = api
            .send(api.request(Method::PATCH, &format!("/v1/uploads/{}", owned.upload)).header("Upload-Offset", "0").body(vec![1u8; 10]))
            .await;
        assert!(r.status == 403 || r.status == 404, "{who}: PATCH upload answered {r:?}");
        // A job of one's own that names the other's file.
        let mine = api.post("/v1/projects", json!({"name": "mine"})).await;
        if mine.status == 201 {
            let r = api.post(&format!("/v1/projects/{}/jobs", mine.id()), json!({"kind": "tts", "params": {"text": "x", "tts": {"voice": owned.file}}})).await;
            assert_eq!(r.status, 422, "{r:?}");
        }
        let dir = tempfile::tempdir().unwrap();
        let project = api.post("/v1/projects", json!({"name": "decoy"})).await.id();
        let own_video = api.upload_video(&project, &common::lavfi_video(dir.path(), "m.mp4", 1)).await.id();
        let r = api.post(&format!("/v1/videos/{own_video}/jobs"), json!({"kind": "dub", "params": {"narration": owned.file}})).await;
        assert_eq!(r.status, 422, "another organization's artifact cannot be a job input: {r:?}");
        // Lists hold none of the other's resources.
        for list in ["/v1/projects", "/v1/jobs", "/v1/orgs"] {
            let r = api.get(list).await;
            assert_eq!(r.status, 200);
            let text = r.body.to_string();
            for id in [&owned.project, &owned.job, &owned.video, &owned.org] {
                assert!(!text.contains(id.as_str()), "{who}: {list} leaks {id}");
            }
        }
        let r = api.get(&format!("/v1/jobs?project_id={}", owned.project)).await;
        assert_eq!(r.body, json!([]));
    }
    assert!(checked >= 60);

    // No token: 401 everywhere, with a WWW-Authenticate challenge.
    for (method, path, body) in routes(&owned) {
        let r = call(&anon, &method, &path, &body).await;
        assert_eq!(r.status, 401, "{method} {path}");
        assert_eq!(r.headers["www-authenticate"], "Bearer");
    }

    // Alice's things are untouched.
    assert_eq!(alice.get(&format!("/v1/projects/{}", owned.project)).await.body["name"], "secret plans");
    assert_eq!(alice.get(&format!("/v1/jobs/{}", owned.job)).await.body["state"], "queued");
    assert_eq!(alice.get(&format!("/v1/videos/{}", owned.video)).await.status, 200);
    assert_eq!(alice.get(&format!("/v1/orgs/{}/members", owned.org)).await.body.as_array().unwrap().len(), 1);
    assert_eq!(alice.get(&format!("/v1/artifacts/{}/content", owned.file)).await.status, 200);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn roles_limit_what_members_do() {
    let server = InProcess::start(vec![("REELKIT_SERVER__EMBEDDED_WORKER".into(), "false".into())], "").await;
    let anon = Api::new(&server.base);
    let (owner, signed) = anon.signup("olga@example.com", "Roles R Us").await;
    let org = signed["organization_id"].as_str().unwrap();
    let (_, viewer_signed) = anon.signup("vic@example.com", "Vic's own").await;
    let added = owner.post(&format!("/v1/orgs/{org}/members"), json!({"email": "vic@example.com", "role": "viewer"})).await;
    assert_eq!(added.status, 201, "{added:?}");
    let login = anon.post("/v1/auth/login", json!({"email": "vic@example.com", "password": "correct horse battery", "organization_id": org})).await;
    assert_eq!(login.status, 200, "{login:?}");
    let viewer = anon.with_token(login.body["access_token"].as_str().unwrap());
    let project = owner.create_project("p").await;
    assert_eq!(viewer.get(&format!("/v1/projects/{project}")).await.status, 200);
    assert_eq!(viewer.post("/v1/projects", json!({"name": "q"})).await.status, 403);
    assert_eq!(viewer.delete(&format!("/v1/projects/{project}")).await.status, 403);
    assert_eq!(viewer.get(&format!("/v1/orgs/{org}/api-keys")).await.status, 403);
    // Removing the member takes effect at once, token or not.
    let vic = viewer_signed["user_id"].as_str().unwrap();
    assert_eq!(owner.delete(&format!("/v1/orgs/{org}/members/{vic}")).await.status, 204);
    assert_eq!(viewer.get(&format!("/v1/projects/{project}")).await.status, 401);
    // The last owner stays.
    let me = signed["user_id"].as_str().unwrap();
    assert_eq!(owner.patch(&format!("/v1/orgs/{org}/members/{me}"), json!({"role": "admin"})).await.status, 409);
    server.stop().await;
}
