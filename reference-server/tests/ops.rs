//! Operations: the binary's contract (`serve --addr --data` with nothing
//! else), settings refused at start with the setting named, health,
//! readiness, metrics, the OpenAPI document, and the quick probe.

mod common;

use std::process::Command;
use std::time::Duration;

use common::{Api, InProcess};
use serde_json::Value;

#[test]
fn serve_needs_only_an_address_and_a_data_dir() {
    let exe = env!("CARGO_BIN_EXE_reelkit-server");
    let dir = tempfile::tempdir().unwrap();
    let port = common::free_port();
    let mut child = Command::new(exe)
        .args(["serve", "--addr", &format!("127.0.0.1:{port}"), "--data"])
        .arg(dir.path())
        .env_remove("REELKIT_CONFIG")
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    common::wait_for_port(port, Duration::from_secs(30));
    let rt = tokio::runtime::Runtime::new().unwrap();
    let ready = rt.block_on(async {
        let api = Api::new(&format!("http://127.0.0.1:{port}"));
        let ready = api.get("/readyz").await;
        let (api, _) = api.signup("ops@example.com", "Ops").await;
        assert_eq!(api.get("/v1/me").await.body["role"], "owner");
        ready
    });
    // SIGTERM: a clean exit.
    // SAFETY: signalling our own child.
    unsafe { libc::kill(child.id() as i32, libc::SIGTERM) };
    let status = child.wait().unwrap();
    assert_eq!(ready.status, 200, "{ready:?}");
    assert_eq!(ready.body["database"], "ok");
    assert!(status.success(), "{status:?}");
    assert!(dir.path().join("reelkit.db").exists(), "SQLite in the data directory");
    assert!(dir.path().join("objects").is_dir(), "the local store in the data directory");
}

#[test]
fn bad_settings_stop_the_start_with_the_setting_named() {
    let exe = env!("CARGO_BIN_EXE_reelkit-server");
    let out = Command::new(exe).args(["serve", "--addr", "not-an-address"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = Command::new(exe).args(["check-config"]).env("REELKIT_SERVER__WORKER__LEASE_SECONDS", "0").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("worker.lease_seconds") && err.contains("1..=3600"), "{err}");
    let out = Command::new(exe).args(["check-config"]).env("REELKIT_SERVER__STORE__KIND", "ftp").output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
    let out = Command::new(exe)
        .args(["check-config"])
        .env("REELKIT_SERVER__AUTH__JWT_SECRET", "a-secret-that-is-long-enough-to-use-here")
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(!String::from_utf8_lossy(&out.stdout).contains("long-enough"), "secrets stay hidden");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_metrics_openapi_and_probe() {
    let server = InProcess::start(vec![("REELKIT_SERVER__EMBEDDED_WORKER".into(), "false".into())], "").await;
    let anon = Api::new(&server.base);
    assert_eq!(anon.get("/healthz").await.body["status"], "ok");
    let ready = anon.get("/readyz").await;
    assert_eq!((ready.status.as_u16(), ready.body["store"].as_str()), (200, Some("ok")));
    let doc = anon.get("/openapi.json").await.body;
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    for path in ["/v1/auth/signup", "/v1/projects", "/v1/videos/{video_id}/jobs", "/v1/jobs/{job_id}/artifacts", "/v1/uploads/{upload_id}"] {
        assert!(doc["paths"][path].is_object(), "{path} documented");
    }
    let (api, _) = anon.signup("pia@example.com", "Probes").await;

    let dir = tempfile::tempdir().unwrap();
    let video = common::lavfi_video(dir.path(), "tone.mp4", 2);
    let form = reqwest::multipart::Form::new().part("file", reqwest::multipart::Part::bytes(std::fs::read(&video).unwrap()).file_name("tone.mp4"));
    let r = api.send(api.request(reqwest::Method::POST, "/v1/probe").multipart(form)).await;
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(r.body["video"]["width"], 160);
    assert_eq!(r.body["audio"]["codec"], "aac");
    assert_eq!(r.body["path"], "tone.mp4");
    let form = reqwest::multipart::Form::new().part("file", reqwest::multipart::Part::bytes(b"hello, not a video".repeat(10)).file_name("notes.txt"));
    let r = api.send(api.request(reqwest::Method::POST, "/v1/probe").multipart(form)).await;
    assert_eq!(r.status, 422, "{r:?}");
    assert_eq!(r.body["error"]["code"], "not_media");
    assert!(!r.body["error"]["message"].as_str().unwrap().contains(&server.data.path().display().to_string()));
    let leftovers: Vec<_> = std::fs::read_dir(server.data.path().join("uploads")).unwrap().collect();
    assert!(leftovers.is_empty(), "probe uploads do not pile up");

    let metrics = anon.get("/metrics").await;
    let text = match &metrics.body {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    assert!(text.contains("reelkit_http_request_duration_seconds_bucket"), "{text}");
    assert!(text.contains("route=\"/v1/probe\""), "{text}");
    assert!(text.contains("reelkit_jobs{kind=\"all\",state=\"queued\"}"), "{text}");
    server.stop().await;
}
