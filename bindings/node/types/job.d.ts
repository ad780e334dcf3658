/* Generated from core/schema/job.schema.json by scripts/gen-types.mjs: do not edit. */
/* Job specs and reports as JSON has them (snake_case keys), for `run`. */

/**
 * One reelkit job: which stage (`kind`), what it reads (`input`), where it writes (`output`) and how (`params`, every key optional).
 */
export type JobSpec =
  | ProbeJobSpec
  | IngestJobSpec
  | TranscodeJobSpec
  | TranscribeJobSpec
  | AlignJobSpec
  | ScenesJobSpec
  | ClipsJobSpec
  | ReframeJobSpec
  | BurnJobSpec
  | TtsJobSpec
  | DubJobSpec
  | RetellJobSpec;
/**
 * When yt-dlp is used for a URL.
 */
export type YtDlpMode = "auto" | "always" | "never";
/**
 * HLS segment container.
 */
export type SegmentFormat = "fmp4" | "ts";
/**
 * Where inference runs.
 */
export type Device =
  | "cpu"
  | {
      cuda: number;
    };
/**
 * The source of word timestamps. Measured on the timing test set (mean
 * absolute word-start error, tiny.en, with snapping): tokens 202 ms, DTW
 * 102 ms, hybrid 69 ms.
 */
export type WordTiming = "tokens" | "dtw" | "hybrid";
/**
 * The file formats a transcript can be written as.
 */
export type TranscriptFormat = ("srt" | "vtt") | "json" | "ass";
/**
 * Which boundary detector drives the scene list.
 */
export type Detector = "content" | "adaptive" | "fade";
/**
 * The frame shape of exported clips.
 */
export type Aspect = ("16:9" | "9:16" | "1:1" | "4:5") | "source";
/**
 * Where captions sit.
 */
export type CaptionPosition = "bottom" | "middle" | "top";
/**
 * The built-in caption looks.
 */
export type PresetName = "bold" | "clean" | "karaoke" | "pop";
/**
 * Where the watermark goes.
 */
export type Corner = "top_left" | "top_right" | "bottom_left" | "bottom_right" | "center";
/**
 * Which layout the output uses.
 */
export type LayoutMode = "auto" | "follow" | "split" | "blur_fill" | "center";
/**
 * An exchange format.
 */
export type TimelineFormat = "otio" | "fcpxml" | "edl" | "mlt";
/**
 * How a text's markup is read.
 */
export type Markup = "auto" | "plain" | "ssml";
/**
 * What happens to the original sound under the narration.
 */
export type BedMode = "duck" | "mute";
/**
 * How the narration script is written.
 */
export type NarrationMode = "extractive" | "llm";
/**
 * What starts a scene.
 */
export type Boundary = "start" | "cut" | "fade" | "dissolve";
/**
 * The layout of a span of the output.
 */
export type Layout = "follow" | "split" | "blur_fill" | "center";
/**
 * One thing a clip's opening does to hook a viewer.
 */
export type HookCue = "question" | "number" | "strong_claim" | "second_person" | "contrast";
/**
 * How a cue ended up in its slot.
 */
export type FitStatus = "fits" | "sped_up" | "stretched" | "overrun" | "unfit" | "empty";
/**
 * What kind of elementary stream.
 */
export type StreamKind = "video" | "audio" | "subtitle" | "data" | "attachment" | "unknown";
/**
 * How a source was fetched.
 */
export type Method = "file" | "http" | "yt-dlp";
/**
 * The result of [`Engine::run`](crate::Engine::run): JSON
 * `{"kind": "clips", ...the kind's report...}`.
 */
export type JobReport =
  | (MediaInfo & {
      kind: "probe";
    })
  | (IngestReport & {
      kind: "ingest";
    })
  | (TranscodeReport & {
      kind: "transcode";
    })
  | (TranscriptReport & {
      kind: "transcribe";
    })
  | (TranscriptReport & {
      kind: "align";
    })
  | (ScenesReport & {
      kind: "scenes";
    })
  | (ClipsReport & {
      kind: "clips";
    })
  | (ReframeReport & {
      kind: "reframe";
    })
  | (BurnReport & {
      kind: "burn";
    })
  | (TtsReport & {
      kind: "tts";
    })
  | (DubReport & {
      kind: "dub";
    })
  | (RetellReport & {
      kind: "retell";
    });

export interface ProbeJobSpec {
  /**
   * media file
   */
  input: string;
  kind: "probe";
  /**
   * optional JSON file for the media info
   */
  output?: string;
  params?: ProbeParams;
}
/**
 * `probe` takes no params.
 */
export interface ProbeParams {}
export interface IngestJobSpec {
  /**
   * media file or http(s) URL
   */
  input: string;
  kind: "ingest";
  /**
   * optional store directory (the params' `dest`)
   */
  output?: string;
  params?: IngestConfig;
}
/**
 * Everything `reelkit ingest` can be told.
 */
export interface IngestConfig {
  /**
   * Content-addressed store: accepted media goes to `<sha256>.<ext>` in
   * this directory. `None` validates local files where they are; URLs
   * then have nowhere to go and are refused.
   */
  dest?: string | null;
  fetch?: FetchConfig;
  policy?: ValidationPolicy;
}
/**
 * How URLs are fetched.
 */
export interface FetchConfig {
  /**
   * Longest to wait for a connection, in seconds (default 15).
   */
  connect_timeout?: number;
  /**
   * yt-dlp format selector (`-f`), e.g. `bv*[height<=1080]+ba/b`;
   * `None` keeps yt-dlp's default (best video + best audio).
   */
  format?: string | null;
  /**
   * Longest a transfer may stall (no response, no bytes), in seconds
   * (default 30).
   */
  idle_timeout?: number;
  /**
   * Longest a whole download may take, in seconds (default 3600).
   */
  timeout?: number;
  /**
   * User-Agent of direct downloads.
   */
  user_agent?: string;
  /**
   * The yt-dlp executable; `None` looks on `PATH`, then in
   * `$REELKIT_VENV/bin` and `~/.cache/reelkit/venv/bin`.
   */
  yt_dlp?: string | null;
  yt_dlp_mode?: YtDlpMode & string;
}
/**
 * Limits checked on every ingested file. Unset limits and empty allow-lists
 * accept anything; a broken rule fails with [`Error::PolicyViolation`]
 * naming the field.
 */
export interface ValidationPolicy {
  /**
   * Audio codecs accepted (`aac`, `opus`, `mp3`, `flac`, `pcm_s16le`...).
   * Empty accepts any.
   */
  allowed_audio_codecs?: string[];
  /**
   * Containers accepted, as sniffed from the bytes (`mp4`, `mov`, `mkv`,
   * `webm`, `mpegts`, `mp3`, `wav`...; see [`super::sniff_container`]).
   * Empty accepts any.
   */
  allowed_containers?: string[];
  /**
   * Video codecs accepted (FFmpeg names: `h264`, `hevc`, `vp9`, `av1`...).
   * Empty accepts any.
   */
  allowed_video_codecs?: string[];
  /**
   * Largest accepted file in bytes (checked before and during downloads).
   */
  max_bytes?: number | null;
  /**
   * Longest accepted duration in seconds.
   */
  max_duration?: number | null;
  max_height?: number | null;
  /**
   * Largest accepted displayed width and height (decompression bombs).
   */
  max_width?: number | null;
  /**
   * Shortest accepted duration in seconds (default 0.01: media with no
   * duration at all is rejected).
   */
  min_duration?: number | null;
  min_height?: number | null;
  /**
   * Smallest accepted displayed width and height of the video, in pixels.
   */
  min_width?: number | null;
  /**
   * Reject files without an audio stream.
   */
  require_audio?: boolean;
  /**
   * Reject files without a video stream.
   */
  require_video?: boolean;
}
export interface TranscodeJobSpec {
  /**
   * media file
   */
  input: string;
  kind: "transcode";
  /**
   * optional directory the outputs' relative paths live in (HLS there when no output is set)
   */
  output?: string;
  params?: TranscodeJob;
}
/**
 * Everything `reelkit transcode` can be told. Every output is optional but
 * at least one is required; all of them are made from one decode of the
 * input.
 */
