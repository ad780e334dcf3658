//! Sample-rate conversion with rubato (FFT-based, fixed ratio), delay
//! compensated so that the output lines up with the input.

use rubato::{FftFixedIn, Resampler};

use crate::error::{Error, Result};
use crate::media::AudioBuffer;

const CHUNK: usize = 1024;

/// `audio` at `rate` Hz (same channel count). Equal rates return a copy.
pub fn resample(audio: &AudioBuffer, rate: u32) -> Result<AudioBuffer> {
    if !(1_000..=384_000).contains(&rate) {
        return Err(Error::invalid("sample_rate", format!("{rate} Hz is outside 1000..=384000")));
    }
    if audio.sample_rate == 0 || audio.channels == 0 {
        return Err(Error::invalid("audio", format!("{} Hz x {} channels", audio.sample_rate, audio.channels)));
    }
    if audio.sample_rate == rate || audio.samples.is_empty() {
        return Ok(AudioBuffer { sample_rate: rate, channels: audio.channels, samples: audio.samples.clone() });
    }
    let channels = usize::from(audio.channels);
    let planar: Vec<Vec<f32>> = (0..channels).map(|c| audio.samples.iter().skip(c).step_by(channels).copied().collect()).collect();
    let out = resample_planar(&planar, audio.sample_rate, rate)?;
    let frames = out.first().map(Vec::len).unwrap_or(0);
    let mut samples = Vec::with_capacity(frames * channels);
    for i in 0..frames {
        for ch in &out {
            samples.push(ch[i]);
        }
    }
    Ok(AudioBuffer { sample_rate: rate, channels: audio.channels, samples })
}

/// Mono samples from `from` Hz to `to` Hz.
pub fn resample_mono(samples: &[f32], from: u32, to: u32) -> Result<Vec<f32>> {
    if from == to || samples.is_empty() {
        return Ok(samples.to_vec());
    }
    Ok(resample_planar(&[samples.to_vec()], from, to)?.into_iter().next().unwrap_or_default())
}

fn resample_planar(input: &[Vec<f32>], from: u32, to: u32) -> Result<Vec<Vec<f32>>> {
    let channels = input.len();
    let frames_in = input.first().map(Vec::len).unwrap_or(0);
    let expected = (frames_in as f64 * f64::from(to) / f64::from(from)).round() as usize;
    let mut resampler = FftFixedIn::<f32>::new(from as usize, to as usize, CHUNK, 2, channels)
        .map_err(|e| Error::invalid("sample_rate", format!("cannot resample {from} Hz to {to} Hz: {e}")))?;
    let delay = resampler.output_delay();
    let mut out: Vec<Vec<f32>> = vec![Vec::with_capacity(expected + delay + CHUNK); channels];
    let fail = |e: rubato::ResampleError| Error::decode(format!("resampling failed: {e}"));
    let mut pos = 0;
    while pos + resampler.input_frames_next() <= frames_in {
        let n = resampler.input_frames_next();
        let block: Vec<&[f32]> = input.iter().map(|ch| &ch[pos..pos + n]).collect();
        let produced = resampler.process(&block, None).map_err(fail)?;
        for (o, p) in out.iter_mut().zip(produced) {
            o.extend_from_slice(&p);
        }
        pos += n;
    }
    if pos < frames_in {
        let block: Vec<&[f32]> = input.iter().map(|ch| &ch[pos..]).collect();
        let produced = resampler.process_partial(Some(&block), None).map_err(fail)?;
        for (o, p) in out.iter_mut().zip(produced) {
            o.extend_from_slice(&p);
        }
    }
    // Flush until the delayed tail is out.
    while out[0].len() < expected + delay {
        let produced = resampler.process_partial::<&[f32]>(None, None).map_err(fail)?;
        if produced[0].is_empty() {
            break;
        }
        for (o, p) in out.iter_mut().zip(produced) {
            o.extend_from_slice(&p);
        }
    }
    for o in &mut out {
        o.drain(..delay.min(o.len()));
        o.resize(expected, 0.0);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sine(rate: u32, freq: f64, seconds: f64) -> Vec<f32> {
        (0..(f64::from(rate) * seconds) as usize)
            .map(|i| (std::f64::consts::TAU * freq * i as f64 / f64::from(rate)).sin() as f32 * 0.5)
            .collect()
    }

    #[test]
    fn a_tone_keeps_its_frequency_timing_and_level() {
        let input = sine(22_050, 1000.0, 1.0);
        let out = resample_mono(&input, 22_050, 48_000).unwrap();
        assert_eq!(out.len(), 48_000);
        let reference = sine(48_000, 1000.0, 1.0);
        // Away from the edges, the output matches an ideal 48 kHz tone in
        // phase and amplitude.
        let err: f64 = out[2000..46_000].iter().zip(&reference[2000..46_000]).map(|(a, b)| f64::from(a - b).powi(2)).sum::<f64>() / 44_000.0;
        assert!(err.sqrt() < 0.01, "rms error {}", err.sqrt());
        let stereo = AudioBuffer { sample_rate: 48_000, channels: 2, samples: sine(48_000, 440.0, 0.5).iter().flat_map(|s| [*s, -*s]).collect() };
        let down = resample(&stereo, 16_000).unwrap();
        assert_eq!(down.frames(), 8_000);
        assert!(down.samples.chunks(2).skip(100).take(7000).all(|f| (f[0] + f[1]).abs() < 1e-4));
        assert!(resample(&stereo, 10).is_err());
    }
}
