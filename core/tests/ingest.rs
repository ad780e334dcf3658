//! Ingest from local files and from a web server on 127.0.0.1 (direct
//! downloads and yt-dlp); nothing leaves the machine.

mod common;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use reelkit::ingest::{ingest, locate_yt_dlp, FetchConfig, IngestConfig, Method, ValidationPolicy, YtDlpMode};
use reelkit::{CancelToken, ProgressEvent, RunCtl};

use common::ffmpeg;

/// A small H.264 + AAC file.
fn clip(dir: &Path, name: &str, seconds: f64, size: &str) -> PathBuf {
    let out = dir.join(name);
    let video = format!("testsrc2=size={size}:rate=25:duration={seconds}");
    let audio = format!("sine=frequency=440:sample_rate=48000:duration={seconds}");
    ffmpeg(&[
        "-f", "lavfi", "-i", &video, "-f", "lavfi", "-i", &audio, "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt",
        "yuv420p", "-c:a", "aac", "-shortest", "-f", if name.ends_with(".mkv") { "matroska" } else { "mp4" },
        out.to_str().unwrap(),
    ]);
    out
}

/// `sha256sum`'s digest of a file.
fn sha256sum(path: &Path) -> String {
    let out = Command::new("sha256sum").arg(path).output().expect("sha256sum runs");
    String::from_utf8_lossy(&out.stdout).split_whitespace().next().unwrap().to_owned()
}

fn ctl() -> RunCtl {
    RunCtl::default()
}

fn rule(result: reelkit::Result<reelkit::ingest::IngestReport>) -> &'static str {
    match result {
        Err(e) if e.kind() == reelkit::ErrorKind::PolicyViolation => e.field().unwrap_or_default().to_owned().leak(),
        other => panic!("expected a policy violation, got {other:?}"),
    }
}

/// Entries of a directory by name, hidden ones included.
fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = match std::fs::read_dir(dir) {
        Ok(entries) => entries.map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect(),
        Err(_) => Vec::new(),
    };
    names.sort();
    names
}

/// A web server on 127.0.0.1 serving the files of a directory, plus
/// `/hang` (accepts, never answers); anything else is a 404.
struct Server {
    port: u16,
}

impl Server {
    fn start(root: PathBuf) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let root = root.clone();
                std::thread::spawn(move || serve(stream, &root));
            }
        });
        Self { port }
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}/{path}", self.port)
    }
}

fn serve(mut stream: TcpStream, root: &Path) {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        match stream.read(&mut byte) {
            Ok(1) => head.push(byte[0]),
            _ => return,
        }
    }
    let request = String::from_utf8_lossy(&head);
    let mut words = request.split_whitespace();
    let method = words.next().unwrap_or("");
    let path = words.next().unwrap_or("/").trim_start_matches('/').split('?').next().unwrap_or("").to_owned();
    if path == "hang" {
        std::thread::sleep(Duration::from_secs(120));
        return;
    }
    let file = root.join(&path);
    let (status, body, kind) = match std::fs::read(&file) {
        Ok(bytes) if !path.is_empty() && !path.contains("..") => {
            let kind = match file.extension().and_then(|e| e.to_str()) {
                Some("html") => "text/html; charset=utf-8",
                Some("m3u8") => "application/vnd.apple.mpegurl",
                Some("ts") => "video/mp2t",
                Some("mp4") => "video/mp4",
                _ => "application/octet-stream",
            };
            ("200 OK", bytes, kind)
        }
        _ => ("404 Not Found", b"not here".to_vec(), "text/plain"),
    };
    let header = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let _ = stream.write_all(header.as_bytes());
    if method != "HEAD" {
        let _ = stream.write_all(&body);
    }
}

