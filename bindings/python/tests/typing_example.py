"""Typed use of the package, checked with ``mypy --strict`` by test_types.py.

Not a test module: it is never run, only type-checked (and it must pass).
The spec and report types are the TypedDicts generated from the schema.
"""

from __future__ import annotations

from pathlib import Path

import reelkit


def clips_spec(video: Path, out: Path) -> reelkit.ClipsJobSpec:
    return {
        "kind": "clips",
        "input": str(video),
        "output": str(out),
        "params": {"top": 1, "aspect": "9:16", "min_duration": 5.0, "asr": {"threads": 2, "device": "cpu"}},
    }


def first_clip_text(video: Path, out: Path) -> str:
    report = reelkit.run(clips_spec(video, out))
    clips: list[reelkit.ClipReport] = report["clips"]
    return clips[0]["text"] if clips else ""


def seconds_of(report: reelkit.JobReport) -> float:
    """A report narrows on its `kind`."""
    if report["kind"] == "probe":
        return report["duration"]
    if report["kind"] == "clips":
        return sum(clip["end"] - clip["start"] for clip in report["clips"])
    if report["kind"] == "transcribe":
        return report["transcript"]["duration"]
    return 0.0


def ladder(out: Path) -> reelkit.TranscodeJobSpec:
    return {
        "kind": "transcode",
        "input": "talk.mp4",
        "output": str(out),
        "params": {"hls": {"ladder": [720, 480], "segment_format": "ts"}, "waveform": {"path": "peaks.json"}},
    }


def misspelt_key(spec: reelkit.JobSpec) -> tuple[str, str | None, tuple[str, ...]]:
    try:
        reelkit.run(spec)
    except reelkit.InvalidConfigError as e:
        return e.code, e.field, e.accepted
    return "", None, ()


def on_a_private_engine(models: Path, video: Path) -> list[str]:
    engine = reelkit.Engine(models, fonts_dir=None)
    report = engine.run({"kind": "transcribe", "input": str(video), "params": {"asr": {"model": "tiny.en"}}})
    words = [w["word"] for s in report["transcript"]["segments"] for w in s["words"]]
    transcript = engine.transcribe(video, progress=lambda e: print(e.stage, e.fraction))
    return words + [w.word for w in transcript.words]


def shorthands(video: Path, out: Path) -> float:
    report = reelkit.clips(video, out, top=1, options={"detect_scenes": False, "clips": {"top": 3}})
    info: reelkit.MediaInfoDict = reelkit.probe(video).to_dict()
    scenes: reelkit.SceneList = reelkit.detect_scenes(video)
    rows: list[reelkit.ModelStatus] = reelkit.models_list()
    summary = reelkit.tts("Hello.", out / "hello.wav", options={"sentence_pause": 0.2, "markup": "plain"})
    return report["duration"] + info["duration"] + scenes["fps"] + len(rows) + summary["duration"]