export interface TranscodeJob {
  hls?: HlsConfig | null;
  proxy?: ProxyConfig | null;
  sprite?: SpriteConfig | null;
  /**
   * CPU threads to spread the encoders over; 0 uses every core.
   */
  threads?: number;
  thumbnails?: ThumbnailConfig | null;
  waveform?: WaveformConfig | null;
}
/**
 * An HLS ladder: a master playlist, one H.264 media playlist per rung and
 * one shared AAC audio rendition, written into `dir`.
 */
export interface HlsConfig {
  /**
   * Bits per second of the AAC rendition (default 128 000).
   */
  audio_bitrate?: number;
  /**
   * x264 constant rate factor, 0..=51 (default 23).
   */
  crf?: number;
  dir?: string;
  /**
   * Rungs by the short side of the picture (`1080` is 1920x1080
   * landscape or 1080x1920 portrait). Rungs above the source are
   * skipped; when every rung is, one rung at the source size is made.
   */
  ladder?: number[];
  /**
   * x264 preset (default `veryfast`).
   */
  preset?: string;
  segment_format?: SegmentFormat & string;
  /**
   * Target segment length in seconds (default 4). Every rung starts a
   * closed GOP at the same instants, so segments align across rungs.
   */
  segment_seconds?: number;
}
/**
 * A mezzanine/proxy MP4 for editing: H.264 with short closed GOPs (fast,
 * exact seeking), AAC, `moov` first (faststart).
 */
export interface ProxyConfig {
  /**
   * x264 constant rate factor (default 20: a mezzanine keeps detail).
   */
  crf?: number;
  /**
   * Short side in pixels (default 720; never above the source).
   */
  height?: number;
  /**
   * Seconds between keyframes (default 1; 0 makes every frame a
   * keyframe, for frame-exact scrubbing at a larger size).
   */
  keyframe_interval?: number;
  path?: string;
  preset?: string;
}
/**
 * Sprite sheets for scrubbing: a tile every `interval` seconds, packed
 * `columns` x `rows` per JPEG sheet (`sprite-001.jpg`...), and a WebVTT
 * track (`thumbnails.vtt`) whose cues point at `sheet#xywh=x,y,w,h`.
 */
export interface SpriteConfig {
  columns?: number;
  dir?: string;
  /**
   * Seconds between tiles (default 2).
   */
  interval?: number;
  /**
   * JPEG quality 1..=100 (default 75).
   */
  quality?: number;
  rows?: number;
  /**
   * Tile width in pixels (default 160; height follows the picture).
   */
  tile_width?: number;
}
/**
 * JPEG stills at `count` evenly spaced times (`thumb-0001.jpg`...).
 */
export interface ThumbnailConfig {
  /**
   * How many (default 10), at the middles of `count` equal spans.
   */
  count?: number;
  dir?: string;
  /**
   * JPEG quality 1..=100 (default 85).
   */
  quality?: number;
  /**
   * Width in pixels (default 320; height follows the picture).
   */
  width?: number;
}
/**
 * Audio peaks for timeline editors, as audiowaveform-compatible JSON
 * (`{"version": 2, "channels": 1, "sample_rate", "samples_per_pixel",
 * "bits", "length", "data": [min, max, ...]}`), at a fixed number of
 * peak pairs per second.
 */
export interface WaveformConfig {
  /**
   * 8 (values -128..=127, default) or 16 (-32768..=32767).
   */
  bits?: number;
  path?: string;
  /**
   * Min/max pairs per second of audio (default 100).
   */
  peaks_per_second?: number;
}
export interface TranscribeJobSpec {
  /**
   * media file
   */
  input: string;
  kind: "transcribe";
  /**
   * optional transcript file: .json, .srt, .vtt or .ass
   */
  output?: string;
  params?: TranscribeParams;
}
/**
 * `transcribe`: recogniser settings and, for subtitle output, the cue layout.
 */
export interface TranscribeParams {
  asr?: AsrConfig;
  /**
   * How words are grouped into subtitle cues (default 42 characters, 2 lines).
   */
  cues?: CueConfig;
  /**
   * Output format; default: from the output's extension, else JSON.
   */
  format?: TranscriptFormat | null;
}
/**
 * Speech recognition settings.
 */
export interface AsrConfig {
  /**
   * Beam size; `None` decodes greedily (faster).
   */
  beam_size?: number | null;
  device?: Device & string;
  /**
   * Shrink Whisper's encoder window to the chunk length: faster on short
   * chunks, but word times get much worse (measured: 58 → 141 ms mean
   * start error), so it is off by default.
   */
  fast_encoder?: boolean;
  /**
   * Text that primes the decoder (names, jargon, spelling).
   */
  initial_prompt?: string | null;
  /**
   * Spoken language (ISO 639-1). `None`: English for `.en` models,
   * detected for multilingual ones.
   */
  language?: string | null;
  /**
   * Languages detection may choose from (ISO 639-1, e.g. `["en", "es"]`);
   * empty: any language the model knows. Only used when `language` is
   * not given.
   */
  languages?: string[];
  /**
   * A model id from the model store (`tiny.en`, `base`), a ggml file, or a
   * CTranslate2 (faster-whisper) model directory.
   */
  model?: string;
  /**
   * Move word edges onto the audio's energy edges nearby.
   */
  snap_to_audio?: boolean;
  /**
   * Temperature step of Whisper's fallback when a decode looks wrong
   * (compression ratio or log-probability too poor); 0 disables it.
   */
  temperature_increment?: number;
  /**
   * CPU threads; 0 uses every available core.
   */
  threads?: number;
  /**
   * Voice activity detection and chunking.
   */
  vad?: VadConfig;
  /**
   * Where word times come from.
   */
  word_timing?: WordTiming & string;
  /**
   * Chunks decoded at once, each with `threads / workers` threads
   * (0 = 1 worker).
   */
  workers?: number;
}
/**
 * VAD settings.
 */
export interface VadConfig {
  /**
   * Use the VAD at all; off sends the audio in plain 30 s windows.
   */
  enabled?: boolean;
  /**
   * Longest chunk handed to Whisper (default 28 s; Whisper's window is 30 s).
   */
  max_chunk?: number;
  /**
   * ...and above this absolute level in dBFS (default -50).
   */
  min_level_db?: number;
  /**
   * Silences shorter than this do not split speech (default 0.6 s).
   */
  min_silence?: number;
  /**
   * Voiced runs shorter than this are ignored (default 0.12 s).
   */
  min_speech?: number;
  /**
   * Audio kept around each speech region (default 0.25 s).
   */
  pad?: number;
  /**
   * A frame is voiced when this many dB above the tracked noise floor (default 9).
   */
  threshold_db?: number;
}
/**
 * Limits that make cues readable.
 */
