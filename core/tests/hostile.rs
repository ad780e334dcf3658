//! Hostile input through the library: numbers that overflow, headers that
//! lie, packets that are damaged, files that point at other files. Every
//! case must end in a typed error (its code asserted) or a sane result,
//! never a panic, an abort or a hang.

mod common;

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use reelkit::media::{decode_audio, packet_extent, probe, AudioDecodeOptions, VideoDecodeOptions, VideoFrames};
use reelkit::subtitle::ass::Script;
use reelkit::subtitle::{read_subtitles, FontLibrary, SubtitleRenderer};
use reelkit::RunCtl;

fn ass_with(text: &str) -> String {
    format!(
        "[Script Info]\nPlayResX: 640\nPlayResY: 360\n\n[V4+ Styles]\nFormat: Name, Fontname, Fontsize\nStyle: Default,Arial,40\n\n\
         [Events]\nFormat: Layer, Start, End, Style, Text\nDialogue: 0,0:00:00.00,0:00:05.00,Default,{text}\n"
    )
}

/// Run `f` on a thread and fail the test if it takes longer than `limit`
/// (a hang is a bug just like a panic).
fn within<T: Send + 'static>(limit: Duration, what: &str, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    rx.recv_timeout(limit).unwrap_or_else(|_| panic!("{what} did not finish within {limit:?}"))
}

#[test]
fn override_tags_with_saturated_numbers_render() {
    let renderer = SubtitleRenderer::new(FontLibrary::bundled());
    for text in [
        r"{\k1e20}a{\k1e20}b",
        r"{\kf-1e20}a{\ko1e300}b{\kt1e30}c",
        r"{\t(-1e30,1e30,\fs50)}x",
        r"{\t(-1e30,1e30,1e300,\frz90)}x",
        r"{\fad(0,-1e30)}x",
        r"{\fad(1e30,1e30)}x",
        r"{\move(1,2,3,4,-1e30,1e30)}x",
        r"{\move(1e300,-1e300,1e300,-1e300,1e30,-1e30)}x",
        r"{\fade(1e30,-1e30,255,-1e30,1e30,-1e30,1e30)}x",
        r"{\clip(-1e30,-1e30,1e30,1e30)\p1e30}m 0 0 l 1e30 1e30",
    ] {
        let script = Script::parse(&ass_with(text)).unwrap_or_else(|e| panic!("{text}: {e}"));
        for t in [0.0, 2.5, 4.999] {
            let image = renderer.render(&script, t, 640, 360).unwrap_or_else(|e| panic!("{text} at {t}: {e}"));
            assert_eq!((image.width, image.height), (640, 360));
        }
    }
    // The clamped values are what the parser stores.
    let script = Script::parse(&ass_with(r"{\t(-1e30,1e30,\fs50)}x")).unwrap();
    let tags = reelkit::subtitle::ass::parse_text(&script.events[0].text);
    let reelkit::subtitle::ass::TextItem::Tags(tags) = &tags[0] else { panic!("{tags:?}") };
    let reelkit::subtitle::ass::Tag::Transform { t1, t2, .. } = &tags[0] else { panic!("{tags:?}") };
    assert_eq!((*t1, *t2), (-i64::from(i32::MAX), i64::from(i32::MAX)));
}

#[test]
fn cue_hours_beyond_the_bound_are_a_line_numbered_error() {
    let dir = tempfile::tempdir().unwrap();
    let srt = dir.path().join("huge.srt");
    std::fs::write(&srt, "1\n00:00:01,000 --> 00:00:02,000\nok\n\n2\n99999999999999999:00:00,000 --> 99999999999999999:00:01,000\nboom\n").unwrap();
    let err = read_subtitles(&srt).unwrap_err();
    assert_eq!(err.code(), "subtitle_parse", "{err}");
    assert_eq!(err.line(), Some(6), "{err}");
    assert!(err.to_string().contains("hours out of range"), "{err}");
    let err = reelkit::audio::read_narration(&srt).unwrap_err();
    assert_eq!((err.code(), err.line()), ("subtitle_parse", Some(6)), "{err}");

    let vtt = dir.path().join("huge.vtt");
    std::fs::write(&vtt, "WEBVTT\n\n184467440737095516:00:00.000 --> 184467440737095516:00:01.000\nboom\n").unwrap();
    let err = read_subtitles(&vtt).unwrap_err();
    assert_eq!((err.code(), err.line()), ("subtitle_parse", Some(3)), "{err}");

    let ass = dir.path().join("huge.ass");
    std::fs::write(&ass, ass_with("x").replace("0:00:05.00", "99999999:00:05.00")).unwrap();
    let err = Script::load(&ass).unwrap_err();
    assert_eq!(err.code(), "subtitle_parse", "{err}");
}

