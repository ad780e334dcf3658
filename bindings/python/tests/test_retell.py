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

from conftest import ffmpeg, require

SUBJECTS = [
    ("testsrc2", "Honey bees live in colonies of many thousands of workers and a single queen. "
                 "Worker bees fly from flower to flower collecting nectar and pollen."),
    ("mandelbrot", "The moon orbits the earth about once every twenty seven days. "
                   "Its gravity pulls on the oceans and raises the tides twice a day."),
]


@pytest.fixture(scope="module")
def film(tmp_path_factory: pytest.TempPathFactory) -> Path:
    installed = {m["id"] for m in reelkit.models_list() if m["installed"]}
    require("models", {"joe", "minilm", "onnxruntime"} <= installed,
            "the joe voice, MiniLM and ONNX Runtime are not installed (run `reelkit models fetch`)")
    require("tools", shutil.which("espeak-ng") is not None, "espeak-ng is not installed")
    folder = tmp_path_factory.mktemp("film")
    parts = []
    for i, (picture, text) in enumerate(SUBJECTS):
        wav, part = folder / f"speech-{i}.wav", folder / f"part-{i}.mp4"
        subprocess.run(["espeak-ng", "-v", "en-us", "-s", "150", "-w", str(wav), text], check=True)
        ffmpeg("-f", "lavfi", "-i", f"{picture}=size=320x240:rate=25", "-i", str(wav),
               "-filter_complex", "[1:a]aresample=48000,apad=pad_dur=1[s]", "-map", "0:v", "-map", "[s]",
               "-shortest", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
               "-c:a", "aac", "-ac", "1", str(part))
        parts.append(part)
    listing = folder / "parts.txt"
    listing.write_text("".join(f"file '{p}'\n" for p in parts))
    path = folder / "film.mp4"
    ffmpeg("-f", "concat", "-safe", "0", "-i", str(listing), "-c", "copy", str(path))
    return path


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
