//! What the server's integration tests share: real PostgreSQL clusters
//! (`initdb`/`pg_ctl` on a free port in a temp dir), a real S3 server
//! (`s3s-fs`), the server in-process or as child processes, and an HTTP
//! client for the API. Nothing here fakes the thing under test.
//!
//! PostgreSQL and `s3s-fs` are part of the fixture: with
//! `REELKIT_REQUIRE_SERVICES=1` (the test command) a missing one fails the
//! test, as missing models do with `REELKIT_REQUIRE_MODELS=1`; otherwise the
//! test says SKIP and returns (the rule lives in `reelkit-testkit`).
#![allow(dead_code)]

use std::net::TcpListener as StdListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::{json, Value};

pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

pub fn sample() -> PathBuf {
    repo().join("examples/sample.mp4")
}

/// Whether the test command requires every fixture.
pub fn required() -> bool {
    reelkit_testkit::any_required()
}

/// Fail (required) or say SKIP (not required) when a fixture is missing.
#[macro_export]
macro_rules! require {
    ($opt:expr, $what:expr) => {
        match $opt {
            Some(v) => v,
            None => {
                reelkit_testkit::missing(reelkit_testkit::Fixture::Services, $what);
                return;
            }
        }
    };
}

/// The models the jobs need (tiny.en); required when the test command says so.
pub fn models_installed() -> bool {
    let store = reelkit::models::ModelStore::from_env();
    let ok = store.list().iter().any(|m| m.id == "tiny.en" && m.installed);
    let what = format!("model tiny.en in {} (run `reelkit models fetch`)", store.root().display());
    reelkit_testkit::require(reelkit_testkit::Fixture::Models, ok, &what).is_some()
}

pub fn free_port() -> u16 {
    StdListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn find_tool(name: &str, extra: &[PathBuf]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain(extra.iter().cloned())
        .map(|d| d.join(name))
        .find(|p| p.is_file())
}

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() == 0 }
}

// ---- PostgreSQL -------------------------------------------------------------

/// A throwaway PostgreSQL cluster, stopped and removed on drop.
pub struct PgCluster {
    dir: tempfile::TempDir,
    bin: PathBuf,
    pub port: u16,
}

impl PgCluster {
    pub fn start() -> Option<Self> {
        let mut extra: Vec<PathBuf> = Vec::new();
        if let Ok(entries) = std::fs::read_dir("/usr/lib/postgresql") {
            extra.extend(entries.flatten().map(|e| e.path().join("bin")));
        }
        let initdb = find_tool("initdb", &extra)?;
        let bin = initdb.parent()?.to_path_buf();
        let dir = tempfile::Builder::new().prefix("reelkit-pg-").tempdir().ok()?;
        let data = dir.path().join("data");
        if is_root() {
            // PostgreSQL refuses to run as root: the cluster belongs to `postgres`.
            let status = Command::new("chown").args(["-R", "postgres:postgres"]).arg(dir.path()).status().ok()?;
            assert!(status.success(), "chown of the cluster directory failed");
        }
        let port = free_port();
        let run = |args: Vec<String>| {
            let mut cmd = if is_root() {
                let mut c = Command::new("runuser");
                c.args(["-u", "postgres", "--"]);
                c
            } else {
                Command::new(&args[0])
            };
            if is_root() {
                cmd.arg(&args[0]);
            }
            cmd.args(&args[1..]).stdout(Stdio::null()).stderr(Stdio::piped());
            let out = cmd.output().expect("PostgreSQL tools run");
            assert!(out.status.success(), "{:?} failed: {}", args, String::from_utf8_lossy(&out.stderr));
        };
        let s = |p: &Path| p.display().to_string();
        run(vec![
            s(&bin.join("initdb")),
            "-D".into(),
            s(&data),
            "-U".into(),
            "postgres".into(),
            "--auth=trust".into(),
            "--no-sync".into(),
        ]);
        run(vec![
            s(&bin.join("pg_ctl")),
            "-D".into(),
            s(&data),
            "-l".into(),
            s(&dir.path().join("log")),
            "-o".into(),
            format!(
                "-p {port} -k {} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200",
                dir.path().display()
            ),
            "-w".into(),
            "start".into(),
        ]);
        Some(Self { dir, bin, port })
    }

