//! Subtitle renderer throughput: parsing a karaoke script, rendering a
//! 1080p frame of it, and blending the layer onto a 4:2:0 frame.

use criterion::{criterion_group, criterion_main, Criterion};
use reelkit::asr::Word;
use reelkit::subtitle::{build_cues, CueConfig};
use reelkit::subtitle::{karaoke_script, FontLibrary, Preset, PresetName, Script, SubtitleRenderer};

fn script() -> Script {
    let words: Vec<Word> = (0..60)
        .map(|i| Word::new(["ask", "not", "what", "your", "country", "can", "do."][i % 7], i as f64 * 0.35, i as f64 * 0.35 + 0.3, 0.9))
        .collect();
    let cues = build_cues(&words, &CueConfig::default()).unwrap();
    karaoke_script(&cues, &Preset::named(PresetName::Karaoke), 1920, 1080).unwrap()
}

fn subtitles(c: &mut Criterion) {
    let script = script();
    let text = script.to_string();
    let renderer = SubtitleRenderer::for_script(&script, FontLibrary::bundled());
    let t = script.events[0].start + 0.5;
    let mut group = c.benchmark_group("subtitles");
    group.bench_function("parse_karaoke_script", |b| b.iter(|| Script::parse(&text).unwrap()));
    group.bench_function("render_karaoke_1080p", |b| b.iter(|| renderer.render(&script, t, 1920, 1080).unwrap()));
    let overlay = renderer.render(&script, t, 1920, 1080).unwrap().to_yuva();
    let (mut y, mut u, mut v) = (vec![16u8; 1920 * 1080], vec![128u8; 960 * 540], vec![128u8; 960 * 540]);
    group.bench_function("blend_yuv420_1080p", |b| b.iter(|| overlay.blend_yuv420(&mut y, 1920, &mut u, 960, &mut v, 960, 1920, 1080)));
    group.finish();
}

criterion_group!(benches, subtitles);
criterion_main!(benches);
