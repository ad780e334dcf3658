//! EBU R128 / ITU-R BS.1770 loudness (integrated, range) and true peak with
//! the `ebur128` crate, and normalisation to a loudness target under a
//! true-peak ceiling.

use ebur128::{EbuR128, Mode};
use serde::{Deserialize, Serialize};

use super::limiter::limit_true_peak;
use crate::error::{Error, Result};
use crate::media::AudioBuffer;

/// Loudness of a piece of audio.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Loudness {
    /// Integrated loudness in LUFS (`None` for silence: below the gate).
    pub integrated_lufs: Option<f64>,
    /// Loudness range in LU.
    pub range_lu: f64,
    /// Highest true peak over all channels, in dBTP.
    pub true_peak_dbtp: f64,
    /// Highest sample peak, in dBFS.
    pub sample_peak_dbfs: f64,
}

/// Peaks of digital silence are reported at this level (dB).
pub const SILENCE_FLOOR_DB: f64 = -200.0;

/// A loudness target: integrated loudness and a true-peak ceiling.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct LoudnessTarget {
    /// Integrated loudness in LUFS (default -14, what streaming platforms use).
    pub lufs: f64,
    /// True-peak ceiling in dBTP (default -1).
    pub true_peak: f64,
}

impl Default for LoudnessTarget {
    fn default() -> Self {
        Self { lufs: -14.0, true_peak: -1.0 }
    }
}

impl LoudnessTarget {
    pub fn new(lufs: f64, true_peak: f64) -> Self {
        Self { lufs, true_peak }
    }

    pub fn validate(&self) -> Result<()> {
        if !self.lufs.is_finite() || !(-70.0..=-5.0).contains(&self.lufs) {
            return Err(Error::invalid("lufs", format!("{} (expected -70..=-5 LUFS)", self.lufs)));
        }
        if !self.true_peak.is_finite() || !(-20.0..=0.0).contains(&self.true_peak) {
            return Err(Error::invalid("true_peak", format!("{} (expected -20..=0 dBTP)", self.true_peak)));
        }
        Ok(())
    }
}

fn to_db(linear: f64) -> f64 {
    if linear > 0.0 {
        20.0 * linear.log10()
    } else {
        f64::NEG_INFINITY
    }
}

/// Measure `audio` (interleaved, any rate ebur128 accepts).
pub fn measure(audio: &AudioBuffer) -> Result<Loudness> {
    measure_samples(&audio.samples, audio.sample_rate, audio.channels)
}

/// Measure the audio of the media file at `path` (decoded at 48 kHz, mono
/// or stereo as the file has it): what every face's `measure_loudness` does.
pub fn measure_file(path: impl AsRef<std::path::Path>, ctl: &crate::RunCtl) -> Result<Loudness> {
    let path = path.as_ref();
    let channels = crate::media::probe(path)?.audio.as_ref().map_or(1, |a| a.channels.clamp(1, 2) as u16);
    let options = crate::media::AudioDecodeOptions::default().sample_rate(48_000).channels(channels);
    measure(&crate::media::decode_audio(path, &options, ctl)?)
}

/// Measure interleaved `samples`.
pub fn measure_samples(samples: &[f32], sample_rate: u32, channels: u16) -> Result<Loudness> {
    let fail = |e: ebur128::Error| Error::invalid("audio", format!("cannot measure loudness: {e:?}"));
    let mut meter =
        EbuR128::new(u32::from(channels), sample_rate, Mode::I | Mode::LRA | Mode::TRUE_PEAK | Mode::SAMPLE_PEAK).map_err(fail)?;
    // Feed in blocks so a long mix never needs a second copy.
    let block = 48_000 * usize::from(channels);
    for chunk in samples.chunks(block.max(1)) {
        meter.add_frames_f32(chunk).map_err(fail)?;
    }
    let integrated = meter.loudness_global().map_err(fail)?;
    let mut true_peak = 0.0f64;
    let mut sample_peak = 0.0f64;
    for ch in 0..u32::from(channels) {
        true_peak = true_peak.max(meter.true_peak(ch).map_err(fail)?);
        sample_peak = sample_peak.max(meter.sample_peak(ch).map_err(fail)?);
    }
    Ok(Loudness {
        integrated_lufs: integrated.is_finite().then_some(integrated),
        range_lu: meter.loudness_range().unwrap_or(0.0),
        // Digital silence reads as the floor, not -inf (which JSON cannot hold).
        true_peak_dbtp: to_db(true_peak).max(SILENCE_FLOOR_DB),
        sample_peak_dbfs: to_db(sample_peak).max(SILENCE_FLOOR_DB),
    })
}

/// What [`normalize`] did.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Normalization {
    pub before: Loudness,
    pub after: Loudness,
    /// Gain applied before limiting, in dB.
    pub gain_db: f64,
    /// Whether the true-peak limiter had to act.
    pub limited: bool,
}

