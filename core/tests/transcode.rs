//! Transcode on real media made with ffmpeg's lavfi sources; ffprobe and
//! ffmpeg check every playlist and segment the library writes.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};

use reelkit::transcode::{
    transcode, HlsConfig, ProxyConfig, SegmentFormat, SpriteConfig, ThumbnailConfig, TranscodeJob, TranscodeReport,
    WaveformConfig,
};
use reelkit::{CancelToken, ProgressEvent, RunCtl};

use common::{ffmpeg, ffprobe};

/// A `seconds`-long testsrc2 video at `size` and `fps` with a 440 Hz tone,
/// encoded fast (with B-frames, like real sources).
fn source(dir: &Path, name: &str, seconds: f64, size: &str, fps: u32) -> PathBuf {
    let out = dir.join(name);
    let video = format!("testsrc2=size={size}:rate={fps}:duration={seconds}");
    let audio = format!("sine=frequency=440:sample_rate=48000:duration={seconds}");
    ffmpeg(&[
        "-f", "lavfi", "-i", &video, "-f", "lavfi", "-i", &audio, "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt",
        "yuv420p", "-c:a", "aac", "-shortest", out.to_str().unwrap(),
    ]);
    out
}

fn hls(dir: &Path) -> HlsConfig {
    HlsConfig::new(dir).preset("ultrafast").segment_seconds(2.0)
}

fn run(input: &Path, job: &TranscodeJob) -> TranscodeReport {
    transcode(input, job, &RunCtl::default()).unwrap_or_else(|e| panic!("transcode {}: {e}", input.display()))
}

/// `(uri, seconds)` of every segment of a media playlist.
fn segments(playlist: &Path) -> Vec<(String, f64)> {
    let text = std::fs::read_to_string(playlist).unwrap();
    let mut out = Vec::new();
    let mut duration = None;
    for line in text.lines() {
        if let Some(info) = line.strip_prefix("#EXTINF:") {
            duration = info.trim_end_matches(',').parse::<f64>().ok();
        } else if !line.starts_with('#') && !line.trim().is_empty() {
            out.push((line.trim().to_owned(), duration.take().expect("EXTINF before every segment")));
        }
    }
    assert!(text.contains("#EXT-X-ENDLIST"), "{} is not finished", playlist.display());
    out
}

fn total(playlist: &Path) -> f64 {
    segments(playlist).iter().map(|(_, d)| d).sum()
}

/// ffmpeg decodes `input` completely without a single error message.
fn decodes_cleanly(input: &Path) {
    let out = Command::new("ffmpeg")
        .args(["-hide_banner", "-v", "error", "-i"])
        .arg(input)
        .args(["-f", "null", "-"])
        .output()
        .unwrap();
    let errors = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success() && errors.trim().is_empty(), "{}: {errors}", input.display());
}

/// Presentation times of the keyframes of the first video stream.
fn keyframe_times(input: &Path) -> Vec<f64> {
    let out = Command::new("ffprobe")
        .args(["-v", "error", "-select_streams", "v:0", "-skip_frame", "nokey", "-show_entries", "frame=pts_time", "-of", "csv=p=0"])
        .arg(input)
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).lines().filter_map(|l| l.trim().trim_end_matches(',').parse().ok()).collect()
}

fn start_time(input: &Path, kind: &str) -> f64 {
    probe(input, kind, "stream=start_time").parse().unwrap()
}

/// ffprobe entries of the first stream of `kind`; a playlist lists its
/// streams twice (under its program and alone), so only the first copy
/// is kept.
fn probe(input: &Path, kind: &str, entries: &str) -> String {
    let wanted = entries.split('=').nth(1).map_or(1, |list| list.split(',').count());
    ffprobe(input, kind, entries).lines().take(wanted).collect::<Vec<_>>().join("\n")
}

/// End of the last audio packet of `input`, in seconds.
fn audio_end(input: &Path) -> f64 {
    let out = Command::new("ffprobe")
        .args(["-v", "error", "-select_streams", "a:0", "-show_entries", "packet=pts_time,duration_time", "-of", "csv=p=0"])
        .arg(input)
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| {
            let mut parts = l.split(',').map(|v| v.parse::<f64>().ok());
            Some(parts.next()?? + parts.next()??)
        })
        .fold(0.0, f64::max)
}