#[test]
fn local_files_are_fingerprinted_sniffed_and_stored_once() {
    let dir = tempfile::tempdir().unwrap();
    let input = clip(dir.path(), "talk.mp4", 1.0, "320x240");
    let report = ingest(input.to_str().unwrap(), &IngestConfig::default(), &ctl()).unwrap();
    assert_eq!(report.method, Method::File);
    assert_eq!(report.path, input.display().to_string());
    assert_eq!(report.sha256, sha256sum(&input));
    assert_eq!(report.container, "mp4");
    assert_eq!(report.size_bytes, std::fs::metadata(&input).unwrap().len());
    assert!(!report.duplicate);
    assert!((report.media.duration - 1.0).abs() < 0.1);

    let store = dir.path().join("store");
    let config = IngestConfig::default().dest(&store);
    let first = ingest(input.to_str().unwrap(), &config, &ctl()).unwrap();
    let stored = store.join(format!("{}.mp4", first.sha256));
    assert_eq!(first.path, stored.display().to_string());
    assert!(!first.duplicate);
    assert_eq!(sha256sum(&stored), first.sha256);
    // The same bytes under another name are recognised.
    let copy = dir.path().join("renamed upload.mp4");
    std::fs::copy(&input, &copy).unwrap();
    let again = ingest(copy.to_str().unwrap(), &config, &ctl()).unwrap();
    assert!(again.duplicate);
    assert_eq!((again.path.as_str(), again.sha256.as_str()), (first.path.as_str(), first.sha256.as_str()));
    assert_eq!(listing(&store), vec![format!("{}.json", first.sha256), format!("{}.mp4", first.sha256)]);
    let sidecar: serde_json::Value =
        serde_json::from_slice(&std::fs::read(store.join(format!("{}.json", first.sha256))).unwrap()).unwrap();
    assert_eq!(sidecar["sha256"], first.sha256.as_str());
    assert_eq!(sidecar["media"]["video"]["width"], 320);
}

#[test]
fn containers_are_sniffed_from_bytes_not_names() {
    let dir = tempfile::tempdir().unwrap();
    let mkv = clip(dir.path(), "real.mkv", 1.0, "160x120");
    let disguised = dir.path().join("disguised.mp4");
    std::fs::rename(&mkv, &disguised).unwrap();
    let report = ingest(disguised.to_str().unwrap(), &IngestConfig::default(), &ctl()).unwrap();
    assert_eq!(report.container, "mkv");
    let store = dir.path().join("store");
    let only_mp4 = IngestConfig::default().dest(&store).policy(ValidationPolicy::default().allowed_containers(["mp4", "mov"]));
    let err = ingest(disguised.to_str().unwrap(), &only_mp4, &ctl()).unwrap_err();
    assert!(err.to_string().contains("allowed_containers") && err.to_string().contains("`mkv`"), "{err}");
    assert_eq!(err.code(), "policy_violation");
    assert!(listing(&store).is_empty(), "a rejected file is not stored: {:?}", listing(&store));

    let text = dir.path().join("notes.mp4");
    std::fs::write(&text, "definitely not a movie ".repeat(100)).unwrap();
    let err = ingest(text.to_str().unwrap(), &IngestConfig::default(), &ctl()).unwrap_err();
    assert_eq!(err.code(), "not_media", "{err}");
}

#[test]
fn every_policy_rule_is_named_when_broken() {
    let dir = tempfile::tempdir().unwrap();
    let input = clip(dir.path(), "a.mp4", 2.0, "320x240");
    let silent = dir.path().join("silent.mp4");
    ffmpeg(&["-i", input.to_str().unwrap(), "-an", "-c", "copy", silent.to_str().unwrap()]);
    let path = input.to_str().unwrap();
    let with = |policy: ValidationPolicy| IngestConfig::default().policy(policy);
    assert_eq!(rule(ingest(path, &with(ValidationPolicy::default().max_bytes(1000)), &ctl())), "max_bytes");
    assert_eq!(rule(ingest(path, &with(ValidationPolicy::default().max_duration(1.5)), &ctl())), "max_duration");
    assert_eq!(rule(ingest(path, &with(ValidationPolicy::default().min_duration(5.0)), &ctl())), "min_duration");
    assert_eq!(rule(ingest(path, &with(ValidationPolicy::default().min_resolution(640, 200)), &ctl())), "min_width");
    assert_eq!(rule(ingest(path, &with(ValidationPolicy::default().min_resolution(200, 480)), &ctl())), "min_height");
    assert_eq!(rule(ingest(path, &with(ValidationPolicy::default().allowed_video_codecs(["vp9", "av1"])), &ctl())), "allowed_video_codecs");
    assert_eq!(rule(ingest(path, &with(ValidationPolicy::default().allowed_audio_codecs(["opus"])), &ctl())), "allowed_audio_codecs");
    let silent = silent.to_str().unwrap();
    assert_eq!(rule(ingest(silent, &with(ValidationPolicy::default().require_audio(true)), &ctl())), "require_audio");
    let accepting = ValidationPolicy::default()
        .max_bytes(10_000_000)
        .max_duration(3.0)
        .min_resolution(320, 240)
        .allowed_containers(["mp4"])
        .allowed_video_codecs(["h264"])
        .allowed_audio_codecs(["aac"])
        .require_video(true)
        .require_audio(true);
    ingest(path, &with(accepting), &ctl()).unwrap();
    // A zero-length recording has nothing to accept.
    let empty = dir.path().join("empty.mp4");
    ffmpeg(&["-f", "lavfi", "-i", "testsrc2=size=64x48:rate=10", "-t", "0", empty.to_str().unwrap()]);
    assert!(ingest(empty.to_str().unwrap(), &IngestConfig::default(), &ctl()).is_err());
}

