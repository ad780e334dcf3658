//! Dubbing: speak each narration cue in its time slot over the input's own
//! audio (ducked under the voice), bring the mix to a loudness target, and
//! write the clip (video copied, AAC mix) with the narration and bed stems.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use serde::{Deserialize, Serialize};

use super::duck::{apply_gains, duck_gains, DuckConfig};
use super::fit::{trim_silence, FitConfig, FitStatus};
use super::loudness::{gain_to_loudness, measure, normalize, Loudness, LoudnessTarget};
use super::mux::write_dubbed_mp4;
use super::resample::resample_mono;
use super::srt::{read_narration, NarrationCue};
use super::stretch::time_stretch;
use super::wav::{write_wav, WavFormat};
use crate::error::{Error, Result};
use crate::media::{decode_audio, probe, AudioBuffer, AudioDecodeOptions};
use crate::progress::{RunCtl, Stage};
use crate::tts::{Speech, Synthesizer, TtsConfig};

/// Everything `reelkit dub` can be told. Serialises to the same JSON in
/// every binding.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct DubJob {
    /// Voice and synthesis settings.
    pub tts: TtsConfig,
    pub fit: FitConfig,
    pub duck: DuckConfig,
    /// Loudness of the final mix (default -14 LUFS, -1 dBTP).
    pub loudness: LoudnessTarget,
    /// Level the narration is brought to before mixing (default: the
    /// mix target).
    pub narration_lufs: Option<f64>,
    /// Gain on the original audio before ducking, in dB (default 0).
    pub bed_gain_db: f64,
    /// Mix sample rate (default 48 000).
    pub sample_rate: u32,
    /// Mix channels: 0 follows the input (1 or 2; 2 without input audio).
    pub channels: u16,
    /// AAC bit rate of the mixed track (default 192 000).
    pub audio_bit_rate: usize,
}

impl Default for DubJob {
    fn default() -> Self {
        Self {
            tts: TtsConfig::default(),
            fit: FitConfig::default(),
            duck: DuckConfig::default(),
            loudness: LoudnessTarget::default(),
            narration_lufs: None,
            bed_gain_db: 0.0,
            sample_rate: 48_000,
            channels: 0,
            audio_bit_rate: 192_000,
        }
    }
}

impl DubJob {
    pub fn voice(mut self, voice: impl Into<String>) -> Self {
        self.tts.voice = voice.into();
        self
    }
    pub fn loudness(mut self, lufs: f64, true_peak: f64) -> Self {
        self.loudness = LoudnessTarget::new(lufs, true_peak);
        self
    }
    pub fn duck(mut self, duck: DuckConfig) -> Self {
        self.duck = duck;
        self
    }
    pub fn fit(mut self, fit: FitConfig) -> Self {
        self.fit = fit;
        self
    }

    pub fn validate(&self) -> Result<()> {
        self.tts.validate()?;
        self.fit.validate()?;
        self.duck.validate()?;
        self.loudness.validate()?;
        if let Some(l) = self.narration_lufs {
            LoudnessTarget::new(l, self.loudness.true_peak).validate()?;
        }
        if !self.bed_gain_db.is_finite() || !(-60.0..=20.0).contains(&self.bed_gain_db) {
            return Err(Error::invalid("bed_gain_db", format!("{} (expected -60..=20 dB)", self.bed_gain_db)));
        }
        if !(8_000..=96_000).contains(&self.sample_rate) {
            return Err(Error::invalid("sample_rate", format!("{} Hz (expected 8000..=96000)", self.sample_rate)));
        }
        if self.channels > 2 {
            return Err(Error::invalid("channels", format!("{} (expected 0, 1 or 2)", self.channels)));
        }
        if !(32_000..=512_000).contains(&self.audio_bit_rate) {
            return Err(Error::invalid("audio_bit_rate", format!("{} (expected 32000..=512000)", self.audio_bit_rate)));
        }
        Ok(())
    }
}

