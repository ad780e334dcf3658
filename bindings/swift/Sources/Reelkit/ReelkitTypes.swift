// This file was generated from JSON Schema using quicktype, do not modify it directly.
// To parse the JSON, add this file to your project and do:
//
//   let mediaInfo = try? JSONDecoder().decode(MediaInfo.self, from: jsonData)
//   let transcript = try? JSONDecoder().decode(Transcript.self, from: jsonData)
//   let clipsReport = try? JSONDecoder().decode(ClipsReport.self, from: jsonData)
//   let retellReport = try? JSONDecoder().decode(RetellReport.self, from: jsonData)
//   let ingestReport = try? JSONDecoder().decode(IngestReport.self, from: jsonData)
//   let transcodeReport = try? JSONDecoder().decode(TranscodeReport.self, from: jsonData)
//   let burnReport = try? JSONDecoder().decode(BurnReport.self, from: jsonData)
//   let dubReport = try? JSONDecoder().decode(DubReport.self, from: jsonData)
//   let synthesisSummary = try? JSONDecoder().decode(SynthesisSummary.self, from: jsonData)
//   let speech = try? JSONDecoder().decode(Speech.self, from: jsonData)
//   let voice = try? JSONDecoder().decode(Voice.self, from: jsonData)
//   let loudness = try? JSONDecoder().decode(Loudness.self, from: jsonData)
//   let subtitleCue = try? JSONDecoder().decode(SubtitleCue.self, from: jsonData)
//   let progressEvent = try? JSONDecoder().decode(ProgressEvent.self, from: jsonData)

//
// Hashable or Equatable:
// The compiler will not be able to synthesize the implementation of Hashable or Equatable
// for types that require the use of JSONAny, nor will the implementation of Hashable be
// synthesized for types that have collections (such as arrays or dictionaries).

import Foundation

/// A whole transcript.
// MARK: - Transcript
public struct Transcript: Codable, Equatable, Sendable {
    /// Duration of the transcribed audio in seconds.
    public let duration: Double
    /// ISO 639-1 language code, e.g. `en`.
    public let language: String
    /// When the language was detected: the most likely languages, best
    /// first, with their probabilities (over the allowed languages when the
    /// configuration restricts them, so they sum to at most 1). Empty when
    /// the language was given or the model knows only English.
    public let languageProbabilities: [LanguageProbability]?
    public let segments: [Segment]

    public enum CodingKeys: String, CodingKey {
        case duration, language
        case languageProbabilities = "language_probabilities"
        case segments
    }

    public init(duration: Double, language: String, languageProbabilities: [LanguageProbability]?, segments: [Segment]) {
        self.duration = duration
        self.language = language
        self.languageProbabilities = languageProbabilities
        self.segments = segments
    }
}

//
// Hashable or Equatable:
// The compiler will not be able to synthesize the implementation of Hashable or Equatable
// for types that require the use of JSONAny, nor will the implementation of Hashable be
// synthesized for types that have collections (such as arrays or dictionaries).

/// One candidate language of a detection.
// MARK: - LanguageProbability
public struct LanguageProbability: Codable, Equatable, Sendable {
    /// ISO 639-1 code, e.g. `es`.
    public let language: String
    /// Probability in `0..=1`.
    public let probability: Double

    public init(language: String, probability: Double) {
        self.language = language
        self.probability = probability
    }
}

//
// Hashable or Equatable:
// The compiler will not be able to synthesize the implementation of Hashable or Equatable
// for types that require the use of JSONAny, nor will the implementation of Hashable be
// synthesized for types that have collections (such as arrays or dictionaries).

/// A run of speech as the recogniser segmented it.
// MARK: - Segment
public struct Segment: Codable, Equatable, Sendable {
    public let end, start: Double
    public let text: String
    public let words: [Word]

    public init(end: Double, start: Double, text: String, words: [Word]) {
        self.end = end
        self.start = start
        self.text = text
        self.words = words
    }
}

//
// Hashable or Equatable:
// The compiler will not be able to synthesize the implementation of Hashable or Equatable
// for types that require the use of JSONAny, nor will the implementation of Hashable be
// synthesized for types that have collections (such as arrays or dictionaries).

/// One recognised word with its time span and confidence.
// MARK: - Word
public struct Word: Codable, Equatable, Sendable {
    public let end: Double
    /// The times were estimated (interpolated or re-timed after an edit)
    /// rather than measured; treat them as approximate.
    public let estimated: Bool?
    /// Recogniser confidence in `0..=1`.
    public let probability: Double
    /// Start and end in seconds from the start of the media.
    public let start: Double
    /// The word as written, with attached punctuation (`"Hello,"`).
    public let word: String

    public init(end: Double, estimated: Bool?, probability: Double, start: Double, word: String) {
        self.end = end
        self.estimated = estimated
        self.probability = probability
        self.start = start
        self.word = word
    }
}

//
// Hashable or Equatable:
// The compiler will not be able to synthesize the implementation of Hashable or Equatable
// for types that require the use of JSONAny, nor will the implementation of Hashable be
// synthesized for types that have collections (such as arrays or dictionaries).

/// What a clips run produced (the content of `clips.json`).
// MARK: - ClipsReport
public struct ClipsReport: Codable, Equatable, Sendable {
    public let aspect: Aspect
    public let clips: [ClipReport]
    public let duration: Double
    public let height: Int
    public let input, language, model: String
    /// Timeline files written into the output directory (empty when none
    /// were asked for).
    public let timelines: [String]?
    public let width: Int

    public init(aspect: Aspect, clips: [ClipReport], duration: Double, height: Int, input: String, language: String, model: String, timelines: [String]?, width: Int) {
        self.aspect = aspect
        self.clips = clips
        self.duration = duration
        self.height = height
        self.input = input
        self.language = language
        self.model = model
        self.timelines = timelines
        self.width = width
    }
}

/// The frame shape of exported clips.
///
/// Keep the source frame.
public enum Aspect: String, Codable, Equatable, Sendable {
    case source = "source"
    case the11 = "1:1"
    case the169 = "16:9"
    case the45 = "4:5"
    case the916 = "9:16"
}

//
// Hashable or Equatable:
// The compiler will not be able to synthesize the implementation of Hashable or Equatable
// for types that require the use of JSONAny, nor will the implementation of Hashable be
// synthesized for types that have collections (such as arrays or dictionaries).

/// One exported clip, as listed in `clips.json`.
// MARK: - ClipReport
public struct ClipReport: Codable, Equatable, Sendable {
    /// The styled captions as an ASS script (plays in any ASS player).
    public let ass: String
    /// With a non-source aspect: the region of the source shown over time
    /// (source seconds, source pixels) and the layout of each span.
    public let crop: [CropKeyframe]?
    public let duration, end: Double
    /// 1-based rank.
    public let index: Int
    public let layout: [LayoutSpan]?
    public let reason: String
    public let score: Double
    public let signals: SignalScores
    public let srt: String
    public let start: Double
    public let text: String
    /// File names inside the output directory.
    public let video: String
    public let vtt: String