/// Rewrite the durations of an MP4's `mvhd`, `tkhd` and `mdhd` boxes so the
/// header claims `seconds` while the data stays as it was.
fn claim_duration(mp4: &mut [u8], seconds: u64) {
    let mut patched = 0;
    let mut i = 4;
    while i + 4 <= mp4.len() {
        let kind = &mp4[i..i + 4];
        let body = i + 4;
        let version = mp4.get(body).copied().unwrap_or(0);
        let (timescale_at, duration_at, wide) = match (kind, version) {
            (b"mvhd", 0) | (b"mdhd", 0) => (Some(body + 12), body + 16, false),
            (b"mvhd", 1) | (b"mdhd", 1) => (Some(body + 20), body + 24, true),
            (b"tkhd", 0) => (None, body + 20, false),
            (b"tkhd", 1) => (None, body + 28, true),
            _ => {
                i += 1;
                continue;
            }
        };
        let timescale = match timescale_at {
            Some(at) => u64::from(u32::from_be_bytes(mp4[at..at + 4].try_into().unwrap())),
            None => 1000, // tkhd counts in the movie timescale; 1000 in FFmpeg's files
        };
        let value = seconds.saturating_mul(timescale);
        if wide {
            mp4[duration_at..duration_at + 8].copy_from_slice(&value.to_be_bytes());
        } else {
            mp4[duration_at..duration_at + 4].copy_from_slice(&(value.min(u64::from(u32::MAX)) as u32).to_be_bytes());
        }
        patched += 1;
        i += 4;
    }
    assert!(patched >= 3, "expected mvhd, tkhd and mdhd boxes");
}

fn lying_mp4(dir: &Path) -> PathBuf {
    let honest = common::lavfi_video(dir, "honest.mp4", 2.0, "160x120", 10);
    let mut bytes = std::fs::read(&honest).unwrap();
    claim_duration(&mut bytes, 24 * 86_400);
    let lying = dir.join("claims-24-days.mp4");
    std::fs::write(&lying, bytes).unwrap();
    lying
}

#[test]
fn a_header_that_claims_24_days_does_not_size_buffers() {
    let dir = tempfile::tempdir().unwrap();
    let lying = lying_mp4(dir.path());
    let info = probe(&lying).unwrap();
    // The patch took: the container now claims (about) 24 days …
    assert!(info.duration > 86_400.0, "claimed duration {}", info.duration);
    // … while the packets say two seconds.
    let extent = packet_extent(&lying, &RunCtl::default()).unwrap();
    assert!((1.5..=2.5).contains(&extent), "extent {extent}");
    let audio = decode_audio(&lying, &AudioDecodeOptions::default().sample_rate(16_000).channels(1), &RunCtl::default()).unwrap();
    assert!(audio.samples.len() <= 3 * 16_000, "{} samples decoded", audio.samples.len());
}

#[test]
fn dub_over_a_lying_header_mixes_only_what_is_there() {
    let store = require_models!();
    let dir = tempfile::tempdir().unwrap();
    let lying = lying_mp4(dir.path());
    let script = dir.path().join("n.srt");
    std::fs::write(&script, "1\n00:00:00,200 --> 00:00:01,800\nHello.\n").unwrap();
    let out = dir.path().join("out.mp4");
    let tts = reelkit::tts::Synthesizer::new(store);
    let report = within(Duration::from_secs(300), "dub", move || {
        reelkit::audio::dub_srt(&tts, &lying, &script, &out, &reelkit::audio::DubJob::default().voice("joe"), &RunCtl::default())
    })
    .unwrap();
    assert!(report.duration <= 2.5, "mixed {} s", report.duration);
}