/// Decodable video frames of `input` (a file or a playlist).
fn count_frames(input: &Path) -> u64 {
    let out = Command::new("ffprobe")
        .args(["-v", "error", "-count_frames", "-select_streams", "v:0", "-show_entries", "stream=nb_read_frames", "-of", "csv=p=0"])
        .arg(input)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    text.lines().find_map(|l| l.trim().trim_end_matches(',').parse().ok()).unwrap_or(0)
}

/// The first frame of `input` as displayed by ffmpeg, RGB24.
fn first_frame(input: &Path, scratch: &Path) -> Vec<u8> {
    let out = scratch.join(format!("{}.rgb", input.file_name().unwrap().to_string_lossy()));
    ffmpeg(&["-i", input.to_str().unwrap(), "-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "rgb24", out.to_str().unwrap()]);
    std::fs::read(out).unwrap()
}

/// A segment as a standalone file: fMP4 segments need their init segment.
fn standalone(rendition: &Path, segment: &str, scratch: &Path) -> PathBuf {
    if segment.ends_with(".ts") {
        return rendition.join(segment);
    }
    let mut bytes = std::fs::read(rendition.join("init.mp4")).unwrap();
    bytes.extend(std::fs::read(rendition.join(segment)).unwrap());
    let out = scratch.join(format!("{}-{segment}.mp4", rendition.file_name().unwrap().to_string_lossy()));
    std::fs::write(&out, bytes).unwrap();
    out
}

#[test]
fn ladder_from_one_decode_with_aligned_closed_gops() {
    let dir = tempfile::tempdir().unwrap();
    let input = source(dir.path(), "in.mp4", 6.0, "1280x720", 30);
    let out = dir.path().join("hls");
    let job = TranscodeJob::default().hls(hls(&out).ladder([1080, 720, 360]));
    let report = run(&input, &job);
    let hls = report.hls.as_ref().unwrap();

    // Rungs above the source are skipped; the source is decoded once and
    // every rung encodes all of its frames.
    assert_eq!(hls.skipped_rungs, vec![1080]);
    let names: Vec<&str> = hls.renditions.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, ["720p", "360p", "audio"]);
    let source_frames = count_frames(&input);
    assert_eq!(report.decoded_frames, source_frames);
    for rung in hls.renditions.iter().filter(|r| r.kind == "video") {
        assert_eq!(rung.units, source_frames, "{} encoded every decoded frame", rung.name);
    }

    // The master playlist ties the rungs to one shared audio rendition.
    let master = std::fs::read_to_string(out.join("master.m3u8")).unwrap();
    assert!(master.starts_with("#EXTM3U\n"), "{master}");
    assert_eq!(master.matches("#EXT-X-MEDIA:TYPE=AUDIO").count(), 1, "{master}");
    assert!(master.contains("RESOLUTION=1280x720") && master.contains("RESOLUTION=640x360"), "{master}");
    assert_eq!(master.matches("AUDIO=\"audio\"").count(), 2, "{master}");
    assert!(master.contains("CODECS=\"avc1.") && master.contains(",mp4a.40.2\""), "{master}");
    assert!(!dir.path().read_dir().unwrap().any(|e| e.unwrap().file_name().to_string_lossy().contains("partial")));

    let fps = 30.0;
    let duration: f64 = ffprobe(&input, "v", "stream=duration").parse().unwrap();
    let mut keyframes_by_rung = Vec::new();
    for (name, (w, h)) in [("720p", (1280, 720)), ("360p", (640, 360))] {
        let playlist = out.join(name).join("index.m3u8");
        decodes_cleanly(&playlist);
        assert_eq!(probe(&playlist, "v", "stream=codec_name,width,height,pix_fmt"), format!("h264\n{w}\n{h}\nyuv420p"));
        assert_eq!(count_frames(&playlist), source_frames, "{name}");
        let length = total(&playlist);
        assert!((length - duration).abs() <= 1.0 / fps + 1e-3, "{name}: {length} s of {duration} s");
        // Each segment opens with a keyframe and decodes on its own: closed GOPs.
        let mut at = 0.0;
        let keyframes = keyframe_times(&playlist);
        let first = keyframes[0];
        for (segment, seconds) in segments(&playlist) {
            assert!(
                keyframes.iter().any(|k| (k - first - at).abs() < 1e-3),
                "{name}: no keyframe at the start of {segment} ({at} s): {keyframes:?}"
            );
            let alone = standalone(&out.join(name), &segment, dir.path());
            decodes_cleanly(&alone);
            assert_eq!(count_frames(&alone), (seconds * fps).round() as u64, "{name}/{segment}");
            at += seconds;
        }
        keyframes_by_rung.push(keyframes);
    }
    assert_eq!(keyframes_by_rung[0], keyframes_by_rung[1], "keyframes align across rungs");
    assert_eq!(keyframes_by_rung[0].len(), 3, "one keyframe per 2 s segment: {:?}", keyframes_by_rung[0]);

    // Audio: one rendition, in step with the video.
    let audio = out.join("audio").join("index.m3u8");
    decodes_cleanly(&audio);
    assert_eq!(probe(&audio, "a", "stream=codec_name"), "aac");
    let aac_frame = 1024.0 / 48_000.0;
    let length = total(&audio);
    assert!((length - duration).abs() <= 1.0 / fps + 2.0 * aac_frame, "audio {length} s of {duration} s");
    let master_path = out.join("master.m3u8");
    let skew = start_time(&master_path, "v") - start_time(&master_path, "a");
    assert!(skew.abs() < 1.0 / fps, "audio and video start {skew} s apart");
}

#[test]
fn ts_segments_rotation_and_odd_sizes() {
    let dir = tempfile::tempdir().unwrap();
    // Red on top, blue below, stored with a 90° display-rotation tag.
    let plain = dir.path().join("plain.mp4");
    ffmpeg(&[
        "-f", "lavfi", "-i", "color=c=red:s=320x120:d=2:r=25[a];color=c=blue:s=320x120:d=2:r=25[b];[a][b]vstack",
        "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", plain.to_str().unwrap(),
    ]);
    let rotated = dir.path().join("rotated.mp4");
    ffmpeg(&["-i", plain.to_str().unwrap(), "-c", "copy", "-metadata:s:v:0", "rotate=90", rotated.to_str().unwrap()]);
    assert_ne!(reelkit::probe(&rotated).unwrap().video.unwrap().rotation, 0);
    let out = dir.path().join("hls");
    let job = TranscodeJob::default().hls(hls(&out).ladder([240]).segment_format(SegmentFormat::Ts));
    let report = run(&rotated, &job);
    let rung = &report.hls.unwrap().renditions[0];
    assert_eq!((rung.width, rung.height), (Some(240), Some(320)));
    let playlist = out.join("240p").join("index.m3u8");
    assert!(segments(&playlist).iter().all(|(uri, _)| uri.ends_with(".ts")));
    decodes_cleanly(&playlist);
    assert_eq!(probe(&playlist, "v", "stream=width,height"), "240\n320");
    // Turned the way ffmpeg turns it for display: red and blue side by side.
    let ours = first_frame(&playlist, dir.path());
    let reference = first_frame(&rotated, dir.path());
    assert_eq!(ours.len(), reference.len(), "same displayed size");
    let colour = |rgb: &[u8], x: usize, y: usize| {
        let p = &rgb[(y * 240 + x) * 3..(y * 240 + x) * 3 + 3];
        if p[0] > 150 && p[2] < 100 {
            "red"
        } else if p[2] > 150 && p[0] < 100 {
            "blue"
        } else {
            "other"
        }
    };
    for (x, y) in [(20, 160), (220, 160)] {
        assert_eq!(colour(&ours, x, y), colour(&reference, x, y), "pixel {x},{y}");
        assert_ne!(colour(&ours, x, y), "other");
    }
    assert_ne!(colour(&ours, 20, 160), colour(&ours, 220, 160));

    // An odd-sized source smaller than every rung gets one even rung.
    let odd = source(dir.path(), "odd.mp4", 1.0, "330x187", 25);
    let out = dir.path().join("odd");
    let report = run(&odd, &TranscodeJob::default().hls(hls(&out)));
    let hls = report.hls.unwrap();
    assert_eq!(hls.skipped_rungs, vec![1080, 720, 480]);
    assert_eq!((hls.renditions[0].width, hls.renditions[0].height), (Some(330), Some(186)));
    decodes_cleanly(&out.join("master.m3u8"));
}

#[test]
fn variable_frame_rate_stays_in_sync() {
    let dir = tempfile::tempdir().unwrap();
    // 4 s at 30 fps with frames 40..=70 removed: a one-second hole in the
    // video timestamps, audio continuous.
    let vfr = dir.path().join("vfr.mkv");
    ffmpeg(&[
        "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=30:duration=4,select=not(between(n\\,40\\,70))",
        "-f", "lavfi", "-i", "sine=frequency=300:sample_rate=44100:duration=4",
        "-fps_mode", "passthrough", "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", vfr.to_str().unwrap(),
    ]);
    let source_frames = count_frames(&vfr);
    assert_eq!(source_frames, 120 - 31);
    let out = dir.path().join("hls");
    let proxy = dir.path().join("proxy.mp4");
    let job = TranscodeJob::default().hls(hls(&out).ladder([240])).proxy(ProxyConfig::new(&proxy).preset("ultrafast"));
    let report = run(&vfr, &job);
    assert_eq!(report.decoded_frames, source_frames, "no frame duplicated or dropped");
    let playlist = out.join("240p").join("index.m3u8");
    assert_eq!(count_frames(&playlist), source_frames);
    assert!((total(&playlist) - 4.0).abs() <= 1.0 / 30.0 + 1e-3, "video {} s", total(&playlist));
    // Matroska cannot mark AAC priming, so the source decodes a little long;
    // the rendition matches what it decodes to (plus our own priming frame).
    let audio = out.join("audio").join("index.m3u8");
    let decoded = audio_end(&vfr);
    let aac_frame = 1024.0 / 44_100.0;
    assert!((total(&audio) - decoded).abs() <= 2.0 * aac_frame, "audio {} s, source decodes to {decoded} s", total(&audio));
    // The frame after the hole keeps its time.
    let times = Command::new("ffprobe")
        .args(["-v", "error", "-select_streams", "v:0", "-show_entries", "frame=pts_time", "-of", "csv=p=0"])
        .arg(&proxy)
        .output()
        .unwrap();
    let times: Vec<f64> =
        String::from_utf8_lossy(&times.stdout).lines().filter_map(|l| l.trim_end_matches(',').parse().ok()).collect();
    assert_eq!(times.len() as u64, source_frames);
    let gap = times.windows(2).map(|w| w[1] - w[0]).fold(0.0, f64::max);
    assert!((gap - 32.0 / 30.0).abs() < 0.01, "largest step {gap} s");
    let skew = start_time(&proxy, "v") - start_time(&proxy, "a");
    assert!(skew.abs() < 1.0 / 30.0, "proxy audio and video {skew} s apart");
}

#[test]
fn audio_only_input_makes_an_audio_ladder() {
    let dir = tempfile::tempdir().unwrap();
    let speech = common::espeak(dir.path(), "speech.wav", "An audio only file still becomes a valid stream.");
    let out = dir.path().join("hls");
    let report = run(&speech, &TranscodeJob::default().hls(hls(&out)));
    let hls = report.hls.unwrap();
    assert_eq!(hls.skipped_rungs, vec![1080, 720, 480]);
    assert_eq!(hls.renditions.len(), 1);
    assert_eq!(hls.renditions[0].kind, "audio");
    let master = std::fs::read_to_string(out.join("master.m3u8")).unwrap();
    assert!(master.contains("#EXT-X-STREAM-INF:") && master.contains("CODECS=\"mp4a.40.2\"\naudio/index.m3u8"), "{master}");
    assert!(!master.contains("EXT-X-MEDIA"), "{master}");
    decodes_cleanly(&out.join("master.m3u8"));
    let duration: f64 = ffprobe(&speech, "a", "stream=duration").parse().unwrap();
    let length = total(&out.join("audio").join("index.m3u8"));
    assert!((length - duration).abs() < 0.05, "{length} s of {duration} s");
}

#[test]
fn proxy_stills_sprites_and_waveform_from_the_same_pass() {
    let dir = tempfile::tempdir().unwrap();
    let input = source(dir.path(), "in.mp4", 4.0, "640x360", 25);
    let proxy = dir.path().join("edit").join("proxy.mp4");
    let thumbs = dir.path().join("thumbs");
    let sprites = dir.path().join("sprites");
    let wave = dir.path().join("wave.json");
    let job = TranscodeJob::default()
        .proxy(ProxyConfig::new(&proxy).height(720).preset("ultrafast"))
        .thumbnails(ThumbnailConfig::new(&thumbs).count(4).width(160))
        .sprite(SpriteConfig::new(&sprites).interval(1.0).tile_width(64).grid(3, 1))
        .waveform(WaveformConfig::new(&wave).peaks_per_second(50));
    let report = run(&input, &job);
    assert_eq!(report.decoded_frames, 100);

    // Proxy: never above the source, keyframe every second, moov first.
    let p = report.proxy.unwrap();
    assert_eq!((p.width, p.height, p.frames, p.audio), (Some(640), Some(360), 100, true));
    decodes_cleanly(&proxy);
    assert_eq!(keyframe_times(&proxy), vec![0.0, 1.0, 2.0, 3.0]);
    let bytes = std::fs::read(&proxy).unwrap();
    let find = |tag: &[u8]| bytes.windows(4).position(|w| w == tag).unwrap();
    assert!(find(b"moov") < find(b"mdat"), "faststart puts the index first");

    // Thumbnails: the middles of four equal spans, real JPEGs.
    let t = report.thumbnails.unwrap();
    for (still, target) in t.files.iter().zip([0.5, 1.5, 2.5, 3.5]) {
        assert!(still.time >= target && still.time < target + 0.04 + 1e-6, "first frame at or after {target}: {still:?}");
    }
    for still in &t.files {
        let path = thumbs.join(&still.file);
        assert_eq!(probe(&path, "v", "stream=codec_name,width,height"), "mjpeg\n160\n90");
    }

    // Sprites: four one-second tiles, three per sheet, and a track.
    let s = report.sprite.unwrap();
    assert_eq!((s.tiles, s.tile_width, s.tile_height), (4, 64, 36));
    assert_eq!(s.sheets, vec!["sprite-001.jpg", "sprite-002.jpg"]);
    assert_eq!(ffprobe(&sprites.join("sprite-001.jpg"), "v", "stream=width,height"), "192\n36");
    assert_eq!(ffprobe(&sprites.join("sprite-002.jpg"), "v", "stream=width,height"), "192\n36");
    let vtt = std::fs::read_to_string(sprites.join("thumbnails.vtt")).unwrap();
    assert!(vtt.starts_with("WEBVTT\n"));
    assert!(vtt.contains("00:00:02.000 --> 00:00:03.000\nsprite-001.jpg#xywh=128,0,64,36\n"), "{vtt}");
    assert!(vtt.contains("00:00:03.000 --> 00:00:04.000\nsprite-002.jpg#xywh=0,0,64,36\n"), "{vtt}");

    // Waveform: 50 pairs a second of a 1/8-amplitude sine.
    let json: serde_json::Value = serde_json::from_slice(&std::fs::read(&wave).unwrap()).unwrap();
    assert_eq!(json["version"], 2);
    assert_eq!(json["samples_per_pixel"], 960);
    let length = json["length"].as_u64().unwrap();
    assert!((199..=201).contains(&length), "{length}");
    let data: Vec<i64> = json["data"].as_array().unwrap().iter().map(|v| v.as_i64().unwrap()).collect();
    assert_eq!(data.len() as u64, 2 * length);
    let mut highs: Vec<i64> = data.chunks(2).map(|pair| pair[1]).collect();
    highs.sort_unstable();
    let typical = highs[highs.len() / 2];
    assert!((15..=17).contains(&typical), "a -18 dBFS sine peaks near 16 of 127, got {typical}");
    assert!(data.chunks(2).all(|pair| pair[0] <= 0 && pair[0] >= -22 && pair[1] <= 22), "no span past the codec's overshoot");
}

#[test]
fn bad_inputs_are_typed_errors_and_leave_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let job = TranscodeJob::default().hls(hls(&out));
    let good = source(dir.path(), "good.mp4", 2.0, "320x240", 25);
    let bytes = std::fs::read(&good).unwrap();

    let truncated = dir.path().join("truncated.mp4");
    std::fs::write(&truncated, &bytes[..bytes.len() / 2]).unwrap();
    let text = dir.path().join("notes.mp4");
    std::fs::write(&text, "not a video ".repeat(200)).unwrap();
    let empty = dir.path().join("empty.mp4");
    ffmpeg(&["-f", "lavfi", "-i", "testsrc2=size=64x48:rate=10", "-t", "0", empty.to_str().unwrap()]);
    // A raw video stream that claims to be 0x0.
    let raw = dir.path().join("raw.mkv");
    ffmpeg(&["-f", "lavfi", "-i", "testsrc2=size=64x48:rate=10:duration=1", "-c:v", "rawvideo", "-pix_fmt", "yuv420p", raw.to_str().unwrap()]);
    let mut mkv = std::fs::read(&raw).unwrap();
    for (id, value) in [(0xB0u8, 64u8), (0xBA, 48)] {
        let at = mkv.windows(3).position(|w| w == [id, 0x81, value]).expect("size element");
        mkv[at + 2] = 0;
    }
    let zero = dir.path().join("zero.mkv");
    std::fs::write(&zero, &mkv).unwrap();

    let cases: [(&Path, &str); 5] = [
        (&truncated, "corrupt_media"),
        (&text, "not_media"),
        (&empty, "missing_stream"),
        (&zero, "corrupt_media"),
        (&dir.path().join("missing.mp4"), "not_found"),
    ];
    for (input, code) in cases {
        let err = transcode(input, &job, &RunCtl::default()).unwrap_err();
        assert_eq!(err.code(), code, "{}: {err}", input.display());
        assert!(!err.to_string().contains('\n'));
        assert!(!out.exists(), "{}: nothing written", input.display());
    }

    let silent = dir.path().join("silent.mp4");
    ffmpeg(&["-f", "lavfi", "-i", "testsrc2=size=64x48:rate=10:duration=1", "-c:v", "libx264", silent.to_str().unwrap()]);
    let err = transcode(&silent, &TranscodeJob::default().waveform(WaveformConfig::new(dir.path().join("w.json"))), &RunCtl::default())
        .unwrap_err();
    assert!(err.kind() == reelkit::ErrorKind::MissingStream && err.reason() == "audio", "{err}");
    let speech = common::espeak(dir.path(), "speech.wav", "no pictures here");
    let err = transcode(&speech, &TranscodeJob::default().thumbnails(ThumbnailConfig::new(dir.path().join("t"))), &RunCtl::default())
        .unwrap_err();
    assert!(err.kind() == reelkit::ErrorKind::MissingStream && err.reason() == "video", "{err}");
    let err = transcode(&good, &TranscodeJob::default().hls(hls(&out).crf(99)), &RunCtl::default()).unwrap_err();
    assert!(err.kind() == reelkit::ErrorKind::InvalidParameter && err.field() == Some("hls.crf"), "{err}");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().filter(|e| e.as_ref().unwrap().file_name().to_string_lossy().starts_with('.')).count(), 0);
}

