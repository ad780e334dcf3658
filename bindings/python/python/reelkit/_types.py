"""Shapes of the plain-dict results (for type checkers and editors).

These mirror the JSON the core writes (``clips.json``, scene lists, model
status); the tests check them against real results.
"""

from __future__ import annotations

from typing import Dict, List, Optional, TypedDict
from typing import Any, Dict, List, Optional, TypedDict


class SignalScores(TypedDict):
    """Each ranking signal of a clip, normalised to 0..1, and raw measures."""

    energy: float
    scene_changes: float
    speech_density: float
    energy_db: float
    cuts: int
    words_per_second: float


class ClipReport(TypedDict):
    """One exported clip; file names are relative to the output directory."""

    index: int
    video: str
    srt: str
    vtt: str
    ass: str
    start: float
    end: float
    duration: float
    score: float
    signals: SignalScores
    text: str
    reason: str


class ClipsReport(TypedDict):
    """What :func:`reelkit.clips` returns (also written to ``clips.json``)."""

    input: str
    duration: float
    language: str
    model: str
    aspect: str
    width: int
    height: int
    clips: List[ClipReport]


class Scene(TypedDict):
    start: float
    end: float
    start_frame: int
    end_frame: int


class SceneList(TypedDict):
    """What :func:`reelkit.detect_scenes` returns."""

    fps: float
    frames: int
    scenes: List[Scene]


class ModelStatus(TypedDict):
    """One row of :func:`reelkit.models_list` / :func:`reelkit.models_fetch`."""

    id: str
    kind: str
    description: str
    installed: bool
    path: str
    size_bytes: int
    default: bool


__all__ = ["ClipReport", "ClipsReport", "ModelStatus", "Scene", "SceneList", "SignalScores"]


class SubtitleCue(TypedDict):
    """One cue of an SRT or WebVTT file (``read_subtitles``)."""

    id: Optional[str]
    start: float
    end: float
    lines: List[str]
    settings: Optional[str]


class Voice(TypedDict):
    """A voice :func:`reelkit.synthesize` can use (``id`` is what to pass)."""

    id: str
    engine: str
    language: str
    espeak_voice: str
    sample_rate: int
    quality: Optional[str]
    speakers: List[str]
    num_speakers: int
    installed: bool
    path: Optional[str]
    description: str


class SpokenSentence(TypedDict):
    """One sentence of a :class:`reelkit.Speech`, times in seconds."""

    text: str
    phonemes: str
    start: float
    end: float


class SynthesisSummary(TypedDict):
    """What :func:`reelkit.tts` returns."""

    voice: str
    sample_rate: int
    duration: float
    sentences: int
    missing_phonemes: Dict[str, int]
    first_audio_after: float
    elapsed: float


class Loudness(TypedDict):
    """EBU R128 measurements."""

    integrated_lufs: Optional[float]
    range_lu: float
    true_peak_dbtp: float
    sample_peak_dbfs: float


class LoudnessTarget(TypedDict):
    lufs: float
    true_peak: float


class CueReport(TypedDict, total=False):
    """What happened to one narration cue (``status``: fits, sped_up, stretched, overrun, unfit, empty)."""

    index: int
    start: float
    end: float
    text: str
    status: str
    natural_duration: float
    duration: float
    rate: float
    stretch: float
    placed_start: Optional[float]
    placed_end: Optional[float]
    missing_phonemes: Dict[str, int]


class DubReport(TypedDict):
    """What :func:`reelkit.dub` returns (``reelkit dub`` prints the same JSON)."""

    input: str
    output: str
    narration: str
    bed: str
    voice: str
    sample_rate: int
    channels: int
    duration: float
    target: LoudnessTarget
    mix: Loudness
    narration_loudness: Loudness
    ducking: Dict[str, float]
    cues: List[CueReport]
    sped_up: List[int]
    overrun: List[int]
    unfit: List[int]
    speech_seconds: float
    synthesis_seconds: float
