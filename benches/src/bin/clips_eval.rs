//! Helper for `benches/scripts/clips_eval.py`: transcribe INPUT once, then
//! rank its clips several ways on the same transcript and print JSON — the
//! default ranker, the three signals the ranker had before (loudness, cuts,
//! words/s), and query mode for each query — plus wall times and the peak
//! resident memory of the process.
//!
//!   clips_eval INPUT --top 3 --min 8 --max 30 [--query TEXT]...
//!   clips_eval synthetic HOURS     (ranking alone on a synthetic transcript of HOURS hours)
//!   clips_eval embed-speed N       (all-MiniLM-L6-v2 sentences per second, one thread and all cores)

use std::path::Path;
use std::time::Instant;

use reelkit::asr::{Segment, Transcript, Word};
use reelkit::clips::{discover, find_clips, ClipCandidate, ClipConfig, Discovery, EnergyTrack, SignalWeights, Signals};
use reelkit::media::{AudioDecodeOptions, AudioReader};
use reelkit::{AsrConfig, Engine, RunCtl};
use serde_json::{json, Value};

fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("VmHWM:")).and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok()))
        .map(|kb| kb / 1024.0)
        .unwrap_or(0.0)
}

fn picks(clips: &[ClipCandidate]) -> Value {
    clips.iter().map(|c| json!({"start": c.start, "end": c.end, "score": c.score, "text": c.text, "reason": c.reason})).collect()
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("embed-speed") {
        return embed_speed(args.get(2).and_then(|n| n.parse().ok()).unwrap_or(200));
    }
    if args.get(1).map(String::as_str) == Some("synthetic") {
        return synthetic(args.get(2).and_then(|h| h.parse().ok()).unwrap_or(3.0));
    }
    let Some(input) = args.get(1) else {
        eprintln!("usage: clips_eval INPUT [--top N] [--min S] [--max S] [--query TEXT]... | synthetic HOURS");
        std::process::exit(2);
    };
    let mut config = ClipConfig::default();
    let mut queries = Vec::new();
    let mut i = 2;
    while i + 1 < args.len() {
        match args[i].as_str() {
            "--top" => config.top = args[i + 1].parse().unwrap(),
            "--min" => config.min_duration = args[i + 1].parse().unwrap(),
            "--max" => config.max_duration = args[i + 1].parse().unwrap(),
            "--query" => queries.push(args[i + 1].clone()),
            other => panic!("unknown argument {other}"),
        }
        i += 2;
    }
    let ctl = RunCtl::default();
    let engine = Engine::from_env();
    let input = Path::new(input);
    let info = reelkit::probe(input).unwrap();
    let t0 = Instant::now();
    let reader = AudioReader::open(input, &AudioDecodeOptions::default()).unwrap();
    let (transcript, levels) = engine.transcriber(&AsrConfig::default()).unwrap().transcribe_reader_with_levels(reader, &ctl).unwrap();
    let transcribe_s = t0.elapsed().as_secs_f64();
    let scenes = info.video.as_ref().map(|_| reelkit::scenes::detect_scenes(input, &Default::default(), &ctl).unwrap());
    let encoder = engine.sentence_encoder().unwrap();
    let d = Discovery { input, transcript: &transcript, levels: &levels, scenes: scenes.as_ref(), duration: info.duration, encoder: Some(&encoder) };
    let t1 = Instant::now();
    let default = discover(d, &config, &ctl).unwrap();
    let rank_s = t1.elapsed().as_secs_f64();
    let mut before = config.clone();
    before.semantic = false;
    let mut w = SignalWeights::default();
    (w.loudness_peaks, w.bursts, w.motion, w.pace_change, w.speech_coverage, w.hook, w.payoff, w.topic) = (0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0);
    before.weights = w;
    let energy = EnergyTrack::from_levels(&levels, reelkit::asr::vad::FRAME, 0.1);
    let old = find_clips(Signals::new(&transcript, &energy, scenes.as_ref(), info.duration), &before).unwrap();
    let mut by_query = serde_json::Map::new();
    for q in &queries {
        let c = config.clone().query(q.clone());
        by_query.insert(q.clone(), picks(&discover(d, &c, &ctl).unwrap()));
    }
    let out = json!({
        "duration": info.duration,
        "sentences": transcript.sentences(config.sentence_pause).len(),
        "transcribe_s": transcribe_s,
        "rank_s": rank_s,
        "peak_rss_mb": peak_rss_mb(),
        "default": picks(&default),
        "three_signals": picks(&old),
        "queries": by_query,
    });
    println!("{out}");
}

