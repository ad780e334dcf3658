//! Retell evaluated on a film with known chapters: four subjects spoken by
//! espeak-ng, each chapter with its own pictures (lavfi sources, and the
//! scene-detection test video of ../shared/testdata for the last one), two
//! scenes per chapter so scene cuts alone do not give the chapters away.
//! Checked: chapter-boundary F1 against the known bounds (floor measured
//! on this film), the retell's length within ±10 % of the request, every
//! shot inside the source, captions equal to the narration, the narration
//! in chapter order, and — after re-rendering the script with the bed
//! muted, from the cached analysis — the narration's word error rate
//! through reelkit's own ASR under 10 %.

mod common;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use reelkit::retell::{BedMode, RetellJob, RetellScript};
use reelkit::{CancelToken, Engine, ProgressEvent, RunCtl, Stage};

const SUBJECTS: [&str; 4] = [
    "Volcanoes form where molten rock rises through the crust of the earth. \
     When pressure builds inside a volcano, magma erupts as glowing lava and ash. \
     Lava flows slowly downhill and cools into black basalt rock. \
     Some volcanoes, like those in Hawaii, build whole islands over millions of years. \
     Volcanic ash clouds can drift around the planet and cool the climate. \
     Scientists measure small earthquakes to predict the next eruption.",
    "Honey bees live in colonies of many thousands of workers and a single queen. \
     Worker bees fly from flower to flower collecting nectar and pollen. \
     Back in the hive, the bees turn nectar into honey and store it in wax combs. \
     A forager dances to tell her sisters where the best flowers are. \
     Bees pollinate apples, almonds and many other crops that farmers grow. \
     Beekeepers wear veils and use smoke to calm the hive before opening it.",
    "Bread begins with flour, water, salt and yeast mixed into a dough. \
     Kneading the dough stretches the gluten so that it can trap gas. \
     The yeast eats sugar and releases bubbles that make the dough rise. \
     After shaping, the loaf rests again before it goes into a hot oven. \
     In the oven the crust turns brown and crisp while the crumb sets. \
     A baker taps the bottom of the loaf and listens for a hollow sound.",
    "The moon orbits the earth about once every twenty seven days. \
     Its gravity pulls on the oceans and raises the tides twice a day. \
     The dark patches on the moon are old seas of frozen lava. \
     Astronauts first walked on the lunar surface in nineteen sixty nine. \
     They brought back rocks that told us how the moon was born. \
     Without air, the footprints they left may last for millions of years.",
];

/// Build the film in `dir`; returns it and the known chapter boundaries.
fn build_film(dir: &Path, testdata: &Path) -> (PathBuf, Vec<f64>) {
    let mut parts = Vec::new();
    let mut bounds = Vec::new();
    let mut t = 0.0;
    let pictures = ["testsrc2=size=320x240:rate=25", "mandelbrot=size=320x240:rate=25", "life=size=320x240:rate=25:mold=10:ratio=0.5:death_color=#203040:life_color=#e0c020"];
    let testvideo = testdata.join("scene-detection/videos/testvideo.mp4");
    assert!(testvideo.exists(), "{}", testvideo.display());
    for (c, text) in SUBJECTS.iter().enumerate() {
        let wav = common::espeak(dir, &format!("speech-{c}.wav"), text);
        let speech: f64 = common::ffprobe(&wav, "a", "stream=duration").parse().unwrap();
        let len = speech + 1.5;
        let part = dir.join(format!("part-{c}.mp4"));
        let len_s = format!("{len:.3}");
        let half = format!("{:.3}", len / 2.0);
        // Two scenes per chapter: the picture, then the same picture hue-shifted and flipped.
        let (input_args, source): (Vec<String>, String) = if c < 3 {
            (vec!["-f".into(), "lavfi".into(), "-t".into(), len_s.clone(), "-i".into(), pictures[c].to_string()], "[0:v]".into())
        } else {
            (vec!["-stream_loop".into(), "-1".into(), "-i".into(), testvideo.display().to_string()], "[0:v]".into())
        };
        let filter = format!(
            "{source}scale=320:240,fps=25,trim=duration={len_s},setpts=PTS-STARTPTS,split[a][b];\
             [a]trim=end={half}[a1];[b]trim=start={half},setpts=PTS-STARTPTS,hue=h=120,vflip[b1];\
             [a1][b1]concat=n=2:v=1:a=0,format=yuv420p[v];\
             [1:a]aresample=48000,apad=whole_dur={len_s}[s]"
        );
        let mut args: Vec<String> = input_args;
        args.extend(["-i".into(), wav.display().to_string(), "-filter_complex".into(), filter, "-map".into(), "[v]".into(), "-map".into(), "[s]".into()]);
        args.extend(["-t".into(), len_s.clone(), "-c:v".into(), "libx264".into(), "-preset".into(), "ultrafast".into(), "-c:a".into(), "aac".into(), "-ac".into(), "1".into()]);
        args.push(part.display().to_string());
        common::ffmpeg(&args.iter().map(String::as_str).collect::<Vec<_>>());
        parts.push(part);
        t += len;
        if c + 1 < SUBJECTS.len() {
            bounds.push(t);
        }
    }
    let list = dir.join("parts.txt");
    std::fs::write(&list, parts.iter().map(|p| format!("file '{}'\n", p.display())).collect::<String>()).unwrap();
    let film = dir.join("film.mp4");
    common::ffmpeg(&["-f", "concat", "-safe", "0", "-i", list.to_str().unwrap(), "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", film.to_str().unwrap()]);
    (film, bounds)
}