    /// A fresh database in the cluster, as a URL.
    pub async fn database(&self, name: &str) -> String {
        use sqlx::Connection;
        let admin = format!("postgres://postgres@127.0.0.1:{}/postgres", self.port);
        let mut conn = sqlx::PgConnection::connect(&admin).await.expect("PostgreSQL answers");
        sqlx::query(&format!("CREATE DATABASE \"{name}\"")).execute(&mut conn).await.unwrap();
        format!("postgres://postgres@127.0.0.1:{}/{name}", self.port)
    }
}

impl Drop for PgCluster {
    fn drop(&mut self) {
        let pg_ctl = self.bin.join("pg_ctl");
        let data = self.dir.path().join("data");
        let mut cmd = if is_root() {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(&pg_ctl);
            c
        } else {
            Command::new(&pg_ctl)
        };
        let _ = cmd.arg("-D").arg(&data).args(["-m", "immediate", "stop"]).stdout(Stdio::null()).stderr(Stdio::null()).status();
    }
}

// ---- S3 ---------------------------------------------------------------------

pub const S3_KEY: &str = "reelkit-test-key";
pub const S3_SECRET: &str = "reelkit-test-secret-0123456789";

/// A real S3 server (`s3s-fs`) over a temp dir, with SigV4 checked.
pub struct S3Server {
    _root: tempfile::TempDir,
    child: Child,
    pub endpoint: String,
}

impl S3Server {
    pub fn start(bucket: &str) -> Option<Self> {
        let tools = std::env::var_os("REELKIT_TOOLS")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from(std::env::var_os("HOME").unwrap_or_default()).join(".cache/reelkit/tools"));
        let exe = find_tool("s3s-fs", &[tools.join("bin")])?;
        let root = tempfile::Builder::new().prefix("reelkit-s3-").tempdir().ok()?;
        std::fs::create_dir_all(root.path().join(bucket)).ok()?;
        let port = free_port();
        let child = Command::new(exe)
            .args(["--host", "127.0.0.1", "--port", &port.to_string(), "--access-key", S3_KEY, "--secret-key", S3_SECRET])
            .arg(root.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .ok()?;
        let server = Self { _root: root, child, endpoint: format!("http://127.0.0.1:{port}") };
        wait_for_port(port, Duration::from_secs(20));
        Some(server)
    }

    /// Settings that point a server at this store.
    pub fn env(&self, bucket: &str) -> Vec<(String, String)> {
        vec![
            ("REELKIT_SERVER__STORE__KIND".into(), "s3".into()),
            ("REELKIT_SERVER__STORE__BUCKET".into(), bucket.into()),
            ("REELKIT_SERVER__STORE__ENDPOINT".into(), self.endpoint.clone()),
            ("REELKIT_SERVER__STORE__ACCESS_KEY_ID".into(), S3_KEY.into()),
            ("REELKIT_SERVER__STORE__SECRET_ACCESS_KEY".into(), S3_SECRET.into()),
            ("REELKIT_SERVER__STORE__ALLOW_HTTP".into(), "true".into()),
        ]
    }
}

