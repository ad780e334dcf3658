//! The retell's sound: the original audio of every shot laid on the new
//! timeline (cross-faded like the pictures), the spoken narration on top,
//! the bed ducked under it (or muted), the mix brought to the loudness
//! target.

use std::path::Path;

use super::config::{BedMode, RetellJob};
use super::script::ScriptShot;
use crate::audio::{apply_gains, duck_gains, normalize, resample_mono, Normalization};
use crate::error::Result;
use crate::media::{decode_audio, AudioBuffer, AudioDecodeOptions};
use crate::progress::{RunCtl, Stage};
use crate::tts::Speech;

/// Mix sample rate and channels.
pub const RATE: u32 = 48_000;
pub const CHANNELS: u16 = 2;

/// The finished mix and what loudness normalisation did.
pub struct Mix {
    pub audio: AudioBuffer,
    pub loudness: Normalization,
}

#[allow(clippy::too_many_arguments)] // one call site, every part named
/// Mix `total` seconds: `shots`' original audio and `speech[i]` placed at `starts[i]`.
pub fn mix(
    input: &Path,
    has_audio: bool,
    shots: &[ScriptShot],
    speech: &[&Speech],
    starts: &[f64],
    total: f64,
    job: &RetellJob,
    ctl: &RunCtl,
) -> Result<Mix> {
    let frames = (total * f64::from(RATE)).ceil() as usize;
    let ch = usize::from(CHANNELS);
    let mut bed = vec![0.0f32; frames * ch];
    if has_audio && job.bed == BedMode::Duck {
        for (k, shot) in shots.iter().enumerate() {
            ctl.check()?;
            ctl.report(Stage::Mix, k as f64, Some(shots.len() as f64 + 2.0), "steps");
            let quiet = RunCtl::default().with_cancel(ctl.cancel_token().clone());
            let options = AudioDecodeOptions::default().sample_rate(RATE).channels(CHANNELS).range(shot.source_start, Some(shot.source_end));
            let piece = decode_audio(input, &options, &quiet)?;
            let fade_in = if k > 0 { overlap(&shots[k - 1], shot) } else { 0.0 };
            let fade_out = shots.get(k + 1).map(|n| overlap(shot, n)).unwrap_or(0.0);
            lay(&mut bed, &piece.samples, shot.start, shot.end - shot.start, fade_in, fade_out);
        }
    }
    let mut voice = vec![0.0f32; frames];
    for (s, t) in speech.iter().zip(starts) {
        let samples = resample_mono(&s.samples, s.sample_rate, RATE)?;
        let at = (t * f64::from(RATE)) as usize;
        for (o, v) in voice.iter_mut().skip(at).zip(samples) {
            *o += v;
        }
    }
    ctl.check()?;
    if job.bed == BedMode::Duck {
        let gains = duck_gains(&voice, RATE, &job.duck)?;
        apply_gains(&mut bed, CHANNELS, &gains);
    }
    for (frame, v) in bed.chunks_mut(ch).zip(&voice) {
        frame.iter_mut().for_each(|s| *s += v);
    }
    let mut audio = AudioBuffer { sample_rate: RATE, channels: CHANNELS, samples: bed };
    ctl.report(Stage::Mix, shots.len() as f64 + 1.0, Some(shots.len() as f64 + 2.0), "steps");
    let loudness = normalize(&mut audio, &job.loudness, 0.0)?;
    ctl.report(Stage::Mix, shots.len() as f64 + 2.0, Some(shots.len() as f64 + 2.0), "steps");
    Ok(Mix { audio, loudness })
}

/// Seconds two consecutive shots overlap (their cross-fade).
fn overlap(a: &ScriptShot, b: &ScriptShot) -> f64 {
    (a.end - b.start).max(0.0)
}

/// Add interleaved stereo `piece` (up to `len` seconds) into `out` at `at`,
/// fading in and out over the given seconds.
fn lay(out: &mut [f32], piece: &[f32], at: f64, len: f64, fade_in: f64, fade_out: f64) {
    let ch = usize::from(CHANNELS);
    let rate = f64::from(RATE);
    let first = (at.max(0.0) * rate) as usize;
    let n = ((len * rate) as usize).min(piece.len() / ch);
    let (fi, fo) = ((fade_in * rate) as usize, (fade_out * rate) as usize);
    for i in 0..n {
        let Some(dst) = out.get_mut((first + i) * ch..(first + i + 1) * ch) else { break };
        let mut g = 1.0f32;
        if fi > 0 && i < fi {
            g *= i as f32 / fi as f32;
        }
        if fo > 0 && i + fo > n {
            g *= (n - i) as f32 / fo as f32;
        }
        for (d, s) in dst.iter_mut().zip(&piece[i * ch..(i + 1) * ch]) {
            *d += s * g;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lay_fades_at_both_ends() {
        let mut out = vec![0.0f32; 2 * 48_000];
        let piece = vec![1.0f32; 2 * 48_000];
        lay(&mut out, &piece, 0.5, 0.5, 0.1, 0.1);
        assert_eq!(out[0], 0.0);
        assert!(out[2 * 24_000] < 0.01 && (out[2 * 36_000] - 1.0).abs() < 1e-6);
        assert!(out[2 * 47_990] < 0.01 && out[2 * 47_999 + 2..].iter().all(|v| *v == 0.0));
    }
}