/// Precision/recall F1 of `found` boundaries against `truth` within `tolerance` seconds (one match each).
fn boundary_f1(found: &[f64], truth: &[f64], tolerance: f64) -> f64 {
    let mut used = vec![false; truth.len()];
    let mut hits = 0usize;
    for f in found {
        if let Some(k) = (0..truth.len()).filter(|k| !used[*k] && (truth[*k] - f).abs() <= tolerance).min_by(|a, b| (truth[*a] - f).abs().total_cmp(&(truth[*b] - f).abs())) {
            used[k] = true;
            hits += 1;
        }
    }
    if hits == 0 {
        return 0.0;
    }
    let (p, r) = (hits as f64 / found.len() as f64, hits as f64 / truth.len() as f64);
    2.0 * p * r / (p + r)
}

fn recording_ctl(events: Arc<Mutex<Vec<Stage>>>) -> RunCtl {
    let started = std::time::Instant::now();
    let sink = move |e: &ProgressEvent| {
        let mut v = events.lock().unwrap();
        if v.last() != Some(&e.stage) {
            eprintln!("{:7.1} s  {}", started.elapsed().as_secs_f64(), e.stage);
            v.push(e.stage);
        }
    };
    RunCtl::new(Arc::new(sink), CancelToken::new())
}