export interface CueConfig {
  /**
   * Characters per line (default 32; 20–24 suits 9:16).
   */
  max_chars_per_line?: number;
  /**
   * Longest time a cue stays (default 6 s).
   */
  max_duration?: number;
  /**
   * Lines per cue (default 2).
   */
  max_lines?: number;
  /**
   * A pause longer than this starts a new cue (default 0.9 s).
   */
  max_pause?: number;
  /**
   * Shortest time a cue stays, stretched into following silence (default 0.8 s).
   */
  min_duration?: number;
}
export interface AlignJobSpec {
  /**
   * media file
   */
  input: string;
  kind: "align";
  /**
   * optional transcript file: .json, .srt, .vtt or .ass
   */
  output?: string;
  params?: AlignParams;
}
/**
 * `align`: the corrected text (plain text, or SRT/WebVTT whose cue text is
 * taken) and, optionally, the transcript it corrects (else the input is
 * transcribed first with `asr`).
 */
export interface AlignParams {
  asr?: AsrConfig;
  cues?: CueConfig;
  format?: TranscriptFormat | null;
  /**
   * Text encoding of the edited text when it has no byte-order mark: a WHATWG
   * label (`latin1`, `windows-1251`, `shift_jis`, `utf-16le`…). Default:
   * detected (UTF-16 by its zero bytes, UTF-8 when valid, else windows-1252).
   */
  subtitle_encoding?: string | null;
  /**
   * The edited text: `.txt`, or `.srt`/`.vtt` (their cue text).
   */
  text?: string;
  /**
   * A reelkit transcript JSON of the input (default: transcribe it now).
   */
  transcript?: string | null;
}
export interface ScenesJobSpec {
  /**
   * video file
   */
  input: string;
  kind: "scenes";
  /**
   * optional scene list file: .json, or .csv in PySceneDetect's layout
   */
  output?: string;
  params?: SceneConfig;
}
/**
 * Scene detection settings.
 */
export interface SceneConfig {
  adaptive?: AdaptiveConfig;
  /**
   * Width frames are scaled to before analysis (default 128).
   */
  analysis_width?: number;
  /**
   * The boundary detector (default `content`).
   */
  detector?: Detector & string;
  dissolve?: DissolveConfig;
  fade?: FadeConfig;
  /**
   * Let the decoder skip work that does not change the analysed picture
   * at analysis size: the in-loop deblocking filter and, where the codec
   * supports it, decoding at a reduced resolution (default true).
   */
  fast_decode?: boolean;
  /**
   * Shortest scene in frames (default 15, PySceneDetect's); a scene must
   * be long enough by both measures.
   */
  min_scene_frames?: number;
  /**
   * Shortest scene in seconds (default 0.5).
   */
  min_scene_len?: number;
  /**
   * Decoder threads; 0 lets FFmpeg pick (default 0).
   */
  threads?: number;
  /**
   * Content score (0..255) at or above which the content detector
   * declares a cut (default 27).
   */
  threshold?: number;
}
/**
 * Settings of the adaptive detector.
 */
export interface AdaptiveConfig {
  /**
   * Least content score a cut must also have (default 15).
   */
  min_score?: number;
  /**
   * A frame's score over the mean score of its neighbours at or above
   * which it is a cut (default 3.0).
   */
  ratio?: number;
  /**
   * Neighbours on each side the ratio is taken against (default 2).
   */
  window?: number;
}
/**
 * How dissolves (cross-fades between two pictures) are found: a frame that
 * is the even mix of the frames `h` before and after it, while those two
 * differ in structure, is the middle of a dissolve.
 */
export interface DissolveConfig {
  /**
   * Detect dissolves with the content and adaptive detectors (default true).
   */
  enabled?: boolean;
  /**
   * Longest dissolve in seconds that is looked for (default 2.0).
   */
  max_duration?: number;
  /**
   * Largest distance of the middle frame from the even mix, as a share of
   * the difference between the two pictures (default 0.2).
   */
  max_residual?: number;
  /**
   * Least mean luma difference (0..255) between the two pictures
   * (default 20).
   */
  min_change?: number;
  /**
   * Shortest dissolve in seconds (default 0.25).
   */
  min_duration?: number;
}
/**
 * How fades are found: frames whose mean brightness (0..255) is below
 * `black_level` are black, above `white_level` white.
 */
export interface FadeConfig {
  /**
   * Mean brightness below which a frame is black (default 12).
   */
  black_level?: number;
  /**
   * Add fades to the content and adaptive detectors' cuts (default
   * true): a run of black between two different pictures becomes one
   * boundary. The fade detector always reports every black or white run
   * that picture follows.
   */
  enabled?: boolean;
  /**
   * Mean brightness above which a frame is white (default 243); the fade
   * detector also reports fades through white.
   */
  white_level?: number;
}
export interface ClipsJobSpec {
  /**
   * media file
   */
  input: string;
  kind: "clips";
  /**
   * directory for clip-NN.mp4/.srt/.vtt/.ass, clips.json and transcript.json
   */
  output: string;
  params?: ClipsJob;
}
/**
 * Everything `reelkit clips` can be told. Serialises to the same JSON in
 * every binding and over HTTP.
 */
export interface ClipsJob {
  /**
   * Frame shape of the clips (default: the source's).
   */
  aspect?: Aspect & string;
  asr?: AsrConfig;
  /**
   * Brand kit applied on export: fonts, colours, caption overrides,
   * watermark, intro and outro slates.
   */
  brand?: BrandKit | null;
  /**
   * Burn captions into the video (default true).
   */
  burn_captions?: boolean;
  /**
   * Candidate picking and ranking settings.
   */
  clips?: ClipConfig;
  crf?: number;
  cues?: CueConfig;
  /**
   * Run scene detection when the input has video (default true).
   */
  detect_scenes?: boolean;
  /**
   * Longest clip in seconds (default 60; overrides `clips.max_duration`).
   */
  max_duration?: number | null;
  /**
   * Longest side of exported clips in pixels (default 1920).
   */
  max_long_side?: number;
  /**
   * Shortest clip in seconds (default 15; overrides `clips.min_duration`).
   */
  min_duration?: number | null;
  preset?: string;
  /**
   * Rank by closeness to this text (a topic, a question) instead of the
   * default signals.
   */
  query?: string | null;
  /**
   * How a non-source `aspect` follows faces and speakers (layout,
   * detection rate, pan limits...).
   */
  reframe?: ReframeConfig;
  scenes?: SceneConfig;
  /**
   * Caption preset: `bold`, `clean`, `karaoke` or `pop`. `None` uses the
   * brand kit's preset, else `bold` (big outlined words, the look clips
   * had before presets existed).
   */
  style?: PresetName | null;
  /**
   * Editor timelines of the picks written beside the clips
   * (`timeline.otio`, `timeline.fcpxml`, `timeline.edl`, `timeline.mlt`).
   */
  timeline?: TimelineFormat[];
  /**
   * How many clips to export (default 3; overrides `clips.top`).
   */
  top?: number | null;
}
/**
 * A brand kit.
 */
export interface BrandKit {
  captions?: CaptionOverrides;
  /**
   * Font files (TTF/OTF/TTC) to load, relative to the kit file.
   */
  fonts?: string[];
  intro?: Slate | null;
  name?: string;
  outro?: Slate | null;
  watermark?: Watermark | null;
}
/**
 * Changes a brand kit makes to the caption preset. Colours are CSS hex
 * (`#RRGGBB` or `#RRGGBBAA`).
 */