    public init(ass: String, crop: [CropKeyframe]?, duration: Double, end: Double, index: Int, layout: [LayoutSpan]?, reason: String, score: Double, signals: SignalScores, srt: String, start: Double, text: String, video: String, vtt: String) {
        self.ass = ass
        self.crop = crop
        self.duration = duration
        self.end = end
        self.index = index
        self.layout = layout
        self.reason = reason
        self.score = score
        self.signals = signals
        self.srt = srt
        self.start = start
        self.text = text
        self.video = video
        self.vtt = vtt
    }
}

//
// Hashable or Equatable:
// The compiler will not be able to synthesize the implementation of Hashable or Equatable
// for types that require the use of JSONAny, nor will the implementation of Hashable be
// synthesized for types that have collections (such as arrays or dictionaries).

/// A crop position at a time, in source seconds and source pixels.
// MARK: - CropKeyframe
public struct CropKeyframe: Codable, Equatable, Sendable {
    public let height: Int
    public let time: Double
    public let width, x, y: Int

    public init(height: Int, time: Double, width: Int, x: Int, y: Int) {
        self.height = height
        self.time = time
        self.width = width
        self.x = x
        self.y = y
    }
}

//
// Hashable or Equatable:
// The compiler will not be able to synthesize the implementation of Hashable or Equatable
// for types that require the use of JSONAny, nor will the implementation of Hashable be
// synthesized for types that have collections (such as arrays or dictionaries).

/// One stretch of the output with one layout, in source seconds.
// MARK: - LayoutSpan
public struct LayoutSpan: Codable, Equatable, Sendable {
    public let end: Double
    public let layout: Layout
    /// For `split`: the two crops, top first.
    public let panels: [Rect]?
    public let start: Double

    public init(end: Double, layout: Layout, panels: [Rect]?, start: Double) {
        self.end = end
        self.layout = layout
        self.panels = panels
        self.start = start
    }
}

/// The layout of a span of the output.
///
/// One crop following the subject (the `crop` keyframes).
///
/// Two crops (`panels`) stacked, the first on top.
///
/// The whole frame fitted over a blurred, filled copy of itself.
///
/// The fixed centre crop.
public enum Layout: String, Codable, Equatable, Sendable {
    case blurFill = "blur_fill"
    case center = "center"
    case follow = "follow"
    case split = "split"
}

//
// Hashable or Equatable:
// The compiler will not be able to synthesize the implementation of Hashable or Equatable
// for types that require the use of JSONAny, nor will the implementation of Hashable be
// synthesized for types that have collections (such as arrays or dictionaries).

/// A rectangle in source pixels.
// MARK: - Rect
public struct Rect: Codable, Equatable, Sendable {
    public let height, width, x, y: Int

    public init(height: Int, width: Int, x: Int, y: Int) {
        self.height = height
        self.width = width
        self.x = x
        self.y = y
    }
}

//
// Hashable or Equatable:
// The compiler will not be able to synthesize the implementation of Hashable or Equatable
// for types that require the use of JSONAny, nor will the implementation of Hashable be
// synthesized for types that have collections (such as arrays or dictionaries).

/// Each signal of a candidate, normalised to 0..1 (across all candidates
/// for the measured ones; absolute for cues), plus the raw measurement it
/// came from. Signals that could not be measured read 0 with a `None` raw.
// MARK: - SignalScores
public struct SignalScores: Codable, Equatable, Sendable {
    /// When the sentence answering the opening question starts (media seconds).
    public let answerAt: Double?
    /// When the first such burst starts (media seconds).
    public let burstAt: Double?
    /// Seconds of laughter/applause-like sound (broadband, no words) in the clip or in the 2 s
    /// after it (the reaction to its punchline).
    public let burstSeconds: Double?
    public let bursts: Double?
    /// Mean cosine of the clip's sentences to their centroid.
    public let coherence: Double?
    /// Scene cuts inside the clip.
    public let cuts: Int?
    /// How well the last sentence lands (0..1).
    public let ending: Double?
    public let energy: Double?
    /// Mean loudness of the clip minus the file's mean, in dB.
    public let energyDb: Double?
    public let hook: Double?
    /// What the opening sentence does: `question`, `number`, `strong_claim`, `second_person`,
    /// `contrast`.
    public let hookCues: [HookCue]?
    public let llm: Double?
    public let llmReason: String?
    /// The LLM's rating (0..1) and its one-line reason.
    public let llmScore: Double?
    public let loudnessPeaks, motion: Double?
    /// Mean HSV content change between frames (0..255).
    public let motionMean: Double?
    public let paceChange: Double?
    /// Fastest minus slowest sentence, in words per second.
    public let paceRangeWps: Double?
    public let payoff: Double?
    /// Loudest EBU R128 short-term loudness in the clip minus the talk's typical short-term
    /// loudness, in LU.
    public let peakLu: Double?
    public let query: Double?
    /// Cosine similarity to the query (half the clip's centroid, half its best sentence).
    public let querySimilarity: Double?
    public let sceneChanges, speechCoverage, speechDensity: Double?
    /// Share of the clip's time covered by words (0..1).
    public let speechRatio: Double?
    public let topic: Double?
    /// Topic boundaries inside the clip (TextTiling over sentence embeddings).
    public let topicBoundaries: Int?
    /// Words per second.
    public let wordsPerSecond: Double?

    public enum CodingKeys: String, CodingKey {
        case answerAt = "answer_at"
        case burstAt = "burst_at"
        case burstSeconds = "burst_seconds"
        case bursts, coherence, cuts, ending, energy
        case energyDb = "energy_db"
        case hook
        case hookCues = "hook_cues"
        case llm
        case llmReason = "llm_reason"
        case llmScore = "llm_score"
        case loudnessPeaks = "loudness_peaks"
        case motion
        case motionMean = "motion_mean"
        case paceChange = "pace_change"
        case paceRangeWps = "pace_range_wps"
        case payoff
        case peakLu = "peak_lu"
        case query
        case querySimilarity = "query_similarity"
        case sceneChanges = "scene_changes"
        case speechCoverage = "speech_coverage"
        case speechDensity = "speech_density"
        case speechRatio = "speech_ratio"
        case topic
        case topicBoundaries = "topic_boundaries"
        case wordsPerSecond = "words_per_second"
    }

