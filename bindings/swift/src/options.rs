//! The option records of the Swift calls, and how each becomes the `params`
//! of a job: its `*Json` field (the same JSON the CLI and the server take)
//! is the base, the fields that are set are laid over it with the core's
//! one merge (`reelkit::config::merge`), and the core reads the result
//! strictly (`JobSpec::from_value`): a misspelt key is refused with its
//! dotted path, as in every face.

use serde::Serialize;
use serde_json::{json, Value};

use reelkit::config::{merge, object};
use reelkit::subtitle::BrandKit;

use crate::error::ReelkitError;

/// The object in `text` (a `*Json` option), or `{}`; bad JSON is an
/// `InvalidConfig` error naming `field`.
fn base(text: &Option<String>, field: &str) -> Result<Value, ReelkitError> {
    match text {
        Some(text) => Ok(reelkit::config::from_json::<Value>(text, field)?),
        None => Ok(json!({})),
    }
}

/// A brand kit given as a JSON file path or as the kit's JSON text, checked.
pub(crate) fn brand_kit(kit: &str) -> Result<BrandKit, ReelkitError> {
    let kit = if kit.trim_start().starts_with('{') { BrandKit::from_json(kit)? } else { BrandKit::load(kit)? };
    kit.validate()?;
    Ok(kit)
}

fn brand_value(kit: &Option<String>) -> Result<Value, ReelkitError> {
    match kit {
        None => Ok(Value::Null),
        Some(kit) => serde_json::to_value(brand_kit(kit)?).map_err(|e| ReelkitError::internal(e.to_string())),
    }
}

/// Speech recognition settings for `Engine.transcribe`.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct TranscribeOptions {
    /// A model id from the model store (`tiny.en`, `base`), a ggml file, or a
    /// CTranslate2 (faster-whisper) model directory.
    #[uniffi(default = "tiny.en")]
    pub model: String,
    /// Spoken language (ISO 639-1); `nil`: English for `.en` models,
    /// detected for multilingual ones.
    #[uniffi(default = None)]
    pub language: Option<String>,
    /// CPU threads; 0 uses every available core.
    #[uniffi(default = 0)]
    pub threads: u32,
    /// `cpu`, `cuda` or `cuda:N` (CUDA needs a build with the `cuda` feature).
    #[uniffi(default = "cpu")]
    pub device: String,
    /// Text that primes the decoder (names, jargon, spelling).
    #[uniffi(default = None)]
    pub initial_prompt: Option<String>,
    /// Beam size 1...16; `nil` decodes greedily (faster).
    #[uniffi(default = None)]
    pub beam_size: Option<u32>,
    /// Chunks decoded in parallel.
    #[uniffi(default = 1)]
    pub workers: u32,
    /// Send only detected speech to the recogniser.
    #[uniffi(default = true)]
    pub vad: bool,
    /// Source of word times: `hybrid`, `dtw` or `tokens`.
    #[uniffi(default = "hybrid")]
    pub word_timing: String,
}

impl Default for TranscribeOptions {
    fn default() -> Self {
        TranscribeOptions {
            model: "tiny.en".into(),
            language: None,
            threads: 0,
            device: "cpu".into(),
            initial_prompt: None,
            beam_size: None,
            workers: 1,
            vad: true,
            word_timing: "hybrid".into(),
        }
    }
}

impl TranscribeOptions {
    /// The `asr` object of a job's params.
    pub(crate) fn asr(&self) -> Result<Value, ReelkitError> {
        let device: reelkit::Device = self.device.parse().map_err(|e: reelkit::Error| e.under_field("params.asr"))?;
        Ok(object([
            ("model", json!(self.model)),
            ("language", json!(self.language)),
            ("threads", json!(self.threads)),
            ("device", json!(device)),
            ("initial_prompt", json!(self.initial_prompt)),
            ("beam_size", json!(self.beam_size)),
            ("workers", json!(self.workers)),
            ("vad", json!({"enabled": self.vad})),
            ("word_timing", json!(self.word_timing)),
        ]))
    }
}

