//! Per-stage throughput on the bundled sample: audio decode, scene
//! detection, caption rendering and compositing, ASR (when models exist).

use criterion::{criterion_group, criterion_main, Criterion};
use reelkit::subtitle::{captions_script, Cue, FontLibrary, Preset, PresetName, SubtitleRenderer};
use reelkit::media::{decode_audio, AudioDecodeOptions};
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
    let cue = Cue { start: 0.0, end: 2.0, lines: vec!["Ask not what your country".to_owned(), "can do for you".to_owned()], words: Vec::new() };
    let script = captions_script(&[cue], &Preset::named(PresetName::Bold), 1920, 1080).unwrap();
    let renderer = SubtitleRenderer::for_script(&script, FontLibrary::bundled());
    let mut group = c.benchmark_group("captions");
    group.bench_function("render_1080p", |b| b.iter(|| renderer.render(&script, 1.0, 1920, 1080).unwrap()));
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
