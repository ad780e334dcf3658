//! Scale-out on one machine: one API and three worker processes on one
//! PostgreSQL queue drain 60 jobs — none lost, none run twice, and the
//! work spread over the workers.

mod common;

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use common::{Api, ChildServer, PgCluster};
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_workers_drain_sixty_jobs_once_each() {
    let pg = require!(PgCluster::start(), "PostgreSQL (initdb, pg_ctl)");
    let url = pg.database("scale").await;
    let data = tempfile::tempdir().unwrap();
    let logs = tempfile::tempdir().unwrap();
    let config = data.path().join("server.toml");
    std::fs::write(&config, "chain = []\n").unwrap();
    let cfg = config.display().to_string();
    let mut env = common::test_env(data.path());
    env.push(("REELKIT_DATABASE_URL".into(), url));
    env.push(("REELKIT_SERVER__DATABASE_CONNECTIONS".into(), "8".into()));
    let port = common::free_port();
    let addr = format!("127.0.0.1:{port}");
    let _api = ChildServer::spawn(&["serve", "--addr", &addr, "--no-worker", "--config", &cfg], &env, &logs.path().join("api.log"));
    common::wait_for_port(port, Duration::from_secs(30));
    let workers: Vec<ChildServer> = (1..=3)
        .map(|i| {
            let name = format!("w{i}");
            ChildServer::spawn(&["worker", "--name", &name, "--concurrency", "2", "--config", &cfg], &env, &logs.path().join(format!("{name}.log")))
        })
        .collect();

    let base = format!("http://{addr}");
    let (api, _) = Api::new(&base).signup("sam@example.com", "Scalers").await;
    let project = api.create_project("p").await;
    let video = api.upload_video(&project, &common::sample()).await.id();
    let started = Instant::now();
    let mut jobs = Vec::new();
    for _ in 0..60 {
        let r = api.post(&format!("/v1/videos/{video}/jobs"), json!({"kind": "probe"})).await;
        assert_eq!(r.status, 202, "{r:?}");
        jobs.push(r.id());
    }
    loop {
        let r = api.get(&format!("/v1/jobs?video_id={video}&state=succeeded&limit=1")).await;
        if r.headers["x-total-count"] == "60" {
            break;
        }
        let failed = api.get(&format!("/v1/jobs?video_id={video}&state=failed&limit=5")).await;
        assert_eq!(failed.body, json!([]), "no job fails");
        assert!(started.elapsed() < Duration::from_secs(180), "60 jobs not drained: {} done", r.headers["x-total-count"].to_str().unwrap());
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let drained = started.elapsed();

    let mut per_worker: BTreeMap<String, usize> = BTreeMap::new();
    for job in &jobs {
        let j = api.get(&format!("/v1/jobs/{job}")).await.body;
        let runs = j["runs"].as_array().unwrap();
        assert_eq!(runs.len(), 1, "job {job} ran {} times: {runs:?}", runs.len());
        assert_eq!(runs[0]["outcome"], "succeeded");
        assert_eq!(j["result"]["video"]["width"], 640);
        *per_worker.entry(runs[0]["worker"].as_str().unwrap().to_owned()).or_default() += 1;
    }
    eprintln!("scale-out: 60 probe jobs drained in {:.1} s by {per_worker:?}", drained.as_secs_f64());
    assert_eq!(per_worker.values().sum::<usize>(), 60);
    assert_eq!(per_worker.len(), 3, "every worker took work: {per_worker:?}");
    assert!(per_worker.values().all(|n| *n >= 5), "the work spreads: {per_worker:?}");

    // The queue depth the API reports is zero now.
    let metrics = api.send(api.request(reqwest::Method::GET, "/metrics")).await.body;
    let text = metrics.as_str().unwrap_or_default().to_owned();
    assert!(text.contains("reelkit_jobs{kind=\"all\",state=\"queued\"} 0"), "{text}");
    assert!(text.contains("reelkit_jobs{kind=\"probe\",state=\"succeeded\"} 60"), "{text}");
    drop(workers);
}
