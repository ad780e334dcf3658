//! Media I/O on real files: probe, decode, encode, cut, and bad input.

mod common;

use reelkit::media::{
    cut, decode_audio, probe, AudioDecodeOptions, AudioEncodeSettings, Mp4Writer, RgbFrame, StreamKind, VideoDecodeOptions,
    VideoEncodeSettings, VideoFrames,
};
use reelkit::{CancelToken, RunCtl};

#[test]
fn probe_reports_streams_duration_fps_and_size() {
    let dir = tempfile::tempdir().unwrap();
    let path = common::lavfi_video(dir.path(), "a.mp4", 2.0, "320x240", 25);
    let info = probe(&path).unwrap();
    assert!(info.container.contains("mp4"));
    assert!((info.duration - 2.0).abs() < 0.1, "{}", info.duration);
    let v = info.video.as_ref().unwrap();
    assert_eq!((v.width, v.height, v.rotation), (320, 240, 0));
    assert_eq!(v.codec, "h264");
    assert!((v.fps - 25.0).abs() < 0.01);
    let a = info.audio.as_ref().unwrap();
    assert_eq!((a.sample_rate, a.channels), (48_000, 1));
    assert_eq!(a.codec, "aac");
    assert_eq!(info.streams.iter().filter(|s| s.kind == StreamKind::Video).count(), 1);
}

#[test]
fn rotation_metadata_is_reported_and_applied_like_ffmpeg() {
    let dir = tempfile::tempdir().unwrap();
    let src = common::lavfi_video(dir.path(), "src.mp4", 1.0, "320x240", 10);
    let rotated = dir.path().join("rotated.mp4");
    common::ffmpeg(&["-i", src.to_str().unwrap(), "-c", "copy", "-metadata:s:v:0", "rotate=90", rotated.to_str().unwrap()]);
    let info = probe(&rotated).unwrap();
    let v = info.video.unwrap();
    assert!(v.rotation == 90 || v.rotation == 270, "{}", v.rotation);
    assert_eq!((v.display_width, v.display_height), (240, 320));
    let ours = VideoFrames::open(&rotated, VideoDecodeOptions::default()).unwrap().next().unwrap().unwrap();
    assert_eq!((ours.width, ours.height), (240, 320));
    // FFmpeg's CLI applies the display matrix itself (autorotate).
    let reference = dir.path().join("first.rgb");
    common::ffmpeg(&["-i", rotated.to_str().unwrap(), "-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "rgb24", reference.to_str().unwrap()]);
    let reference = std::fs::read(&reference).unwrap();
    assert_eq!(reference.len(), ours.data.len());
    let mae = reference.iter().zip(&ours.data).map(|(a, b)| f64::from(a.abs_diff(*b))).sum::<f64>() / reference.len() as f64;
    assert!(mae < 4.0, "mean abs diff against ffmpeg's autorotated frame: {mae}");
    let unrotated = ours.rotated(180);
    let mae_wrong = reference.iter().zip(&unrotated.data).map(|(a, b)| f64::from(a.abs_diff(*b))).sum::<f64>() / reference.len() as f64;
    assert!(mae_wrong > 4.0 * mae.max(1.0), "the test image must tell orientations apart");
}

#[test]
fn audio_decodes_to_16k_mono_from_odd_rates_and_layouts() {
    let dir = tempfile::tempdir().unwrap();
    for (rate, layout) in [(8_000, "mono"), (96_000, "5.1"), (44_100, "stereo")] {
        let path = dir.path().join(format!("tone-{rate}.wav"));
        let src = format!("sine=frequency=1000:sample_rate={rate}:duration=1.5");
        common::ffmpeg(&["-f", "lavfi", "-i", &src, "-af", &format!("aformat=channel_layouts={layout}"), path.to_str().unwrap()]);
        let audio = decode_audio(&path, &AudioDecodeOptions::default(), &RunCtl::default()).unwrap();
        assert_eq!((audio.sample_rate, audio.channels), (16_000, 1));
        assert!((audio.duration() - 1.5).abs() < 0.02, "{rate}: {}", audio.duration());
        let rms = (audio.samples.iter().map(|s| s * s).sum::<f32>() / audio.samples.len() as f32).sqrt();
        assert!(rms > 0.05, "{rate} Hz {layout}: rms {rms}");
    }
}

#[test]
fn audio_range_is_exact() {
    let dir = tempfile::tempdir().unwrap();
    let path = common::lavfi_video(dir.path(), "a.mp4", 4.0, "160x120", 25);
    let opts = AudioDecodeOptions::default().range(1.0, Some(2.5));
    let audio = decode_audio(&path, &opts, &RunCtl::default()).unwrap();
    assert!((audio.duration() - 1.5).abs() < 0.002, "{}", audio.duration());
}

/// Frames whose grey level encodes their index, written with our encoder.
fn numbered_video(path: &std::path::Path, frames: u32, fps: f64) {
    let settings = VideoEncodeSettings::new(64, 48, fps).crf(0).preset("ultrafast");
    let audio = AudioEncodeSettings::new(48_000, 2);
    let mut w = Mp4Writer::create(path, Some(&settings), Some(&audio)).unwrap();
    let per_frame = (48_000.0 / fps) as usize;
    for i in 0..frames {
        let level = (i * 5 % 250) as u8;
        let frame = RgbFrame { width: 64, height: 48, time: 0.0, data: vec![level; 64 * 48 * 3] };
        w.write_video(&frame, f64::from(i) / fps).unwrap();
        w.write_audio(&vec![0.1; per_frame * 2]).unwrap();
    }
    w.finish().unwrap();
}

#[test]
fn encoder_writes_h264_aac_mp4_with_faststart() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("numbered.mp4");
    numbered_video(&path, 50, 25.0);
    assert!(!dir.path().join("numbered.mp4.partial").exists());
    assert_eq!(common::ffprobe(&path, "v", "stream=codec_name"), "h264");
    assert_eq!(common::ffprobe(&path, "a", "stream=codec_name"), "aac");
    assert_eq!(common::count_frames(&path), 50);
    // faststart: the moov atom comes before mdat.
    let bytes = std::fs::read(&path).unwrap();
    let moov = bytes.windows(4).position(|w| w == b"moov").unwrap();
    let mdat = bytes.windows(4).position(|w| w == b"mdat").unwrap();
    assert!(moov < mdat);
}

#[test]
fn cut_is_frame_accurate() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("numbered.mp4");
    numbered_video(&src, 100, 25.0);
    let out = dir.path().join("cut.mp4");
    cut(&src, &out, 1.0, 2.0, &RunCtl::default()).unwrap();
    assert_eq!(common::count_frames(&out), 25);
    let first = VideoFrames::open(&out, VideoDecodeOptions::default()).unwrap().next().unwrap().unwrap();
    // Frame 25 of the source has grey level 125.
    let level = first.pixel(32, 24)[0];
    assert!((i32::from(level) - 125).abs() <= 2, "first frame level {level}");
    let duration: f64 = common::ffprobe(&out, "a", "stream=duration").parse().unwrap();
    assert!((duration - 1.0).abs() < 0.05, "audio {duration}");
}

