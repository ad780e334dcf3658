//! Clip discovery on inputs with little or nothing to find: no audio, no
//! speech, five seconds, one scene. Each gives a clear error or an honest
//! empty or short result, never a panic.

mod common;

use std::path::Path;

use reelkit::clips::ClipConfig;
use reelkit::timeline::TimelineFormat;
use reelkit::{ClipsJob, Engine, RunCtl};

fn quick_job() -> ClipsJob {
    let mut job = ClipsJob::default().clip_config(ClipConfig::default().top(2)).timeline(TimelineFormat::ALL.to_vec());
    job.burn_captions = false;
    job.crf = 35;
    job.preset = "ultrafast".into();
    job
}

fn video_with_audio(dir: &Path, name: &str, audio: &str, seconds: f64) -> std::path::PathBuf {
    let out = dir.join(name);
    common::ffmpeg(&[
        "-f", "lavfi", "-i", &format!("color=c=navy:size=160x120:rate=10:d={seconds}"), "-f", "lavfi", "-i", audio,
        "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", "-t", &seconds.to_string(),
        out.to_str().unwrap(),
    ]);
    out
}

#[test]
fn no_audio_no_speech_short_and_single_scene_inputs() {
    let store = require_models!();
    let engine = Engine::new(store);
    let dir = tempfile::tempdir().unwrap();

    // No audio stream: a typed error naming it.
    let silent = dir.path().join("video-only.mp4");
    common::ffmpeg(&["-f", "lavfi", "-i", "testsrc2=size=160x120:rate=10:d=3", "-c:v", "libx264", "-preset", "ultrafast", silent.to_str().unwrap()]);
    let err = engine.clips(&silent, dir.path().join("a"), &quick_job(), &RunCtl::default()).unwrap_err();
    assert_eq!(err.code(), "missing_stream", "{err}");

    // No speech (a tone and noise): no clips, a report all the same, no timelines.
    let tone = video_with_audio(dir.path(), "tone.mp4", "sine=frequency=300:sample_rate=48000:d=12", 12.0);
    let out = dir.path().join("b");
    let report = engine.clips(&tone, &out, &quick_job(), &RunCtl::default()).unwrap();
    assert!(report.clips.is_empty(), "{:?}", report.clips);
    assert!(report.timelines.is_empty());
    assert!(out.join("clips.json").exists());

    // Five seconds of speech over one scene: one clip inside the media, no cut signal.
    let wav = common::espeak(dir.path(), "short.wav", "Why is the sky blue? Because air scatters blue light.");
    let short = dir.path().join("short.mp4");
    common::ffmpeg(&[
        "-f", "lavfi", "-i", "color=c=gray:size=160x120:rate=10:d=5", "-i", wav.to_str().unwrap(), "-filter_complex",
        "[1:a]apad=whole_dur=5[a]", "-map", "0:v", "-map", "[a]", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
        "-c:a", "aac", "-t", "5", short.to_str().unwrap(),
    ]);
    let out = dir.path().join("c");
    let report = engine.clips(&short, &out, &quick_job(), &RunCtl::default()).unwrap();
    assert_eq!(report.clips.len(), 1, "{:?}", report.clips);
    let clip = &report.clips[0];
    assert!(clip.start >= 0.0 && clip.end <= 5.0 + 1e-6 && clip.duration > 1.0, "{clip:?}");
    assert_eq!(clip.signals.cuts, 0);
    assert!(clip.signals.hook_cues.contains(&reelkit::clips::HookCue::Question), "{:?}", clip.signals);
    assert_eq!(report.timelines.len(), 4);
    assert!(std::fs::read_to_string(out.join("timeline.edl")).unwrap().contains("* FROM CLIP NAME: clip-01"));
}
