//! Helpers for `benches/scripts/subs_burn_vs_libass.sh`:
//!
//! - `subs_bench karaoke-ass OUT.ass WIDTH HEIGHT SECONDS` writes a karaoke
//!   script built with the `karaoke` preset from synthetic word timings (a
//!   word every 0.35 s, grouped into cues as `reelkit clips` does);
//! - `subs_bench overlay-rate SCRIPT.ass WIDTH HEIGHT SECONDS FPS` renders
//!   and blends the subtitle layer onto a blank 4:2:0 frame for every frame
//!   (re-rendering only when the picture changes, blending only its
//!   rectangle) and prints frames per second, with no decoding or encoding.

use std::time::Instant;

use reelkit::asr::Word;
use reelkit::subtitle::{build_cues, CueConfig};
use reelkit::subtitle::render::frame_state;
use reelkit::subtitle::{karaoke_script, FontLibrary, Preset, PresetName, Script, SubtitleRenderer};

const WORDS: &[&str] = &[
    "and", "so", "my", "fellow", "Americans,", "ask", "not", "what", "your", "country", "can", "do", "for", "you.", "Ask",
    "what", "you", "can", "do", "for", "your", "country.",
];

fn main() {
    let args: Vec<String> = std::env::args().collect();
    match args.get(1).map(String::as_str) {
        Some("karaoke-ass") => karaoke(&args[2], args[3].parse().unwrap(), args[4].parse().unwrap(), args[5].parse().unwrap()),
        Some("overlay-rate") => {
            overlay_rate(&args[2], args[3].parse().unwrap(), args[4].parse().unwrap(), args[5].parse().unwrap(), args[6].parse().unwrap())
        }
        _ => {
            eprintln!("usage: subs_bench karaoke-ass OUT W H SECONDS | overlay-rate SCRIPT W H SECONDS FPS");
            std::process::exit(2);
        }
    }
}

fn karaoke(out: &str, width: u32, height: u32, seconds: f64) {
    let mut words = Vec::new();
    let mut t = 0.2;
    let mut i = 0;
    while t + 0.3 < seconds {
        words.push(Word::new(WORDS[i % WORDS.len()], t, t + 0.28, 0.9));
        t += if WORDS[i % WORDS.len()].ends_with('.') { 0.9 } else { 0.35 };
        i += 1;
    }
    let cues = build_cues(&words, &CueConfig::default()).unwrap();
    let script = karaoke_script(&cues, &Preset::named(PresetName::Karaoke), width, height).unwrap();
    script.save(out).unwrap();
    eprintln!("{} words in {} cues -> {out}", words.len(), cues.len());
}

fn overlay_rate(path: &str, width: u32, height: u32, seconds: f64, fps: f64) {
    let script = Script::load(path).unwrap();
    let renderer = SubtitleRenderer::for_script(&script, FontLibrary::bundled());
    let (w, h) = (width as usize, height as usize);
    let cw = w.div_ceil(2);
    let (mut y, mut u, mut v) = (vec![16u8; w * h], vec![128u8; cw * h.div_ceil(2)], vec![128u8; cw * h.div_ceil(2)]);
    let frames = (seconds * fps).round() as usize;
    let start = Instant::now();
    let mut key: Option<Vec<(usize, i64)>> = None;
    let mut overlay = None;
    let mut renders = 0;
    for n in 0..frames {
        let time = n as f64 / fps;
        let k: Vec<(usize, i64)> = script
            .events
            .iter()
            .enumerate()
            .filter(|(_, e)| e.is_active(time))
            .map(|(i, e)| (i, frame_state(&script, e, time)))
            .collect();
        if key.as_ref() != Some(&k) {
            renders += 1;
            let image = renderer.render(&script, time, width, height).unwrap();
            overlay = (!image.is_empty()).then(|| image.to_yuva());
            key = Some(k);
        }
        if let Some(o) = &overlay {
            o.blend_yuv420(&mut y, w, &mut u, cw, &mut v, cw, width, height);
        }
    }
    let secs = start.elapsed().as_secs_f64();
    println!("reelkit overlay: {frames} frames in {secs:.3} s = {:.1} frames/s ({renders} renders)", frames as f64 / secs);
}
