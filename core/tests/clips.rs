//! The whole clips job on real media: speech in, captioned clips out.

mod common;

use std::path::Path;

use reelkit::clips::ClipConfig;
use common::wer::word_error_rate;
use reelkit::media::{probe, VideoDecodeOptions, VideoFrames};
use reelkit::{Aspect, CancelToken, ClipsJob, ClipsReport, Engine, RunCtl};

const SPEECH: &str = "Welcome to the show. Today we talk about rivers and mountains. \
The river is long and the water is cold. Mountains are tall and covered in snow. \
Thank you for watching and have a wonderful day.";

/// espeak-ng speech over a test pattern whose colour changes twice (scene cuts).
fn speech_video(dir: &Path) -> std::path::PathBuf {
    let wav = common::espeak(dir, "speech.wav", SPEECH);
    let out = dir.join("talk.mp4");
    let video = "testsrc2=size=640x360:rate=25:duration=7[a];color=c=navy:size=640x360:rate=25:duration=7[b];\
                 color=c=darkgreen:size=640x360:rate=25:duration=8[c];[a][b][c]concat=n=3:v=1:a=0[v]";
    common::ffmpeg(&[
        "-f", "lavfi", "-i", "anullsrc=r=48000:cl=stereo:d=1", "-i", wav.to_str().unwrap(),
        "-filter_complex", &format!("{video};[1:a]apad=whole_dur=22,aresample=48000[s]"),
        "-map", "[v]", "-map", "[s]", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
        "-c:a", "aac", "-t", "22", out.to_str().unwrap(),
    ]);
    out
}

fn read_report(dir: &Path) -> ClipsReport {
    serde_json::from_slice(&std::fs::read(dir.join("clips.json")).unwrap()).unwrap()
}

