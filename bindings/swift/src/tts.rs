//! Text to speech and dubbing: the [`Synthesizer`] object (voices load once)
//! with async `synthesize`, `synthesizeBatch`, `tts`, `dub` and
//! `measureLoudness`, and the records they return.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use reelkit::audio::DubJob;
use reelkit::models::ModelStore;
use reelkit::tts::TtsConfig;

use crate::error::ReelkitError;
use crate::progress::{CancelHandle, ProgressObserver};
use crate::task::run_blocking;

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

fn counts(map: std::collections::BTreeMap<String, usize>) -> HashMap<String, u32> {
    map.into_iter().map(|(k, v)| (k, count(v))).collect()
}

/// One sentence of a `Speech`; times in seconds.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct SpokenSentence {
    pub text: String,
    /// IPA read by a Piper voice (empty for espeak-ng voices).
    pub phonemes: String,
    pub start: f64,
    pub end: f64,
}

/// Synthesised speech: mono float samples in -1...1 at `sampleRate`.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct Speech {
    pub samples: Vec<f32>,
    pub sample_rate: u32,
    pub duration: f64,
    pub voice: String,
    pub sentences: Vec<SpokenSentence>,
    /// Phonemes the voice has no id for (skipped), with counts.
    pub missing_phonemes: HashMap<String, u32>,
}

impl From<reelkit::tts::Speech> for Speech {
    fn from(s: reelkit::tts::Speech) -> Self {
        Self {
            sample_rate: s.sample_rate,
            duration: s.duration(),
            voice: s.voice,
            sentences: s
                .sentences
                .into_iter()
                .map(|x| SpokenSentence { text: x.text, phonemes: x.phonemes, start: x.start, end: x.end })
                .collect(),
            missing_phonemes: counts(s.missing_phonemes),
            samples: s.samples,
        }
    }
}

/// What `tts` wrote.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct SynthesisSummary {
    pub voice: String,
    pub sample_rate: u32,
    pub duration: f64,
    pub sentences: u32,
    pub missing_phonemes: HashMap<String, u32>,
    /// Wall-clock seconds until the first audio was written.
    pub first_audio_after: f64,
    pub elapsed: f64,
}

impl From<reelkit::tts::SynthesisSummary> for SynthesisSummary {
    fn from(s: reelkit::tts::SynthesisSummary) -> Self {
        Self {
            voice: s.voice,
            sample_rate: s.sample_rate,
            duration: s.duration,
            sentences: count(s.sentences),
            missing_phonemes: counts(s.missing_phonemes),
            first_audio_after: s.first_audio_after,
            elapsed: s.elapsed,
        }
    }
}

/// Which synthesiser speaks a voice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum VoiceEngine {
    Piper,
    Espeak,
}

/// A voice (`id` is what to pass as `voice`).
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct Voice {
    pub id: String,
    pub engine: VoiceEngine,
    pub language: String,
    pub espeak_voice: String,
    pub sample_rate: u32,
    pub quality: Option<String>,
    pub speakers: Vec<String>,
    pub num_speakers: u32,
    pub installed: bool,
    pub path: Option<String>,
    pub description: String,
}

impl From<reelkit::tts::Voice> for Voice {
    fn from(v: reelkit::tts::Voice) -> Self {
        Self {
            id: v.id,
            engine: match v.engine {
                reelkit::tts::VoiceEngine::Piper => VoiceEngine::Piper,
                reelkit::tts::VoiceEngine::Espeak => VoiceEngine::Espeak,
            },
            language: v.language,
            espeak_voice: v.espeak_voice,
            sample_rate: v.sample_rate,
            quality: v.quality,
            speakers: v.speakers,
            num_speakers: v.num_speakers,
            installed: v.installed,
            path: v.path.map(|p| p.display().to_string()),
            description: v.description,
        }
    }
}

/// EBU R128 measurements.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct Loudness {
    /// Integrated loudness in LUFS (`nil` for silence).
    pub integrated_lufs: Option<f64>,
    pub range_lu: f64,
    pub true_peak_dbtp: f64,
    pub sample_peak_dbfs: f64,
}

impl From<reelkit::audio::Loudness> for Loudness {
    fn from(l: reelkit::audio::Loudness) -> Self {
        Self {
            integrated_lufs: l.integrated_lufs,
            range_lu: l.range_lu,
            true_peak_dbtp: l.true_peak_dbtp,
            sample_peak_dbfs: l.sample_peak_dbfs,
        }
    }
}