/// Settings for `Engine.clips`. Every field is optional: `jobJson` (the
/// params of a clips job, the same JSON the CLI and the server take) is
/// read first, then the other fields that are set override it.
#[derive(Debug, Clone, PartialEq, Default, uniffi::Record)]
pub struct ClipsOptions {
    /// How many clips to export (default 3).
    #[uniffi(default = None)]
    pub top: Option<u32>,
    /// Whisper model id or path (default `tiny.en`).
    #[uniffi(default = None)]
    pub model: Option<String>,
    /// Spoken language (ISO 639-1).
    #[uniffi(default = None)]
    pub language: Option<String>,
    /// `source`, `16:9`, `9:16`, `1:1` or `4:5` (default `source`).
    #[uniffi(default = None)]
    pub aspect: Option<String>,
    /// Clip length range in seconds (default 15...60).
    #[uniffi(default = None)]
    pub min_duration: Option<f64>,
    #[uniffi(default = None)]
    pub max_duration: Option<f64>,
    /// Caption preset: `bold` (default), `clean`, `karaoke` or `pop`.
    #[uniffi(default = None)]
    pub style: Option<String>,
    /// Brand kit JSON file: fonts, colours, watermark, intro/outro slates.
    #[uniffi(default = None)]
    pub brand_kit: Option<String>,
    /// The params of a clips job as JSON (see `defaultClipsJobJson()`);
    /// missing keys take their defaults.
    #[uniffi(default = None)]
    pub job_json: Option<String>,
}

impl ClipsOptions {
    pub(crate) fn params(&self) -> Result<Value, ReelkitError> {
        let overrides = object([
            ("top", json!(self.top)),
            ("min_duration", json!(self.min_duration)),
            ("max_duration", json!(self.max_duration)),
            ("aspect", json!(self.aspect)),
            ("style", json!(self.style)),
            ("brand", brand_value(&self.brand_kit)?),
            ("asr", object([("model", json!(self.model)), ("language", json!(self.language))])),
        ]);
        Ok(merge(base(&self.job_json, "job_json")?, overrides))
    }
}

/// Settings for `Engine.retell`. Every field is optional: `jobJson` (the
/// params of a retell job) is read first, then the fields that are set
/// override it.
#[derive(Debug, Clone, PartialEq, Default, Serialize, uniffi::Record)]
pub struct RetellOptions {
    /// The original sound under the narration: `duck` (default) or `mute`.
    #[uniffi(default = None)]
    pub bed: Option<String>,
    /// Narration voice (default `joe`).
    #[uniffi(default = None)]
    pub voice: Option<String>,
    /// Caption preset: `bold`, `clean` (default), `karaoke` or `pop`.
    #[uniffi(default = None)]
    pub preset: Option<String>,
    /// An edited `retell.json` to render again without analysing the film.
    #[uniffi(default = None)]
    pub script: Option<String>,
    /// The params of a retell job as JSON; missing keys take their defaults.
    #[serde(skip)]
    #[uniffi(default = None)]
    pub job_json: Option<String>,
}

impl RetellOptions {
    pub(crate) fn params(&self, minutes: f64) -> Result<Value, ReelkitError> {
        Ok(merge(merge(base(&self.job_json, "job_json")?, fields(self)?), json!({ "minutes": minutes })))
    }
}

