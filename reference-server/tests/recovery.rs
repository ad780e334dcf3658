//! Crash recovery with real processes: a `reelkit-server worker` SIGKILLed
//! in the middle of a job leaves it leased; the lease runs out, another
//! worker runs it to completion, and every artifact is there once. A
//! worker stopped with SIGTERM gives its job back at once instead.

mod common;

use std::collections::HashSet;
use std::time::{Duration, Instant};

use common::{Api, ChildServer};
use serde_json::{json, Value};

const CONFIG: &str = "chain = []\n";

fn spawn(args: &[&str], env: &[(String, String)], dir: &std::path::Path, log: &str) -> ChildServer {
    ChildServer::spawn(args, env, &dir.join(log))
}

fn parse_time(s: &Value) -> time::OffsetDateTime {
    time::OffsetDateTime::parse(s.as_str().unwrap(), &time::format_description::well_known::Rfc3339).unwrap()
}

/// Every file the HLS master playlist names, through its media playlists.
async fn hls_files(api: &Api, by_name: &std::collections::HashMap<String, Value>) -> Vec<String> {
    let mut needed = Vec::new();
    let (_, master) = api.download(by_name["hls/master.m3u8"]["url"].as_str().unwrap()).await;
    for line in String::from_utf8_lossy(&master).lines() {
        let uri = if let Some(rest) = line.split("URI=\"").nth(1) { rest.split('"').next().unwrap().to_owned() } else { line.to_owned() };
        if uri.ends_with(".m3u8") && !line.starts_with("#EXT-X-STREAM-INF") {
            let playlist = format!("hls/{uri}");
            needed.push(playlist.clone());
            let dir = playlist.rsplit_once('/').map(|(d, _)| d.to_owned()).unwrap_or_default();
            let (_, media) = api.download(by_name[&playlist]["url"].as_str().unwrap()).await;
            for l in String::from_utf8_lossy(&media).lines() {
                let seg = if let Some(rest) = l.split("URI=\"").nth(1) { rest.split('"').next().unwrap().to_owned() } else { l.to_owned() };
                if !seg.is_empty() && !seg.starts_with('#') || l.starts_with("#EXT-X-MAP") {
                    needed.push(format!("{dir}/{seg}"));
                }
            }
        }
    }
    needed
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_workers_job_runs_again_elsewhere_with_nothing_lost_or_doubled() {
    let data = tempfile::tempdir().unwrap();
    let logs = tempfile::tempdir().unwrap();
    let config = data.path().join("server.toml");
    std::fs::write(&config, CONFIG).unwrap();
    let env = common::test_env(data.path());
    let port = common::free_port();
    let addr = format!("127.0.0.1:{port}");
    let cfg = config.display().to_string();
    let _api_server = spawn(&["serve", "--addr", &addr, "--no-worker", "--config", &cfg], &env, logs.path(), "api.log");
    common::wait_for_port(port, Duration::from_secs(30));
    let base = format!("http://{addr}");
    let (api, signed) = Api::new(&base).signup("rex@example.com", "Recovery").await;
    let org = signed["organization_id"].as_str().unwrap().to_owned();
    let project = api.create_project("p").await;
    let video = api.upload_video(&project, &common::sample()).await.id();

    let mut worker_a = spawn(&["worker", "--name", "worker-a", "--config", &cfg], &env, logs.path(), "a.log");
    let params = json!({"hls": {"dir": "hls", "ladder": [360, 240], "preset": "veryslow"}, "proxy": {"path": "proxy.mp4", "height": 240, "preset": "veryslow"}});
    let job = api.post(&format!("/v1/videos/{video}/jobs"), json!({"kind": "transcode", "params": params})).await.id();
    let running = api
        .wait_job(&job, Duration::from_secs(90), |j| j["state"] == "running" && j["progress"].as_f64().unwrap_or(0.0) > 0.05)
        .await;
    assert_eq!(running["runs"][0]["worker"], "worker-a", "{running}");
    worker_a.kill();
    let killed_at = time::OffsetDateTime::now_utc();

    let _worker_b = spawn(&["worker", "--name", "worker-b", "--config", &cfg], &env, logs.path(), "b.log");
    let done = api.wait_final(&job, Duration::from_secs(180)).await;
    assert_eq!(done["state"], "succeeded", "{done}");
    assert_eq!(done["attempts"], 2);
    let runs = done["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 2, "{runs:?}");
    assert_eq!((runs[0]["worker"].as_str(), runs[0]["outcome"].as_str()), (Some("worker-a"), Some("lost")));
    assert_eq!((runs[1]["worker"].as_str(), runs[1]["outcome"].as_str()), (Some("worker-b"), Some("succeeded")));
    let waited = (parse_time(&runs[1]["started_at"]) - killed_at).as_seconds_f64();
    assert!(waited >= 2.0, "the job waited for the lease (3 s) to run out, not {waited} s");
    eprintln!("recovery: worker-b took the job {waited:.1} s after worker-a was killed");

    // Every artifact once, each intact; every file the playlists name is there.
    let r = api.get(&format!("/v1/jobs/{job}/artifacts")).await;
    let list = r.body.as_array().unwrap();
    let names: Vec<String> = list.iter().map(|a| a["name"].as_str().unwrap().to_owned()).collect();
    let unique: HashSet<&String> = names.iter().collect();
    assert_eq!(unique.len(), names.len(), "no artifact twice: {names:?}");
    assert!(names.contains(&"proxy.mp4".to_owned()));
    let by_name: std::collections::HashMap<String, Value> = list.iter().map(|a| (a["name"].as_str().unwrap().to_owned(), a.clone())).collect();
    let needed = hls_files(&api, &by_name).await;
    assert!(needed.len() >= 6, "the playlists name their media: {needed:?}");
    for needed in needed {
        assert!(by_name.contains_key(&needed), "the playlists name {needed}, which is missing from {names:?}");
    }
    for a in list {
        let (status, bytes) = api.download(a["url"].as_str().unwrap()).await;
        assert_eq!(status, 200);
        assert_eq!(bytes.len() as u64, a["size"].as_u64().unwrap(), "{}", a["name"]);
        let sha = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(&bytes));
        assert_eq!(a["sha256"], sha.as_str(), "{}", a["name"]);
    }
    // The killed run stored nothing: only the recorded attempt has objects.
    let job_dir = data.path().join("objects/orgs").join(&org).join("jobs").join(&job);
    let attempts: Vec<String> = std::fs::read_dir(&job_dir).unwrap().flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect();
    assert_eq!(attempts, ["a2"], "objects of the lost run: {attempts:?}");
    eprintln!("recovery: {} artifacts, all present once", names.len());

    // SIGTERM: the worker gives the job back at once (grace 0 here).
    let job2 = api.post(&format!("/v1/videos/{video}/jobs"), json!({"kind": "transcode", "params": params})).await.id();
    let mut worker_b = _worker_b;
    api.wait_job(&job2, Duration::from_secs(90), |j| j["state"] == "running" && j["progress"].as_f64().unwrap_or(0.0) > 0.05).await;
    let stopping = Instant::now();
    let status = worker_b.terminate();
    assert!(status.success(), "a terminated worker exits cleanly: {status:?}");
    assert!(stopping.elapsed() < Duration::from_secs(20));
    let released = api.get(&format!("/v1/jobs/{job2}")).await.body;
    assert_eq!(released["state"], "queued", "{released}");
    assert_eq!(released["attempts"], 0, "a released run is not an attempt");
    assert_eq!(released["runs"][0]["outcome"], "released");
    let _worker_c = spawn(&["worker", "--name", "worker-c", "--config", &cfg], &env, logs.path(), "c.log");
    let done = api.wait_final(&job2, Duration::from_secs(180)).await;
    assert_eq!(done["state"], "succeeded");
    assert_eq!(done["runs"][1]["worker"], "worker-c");
}