    public init(answerAt: Double?, burstAt: Double?, burstSeconds: Double?, bursts: Double?, coherence: Double?, cuts: Int?, ending: Double?, energy: Double?, energyDb: Double?, hook: Double?, hookCues: [HookCue]?, llm: Double?, llmReason: String?, llmScore: Double?, loudnessPeaks: Double?, motion: Double?, motionMean: Double?, paceChange: Double?, paceRangeWps: Double?, payoff: Double?, peakLu: Double?, query: Double?, querySimilarity: Double?, sceneChanges: Double?, speechCoverage: Double?, speechDensity: Double?, speechRatio: Double?, topic: Double?, topicBoundaries: Int?, wordsPerSecond: Double?) {
        self.answerAt = answerAt
        self.burstAt = burstAt
        self.burstSeconds = burstSeconds
        self.bursts = bursts
        self.coherence = coherence
        self.cuts = cuts
        self.ending = ending
        self.energy = energy
        self.energyDb = energyDb
        self.hook = hook
        self.hookCues = hookCues
        self.llm = llm
        self.llmReason = llmReason
        self.llmScore = llmScore
        self.loudnessPeaks = loudnessPeaks
        self.motion = motion
        self.motionMean = motionMean
        self.paceChange = paceChange
        self.paceRangeWps = paceRangeWps
        self.payoff = payoff
        self.peakLu = peakLu
        self.query = query
        self.querySimilarity = querySimilarity
        self.sceneChanges = sceneChanges
        self.speechCoverage = speechCoverage
        self.speechDensity = speechDensity
        self.speechRatio = speechRatio
        self.topic = topic
        self.topicBoundaries = topicBoundaries
        self.wordsPerSecond = wordsPerSecond
    }
}

/// One thing a clip's opening does to hook a viewer.
public enum HookCue: String, Codable, Equatable, Sendable {
    case contrast = "contrast"
    case number = "number"
    case question = "question"
    case secondPerson = "second_person"
    case strongClaim = "strong_claim"
}

//
// Hashable or Equatable:
// The compiler will not be able to synthesize the implementation of Hashable or Equatable
// for types that require the use of JSONAny, nor will the implementation of Hashable be
// synthesized for types that have collections (such as arrays or dictionaries).

/// What a retell run produced.
// MARK: - RetellReport
public struct RetellReport: Codable, Equatable, Sendable {
    /// Whether the analysis came from the cache.
    public let analysisCached: Bool
    /// The chapters with their key sentences (transcript indices) and candidate shots.
    public let chapters: [Chapter]
    public let duration: Double
    public let height: Int
    public let input: String
    /// Integrated loudness of the mix (LUFS), when it has sound.
    public let loudnessLufs: Double?
    public let narration: [ScriptLine]
    /// How the narration was written: `extractive`, `llm` or `script`.
    public let narrationSource: String
    public let script: String
    public let shots: Int
    /// Length of the input and of the retell, and the length asked for (seconds).
    public let sourceDuration: Double
    public let srt: String
    public let target: Double
    public let timelines: [String]
    /// Files written into the output folder.
    public let video: String
    public let width: Int

    public enum CodingKeys: String, CodingKey {
        case analysisCached = "analysis_cached"
        case chapters, duration, height, input
        case loudnessLufs = "loudness_lufs"
        case narration
        case narrationSource = "narration_source"
        case script, shots
        case sourceDuration = "source_duration"
        case srt, target, timelines, video, width
    }

    public init(analysisCached: Bool, chapters: [Chapter], duration: Double, height: Int, input: String, loudnessLufs: Double?, narration: [ScriptLine], narrationSource: String, script: String, shots: Int, sourceDuration: Double, srt: String, target: Double, timelines: [String], video: String, width: Int) {
        self.analysisCached = analysisCached
        self.chapters = chapters
        self.duration = duration
        self.height = height
        self.input = input
        self.loudnessLufs = loudnessLufs
        self.narration = narration
        self.narrationSource = narrationSource
        self.script = script
        self.shots = shots
        self.sourceDuration = sourceDuration
        self.srt = srt
        self.target = target
        self.timelines = timelines
        self.video = video
        self.width = width
    }
}

//
// Hashable or Equatable:
// The compiler will not be able to synthesize the implementation of Hashable or Equatable
// for types that require the use of JSONAny, nor will the implementation of Hashable be
// synthesized for types that have collections (such as arrays or dictionaries).

/// One chapter of the film.
// MARK: - Chapter
public struct Chapter: Codable, Equatable, Sendable {
    public let end: Double
    /// Sentences `first..=last` of the transcript (none when `first > last`).
    public let firstSentence: Int
    /// Sentence indices, most representative first.
    public let keySentences: [Int]
    public let lastSentence: Int
    /// Best first.
    public let shots: [CandidateShot]
    public let start: Double
    public let title: String

    public enum CodingKeys: String, CodingKey {
        case end
        case firstSentence = "first_sentence"
        case keySentences = "key_sentences"
        case lastSentence = "last_sentence"
        case shots, start, title
    }

    public init(end: Double, firstSentence: Int, keySentences: [Int], lastSentence: Int, shots: [CandidateShot], start: Double, title: String) {
        self.end = end
        self.firstSentence = firstSentence
        self.keySentences = keySentences
        self.lastSentence = lastSentence
        self.shots = shots
        self.start = start
        self.title = title
    }
}

//
// Hashable or Equatable:
// The compiler will not be able to synthesize the implementation of Hashable or Equatable
// for types that require the use of JSONAny, nor will the implementation of Hashable be
// synthesized for types that have collections (such as arrays or dictionaries).

/// A scene piece inside a chapter that shots may be cut from.
// MARK: - CandidateShot
public struct CandidateShot: Codable, Equatable, Sendable {
    public let end: Double
    /// Mean level, -60..0 dBFS mapped to 0..1.
    public let energy: Double?
    /// Faces seen in the shot (0..1: detector confidence times face size,
    /// full for a medium close-up); absent when faces were not looked for.
    public let face: Double?
    /// Mean motion, normalised by the film's strongest (0..1).
    public let motion: Double?
    /// The shot's rank: motion, loudness and faces together (0..1).
    public let score: Double
    public let start: Double

    public init(end: Double, energy: Double?, face: Double?, motion: Double?, score: Double, start: Double) {
        self.end = end
        self.energy = energy
        self.face = face
        self.motion = motion
        self.score = score
        self.start = start
    }
}

//
// Hashable or Equatable:
// The compiler will not be able to synthesize the implementation of Hashable or Equatable
// for types that require the use of JSONAny, nor will the implementation of Hashable be
// synthesized for types that have collections (such as arrays or dictionaries).

/// A narration sentence on the retell's timeline.
// MARK: - ScriptLine
public struct ScriptLine: Codable, Equatable, Sendable {
    /// Index of the chapter it tells (default 0).
    public let chapter: Int?
    public let end, start: Double
    public let text: String

    public init(chapter: Int?, end: Double, start: Double, text: String) {
        self.chapter = chapter
        self.end = end
        self.start = start
        self.text = text
    }
}

//
// Hashable or Equatable:
// The compiler will not be able to synthesize the implementation of Hashable or Equatable
// for types that require the use of JSONAny, nor will the implementation of Hashable be
// synthesized for types that have collections (such as arrays or dictionaries).