/// How `ingest` validates, fetches and stores. Every field is optional.
#[derive(Debug, Clone, PartialEq, Default, uniffi::Record)]
pub struct IngestOptions {
    /// Store accepted media here as `<sha256>.<ext>` (required for URLs).
    #[uniffi(default = None)]
    pub dest: Option<String>,
    /// Largest accepted file in bytes (checked before and during downloads).
    #[uniffi(default = None)]
    pub max_bytes: Option<u64>,
    #[uniffi(default = None)]
    pub max_duration: Option<f64>,
    /// Shortest accepted duration (default 0.01 s).
    #[uniffi(default = None)]
    pub min_duration: Option<f64>,
    /// Containers accepted, sniffed from the bytes (`mp4`, `mov`, `mkv`,
    /// `webm`, `mpegts`...); empty accepts any.
    #[uniffi(default = [])]
    pub allowed_containers: Vec<String>,
    #[uniffi(default = [])]
    pub allowed_video_codecs: Vec<String>,
    #[uniffi(default = [])]
    pub allowed_audio_codecs: Vec<String>,
    #[uniffi(default = None)]
    pub min_width: Option<u32>,
    #[uniffi(default = None)]
    pub min_height: Option<u32>,
    #[uniffi(default = None)]
    pub max_width: Option<u32>,
    #[uniffi(default = None)]
    pub max_height: Option<u32>,
    #[uniffi(default = false)]
    pub require_video: bool,
    #[uniffi(default = false)]
    pub require_audio: bool,
    /// Longest a whole download may take, in seconds (default 3600).
    #[uniffi(default = None)]
    pub timeout: Option<f64>,
    /// Longest to wait for a connection (default 15 s).
    #[uniffi(default = None)]
    pub connect_timeout: Option<f64>,
    /// Longest a transfer may stall (default 30 s).
    #[uniffi(default = None)]
    pub idle_timeout: Option<f64>,
    /// `auto` (default), `always` or `never`.
    #[uniffi(default = None)]
    pub yt_dlp_mode: Option<String>,
    /// The yt-dlp executable (default: on PATH, then the reelkit venv).
    #[uniffi(default = None)]
    pub yt_dlp: Option<String>,
    /// yt-dlp format selector (`-f`).
    #[uniffi(default = None)]
    pub format: Option<String>,
}

impl IngestOptions {
    pub(crate) fn params(&self) -> Value {
        let list = |v: &Vec<String>| if v.is_empty() { Value::Null } else { json!(v) };
        object([
            ("dest", json!(self.dest)),
            (
                "policy",
                object([
                    ("max_bytes", json!(self.max_bytes)),
                    ("max_duration", json!(self.max_duration)),
                    ("min_duration", json!(self.min_duration)),
                    ("allowed_containers", list(&self.allowed_containers)),
                    ("allowed_video_codecs", list(&self.allowed_video_codecs)),
                    ("allowed_audio_codecs", list(&self.allowed_audio_codecs)),
                    ("min_width", json!(self.min_width)),
                    ("min_height", json!(self.min_height)),
                    ("max_width", json!(self.max_width)),
                    ("max_height", json!(self.max_height)),
                    ("require_video", json!(self.require_video)),
                    ("require_audio", json!(self.require_audio)),
                ]),
            ),
            (
                "fetch",
                object([
                    ("timeout", json!(self.timeout)),
                    ("connect_timeout", json!(self.connect_timeout)),
                    ("idle_timeout", json!(self.idle_timeout)),
                    ("yt_dlp_mode", json!(self.yt_dlp_mode)),
                    ("yt_dlp", json!(self.yt_dlp)),
                    ("format", json!(self.format)),
                ]),
            ),
        ])
    }
}

/// An HLS ladder written into `dir`.
#[derive(Debug, Clone, PartialEq, Serialize, uniffi::Record)]
pub struct HlsOptions {
    pub dir: String,
    /// Rungs by the short side of the picture (default 1080, 720, 480).
    #[uniffi(default = None)]
    pub ladder: Option<Vec<u32>>,
    /// Segment length in seconds (default 4).
    #[uniffi(default = None)]
    pub segment_seconds: Option<f64>,
    /// `fmp4` (default) or `ts`.
    #[uniffi(default = None)]
    pub segment_format: Option<String>,
    /// x264 preset (default `veryfast`).
    #[uniffi(default = None)]
    pub preset: Option<String>,
    /// x264 constant rate factor (default 23).
    #[uniffi(default = None)]
    pub crf: Option<u8>,
    /// AAC bits per second (default 128000).
    #[uniffi(default = None)]
    pub audio_bitrate: Option<u32>,
}

/// A proxy/mezzanine MP4 for editing.
#[derive(Debug, Clone, PartialEq, Serialize, uniffi::Record)]
pub struct ProxyOptions {
    pub path: String,
    /// Short side in pixels (default 720; never above the source).
    #[uniffi(default = None)]
    pub height: Option<u32>,
    /// Seconds between keyframes (default 1; 0 = every frame).
    #[uniffi(default = None)]
    pub keyframe_interval: Option<f64>,
    #[uniffi(default = None)]
    pub preset: Option<String>,
    /// x264 constant rate factor (default 20).
    #[uniffi(default = None)]
    pub crf: Option<u8>,
}

