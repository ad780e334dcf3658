//! Timeline files opened by the real readers: OpenTimelineIO (with its
//! CMX 3600 and FCP X XML adapters) reads back the same ranges from the
//! `.otio`, `.fcpxml` and `.edl`; MLT's `melt` renders the `.mlt` to the
//! summed duration.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use reelkit::timeline::{write_timeline, FrameRate, Timeline, TimelineFormat, TimelineRange};

fn timeline(source: &Path, fps: f64) -> Timeline {
    let range = |name: &str, start: f64, end: f64| TimelineRange {
        name: name.into(),
        start,
        end,
        metadata: [("reason".to_owned(), "opens with a question & answers it".to_owned())].into_iter().collect::<BTreeMap<_, _>>(),
    };
    Timeline {
        name: "reelkit picks".into(),
        source: source.to_owned(),
        rate: FrameRate::from_fps(fps),
        width: 320,
        height: 240,
        source_duration: 20.0,
        has_audio: true,
        // Rank order, not time order.
        ranges: vec![range("clip-01", 12.3, 17.05), range("clip-02", 1.0, 4.52), range("clip-03", 6.0, 9.0)],
    }
}

fn readback(rate: f64, files: &[PathBuf]) -> serde_json::Value {
    let out = Command::new(common::venv_python())
        .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/scripts/otio_readback.py"))
        .arg(rate.to_string())
        .args(files)
        .output()
        .expect("the dev venv's python runs (scripts/setup.sh makes it)");
    assert!(out.status.success(), "otio_readback.py failed: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn check_with_otio(dir: &Path, fps: f64) {
    let source = common::lavfi_video(dir, &format!("source-{fps}.mp4"), 20.0, "320x240", 25);
    let t = timeline(&source, fps);
    let rate = t.rate;
    let out = dir.join(format!("out-{fps}"));
    std::fs::create_dir_all(&out).unwrap();
    let files = write_timeline(&t, &[TimelineFormat::Otio, TimelineFormat::Fcpxml, TimelineFormat::Edl], &out).unwrap();
    assert_eq!(files.iter().map(|f| f.file_name().unwrap().to_str().unwrap()).collect::<Vec<_>>(), ["timeline.otio", "timeline.fcpxml", "timeline.edl"]);
    let read = readback(rate.fps(), &files);
    let fcpxml = files[1].to_str().unwrap();
    let exact = format!("{fcpxml}#exact");
    let integer_rate = rate.den == 1;
    for key in files.iter().map(|f| f.to_str().unwrap()).chain([exact.as_str()]) {
        let clips = read[key].as_array().unwrap_or_else(|| panic!("{key} read nothing"));
        assert_eq!(clips.len(), 3, "{key}: {clips:?}");
        // OpenTimelineIO's FCP X adapter rounds NTSC times down through floats
        // (see otio_readback.py); there the rationals are checked exactly and
        // the adapter's reading within a frame.
        let slack = if key == fcpxml && !integer_rate { 1 } else { 0 };
        let mut offset = 0;
        for (clip, want) in clips.iter().zip(&t.ranges) {
            let start = (want.start * rate.fps()).round() as i64;
            let end = (want.end * rate.fps()).round() as i64;
            assert_eq!(clip["name"], want.name.as_str(), "{key}");
            assert!((clip["start"].as_i64().unwrap() - start).abs() <= slack, "{key} {}: {clip}, start {start}", want.name);
            assert!((clip["frames"].as_i64().unwrap() - (end - start)).abs() <= slack, "{key} {}: {clip}, frames {}", want.name, end - start);
            if key == exact {
                assert_eq!(clip["offset"].as_i64().unwrap(), offset, "clips are butted on the spine");
            } else {
                let url = clip["target_url"].as_str().unwrap_or_default();
                assert!(url.ends_with(&format!("source-{fps}.mp4")), "{key}: {url}");
            }
            offset += end - start;
        }
    }
}

#[test]
fn otio_reads_back_the_same_ranges_at_integer_and_ntsc_rates() {
    let dir = tempfile::tempdir().unwrap();
    check_with_otio(dir.path(), 25.0);
    check_with_otio(dir.path(), 29.97);
}

#[test]
fn melt_renders_the_mlt_to_the_summed_duration() {
    let dir = tempfile::tempdir().unwrap();
    let source = common::lavfi_video(dir.path(), "source.mp4", 20.0, "320x240", 25);
    let t = timeline(&source, 25.0);
    let files = write_timeline(&t, &[TimelineFormat::Mlt], dir.path()).unwrap();
    let rendered = dir.path().join("rendered.mkv");
    let status = Command::new("melt")
        .arg("-quiet")
        .arg(&files[0])
        .arg("-consumer")
        .arg(format!("avformat:{}", rendered.display()))
        .args(["vcodec=libx264", "preset=ultrafast", "acodec=pcm_s16le"])
        .status()
        .expect("melt is installed (scripts/setup.sh installs it)");
    assert!(status.success());
    let want: u64 = t.ranges.iter().map(|r| ((r.end * 25.0).round() - (r.start * 25.0).round()) as u64).sum();
    assert_eq!(common::count_frames(&rendered), want);
}