#[test]
fn probe_handles_a_saturated_rotate_tag() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("rotate.mkv");
    common::ffmpeg(&[
        "-f", "lavfi", "-i", "testsrc2=size=64x48:rate=5:duration=1", "-c:v", "libx264", "-preset", "ultrafast",
        "-metadata:s:v:0", "rotate=-1e300", out.to_str().unwrap(),
    ]);
    let info = probe(&out).unwrap();
    let video = info.video.unwrap();
    assert!([0, 90, 180, 270].contains(&video.rotation), "{}", video.rotation);
}

/// A valid file with bytes flipped in its middle.
fn damaged(dir: &Path, name: &str, container: &str) -> PathBuf {
    let clean = dir.join(format!("clean-{name}"));
    common::ffmpeg(&[
        "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25:duration=4", "-f", "lavfi", "-i",
        "sine=frequency=440:sample_rate=48000:duration=4", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt",
        "yuv420p", "-c:a", "aac", "-f", container, clean.to_str().unwrap(),
    ]);
    let mut bytes = std::fs::read(&clean).unwrap();
    let n = bytes.len();
    // Three damaged stretches in the middle half, away from the headers.
    for start in [n * 2 / 5, n / 2, n * 3 / 5] {
        for (k, b) in bytes[start..start + 600].iter_mut().enumerate() {
            *b ^= 0x5a ^ (k as u8);
        }
    }
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

#[test]
fn corrupt_packets_mid_stream_decode_on_or_fail_typed() {
    let dir = tempfile::tempdir().unwrap();
    for (name, container) in [("damaged.mp4", "mp4"), ("damaged.mkv", "matroska")] {
        let path = damaged(dir.path(), name, container);
        let p = path.clone();
        let audio = within(Duration::from_secs(60), "audio decode", move || {
            decode_audio(&p, &AudioDecodeOptions::default().sample_rate(16_000).channels(1), &RunCtl::default())
        });
        // What the ffmpeg CLI (a player's decoder) gets out of the same file.
        let reference = std::process::Command::new("ffmpeg")
            .args(["-hide_banner", "-loglevel", "quiet", "-i", path.to_str().unwrap(), "-map", "0:a", "-ar", "16000", "-ac", "1", "-f", "s16le", "-"])
            .output()
            .unwrap()
            .stdout
            .len()
            / 2;
        assert!(reference > 8_000, "{name}: the reference decode got {reference} samples");
        match audio {
            // Decoding goes on past bad packets as far as the player's does.
            Ok(a) => assert!(a.samples.len() * 10 >= reference * 9, "{name}: {} samples, ffmpeg {reference}", a.samples.len()),
            Err(e) => assert_eq!(e.code(), "corrupt_media", "{name}: {e}"),
        }
        let reference: usize = common::count_frames(&path) as usize;
        let p = path.clone();
        let frames = within(Duration::from_secs(60), "video decode", move || -> reelkit::Result<usize> {
            let mut n = 0;
            for frame in VideoFrames::open(&p, VideoDecodeOptions::default())? {
                frame?;
                n += 1;
            }
            Ok(n)
        });
        match frames {
            Ok(n) => assert!(n + 2 >= reference && reference >= 10, "{name}: {n} frames, ffprobe {reference}"),
            Err(e) => assert_eq!(e.code(), "corrupt_media", "{name}: {e}"),
        }
    }
}

#[test]
fn playlists_and_lists_naming_other_files_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let media = common::lavfi_video(dir.path(), "real.mp4", 1.0, "64x48", 5);
    let cases = [
        ("passwd.m3u8", "#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXTINF:10,\nfile:///etc/passwd\n#EXT-X-ENDLIST\n".to_owned()),
        ("local.m3u8", format!("#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXTINF:1,\n{}\n#EXT-X-ENDLIST\n", media.display())),
        ("list.ffconcat", format!("ffconcat version 1.0\nfile '{}'\nfile '/etc/passwd'\n", media.display())),
        ("list.txt", "ffconcat version 1.0\nfile /etc/passwd\n".to_owned()),
        ("manifest.mpd", format!(
            "<?xml version=\"1.0\"?>\n<MPD xmlns=\"urn:mpeg:dash:schema:mpd:2011\" type=\"static\" mediaPresentationDuration=\"PT1S\" \
             profiles=\"urn:mpeg:dash:profile:isoff-on-demand:2011\"><Period><AdaptationSet><Representation id=\"1\" bandwidth=\"1\">\
             <BaseURL>{}</BaseURL></Representation></AdaptationSet></Period></MPD>\n",
            media.display()
        )),
    ];
    for (name, text) in cases {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        let err = probe(&path).unwrap_err();
        assert_eq!(err.code(), "not_media", "{name}: {err}");
        let err = decode_audio(&path, &AudioDecodeOptions::default(), &RunCtl::default()).unwrap_err();
        assert_eq!(err.code(), "not_media", "{name}: {err}");
    }
    // An image-sequence pattern as a file name is not expanded either.
    let pattern = dir.path().join("frame%03d.png");
    std::fs::write(&pattern, b"\x89PNG\r\n\x1a\nnot really").unwrap();
    assert!(probe(&pattern).is_err());
}

