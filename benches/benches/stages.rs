//! Per-stage throughput on the bundled sample: audio decode, scene
//! detection, caption rendering and compositing, ASR (when models exist).

use criterion::{criterion_group, criterion_main, Criterion};
use reelkit::captions::{CaptionRenderer, CaptionStyle};
use reelkit::media::{decode_audio, AudioDecodeOptions, RgbFrame};
use reelkit::scenes::{detect_scenes, SceneConfig};
use reelkit::{AsrConfig, RunCtl, Transcriber};
use reelkit_benches::sample_video;

fn media(c: &mut Criterion) {
    let video = sample_video();
    let mut group = c.benchmark_group("media");
    group.sample_size(10);
    group.bench_function("decode_audio_16k_mono_20s", |b| {
        b.iter(|| decode_audio(&video, &AudioDecodeOptions::default(), &RunCtl::default()).unwrap())
    });
    group.bench_function("scene_detection_20s_640x360", |b| {
        b.iter(|| detect_scenes(&video, &SceneConfig::default(), &RunCtl::default()).unwrap())
    });
    group.finish();
}

fn captions(c: &mut Criterion) {
    let renderer = CaptionRenderer::new(CaptionStyle::default()).unwrap();
    let lines = vec!["Ask not what your country".to_owned(), "can do for you".to_owned()];
    let mut group = c.benchmark_group("captions");
    group.bench_function("render_1080p", |b| b.iter(|| renderer.render(&lines, 1920, 1080).unwrap()));
    let overlay = renderer.render(&lines, 1920, 1080).unwrap().unwrap();
    let mut frame = RgbFrame::black(1920, 1080, 0.0);
    group.bench_function("composite_1080p", |b| b.iter(|| overlay.composite_onto(&mut frame)));
    group.finish();
}

fn asr(c: &mut Criterion) {
    let store = reelkit::models::ModelStore::from_env();
    let Ok(transcriber) = Transcriber::new(AsrConfig::default(), &store) else {
        eprintln!("skipping ASR benchmark: tiny.en is not installed (reelkit models fetch)");
        return;
    };
    let audio = decode_audio(sample_video(), &AudioDecodeOptions::default(), &RunCtl::default()).unwrap();
    let mut group = c.benchmark_group("asr");
    group.sample_size(10);
    group.bench_function("tiny_en_20s", |b| b.iter(|| transcriber.transcribe(&audio, &RunCtl::default()).unwrap()));
    group.finish();
}

criterion_group!(benches, media, captions, asr);
criterion_main!(benches);