/// JPEG thumbnails at evenly spaced times.
#[derive(Debug, Clone, PartialEq, Serialize, uniffi::Record)]
pub struct ThumbnailOptions {
    pub dir: String,
    /// How many (default 10).
    #[uniffi(default = None)]
    pub count: Option<u32>,
    /// Width in pixels (default 320).
    #[uniffi(default = None)]
    pub width: Option<u32>,
}

/// Sprite sheets and a WebVTT thumbnail track (`thumbnails.vtt`).
#[derive(Debug, Clone, PartialEq, Serialize, uniffi::Record)]
pub struct SpriteOptions {
    pub dir: String,
    /// Seconds between tiles (default 2).
    #[uniffi(default = None)]
    pub interval: Option<f64>,
    /// Tile width in pixels (default 160).
    #[uniffi(default = None)]
    pub tile_width: Option<u32>,
    /// Tiles per row and rows per sheet (default 10 x 10).
    #[uniffi(default = None)]
    pub columns: Option<u32>,
    #[uniffi(default = None)]
    pub rows: Option<u32>,
}

/// Waveform peaks as audiowaveform JSON.
#[derive(Debug, Clone, PartialEq, Serialize, uniffi::Record)]
pub struct WaveformOptions {
    pub path: String,
    /// Min/max pairs per second (default 100).
    #[uniffi(default = None)]
    pub peaks_per_second: Option<u32>,
    /// 8 (default) or 16.
    #[uniffi(default = None)]
    pub bits: Option<u8>,
}

/// What `transcode` makes: at least one output. `jobJson` (the params of a
/// transcode job as JSON, as the CLI and the server take them) is read
/// first; the sections and fields set here are laid over it. The field
/// names are the job's keys, so the record serialises straight into them.
#[derive(Debug, Clone, PartialEq, Default, Serialize, uniffi::Record)]
pub struct TranscodeOptions {
    #[uniffi(default = None)]
    pub hls: Option<HlsOptions>,
    #[uniffi(default = None)]
    pub proxy: Option<ProxyOptions>,
    #[uniffi(default = None)]
    pub thumbnails: Option<ThumbnailOptions>,
    #[uniffi(default = None)]
    pub sprite: Option<SpriteOptions>,
    #[uniffi(default = None)]
    pub waveform: Option<WaveformOptions>,
    /// CPU threads to spread the encoders over (`nil`: every core).
    #[uniffi(default = None)]
    pub threads: Option<u32>,
    #[serde(skip)]
    #[uniffi(default = None)]
    pub job_json: Option<String>,
}

impl TranscodeOptions {
    pub(crate) fn params(&self) -> Result<Value, ReelkitError> {
        Ok(merge(base(&self.job_json, "job_json")?, fields(self)?))
    }
}

/// A record whose field names are the job's keys, as JSON (unset fields
/// are `null`, which [`merge`] leaves out).
fn fields<T: Serialize>(record: &T) -> Result<Value, ReelkitError> {
    serde_json::to_value(record).map_err(|e| ReelkitError::internal(e.to_string()))
}

/// How to burn subtitles.
#[derive(Debug, Clone, PartialEq, Default, Serialize, uniffi::Record)]
pub struct BurnSubtitlesOptions {
    /// x264 CRF 0...51 (default 20).
    #[uniffi(default = None)]
    pub crf: Option<u8>,
    /// x264 preset (default `veryfast`).
    #[uniffi(default = None)]
    pub preset: Option<String>,
    /// Use only the fonts in this folder (plus fonts embedded in the script).
    #[uniffi(default = None)]
    pub fonts_dir: Option<String>,
    /// A brand kit: a JSON file path, or the kit itself as JSON text.
    #[serde(skip)]
    #[uniffi(default = None)]
    pub brand_kit: Option<String>,
}

impl BurnSubtitlesOptions {
    /// The `options` object of a burn job's params.
    pub(crate) fn options(&self) -> Result<Value, ReelkitError> {
        Ok(merge(object([("brand", brand_value(&self.brand_kit)?)]), fields(self)?))
    }
}