#[test]
fn direct_links_download_without_yt_dlp() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    std::fs::create_dir(&site).unwrap();
    let input = clip(&site, "clip.mp4", 2.0, "320x240");
    std::fs::copy(&input, site.join("download.bin")).unwrap();
    let server = Server::start(site.clone());
    let store = dir.path().join("store");
    let events: Arc<Mutex<Vec<ProgressEvent>>> = Arc::default();
    let sink = {
        let events = events.clone();
        move |e: &ProgressEvent| events.lock().unwrap().push(e.clone())
    };
    let config = IngestConfig::default().dest(&store).fetch(FetchConfig::default().yt_dlp_mode(YtDlpMode::Never));
    let report = ingest(&server.url("clip.mp4"), &config, &RunCtl::default().with_progress(Arc::new(sink))).unwrap();
    assert_eq!(report.method, Method::Http);
    assert_eq!(report.sha256, sha256sum(&input));
    assert_eq!(report.container, "mp4");
    assert!(Path::new(&report.path).is_file());
    let downloads: Vec<ProgressEvent> =
        events.lock().unwrap().iter().filter(|e| e.stage.as_str() == "download").cloned().collect();
    let last = downloads.last().expect("download progress");
    assert_eq!((last.unit, last.fraction()), ("bytes", Some(1.0)));
    // An octet-stream with a media file inside is media; its bytes are the same.
    let again = ingest(&server.url("download.bin"), &config, &ctl()).unwrap();
    assert!(again.duplicate);
    assert_eq!(again.path, report.path);
}

#[test]
fn failed_fetches_are_typed_errors_and_store_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    std::fs::create_dir(&site).unwrap();
    clip(&site, "clip.mp4", 1.0, "160x120");
    std::fs::write(site.join("page.html"), "<!DOCTYPE html><html><body>nothing to see</body></html>").unwrap();
    let server = Server::start(site);
    let store = dir.path().join("store");
    let direct = FetchConfig::default().yt_dlp_mode(YtDlpMode::Never).idle_timeout(1.0).connect_timeout(2.0);
    let config = IngestConfig::default().dest(&store).fetch(direct.clone());

    let err = ingest(&server.url("missing.mp4"), &config, &ctl()).unwrap_err();
    assert_eq!(err.code(), "download_failed", "{err}");
    assert!(err.to_string().contains("404"), "{err}");

    let started = Instant::now();
    let err = ingest(&server.url("hang"), &config, &ctl()).unwrap_err();
    assert_eq!(err.code(), "timeout", "{err}");
    assert!(started.elapsed() < Duration::from_secs(10), "gave up after {:?}", started.elapsed());

    let closed = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let err = ingest(&format!("http://127.0.0.1:{closed}/clip.mp4"), &config, &ctl()).unwrap_err();
    assert_eq!(err.code(), "download_failed", "{err}");

    let err = ingest(&server.url("page.html"), &config, &ctl()).unwrap_err();
    assert!(err.to_string().contains("not a media file"), "{err}");

    let small = config.clone().policy(ValidationPolicy::default().max_bytes(1000));
    assert_eq!(rule(ingest(&server.url("clip.mp4"), &small, &ctl())), "max_bytes");

    let cancel = CancelToken::new();
    cancel.cancel();
    let err = ingest(&server.url("clip.mp4"), &config, &RunCtl::default().with_cancel(cancel)).unwrap_err();
    assert!(err.kind() == reelkit::ErrorKind::Cancelled, "{err}");
    assert!(listing(&store).is_empty(), "{:?}", listing(&store));
}