export interface CaptionOverrides {
  bold?: boolean | null;
  /**
   * Font family (from `fonts` or bundled).
   */
  font?: string | null;
  highlight_color?: string | null;
  /**
   * Distance from the frame edge, as a fraction of the frame height.
   */
  margin?: number | null;
  outline_color?: string | null;
  position?: CaptionPosition | null;
  /**
   * Preset used when the caller does not choose one.
   */
  preset?: PresetName | null;
  shadow_color?: string | null;
  /**
   * Font size as a fraction of the frame height.
   */
  size?: number | null;
  text_color?: string | null;
  uppercase?: boolean | null;
}
/**
 * An intro or outro: a still image or a video, shown for `duration`
 * seconds and dissolving into (or out of) the clip over `crossfade`.
 */
export interface Slate {
  /**
   * Cross-fade with the clip in seconds (default 0.5).
   */
  crossfade?: number;
  /**
   * Seconds on screen (default 2; a video slate is cut to this).
   */
  duration?: number;
  /**
   * PNG/SVG image or any video FFmpeg reads, relative to the kit file.
   */
  media?: string;
}
/**
 * A logo drawn on every frame.
 */
export interface Watermark {
  /**
   * PNG or SVG file, relative to the kit file.
   */
  image?: string;
  /**
   * Safe margin from the frame edges, as a fraction of the shorter side
   * (default 0.04).
   */
  margin?: number;
  /**
   * 0..=1 (default 0.8).
   */
  opacity?: number;
  position?: Corner & string;
  /**
   * Logo width as a fraction of the frame width (default 0.15).
   */
  width?: number;
}
/**
 * Clip picking settings.
 */
export interface ClipConfig {
  /**
   * Preferred silence before the first and after the last word (default 0.15 / 0.35 s).
   */
  lead_in?: number;
  /**
   * Optional re-ranking by an LLM behind an OpenAI-compatible endpoint (off by default).
   */
  llm?: LlmConfig | null;
  max_duration?: number;
  /**
   * Target duration range in seconds (default 15–60). When the speech is
   * too short for the minimum, the longest possible clips are offered.
   */
  min_duration?: number;
  /**
   * Rank by similarity to this text ("the part about pricing"); paraphrases match.
   */
  query?: string | null;
  /**
   * Use sentence embeddings (topics, coherence, answers, query) (default true).
   */
  semantic?: boolean;
  /**
   * Pause (seconds) that ends a sentence without punctuation (default 1.2).
   */
  sentence_pause?: number;
  snap?: SnapConfig;
  tail?: number;
  /**
   * How many clips to return (default 3).
   */
  top?: number;
  weights?: SignalWeights;
}
/**
 * Where and how to ask.
 */
export interface LlmConfig {
  /**
   * Name of an environment variable holding a bearer token, if the endpoint needs one.
   */
  api_key_env?: string | null;
  /**
   * Longest excerpt sent per candidate, in characters (default 1500).
   */
  max_chars?: number;
  model?: string;
  /**
   * Prompt template file (default: the built-in one, [`DEFAULT_PROMPT`]).
   */
  prompt_file?: string | null;
  /**
   * Fail the job when the endpoint cannot be used (default false: keep the offline ranking).
   */
  required?: boolean;
  /**
   * Further tries after a failed request or an answer that breaks the schema (default 2).
   */
  retries?: number;
  /**
   * How many of the offline ranker's best non-overlapping candidates are rated (default 8).
   */
  shortlist?: number;
  /**
   * Seconds per request (default 60).
   */
  timeout?: number;
  /**
   * Base URL of the API, e.g. `http://127.0.0.1:8080/v1` (`/chat/completions` is appended).
   */
  url?: string;
}
/**
 * Where candidate edges may move.
 */
export interface SnapConfig {
  /**
   * Farthest a scene cut may be from the silence point to be taken (default 0.5 s).
   */
  cut_window?: number;
  /**
   * Farthest an edge moves from the first/last word into silence (default 0.4 s).
   */
  max_pad?: number;
  /**
   * How far an edge may reach into a word's time span (default 0.05 s).
   */
  word_slack?: number;
}
/**
 * How much each signal counts. A signal that cannot be measured for an
 * input (no video, no query, no embeddings, no LLM) drops out of the sum.
 */
export interface SignalWeights {
  /**
   * Laughter/applause-like bursts (broadband, no speech).
   */
  bursts?: number;
  /**
   * Mean level above the talk's mean.
   */
  energy?: number;
  /**
   * Hook cues in the opening sentence.
   */
  hook?: number;
  /**
   * The LLM's rating (only with `llm`).
   */
  llm?: number;
  /**
   * Peak EBU R128 short-term loudness above the talk's typical loudness.
   */
  loudness_peaks?: number;
  /**
   * Mean frame-to-frame visual change.
   */
  motion?: number;
  /**
   * Spread of the pace between the clip's sentences.
   */
  pace_change?: number;
  /**
   * A resolved ending: the question answered, a conclusion.
   */
  payoff?: number;
  /**
   * Similarity to `query` (only with a query).
   */
  query?: number;
  /**
   * Scene cuts per minute.
   */
  scene_changes?: number;
  /**
   * Share of the clip that is speech (no dead air).
   */
  speech_coverage?: number;
  /**
   * Words per second.
   */
  speech_density?: number;
  /**
   * One self-contained topic, coherent inside.
   */
  topic?: number;
}
/**
 * Settings of speaker-aware reframing.
 */
export interface ReframeConfig {
  /**
   * Frames per second analysed for mouth motion (default 10, at least
   * `detect_fps`).
   */
  analysis_fps?: number;
  /**
   * Width of the frames decoded for analysis (default 640).
   */
  analysis_width?: number;
  /**
   * Use a change of voice in the audio (spectral features) to find
   * speaker turns (default true); off uses mouth motion and speech
   * activity alone.
   */
  audio_turns?: boolean;
  /**
   * On a change of speaker the crop cuts instead of panning when the new
   * subject is more than this many crop widths away (default 0.5).
   */
  cut_distance?: number;
  /**
   * The crop does not move while the subject stays within this share of
   * the crop's width (or height) of its centre (default 0.12).
   */
  dead_zone?: number;
  /**
   * Face detections per second of video (default 4).
   */
  detect_fps?: number;
  /**
   * Width of the frame the detector sees, in pixels (default 384;
   * rounded up to a multiple of 32).
   */
  detect_width?: number;
  /**
   * `auto` (default), `follow`, `split`, `blur_fill` or `center`.
   */
  layout?: LayoutMode & string;
  /**
   * Most faces tracked at once (default 8).
   */
  max_faces?: number;
  /**
   * Largest change of pan speed, in crop widths per second squared
   * (default 2.5): pans ease in and out.
   */
  max_pan_accel?: number;
  /**
   * Fastest pan, in crop widths per second (default 0.8).
   */
  max_pan_speed?: number;
  /**
   * Detector confidence needed for a face (default 0.5).
   */
  min_confidence?: number;
  /**
   * Faces smaller than this share of the frame height are ignored
   * (default 0.04).
   */
  min_face_height?: number;
  /**
   * Shortest time the crop stays on a speaker before it may switch
   * (default 1.5 s).
   */
  min_hold?: number;
  /**
   * Shortest span of one layout (default 2 s).
   */
  min_span?: number;
  /**
   * Speech turns shorter than this do not move the crop (default 0.8 s):
   * an interjection is not a change of speaker.
   */
  min_turn?: number;
  /**
   * Split screen when the speaker changes at least this often within
   * `split_window` seconds (default 4 changes in 8 s: turns of 2 s or less).
   */
  split_min_switches?: number;
  split_window?: number;
  /**
   * A face identity survives this long without a detection (default 1 s).
   */
  track_max_gap?: number;
}
export interface ReframeJobSpec {
  /**
   * video file
   */
  input: string;
  kind: "reframe";
  /**
   * the reframed MP4 to write
   */
  output: string;
  params?: ReframeJob;
}
/**
 * A whole-video (or range) reframing job: `reelkit reframe`.
 */
