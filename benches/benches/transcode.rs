//! Transcode throughput on the bundled 640x360 sample: a two-rung HLS ladder
//! from one decode, the stills and the waveform, and ingest's fingerprint.
//! (The side-by-side comparison with the ffmpeg CLI on a 1080p source is
//! `benches/scripts/transcode_ladder.py`.)

use criterion::{criterion_group, criterion_main, Criterion};
use reelkit::ingest::fingerprint;
use reelkit::transcode::{transcode, HlsConfig, SpriteConfig, ThumbnailConfig, TranscodeJob, WaveformConfig};
use reelkit::RunCtl;
use reelkit_benches::sample_video;

fn ladder(c: &mut Criterion) {
    let video = sample_video();
    let dir = tempfile::tempdir().expect("a temporary directory");
    let mut group = c.benchmark_group("transcode");
    group.sample_size(10);
    let hls = TranscodeJob::default().hls(HlsConfig::new(dir.path().join("hls")).ladder([360, 240]).preset("veryfast"));
    group.bench_function("hls_360_240_veryfast_20s", |b| b.iter(|| transcode(&video, &hls, &RunCtl::default()).unwrap()));
    let previews = TranscodeJob::default()
        .thumbnails(ThumbnailConfig::new(dir.path().join("thumbs")))
        .sprite(SpriteConfig::new(dir.path().join("sprites")))
        .waveform(WaveformConfig::new(dir.path().join("wave.json")));
    group.bench_function("thumbnails_sprite_waveform_20s", |b| {
        b.iter(|| transcode(&video, &previews, &RunCtl::default()).unwrap())
    });
    group.bench_function("fingerprint_sample", |b| b.iter(|| fingerprint(&video, &RunCtl::default()).unwrap()));
    group.finish();
}

criterion_group!(benches, ladder);
criterion_main!(benches);