#[test]
fn yt_dlp_fetches_pages_and_playlists() {
    let yt_dlp = common::need!(common::available(
        common::Fixture::Tools,
        locate_yt_dlp(None),
        "yt-dlp (pip install yt-dlp into the dev venv, or set REELKIT_VENV)"
    ));
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    std::fs::create_dir(&site).unwrap();
    let input = clip(dir.path(), "source.mp4", 4.0, "320x240");
    // An HLS stream (MPEG-TS segments) and a page embedding a video.
    ffmpeg(&[
        "-i", input.to_str().unwrap(), "-c", "copy", "-f", "hls", "-hls_time", "1", "-hls_playlist_type", "vod",
        site.join("stream.m3u8").to_str().unwrap(),
    ]);
    std::fs::copy(&input, site.join("movie.mp4")).unwrap();
    std::fs::write(
        site.join("watch.html"),
        "<!DOCTYPE html><html><head><title>A talk</title></head><body><video src=\"movie.mp4\" controls></video></body></html>",
    )
    .unwrap();
    let server = Server::start(site);
    let store = dir.path().join("store");
    let fetch = FetchConfig::default().yt_dlp(&yt_dlp).timeout(120.0).idle_timeout(5.0);
    let config = IngestConfig::default().dest(&store).fetch(fetch.clone());

    let events: Arc<Mutex<Vec<ProgressEvent>>> = Arc::default();
    let sink = {
        let events = events.clone();
        move |e: &ProgressEvent| events.lock().unwrap().push(e.clone())
    };
    let report = ingest(&server.url("stream.m3u8"), &config, &RunCtl::default().with_progress(Arc::new(sink))).unwrap();
    assert_eq!(report.method, Method::YtDlp);
    assert!(report.media.video.is_some() && report.media.audio.is_some());
    assert!((report.media.duration - 4.0).abs() < 0.3, "{}", report.media.duration);
    assert!(Path::new(&report.path).is_file());
    assert!(events.lock().unwrap().iter().any(|e| e.stage.as_str() == "download" && e.unit == "bytes"));

    let page = ingest(&server.url("watch.html"), &config, &ctl()).unwrap();
    assert_eq!(page.method, Method::YtDlp);
    assert_eq!(page.sha256, sha256sum(&input), "the embedded file, byte for byte");

    let always = IngestConfig::default().dest(&store).fetch(fetch.clone().yt_dlp_mode(YtDlpMode::Always));
    let err = ingest(&server.url("gone.mp4"), &always, &ctl()).unwrap_err();
    assert_eq!(err.code(), "download_failed", "{err}");
    assert!(err.to_string().contains("404"), "{err}");

    let impatient = IngestConfig::default().dest(&store).fetch(fetch.clone().yt_dlp_mode(YtDlpMode::Always).timeout(3.0));
    let started = Instant::now();
    let err = ingest(&server.url("hang"), &impatient, &ctl()).unwrap_err();
    assert_eq!(err.code(), "timeout", "{err}");
    assert!(started.elapsed() < Duration::from_secs(15), "{:?}", started.elapsed());

    // Cancelling stops yt-dlp at once.
    let cancel = CancelToken::new();
    let trigger = cancel.clone();
    std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(1500));
        trigger.cancel();
    });
    let patient = IngestConfig::default().dest(&store).fetch(fetch.yt_dlp_mode(YtDlpMode::Always).idle_timeout(60.0));
    let started = Instant::now();
    let err = ingest(&server.url("hang"), &patient, &RunCtl::default().with_cancel(cancel)).unwrap_err();
    assert!(err.kind() == reelkit::ErrorKind::Cancelled, "{err}");
    assert!(started.elapsed() < Duration::from_secs(10), "{:?}", started.elapsed());

    let stored: Vec<String> = listing(&store);
    assert!(stored.iter().all(|n| !n.starts_with('.')), "no staging left: {stored:?}");
    assert_eq!(stored.iter().filter(|n| n.ends_with(".json")).count(), 2, "{stored:?}");

    let missing = IngestConfig::default().dest(&store).fetch(FetchConfig::default().yt_dlp("/nonexistent/yt-dlp").yt_dlp_mode(YtDlpMode::Always));
    let err = ingest(&server.url("movie.mp4"), &missing, &ctl()).unwrap_err();
    assert_eq!(err.code(), "tool_failed", "{err}");
}