export interface ReframeJob {
  /**
   * Target shape: `9:16` (default), `1:1`, `4:5` or `16:9`.
   */
  aspect?: Aspect & string;
  crf?: number;
  end?: number | null;
  /**
   * Longest side of the output in pixels (default 1920).
   */
  max_long_side?: number;
  preset?: string;
  reframe?: ReframeConfig;
  /**
   * Range of the input in seconds (default: all of it).
   */
  start?: number;
}
export interface BurnJobSpec {
  /**
   * video file
   */
  input: string;
  kind: "burn";
  /**
   * the MP4 to write
   */
  output: string;
  params?: BurnParams;
}
/**
 * `burn`: the subtitles to burn (ASS/SSA, or SRT/WebVTT drawn with a
 * preset) and how to encode.
 */
export interface BurnParams {
  options?: BurnOptions;
  /**
   * The subtitle script.
   */
  script?: string;
  /**
   * Caption preset for SRT/WebVTT scripts (default `bold`).
   */
  style?: PresetName | null;
  /**
   * Text encoding of the script when it has no byte-order mark: a WHATWG
   * label (`latin1`, `windows-1251`, `shift_jis`, `utf-16le`…). Default:
   * detected (UTF-16 by its zero bytes, UTF-8 when valid, else windows-1252).
   */
  subtitle_encoding?: string | null;
}
/**
 * How to burn.
 */
export interface BurnOptions {
  /**
   * Brand kit: its fonts, watermark and intro/outro slates.
   */
  brand?: BrandKit | null;
  /**
   * x264 CRF 0..=51 (default 20) and preset (default `veryfast`), as in
   * `reelkit cut`/`clips`.
   */
  crf?: number;
  /**
   * Use only the fonts in this folder (plus fonts embedded in the
   * script) instead of the bundled ones.
   */
  fonts_dir?: string | null;
  preset?: string;
  /**
   * Encoder and decoder threads; 0 lets FFmpeg pick.
   */
  threads?: number;
}
export interface TtsJobSpec {
  /**
   * optional text file (else params.text)
   */
  input?: string;
  kind: "tts";
  /**
   * the WAV file to write
   */
  output: string;
  params?: TtsParams;
}
/**
 * `tts`: the text (else the input file's text) and the voice settings.
 */
export interface TtsParams {
  /**
   * Text to speak; default: the text of the input file.
   */
  text?: string | null;
  tts?: TtsConfig;
}
/**
 * Synthesis settings. Serialises to the same JSON in every binding.
 */
export interface TtsConfig {
  /**
   * VITS length scale before `rate` is applied (default: the voice's).
   */
  length_scale?: number | null;
  /**
   * How markup in the text is read (default: auto).
   */
  markup?: Markup & string;
  /**
   * VITS noise scale (default: the voice's, usually 0.667).
   */
  noise_scale?: number | null;
  /**
   * VITS duration noise (default: the voice's, usually 0.8).
   */
  noise_w?: number | null;
  /**
   * Spell out currency, abbreviations, units... before phonemising
   * (default true).
   */
  normalize_text?: boolean;
  /**
   * Silence between paragraphs in seconds (default 0.6).
   */
  paragraph_pause?: number;
  /**
   * Peak level of each sentence as a fraction of full scale (default
   * 0.9); 0 keeps the voice's raw level.
   */
  peak?: number;
  /**
   * Speaking rate: 2.0 speaks twice as fast (default 1.0; 0.25..=4).
   */
  rate?: number;
  /**
   * Seed of the voice's noise: equal seeds give equal audio (default 0).
   */
  seed?: number;
  /**
   * Silence between sentences in seconds (default 0.2).
   */
  sentence_pause?: number;
  /**
   * Speaker name or id of a multi-speaker voice.
   */
  speaker?: string | null;
  /**
   * Worker threads for batch and long texts; 0 uses every core.
   */
  threads?: number;
  /**
   * Voice id: `joe`, a Piper `.onnx` path or voice directory, or
   * `espeak:<language>` (default `joe`).
   */
  voice?: string;
}
export interface DubJobSpec {
  /**
   * video file
   */
  input: string;
  kind: "dub";
  /**
   * the MP4 to write (plus .narration.wav and .bed.wav stems)
   */
  output: string;
  params?: DubParams;
}
/**
 * `dub`: the narration script (SRT, WebVTT or ASS) and the mix settings.
 */
export interface DubParams {
  dub?: DubJob;
  narration?: string;
  /**
   * Text encoding of the narration script when it has no byte-order mark: a WHATWG
   * label (`latin1`, `windows-1251`, `shift_jis`, `utf-16le`…). Default:
   * detected (UTF-16 by its zero bytes, UTF-8 when valid, else windows-1252).
   */
  subtitle_encoding?: string | null;
}
/**
 * Everything `reelkit dub` can be told. Serialises to the same JSON in
 * every binding.
 */
export interface DubJob {
  /**
   * AAC bit rate of the mixed track (default 192 000).
   */
  audio_bit_rate?: number;
  /**
   * Gain on the original audio before ducking, in dB (default 0).
   */
  bed_gain_db?: number;
  /**
   * Mix channels: 0 follows the input (1 or 2; 2 without input audio).
   */
  channels?: number;
  duck?: DuckConfig;
  fit?: FitConfig;
  /**
   * Loudness of the final mix (default -14 LUFS, -1 dBTP).
   */
  loudness?: LoudnessTarget;
  /**
   * Level the narration is brought to before mixing (default: the
   * mix target).
   */
  narration_lufs?: number | null;
  /**
   * Mix sample rate (default 48 000).
   */
  sample_rate?: number;
  /**
   * Voice and synthesis settings.
   */
  tts?: TtsConfig;
}
/**
 * Ducking settings.
 */
export interface DuckConfig {
  /**
   * Seconds to go fully down (default 0.08).
   */
  attack?: number;
  /**
   * Bed gain under narration, in dB (default -12; 0 turns ducking off).
   */
  depth_db?: number;
  /**
   * Seconds the bed stays down after the narration pauses (default 0.2).
   */
  hold?: number;
  /**
   * Seconds the bed starts going down before the narration (default 0.05).
   */
  lookahead?: number;
  /**
   * Seconds to come back up (default 0.4).
   */
  release?: number;
  /**
   * Key level that counts as narration, in dBFS (default -45).
   */
  threshold_db?: number;
}
/**
 * Limits for fitting speech into slots.
 */
export interface FitConfig {
  /**
   * Let speech run past its cue's end into silence before the next cue
   * (or the media end) when it cannot be made short enough (default true).
   */
  allow_overrun?: boolean;
  /**
   * Fastest speaking rate the voice may be asked for, relative to the
   * configured rate (default 1.25).
   */
  max_rate?: number;
  /**
   * Largest time-stretch applied after that (default 1.15; 1 disables).
   */
  max_stretch?: number;
  /**
   * Shortest gap kept between two spoken cues, in seconds (default 0.05).
   */
  min_gap?: number;
  /**
   * Cut leading and trailing silence from synthesised cues (default true).
   */
  trim_silence?: boolean;
}
/**
 * A loudness target: integrated loudness and a true-peak ceiling.
 */
