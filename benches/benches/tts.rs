//! Speech synthesis and mixing throughput: Piper (joe) synthesis of a
//! paragraph, and the audio stages of a dub on one minute of 48 kHz stereo
//! (resampling, EBU R128 measurement, loudness normalisation with the
//! true-peak limiter, ducking, time-stretch).

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use reelkit::audio::{duck_gains, measure, normalize, resample, time_stretch, DuckConfig, LoudnessTarget};
use reelkit::media::AudioBuffer;
use reelkit::tts::{Synthesizer, TtsConfig};
use reelkit::RunCtl;

const PARAGRAPH: &str = "The morning train left the station a few minutes late. Nobody on the platform seemed to mind \
    the delay. A child pointed at the pigeons circling above the old clock tower. Her father explained that the birds \
    had lived there for years.";

fn synthesis(c: &mut Criterion) {
    let tts = Synthesizer::from_env();
    let config = TtsConfig::default();
    let Ok(speech) = tts.synthesize(PARAGRAPH, &config, &RunCtl::default()) else {
        eprintln!("skipping synthesis benchmark: the joe voice or ONNX Runtime is not installed (reelkit models fetch)");
        return;
    };
    let mut group = c.benchmark_group("tts");
    group.sample_size(10);
    // Throughput in samples of audio made: criterion's elements/s divided
    // by 22 050 is the speed in seconds of audio per second.
    group.throughput(Throughput::Elements(speech.samples.len() as u64));
    group.bench_function("joe_paragraph_4_sentences", |b| b.iter(|| tts.synthesize(PARAGRAPH, &config, &RunCtl::default()).unwrap()));
    let one_thread = TtsConfig::default().threads(1);
    group.bench_function("joe_paragraph_4_sentences_1_thread", |b| {
        b.iter(|| tts.synthesize(PARAGRAPH, &one_thread, &RunCtl::default()).unwrap())
    });
    group.finish();
}

/// One minute of stereo programme-like audio: a tone with a slow swell and
/// noise bursts.
fn minute_of_stereo(rate: u32) -> AudioBuffer {
    let frames = rate as usize * 60;
    let mut seed = 12345u32;
    let samples = (0..frames)
        .flat_map(|i| {
            seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            let noise = (seed >> 9) as f32 / (1u32 << 23) as f32 - 0.5;
            let t = i as f32 / rate as f32;
            let v = 0.2 * (t * 220.0 * std::f32::consts::TAU).sin() * (0.6 + 0.4 * (t * 0.5).sin()) + 0.1 * noise;
            [v, v * 0.9]
        })
        .collect();
    AudioBuffer { sample_rate: rate, channels: 2, samples }
}

fn mixing(c: &mut Criterion) {
    let audio = minute_of_stereo(48_000);
    let speech_rate = minute_of_stereo(22_050);
    let key: Vec<f32> = audio.samples.iter().step_by(2).copied().collect();
    let mut group = c.benchmark_group("mix_60s_stereo");
    group.sample_size(10);
    group.throughput(Throughput::Elements(60));
    group.bench_function("measure_ebur128", |b| b.iter(|| measure(&audio).unwrap()));
    group.bench_function("normalize_with_true_peak_limiter", |b| {
        b.iter(|| {
            let mut a = audio.clone();
            normalize(&mut a, &LoudnessTarget::default(), 0.3).unwrap()
        })
    });
    group.bench_function("duck_gains", |b| b.iter(|| duck_gains(&key, 48_000, &DuckConfig::default()).unwrap()));
    group.bench_function("resample_22k_to_48k", |b| b.iter(|| resample(&speech_rate, 48_000).unwrap()));
    let mono: Vec<f32> = speech_rate.samples.iter().step_by(2).copied().collect();
    group.bench_function("time_stretch_1_2x_mono_22k", |b| b.iter(|| time_stretch(&mono, 22_050, 1.2).unwrap()));
    group.finish();
}

criterion_group!(benches, synthesis, mixing);
criterion_main!(benches);