#[test]
fn bad_inputs_give_typed_errors() {
    let dir = tempfile::tempdir().unwrap();
    let good = common::lavfi_video(dir.path(), "good.mp4", 2.0, "160x120", 25);
    let bytes = std::fs::read(&good).unwrap();

    let empty = dir.path().join("empty.mp4");
    std::fs::write(&empty, b"").unwrap();
    assert!(matches!(probe(&empty), Err(ref e) if e.kind() == reelkit::ErrorKind::CorruptMedia));

    let text = dir.path().join("notes.mp4");
    std::fs::write(&text, "just some text, not a video\n".repeat(20)).unwrap();
    assert!(matches!(probe(&text), Err(ref e) if e.kind() == reelkit::ErrorKind::NotMedia));

    // Without faststart the index sits at the end: cutting it off loses it.
    let tail_index = dir.path().join("tail.mp4");
    common::ffmpeg(&["-i", good.to_str().unwrap(), "-c", "copy", "-movflags", "-faststart", tail_index.to_str().unwrap()]);
    let t = std::fs::read(&tail_index).unwrap();
    let truncated = dir.path().join("truncated.mp4");
    std::fs::write(&truncated, &t[..t.len() / 2]).unwrap();
    assert!(matches!(probe(&truncated), Err(ref e) if (e.kind() == reelkit::ErrorKind::CorruptMedia) || (e.kind() == reelkit::ErrorKind::NotMedia)), "{:?}", probe(&truncated));

    // With the index up front, the data is cut off instead.
    let truncated_data = dir.path().join("truncated-data.mp4");
    std::fs::write(&truncated_data, &bytes[..bytes.len() / 2]).unwrap();
    assert!(matches!(probe(&truncated_data), Err(ref e) if e.kind() == reelkit::ErrorKind::CorruptMedia));

    let garbage = dir.path().join("garbage.mp4");
    let mut g = bytes.clone();
    for (i, b) in g.iter_mut().enumerate().skip(64) {
        *b = (i * 31 % 251) as u8;
    }
    std::fs::write(&garbage, &g).unwrap();
    let err = probe(&garbage).err();
    assert!(matches!(err, Some(ref e) if (e.kind() == reelkit::ErrorKind::CorruptMedia) || (e.kind() == reelkit::ErrorKind::NotMedia)), "{err:?}");

    let subtitles_only = dir.path().join("subs.srt");
    std::fs::write(&subtitles_only, "1\n00:00:00,000 --> 00:00:01,000\nhello\n\n").unwrap();
    assert!(matches!(probe(&subtitles_only), Err(ref e) if e.kind() == reelkit::ErrorKind::MissingStream));

    assert!(matches!(probe(dir.path().join("missing.mp4")), Err(ref e) if e.kind() == reelkit::ErrorKind::NotFound));
    assert!(matches!(probe(dir.path()), Err(ref e) if e.kind() == reelkit::ErrorKind::NotMedia));

    let audio_only = dir.path().join("tone.m4a");
    common::ffmpeg(&["-f", "lavfi", "-i", "sine=duration=1", audio_only.to_str().unwrap()]);
    assert!(matches!(VideoFrames::open(&audio_only, VideoDecodeOptions::default()), Err(ref e) if e.kind() == reelkit::ErrorKind::MissingStream && e.reason() == "video"));
    let video_only = dir.path().join("silent.mp4");
    common::ffmpeg(&["-f", "lavfi", "-i", "testsrc2=duration=1:size=160x120", "-c:v", "libx264", video_only.to_str().unwrap()]);
    assert!(matches!(decode_audio(&video_only, &AudioDecodeOptions::default(), &RunCtl::default()), Err(ref e) if e.kind() == reelkit::ErrorKind::MissingStream && e.reason() == "audio"));
}

