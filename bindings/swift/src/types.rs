//! Records that cross the boundary: mirrors of the core's result types, and
//! the option records of the engine's calls.
//!
//! Sizes and counts are `u64`/`u32` (Swift `UInt64`/`UInt32`); times are
//! seconds as `f64` (`Double`).

use reelkit::media;

/// What kind of elementary stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum StreamKind {
    Video,
    Audio,
    Subtitle,
    Data,
    Attachment,
    Unknown,
}

impl From<media::StreamKind> for StreamKind {
    fn from(kind: media::StreamKind) -> Self {
        match kind {
            media::StreamKind::Video => StreamKind::Video,
            media::StreamKind::Audio => StreamKind::Audio,
            media::StreamKind::Subtitle => StreamKind::Subtitle,
            media::StreamKind::Data => StreamKind::Data,
            media::StreamKind::Attachment => StreamKind::Attachment,
            media::StreamKind::Unknown => StreamKind::Unknown,
        }
    }
}

/// One stream of the container.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct StreamInfo {
    pub index: u32,
    pub kind: StreamKind,
    /// Codec short name (`h264`, `aac`, `subrip`...).
    pub codec: String,
    /// Stream duration in seconds, when the container states it.
    pub duration: Option<f64>,
    /// ISO 639 language tag from the stream metadata.
    pub language: Option<String>,
}

/// The primary video stream.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct VideoInfo {
    pub stream_index: u32,
    pub codec: String,
    /// Coded width and height, before rotation.
    pub width: u32,
    pub height: u32,
    /// Width and height as displayed, after rotation.
    pub display_width: u32,
    pub display_height: u32,
    /// Average frame rate in frames per second (0 when unknown).
    pub fps: f64,
    /// Clockwise rotation to apply for display: 0, 90, 180 or 270.
    pub rotation: i32,
    pub pixel_format: String,
    /// Frame count when the container states it.
    pub frames: Option<u64>,
}

/// The primary audio stream.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct AudioInfo {
    pub stream_index: u32,
    pub codec: String,
    pub sample_rate: u32,
    pub channels: u32,
    pub sample_format: String,
}

/// Everything `probe` learns about a file.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct MediaInfo {
    pub path: String,
    /// Container short name(s), e.g. `mov,mp4,m4a,3gp,3g2,mj2`.
    pub container: String,
    /// Human-readable container name.
    pub container_long: String,
    /// Duration in seconds (0 when unknown).
    pub duration: f64,
    /// Overall bit rate in bits per second (0 when unknown).
    pub bit_rate: u64,
    pub size_bytes: u64,
    pub streams: Vec<StreamInfo>,
    pub video: Option<VideoInfo>,
    pub audio: Option<AudioInfo>,
}

impl From<media::MediaInfo> for MediaInfo {
    fn from(m: media::MediaInfo) -> Self {
        MediaInfo {
            path: m.path,
            container: m.container,
            container_long: m.container_long,
            duration: m.duration,
            bit_rate: m.bit_rate,
            size_bytes: m.size_bytes,
            streams: m
                .streams
                .into_iter()
                .map(|s| StreamInfo {
                    index: s.index as u32,
                    kind: s.kind.into(),
                    codec: s.codec,
                    duration: s.duration,
                    language: s.language,
                })
                .collect(),
            video: m.video.map(|v| VideoInfo {
                stream_index: v.stream_index as u32,
                codec: v.codec,
                width: v.width,
                height: v.height,
                display_width: v.display_width,
                display_height: v.display_height,
                fps: v.fps,
                rotation: v.rotation,
                pixel_format: v.pixel_format,
                frames: v.frames,
            }),
            audio: m.audio.map(|a| AudioInfo {
                stream_index: a.stream_index as u32,
                codec: a.codec,
                sample_rate: a.sample_rate,
                channels: a.channels,
                sample_format: a.sample_format,
            }),
        }
    }
}

/// One recognised word with its time span and confidence.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct Word {
    /// The word as written, with attached punctuation (`"Hello,"`).
    pub word: String,
    pub start: f64,
    pub end: f64,
    /// Recogniser confidence in `0...1`.
    pub probability: f32,
    /// The times were estimated (re-timed after an edit), not measured.
    pub estimated: bool,
}

/// A run of speech as the recogniser segmented it.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct Segment {
    pub start: f64,
    pub end: f64,
    pub text: String,
    pub words: Vec<Word>,
}

/// A whole transcript.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct Transcript {
    /// ISO 639-1 language code, e.g. `en`.
    pub language: String,
    /// Duration of the transcribed audio in seconds.
    pub duration: f64,
    /// The full text, segments joined by spaces.
    pub text: String,
    pub segments: Vec<Segment>,
}