/// What happened to one cue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CueReport {
    /// 1-based, in script order.
    pub index: usize,
    pub start: f64,
    pub end: f64,
    pub text: String,
    pub status: FitStatus,
    /// Seconds of speech at the normal rate (silence trimmed).
    pub natural_duration: f64,
    /// Seconds of speech as placed (0 when left out).
    pub duration: f64,
    /// Speaking-rate factor used (1 = normal).
    pub rate: f64,
    /// Time-stretch factor applied after that (1 = none).
    pub stretch: f64,
    /// Where the speech was placed, when it was.
    pub placed_start: Option<f64>,
    pub placed_end: Option<f64>,
    /// Phonemes the voice could not say, with counts.
    #[serde(skip_serializing_if = "BTreeMap::is_empty", default)]
    pub missing_phonemes: BTreeMap<String, usize>,
}

/// What a dub produced (what `reelkit dub` prints as JSON).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct DubReport {
    pub input: String,
    pub output: String,
    pub narration: String,
    pub bed: String,
    pub voice: String,
    pub sample_rate: u32,
    pub channels: u16,
    pub duration: f64,
    pub target: LoudnessTarget,
    /// Loudness of the mixed track, measured on the written MP4.
    pub mix: Loudness,
    /// Loudness of the narration stem.
    pub narration_loudness: Loudness,
    pub ducking: DuckConfig,
    pub cues: Vec<CueReport>,
    /// Indexes of cues spoken faster than normal (rate or stretch).
    pub sped_up: Vec<usize>,
    /// Indexes of cues that run past their cue end.
    pub overrun: Vec<usize>,
    /// Indexes of cues left out because they could not fit.
    pub unfit: Vec<usize>,
    /// Seconds of speech placed.
    pub speech_seconds: f64,
    /// Wall-clock seconds spent synthesising.
    pub synthesis_seconds: f64,
}

/// `OUT.mp4` → `OUT.<name>.wav`.
pub fn stem_path(output: &Path, name: &str) -> PathBuf {
    output.with_extension(format!("{name}.wav"))
}

/// Dub `input` with the cues of the SRT file `script`.
pub fn dub_srt(
    synth: &Synthesizer,
    input: impl AsRef<Path>,
    script: impl AsRef<Path>,
    output: impl AsRef<Path>,
    job: &DubJob,
    ctl: &RunCtl,
) -> Result<DubReport> {
    let cues = read_narration(script.as_ref())?;
    dub(synth, input, &cues, output, job, ctl)
}

