//! Clip discovery on a stitched talk (espeak-ng speech in three topics,
//! silence, an applause-like noise burst, scene cuts): query mode finds a
//! topic from a paraphrase, edges never fall inside a word, the duration
//! target holds, every signal carries its raw measure, timelines are written,
//! and an LLM endpoint on 127.0.0.1 (a test server replaying a recorded
//! answer) re-ranks the shortlist.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};

use reelkit::clips::{ClipConfig, LlmConfig};
use reelkit::timeline::TimelineFormat;
use reelkit::{ClipsJob, Engine, RunCtl, Transcript};

const PRICING: &str = "How much does the premium plan cost? The premium plan costs nine dollars a month for each person. \
That is why most small teams pick it over the free plan.";
const NATURE: &str = "The river is long and the water is cold. The mountains are tall and covered in snow. \
The valley below has many old trees.";
const BAKING: &str = "Let me tell you about baking bread at home. You need flour, water, salt and yeast. \
Knead the dough for ten minutes and bake it until the crust is golden.";

/// Three topics with a second of silence between them, a burst of
/// noise (applause-like) after the first, and a colour change (scene cut)
/// at each topic start.
fn stitched_talk(dir: &Path) -> (PathBuf, f64) {
    let parts = [("a.wav", PRICING), ("b.wav", NATURE), ("c.wav", BAKING)];
    let mut inputs: Vec<String> = Vec::new();
    let mut durations = Vec::new();
    for (name, text) in parts {
        let wav = common::espeak(dir, name, text);
        durations.push(common::ffprobe(&wav, "a", "stream=duration").parse::<f64>().unwrap());
        inputs.push(wav.to_str().unwrap().to_owned());
    }
    // a, 1 s gap, 2 s burst, 1 s gap, b, 1.5 s gap, c, 1 s tail.
    let filter = "[0:a]aresample=16000[a];[1:a]aresample=16000[b];[2:a]aresample=16000[c];\
        anullsrc=r=16000:cl=mono:d=1[g1];anoisesrc=r=16000:a=0.3:c=pink:d=2,tremolo=f=6:d=0.8[n];anullsrc=r=16000:cl=mono:d=1[g2];\
        anullsrc=r=16000:cl=mono:d=1.5[g3];anullsrc=r=16000:cl=mono:d=1[g4];\
        [a][g1][n][g2][b][g3][c][g4]concat=n=8:v=0:a=1[out]";
    let audio = dir.join("talk.wav");
    common::ffmpeg(&[
        "-i", &inputs[0], "-i", &inputs[1], "-i", &inputs[2], "-filter_complex", filter, "-map", "[out]", audio.to_str().unwrap(),
    ]);
    let total = durations[0] + 4.0 + durations[1] + 1.5 + durations[2] + 1.0;
    let cut1 = durations[0] + 4.0;
    let cut2 = cut1 + durations[1] + 1.5;
    let video = format!(
        "color=c=navy:size=320x240:rate=25:d={cut1}[v1];color=c=darkgreen:size=320x240:rate=25:d={}[v2];\
         color=c=maroon:size=320x240:rate=25:d={}[v3];[v1][v2][v3]concat=n=3:v=1:a=0[v]",
        cut2 - cut1,
        total - cut2
    );
    let out = dir.join("talk.mp4");
    common::ffmpeg(&[
        "-i", audio.to_str().unwrap(), "-filter_complex", &video, "-map", "[v]", "-map", "0:a", "-c:v", "libx264",
        "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest", out.to_str().unwrap(),
    ]);
    (out, total)
}

fn small_job(query: Option<&str>) -> ClipsJob {
    let mut config = ClipConfig::default().top(2).duration(5.0, 16.0);
    config.query = query.map(str::to_owned);
    let mut job = ClipsJob::default().clip_config(config);
    job.burn_captions = false;
    job.crf = 35;
    job.preset = "ultrafast".into();
    job
}

fn words(out: &Path) -> Vec<reelkit::asr::Word> {
    let t: Transcript = serde_json::from_slice(&std::fs::read(out.join("transcript.json")).unwrap()).unwrap();
    t.words()
}