impl Drop for S3Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn wait_for_port(port: u16, limit: Duration) {
    let start = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(start.elapsed() < limit, "nothing listens on port {port}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

// ---- the server ---------------------------------------------------------------

/// Settings for tests: short leases and polls, a one-rung ladder chain.
pub fn test_env(data: &Path) -> Vec<(String, String)> {
    vec![
        ("REELKIT_DATA".into(), data.display().to_string()),
        ("REELKIT_SERVER__WORKER__POLL_MS".into(), "100".into()),
        ("REELKIT_SERVER__WORKER__HEARTBEAT_MS".into(), "300".into()),
        ("REELKIT_SERVER__WORKER__LEASE_SECONDS".into(), "3".into()),
        ("REELKIT_SERVER__WORKER__BACKOFF_SECONDS".into(), "0.2".into()),
        ("REELKIT_SERVER__WORKER__SHUTDOWN_GRACE_SECONDS".into(), "0".into()),
    ]
}

/// A small chain for tests: ingest → transcode (one 240p rung + proxy) → transcribe.
pub const TEST_CHAIN: &str = r#"
[[chain]]
kind = "ingest"

[[chain]]
kind = "transcode"
params = { hls = { dir = "hls", ladder = [240] }, proxy = { path = "proxy.mp4", height = 240 } }

[[chain]]
kind = "transcribe"
params = { asr = { threads = 2 } }
"#;

/// The server in this process, stopped on drop.
pub struct InProcess {
    pub base: String,
    pub data: tempfile::TempDir,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl InProcess {
    /// Start with `env` over the test settings and `toml` as the file.
    pub async fn start(env: Vec<(String, String)>, toml: &str) -> Self {
        let data = tempfile::tempdir().unwrap();
        let file = data.path().join("server.toml");
        std::fs::write(&file, toml).unwrap();
        let mut vars = test_env(data.path());
        vars.extend(env);
        let config = reelkit_server::ServerConfig::load_from(Some(&file), &vars).expect("test settings are valid");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (tx, rx) = tokio::sync::oneshot::channel();
        let task = tokio::spawn(async move {
            reelkit_server::serve(listener, config, async {
                let _ = rx.await;
            })
            .await
            .expect("server runs");
        });
        Self { base: format!("http://{addr}"), data, stop: Some(tx), task: Some(task) }
    }

    pub async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = tokio::time::timeout(Duration::from_secs(30), task).await;
        }
    }
}

impl Drop for InProcess {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// `reelkit-server` as a child process (killed on drop).
pub struct ChildServer {
    pub child: Child,
    pub name: String,
}

impl ChildServer {
    pub fn spawn(args: &[&str], env: &[(String, String)], log: &Path) -> Self {
        let log_file = std::fs::File::create(log).unwrap();
        let child = Command::new(env!("CARGO_BIN_EXE_reelkit-server"))
            .args(args)
            .envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .env("REELKIT_LOG", "info,sqlx=warn")
            .stdout(log_file.try_clone().unwrap())
            .stderr(log_file)
            .spawn()
            .expect("reelkit-server starts");
        Self { child, name: args.join(" ") }
    }

    /// SIGKILL: no chance to clean up.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// SIGTERM and wait for the exit.
    pub fn terminate(&mut self) -> std::process::ExitStatus {
        // SAFETY: signalling our own child by its pid.
        unsafe { libc::kill(self.child.id() as i32, libc::SIGTERM) };
        self.child.wait().unwrap()
    }
}

impl Drop for ChildServer {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

// ---- the HTTP client ------------------------------------------------------------

/// One caller of the API.
#[derive(Clone)]
pub struct Api {
    pub base: String,
    pub token: Option<String>,
    pub client: reqwest::Client,
}

pub struct Reply {
    pub status: StatusCode,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
}

impl std::fmt::Debug for Reply {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.status, self.body)
    }
}

impl Reply {
    pub fn id(&self) -> String {
        self.body["id"].as_str().unwrap_or_else(|| panic!("no id in {self:?}")).to_owned()
    }
}

impl Api {
    pub fn new(base: &str) -> Self {
        Self { base: base.to_owned(), token: None, client: reqwest::Client::new() }
    }

    pub fn with_token(&self, token: &str) -> Self {
        Self { token: Some(token.to_owned()), ..self.clone() }
    }

    pub fn url(&self, path: &str) -> String {
        if path.starts_with("http") {
            path.to_owned()
        } else {
            format!("{}{path}", self.base)
        }
    }

    pub fn request(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        let mut req = self.client.request(method, self.url(path));
        if let Some(t) = &self.token {
            req = req.bearer_auth(t);
        }
        req
    }