/// Ranking cost on a long talk: HOURS of 3–12-word sentences at 2.5 words/s
/// with 0.4 s pauses, a random-ish loudness track, no audio pass.
fn synthetic(hours: f64) {
    let seconds = hours * 3600.0;
    let vocab = ["why", "the", "plan", "costs", "nine", "dollars", "you", "but", "river", "never", "cold", "team"];
    let mut segments = Vec::new();
    let (mut t, mut n) = (0.0, 0usize);
    while t < seconds {
        let len = 3 + n % 10;
        let words: Vec<Word> = (0..len)
            .map(|k| {
                let mut w = vocab[(n * 7 + k * 3) % vocab.len()].to_owned();
                if k + 1 == len {
                    w.push(if n % 5 == 0 { '?' } else { '.' });
                }
                Word::new(w, t + k as f64 * 0.4, t + k as f64 * 0.4 + 0.35, 0.9)
            })
            .collect();
        let end = t + len as f64 * 0.4;
        segments.push(Segment { start: t, end, text: String::new(), words });
        t = end + 0.4;
        n += 1;
    }
    let transcript = Transcript { language: "en".into(), duration: seconds, segments, ..Default::default() };
    let energy = EnergyTrack { hop: 0.1, db: (0..(seconds * 10.0) as usize).map(|i| -30.0 + ((i * 7919) % 200) as f32 / 20.0).collect() };
    let levels: Vec<f32> = (0..(seconds * 100.0) as usize).map(|i| if i % 100 < 10 { -60.0 } else { -25.0 }).collect();
    let t0 = Instant::now();
    let mut s = Signals::new(&transcript, &energy, None, seconds);
    s.levels = &levels;
    let clips = find_clips(s, &ClipConfig::default()).unwrap();
    println!(
        "{}",
        json!({"hours": hours, "sentences": n, "clips": clips.len(), "rank_s": t0.elapsed().as_secs_f64(), "peak_rss_mb": peak_rss_mb()})
    );
}

/// Sentences per second of the Rust MiniLM on the reference fixture's 20
/// sentences, repeated to N: one at a time on one thread, then spread over
/// every core as the ranker runs it.
fn embed_speed(n: usize) {
    let fixture: Value = serde_json::from_str(include_str!("../../../core/tests/fixtures/minilm_reference.json")).unwrap();
    let base: Vec<String> = fixture["sentences"].as_array().unwrap().iter().map(|s| s.as_str().unwrap().to_owned()).collect();
    let texts: Vec<String> = base.iter().cycle().take(n).cloned().collect();
    let encoder = reelkit::embed::SentenceEncoder::load(&reelkit::models::ModelStore::from_env()).unwrap();
    let tokens: usize = texts.iter().map(|t| encoder.token_ids(t).unwrap().len()).sum();
    let t0 = Instant::now();
    for t in &texts {
        encoder.embed(t).unwrap();
    }
    let one = t0.elapsed().as_secs_f64();
    let t1 = Instant::now();
    encoder.embed_all(&texts, &RunCtl::default()).unwrap();
    let all = t1.elapsed().as_secs_f64();
    println!(
        "{}",
        json!({"sentences": n, "mean_tokens": tokens as f64 / n as f64, "one_thread_per_s": n as f64 / one,
               "all_cores_per_s": n as f64 / all, "cores": std::thread::available_parallelism().map(|c| c.get()).unwrap_or(1)})
    );
}
