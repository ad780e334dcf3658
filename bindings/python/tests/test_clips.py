"""clips: the whole pipeline on a real talking-head video."""

from __future__ import annotations

import json
import typing
from pathlib import Path

import pytest

import reelkit


@pytest.fixture(scope="module")
def clips_run(
    speech_video: Path, tiny_model: str, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, dict, list[reelkit.ProgressEvent]]:
    out = tmp_path_factory.mktemp("clips")
    events: list[reelkit.ProgressEvent] = []
    report = reelkit.clips(
        speech_video,
        out,
        top=1,
        model=tiny_model,
        aspect="9:16",
        # A partial ClipsJob: explicit arguments override it, the rest keeps
        # its defaults. No scene pass and a small frame keep the test quick.
        options={"detect_scenes": False, "max_long_side": 640, "clips": {"top": 5, "min_duration": 5.0}},
        progress=events.append,
    )
    return out, report, events


def test_clips_writes_video_captions_and_report(clips_run: tuple[Path, dict, list]) -> None:
    out, report, _ = clips_run
    assert (out / "clip-01.mp4").is_file()
    assert (out / "clip-01.srt").is_file()
    assert (out / "clip-01.vtt").is_file()
    assert (out / "clips.json").is_file()
    assert (out / "transcript.json").is_file()
    assert json.loads((out / "clips.json").read_text()) == report

    assert len(report["clips"]) == 1  # top=1 beats options["clips"]["top"]
    clip = report["clips"][0]
    assert clip["video"] == "clip-01.mp4" and clip["srt"] == "clip-01.srt"
    assert 5.0 - 0.5 <= clip["duration"] <= 60.0 + 0.5
    assert clip["text"].strip()
    srt = (out / "clip-01.srt").read_text()
    assert srt.startswith("1\n") and "-->" in srt

    assert report["aspect"] == "9:16" and report["model"] == "tiny.en"
    assert max(report["width"], report["height"]) <= 640 and report["height"] > report["width"]
    info = reelkit.probe(out / "clip-01.mp4")
    assert info.video is not None and (info.video.width, info.video.height) == (report["width"], report["height"])
    assert info.duration == pytest.approx(clip["duration"], abs=0.25)
    assert info.audio is not None


def test_clips_report_matches_its_typed_dict(clips_run: tuple[Path, dict, list]) -> None:
    _, report, _ = clips_run
    assert set(report) == set(typing.get_type_hints(reelkit.ClipsReport))
    assert set(report["clips"][0]) == set(typing.get_type_hints(reelkit.ClipReport))
    assert set(report["clips"][0]["signals"]) == set(typing.get_type_hints(reelkit.SignalScores))


def test_clips_progress_runs_through_the_stages(clips_run: tuple[Path, dict, list]) -> None:
    _, _, events = clips_run
    stages = list(dict.fromkeys(e.stage for e in events))
    # The model loads once per engine (and is reported) before transcribing.
    assert [s for s in stages if s != "load_model"][:2] == ["probe", "transcribe"]
    assert "load_model" not in stages or stages.index("load_model") < stages.index("transcribe")
    assert stages[-1] == "export"
    assert "scenes" not in stages  # detect_scenes=False from options
    export = [e.fraction for e in events if e.stage == "export"]
    assert export == sorted(export) and export[-1] == pytest.approx(1.0)
    assert any(e.message == "clip-01" for e in events if e.stage == "export")


@pytest.mark.parametrize(
    ("kwargs", "needle"),
    [
        ({"options": {"clips": {"tpo": 2}}}, "clips.tpo"),
        ({"options": {"crf": 99}}, "crf"),
        ({"options": {"clips": {"top": "three"}}}, "options"),
        ({"options": ["not", "a", "dict"]}, "options"),
        ({"options": {"crf": float("nan")}}, "options"),
        ({"aspect": "3:1"}, "aspect"),
        ({"min_duration": 30.0, "max_duration": 10.0}, "duration"),
    ],
)
def test_clips_rejects_bad_jobs_before_any_work(tmp_path: Path, kwargs: dict, needle: str) -> None:
    out = tmp_path / "out"
    with pytest.raises(reelkit.InvalidParameterError, match=needle):
        reelkit.clips(tmp_path / "missing.mp4", out, **kwargs)
    assert not out.exists()


def test_clips_on_a_missing_input(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        reelkit.clips(tmp_path / "missing.mp4", tmp_path / "out")
