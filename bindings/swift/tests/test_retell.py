"""`Engine.retell` through the C ABI: a short two-chapter film (espeak-ng
speech over lavfi pictures, one subject and one picture per chapter)
retold in 12 seconds, with progress; bad options refused before any work."""

import asyncio
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import model_installed, require

# The fixture film, built the same way for every face's tests.
MAKE_FILM = Path(__file__).resolve().parents[3] / "scripts" / "make_retell_film.sh"


def run(coro):
    return asyncio.run(coro)


@pytest.fixture(scope="module")
def film(tmp_path_factory, models_dir):
    for model in ("joe", "minilm"):
        require("models", model_installed(models_dir, model), f"model {model} not installed (run `reelkit models fetch`)")
    for tool in ("espeak-ng", "ffmpeg"):
        require("tools", shutil.which(tool) is not None, f"{tool} is not installed")
    folder = tmp_path_factory.mktemp("film")
    subprocess.run(["bash", str(MAKE_FILM), str(folder)], check=True)
    return str(folder / "film.mp4")


class Recorder:
    def __init__(self, rk):
        events = self.events = []

        class _Observer(rk.ProgressObserver):
            def on_progress(self, event):
                events.append(event)

        self.observer = _Observer()


def test_retell_a_two_chapter_film_with_progress(rk, types, engine, film, tmp_path):
    out = tmp_path / "out"
    rec = Recorder(rk)
    options = rk.RetellOptions(bed="mute", job_json=json.dumps({"min_chapter": 4, "max_shot": 4}))
    report = run(engine.retell(film, str(out), 0.2, options, rec.observer, None))
    assert isinstance(report, types.RetellReport)
    for name in ("retell.mp4", "retell.srt", "retell.json", "retell.otio"):
        assert (out / name).is_file(), name
    assert report.video == "retell.mp4" and report.narration_source == "extractive" and not report.analysis_cached
    assert report.target == 12 and abs(report.duration - 12) <= 1.2, report.duration
    assert report.chapters and report.narration and report.shots >= 1
    order = [line.chapter for line in report.narration]
    assert order == sorted(order)
    info = rk.probe(str(out / "retell.mp4"))
    assert info.video.codec == "h264" and info.audio.codec == "aac"
    assert info.duration == pytest.approx(report.duration, abs=0.3)
    cues = rk.read_subtitles(str(out / "retell.srt"))
    assert " ".join(line for cue in cues for line in cue.lines) == " ".join(line.text for line in report.narration)
    script = json.loads((out / "retell.json").read_text())
    for shot in script["shots"]:
        assert 0 <= shot["source_start"] < shot["source_end"] <= report.source_duration + 1e-6, shot
    stages = {e.stage.value for e in rec.events}
    assert {"fingerprint", "transcribe", "scenes", "synthesize", "mix", "render"} <= stages, stages

    # The edited script renders again from the cached analysis.
    again = run(engine.retell(film, str(out), 0.2, rk.RetellOptions(bed="mute", script=str(out / "retell.json"),
                                                                 job_json='{"min_chapter": 4, "max_shot": 4}'), None, None))
    assert again.analysis_cached and again.narration_source == "script"


def test_retell_refuses_bad_options_before_any_work(rk, engine, tmp_path):
    out = tmp_path / "never"
    with pytest.raises(rk.ReelkitError.InvalidParameter) as caught:
        run(engine.retell("a.mp4", str(out), 500.0, None, None, None))
    assert caught.value.name == "params.minutes"
    with pytest.raises(rk.ReelkitError.InvalidConfig) as caught:
        run(engine.retell("a.mp4", str(out), 1.0, rk.RetellOptions(job_json='{"minuts": 2}'), None, None))
    assert caught.value.field == "params.minuts" and "minutes" in caught.value.accepted
    with pytest.raises(rk.ReelkitError.InvalidConfig) as caught:
        run(engine.retell("a.mp4", str(out), 1.0, rk.RetellOptions(bed="loud"), None, None))
    assert caught.value.field == "params.bed"
    assert not out.exists()