#[test]
fn retell_of_a_four_chapter_film() {
    let testdata = require_testdata!();
    let _store = require_models!();
    let dir = tempfile::tempdir().unwrap();
    let (film, truth) = build_film(dir.path(), &testdata);
    let engine = Engine::from_env();
    let out = dir.path().join("out");
    let minutes = 1.0;
    let job = RetellJob::default().minutes(minutes);
    let stages = Arc::new(Mutex::new(Vec::new()));
    let started = std::time::Instant::now();
    let report = engine.retell(&film, &out, &job, &recording_ctl(stages.clone())).unwrap();
    eprintln!("retell took {:.1} s (shared cores)", started.elapsed().as_secs_f64());
    assert!(!report.analysis_cached);
    assert_eq!(report.narration_source, "extractive");

    // Chapters.
    let found: Vec<f64> = report.chapters.iter().skip(1).map(|c| c.start).collect();
    let f1 = boundary_f1(&found, &truth, 2.0);
    eprintln!("chapters: {:?}", report.chapters.iter().map(|c| (&c.title, c.start, c.end)).collect::<Vec<_>>());
    eprintln!("truth boundaries {truth:?}, found {found:?}, F1 {f1:.2}");
    assert!(f1 >= 0.99, "chapter-boundary F1 {f1:.2} (measured 1.00 on this film)");

    // The files and the script.
    for f in ["retell.mp4", "retell.srt", "retell.json", "retell.otio", reelkit::retell::CACHE_FILE] {
        assert!(out.join(f).exists(), "{f} missing");
    }
    let script: RetellScript = serde_json::from_slice(&std::fs::read(out.join("retell.json")).unwrap()).unwrap();
    let target = minutes * 60.0;
    let duration: f64 = common::ffprobe(&out.join("retell.mp4"), "v", "stream=duration").parse().unwrap();
    assert!((duration - target).abs() <= 0.1 * target, "retell lasts {duration:.1} s for {target} s asked");
    assert_eq!(common::ffprobe(&out.join("retell.mp4"), "v", "stream=codec_name"), "h264");
    assert_eq!(common::ffprobe(&out.join("retell.mp4"), "a", "stream=codec_name"), "aac");
    let source_duration = report.source_duration;
    for s in &script.shots {
        assert!(s.source_start >= 0.0 && s.source_end <= source_duration + 1e-6 && s.source_end > s.source_start, "{s:?}");
        assert!((s.source_end - s.source_start - (s.end - s.start)).abs() < 1e-6, "{s:?}");
        let chapter = &script.chapters[script.narration[s.narration.unwrap()].chapter];
        assert!(s.source_start >= chapter.start - 1e-6 && s.source_end <= chapter.end + 1e-6, "shot {s:?} outside its chapter {chapter:?}");
    }
    for (i, a) in script.shots.iter().enumerate() {
        for b in &script.shots[i + 1..] {
            assert!(a.source_end <= b.source_start + 1e-6 || b.source_end <= a.source_start + 1e-6, "reused: {a:?} {b:?}");
        }
    }
    assert!(script.shots.first().unwrap().start == 0.0 && (script.shots.last().unwrap().end - report.duration).abs() < 1e-6);
    // Narration in chapter order, every chapter told.
    let order: Vec<usize> = script.narration.iter().map(|l| l.chapter).collect();
    assert!(order.windows(2).all(|w| w[0] <= w[1]), "{order:?}");
    assert_eq!(order.iter().copied().collect::<std::collections::BTreeSet<_>>().len(), 4, "{order:?}");
    // Captions say the narration, word for word.
    let srt = reelkit::subtitle::read_subtitles(out.join("retell.srt")).unwrap();
    let captions: Vec<String> = srt.cues.iter().flat_map(|c| c.lines.clone()).collect();
    let narration: Vec<&str> = script.narration.iter().map(|l| l.text.as_str()).collect();
    assert_eq!(captions.join(" "), narration.join(" "));
    let seen = stages.lock().unwrap().clone();
    for s in [Stage::Fingerprint, Stage::Transcribe, Stage::Scenes, Stage::Synthesize, Stage::Mix, Stage::Render] {
        assert!(seen.contains(&s), "no {s} progress in {seen:?}");
    }

    // Edit the script, re-render with the bed muted: no analysis, and the
    // narration comes back through ASR.
    let mut edited = script.clone();
    edited.narration.truncate(edited.narration.len().max(2) - 1);
    let edited_path = dir.path().join("edited.json");
    std::fs::write(&edited_path, serde_json::to_vec(&edited).unwrap()).unwrap();
    let stages = Arc::new(Mutex::new(Vec::new()));
    let again = engine.retell(&film, &out, &job.clone().script(&edited_path).bed(BedMode::Mute), &recording_ctl(stages.clone())).unwrap();
    assert!(again.analysis_cached);
    assert_eq!(again.narration_source, "script");
    assert!(!stages.lock().unwrap().contains(&Stage::Transcribe));
    assert_eq!(again.narration.iter().map(|l| &l.text).collect::<Vec<_>>(), edited.narration.iter().map(|l| &l.text).collect::<Vec<_>>());
    let heard = engine.transcribe(out.join("retell.mp4"), &reelkit::AsrConfig::default(), &RunCtl::default()).unwrap();
    let said: String = again.narration.iter().map(|l| l.text.as_str()).collect::<Vec<_>>().join(" ");
    let wer = common::wer::word_error_rate(&said, &heard.text());
    eprintln!("narration round-trip WER {:.3}", wer);
    assert!(wer < 0.10, "WER {wer:.3}: said {said:?}, heard {:?}", heard.text());
}

#[test]
fn a_cancelled_retell_stops_and_bad_params_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let video = common::lavfi_video(dir.path(), "v.mp4", 2.0, "160x120", 25);
    let engine = Engine::from_env();
    let cancel = CancelToken::new();
    cancel.cancel();
    let e = engine.retell(&video, dir.path().join("o"), &RetellJob::default(), &RunCtl::default().with_cancel(cancel)).unwrap_err();
    assert!(e.is_cancelled(), "{e}");
    let e = engine.retell(&video, dir.path().join("o"), &RetellJob::default().minutes(500.0), &RunCtl::default()).unwrap_err();
    assert_eq!((e.code(), e.field()), ("invalid_parameter", Some("minutes")));
    let spec = reelkit::JobSpec::from_value(serde_json::json!({"kind": "retell", "input": "a.mp4", "output": "o", "params": {"minutes": 3, "bed": "mute"}})).unwrap();
    spec.validate().unwrap();
    assert!(reelkit::JobSpec::from_value(serde_json::json!({"kind": "retell", "params": {"minutse": 3}})).is_err());
}

/// scikit-image's astronaut photograph (a frontal face) as a PNG, through
/// the dev venv; `None` (a visible skip, a failure when required) without it.
fn astronaut_png(dir: &Path) -> Option<PathBuf> {
    let python = common::venv_python();
    let has_skimage = std::process::Command::new(&python).args(["-c", "import skimage, PIL"]).output().is_ok_and(|o| o.status.success());
    common::require(common::Fixture::Tools, has_skimage, &format!("scikit-image in {}", python.display()))?;
    let out = dir.join("astronaut.png");
    let code = format!("from skimage import data; from PIL import Image; Image.fromarray(data.astronaut()).save({:?})", out.display().to_string());
    assert!(std::process::Command::new(&python).args(["-c", &code]).status().unwrap().success());
    Some(out)
}