/// What an ingest produced (the content of `<sha256>.json`).
// MARK: - IngestReport
public struct IngestReport: Codable, Equatable, Sendable {
    /// Container sniffed from the bytes (see [`sniff_container`]).
    public let container: String
    /// The store already held these exact bytes; nothing new was stored.
    public let duplicate: Bool
    public let media: MediaInfo
    public let method: Method
    /// The accepted local file: in the store when a destination was given,
    /// else the source file itself.
    public let path: String
    /// Lowercase hex SHA-256 of the file's bytes.
    public let sha256: String
    public let sizeBytes: Int
    /// The source as given (a path or a URL).
    public let source: String
    /// Title reported by yt-dlp, when it fetched the source.
    public let title: String?

    public enum CodingKeys: String, CodingKey {
        case container, duplicate, media, method, path, sha256
        case sizeBytes = "size_bytes"
        case source, title
    }

    public init(container: String, duplicate: Bool, media: MediaInfo, method: Method, path: String, sha256: String, sizeBytes: Int, source: String, title: String?) {
        self.container = container
        self.duplicate = duplicate
        self.media = media
        self.method = method
        self.path = path
        self.sha256 = sha256
        self.sizeBytes = sizeBytes
        self.source = source
        self.title = title
    }
}

//
// Hashable or Equatable:
// The compiler will not be able to synthesize the implementation of Hashable or Equatable
// for types that require the use of JSONAny, nor will the implementation of Hashable be
// synthesized for types that have collections (such as arrays or dictionaries).

/// Everything [`probe`] learns about a file.
// MARK: - MediaInfo
public struct MediaInfo: Codable, Equatable, Sendable {
    public let audio: AudioInfo?
    /// Overall bit rate in bits per second (0 when unknown).
    public let bitRate: Int
    /// Container short name(s), e.g. `mov,mp4,m4a,3gp,3g2,mj2`.
    public let container: String
    /// Human-readable container name.
    public let containerLong: String
    /// Duration in seconds (0 when unknown).
    public let duration: Double
    public let path: String
    public let sizeBytes: Int
    public let streams: [StreamInfo]
    public let video: VideoInfo?

    public enum CodingKeys: String, CodingKey {
        case audio
        case bitRate = "bit_rate"
        case container
        case containerLong = "container_long"
        case duration, path
        case sizeBytes = "size_bytes"
        case streams, video
    }

    public init(audio: AudioInfo?, bitRate: Int, container: String, containerLong: String, duration: Double, path: String, sizeBytes: Int, streams: [StreamInfo], video: VideoInfo?) {
        self.audio = audio
        self.bitRate = bitRate
        self.container = container
        self.containerLong = containerLong
        self.duration = duration
        self.path = path
        self.sizeBytes = sizeBytes
        self.streams = streams
        self.video = video
    }
}

//
// Hashable or Equatable:
// The compiler will not be able to synthesize the implementation of Hashable or Equatable
// for types that require the use of JSONAny, nor will the implementation of Hashable be
// synthesized for types that have collections (such as arrays or dictionaries).

/// The primary audio stream.
// MARK: - AudioInfo
public struct AudioInfo: Codable, Equatable, Sendable {
    public let channels: Int
    public let codec, sampleFormat: String
    public let sampleRate, streamIndex: Int

    public enum CodingKeys: String, CodingKey {
        case channels, codec
        case sampleFormat = "sample_format"
        case sampleRate = "sample_rate"
        case streamIndex = "stream_index"
    }

    public init(channels: Int, codec: String, sampleFormat: String, sampleRate: Int, streamIndex: Int) {
        self.channels = channels
        self.codec = codec
        self.sampleFormat = sampleFormat
        self.sampleRate = sampleRate
        self.streamIndex = streamIndex
    }
}

//
// Hashable or Equatable:
// The compiler will not be able to synthesize the implementation of Hashable or Equatable
// for types that require the use of JSONAny, nor will the implementation of Hashable be
// synthesized for types that have collections (such as arrays or dictionaries).

/// One stream of the container.
// MARK: - StreamInfo
public struct StreamInfo: Codable, Equatable, Sendable {
    /// Codec short name (`h264`, `aac`, `subrip`...).
    public let codec: String
    /// Stream duration in seconds, when the container states it.
    public let duration: Double?
    public let index: Int
    public let kind: StreamKind
    /// ISO 639 language tag from the stream metadata.
    public let language: String?

    public init(codec: String, duration: Double?, index: Int, kind: StreamKind, language: String?) {
        self.codec = codec
        self.duration = duration
        self.index = index
        self.kind = kind
        self.language = language
    }
}

/// What kind of elementary stream.
public enum StreamKind: String, Codable, Equatable, Sendable {
    case attachment = "attachment"
    case audio = "audio"
    case data = "data"
    case subtitle = "subtitle"
    case unknown = "unknown"
    case video = "video"
}

//
// Hashable or Equatable:
// The compiler will not be able to synthesize the implementation of Hashable or Equatable
// for types that require the use of JSONAny, nor will the implementation of Hashable be
// synthesized for types that have collections (such as arrays or dictionaries).

/// The primary video stream.
// MARK: - VideoInfo
public struct VideoInfo: Codable, Equatable, Sendable {
    public let codec: String
    public let displayHeight: Int
    /// Width and height as displayed, after rotation.
    public let displayWidth: Int
    /// Average frame rate in frames per second (0 when unknown).
    public let fps: Double
    /// Frame count when the container states it.
    public let frames: Int?
    public let height: Int
    public let pixelFormat: String
    /// Clockwise rotation to apply for display: 0, 90, 180 or 270.
    public let rotation: Int
    public let streamIndex: Int
    /// Coded width and height, before rotation.
    public let width: Int

    public enum CodingKeys: String, CodingKey {
        case codec
        case displayHeight = "display_height"
        case displayWidth = "display_width"
        case fps, frames, height
        case pixelFormat = "pixel_format"
        case rotation
        case streamIndex = "stream_index"
        case width
    }

    public init(codec: String, displayHeight: Int, displayWidth: Int, fps: Double, frames: Int?, height: Int, pixelFormat: String, rotation: Int, streamIndex: Int, width: Int) {
        self.codec = codec
        self.displayHeight = displayHeight
        self.displayWidth = displayWidth
        self.fps = fps
        self.frames = frames
        self.height = height
        self.pixelFormat = pixelFormat
        self.rotation = rotation
        self.streamIndex = streamIndex
        self.width = width
    }
}

/// How a source was fetched.
///
/// A local file.
///
/// A direct HTTP(S) download.
///
/// Through yt-dlp.
public enum Method: String, Codable, Equatable, Sendable {
    case file = "file"
    case http = "http"
    case ytDlp = "yt-dlp"
}

//
// Hashable or Equatable:
// The compiler will not be able to synthesize the implementation of Hashable or Equatable
// for types that require the use of JSONAny, nor will the implementation of Hashable be
// synthesized for types that have collections (such as arrays or dictionaries).