/// Bring `audio` to `target` integrated loudness with its true peak at or
/// below `target.true_peak - headroom_db`: a gain, then a true-peak
/// limiter, repeated until both hold (the limiter lowers loudness a little,
/// which the next pass makes up). Silence is left as it is.
pub fn normalize(audio: &mut AudioBuffer, target: &LoudnessTarget, headroom_db: f64) -> Result<Normalization> {
    target.validate()?;
    let before = measure(audio)?;
    let Some(lufs) = before.integrated_lufs else {
        return Ok(Normalization { before, after: before, gain_db: 0.0, limited: false });
    };
    let original = audio.samples.clone();
    let ceiling_db = target.true_peak - headroom_db.max(0.0);
    let mut gain_db = target.lufs - lufs;
    let mut margin_db = 0.0;
    let mut limited = false;
    let mut after = before;
    for _ in 0..6 {
        let gain = 10f64.powf(gain_db / 20.0) as f32;
        audio.samples.iter_mut().zip(&original).for_each(|(o, i)| *o = i * gain);
        limited |= limit_true_peak(
            &mut audio.samples,
            audio.channels,
            audio.sample_rate,
            10f64.powf((ceiling_db - margin_db) / 20.0) as f32,
        );
        after = measure(audio)?;
        let loud_ok = after.integrated_lufs.is_some_and(|l| (l - target.lufs).abs() <= 0.1);
        let peak_ok = after.true_peak_dbtp <= ceiling_db;
        if loud_ok && peak_ok {
            break;
        }
        if !peak_ok {
            margin_db += after.true_peak_dbtp - ceiling_db + 0.02;
        }
        if let Some(l) = after.integrated_lufs {
            gain_db += target.lufs - l;
        }
    }
    Ok(Normalization { before, after, gain_db, limited })
}

/// Scale `audio` to `lufs` integrated loudness (no limiting); returns the
/// gain in dB (0 for silence).
pub fn gain_to_loudness(audio: &mut AudioBuffer, lufs: f64) -> Result<f64> {
    let Some(current) = measure(audio)?.integrated_lufs else { return Ok(0.0) };
    let gain_db = lufs - current;
    let gain = 10f64.powf(gain_db / 20.0) as f32;
    audio.samples.iter_mut().for_each(|s| *s *= gain);
    Ok(gain_db)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tone(rate: u32, channels: u16, freq: f64, amplitude: f64, seconds: f64) -> AudioBuffer {
        let frames = (f64::from(rate) * seconds) as usize;
        let samples = (0..frames)
            .flat_map(|i| {
                let v = (amplitude * (std::f64::consts::TAU * freq * i as f64 / f64::from(rate)).sin()) as f32;
                std::iter::repeat_n(v, usize::from(channels))
            })
            .collect();
        AudioBuffer { sample_rate: rate, channels, samples }
    }

    #[test]
    fn a_full_scale_1k_tone_reads_as_bs1770_says() {
        // BS.1770: a 0 dBFS 997 Hz sine in one channel is -3.01 LUFS; in
        // both channels of a stereo pair, 0 LUFS.
        let l = measure(&tone(48_000, 1, 997.0, 1.0, 5.0)).unwrap();
        assert!((l.integrated_lufs.unwrap() + 3.01).abs() < 0.05, "{l:?}");
        let l = measure(&tone(48_000, 2, 997.0, 1.0, 5.0)).unwrap();
        assert!(l.integrated_lufs.unwrap().abs() < 0.05, "{l:?}");
        assert!((l.true_peak_dbtp).abs() < 0.2, "{l:?}");
        let silent = measure(&AudioBuffer { sample_rate: 48_000, channels: 1, samples: vec![0.0; 48_000] }).unwrap();
        assert_eq!(silent.integrated_lufs, None);
    }

    #[test]
    fn normalisation_hits_loudness_and_respects_the_ceiling() {
        // A quiet tone with rare loud clicks: gain alone would clip.
        let mut audio = tone(48_000, 2, 220.0, 0.05, 6.0);
        for k in 0..6 {
            let i = (k * 48_000 + 1000) * 2;
            audio.samples[i] = 0.9;
            audio.samples[i + 1] = -0.9;
        }
        let target = LoudnessTarget::default();
        let report = normalize(&mut audio, &target, 0.0).unwrap();
        assert!(report.limited);
        let l = measure(&audio).unwrap();
        assert!((l.integrated_lufs.unwrap() - target.lufs).abs() <= 0.1, "{l:?}");
        assert!(l.true_peak_dbtp <= target.true_peak, "{l:?}");
        assert!(LoudnessTarget::new(-3.0, -1.0).validate().is_err());
        assert!(LoudnessTarget::new(-14.0, 2.0).validate().is_err());
    }
}