/// Two still scenes under the same speech: a face (the astronaut) for the
/// first 8 s, a face-less picture (a Mandelbrot set) for the next 8 s. The
/// pictures do not move, the sound is the same, and the cut's motion spike
/// even favours the second scene: only faces can rank the first one higher.
/// The face scene must rank first, carry its face score in the report and
/// the cached analysis, and give the retell its first shot.
#[test]
fn the_shot_with_a_face_is_chosen_over_an_equal_one_without() {
    let _store = require_models!();
    reelkit_testkit::need!(common::available(
        common::Fixture::Models,
        reelkit::models::ModelStore::from_env().centerface().ok(),
        "CenterFace (reelkit models fetch centerface)"
    ));
    let dir = tempfile::tempdir().unwrap();
    let face = reelkit_testkit::need!(astronaut_png(dir.path()));
    let speech = common::espeak(dir.path(), "speech.wav", "Eileen Collins flew the space shuttle. She was the first woman to command a shuttle mission.");
    let film = dir.path().join("film.mp4");
    common::ffmpeg(&[
        "-loop", "1", "-t", "8", "-i", face.to_str().unwrap(),
        "-f", "lavfi", "-t", "0.04", "-i", "mandelbrot=size=640x360:rate=25",
        "-i", speech.to_str().unwrap(),
        "-filter_complex",
        "[0:v]scale=-2:360,pad=640:360:(ow-iw)/2:0:color=gray,setsar=1,fps=25,trim=duration=8[a];\
         [1:v]trim=end_frame=1,loop=loop=-1:size=1,setpts=N/25/TB,trim=duration=8,setsar=1[b];\
         [a][b]concat=n=2:v=1:a=0,format=yuv420p[v];\
         [2:a]aresample=48000,apad=whole_dur=8,atrim=duration=8,asplit[x][y];[x][y]concat=n=2:v=0:a=1[s]",
        "-map", "[v]", "-map", "[s]", "-t", "16", "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", "-ac", "1",
        film.to_str().unwrap(),
    ]);
    let engine = Engine::from_env();
    let out = dir.path().join("out");
    let spec = reelkit::JobSpec::from_value(serde_json::json!({"kind": "retell", "input": film, "output": out,
        "params": {"minutes": 0.1, "max_chapters": 1}}))
    .unwrap();
    let reelkit::JobReport::Retell(report) = engine.run(&spec, &RunCtl::default()).unwrap() else { panic!() };
    assert_eq!(report.chapters.len(), 1, "{:?}", report.chapters);
    let shots = &report.chapters[0].shots;
    eprintln!("candidate shots: {shots:?}");
    let with_face = shots.iter().find(|s| s.end <= 8.0 + 0.05).expect("the face scene is a candidate");
    let without = shots.iter().find(|s| s.start >= 8.0 - 0.05).expect("the face-less scene is a candidate");
    // Equal signals but faces (the cut even lends the second scene motion).
    assert!(without.motion >= with_face.motion, "{with_face:?} {without:?}");
    assert!((without.energy - with_face.energy).abs() < 0.03, "{with_face:?} {without:?}");
    let (f, g) = (with_face.face.expect("face measured"), without.face.expect("face measured"));
    assert!(f > 0.3 && g < 0.05, "face scores {f} and {g}");
    assert_eq!((shots[0].start, shots[0].end), (with_face.start, with_face.end), "the face shot ranks first: {shots:?}");
    // The retell opens on it.
    let script: RetellScript = serde_json::from_slice(&std::fs::read(out.join("retell.json")).unwrap()).unwrap();
    let first = &script.shots[0];
    assert!(first.source_start >= with_face.start - 1e-6 && first.source_end <= with_face.end + 1e-6, "{first:?}");
    // The cached analysis keeps the face samples, one a second.
    let analysis: serde_json::Value = serde_json::from_slice(&std::fs::read(out.join(reelkit::retell::CACHE_FILE)).unwrap()).unwrap();
    let samples = analysis["faces"].as_array().expect("faces in the analysis");
    assert!(samples.len() >= 14, "{} face samples", samples.len());
    for s in samples {
        let (t, score) = (s[0].as_f64().unwrap(), s[1].as_f64().unwrap());
        if t < 7.5 {
            assert!(score > 0.3, "no face at {t} s: {score}");
        } else if t > 8.5 {
            assert!(score < 0.05, "a face at {t} s: {score}");
        }
    }
}
