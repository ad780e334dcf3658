"""`reelkit.retell` on a short two-chapter film (espeak-ng speech over lavfi
pictures, one subject and one picture per chapter) retold in 12 seconds,
with progress events, and the edited script rendered again from the cache."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

import reelkit

from conftest import require

# The fixture film, built the same way for every face's tests.
MAKE_FILM = Path(__file__).resolve().parents[3] / "scripts" / "make_retell_film.sh"


@pytest.fixture(scope="module")
def film(tmp_path_factory: pytest.TempPathFactory) -> Path:
    installed = {m["id"] for m in reelkit.models_list() if m["installed"]}
    require("models", {"joe", "minilm", "onnxruntime"} <= installed,
            "the joe voice, MiniLM and ONNX Runtime are not installed (run `reelkit models fetch`)")
    require("tools", shutil.which("espeak-ng") is not None, "espeak-ng is not installed")
    require("tools", shutil.which("ffmpeg") is not None, "ffmpeg is not installed")
    folder = tmp_path_factory.mktemp("film")
    subprocess.run(["bash", str(MAKE_FILM), str(folder)], check=True)
    return folder / "film.mp4"


def test_retell_a_two_chapter_film_with_progress_and_a_script(film: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    events: list[reelkit.ProgressEvent] = []
    report = reelkit.retell(film, out, 0.2, options={"bed": "mute", "min_chapter": 4, "max_shot": 4},
                            progress=events.append)

    for name in ("retell.mp4", "retell.srt", "retell.json", "retell.otio"):
        assert (out / name).is_file(), name
    assert report["narration_source"] == "extractive" and not report["analysis_cached"]
    assert report["target"] == 12 and abs(report["duration"] - 12) <= 1.2, report["duration"]
    assert report["chapters"] and report["narration"] and report["shots"] >= 1
    order = [line.get("chapter", 0) for line in report["narration"]]
    assert order == sorted(order), "narration out of chapter order"

    info = reelkit.probe(out / "retell.mp4")
    assert info.video is not None and info.video.codec == "h264"
    assert info.audio is not None and info.audio.codec == "aac"
    assert info.duration == pytest.approx(report["duration"], abs=0.3)

    script = json.loads((out / "retell.json").read_text())
    assert [line["text"] for line in script["narration"]] == [line["text"] for line in report["narration"]]
    for shot in script["shots"]:
        assert 0 <= shot["source_start"] < shot["source_end"] <= report["source_duration"] + 1e-6, shot
    captions = " ".join(line for cue in reelkit.read_subtitles(out / "retell.srt") for line in cue["lines"])
    assert captions == " ".join(line["text"] for line in report["narration"])

    stages = {e.stage for e in events}
    for stage in ("fingerprint", "transcribe", "scenes", "synthesize", "mix", "render"):
        assert stage in stages, f"no {stage} event in {sorted(stages)}"

    # The same job through `run`, rendering the script again from the cache.
    again = reelkit.run({"kind": "retell", "input": str(film), "output": str(out),
                         "params": {"minutes": 0.2, "bed": "mute", "min_chapter": 4, "max_shot": 4,
                                    "script": str(out / "retell.json")}})
    assert again["kind"] == "retell"
    assert again["analysis_cached"] is True and again["narration_source"] == "script"