export interface LoudnessTarget {
  /**
   * Integrated loudness in LUFS (default -14, what streaming platforms use).
   */
  lufs?: number;
  /**
   * True-peak ceiling in dBTP (default -1).
   */
  true_peak?: number;
}
export interface RetellJobSpec {
  /**
   * media file
   */
  input: string;
  kind: "retell";
  /**
   * directory for retell.mp4, retell.srt, retell.json, retell.otio (and the analysis cache)
   */
  output: string;
  params?: RetellJob;
}
/**
 * Everything `reelkit retell` can be told. Serialises to the same JSON in
 * every binding and over HTTP.
 */
export interface RetellJob {
  asr?: AsrConfig;
  /**
   * The original sound under the narration: `duck` (default) or `mute`.
   */
  bed?: BedMode & string;
  /**
   * Burn the narration's captions into the picture (default true).
   */
  burn_captions?: boolean;
  crf?: number;
  /**
   * Cross-fade between shots in seconds (default 0.3; 0 cuts).
   */
  crossfade?: number;
  /**
   * How far the bed is brought down under the narration (`bed: duck`).
   */
  duck?: DuckConfig;
  /**
   * Seconds of silence between narration sentences (default 0.5).
   */
  gap?: number;
  /**
   * The endpoint for `narration: llm`.
   */
  llm?: RetellLlm | null;
  /**
   * Loudness of the final mix (default -14 LUFS, -1 dBTP).
   */
  loudness?: LoudnessTarget;
  /**
   * Most chapters found (default 12).
   */
  max_chapters?: number;
  /**
   * Longest side of the rendered video in pixels (default 1280).
   */
  max_long_side?: number;
  max_shot?: number;
  /**
   * Shortest chapter in seconds (default 20).
   */
  min_chapter?: number;
  /**
   * Shortest and longest shot in seconds (default 1.5 and 6).
   */
  min_shot?: number;
  /**
   * Length of the retell in minutes (default 5).
   */
  minutes?: number;
  /**
   * How the narration is written (default `extractive`).
   */
  narration?: NarrationMode & string;
  /**
   * Caption preset: `bold`, `clean`, `karaoke` or `pop` (default `clean`).
   */
  preset?: PresetName & string;
  preset_x264?: string;
  scenes?: SceneConfig;
  /**
   * An edited `retell.json` to render again without analysing the
   * film (the analysis is read from the output folder's cache when the
   * input's fingerprint matches).
   */
  script?: string | null;
  /**
   * Editor timelines written beside the retell (default `otio`; also
   * `fcpxml`, `edl`, `mlt`).
   */
  timeline?: TimelineFormat[];
  tts?: TtsConfig;
  /**
   * Narration voice (default `joe`); the rest of `tts` is used as given.
   */
  voice?: string | null;
}
/**
 * The language model that writes the narration in `llm` mode.
 */
export interface RetellLlm {
  /**
   * Name of an environment variable holding a bearer token.
   */
  api_key_env?: string | null;
  model?: string;
  /**
   * Prompt template file; `{{words}}`, `{{minutes}}` and `{{chapters}}`
   * are filled in (default: the built-in template).
   */
  prompt_file?: string | null;
  /**
   * Fail the job when the endpoint cannot be used (default false: extractive narration).
   */
  required?: boolean;
  /**
   * Further tries after a failed request or an answer breaking the schema (default 2).
   */
  retries?: number;
  /**
   * Seconds per request (default 120).
   */
  timeout?: number;
  /**
   * Base URL of an OpenAI-compatible API, e.g. `http://127.0.0.1:8080/v1`.
   */
  url?: string;
}
/**
 * Counts and timings of an analysis.
 */
export interface AnalysisStats {
  detector_runs: number;
  detector_seconds: number;
  faces_detected: number;
  frames_analysed: number;
  /**
   * Wall-clock seconds of the whole analysis and of the detector alone.
   */
  seconds: number;
}
/**
 * The primary audio stream.
 */
export interface AudioInfo {
  channels: number;
  codec: string;
  sample_format: string;
  sample_rate: number;
  stream_index: number;
}
/**
 * What a burn produced.
 */
export interface BurnReport {
  /**
   * `copied`, `none`, or why the audio was left out.
   */
  audio: string;
  /**
   * Output duration in seconds.
   */
  duration: number;
  /**
   * Frames encoded (slates included).
   */
  frames: number;
  height: number;
  intro_seconds: number;
  output: string;
  outro_seconds: number;
  /**
   * How many times the subtitle layer was rendered (it is reused while
   * it does not change).
   */
  overlay_renders: number;
  width: number;
}
/**
 * A scene piece inside a chapter that shots may be cut from.
 */
export interface CandidateShot {
  end: number;
  /**
   * Mean level, -60..0 dBFS mapped to 0..1.
   */
  energy?: number;
  /**
   * Faces seen in the shot (0..1: detector confidence times face size,
   * full for a medium close-up); absent when faces were not looked for.
   */
  face?: number | null;
  /**
   * Mean motion, normalised by the film's strongest (0..1).
   */
  motion?: number;
  /**
   * The shot's rank: motion, loudness and faces together (0..1).
   */
  score: number;
  start: number;
}
/**
 * One chapter of the film.
 */
export interface Chapter {
  end: number;
  /**
   * Sentences `first..=last` of the transcript (none when `first > last`).
   */
  first_sentence: number;
  /**
   * Sentence indices, most representative first.
   */
  key_sentences: number[];
  last_sentence: number;
  /**
   * Best first.
   */
  shots: CandidateShot[];
  start: number;
  title: string;
}
/**
 * One exported clip, as listed in `clips.json`.
 */
export interface ClipReport {
  /**
   * The styled captions as an ASS script (plays in any ASS player).
   */
  ass: string;
  /**
   * With a non-source aspect: the region of the source shown over time
   * (source seconds, source pixels) and the layout of each span.
   */
  crop?: CropKeyframe[];
  duration: number;
  end: number;
  /**
   * 1-based rank.
   */
  index: number;
  layout?: LayoutSpan[];
  reason: string;
  score: number;
  signals: SignalScores;
  srt: string;
  start: number;
  text: string;
  /**
   * File names inside the output directory.
   */
  video: string;
  vtt: string;
}
/**
 * A crop position at a time, in source seconds and source pixels.
 */
export interface CropKeyframe {
  height: number;
  time: number;
  width: number;
  x: number;
  y: number;
}
/**
 * One stretch of the output with one layout, in source seconds.
 */
export interface LayoutSpan {
  end: number;
  layout: Layout;
  /**
   * For `split`: the two crops, top first.
   */
  panels?: Rect[];
  start: number;
}
/**
 * A rectangle in source pixels.
 */
export interface Rect {
  height: number;
  width: number;
  x: number;
  y: number;
}
/**
 * Each signal of a candidate, normalised to 0..1 (across all candidates
 * for the measured ones; absolute for cues), plus the raw measurement it
 * came from. Signals that could not be measured read 0 with a `None` raw.
 */
