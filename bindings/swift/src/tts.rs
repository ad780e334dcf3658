//! Text to speech and dubbing: the [`Synthesizer`] object, over the same
//! core engine (and so the same loaded voices) as `Engine` objects of its
//! model store. `tts` and `dub` are jobs; speech in memory, voices and
//! loudness are direct calls.

use std::sync::Arc;

use serde_json::json;

use reelkit::audio::{DubJob, DubReport, Loudness};
use reelkit::tts::{Speech, SynthesisSummary, TtsConfig, Voice};

use crate::engine::{report_of, run_spec, shared, spec};
use crate::error::ReelkitError;
use crate::options::{DubOptions, SynthesizeOptions};
use crate::progress::{CancelHandle, ProgressObserver};
use crate::task::run_blocking;

/// The default synthesis settings as pretty JSON (a template for `configJson`).
#[uniffi::export]
pub fn default_tts_config_json() -> String {
    serde_json::to_string_pretty(&TtsConfig::default()).unwrap_or_default()
}

/// The default dubbing settings as pretty JSON (a template for `jobJson`).
#[uniffi::export]
pub fn default_dub_job_json() -> String {
    serde_json::to_string_pretty(&DubJob::default()).unwrap_or_default()
}

/// Speaks text with Piper and espeak-ng voices and dubs clips. Voices load
/// once per model store; one synthesiser can serve many concurrent calls.
#[derive(Debug, uniffi::Object)]
pub struct Synthesizer {
    engine: Arc<reelkit::Engine>,
}

#[uniffi::export]
impl Synthesizer {
    /// The synthesiser of the model store at `models_dir`; `nil` uses
    /// `$REELKIT_MODELS` or `~/.cache/reelkit/models`.
    #[uniffi::constructor(default(models_dir = None))]
    pub fn new(models_dir: Option<String>) -> Arc<Self> {
        Arc::new(Self { engine: shared(models_dir.as_deref()) })
    }

    /// Every voice: Piper voices of the model store and espeak-ng's voices.
    pub fn voices(&self) -> Result<Vec<Voice>, ReelkitError> {
        Ok(self.engine.synthesizer().voices()?)
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
        let config = options.unwrap_or_default().config()?;
        let engine = self.engine.clone();
        run_blocking("synthesize", observer, cancel, move |ctl| Ok(engine.synthesizer().synthesize(&text, &config, ctl)?))
            .await
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
        let config = options.unwrap_or_default().config()?;
        let engine = self.engine.clone();
        run_blocking("synthesize_batch", observer, cancel, move |ctl| {
            let mut out = Vec::with_capacity(texts.len());
            engine.synthesizer().synthesize_batch(&texts, &config, ctl, &mut |_, speech| {
                out.push(speech);
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
        let params = json!({"text": text, "tts": options.unwrap_or_default().tts()?});
        let spec = reelkit::config::object([("kind", json!("tts")), ("output", json!(out)), ("params", params)]);
        let report = run_spec(self.engine.clone(), spec, observer, cancel).await?;
        Ok(report_of!(report, Tts)?.summary)
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
        let params = json!({"narration": narration, "dub": options.unwrap_or_default().dub()?});
        let report = run_spec(self.engine.clone(), spec("dub", &input, Some(&out), params), observer, cancel).await?;
        report_of!(report, Dub)
    }

    /// EBU R128 loudness and true peak of a media file's audio.
    #[uniffi::method(default(observer = None, cancel = None))]
    pub async fn measure_loudness(
        &self,
        path: String,
        observer: Option<Arc<dyn ProgressObserver>>,
        cancel: Option<Arc<CancelHandle>>,
    ) -> Result<Loudness, ReelkitError> {
        run_blocking("measure_loudness", observer, cancel, move |ctl| Ok(reelkit::audio::measure_file(path, ctl)?)).await
    }
}