/// How a cue ended up in its slot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum FitStatus {
    Fits,
    SpedUp,
    Stretched,
    Overrun,
    Unfit,
    Empty,
}

impl From<reelkit::audio::FitStatus> for FitStatus {
    fn from(s: reelkit::audio::FitStatus) -> Self {
        use reelkit::audio::FitStatus as F;
        match s {
            F::Fits => FitStatus::Fits,
            F::SpedUp => FitStatus::SpedUp,
            F::Stretched => FitStatus::Stretched,
            F::Overrun => FitStatus::Overrun,
            F::Unfit => FitStatus::Unfit,
            F::Empty => FitStatus::Empty,
        }
    }
}

/// What happened to one narration cue.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct CueReport {
    pub index: u32,
    pub start: f64,
    pub end: f64,
    pub text: String,
    pub status: FitStatus,
    pub natural_duration: f64,
    pub duration: f64,
    pub rate: f64,
    pub stretch: f64,
    pub placed_start: Option<f64>,
    pub placed_end: Option<f64>,
}

/// What `dub` produced (`reelkit dub` prints the same report as JSON).
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct DubReport {
    pub input: String,
    pub output: String,
    pub narration: String,
    pub bed: String,
    pub voice: String,
    pub sample_rate: u32,
    pub channels: u32,
    pub duration: f64,
    pub target_lufs: f64,
    pub target_true_peak: f64,
    /// Loudness of the mix, measured on the written MP4.
    pub mix: Loudness,
    pub narration_loudness: Loudness,
    pub cues: Vec<CueReport>,
    pub sped_up: Vec<u32>,
    pub overrun: Vec<u32>,
    pub unfit: Vec<u32>,
    pub speech_seconds: f64,
    pub synthesis_seconds: f64,
    /// The whole report as JSON (what `reelkit dub` prints).
    pub json: String,
}

impl From<reelkit::audio::DubReport> for DubReport {
    fn from(r: reelkit::audio::DubReport) -> Self {
        let json = serde_json::to_string_pretty(&r).unwrap_or_default();
        let ids = |v: Vec<usize>| v.into_iter().map(count).collect();
        Self {
            input: r.input,
            output: r.output,
            narration: r.narration,
            bed: r.bed,
            voice: r.voice,
            sample_rate: r.sample_rate,
            channels: u32::from(r.channels),
            duration: r.duration,
            target_lufs: r.target.lufs,
            target_true_peak: r.target.true_peak,
            mix: r.mix.into(),
            narration_loudness: r.narration_loudness.into(),
            cues: r
                .cues
                .into_iter()
                .map(|c| CueReport {
                    index: count(c.index),
                    start: c.start,
                    end: c.end,
                    text: c.text,
                    status: c.status.into(),
                    natural_duration: c.natural_duration,
                    duration: c.duration,
                    rate: c.rate,
                    stretch: c.stretch,
                    placed_start: c.placed_start,
                    placed_end: c.placed_end,
                })
                .collect(),
            sped_up: ids(r.sped_up),
            overrun: ids(r.overrun),
            unfit: ids(r.unfit),
            speech_seconds: r.speech_seconds,
            synthesis_seconds: r.synthesis_seconds,
            json,
        }
    }
}

/// How to speak. `configJson` (a `TtsConfig` as JSON, see
/// `defaultTtsConfigJson()`) is read first; the fields set here override it.
#[derive(Debug, Clone, PartialEq, Default, uniffi::Record)]
pub struct SynthesizeOptions {
    /// `joe` (default), a Piper `.onnx` path or voice directory, or `espeak:<language>`.
    #[uniffi(default = None)]
    pub voice: Option<String>,
    #[uniffi(default = None)]
    pub speaker: Option<String>,
    /// Speaking rate (default 1; 1.5 is 50% faster).
    #[uniffi(default = None)]
    pub rate: Option<f32>,
    /// Seed of the voice's noise: equal seeds give identical audio.
    #[uniffi(default = None)]
    pub seed: Option<u64>,
    #[uniffi(default = None)]
    pub config_json: Option<String>,
}