export interface SignalScores {
  /**
   * When the sentence answering the opening question starts (media seconds).
   */
  answer_at?: number | null;
  /**
   * When the first such burst starts (media seconds).
   */
  burst_at?: number | null;
  /**
   * Seconds of laughter/applause-like sound (broadband, no words) in the clip or in the 2 s after it (the reaction to its punchline).
   */
  burst_seconds?: number | null;
  bursts?: number;
  /**
   * Mean cosine of the clip's sentences to their centroid.
   */
  coherence?: number | null;
  /**
   * Scene cuts inside the clip.
   */
  cuts?: number;
  /**
   * How well the last sentence lands (0..1).
   */
  ending?: number;
  energy?: number;
  /**
   * Mean loudness of the clip minus the file's mean, in dB.
   */
  energy_db?: number;
  hook?: number;
  /**
   * What the opening sentence does: `question`, `number`, `strong_claim`, `second_person`, `contrast`.
   */
  hook_cues?: HookCue[];
  llm?: number;
  llm_reason?: string | null;
  /**
   * The LLM's rating (0..1) and its one-line reason.
   */
  llm_score?: number | null;
  loudness_peaks?: number;
  motion?: number;
  /**
   * Mean HSV content change between frames (0..255).
   */
  motion_mean?: number | null;
  pace_change?: number;
  /**
   * Fastest minus slowest sentence, in words per second.
   */
  pace_range_wps?: number;
  payoff?: number;
  /**
   * Loudest EBU R128 short-term loudness in the clip minus the talk's typical short-term loudness, in LU.
   */
  peak_lu?: number | null;
  query?: number;
  /**
   * Cosine similarity to the query (half the clip's centroid, half its best sentence).
   */
  query_similarity?: number | null;
  scene_changes?: number;
  speech_coverage?: number;
  speech_density?: number;
  /**
   * Share of the clip's time covered by words (0..1).
   */
  speech_ratio?: number;
  topic?: number;
  /**
   * Topic boundaries inside the clip (TextTiling over sentence embeddings).
   */
  topic_boundaries?: number | null;
  /**
   * Words per second.
   */
  words_per_second?: number;
}
/**
 * What a clips run produced (the content of `clips.json`).
 */
export interface ClipsReport {
  aspect: Aspect;
  clips: ClipReport[];
  duration: number;
  height: number;
  input: string;
  language: string;
  model: string;
  /**
   * Timeline files written into the output directory (empty when none
   * were asked for).
   */
  timelines?: string[];
  width: number;
}
/**
 * What happened to one cue.
 */
export interface CueReport {
  /**
   * Seconds of speech as placed (0 when left out).
   */
  duration: number;
  end: number;
  /**
   * 1-based, in script order.
   */
  index: number;
  /**
   * Phonemes the voice could not say, with counts.
   */
  missing_phonemes?: {
    [k: string]: number;
  };
  /**
   * Seconds of speech at the normal rate (silence trimmed).
   */
  natural_duration: number;
  placed_end?: number | null;
  /**
   * Where the speech was placed, when it was.
   */
  placed_start?: number | null;
  /**
   * Speaking-rate factor used (1 = normal).
   */
  rate: number;
  start: number;
  status: FitStatus;
  /**
   * Time-stretch factor applied after that (1 = none).
   */
  stretch: number;
  text: string;
}
/**
 * What a dub produced (what `reelkit dub` prints as JSON).
 */
export interface DubReport {
  bed: string;
  channels: number;
  cues: CueReport[];
  ducking: DuckConfig;
  duration: number;
  input: string;
  /**
   * Loudness of the mixed track, measured on the written MP4.
   */
  mix: Loudness;
  narration: string;
  /**
   * Loudness of the narration stem.
   */
  narration_loudness: Loudness;
  output: string;
  /**
   * Indexes of cues that run past their cue end.
   */
  overrun: number[];
  sample_rate: number;
  /**
   * Indexes of cues spoken faster than normal (rate or stretch).
   */
  sped_up: number[];
  /**
   * Seconds of speech placed.
   */
  speech_seconds: number;
  /**
   * Wall-clock seconds spent synthesising.
   */
  synthesis_seconds: number;
  target: LoudnessTarget;
  /**
   * Indexes of cues left out because they could not fit.
   */
  unfit: number[];
  voice: string;
}
/**
 * Loudness of a piece of audio.
 */
export interface Loudness {
  /**
   * Integrated loudness in LUFS (`None` for silence: below the gate).
   */
  integrated_lufs?: number | null;
  /**
   * Loudness range in LU.
   */
  range_lu: number;
  /**
   * Highest sample peak, in dBFS.
   */
  sample_peak_dbfs: number;
  /**
   * Highest true peak over all channels, in dBTP.
   */
  true_peak_dbtp: number;
}
/**
 * The HLS output.
 */
export interface HlsReport {
  dir: string;
  /**
   * Path of the master playlist.
   */
  master: string;
  /**
   * Video rungs (largest first), then the audio rendition.
   */
  renditions: RenditionReport[];
  segment_format: SegmentFormat;
  segment_seconds: number;
  /**
   * Requested rungs not made because they are above the source (or the
   * source has no video).
   */
  skipped_rungs: number[];
}
/**
 * One HLS rendition as written.
 */
export interface RenditionReport {
  average_bandwidth: number;
  /**
   * Peak segment bit rate, bits per second.
   */
  bandwidth: number;
  /**
   * RFC 6381 codec string (`avc1.64001f`, `mp4a.40.2`).
   */
  codecs: string;
  /**
   * Sum of the segment durations, in seconds.
   */
  duration: number;
  height?: number | null;
  /**
   * `video` or `audio`.
   */
  kind: string;
  /**
   * `1080p`, `720p`... or `audio`; also its directory.
   */
  name: string;
  /**
   * Media playlist, relative to the HLS directory.
   */
  playlist: string;
  segments: number;
  /**
   * x264 threads this rung ran with (video).
   */
  threads?: number | null;
  /**
   * Frames encoded (video) or samples per channel (audio).
   */
  units: number;
  width?: number | null;
}
/**
 * What an ingest produced (the content of `<sha256>.json`).
 */
export interface IngestReport {
  /**
   * Container sniffed from the bytes (see [`sniff_container`]).
   */
  container: string;
  /**
   * The store already held these exact bytes; nothing new was stored.
   */
  duplicate: boolean;
  media: MediaInfo;
  method: Method;
  /**
   * The accepted local file: in the store when a destination was given,
   * else the source file itself.
   */
  path: string;
  /**
   * Lowercase hex SHA-256 of the file's bytes.
   */
  sha256: string;
  size_bytes: number;
  /**
   * The source as given (a path or a URL).
   */
  source: string;
  /**
   * Title reported by yt-dlp, when it fetched the source.
   */
  title?: string | null;
}
/**
 * Everything [`probe`] learns about a file.
 */
export interface MediaInfo {
  audio?: AudioInfo | null;
  /**
   * Overall bit rate in bits per second (0 when unknown).
   */
  bit_rate: number;
  /**
   * Container short name(s), e.g. `mov,mp4,m4a,3gp,3g2,mj2`.
   */
  container: string;
  /**
   * Human-readable container name.
   */
  container_long: string;
  /**
   * Duration in seconds (0 when unknown).
   */
  duration: number;
  path: string;
  size_bytes: number;
  streams: StreamInfo[];
  video?: VideoInfo | null;
}
/**
 * One stream of the container.
 */