fn srt_text(path: &Path) -> String {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .filter(|l| !l.is_empty() && !l.contains("-->") && l.parse::<u32>().is_err())
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn clips_have_captions_that_match_the_speech() {
    let store = require_models!();
    let dir = tempfile::tempdir().unwrap();
    let input = speech_video(dir.path());
    let out = dir.path().join("out");
    let engine = Engine::new(store);
    let job = ClipsJob::default().top(2).clip_config(ClipConfig::default().top(2).duration(4.0, 30.0));
    let events = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let sink = {
        let events = events.clone();
        move |e: &reelkit::ProgressEvent| events.lock().unwrap().push((e.stage, e.fraction()))
    };
    let ctl = RunCtl::default().with_progress(std::sync::Arc::new(sink));
    let report = engine.clips(&input, &out, &job, &ctl).unwrap();

    assert!(!report.clips.is_empty());
    assert_eq!(report, read_report(&out));
    let mut all_caption_text = String::new();
    for (i, clip) in report.clips.iter().enumerate() {
        assert_eq!(clip.video, format!("clip-{:02}.mp4", i + 1));
        let video = out.join(&clip.video);
        assert_eq!(common::ffprobe(&video, "v", "stream=codec_name"), "h264");
        assert_eq!(common::ffprobe(&video, "a", "stream=codec_name"), "aac");
        let info = probe(&video).unwrap();
        assert!((info.duration - clip.duration).abs() < 0.2, "{} vs {}", info.duration, clip.duration);
        assert!(clip.score >= 0.0 && clip.score <= 1.0);
        assert!(!clip.reason.is_empty());
        let captions = srt_text(&out.join(&clip.srt));
        assert!(word_error_rate(&clip.text, &captions) < 0.05, "{captions} vs {}", clip.text);
        all_caption_text.push_str(&captions);
        all_caption_text.push(' ');
    }
    // Every clip's captions come from the spoken text.
    for clip in &report.clips {
        let words = reelkit::text::normalize_words(&clip.text);
        let spoken = reelkit::text::normalize_words(SPEECH);
        let found = words.iter().filter(|w| spoken.contains(w)).count();
        assert!(found as f64 >= 0.8 * words.len() as f64, "{}", clip.text);
    }
    let events = events.lock().unwrap();
    for stage in [reelkit::Stage::Transcribe, reelkit::Stage::Export] {
        assert!(events.iter().any(|(s, _)| *s == stage), "no {stage} progress");
    }
    assert!(events.iter().any(|(s, f)| *s == reelkit::Stage::Export && *f == Some(1.0)));
}

#[test]
fn captions_are_burned_into_the_frames() {
    let store = require_models!();
    let dir = tempfile::tempdir().unwrap();
    let input = speech_video(dir.path());
    let out = dir.path().join("out");
    let engine = Engine::new(store);
    let mut job = ClipsJob::default().top(1).clip_config(ClipConfig::default().top(1).duration(4.0, 30.0));
    job.detect_scenes = false;
    let with = engine.clips(&input, out.join("with"), &job, &RunCtl::default()).unwrap();
    job.burn_captions = false;
    let without = engine.clips(&input, out.join("without"), &job, &RunCtl::default()).unwrap();
    assert_eq!(with.clips[0].start, without.clips[0].start);

    let cues = std::fs::read_to_string(out.join("with").join("clip-01.srt")).unwrap();
    assert!(cues.contains("-->"));
    let frame_at = |path: &Path, t: f64| {
        VideoFrames::open(path, VideoDecodeOptions::default().range(t, None)).unwrap().next().unwrap().unwrap()
    };
    let t = 1.0;
    let a = frame_at(&out.join("with/clip-01.mp4"), t);
    let b = frame_at(&out.join("without/clip-01.mp4"), t);
    let band_diff = |y0: u32, y1: u32| {
        let mut sum = 0u64;
        for y in y0..y1 {
            for x in 0..a.width {
                let (p, q) = (a.pixel(x, y), b.pixel(x, y));
                sum += (0..3).map(|c| u64::from(p[c].abs_diff(q[c]))).sum::<u64>();
            }
        }
        sum as f64 / f64::from((y1 - y0) * a.width * 3)
    };
    let bottom = band_diff(a.height * 3 / 4, a.height);
    let top = band_diff(0, a.height / 4);
    assert!(bottom > 8.0 && top < 2.0, "bottom {bottom}, top {top}");
}

#[test]
fn portrait_clips_from_the_sample_video() {
    let testdata = require_testdata!();
    let store = require_models!();
    let dir = tempfile::tempdir().unwrap();
    let engine = Engine::new(store);
    let job = ClipsJob::default().top(1).aspect(Aspect::Portrait).clip_config(ClipConfig::default().top(1));
    let report = engine.clips(testdata.join("speech-video/example.mp4"), dir.path(), &job, &RunCtl::default()).unwrap();
    assert_eq!(report.clips.len(), 1);
    let clip = &report.clips[0];
    // Speech runs from 0 to 17.3 s; the clip ends in the silence after it.
    assert!(clip.start < 3.0 && clip.end > 15.0 && clip.end < 19.0, "{clip:?}");
    let info = probe(dir.path().join(&clip.video)).unwrap();
    let v = info.video.unwrap();
    assert!(v.height > v.width && v.width % 2 == 0 && v.height % 2 == 0, "{}x{}", v.width, v.height);
    assert!((f64::from(v.width) / f64::from(v.height) - 9.0 / 16.0).abs() < 0.01);
}

#[test]
fn audio_only_input_gets_a_blank_canvas() {
    let store = require_models!();
    let dir = tempfile::tempdir().unwrap();
    let wav = common::espeak(dir.path(), "speech.wav", SPEECH);
    let engine = Engine::new(store);
    let job = ClipsJob::default().top(1).clip_config(ClipConfig::default().top(1).duration(3.0, 30.0));
    let report = engine.clips(&wav, dir.path().join("out"), &job, &RunCtl::default()).unwrap();
    assert_eq!(report.clips.len(), 1);
    let video = dir.path().join("out").join(&report.clips[0].video);
    assert_eq!(common::ffprobe(&video, "v", "stream=codec_name"), "h264");
}

#[test]
fn no_speech_means_no_clips_and_bad_inputs_fail_cleanly() {
    let store = require_models!();
    let dir = tempfile::tempdir().unwrap();
    let engine = Engine::new(store);
    let tone = common::lavfi_video(dir.path(), "tone.mp4", 5.0, "320x240", 25);
    let report = engine.clips(&tone, dir.path().join("out"), &ClipsJob::default(), &RunCtl::default()).unwrap();
    assert!(report.clips.is_empty());
    assert!(dir.path().join("out/clips.json").exists());

    let silent_video = dir.path().join("silent.mp4");
    common::ffmpeg(&["-f", "lavfi", "-i", "testsrc2=duration=1:size=160x120", "-c:v", "libx264", silent_video.to_str().unwrap()]);
    let err = engine.clips(&silent_video, dir.path().join("o2"), &ClipsJob::default(), &RunCtl::default()).unwrap_err();
    assert!(err.kind() == reelkit::ErrorKind::MissingStream && err.reason() == "audio", "{err}");

    let text = dir.path().join("x.mp4");
    std::fs::write(&text, "not a video at all".repeat(50)).unwrap();
    assert!(matches!(engine.clips(&text, dir.path().join("o3"), &ClipsJob::default(), &RunCtl::default()), Err(ref e) if e.kind() == reelkit::ErrorKind::NotMedia));
    assert!(matches!(
        engine.clips(&tone, dir.path().join("o4"), &ClipsJob::default().top(0), &RunCtl::default()),
        Err(ref e) if e.kind() == reelkit::ErrorKind::InvalidParameter
    ));
}

#[test]
fn cancelling_mid_export_stops_without_partial_clips() {
    let store = require_models!();
    let dir = tempfile::tempdir().unwrap();
    let input = speech_video(dir.path());
    let out = dir.path().join("out");
    let engine = Engine::new(store);
    let cancel = CancelToken::new();
    let trigger = cancel.clone();
    // Cancel as soon as the export stage reports progress.
    let sink = move |e: &reelkit::ProgressEvent| {
        if e.stage == reelkit::Stage::Export {
            trigger.cancel();
        }
    };
    let ctl = RunCtl::new(std::sync::Arc::new(sink), cancel);
    let job = ClipsJob::default().top(1).clip_config(ClipConfig::default().top(1).duration(4.0, 30.0));
    assert!(matches!(engine.clips(&input, &out, &job, &ctl), Err(ref e) if e.kind() == reelkit::ErrorKind::Cancelled));
    let leftovers: Vec<_> = std::fs::read_dir(&out).unwrap().flatten().map(|e| e.file_name()).collect();
    assert!(leftovers.iter().all(|n| !n.to_string_lossy().ends_with(".mp4") && !n.to_string_lossy().ends_with(".partial")), "{leftovers:?}");
    assert!(!out.join("clips.json").exists());
}