#[test]
fn query_mode_timelines_and_edges_on_a_stitched_talk() {
    let store = require_models!();
    let dir = tempfile::tempdir().unwrap();
    let (input, _) = stitched_talk(dir.path());
    let engine = Engine::new(store);

    // Query mode: a paraphrase of the pricing part, none of its key words.
    let out = dir.path().join("query");
    let job = small_job(Some("how expensive is the subscription")).timeline(TimelineFormat::ALL.to_vec());
    let report = engine.clips(&input, &out, &job, &RunCtl::default()).unwrap();
    assert!(!report.clips.is_empty());
    let best = &report.clips[0];
    assert!(best.text.to_lowercase().contains("premium plan"), "query mode picked: {}", best.text);
    assert!(best.signals.query_similarity.unwrap() > 0.3, "{:?}", best.signals);
    assert!(best.reason.contains("matches the query"), "{}", best.reason);
    assert_eq!(report.timelines, ["timeline.otio", "timeline.fcpxml", "timeline.edl", "timeline.mlt"]);
    for name in &report.timelines {
        assert!(std::fs::read_to_string(out.join(name)).unwrap().contains("clip-01"), "{name}");
    }
    let json: serde_json::Value = serde_json::from_slice(&std::fs::read(out.join("clips.json")).unwrap()).unwrap();
    let signals = &json["clips"][0]["signals"];
    for key in ["energy", "energy_db", "loudness_peaks", "peak_lu", "bursts", "burst_seconds", "hook", "hook_cues", "payoff", "topic",
        "coherence", "query", "query_similarity", "motion", "motion_mean", "pace_change", "speech_coverage", "speech_ratio"]
    {
        assert!(signals.get(key).is_some(), "clips.json signals lack `{key}`: {signals}");
    }

    // Default ranking on the same transcript (no second transcription): the
    // opening question with its answer.
    let transcript: Transcript = serde_json::from_slice(&std::fs::read(out.join("transcript.json")).unwrap()).unwrap();
    let mut reader = reelkit::media::AudioReader::open(&input, &reelkit::media::AudioDecodeOptions::default()).unwrap();
    let mut levels = reelkit::asr::vad::FrameLevels::new(16_000);
    while let Some(block) = reader.read_block(160_000).unwrap() {
        levels.push(&block);
    }
    levels.finish();
    let scenes = reelkit::scenes::detect_scenes(&input, &Default::default(), &RunCtl::default()).unwrap();
    let encoder = engine.sentence_encoder().unwrap();
    let config = small_job(None).clips;
    let discovery = reelkit::clips::Discovery {
        input: &input,
        transcript: &transcript,
        levels: &levels.levels,
        scenes: Some(&scenes),
        duration: reelkit::probe(&input).unwrap().duration,
        encoder: Some(&encoder),
    };
    let clips = reelkit::clips::discover(discovery, &config, &RunCtl::default()).unwrap();
    let all_words = words(&out);
    assert!(!clips.is_empty());
    for clip in &clips {
        assert!(clip.duration() >= 5.0 - 1e-6 && clip.duration() <= 16.0 + 1e-6, "{clip:?}");
        for edge in [clip.start, clip.end] {
            assert!(!reelkit::clips::inside_a_word(&all_words, edge, 0.05), "edge {edge} inside a word: {clip:?}");
        }
        assert!(!clip.reason.is_empty());
    }
    for (i, a) in clips.iter().enumerate() {
        for b in &clips[i + 1..] {
            assert!(a.end <= b.start || b.end <= a.start, "overlap: {a:?} {b:?}");
        }
    }
    let pricing = clips.iter().find(|c| c.text.to_lowercase().contains("how much")).expect("the question clip is picked");
    assert!(pricing.signals.hook_cues.contains(&reelkit::clips::HookCue::Question), "{:?}", pricing.signals);
    assert!(pricing.signals.answer_at.is_some(), "{:?}", pricing.signals);
    assert!(pricing.signals.topic_boundaries.is_some());
}