impl From<reelkit::Transcript> for Transcript {
    fn from(t: reelkit::Transcript) -> Self {
        let text = t.text();
        Transcript {
            language: t.language,
            duration: t.duration,
            text,
            segments: t
                .segments
                .into_iter()
                .map(|s| Segment {
                    start: s.start,
                    end: s.end,
                    text: s.text,
                    words: s
                        .words
                        .into_iter()
                        .map(|w| Word {
                            word: w.word,
                            start: w.start,
                            end: w.end,
                            probability: w.probability,
                            estimated: w.estimated,
                        })
                        .collect(),
                })
                .collect(),
        }
    }
}

/// Why a clip was picked: each signal normalised to `0...1`, plus raw values.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct SignalScores {
    pub energy: f64,
    pub scene_changes: f64,
    pub speech_density: f64,
    /// Mean loudness of the clip minus the file's mean, in dB.
    pub energy_db: f64,
    /// Scene cuts inside the clip.
    pub cuts: u32,
    pub words_per_second: f64,
}

/// One exported clip, as listed in `clips.json`.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct ClipReport {
    /// 1-based rank.
    pub index: u32,
    /// File names inside the output directory.
    pub video: String,
    pub srt: String,
    pub vtt: String,
    /// The styled captions as an ASS script.
    pub ass: String,
    pub start: f64,
    pub end: f64,
    pub duration: f64,
    pub score: f64,
    pub signals: SignalScores,
    pub text: String,
    pub reason: String,
}

/// What a clips run produced (the content of `clips.json`).
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct ClipsReport {
    pub input: String,
    pub duration: f64,
    pub language: String,
    pub model: String,
    /// `source`, `16:9`, `9:16`, `1:1` or `4:5`.
    pub aspect: String,
    pub width: u32,
    pub height: u32,
    pub clips: Vec<ClipReport>,
    /// The same report as the JSON written to `clips.json`.
    pub json: String,
}

impl From<reelkit::ClipsReport> for ClipsReport {
    fn from(r: reelkit::ClipsReport) -> Self {
        let json = serde_json::to_string(&r).unwrap_or_default();
        ClipsReport {
            input: r.input,
            duration: r.duration,
            language: r.language,
            model: r.model,
            aspect: r.aspect.as_str().to_owned(),
            width: r.width,
            height: r.height,
            clips: r
                .clips
                .into_iter()
                .map(|c| ClipReport {
                    index: c.index as u32,
                    video: c.video,
                    srt: c.srt,
                    ass: c.ass,
                    vtt: c.vtt,
                    start: c.start,
                    end: c.end,
                    duration: c.duration,
                    score: c.score,
                    signals: SignalScores {
                        energy: c.signals.energy,
                        scene_changes: c.signals.scene_changes,
                        speech_density: c.signals.speech_density,
                        energy_db: c.signals.energy_db,
                        cuts: c.signals.cuts as u32,
                        words_per_second: c.signals.words_per_second,
                    },
                    text: c.text,
                    reason: c.reason,
                })
                .collect(),
            json,
        }
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

/// One cue read from an SRT or WebVTT file.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct SubtitleCue {
    pub id: Option<String>,
    pub start: f64,
    pub end: f64,
    pub lines: Vec<String>,
    /// WebVTT cue settings, when present.
    pub settings: Option<String>,
}

impl From<reelkit::subtitle::SubtitleCue> for SubtitleCue {
    fn from(c: reelkit::subtitle::SubtitleCue) -> Self {
        SubtitleCue { id: c.id, start: c.start, end: c.end, lines: c.lines, settings: c.settings }
    }
}

impl From<Transcript> for reelkit::Transcript {
    fn from(t: Transcript) -> Self {
        reelkit::Transcript {
            language: t.language,
            duration: t.duration,
            segments: t
                .segments
                .into_iter()
                .map(|s| reelkit::asr::Segment {
                    start: s.start,
                    end: s.end,
                    text: s.text,
                    words: s
                        .words
                        .into_iter()
                        .map(|w| reelkit::asr::Word {
                            word: w.word,
                            start: w.start,
                            end: w.end,
                            probability: w.probability,
                            estimated: w.estimated,
                        })
                        .collect(),
                })
                .collect(),
        }
    }
}

/// Settings for `Engine.clips`. Every field is optional: `jobJson` (a full
/// clips job as JSON, the same document the CLI and the server accept) is
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
    /// A complete clips job as JSON (see `defaultClipsJobJson()`); missing
    /// keys take their defaults.
    #[uniffi(default = None)]
    pub job_json: Option<String>,
}