    pub async fn send(&self, req: reqwest::RequestBuilder) -> Reply {
        let resp = req.send().await.expect("the server answers");
        let status = resp.status();
        let headers = resp.headers().clone();
        let bytes = resp.bytes().await.unwrap_or_default();
        let body = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes).unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()))
        };
        Reply { status, headers, body }
    }

    pub async fn get(&self, path: &str) -> Reply {
        self.send(self.request(reqwest::Method::GET, path)).await
    }

    pub async fn delete(&self, path: &str) -> Reply {
        self.send(self.request(reqwest::Method::DELETE, path)).await
    }

    pub async fn post(&self, path: &str, body: Value) -> Reply {
        self.send(self.request(reqwest::Method::POST, path).json(&body)).await
    }

    pub async fn patch(&self, path: &str, body: Value) -> Reply {
        self.send(self.request(reqwest::Method::PATCH, path).json(&body)).await
    }

    /// Sign up a new user and organisation; the API acting as them.
    pub async fn signup(&self, email: &str, org: &str) -> (Api, Value) {
        let r = self.post("/v1/auth/signup", json!({"email": email, "password": "correct horse battery", "organization": org})).await;
        assert_eq!(r.status, 201, "{r:?}");
        let token = r.body["access_token"].as_str().unwrap();
        (self.with_token(token), r.body)
    }

    pub async fn create_project(&self, name: &str) -> String {
        let r = self.post("/v1/projects", json!({"name": name})).await;
        assert_eq!(r.status, 201, "{r:?}");
        r.id()
    }

    /// Upload `path` as a video in one multipart request.
    pub async fn upload_video(&self, project: &str, path: &Path) -> Reply {
        let bytes = std::fs::read(path).unwrap();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let form = reqwest::multipart::Form::new().part("file", reqwest::multipart::Part::bytes(bytes).file_name(name));
        self.send(self.request(reqwest::Method::POST, &format!("/v1/projects/{project}/videos")).multipart(form)).await
    }

    /// Poll a job until `done` holds, or panic after `limit`.
    pub async fn wait_job(&self, job: &str, limit: Duration, done: impl Fn(&Value) -> bool) -> Value {
        let start = Instant::now();
        loop {
            let r = self.get(&format!("/v1/jobs/{job}")).await;
            assert_eq!(r.status, 200, "{r:?}");
            if done(&r.body) {
                return r.body;
            }
            assert!(start.elapsed() < limit, "job {job} did not get there in {limit:?}: {}", r.body);
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    /// Poll until the job is in a final state.
    pub async fn wait_final(&self, job: &str, limit: Duration) -> Value {
        self.wait_job(job, limit, |j| ["succeeded", "failed", "cancelled"].contains(&j["state"].as_str().unwrap_or(""))).await
    }

    /// Download `url` (absolute) with this caller's token.
    pub async fn download(&self, url: &str) -> (StatusCode, Vec<u8>) {
        let resp = self.request(reqwest::Method::GET, url).send().await.unwrap();
        let status = resp.status();
        (status, resp.bytes().await.unwrap_or_default().to_vec())
    }
}

/// A short lavfi video (with audio) for tests that need any media.
pub fn lavfi_video(dir: &Path, name: &str, seconds: u32) -> PathBuf {
    let out = dir.join(name);
    let status = Command::new("ffmpeg")
        .args(["-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i"])
        .arg(format!("testsrc2=size=160x120:rate=10:duration={seconds}"))
        .args(["-f", "lavfi", "-i"])
        .arg(format!("sine=duration={seconds}"))
        .args(["-c:v", "libx264", "-c:a", "aac", "-shortest"])
        .arg(&out)
        .status()
        .expect("ffmpeg runs");
    assert!(status.success());
    out
}

/// `ffprobe` one entry of the first stream of `kind` (`v` or `a`).
pub fn ffprobe(path: &Path, kind: &str, entry: &str) -> String {
    let out = Command::new("ffprobe")
        .args(["-v", "error", "-select_streams", &format!("{kind}:0"), "-show_entries"])
        .arg(format!("stream={entry}"))
        .args(["-of", "default=nw=1:nk=1"])
        .arg(path)
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}