/// Found by the `ass_render` fuzz target: a dialogue line with no text after
/// a `[Fonts]` section of garbage (and a non-UTF-8 first line) indexed an
/// empty list of pieces while measuring the empty line (the crash input
/// without the two leading bytes the target used for the render time).
#[test]
fn fuzz_regression_empty_dialogue_after_garbage_fonts() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/hostile/fuzz-empty-dialogue.ass");
    let script = Script::load(&path).unwrap();
    assert!(!script.events.is_empty());
    let renderer = SubtitleRenderer::for_script(&script, FontLibrary::bundled());
    for t in [0.0, 1.0, 2.5, 4.99] {
        renderer.render(&script, t, 320, 180).unwrap();
    }
}

#[test]
fn legacy_encodings_are_decoded() {
    let dir = tempfile::tempdir().unwrap();
    let text = "1\n00:00:01,000 --> 00:00:02,000\nÇa déjà vu\n";
    // Latin-1 / windows-1252 bytes (not UTF-8).
    let latin: Vec<u8> = text.chars().map(|c| u8::try_from(u32::from(c)).unwrap()).collect();
    let path = dir.path().join("latin1.srt");
    std::fs::write(&path, latin).unwrap();
    assert_eq!(read_subtitles(&path).unwrap().cues[0].lines, ["Ça déjà vu"]);
    // UTF-16 LE and BE with a BOM.
    for big_endian in [false, true] {
        let mut bytes = if big_endian { vec![0xFE, 0xFF] } else { vec![0xFF, 0xFE] };
        for unit in text.encode_utf16() {
            bytes.extend(if big_endian { unit.to_be_bytes() } else { unit.to_le_bytes() });
        }
        let path = dir.path().join("utf16.srt");
        std::fs::write(&path, bytes).unwrap();
        assert_eq!(read_subtitles(&path).unwrap().cues[0].lines, ["Ça déjà vu"], "big endian: {big_endian}");
        assert_eq!(reelkit::audio::read_narration(&path).unwrap()[0].text, "Ça déjà vu");
    }
    // A declared encoding; an unknown one is a clear parameter error.
    let cyrillic = [0xCF, 0xF0, 0xE8, 0xE2, 0xE5, 0xF2]; // "Привет" in windows-1251
    let path = dir.path().join("ru.srt");
    std::fs::write(&path, [b"1\n00:00:01,000 --> 00:00:02,000\n".as_slice(), &cyrillic, b"\n"].concat()).unwrap();
    assert_eq!(reelkit::subtitle::read_subtitles_with(&path, Some("windows-1251")).unwrap().cues[0].lines, ["Привет"]);
    let err = reelkit::subtitle::read_subtitles_with(&path, Some("klingon-8")).unwrap_err();
    assert_eq!(err.code(), "invalid_parameter", "{err}");
}

