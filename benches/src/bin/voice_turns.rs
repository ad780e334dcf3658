//! How well reframing's audio-only speaker cues work on real voices: clips
//! of two real speakers from the shared test data (LJ Speech's reader and
//! the LibriVox reader of the pocketsphinx clips) alternate, first with
//! 0.4 s pauses between turns, then back to back. Reports how many changes
//! of speaker were found (a change of voice label within 0.5 s), how many
//! changes of voice label were not changes of speaker, and the share of
//! speech given to the right voice (voices mapped to speakers by majority).
//!
//! `cargo run --release -p reelkit-benches --bin voice_turns [-- TESTDATA_DIR]`

use std::path::PathBuf;

use reelkit::media::{decode_audio, AudioDecodeOptions};
use reelkit::reframe::voice::{speech_activity, turns, VoiceFeatures};
use reelkit::RunCtl;

const A: [&str; 4] = ["ljspeech_LJ001-0001.flac", "ljspeech_LJ001-0002.flac", "ljspeech_LJ001-0003.flac", "ljspeech_LJ001-0004.flac"];
const B: [&str; 3] = [
    "pocketsphinx_librivox_sense-and-sensibility-01-0870.flac",
    "pocketsphinx_librivox_sense-and-sensibility-01-0880.flac",
    "pocketsphinx_librivox_sense-and-sensibility-01-0890.flac",
];

fn main() {
    let dir = std::env::args().nth(1).map(PathBuf::from).unwrap_or_else(|| PathBuf::from("../shared/testdata"));
    let audio = dir.join("asr-speech/audio");
    let load = |name: &str| -> Vec<f32> {
        let buf = decode_audio(audio.join(name), &AudioDecodeOptions::default(), &RunCtl::default()).expect("decodes");
        // Trim leading and trailing quiet so the truth times are the speech.
        let loud: Vec<usize> = buf.samples.iter().enumerate().filter(|(_, s)| s.abs() > 0.02).map(|(i, _)| i).collect();
        match (loud.first(), loud.last()) {
            (Some(&a), Some(&b)) => buf.samples[a..=b].to_vec(),
            _ => Vec::new(),
        }
    };
    let a: Vec<Vec<f32>> = A.iter().map(|n| load(n)).collect();
    let b: Vec<Vec<f32>> = B.iter().map(|n| load(n)).collect();
    for pause in [0.4, 0.0] {
        let mut samples = Vec::new();
        let mut truth: Vec<(f64, f64, usize)> = Vec::new();
        for k in 0..6 {
            let clip = if k % 2 == 0 { &a[k / 2 % a.len()] } else { &b[k / 2 % b.len()] };
            let start = samples.len() as f64 / 16_000.0;
            samples.extend_from_slice(clip);
            truth.push((start, samples.len() as f64 / 16_000.0, k % 2));
            samples.extend(std::iter::repeat_n(0.0f32, (pause * 16_000.0) as usize));
        }
        let clock = std::time::Instant::now();
        let mut f = VoiceFeatures::new();
        for block in samples.chunks(16_000) {
            f.push(block);
        }
        f.finish();
        let speech = speech_activity(&f.levels.levels);
        let found = turns(&f.cepstra, &speech, 2, true);
        let seconds = clock.elapsed().as_secs_f64();

        // Changes found and boundaries that are not changes.
        let changes: Vec<f64> = truth.windows(2).map(|w| w[1].0).collect();
        // A change of speaker is a change of voice label between consecutive turns.
        let bounds: Vec<f64> = found.windows(2).filter(|w| w[0].voice != w[1].voice).map(|w| w[1].start).collect();
        let splits = found.windows(2).filter(|w| w[1].start - w[0].end < 0.05).count();
        let hit = changes.iter().filter(|c| bounds.iter().any(|b| (b - *c).abs() <= 0.5)).count();
        let false_bounds = bounds.iter().filter(|b| !changes.iter().any(|c| (*b - c).abs() <= 0.5)).count();
        // Share of speech (10 ms frames) whose voice maps to the right speaker.
        let mut counts = [[0usize; 2]; 2];
        for t in &found {
            let mut x = t.start;
            while x < t.end {
                if let Some(who) = truth.iter().find(|(s, e, _)| x >= *s && x < *e).map(|(_, _, w)| *w) {
                    counts[t.voice.min(1)][who] += 1;
                }
                x += 0.01;
            }
        }
        let right = counts.iter().map(|c| c[0].max(c[1])).sum::<usize>();
        let total = counts.iter().flatten().sum::<usize>().max(1);
        println!(
            "pause {pause:.1} s: {} s of audio, {} turns found ({splits} split inside speech at a spectral change); changes of speaker found {hit}/{}, voice changes where the speaker did not change {false_bounds}; speech given to the right voice {:.1}%; {:.3} s of CPU",
            (samples.len() as f64 / 16_000.0).round(),
            found.len(),
            changes.len(),
            100.0 * right as f64 / total as f64,
            seconds
        );
    }
}