/// How to speak. `configJson` (a TTS config as JSON, see
/// `defaultTtsConfigJson()`) is read first; the fields set here override it.
#[derive(Debug, Clone, PartialEq, Default, Serialize, uniffi::Record)]
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
    #[serde(skip)]
    #[uniffi(default = None)]
    pub config_json: Option<String>,
}

impl SynthesizeOptions {
    /// The `tts` object of a job's params.
    pub(crate) fn tts(&self) -> Result<Value, ReelkitError> {
        Ok(merge(base(&self.config_json, "config_json")?, fields(self)?))
    }

    /// The config itself, for the calls that are not jobs (errors name `tts.<key>`).
    pub(crate) fn config(&self) -> Result<reelkit::tts::TtsConfig, ReelkitError> {
        let config: reelkit::tts::TtsConfig = reelkit::config::from_value(self.tts()?, "tts")?;
        config.validate().map_err(|e| e.under_field("tts"))?;
        Ok(config)
    }
}

/// How to dub. `jobJson` (a dub config as JSON, see `defaultDubJobJson()`)
/// is read first; the fields set here override it.
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

impl DubOptions {
    /// The `dub` object of a dub job's params.
    pub(crate) fn dub(&self) -> Result<Value, ReelkitError> {
        let overrides = object([
            ("tts", object([("voice", json!(self.voice))])),
            ("loudness", object([("lufs", json!(self.lufs)), ("true_peak", json!(self.true_peak))])),
        ]);
        Ok(merge(base(&self.job_json, "job_json")?, overrides))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_fields_override_the_json() {
        let options = ClipsOptions {
            top: Some(1),
            aspect: Some("9:16".into()),
            job_json: Some(r#"{"clips": {"top": 5, "max_duration": 30}, "crf": 23}"#.into()),
            ..ClipsOptions::default()
        };
        assert_eq!(
            options.params().unwrap(),
            json!({"clips": {"top": 5, "max_duration": 30}, "crf": 23, "top": 1, "aspect": "9:16", "asr": {}})
        );
        let transcode = TranscodeOptions {
            job_json: Some(r#"{"proxy": {"path": "p.mp4", "height": 360}, "threads": 2}"#.into()),
            proxy: Some(ProxyOptions { path: "q.mp4".into(), height: None, keyframe_interval: None, preset: None, crf: Some(30) }),
            ..TranscodeOptions::default()
        };
        assert_eq!(transcode.params().unwrap(), json!({"proxy": {"path": "q.mp4", "height": 360, "crf": 30}, "threads": 2}));
        let hls = TranscodeOptions {
            hls: Some(HlsOptions { dir: "h".into(), ladder: None, segment_seconds: None, segment_format: None, preset: None, crf: None, audio_bitrate: Some(96_000) }),
            ..TranscodeOptions::default()
        };
        assert_eq!(hls.params().unwrap(), json!({"hls": {"dir": "h", "audio_bitrate": 96_000}}));
        let dub = DubOptions { lufs: Some(-16.0), job_json: Some(r#"{"duck": {"depth_db": -6}}"#.into()), ..DubOptions::default() };
        assert_eq!(dub.dub().unwrap(), json!({"duck": {"depth_db": -6}, "tts": {}, "loudness": {"lufs": -16.0}}));
    }

    #[test]
    fn bad_json_and_devices_name_their_field() {
        let e = ClipsOptions { job_json: Some("{".into()), ..ClipsOptions::default() }.params().unwrap_err();
        assert_eq!((e.code().as_str(), e.field().as_deref()), ("invalid_config", Some("job_json")));
        let e = TranscribeOptions { device: "tpu".into(), ..TranscribeOptions::default() }.asr().unwrap_err();
        assert_eq!(e.field().as_deref(), Some("params.asr.device"));
        let e = SynthesizeOptions { config_json: Some(r#"{"voise": "joe"}"#.into()), ..Default::default() }.config().unwrap_err();
        assert_eq!((e.code().as_str(), e.field().as_deref()), ("invalid_config", Some("tts.voise")));
    }
}
