//! The server over real HTTP on 127.0.0.1 with real uploads.

use std::path::{Path, PathBuf};
use std::process::Command;

use reelkit_server::ServerConfig;
use serde_json::Value;

struct Running {
    base: String,
    _data: tempfile::TempDir,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

async fn start(max_upload_bytes: u64) -> Running {
    let data = tempfile::tempdir().unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let config = ServerConfig { addr, data_dir: data.path().into(), max_upload_bytes };
    let (tx, rx) = tokio::sync::oneshot::channel();
    tokio::spawn(reelkit_server::serve(listener, config, async {
        let _ = rx.await;
    }));
    Running { base: format!("http://{addr}"), _data: data, stop: Some(tx) }
}

fn lavfi_mp4(dir: &Path) -> PathBuf {
    let out = dir.join("sample.mp4");
    let status = Command::new("ffmpeg")
        .args(["-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25:duration=2"])
        .args(["-f", "lavfi", "-i", "sine=duration=2", "-c:v", "libx264", "-c:a", "aac", "-shortest"])
        .arg(&out)
        .status()
        .unwrap();
    assert!(status.success());
    out
}

async fn upload(base: &str, name: &str, bytes: Vec<u8>) -> (u16, Value) {
    let form = reqwest::multipart::Form::new().part("file", reqwest::multipart::Part::bytes(bytes).file_name(name.to_owned()));
    let resp = reqwest::Client::new().post(format!("{base}/v1/probe")).multipart(form).send().await.unwrap();
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap())
}

#[tokio::test]
async fn healthz_answers() {
    let server = start(1 << 30).await;
    let body: Value = reqwest::get(format!("{}/healthz", server.base)).await.unwrap().json().await.unwrap();
    assert_eq!(body["status"], "ok");
}

#[tokio::test]
async fn probe_of_an_uploaded_video() {
    let server = start(1 << 30).await;
    let dir = tempfile::tempdir().unwrap();
    let bytes = std::fs::read(lavfi_mp4(dir.path())).unwrap();
    let (status, body) = upload(&server.base, "../../sample.mp4", bytes.clone()).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["video"]["width"], 320);
    assert_eq!(body["audio"]["codec"], "aac");
    assert_eq!(body["path"], "sample.mp4");
    assert_eq!(body["size_bytes"], bytes.len() as u64);
    assert!((body["duration"].as_f64().unwrap() - 2.0).abs() < 0.1);
    // Uploads do not pile up on disk.
    let uploads: Vec<_> = std::fs::read_dir(server._data.path().join("uploads")).unwrap().collect();
    assert!(uploads.is_empty());
}

#[tokio::test]
async fn client_mistakes_are_4xx_with_an_error_body() {
    let server = start(64 * 1024).await;
    let (status, body) = upload(&server.base, "notes.txt", b"hello, not a video".repeat(10)).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["error"]["code"], "not_media");
    assert!(!body["error"]["message"].as_str().unwrap().contains("/tmp"));

    let (status, body) = upload(&server.base, "empty.mp4", Vec::new()).await;
    assert_eq!(status, 422);
    assert_eq!(body["error"]["code"], "corrupt_media");

    let (status, body) = upload(&server.base, "big.bin", vec![0u8; 200 * 1024]).await;
    assert_eq!(status, 413, "{body}");
    assert_eq!(body["error"]["code"], "too_large");

    let form = reqwest::multipart::Form::new().text("other", "x");
    let resp = reqwest::Client::new().post(format!("{}/v1/probe", server.base)).multipart(form).send().await.unwrap();
    assert_eq!(resp.status().as_u16(), 400);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["error"]["code"], "missing_file");

    let resp = reqwest::Client::new()
        .post(format!("{}/v1/probe", server.base))
        .header("content-type", "application/json")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert!(resp.status().is_client_error(), "{}", resp.status());
}

#[test]
fn binary_starts_on_a_given_address_and_rejects_bad_settings() {
    let exe = env!("CARGO_BIN_EXE_reelkit-server");
    let out = Command::new(exe).args(["serve", "--addr", "not-an-address"]).output().unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--addr") || err.contains("invalid"), "{err}");

    let dir = tempfile::tempdir().unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut child = Command::new(exe)
        .args(["serve", "--addr", &format!("127.0.0.1:{port}"), "--data"])
        .arg(dir.path())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut ok = false;
    for _ in 0..100 {
        if let Ok(mut s) = std::net::TcpStream::connect(("127.0.0.1", port)) {
            use std::io::{Read, Write};
            s.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").unwrap();
            let mut resp = String::new();
            let _ = s.read_to_string(&mut resp);
            ok = resp.starts_with("HTTP/1.1 200") && resp.contains("\"ok\"");
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let _ = child.kill();
    let _ = child.wait();
    assert!(ok, "server did not answer /healthz");
}