#[test]
fn brand_kit_files_cannot_name_files_outside_their_folder() {
    let dir = tempfile::tempdir().unwrap();
    let kit_dir = dir.path().join("kit");
    std::fs::create_dir(&kit_dir).unwrap();
    std::fs::write(dir.path().join("secret.png"), b"x").unwrap();
    for (json, field) in [
        (r#"{"fonts": ["/etc/passwd"]}"#, "fonts[0]"),
        (r#"{"fonts": ["../secret.png"]}"#, "fonts[0]"),
        (r#"{"watermark": {"image": "../secret.png"}}"#, "watermark.image"),
        (r#"{"intro": {"media": "/etc/hostname", "duration": 1}}"#, "intro.media"),
    ] {
        let path = kit_dir.join("kit.json");
        std::fs::write(&path, json).unwrap();
        let err = reelkit::subtitle::BrandKit::load(&path).unwrap_err();
        assert_eq!(err.code(), "invalid_config", "{json}: {err}");
        assert_eq!(err.field(), Some(field), "{json}: {err}");
    }
    // A link inside the folder that leads out is refused too.
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(dir.path().join("secret.png"), kit_dir.join("logo.png")).unwrap();
        let path = kit_dir.join("kit.json");
        std::fs::write(&path, r#"{"watermark": {"image": "logo.png"}}"#).unwrap();
        assert_eq!(reelkit::subtitle::BrandKit::load(&path).unwrap_err().code(), "invalid_config");
    }
}

#[test]
fn a_tampered_ingest_sidecar_does_not_redirect_to_another_file() {
    use reelkit::ingest::{ingest, IngestConfig};
    let dir = tempfile::tempdir().unwrap();
    let media = common::lavfi_video(dir.path(), "clip.mp4", 1.0, "64x48", 5);
    let store = dir.path().join("store");
    let first = ingest(media.to_str().unwrap(), &IngestConfig::default().dest(&store), &RunCtl::default()).unwrap();
    let sidecar = store.join(format!("{}.json", first.sha256));
    let mut report: serde_json::Value = serde_json::from_slice(&std::fs::read(&sidecar).unwrap()).unwrap();
    report["path"] = serde_json::Value::String("/etc/passwd".into());
    std::fs::write(&sidecar, serde_json::to_vec(&report).unwrap()).unwrap();
    let again = ingest(media.to_str().unwrap(), &IngestConfig::default().dest(&store), &RunCtl::default()).unwrap();
    assert_eq!(again.path, first.path);
    assert!(again.path.starts_with(store.to_str().unwrap()), "{}", again.path);
}

#[test]
fn embedded_font_data_that_is_not_a_font_is_skipped() {
    let garbage: String = (0..400).map(|i| char::from(33 + (i * 7 % 64) as u8)).collect::<Vec<_>>().chunks(80).map(|c| c.iter().collect::<String>() + "\n").collect();
    let text = format!(
        "[Script Info]\nPlayResX: 320\nPlayResY: 180\n\n[V4+ Styles]\nFormat: Name, Fontname, Fontsize\nStyle: Default,fake,30\n\n\
         [Fonts]\nfontname: fake_0.ttf\n{garbage}\n[Events]\nFormat: Layer, Start, End, Style, Text\nDialogue: 0,0:00:00.00,0:00:02.00,Default,Hello\n"
    );
    let script = Script::parse(&text).unwrap();
    assert_eq!(script.fonts.len(), 1);
    let renderer = SubtitleRenderer::for_script(&script, FontLibrary::bundled());
    // The garbage is not a font: it is left out and the text falls back.
    assert_eq!(renderer.fonts().faces().len(), FontLibrary::bundled().faces().len());
    let image = renderer.render(&script, 1.0, 320, 180).unwrap();
    assert!(image.w > 0 && image.h > 0);
}
