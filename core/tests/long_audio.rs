//! A three-hour file transcribes in bounded memory (its own test binary, so
//! the peak RSS measured is this test's alone).

mod common;

use reelkit::asr::{AsrConfig, Transcriber};
use reelkit::RunCtl;

fn peak_rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<f64>().ok())
        .map(|kb| kb / 1024.0)
        .unwrap_or(0.0)
}

#[test]
fn three_hours_in_bounded_memory() {
    let store = require_models!();
    let dir = tempfile::tempdir().unwrap();
    let speech = common::espeak(dir.path(), "speech.wav", "The river is long and the water is cold.");
    let input = dir.path().join("three-hours.wav");
    // Three hours of quiet room tone with the sentence at 10 min, 1 h 30 and 2 h 50.
    let graph = "[1:a]aresample=16000,asplit=3[s1][s2][s3];\
                 [s1]adelay=600000:all=1[d1];[s2]adelay=5400000:all=1[d2];[s3]adelay=10200000:all=1[d3];\
                 [0:a][d1][d2][d3]amix=inputs=4:duration=first:normalize=0[out]";
    common::ffmpeg(&[
        "-f", "lavfi", "-i", "anoisesrc=color=pink:amplitude=0.001:sample_rate=16000:duration=10800",
        "-i", speech.to_str().unwrap(), "-filter_complex", graph, "-map", "[out]", "-ac", "1", "-c:a", "pcm_s16le",
        input.to_str().unwrap(),
    ]);
    let before = peak_rss_mib();
    let t = Transcriber::new(AsrConfig::default(), &store).unwrap();
    let transcript = t.transcribe_file(&input, &RunCtl::default()).unwrap();
    let peak = peak_rss_mib();
    eprintln!("3 h input: peak RSS {peak:.0} MiB (before loading the model {before:.0} MiB); {} segments", transcript.segments.len());
    assert!((transcript.duration - 10_800.0).abs() < 1.0, "{}", transcript.duration);
    let found: Vec<f64> = transcript
        .segments
        .iter()
        .filter(|s| s.text.to_lowercase().contains("river"))
        .map(|s| s.start)
        .collect();
    assert_eq!(found.len(), 3, "{:?}", transcript.segments.iter().map(|s| (s.start, &s.text)).collect::<Vec<_>>());
    for (got, want) in found.iter().zip([600.0, 5400.0, 10_200.0]) {
        assert!((got - want).abs() < 1.5, "sentence at {got}, expected {want}");
    }
    // Holding the decoded audio alone would take 10 800 s x 16 000 x 4 B = 659 MiB.
    assert!(peak < 350.0, "peak RSS {peak:.0} MiB");
}