/// How to dub. `jobJson` (a `DubJob` as JSON, see `defaultDubJobJson()`) is
/// read first; the fields set here override it.
#[derive(Debug, Clone, PartialEq, Default, uniffi::Record)]
pub struct DubOptions {
    #[uniffi(default = None)]
    pub voice: Option<String>,
    /// Integrated loudness of the mix in LUFS (default -14).
    #[uniffi(default = None)]
    pub lufs: Option<f64>,
    /// True-peak ceiling in dBTP (default -1).
    #[uniffi(default = None)]
    pub true_peak: Option<f64>,
    #[uniffi(default = None)]
    pub job_json: Option<String>,
}

/// The default synthesis settings as pretty JSON (a template for `configJson`).
#[uniffi::export]
pub fn default_tts_config_json() -> String {
    serde_json::to_string_pretty(&TtsConfig::default()).unwrap_or_default()
}

/// The default dubbing job as pretty JSON (a template for `jobJson`).
#[uniffi::export]
pub fn default_dub_job_json() -> String {
    serde_json::to_string_pretty(&DubJob::default()).unwrap_or_default()
}

fn tts_config(options: &SynthesizeOptions) -> Result<TtsConfig, ReelkitError> {
    let mut config = match &options.config_json {
        Some(json) => serde_json::from_str::<TtsConfig>(json).map_err(|e| ReelkitError::invalid("config_json", e.to_string()))?,
        None => TtsConfig::default(),
    };
    if let Some(v) = &options.voice {
        config.voice = v.clone();
    }
    if options.speaker.is_some() {
        config.speaker = options.speaker.clone();
    }
    if let Some(r) = options.rate {
        config.rate = r;
    }
    if let Some(s) = options.seed {
        config.seed = s;
    }
    config.validate()?;
    Ok(config)
}

fn dub_job(options: &DubOptions) -> Result<DubJob, ReelkitError> {
    let mut job = match &options.job_json {
        Some(json) => serde_json::from_str::<DubJob>(json).map_err(|e| ReelkitError::invalid("job_json", e.to_string()))?,
        None => DubJob::default(),
    };
    if let Some(v) = &options.voice {
        job.tts.voice = v.clone();
    }
    if let Some(l) = options.lufs {
        job.loudness.lufs = l;
    }
    if let Some(t) = options.true_peak {
        job.loudness.true_peak = t;
    }
    job.validate()?;
    Ok(job)
}

/// Speaks text with Piper and espeak-ng voices and dubs clips. Voices load
/// once per synthesiser; one synthesiser can serve many concurrent calls.
#[derive(uniffi::Object)]
pub struct Synthesizer {
    inner: Arc<reelkit::tts::Synthesizer>,
}

impl std::fmt::Debug for Synthesizer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.inner.fmt(f)
    }
}

#[uniffi::export]
impl Synthesizer {
    /// A synthesiser over the model store at `models_dir`; `nil` uses
    /// `$REELKIT_MODELS` or `~/.cache/reelkit/models`.
    #[uniffi::constructor(default(models_dir = None))]
    pub fn new(models_dir: Option<String>) -> Arc<Self> {
        let store = match models_dir {
            Some(dir) => ModelStore::at(PathBuf::from(dir)),
            None => ModelStore::from_env(),
        };
        Arc::new(Self { inner: Arc::new(reelkit::tts::Synthesizer::new(store)) })
    }

    /// Every voice: Piper voices of the model store and espeak-ng's voices.
    pub fn voices(&self) -> Result<Vec<Voice>, ReelkitError> {
        Ok(self.inner.voices()?.into_iter().map(Voice::from).collect())
    }

    /// Speak `text` (SSML-lite `<break time="300ms"/>` tags make pauses).
    #[uniffi::method(default(options = None, observer = None, cancel = None))]
    pub async fn synthesize(
        &self,
        text: String,
        options: Option<SynthesizeOptions>,
        observer: Option<Arc<dyn ProgressObserver>>,
        cancel: Option<Arc<CancelHandle>>,
    ) -> Result<Speech, ReelkitError> {
        let config = tts_config(&options.unwrap_or_default())?;
        let inner = self.inner.clone();
        run_blocking("synthesize", observer, cancel, move |ctl| Ok(inner.synthesize(&text, &config, ctl)?.into())).await
    }