#[test]
fn progress_reports_fps_and_eta_and_cancel_leaves_no_playlist() {
    let dir = tempfile::tempdir().unwrap();
    let input = source(dir.path(), "in.mp4", 8.0, "640x360", 30);
    let events: Arc<Mutex<Vec<ProgressEvent>>> = Arc::default();
    let sink = {
        let events = events.clone();
        move |e: &ProgressEvent| events.lock().unwrap().push(e.clone())
    };
    let out = dir.path().join("hls");
    let job = TranscodeJob::default().hls(hls(&out).ladder([360, 240]));
    let report = transcode(&input, &job, &RunCtl::default().with_progress(Arc::new(sink))).unwrap();
    let events = events.lock().unwrap().clone();
    let last = events.last().expect("progress events");
    assert_eq!(last.stage.as_str(), "transcode");
    assert_eq!((last.unit, last.fraction()), ("frames", Some(1.0)));
    assert_eq!(last.done, report.decoded_frames as f64);
    assert_eq!(events[0].done, 0.0, "work announces itself before the first frame");
    assert!(events.iter().filter(|e| e.done > 0.0).all(|e| e.rate.is_some_and(|fps| fps > 0.0)), "fps once frames are done");
    assert!(events.windows(2).all(|w| w[1].done >= w[0].done));

    // Cancel as soon as work is under way, over an earlier complete output.
    let cancel = CancelToken::new();
    let trigger = cancel.clone();
    let ctl = RunCtl::default()
        .with_cancel(cancel)
        .with_progress(Arc::new(move |e: &ProgressEvent| {
            if e.done > 0.0 {
                trigger.cancel()
            }
        }));
    let err = transcode(&input, &TranscodeJob::default().hls(hls(&dir.path().join("fresh")).ladder([360])), &ctl).unwrap_err();
    assert!(err.kind() == reelkit::ErrorKind::Cancelled, "{err}");
    assert!(!dir.path().join("fresh").exists(), "a cancelled job leaves no playlist behind");
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    assert!(out.join("master.m3u8").is_file(), "the earlier output is untouched");
}