export interface StreamInfo {
  /**
   * Codec short name (`h264`, `aac`, `subrip`...).
   */
  codec: string;
  /**
   * Stream duration in seconds, when the container states it.
   */
  duration?: number | null;
  index: number;
  kind: StreamKind;
  /**
   * ISO 639 language tag from the stream metadata.
   */
  language?: string | null;
}
/**
 * The primary video stream.
 */
export interface VideoInfo {
  codec: string;
  display_height: number;
  /**
   * Width and height as displayed, after rotation.
   */
  display_width: number;
  /**
   * Average frame rate in frames per second (0 when unknown).
   */
  fps: number;
  /**
   * Frame count when the container states it.
   */
  frames?: number | null;
  height: number;
  pixel_format: string;
  /**
   * Clockwise rotation to apply for display: 0, 90, 180 or 270.
   */
  rotation: number;
  stream_index: number;
  /**
   * Coded width and height, before rotation.
   */
  width: number;
}
/**
 * What a transcode made (`reelkit transcode` prints it as JSON).
 */
export interface TranscodeReport {
  /**
   * Video frames decoded — once, whatever the number of outputs.
   */
  decoded_frames: number;
  /**
   * Source duration in seconds.
   */
  duration: number;
  /**
   * Wall-clock seconds.
   */
  elapsed: number;
  /**
   * Decoded frames per second of wall-clock time.
   */
  fps: number;
  hls?: HlsReport | null;
  input: string;
  proxy?: ProxyReport | null;
  sprite?: SpriteReport | null;
  thumbnails?: ThumbnailsReport | null;
  waveform?: WaveformReport | null;
}
/**
 * The proxy MP4.
 */
export interface ProxyReport {
  audio: boolean;
  frames: number;
  height?: number | null;
  path: string;
  width?: number | null;
}
/**
 * The sprite sheets and their WebVTT track.
 */
export interface SpriteReport {
  columns: number;
  dir: string;
  interval: number;
  rows: number;
  sheets: string[];
  tile_height: number;
  tile_width: number;
  tiles: number;
  /**
   * The WebVTT track, relative to `dir`.
   */
  vtt: string;
}
/**
 * The thumbnails.
 */
export interface ThumbnailsReport {
  dir: string;
  files: Still[];
  height: number;
  width: number;
}
/**
 * One still on disk.
 */
export interface Still {
  /**
   * File name inside the output directory.
   */
  file: string;
  /**
   * Time of the frame shown, in seconds.
   */
  time: number;
}
/**
 * The waveform file.
 */
export interface WaveformReport {
  /**
   * Min/max pairs written.
   */
  length: number;
  path: string;
  peaks_per_second: number;
  sample_rate: number;
  samples_per_pixel: number;
}
/**
 * What `transcribe` and `align` produced.
 */
export interface TranscriptReport {
  /**
   * The format it was written in.
   */
  format: TranscriptFormat;
  /**
   * The file written, if any.
   */
  output?: string | null;
  transcript: Transcript;
}
/**
 * A whole transcript.
 */
export interface Transcript {
  /**
   * Duration of the transcribed audio in seconds.
   */
  duration: number;
  /**
   * ISO 639-1 language code, e.g. `en`.
   */
  language: string;
  /**
   * When the language was detected: the most likely languages, best
   * first, with their probabilities (over the allowed languages when the
   * configuration restricts them, so they sum to at most 1). Empty when
   * the language was given or the model knows only English.
   */
  language_probabilities?: LanguageProbability[];
  segments: Segment[];
}
/**
 * One candidate language of a detection.
 */
export interface LanguageProbability {
  /**
   * ISO 639-1 code, e.g. `es`.
   */
  language: string;
  /**
   * Probability in `0..=1`.
   */
  probability: number;
}
/**
 * A run of speech as the recogniser segmented it.
 */
export interface Segment {
  end: number;
  start: number;
  text: string;
  words: Word[];
}
/**
 * One recognised word with its time span and confidence.
 */
export interface Word {
  end: number;
  /**
   * The times were estimated (interpolated or re-timed after an edit)
   * rather than measured; treat them as approximate.
   */
  estimated?: boolean;
  /**
   * Recogniser confidence in `0..=1`.
   */
  probability: number;
  /**
   * Start and end in seconds from the start of the media.
   */
  start: number;
  /**
   * The word as written, with attached punctuation (`"Hello,"`).
   */
  word: string;
}
/**
 * What `scenes` produced.
 */
export interface ScenesReport {
  /**
   * Frame rate: the stream's average rate, or measured from the frame
   * times when the stream states none (or an absurd one).
   */
  fps: number;
  /**
   * Decoded frames.
   */
  frames: number;
  /**
   * The file written, if any.
   */
  output?: string | null;
  scenes: Scene[];
}
/**
 * One scene: `[start, end)` in seconds and frames.
 */
export interface Scene {
  /**
   * What starts this scene (`start` for the first).
   */
  boundary: Boundary;
  end: number;
  end_frame: number;
  start: number;
  start_frame: number;
}
/**
 * What `reelkit reframe` produced.
 */
export interface ReframeReport {
  aspect: Aspect;
  /**
   * The region of the source shown over time (follow: the moving crop;
   * split: the box around both panels; blurred fill: the whole frame).
   */
  crop: CropKeyframe[];
  end: number;
  /**
   * Wall-clock seconds of the export (decode, draw, encode).
   */
  export_seconds: number;
  /**
   * Faces tracked for long enough to count.
   */
  faces: number;
  height: number;
  input: string;
  /**
   * The layout of each span, in order, covering `start..end`.
   */
  layout: LayoutSpan[];
  output: string;
  source_height: number;
  source_width: number;
  /**
   * Who speaks from when (face numbers as in `faces`).
   */
  speakers: SpeakerTurn[];
  start: number;
  stats: AnalysisStats;
  /**
   * Output frame size.
   */
  width: number;
}
/**
 * The face the crop is on from `time` on.
 */
export interface SpeakerTurn {
  face: number;
  time: number;
}
/**
 * What `tts` produced.
 */
export interface TtsReport {
  /**
   * Seconds of audio produced.
   */
  duration: number;
  /**
   * Wall-clock seconds of the whole call.
   */
  elapsed: number;
  /**
   * Wall-clock seconds until the first audio was handed over.
   */
  first_audio_after: number;
  missing_phonemes: {
    [k: string]: number;
  };
  /**
   * The WAV file written.
   */
  output: string;
  sample_rate: number;
  sentences: number;
  voice: string;
}
/**
 * What a retell run produced.
 */
export interface RetellReport {
  /**
   * Whether the analysis came from the cache.
   */
  analysis_cached: boolean;
  /**
   * The chapters with their key sentences (transcript indices) and candidate shots.
   */
  chapters: Chapter[];
  duration: number;
  height: number;
  input: string;
  /**
   * Integrated loudness of the mix (LUFS), when it has sound.
   */
  loudness_lufs?: number | null;
  narration: ScriptLine[];
  /**
   * How the narration was written: `extractive`, `llm` or `script`.
   */
  narration_source: string;
  script: string;
  shots: number;
  /**
   * Length of the input and of the retell, and the length asked for (seconds).
   */
  source_duration: number;
  srt: string;
  target: number;
  timelines: string[];
  /**
   * Files written into the output folder.
   */
  video: string;
  width: number;
}
/**
 * A narration sentence on the retell's timeline.
 */
export interface ScriptLine {
  /**
   * Index of the chapter it tells (default 0).
   */
  chapter?: number;
  end: number;
  start: number;
  text: string;
}