/// What a transcode made (`reelkit transcode` prints it as JSON).
// MARK: - TranscodeReport
public struct TranscodeReport: Codable, Equatable, Sendable {
    /// Video frames decoded — once, whatever the number of outputs.
    public let decodedFrames: Int
    /// Source duration in seconds.
    public let duration: Double
    /// Wall-clock seconds.
    public let elapsed: Double
    /// Decoded frames per second of wall-clock time.
    public let fps: Double
    public let hls: HLSReport?
    public let input: String
    public let proxy: ProxyReport?
    public let sprite: SpriteReport?
    public let thumbnails: ThumbnailsReport?
    public let waveform: WaveformReport?

    public enum CodingKeys: String, CodingKey {
        case decodedFrames = "decoded_frames"
        case duration, elapsed, fps, hls, input, proxy, sprite, thumbnails, waveform
    }

    public init(decodedFrames: Int, duration: Double, elapsed: Double, fps: Double, hls: HLSReport?, input: String, proxy: ProxyReport?, sprite: SpriteReport?, thumbnails: ThumbnailsReport?, waveform: WaveformReport?) {
        self.decodedFrames = decodedFrames
        self.duration = duration
        self.elapsed = elapsed
        self.fps = fps
        self.hls = hls
        self.input = input
        self.proxy = proxy
        self.sprite = sprite
        self.thumbnails = thumbnails
        self.waveform = waveform
    }
}

//
// Hashable or Equatable:
// The compiler will not be able to synthesize the implementation of Hashable or Equatable
// for types that require the use of JSONAny, nor will the implementation of Hashable be
// synthesized for types that have collections (such as arrays or dictionaries).

/// The HLS output.
// MARK: - HLSReport
public struct HLSReport: Codable, Equatable, Sendable {
    public let dir: String
    /// Path of the master playlist.
    public let master: String
    /// Video rungs (largest first), then the audio rendition.
    public let renditions: [RenditionReport]
    public let segmentFormat: SegmentFormat
    public let segmentSeconds: Double
    /// Requested rungs not made because they are above the source (or the
    /// source has no video).
    public let skippedRungs: [Int]

    public enum CodingKeys: String, CodingKey {
        case dir, master, renditions
        case segmentFormat = "segment_format"
        case segmentSeconds = "segment_seconds"
        case skippedRungs = "skipped_rungs"
    }

    public init(dir: String, master: String, renditions: [RenditionReport], segmentFormat: SegmentFormat, segmentSeconds: Double, skippedRungs: [Int]) {
        self.dir = dir
        self.master = master
        self.renditions = renditions
        self.segmentFormat = segmentFormat
        self.segmentSeconds = segmentSeconds
        self.skippedRungs = skippedRungs
    }
}

//
// Hashable or Equatable:
// The compiler will not be able to synthesize the implementation of Hashable or Equatable
// for types that require the use of JSONAny, nor will the implementation of Hashable be
// synthesized for types that have collections (such as arrays or dictionaries).

/// One HLS rendition as written.
// MARK: - RenditionReport
public struct RenditionReport: Codable, Equatable, Sendable {
    public let averageBandwidth: Int
    /// Peak segment bit rate, bits per second.
    public let bandwidth: Int
    /// RFC 6381 codec string (`avc1.64001f`, `mp4a.40.2`).
    public let codecs: String
    /// Sum of the segment durations, in seconds.
    public let duration: Double
    public let height: Int?
    /// `video` or `audio`.
    public let kind: String
    /// `1080p`, `720p`... or `audio`; also its directory.
    public let name: String
    /// Media playlist, relative to the HLS directory.
    public let playlist: String
    public let segments: Int
    /// x264 threads this rung ran with (video).
    public let threads: Int?
    /// Frames encoded (video) or samples per channel (audio).
    public let units: Int
    public let width: Int?

    public enum CodingKeys: String, CodingKey {
        case averageBandwidth = "average_bandwidth"
        case bandwidth, codecs, duration, height, kind, name, playlist, segments, threads, units, width
    }

    public init(averageBandwidth: Int, bandwidth: Int, codecs: String, duration: Double, height: Int?, kind: String, name: String, playlist: String, segments: Int, threads: Int?, units: Int, width: Int?) {
        self.averageBandwidth = averageBandwidth
        self.bandwidth = bandwidth
        self.codecs = codecs
        self.duration = duration
        self.height = height
        self.kind = kind
        self.name = name
        self.playlist = playlist
        self.segments = segments
        self.threads = threads
        self.units = units
        self.width = width
    }
}

/// HLS segment container.
///
/// Fragmented MP4 (`.m4s` segments plus an `init.mp4`), HLS version 7.
///
/// MPEG-TS (`.ts` segments), playable by every HLS client.
public enum SegmentFormat: String, Codable, Equatable, Sendable {
    case fmp4 = "fmp4"
    case ts = "ts"
}

//
// Hashable or Equatable:
// The compiler will not be able to synthesize the implementation of Hashable or Equatable
// for types that require the use of JSONAny, nor will the implementation of Hashable be
// synthesized for types that have collections (such as arrays or dictionaries).

/// The proxy MP4.
// MARK: - ProxyReport
public struct ProxyReport: Codable, Equatable, Sendable {
    public let audio: Bool
    public let frames: Int
    public let height: Int?
    public let path: String
    public let width: Int?

    public init(audio: Bool, frames: Int, height: Int?, path: String, width: Int?) {
        self.audio = audio
        self.frames = frames
        self.height = height
        self.path = path
        self.width = width
    }
}

//
// Hashable or Equatable:
// The compiler will not be able to synthesize the implementation of Hashable or Equatable
// for types that require the use of JSONAny, nor will the implementation of Hashable be
// synthesized for types that have collections (such as arrays or dictionaries).

/// The sprite sheets and their WebVTT track.
// MARK: - SpriteReport
public struct SpriteReport: Codable, Equatable, Sendable {
    public let columns: Int
    public let dir: String
    public let interval: Double
    public let rows: Int
    public let sheets: [String]
    public let tileHeight, tileWidth, tiles: Int
    /// The WebVTT track, relative to `dir`.
    public let vtt: String

    public enum CodingKeys: String, CodingKey {
        case columns, dir, interval, rows, sheets
        case tileHeight = "tile_height"
        case tileWidth = "tile_width"
        case tiles, vtt
    }

    public init(columns: Int, dir: String, interval: Double, rows: Int, sheets: [String], tileHeight: Int, tileWidth: Int, tiles: Int, vtt: String) {
        self.columns = columns
        self.dir = dir
        self.interval = interval
        self.rows = rows
        self.sheets = sheets
        self.tileHeight = tileHeight
        self.tileWidth = tileWidth
        self.tiles = tiles
        self.vtt = vtt
    }
}

//
// Hashable or Equatable:
// The compiler will not be able to synthesize the implementation of Hashable or Equatable
// for types that require the use of JSONAny, nor will the implementation of Hashable be
// synthesized for types that have collections (such as arrays or dictionaries).