#[test]
fn protocol_tricks_in_paths_are_plain_file_names() {
    let dir = tempfile::tempdir().unwrap();
    let good = common::lavfi_video(dir.path(), "good.mp4", 1.0, "160x120", 25);
    // `concat:` would make FFmpeg read other files if it were a protocol here.
    let trick = format!("concat:{}|{}", good.display(), good.display());
    assert!(matches!(probe(&trick), Err(ref e) if e.kind() == reelkit::ErrorKind::NotFound));
}

#[test]
fn absurd_parameters_are_rejected() {
    let dir = tempfile::tempdir().unwrap();
    let good = common::lavfi_video(dir.path(), "good.mp4", 1.0, "160x120", 25);
    let ctl = RunCtl::default();
    let out = dir.path().join("o.mp4");
    for (start, end) in [(-1.0, 1.0), (0.5, 0.2), (f64::NAN, 1.0), (0.0, f64::INFINITY), (5.0, 6.0)] {
        assert!(matches!(cut(&good, &out, start, end, &ctl), Err(ref e) if e.kind() == reelkit::ErrorKind::InvalidParameter), "{start}..{end}");
    }
    assert!(!out.exists());
    assert!(decode_audio(&good, &AudioDecodeOptions::default().sample_rate(0), &ctl).is_err());
    assert!(VideoFrames::open(&good, VideoDecodeOptions::default().size(0, 10)).is_err());
    assert!(VideoEncodeSettings::new(641, 480, 30.0).validate().is_err());
    assert!(VideoEncodeSettings::new(640, 480, 30.0).crf(60).validate().is_err());
}

#[test]
fn cancellation_stops_work_and_leaves_no_partial_file() {
    let dir = tempfile::tempdir().unwrap();
    let src = common::lavfi_video(dir.path(), "long.mp4", 6.0, "320x240", 25);
    let cancel = CancelToken::new();
    cancel.cancel();
    let ctl = RunCtl::default().with_cancel(cancel);
    let out = dir.path().join("cut.mp4");
    assert!(matches!(cut(&src, &out, 0.0, 6.0, &ctl), Err(ref e) if e.kind() == reelkit::ErrorKind::Cancelled));
    assert!(!out.exists());
    assert!(!dir.path().join("cut.mp4.partial").exists());
}

#[test]
fn video_frames_decode_with_scaling_and_ranges() {
    let dir = tempfile::tempdir().unwrap();
    let src = common::lavfi_video(dir.path(), "v.mp4", 2.0, "320x240", 25);
    let frames: Vec<_> = VideoFrames::open(&src, VideoDecodeOptions::default().size(64, 48).range(0.5, Some(1.5)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(frames.len(), 25);
    // 25 fps: the first frame at or after 0.5 s is the one at 0.52 s.
    assert!((frames[0].time - 0.52).abs() < 1e-6, "{:?}", frames.iter().map(|f| f.time).collect::<Vec<_>>());
    assert!(frames.iter().all(|f| f.width == 64 && f.height == 48 && f.data.len() == 64 * 48 * 3));
}
