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

/// The first frame of `video` as raw RGB bytes (through the ffmpeg CLI).
fn first_frame(video: &Path) -> Vec<u8> {
    let raw = video.with_extension("rgb");
    common::ffmpeg(&["-i", video.to_str().unwrap(), "-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "rgb24", raw.to_str().unwrap()]);
    std::fs::read(raw).unwrap()
}

/// A subtitle file in a legacy encoding that detection gets wrong (it is
/// not UTF-8, so it would be read as windows-1252) decodes correctly in every
/// job that reads one when the job declares it (`params.subtitle_encoding`);
/// an unknown label is refused before anything runs.
#[test]
fn declared_subtitle_encodings_reach_every_job_that_reads_subtitles() {
    use reelkit::{Engine, JobReport, JobSpec};
    use serde_json::json;
    let dir = tempfile::tempdir().unwrap();
    let engine = Engine::from_env();
    let video = common::lavfi_video(dir.path(), "v.mp4", 2.0, "320x180", 10);

    // Shift_JIS: detection alone reads mojibake.
    let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode("1\n00:00:00,200 --> 00:00:01,800\nこんにちは 世界\n");
    let srt = dir.path().join("ja.srt");
    std::fs::write(&srt, &sjis).unwrap();
    assert_ne!(read_subtitles(&srt).unwrap().cues[0].lines, ["こんにちは 世界"], "detection alone should not get Shift_JIS right");
    assert_eq!(reelkit::audio::read_narration_with(&srt, Some("shift_jis")).unwrap()[0].text, "こんにちは 世界");

    // align: the edited words come out as declared.
    let transcript = json!({"language": "ja", "duration": 2.0, "segments": [{"start": 0.2, "end": 1.8, "text": "hello world",
        "words": [{"word": "hello", "start": 0.2, "end": 0.9, "probability": 0.9}, {"word": "world", "start": 1.0, "end": 1.8, "probability": 0.9}]}]});
    let transcript_path = dir.path().join("t.json");
    std::fs::write(&transcript_path, transcript.to_string()).unwrap();
    let align = |encoding: Option<&str>| {
        let spec = json!({"kind": "align", "input": video, "params": {"text": srt, "transcript": transcript_path, "subtitle_encoding": encoding}});
        let JobReport::Align(report) = engine.run(&JobSpec::from_value(spec).unwrap(), &RunCtl::default()).unwrap() else { panic!() };
        report.transcript.words().into_iter().map(|w| w.word).collect::<Vec<_>>()
    };
    assert_eq!(align(Some("shift_jis")), ["こんにちは", "世界"]);
    assert_ne!(align(None), ["こんにちは", "世界"]);

    // burn: a windows-1251 SRT declared as such draws exactly what its UTF-8 twin draws.
    let text = "1\n00:00:00,000 --> 00:00:02,000\nПривет, мир\n";
    let (cyrillic, _, _) = encoding_rs::WINDOWS_1251.encode(text);
    std::fs::write(dir.path().join("ru.srt"), &cyrillic).unwrap();
    std::fs::write(dir.path().join("utf8.srt"), text).unwrap();
    let burn = |script: &str, encoding: Option<&str>, out: &str| {
        let out = dir.path().join(out);
        let spec = json!({"kind": "burn", "input": video, "output": out,
            "params": {"script": dir.path().join(script), "subtitle_encoding": encoding, "options": {"threads": 1}}});
        engine.run(&JobSpec::from_value(spec).unwrap(), &RunCtl::default()).unwrap();
        first_frame(&out)
    };
    let reference = burn("utf8.srt", None, "utf8.mp4");
    assert_eq!(burn("ru.srt", Some("windows-1251"), "declared.mp4"), reference, "declared windows-1251 draws the UTF-8 text");
    assert_ne!(burn("ru.srt", None, "guessed.mp4"), reference, "undeclared, the bytes are read as windows-1252");

    // An unknown label: invalid_config at params.subtitle_encoding, in every kind, before anything is read.
    for (kind, params) in [
        ("align", json!({"text": srt})),
        ("burn", json!({"script": srt})),
        ("dub", json!({"narration": srt})),
    ] {
        let mut params = params;
        params["subtitle_encoding"] = json!("klingon-8");
        let out = dir.path().join(format!("{kind}.out.mp4"));
        let spec = JobSpec::from_value(json!({"kind": kind, "input": video, "output": out, "params": params})).unwrap();
        let err = engine.run(&spec, &RunCtl::default()).unwrap_err();
        assert_eq!(err.code(), "invalid_config", "{kind}: {err}");
        assert_eq!(err.field(), Some("params.subtitle_encoding"), "{kind}: {err}");
        assert!(err.to_string().contains("klingon-8") && err.to_string().contains("WHATWG"), "{kind}: {err}");
        assert!(!out.exists());
    }
}

/// An HLS ladder written by reelkit's own transcode and a TS playlist written
/// by the ffmpeg CLI: refused by default; opened (probed, decoded) when the
/// engine allows playlists or a grant is held; and still refused, even then,
/// when the playlist names anything outside its own folder.
#[test]
fn trusted_hls_playlists_open_only_files_in_their_own_folder() {
    use reelkit::{Engine, EngineConfig, JobReport, JobSpec};
    use serde_json::json;
    let dir = tempfile::tempdir().unwrap();
    let media = common::lavfi_video(dir.path(), "src.mp4", 4.0, "320x180", 10);
    let strict = Engine::from_env();
    let trusting = Engine::with_config(&EngineConfig::default().allow_playlists(true)).unwrap();
    let run = |engine: &Engine, spec: serde_json::Value| engine.run(&JobSpec::from_value(spec).unwrap(), &RunCtl::default());

    // reelkit's HLS ladder (master → media playlists, fMP4 init sections, separate audio).
    let ladder = dir.path().join("ladder");
    run(&strict, json!({"kind": "transcode", "input": media, "output": ladder,
        "params": {"hls": {"dir": ladder, "ladder": [180], "segment_seconds": 1}}})).unwrap();
    let master = ladder.join("master.m3u8");
    assert!(master.is_file());
    // The ffmpeg CLI's MPEG-TS playlist.
    let ts = dir.path().join("ts");
    std::fs::create_dir(&ts).unwrap();
    common::ffmpeg(&["-i", media.to_str().unwrap(), "-c", "copy", "-f", "hls", "-hls_time", "1", "-hls_playlist_type", "vod",
        ts.join("index.m3u8").to_str().unwrap()]);
    let index = ts.join("index.m3u8");

    for playlist in [&master, &index] {
        let err = run(&strict, json!({"kind": "probe", "input": playlist})).unwrap_err();
        assert_eq!(err.code(), "not_media", "{}: {err}", playlist.display());
        assert!(err.to_string().contains("allow_playlists"), "{err}");
        let JobReport::Probe(info) = run(&trusting, json!({"kind": "probe", "input": playlist})).unwrap() else { panic!() };
        assert!((info.duration - 4.0).abs() < 0.6, "{}: {} s", playlist.display(), info.duration);
        assert!(info.video.is_some(), "{}", playlist.display());
        // A real decode through the playlist: the scene detector reads every frame.
        let JobReport::Scenes(scenes) = run(&trusting, json!({"kind": "scenes", "input": playlist})).unwrap() else { panic!() };
        assert!(scenes.scenes.frames >= 35, "{}: {} frames", playlist.display(), scenes.scenes.frames);
    }
    // The library without an engine: only while a grant is held.
    assert_eq!(probe(&index).unwrap_err().code(), "not_media");
    let grant = reelkit::media::trust_playlist(&index).unwrap();
    assert!(probe(&index).is_ok());
    drop(grant);
    assert_eq!(probe(&index).unwrap_err().code(), "not_media");

    // Playlists in the same folder, naming real segments the wrong way.
    let segment = std::fs::read_dir(&ts).unwrap().map(|e| e.unwrap().path()).find(|p| p.extension().is_some_and(|e| e == "ts")).unwrap();
    let outside = dir.path().join("outside.ts");
    std::fs::copy(&segment, &outside).unwrap();
    let head = "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:1\n#EXT-X-PLAYLIST-TYPE:VOD\n#EXTINF:1.0,\n";
    let mut cases = vec![
        ("dotdot.m3u8", format!("{head}../outside.ts\n#EXT-X-ENDLIST\n")),
        ("absolute.m3u8", format!("{head}{}\n#EXT-X-ENDLIST\n", outside.display())),
        ("file-url.m3u8", format!("{head}file://{}\n#EXT-X-ENDLIST\n", outside.display())),
        ("file-proto.m3u8", format!("{head}file:{}\n#EXT-X-ENDLIST\n", outside.display())),
        ("passwd.m3u8", format!("{head}file:///etc/passwd\n#EXT-X-ENDLIST\n")),
        ("http.m3u8", format!("{head}http://127.0.0.1:9/seg.ts\n#EXT-X-ENDLIST\n")),
        ("escaped.m3u8", format!("{head}%2e%2e/outside.ts\n#EXT-X-ENDLIST\n")),
        ("map.m3u8", format!("#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXT-X-MAP:URI=\"../outside.ts\"\n#EXTINF:1.0,\n{}\n#EXT-X-ENDLIST\n",
            segment.file_name().unwrap().to_str().unwrap())),
        // A master whose variant is one of the above: checked all the way down.
        ("master-bad.m3u8", "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1000\ndotdot.m3u8\n".to_owned()),
    ];
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(&outside, ts.join("link.ts")).unwrap();
        cases.push(("symlink.m3u8", format!("{head}link.ts\n#EXT-X-ENDLIST\n")));
    }
    for (name, text) in &cases {
        std::fs::write(ts.join(name), text).unwrap();
    }
    for (name, _) in &cases {
        let path = ts.join(name);
        let err = run(&trusting, json!({"kind": "probe", "input": path})).unwrap_err();
        assert_eq!(err.code(), "not_media", "{name}: {err}");
        assert!(err.to_string().contains("own folder"), "{name}: {err}");
        assert_eq!(reelkit::media::trust_playlist(&path).unwrap_err().code(), "not_media", "{name}");
    }
}