/// The thumbnails.
// MARK: - ThumbnailsReport
public struct ThumbnailsReport: Codable, Equatable, Sendable {
    public let dir: String
    public let files: [Still]
    public let height, width: Int

    public init(dir: String, files: [Still], height: Int, width: Int) {
        self.dir = dir
        self.files = files
        self.height = height
        self.width = width
    }
}

//
// Hashable or Equatable:
// The compiler will not be able to synthesize the implementation of Hashable or Equatable
// for types that require the use of JSONAny, nor will the implementation of Hashable be
// synthesized for types that have collections (such as arrays or dictionaries).

/// One still on disk.
// MARK: - Still
public struct Still: Codable, Equatable, Sendable {
    /// File name inside the output directory.
    public let file: String
    /// Time of the frame shown, in seconds.
    public let time: Double

    public init(file: String, time: Double) {
        self.file = file
        self.time = time
    }
}

//
// Hashable or Equatable:
// The compiler will not be able to synthesize the implementation of Hashable or Equatable
// for types that require the use of JSONAny, nor will the implementation of Hashable be
// synthesized for types that have collections (such as arrays or dictionaries).

/// The waveform file.
// MARK: - WaveformReport
public struct WaveformReport: Codable, Equatable, Sendable {
    /// Min/max pairs written.
    public let length: Int
    public let path: String
    public let peaksPerSecond, sampleRate, samplesPerPixel: Int

    public enum CodingKeys: String, CodingKey {
        case length, path
        case peaksPerSecond = "peaks_per_second"
        case sampleRate = "sample_rate"
        case samplesPerPixel = "samples_per_pixel"
    }

    public init(length: Int, path: String, peaksPerSecond: Int, sampleRate: Int, samplesPerPixel: Int) {
        self.length = length
        self.path = path
        self.peaksPerSecond = peaksPerSecond
        self.sampleRate = sampleRate
        self.samplesPerPixel = samplesPerPixel
    }
}

//
// Hashable or Equatable:
// The compiler will not be able to synthesize the implementation of Hashable or Equatable
// for types that require the use of JSONAny, nor will the implementation of Hashable be
// synthesized for types that have collections (such as arrays or dictionaries).

/// What a burn produced.
// MARK: - BurnReport
public struct BurnReport: Codable, Equatable, Sendable {
    /// `copied`, `none`, or why the audio was left out.
    public let audio: String
    /// Output duration in seconds.
    public let duration: Double
    /// Frames encoded (slates included).
    public let frames: Int
    public let height: Int
    public let introSeconds: Double
    public let output: String
    public let outroSeconds: Double
    /// How many times the subtitle layer was rendered (it is reused while
    /// it does not change).
    public let overlayRenders: Int
    public let width: Int

    public enum CodingKeys: String, CodingKey {
        case audio, duration, frames, height
        case introSeconds = "intro_seconds"
        case output
        case outroSeconds = "outro_seconds"
        case overlayRenders = "overlay_renders"
        case width
    }

    public init(audio: String, duration: Double, frames: Int, height: Int, introSeconds: Double, output: String, outroSeconds: Double, overlayRenders: Int, width: Int) {
        self.audio = audio
        self.duration = duration
        self.frames = frames
        self.height = height
        self.introSeconds = introSeconds
        self.output = output
        self.outroSeconds = outroSeconds
        self.overlayRenders = overlayRenders
        self.width = width
    }
}

//
// Hashable or Equatable:
// The compiler will not be able to synthesize the implementation of Hashable or Equatable
// for types that require the use of JSONAny, nor will the implementation of Hashable be
// synthesized for types that have collections (such as arrays or dictionaries).

/// What a dub produced (what `reelkit dub` prints as JSON).
// MARK: - DubReport
public struct DubReport: Codable, Equatable, Sendable {
    public let bed: String
    public let channels: Int
    public let cues: [CueReport]
    public let ducking: DuckConfig
    public let duration: Double
    public let input: String
    /// Loudness of the mixed track, measured on the written MP4.
    public let mix: Loudness
    public let narration: String
    /// Loudness of the narration stem.
    public let narrationLoudness: Loudness
    public let output: String
    /// Indexes of cues that run past their cue end.
    public let overrun: [Int]
    public let sampleRate: Int
    /// Indexes of cues spoken faster than normal (rate or stretch).
    public let spedUp: [Int]
    /// Seconds of speech placed.
    public let speechSeconds: Double
    /// Wall-clock seconds spent synthesising.
    public let synthesisSeconds: Double
    public let target: LoudnessTarget
    /// Indexes of cues left out because they could not fit.
    public let unfit: [Int]
    public let voice: String

    public enum CodingKeys: String, CodingKey {
        case bed, channels, cues, ducking, duration, input, mix, narration
        case narrationLoudness = "narration_loudness"
        case output, overrun
        case sampleRate = "sample_rate"
        case spedUp = "sped_up"
        case speechSeconds = "speech_seconds"
        case synthesisSeconds = "synthesis_seconds"
        case target, unfit, voice
    }

    public init(bed: String, channels: Int, cues: [CueReport], ducking: DuckConfig, duration: Double, input: String, mix: Loudness, narration: String, narrationLoudness: Loudness, output: String, overrun: [Int], sampleRate: Int, spedUp: [Int], speechSeconds: Double, synthesisSeconds: Double, target: LoudnessTarget, unfit: [Int], voice: String) {
        self.bed = bed
        self.channels = channels
        self.cues = cues
        self.ducking = ducking
        self.duration = duration
        self.input = input
        self.mix = mix
        self.narration = narration
        self.narrationLoudness = narrationLoudness
        self.output = output
        self.overrun = overrun
        self.sampleRate = sampleRate
        self.spedUp = spedUp
        self.speechSeconds = speechSeconds
        self.synthesisSeconds = synthesisSeconds
        self.target = target
        self.unfit = unfit
        self.voice = voice
    }
}

//
// Hashable or Equatable:
// The compiler will not be able to synthesize the implementation of Hashable or Equatable
// for types that require the use of JSONAny, nor will the implementation of Hashable be
// synthesized for types that have collections (such as arrays or dictionaries).

/// What happened to one cue.
// MARK: - CueReport
public struct CueReport: Codable, Equatable, Sendable {
    /// Seconds of speech as placed (0 when left out).
    public let duration: Double
    public let end: Double
    /// 1-based, in script order.
    public let index: Int
    /// Phonemes the voice could not say, with counts.
    public let missingPhonemes: [String: Int]?
    /// Seconds of speech at the normal rate (silence trimmed).
    public let naturalDuration: Double
    public let placedEnd: Double?
    /// Where the speech was placed, when it was.
    public let placedStart: Double?
    /// Speaking-rate factor used (1 = normal).
    public let rate: Double
    public let start: Double
    public let status: FitStatus
    /// Time-stretch factor applied after that (1 = none).
    public let stretch: Double
    public let text: String