    /// Speak many texts in parallel across cores: one `Speech` per text, in order.
    #[uniffi::method(default(options = None, observer = None, cancel = None))]
    pub async fn synthesize_batch(
        &self,
        texts: Vec<String>,
        options: Option<SynthesizeOptions>,
        observer: Option<Arc<dyn ProgressObserver>>,
        cancel: Option<Arc<CancelHandle>>,
    ) -> Result<Vec<Speech>, ReelkitError> {
        let config = tts_config(&options.unwrap_or_default())?;
        let inner = self.inner.clone();
        run_blocking("synthesize_batch", observer, cancel, move |ctl| {
            let mut out = Vec::with_capacity(texts.len());
            inner.synthesize_batch(&texts, &config, ctl, &mut |_, s| {
                out.push(Speech::from(s));
                Ok(())
            })?;
            Ok(out)
        })
        .await
    }

    /// Speak `text` into a 16-bit WAV file at `out` as it is synthesised.
    #[uniffi::method(default(options = None, observer = None, cancel = None))]
    pub async fn tts(
        &self,
        text: String,
        out: String,
        options: Option<SynthesizeOptions>,
        observer: Option<Arc<dyn ProgressObserver>>,
        cancel: Option<Arc<CancelHandle>>,
    ) -> Result<SynthesisSummary, ReelkitError> {
        let config = tts_config(&options.unwrap_or_default())?;
        let inner = self.inner.clone();
        run_blocking("tts", observer, cancel, move |ctl| Ok(inner.synthesize_to_wav(&text, &out, &config, ctl)?.into())).await
    }

    /// Speak each cue of the SRT `narration` in its slot over `input`'s own
    /// audio (ducked), normalise the mix, and write `out` (video copied, AAC
    /// mix) with `OUT.narration.wav` and `OUT.bed.wav` beside it.
    #[uniffi::method(default(options = None, observer = None, cancel = None))]
    pub async fn dub(
        &self,
        input: String,
        narration: String,
        out: String,
        options: Option<DubOptions>,
        observer: Option<Arc<dyn ProgressObserver>>,
        cancel: Option<Arc<CancelHandle>>,
    ) -> Result<DubReport, ReelkitError> {
        let job = dub_job(&options.unwrap_or_default())?;
        let inner = self.inner.clone();
        run_blocking("dub", observer, cancel, move |ctl| {
            Ok(reelkit::audio::dub_srt(&inner, &input, &narration, &out, &job, ctl)?.into())
        })
        .await
    }

    /// EBU R128 loudness and true peak of a media file's audio.
    #[uniffi::method(default(observer = None, cancel = None))]
    pub async fn measure_loudness(
        &self,
        path: String,
        observer: Option<Arc<dyn ProgressObserver>>,
        cancel: Option<Arc<CancelHandle>>,
    ) -> Result<Loudness, ReelkitError> {
        run_blocking("measure_loudness", observer, cancel, move |ctl| {
            let info = reelkit::probe(&path)?;
            let channels = info.audio.as_ref().map(|a| a.channels.clamp(1, 2) as u16).unwrap_or(1);
            let options = reelkit::media::AudioDecodeOptions::default().sample_rate(48_000).channels(channels);
            let audio = reelkit::media::decode_audio(&path, &options, ctl)?;
            Ok(reelkit::audio::measure(&audio)?.into())
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_override_the_json() {
        let config = tts_config(&SynthesizeOptions {
            rate: Some(1.5),
            config_json: Some(r#"{"seed": 9, "noise_scale": 0.3}"#.into()),
            ..SynthesizeOptions::default()
        })
        .unwrap();
        assert_eq!((config.rate, config.seed, config.noise_scale), (1.5, 9, Some(0.3)));
        let job = dub_job(&DubOptions { lufs: Some(-16.0), job_json: Some(r#"{"duck": {"depth_db": -6}}"#.into()), ..DubOptions::default() })
            .unwrap();
        assert_eq!((job.loudness.lufs, job.duck.depth_db), (-16.0, -6.0));
        assert_eq!(dub_job(&DubOptions { lufs: Some(1.0), ..DubOptions::default() }).unwrap_err().code(), "invalid_parameter");
        assert_eq!(tts_config(&SynthesizeOptions { config_json: Some("{".into()), ..Default::default() }).unwrap_err().code(), "invalid_parameter");
    }
}
