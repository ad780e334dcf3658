"""Text to speech and dubbing through the Python binding."""

from __future__ import annotations

import re
import subprocess
import threading
from pathlib import Path

import numpy as np
import pytest

import reelkit

from conftest import ffmpeg, require


@pytest.fixture(scope="session")
def joe() -> str:
    installed = {m["id"] for m in reelkit.models_list() if m["installed"]}
    require("models", {"joe", "onnxruntime"} <= installed, "the joe voice and ONNX Runtime are not installed (run `reelkit models fetch`)")
    return "joe"


def test_synthesize_returns_float32_audio_deterministically(joe: str) -> None:
    events: list[reelkit.ProgressEvent] = []
    speech = reelkit.synthesize("Hello from Python. Two sentences.", joe, seed=3, progress=events.append)
    assert isinstance(speech, reelkit.Speech)
    assert speech.audio.dtype == np.float32 and speech.audio.ndim == 1
    assert speech.sample_rate == 22050
    assert len(speech) == speech.audio.shape[0]
    assert speech.duration == pytest.approx(len(speech) / 22050)
    assert 1.5 < speech.duration < 8
    assert [s["text"] for s in speech.sentences] == ["Hello from Python.", "Two sentences."]
    assert speech.missing_phonemes == {}
    assert any(e.stage == "synthesize" for e in events)
    again = reelkit.synthesize("Hello from Python. Two sentences.", joe, seed=3)
    np.testing.assert_array_equal(speech.audio, again.audio)
    other = reelkit.synthesize("Hello from Python. Two sentences.", joe, seed=4)
    assert not np.array_equal(speech.audio, other.audio)
    faster = reelkit.synthesize("Hello from Python. Two sentences.", joe, seed=3, rate=1.5)
    assert faster.duration < speech.duration
    assert "Speech(voice='joe'" in repr(speech)


def test_batch_tts_file_and_voices(joe: str, tmp_path: Path) -> None:
    speeches = reelkit.synthesize_batch(["First cue.", "Second cue, a little longer."], joe)
    assert [s.voice for s in speeches] == ["joe", "joe"]
    assert speeches[1].duration > speeches[0].duration
    out = tmp_path / "speech.wav"
    summary = reelkit.tts("Written to a file.", out, joe, options={"sentence_pause": 0.1})
    assert out.is_file() and summary["sentences"] == 1 and summary["sample_rate"] == 22050
    voices = reelkit.voices()
    assert any(v["id"] == "joe" and v["engine"] == "piper" for v in voices)
    assert sum(v["engine"] == "espeak" for v in voices) > 50
    german = reelkit.synthesize("Guten Abend.", "espeak:de")
    assert german.duration > 0.3


def test_bad_input_raises_typed_errors(joe: str) -> None:
    with pytest.raises(reelkit.InvalidParameterError) as e:
        reelkit.synthesize("", joe)
    assert e.value.code == "invalid_parameter"
    with pytest.raises(ValueError, match="unknown voice"):
        reelkit.synthesize("hi", "nobody")
    with pytest.raises(reelkit.InvalidParameterError, match="unknown key"):
        reelkit.synthesize("hi", joe, options={"noise_scal": 0.5})
    with pytest.raises(reelkit.InvalidParameterError, match="nothing the voice can speak"):
        reelkit.synthesize("\ue000\u2592", joe)
    token = reelkit.CancelToken()
    token.cancel()
    with pytest.raises(reelkit.CancelledError):
        reelkit.synthesize("Cancelled.", joe, cancel=token)
    assert issubclass(reelkit.TtsError, reelkit.ReelkitError) and reelkit.TtsError.code == "tts"


def test_cancel_from_another_thread_stops_a_long_text(joe: str) -> None:
    token = reelkit.CancelToken()
    timer = threading.Timer(0.5, token.cancel)
    timer.start()
    with pytest.raises(reelkit.CancelledError):
        reelkit.synthesize("This sentence is spoken again and again. " * 200, joe, cancel=token)
    timer.cancel()


def _ebur128(path: Path) -> tuple[float, float]:
    log = subprocess.run(
        ["ffmpeg", "-hide_banner", "-nostats", "-i", str(path), "-map", "0:a:0", "-af", "ebur128=peak=true", "-f", "null", "-"],
        capture_output=True, text=True, check=True,
    ).stderr  # fmt: skip
    summary = log[log.rfind("Summary:"):]
    integrated = float(re.search(r"I:\s+(-?[\d.]+)", summary).group(1))  # type: ignore[union-attr]
    peak = float(re.search(r"Peak:\s+(-?[\d.]+)", summary).group(1))  # type: ignore[union-attr]
    return integrated, peak


def test_dub_writes_clip_stems_and_report(joe: str, tmp_path: Path) -> None:
    clip = tmp_path / "in.mp4"
    ffmpeg(
        "-f", "lavfi", "-i", "testsrc=size=160x120:rate=25:duration=5",
        "-f", "lavfi", "-i", "sine=frequency=500:sample_rate=48000:duration=5",
        "-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest", str(clip),
    )  # fmt: skip
    script = tmp_path / "narration.srt"
    script.write_text("1\n00:00:00,500 --> 00:00:03,500\nA short narration over the tone.\n")
    out = tmp_path / "dubbed.mp4"
    report = reelkit.dub(clip, script, out, joe, lufs=-16.0, options={"duck": {"depth_db": -10.0}})
    assert out.is_file()
    assert Path(report["narration"]) == tmp_path / "dubbed.narration.wav"
    assert Path(report["bed"]).is_file()
    assert report["cues"][0]["status"] == "fits" and report["unfit"] == []
    assert report["ducking"]["depth_db"] == -10.0
    integrated, peak = _ebur128(out)
    assert abs(integrated + 16.0) <= 0.5 and peak <= -1.0
    measured = reelkit.measure_loudness(out)
    assert abs(measured["integrated_lufs"] - integrated) < 0.3
    with pytest.raises(reelkit.InvalidParameterError):
        reelkit.dub(clip, script, out, joe, lufs=5.0)