    public enum CodingKeys: String, CodingKey {
        case duration, end, index
        case missingPhonemes = "missing_phonemes"
        case naturalDuration = "natural_duration"
        case placedEnd = "placed_end"
        case placedStart = "placed_start"
        case rate, start, status, stretch, text
    }

    public init(duration: Double, end: Double, index: Int, missingPhonemes: [String: Int]?, naturalDuration: Double, placedEnd: Double?, placedStart: Double?, rate: Double, start: Double, status: FitStatus, stretch: Double, text: String) {
        self.duration = duration
        self.end = end
        self.index = index
        self.missingPhonemes = missingPhonemes
        self.naturalDuration = naturalDuration
        self.placedEnd = placedEnd
        self.placedStart = placedStart
        self.rate = rate
        self.start = start
        self.status = status
        self.stretch = stretch
        self.text = text
    }
}

/// How a cue ended up in its slot.
///
/// Spoken at the normal rate.
///
/// Spoken faster (voice speaking rate).
///
/// Spoken faster and time-stretched.
///
/// Still too long: runs past the cue end into the silence after it.
///
/// Could not fit without overlapping what follows: left out.
///
/// The cue has nothing to speak.
public enum FitStatus: String, Codable, Equatable, Sendable {
    case empty = "empty"
    case fits = "fits"
    case overrun = "overrun"
    case spedUp = "sped_up"
    case stretched = "stretched"
    case unfit = "unfit"
}

//
// Hashable or Equatable:
// The compiler will not be able to synthesize the implementation of Hashable or Equatable
// for types that require the use of JSONAny, nor will the implementation of Hashable be
// synthesized for types that have collections (such as arrays or dictionaries).

/// Ducking settings.
// MARK: - DuckConfig
public struct DuckConfig: Codable, Equatable, Sendable {
    /// Seconds to go fully down (default 0.08).
    public let attack: Double?
    /// Bed gain under narration, in dB (default -12; 0 turns ducking off).
    public let depthDb: Double?
    /// Seconds the bed stays down after the narration pauses (default 0.2).
    public let hold: Double?
    /// Seconds the bed starts going down before the narration (default 0.05).
    public let lookahead: Double?
    /// Seconds to come back up (default 0.4).
    public let release: Double?
    /// Key level that counts as narration, in dBFS (default -45).
    public let thresholdDb: Double?

    public enum CodingKeys: String, CodingKey {
        case attack
        case depthDb = "depth_db"
        case hold, lookahead, release
        case thresholdDb = "threshold_db"
    }

    public init(attack: Double?, depthDb: Double?, hold: Double?, lookahead: Double?, release: Double?, thresholdDb: Double?) {
        self.attack = attack
        self.depthDb = depthDb
        self.hold = hold
        self.lookahead = lookahead
        self.release = release
        self.thresholdDb = thresholdDb
    }
}

//
// Hashable or Equatable:
// The compiler will not be able to synthesize the implementation of Hashable or Equatable
// for types that require the use of JSONAny, nor will the implementation of Hashable be
// synthesized for types that have collections (such as arrays or dictionaries).

/// Loudness of the mixed track, measured on the written MP4.
///
/// Loudness of a piece of audio.
///
/// Loudness of the narration stem.
// MARK: - Loudness
public struct Loudness: Codable, Equatable, Sendable {
    /// Integrated loudness in LUFS (`None` for silence: below the gate).
    public let integratedLufs: Double?
    /// Loudness range in LU.
    public let rangeLu: Double
    /// Highest sample peak, in dBFS.
    public let samplePeakDbfs: Double
    /// Highest true peak over all channels, in dBTP.
    public let truePeakDbtp: Double

    public enum CodingKeys: String, CodingKey {
        case integratedLufs = "integrated_lufs"
        case rangeLu = "range_lu"
        case samplePeakDbfs = "sample_peak_dbfs"
        case truePeakDbtp = "true_peak_dbtp"
    }

    public init(integratedLufs: Double?, rangeLu: Double, samplePeakDbfs: Double, truePeakDbtp: Double) {
        self.integratedLufs = integratedLufs
        self.rangeLu = rangeLu
        self.samplePeakDbfs = samplePeakDbfs
        self.truePeakDbtp = truePeakDbtp
    }
}

//
// Hashable or Equatable:
// The compiler will not be able to synthesize the implementation of Hashable or Equatable
// for types that require the use of JSONAny, nor will the implementation of Hashable be
// synthesized for types that have collections (such as arrays or dictionaries).

/// A loudness target: integrated loudness and a true-peak ceiling.
// MARK: - LoudnessTarget
public struct LoudnessTarget: Codable, Equatable, Sendable {
    /// Integrated loudness in LUFS (default -14, what streaming platforms use).
    public let lufs: Double?
    /// True-peak ceiling in dBTP (default -1).
    public let truePeak: Double?

    public enum CodingKeys: String, CodingKey {
        case lufs
        case truePeak = "true_peak"
    }

    public init(lufs: Double?, truePeak: Double?) {
        self.lufs = lufs
        self.truePeak = truePeak
    }
}

//
// Hashable or Equatable:
// The compiler will not be able to synthesize the implementation of Hashable or Equatable
// for types that require the use of JSONAny, nor will the implementation of Hashable be
// synthesized for types that have collections (such as arrays or dictionaries).

/// What a streamed synthesis produced.
// MARK: - SynthesisSummary
public struct SynthesisSummary: Codable, Equatable, Sendable {
    /// Seconds of audio produced.
    public let duration: Double
    /// Wall-clock seconds of the whole call.
    public let elapsed: Double
    /// Wall-clock seconds until the first audio was handed over.
    public let firstAudioAfter: Double
    public let missingPhonemes: [String: Int]
    public let sampleRate, sentences: Int
    public let voice: String

    public enum CodingKeys: String, CodingKey {
        case duration, elapsed
        case firstAudioAfter = "first_audio_after"
        case missingPhonemes = "missing_phonemes"
        case sampleRate = "sample_rate"
        case sentences, voice
    }

    public init(duration: Double, elapsed: Double, firstAudioAfter: Double, missingPhonemes: [String: Int], sampleRate: Int, sentences: Int, voice: String) {
        self.duration = duration
        self.elapsed = elapsed
        self.firstAudioAfter = firstAudioAfter
        self.missingPhonemes = missingPhonemes
        self.sampleRate = sampleRate
        self.sentences = sentences
        self.voice = voice
    }
}

//
// Hashable or Equatable:
// The compiler will not be able to synthesize the implementation of Hashable or Equatable
// for types that require the use of JSONAny, nor will the implementation of Hashable be
// synthesized for types that have collections (such as arrays or dictionaries).

/// Synthesised speech: mono samples with what was said when.
// MARK: - Speech
public struct Speech: Codable, Equatable, Sendable {
    /// Phonemes the voice has no id for, with counts (they were skipped).
    public let missingPhonemes: [String: Int]
    public let sampleRate: Int
    /// Mono samples in -1..=1.
    public let samples: [Double]
    public let sentences: [SpokenSentence]
    public let voice: String