class IngestReport(TypedDict):
    """What :func:`reelkit.ingest` returns (also ``<sha256>.json`` in the store)."""

    source: str
    method: str
    """``file``, ``http`` or ``yt-dlp``."""
    path: str
    sha256: str
    size_bytes: int
    container: str
    """Sniffed from the bytes: ``mp4``, ``mov``, ``mkv``, ``webm``, ``mpegts``..."""
    duplicate: bool
    title: Optional[str]
    media: Dict[str, Any]
    """The probe of the stored file (``MediaInfo.to_dict()``)."""


class PolicyOptions(TypedDict, total=False):
    """The ``policy`` of :func:`reelkit.ingest`; every key is optional."""

    max_bytes: Optional[int]
    max_duration: Optional[float]
    min_duration: Optional[float]
    allowed_containers: List[str]
    allowed_video_codecs: List[str]
    allowed_audio_codecs: List[str]
    min_width: Optional[int]
    min_height: Optional[int]
    max_width: Optional[int]
    max_height: Optional[int]
    require_video: bool
    require_audio: bool


class FetchOptions(TypedDict, total=False):
    """The ``fetch`` settings of :func:`reelkit.ingest`; every key is optional."""

    timeout: float
    connect_timeout: float
    idle_timeout: float
    yt_dlp_mode: str
    """``auto`` (default), ``always`` or ``never``."""
    yt_dlp: Optional[str]
    format: Optional[str]
    user_agent: str


class TranscodeOptions(TypedDict, total=False):
    """A partial TranscodeJob: ``hls``, ``proxy``, ``thumbnails``, ``sprite``,
    ``waveform`` sections (dicts of their settings) and ``threads``."""

    hls: Optional[Dict[str, Any]]
    proxy: Optional[Dict[str, Any]]
    thumbnails: Optional[Dict[str, Any]]
    sprite: Optional[Dict[str, Any]]
    waveform: Optional[Dict[str, Any]]
    threads: int


class RenditionReport(TypedDict):
    """One HLS rendition: a video rung or the shared audio."""

    name: str
    kind: str
    playlist: str
    width: Optional[int]
    height: Optional[int]
    codecs: str
    bandwidth: int
    average_bandwidth: int
    segments: int
    duration: float
    units: int
    """Frames encoded (video) or samples per channel (audio)."""
    threads: Optional[int]


class HlsReport(TypedDict):
    dir: str
    master: str
    segment_format: str
    segment_seconds: float
    renditions: List[RenditionReport]
    skipped_rungs: List[int]


class ProxyReport(TypedDict):
    path: str
    width: Optional[int]
    height: Optional[int]
    frames: int
    audio: bool


class Still(TypedDict):
    time: float
    file: str


class ThumbnailsReport(TypedDict):
    dir: str
    width: int
    height: int
    files: List[Still]


class SpriteReport(TypedDict):
    dir: str
    vtt: str
    sheets: List[str]
    tiles: int
    tile_width: int
    tile_height: int
    columns: int
    rows: int
    interval: float


class WaveformReport(TypedDict):
    path: str
    peaks_per_second: int
    samples_per_pixel: int
    sample_rate: int
    length: int


class TranscodeReport(TypedDict):
    """What :func:`reelkit.transcode` returns."""

    input: str
    duration: float
    decoded_frames: int
    elapsed: float
    fps: float
    hls: Optional[HlsReport]
    proxy: Optional[ProxyReport]
    thumbnails: Optional[ThumbnailsReport]
    sprite: Optional[SpriteReport]
    waveform: Optional[WaveformReport]


__all__ = [
    "ClipReport",
    "ClipsReport",
    "FetchOptions",
    "HlsReport",
    "IngestReport",
    "ModelStatus",
    "PolicyOptions",
    "ProxyReport",
    "RenditionReport",
    "Scene",
    "SceneList",
    "SignalScores",
    "SpriteReport",
    "Still",
    "ThumbnailsReport",
    "TranscodeOptions",
    "TranscodeReport",
    "WaveformReport",
]