/// Dub `input` with `cues`: see the module documentation.
pub fn dub(
    synth: &Synthesizer,
    input: impl AsRef<Path>,
    cues: &[NarrationCue],
    output: impl AsRef<Path>,
    job: &DubJob,
    ctl: &RunCtl,
) -> Result<DubReport> {
    let (input, output) = (input.as_ref(), output.as_ref());
    job.validate()?;
    if cues.is_empty() {
        return Err(Error::invalid("narration", "has no cues"));
    }
    for (i, c) in cues.iter().enumerate() {
        if !c.start.is_finite() || !c.end.is_finite() || c.start < 0.0 || c.end <= c.start {
            return Err(Error::invalid("narration", format!("cue {} runs from {} s to {} s", i + 1, c.start, c.end)));
        }
    }
    let info = probe(input)?;
    if info.duration <= 0.0 {
        return Err(Error::corrupt_media(input, "zero duration"));
    }
    if same_file(input, output) {
        return Err(Error::invalid("out", "is the input file"));
    }
    let rate = job.sample_rate;
    let channels = match job.channels {
        0 => info.audio.as_ref().map(|a| a.channels.clamp(1, 2) as u16).unwrap_or(2),
        n => n,
    };
    // The header's duration is a claim; size the tracks by the packets that
    // are really there (an MP4 may claim 24 days for ten seconds of data).
    let duration = info.duration.min(crate::media::packet_extent(input, ctl)?);
    if duration <= 0.0 {
        return Err(Error::corrupt_media(input, "no media data"));
    }
    let frames = (duration * f64::from(rate)).round() as usize;

    // 1. Speak every cue (in parallel), then refit those too long.
    let started = Instant::now();
    let texts: Vec<String> = cues.iter().map(|c| c.text.clone()).collect();
    let mut speeches: Vec<Option<Speech>> = vec![None; cues.len()];
    synth.synthesize_batch(&texts, &job.tts, ctl, &mut |i, speech| {
        speeches[i] = Some(speech);
        Ok(())
    })?;
    let voice_rate = synth.sample_rate(&job.tts.voice)?;
    let speeches: Vec<Speech> = speeches.into_iter().map(|s| s.expect("every cue reported")).collect();
    let mut plans = plan_rates(cues, &speeches, job, voice_rate);
    resynthesize(synth, cues, &mut plans, job, ctl)?;
    let synthesis_seconds = started.elapsed().as_secs_f64();
    ctl.check()?;

    // 2. Place the cues on the narration track.
    ctl.report(Stage::Mix, 0.0, Some(4.0), "steps");
    let mut narration = vec![0.0f32; frames];
    let mut reports = Vec::with_capacity(cues.len());
    let mut prev_end: Option<f64> = None;
    for (i, (cue, plan)) in cues.iter().zip(plans).enumerate() {
        ctl.check()?;
        let next_start = cues.get(i + 1).map(|c| c.start);
        let report = place_cue(i, cue, plan, next_start, duration, &mut prev_end, job, voice_rate, rate, &mut narration)?;
        reports.push(report);
    }
    ctl.report(Stage::Mix, 1.0, Some(4.0), "steps");

    // 3. Narration level, the bed ducked under it, the mix.
    let mut narration_track = upmix(&narration, rate, channels);
    gain_to_loudness(&mut narration_track, job.narration_lufs.unwrap_or(job.loudness.lufs))?;
    let mut bed = match &info.audio {
        Some(_) => {
            let mut decoded = decode_audio(
                input,
                &AudioDecodeOptions::default().sample_rate(rate).channels(channels),
                &RunCtl::default().with_cancel(ctl.cancel_token().clone()),
            )?;
            decoded.samples.resize(frames * usize::from(channels), 0.0);
            decoded
        }
        None => AudioBuffer { sample_rate: rate, channels, samples: vec![0.0; frames * usize::from(channels)] },
    };
    if job.bed_gain_db != 0.0 {
        let g = 10f64.powf(job.bed_gain_db / 20.0) as f32;
        bed.samples.iter_mut().for_each(|s| *s *= g);
    }
    let key: Vec<f32> = narration_track.samples.iter().step_by(usize::from(channels)).copied().collect();
    let gains = duck_gains(&key, rate, &job.duck)?;
    apply_gains(&mut bed.samples, channels, &gains);
    ctl.report(Stage::Mix, 2.0, Some(4.0), "steps");
    ctl.check()?;
    let mixed: Vec<f32> = bed.samples.iter().zip(&narration_track.samples).map(|(b, n)| b + n).collect();

    // 4. Loudness: normalise, encode, measure what was written, and tighten
    //    the ceiling if the encoder's overshoot broke it.
    let mut headroom = 0.3;
    let mut attempt = 0;
    let (gain_db, mix_loudness) = loop {
        attempt += 1;
        let mut mix = AudioBuffer { sample_rate: rate, channels, samples: mixed.clone() };
        let norm = normalize(&mut mix, &job.loudness, headroom)?;
        ctl.check()?;
        write_dubbed_mp4(input, output, &mix, job.audio_bit_rate, ctl)?;
        drop(mix);
        let written = decode_audio(output, &AudioDecodeOptions::default().sample_rate(rate).channels(channels), &RunCtl::default())?;
        let measured = measure(&written)?;
        let over = measured.true_peak_dbtp - job.loudness.true_peak;
        if over <= 0.0 || attempt >= 4 || measured.integrated_lufs.is_none() {
            break (norm.gain_db, measured);
        }
        headroom += over + 0.1;
    };
    ctl.report(Stage::Mix, 3.0, Some(4.0), "steps");

    // 5. Stems at the mix's gain (before limiting), so they sum to the mix.
    let gain = 10f64.powf(gain_db / 20.0) as f32;
    narration_track.samples.iter_mut().for_each(|s| *s *= gain);
    bed.samples.iter_mut().for_each(|s| *s *= gain);
    let narration_path = stem_path(output, "narration");
    let bed_path = stem_path(output, "bed");
    let written = write_wav(&narration_path, &narration_track, WavFormat::Float32)
        .and_then(|_| write_wav(&bed_path, &bed, WavFormat::Float32));
    if let Err(e) = written {
        let _ = std::fs::remove_file(output);
        let _ = std::fs::remove_file(&narration_path);
        return Err(e);
    }
    let narration_loudness = measure(&narration_track)?;
    ctl.report(Stage::Mix, 4.0, Some(4.0), "steps");

    let pick = |f: fn(&CueReport) -> bool| reports.iter().filter(|r| f(r)).map(|r| r.index).collect::<Vec<_>>();
    Ok(DubReport {
        input: input.display().to_string(),
        output: output.display().to_string(),
        narration: narration_path.display().to_string(),
        bed: bed_path.display().to_string(),
        voice: job.tts.voice.clone(),
        sample_rate: rate,
        channels,
        duration,
        target: job.loudness,
        mix: mix_loudness,
        narration_loudness,
        ducking: job.duck,
        sped_up: pick(|r| r.rate > 1.0 || r.stretch > 1.0),
        overrun: pick(|r| r.status == FitStatus::Overrun),
        unfit: pick(|r| r.status == FitStatus::Unfit),
        speech_seconds: reports.iter().map(|r| r.duration).sum(),
        synthesis_seconds,
        cues: reports,
    })
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// A cue's speech and the rate it was made at.
struct CuePlan {
    samples: Vec<f32>,
    natural: f64,
    rate: f64,
    missing: BTreeMap<String, usize>,
}

fn trimmed(speech: &Speech, job: &DubJob) -> Vec<f32> {
    if job.fit.trim_silence {
        trim_silence(&speech.samples, speech.sample_rate, 0.02).to_vec()
    } else {
        speech.samples.clone()
    }
}

/// The normal-rate speech of every cue, with the rate each should be
/// re-spoken at to fit its slot (1 when it fits).
fn plan_rates(cues: &[NarrationCue], speeches: &[Speech], job: &DubJob, voice_rate: u32) -> Vec<CuePlan> {
    cues.iter()
        .zip(speeches)
        .map(|(cue, speech)| {
            let samples = trimmed(speech, job);
            let natural = samples.len() as f64 / f64::from(voice_rate);
            let slot = cue.end - cue.start;
            let needed = natural / slot;
            let rate = if needed > 1.0 { (needed * 1.03).min(f64::from(job.fit.max_rate)) } else { 1.0 };
            CuePlan { samples, natural, rate, missing: speech.missing_phonemes.clone() }
        })
        .collect()
}

/// Speak the cues that need it again, faster, in parallel. A voice's
/// length scale shortens long phonemes more than short ones, so the
/// speed-up reached is measured and the request raised until it gets there.
fn resynthesize(synth: &Synthesizer, cues: &[NarrationCue], plans: &mut [CuePlan], job: &DubJob, ctl: &RunCtl) -> Result<()> {
    let todo: Vec<(usize, f64, f64)> =
        plans.iter().enumerate().filter(|(_, p)| p.rate > 1.0).map(|(i, p)| (i, p.rate, p.natural)).collect();
    if todo.is_empty() {
        return Ok(());
    }
    let workers = job.tts.workers(todo.len());
    let quiet = RunCtl::default().with_cancel(ctl.cancel_token().clone());
    let voice_rate = f64::from(synth.sample_rate(&job.tts.voice)?);
    let work = |&(i, target, natural): &(usize, f64, f64)| -> Result<(Vec<f32>, f64)> {
        let mut request = target;
        let mut best = (Vec::new(), 1.0);
        for _ in 0..4 {
            let mut config = job.tts.clone().threads(1);
            config.rate = (f64::from(job.tts.rate) * request).min(4.0) as f32;
            let samples = trimmed(&synth.synthesize(&cues[i].text, &config, &quiet)?, job);
            let achieved = if samples.is_empty() { 1.0 } else { natural / (samples.len() as f64 / voice_rate) };
            best = (samples, achieved);
            if achieved >= target * 0.99 || config.rate >= 4.0 {
                break;
            }
            request *= (target / achieved).min(1.5);
        }
        Ok(best)
    };
    crate::tts::run_ordered(todo.into_iter().map(Ok), workers, workers * 2, ctl, &work, &mut |(i, _, _), (samples, achieved)| {
        plans[i].samples = samples;
        plans[i].rate = achieved;
        Ok(())
    })
}

/// Fit one cue into its slot and mix it onto `narration` (mono, `rate`).
#[allow(clippy::too_many_arguments)]
fn place_cue(
    i: usize,
    cue: &NarrationCue,
    plan: CuePlan,
    next_start: Option<f64>,
    media_duration: f64,
    prev_end: &mut Option<f64>,
    job: &DubJob,
    voice_rate: u32,
    rate: u32,
    narration: &mut [f32],
) -> Result<CueReport> {
    let mut report = CueReport {
        index: i + 1,
        start: cue.start,
        end: cue.end,
        text: cue.text.clone(),
        status: FitStatus::Fits,
        natural_duration: plan.natural,
        duration: 0.0,
        rate: plan.rate,
        stretch: 1.0,
        placed_start: None,
        placed_end: None,
        missing_phonemes: plan.missing,
    };
    if plan.samples.is_empty() {
        report.status = FitStatus::Empty;
        report.rate = 1.0;
        return Ok(report);
    }
    let gap = job.fit.min_gap;
    let slot_start = prev_end.map(|e| cue.start.max(e + gap)).unwrap_or(cue.start);
    let slot_end = cue.end.min(media_duration);
    // Past the cue end: silence up to the next cue, or the media end.
    let limit_end = if job.fit.allow_overrun {
        next_start.map(|n| n - gap).unwrap_or(media_duration).min(media_duration).max(slot_end)
    } else {
        slot_end
    };
    let mut samples = plan.samples;
    let mut length = samples.len() as f64 / f64::from(voice_rate);
    report.status = if plan.rate > 1.0 + 1e-3 { FitStatus::SpedUp } else { FitStatus::Fits };
    let slot = slot_end - slot_start;
    if slot <= 0.0 || slot_start >= media_duration {
        report.status = FitStatus::Unfit;
        return Ok(report);
    }
    if length > slot + 1e-3 {
        let stretch = (length / slot).min(f64::from(job.fit.max_stretch));
        if stretch > 1.0 + 1e-3 {
            samples = time_stretch(&samples, voice_rate, stretch)?;
            length = samples.len() as f64 / f64::from(voice_rate);
            report.stretch = stretch;
            report.status = FitStatus::Stretched;
        }
        if length > slot + 1e-3 {
            if slot_start + length <= limit_end + 1e-3 {
                report.status = FitStatus::Overrun;
            } else {
                report.status = FitStatus::Unfit;
                return Ok(report);
            }
        }
    }
    let placed = resample_mono(&samples, voice_rate, rate)?;
    let offset = (slot_start * f64::from(rate)).round() as usize;
    for (dst, s) in narration.iter_mut().skip(offset).zip(&placed) {
        *dst += s;
    }
    report.duration = length;
    report.placed_start = Some(slot_start);
    report.placed_end = Some(slot_start + length);
    *prev_end = report.placed_end;
    Ok(report)
}

/// Mono `samples` as a buffer of `channels` identical channels.
fn upmix(samples: &[f32], rate: u32, channels: u16) -> AudioBuffer {
    let ch = usize::from(channels);
    let mut out = Vec::with_capacity(samples.len() * ch);
    for s in samples {
        out.extend(std::iter::repeat_n(*s, ch));
    }
    AudioBuffer { sample_rate: rate, channels, samples: out }
}