    public enum CodingKeys: String, CodingKey {
        case missingPhonemes = "missing_phonemes"
        case sampleRate = "sample_rate"
        case samples, sentences, voice
    }

    public init(missingPhonemes: [String: Int], sampleRate: Int, samples: [Double], sentences: [SpokenSentence], voice: String) {
        self.missingPhonemes = missingPhonemes
        self.sampleRate = sampleRate
        self.samples = samples
        self.sentences = sentences
        self.voice = voice
    }
}

//
// Hashable or Equatable:
// The compiler will not be able to synthesize the implementation of Hashable or Equatable
// for types that require the use of JSONAny, nor will the implementation of Hashable be
// synthesized for types that have collections (such as arrays or dictionaries).

/// One sentence as spoken.
// MARK: - SpokenSentence
public struct SpokenSentence: Codable, Equatable, Sendable {
    public let end: Double
    /// The phonemes read by the voice (IPA for Piper voices; empty for
    /// espeak-ng voices, which phonemise internally).
    public let phonemes: String
    /// Seconds from the start of the speech.
    public let start: Double
    public let text: String

    public init(end: Double, phonemes: String, start: Double, text: String) {
        self.end = end
        self.phonemes = phonemes
        self.start = start
        self.text = text
    }
}

//
// Hashable or Equatable:
// The compiler will not be able to synthesize the implementation of Hashable or Equatable
// for types that require the use of JSONAny, nor will the implementation of Hashable be
// synthesized for types that have collections (such as arrays or dictionaries).

/// A voice that can be asked for by `id`.
// MARK: - Voice
public struct Voice: Codable, Equatable, Sendable {
    /// A human description (dataset or espeak-ng voice name).
    public let description: String
    public let engine: VoiceEngine
    /// The espeak-ng voice that makes its phonemes (or speaks it).
    public let espeakVoice: String
    /// What to pass as `voice`: a model store id (`joe`), a voice file stem
    /// from a voice directory, a path, or `espeak:<language>`.
    public let id: String
    /// Whether it can be used now (store voices may need `reelkit models fetch`).
    public let installed: Bool
    /// Language code, e.g. `en_US` (Piper) or `de` (espeak-ng).
    public let language: String
    public let numSpeakers: Int
    /// The `.onnx` file of a Piper voice.
    public let path: String?
    /// Piper quality tier (`x_low`, `low`, `medium`, `high`).
    public let quality: String?
    public let sampleRate: Int
    /// Speaker names of multi-speaker voices, ordered by id.
    public let speakers: [String]

    public enum CodingKeys: String, CodingKey {
        case description, engine
        case espeakVoice = "espeak_voice"
        case id, installed, language
        case numSpeakers = "num_speakers"
        case path, quality
        case sampleRate = "sample_rate"
        case speakers
    }

    public init(description: String, engine: VoiceEngine, espeakVoice: String, id: String, installed: Bool, language: String, numSpeakers: Int, path: String?, quality: String?, sampleRate: Int, speakers: [String]) {
        self.description = description
        self.engine = engine
        self.espeakVoice = espeakVoice
        self.id = id
        self.installed = installed
        self.language = language
        self.numSpeakers = numSpeakers
        self.path = path
        self.quality = quality
        self.sampleRate = sampleRate
        self.speakers = speakers
    }
}

/// Which synthesiser speaks a voice.
///
/// A neural Piper (VITS) voice run through ONNX Runtime.
///
/// espeak-ng's formant synthesiser.
public enum VoiceEngine: String, Codable, Equatable, Sendable {
    case espeak = "espeak"
    case piper = "piper"
}

//
// Hashable or Equatable:
// The compiler will not be able to synthesize the implementation of Hashable or Equatable
// for types that require the use of JSONAny, nor will the implementation of Hashable be
// synthesized for types that have collections (such as arrays or dictionaries).

/// One cue as read from a subtitle file.
// MARK: - SubtitleCue
public struct SubtitleCue: Codable, Equatable, Sendable {
    public let end: Double
    /// The cue identifier (SRT counter or WebVTT id), when present.
    public let id: String?
    /// Text lines (markup kept as written).
    public let lines: [String]
    /// WebVTT cue settings (`align:start line:0`…), when present.
    public let settings: String?
    public let start: Double

    public init(end: Double, id: String?, lines: [String], settings: String?, start: Double) {
        self.end = end
        self.id = id
        self.lines = lines
        self.settings = settings
        self.start = start
    }
}

//
// Hashable or Equatable:
// The compiler will not be able to synthesize the implementation of Hashable or Equatable
// for types that require the use of JSONAny, nor will the implementation of Hashable be
// synthesized for types that have collections (such as arrays or dictionaries).

/// One progress report: `done` out of `total` units of work in `stage`.
// MARK: - ProgressEvent
public struct ProgressEvent: Codable, Equatable, Sendable {
    /// Work done so far, in `unit`s.
    public let done: Double
    /// Estimated seconds of wall-clock time left in this stage, when known.
    public let eta: Double?
    /// Optional detail, e.g. the clip being exported.
    public let message: String?
    /// Throughput in `unit`s per second of wall-clock time (frames per
    /// second while transcoding, bytes per second while downloading), when
    /// the stage measures it.
    public let rate: Double?
    public let stage: Stage
    /// Total work in `unit`s, when known.
    public let total: Double?
    /// What is counted: "seconds" of media, "frames", "clips"...
    public let unit: String

    public init(done: Double, eta: Double?, message: String?, rate: Double?, stage: Stage, total: Double?, unit: String) {
        self.done = done
        self.eta = eta
        self.message = message
        self.rate = rate
        self.stage = stage
        self.total = total
        self.unit = unit
    }
}

/// The pipeline stage an event belongs to.
///
/// Text-to-speech synthesis.
///
/// Fitting, ducking, loudness and mixing of audio tracks.
///
/// Fetching a URL (yt-dlp or direct HTTP); counted in bytes.
///
/// Hashing media bytes for the content fingerprint; counted in bytes.
///
/// Decoding once and encoding every output (HLS rungs, proxy, images).
///
/// Loading a model (Whisper, a voice) into memory.
///
/// Downloading, verifying and installing models; counted in bytes.
///
/// Finding faces and the active speaker for a moving crop.
public enum Stage: String, Codable, Equatable, Sendable {
    case decodeAudio = "decode_audio"
    case download = "download"
    case export = "export"
    case fetchModels = "fetch_models"
    case fingerprint = "fingerprint"
    case loadModel = "load_model"
    case mix = "mix"
    case probe = "probe"
    case rank = "rank"
    case reframe = "reframe"
    case render = "render"
    case scenes = "scenes"
    case signals = "signals"
    case synthesize = "synthesize"
    case transcode = "transcode"
    case transcribe = "transcribe"
}
