"""Shapes of the plain-dict results (for type checkers and editors).

These mirror the JSON the core writes (``clips.json``, scene lists, model
status); the tests check them against real results.
"""

from __future__ import annotations

from typing import List, Optional, TypedDict


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