/// A one-shot HTTP server on 127.0.0.1 that answers every chat request with
/// `answer` (a recorded model answer), after checking the request asks for
/// a JSON-schema answer. Returns the base URL and the captured requests.
fn recorded_llm(answer: String, requests: usize) -> (String, std::thread::JoinHandle<Vec<serde_json::Value>>) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/v1", listener.local_addr().unwrap());
    let handle = std::thread::spawn(move || {
        let mut seen = Vec::new();
        for _ in 0..requests {
            let (stream, _) = listener.accept().unwrap();
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut length = 0usize;
            let mut line = String::new();
            loop {
                line.clear();
                reader.read_line(&mut line).unwrap();
                if line.trim().is_empty() {
                    break;
                }
                if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                    length = v.trim().parse().unwrap();
                }
            }
            let mut body = vec![0; length];
            reader.read_exact(&mut body).unwrap();
            seen.push(serde_json::from_slice(&body).unwrap());
            let reply = serde_json::json!({ "choices": [{ "message": { "role": "assistant", "content": answer } }] }).to_string();
            let mut stream = stream;
            write!(stream, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{reply}", reply.len()).unwrap();
        }
        seen
    });
    (url, handle)
}

#[test]
fn an_llm_endpoint_reranks_the_shortlist_and_a_dead_one_is_survived() {
    // Three sentences far apart: three candidates of one sentence each.
    let mut segments = Vec::new();
    for (i, text) in ["The weather was mild that day.", "Why do cats land on their feet?", "Bread needs flour and water."].iter().enumerate() {
        let start = 10.0 * i as f64;
        let ws: Vec<&str> = text.split_whitespace().collect();
        let words = ws
            .iter()
            .enumerate()
            .map(|(k, w)| reelkit::asr::Word::new(*w, start + k as f64 * 0.4, start + k as f64 * 0.4 + 0.3, 0.9))
            .collect();
        segments.push(reelkit::asr::Segment { start, end: start + 3.0, text: (*text).into(), words });
    }
    let transcript = Transcript { language: "en".into(), duration: 30.0, segments, ..Default::default() };
    let energy = reelkit::clips::EnergyTrack { hop: 0.1, db: vec![-30.0; 300] };
    // The recorded answer rates the third excerpt (in the shortlist's order) highest.
    let mut config = ClipConfig::default().top(3).duration(1.0, 5.0);
    config.weights.llm = 100.0;
    let offline = reelkit::clips::find_clips(reelkit::clips::Signals::new(&transcript, &energy, None, 30.0), &config).unwrap();
    assert_eq!(offline.len(), 3);
    let answer = r#"{"ratings": [{"index": 1, "score": 1, "reason": "no hook"}, {"index": 2, "score": 4, "reason": "meh"}, {"index": 3, "score": 9, "reason": "a clear how-to"}]}"#;
    let (url, server) = recorded_llm(answer.to_owned(), 1);
    let llm = LlmConfig::new(url, "recorded");
    let ranked = reelkit::clips::find_clips(reelkit::clips::Signals::new(&transcript, &energy, None, 30.0), &config.clone().llm(llm)).unwrap();
    let requests = server.join().unwrap();
    assert_eq!(requests[0]["response_format"]["type"], "json_schema");
    assert_eq!(requests[0]["model"], "recorded");
    assert_eq!(ranked[0].start, offline[2].start, "the LLM's favourite leads");
    assert_eq!(ranked[0].signals.llm_score, Some(0.9));
    assert!(ranked[0].reason.contains("LLM: a clear how-to"), "{}", ranked[0].reason);

    // A schema-breaking answer is retried, then the offline ranking stands.
    let (url, server) = recorded_llm("I think the second one is best".to_owned(), 2);
    let mut llm = LlmConfig::new(url, "recorded");
    llm.retries = 1;
    let fallback = reelkit::clips::find_clips(reelkit::clips::Signals::new(&transcript, &energy, None, 30.0), &config.clone().llm(llm.clone())).unwrap();
    assert_eq!(server.join().unwrap().len(), 2);
    assert_eq!(fallback.iter().map(|c| c.start).collect::<Vec<_>>(), offline.iter().map(|c| c.start).collect::<Vec<_>>());
    assert!(fallback.iter().all(|c| c.signals.llm_score.is_none()));
    // Required, and nobody listening: a typed error.
    let dead = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/v1", dead.local_addr().unwrap());
    drop(dead);
    let mut llm = LlmConfig::new(url, "recorded");
    llm.retries = 0;
    llm.required = true;
    llm.timeout = 2.0;
    let err = reelkit::clips::find_clips(reelkit::clips::Signals::new(&transcript, &energy, None, 30.0), &config.llm(llm)).unwrap_err();
    assert_eq!(err.code(), "download_failed", "{err}");
}
