"""Text to speech and dubbing through the UniFFI surface (the C ABI the Swift
package calls), driven from UniFFI's generated Python bindings."""

import asyncio
import json
import re
import subprocess
import threading
from pathlib import Path

import pytest

from conftest import model_installed, require
from test_ffi import Recorder


def run(coro):
    return asyncio.run(coro)


@pytest.fixture(scope="session")
def synth(rk, models_dir):
    root = Path(models_dir)
    ok = model_installed(root, "joe") and model_installed(root, "onnxruntime")
    require("models", ok, f"the joe voice / ONNX Runtime are not installed in {root} (run `reelkit models fetch`)")
    return rk.Synthesizer(models_dir)


def test_synthesize_is_deterministic_and_reports_progress(rk, synth):
    rec = Recorder(rk)
    speech = run(synth.synthesize("Hello from Swift. Second sentence.", rk.SynthesizeOptions(seed=11), rec.observer, None))
    assert isinstance(speech, rk.Speech)
    assert speech.sample_rate == 22050 and speech.voice == "joe"
    assert [s.text for s in speech.sentences] == ["Hello from Swift.", "Second sentence."]
    assert any(e.stage.value == "synthesize" for e in rec.events)
    # The same speech as the core made it: samples survive the JSON exactly.
    assert all(isinstance(x, float) and -1.0 <= x <= 1.0 for x in speech.samples)
    again = run(synth.synthesize("Hello from Swift. Second sentence.", rk.SynthesizeOptions(seed=11), None, None))
    assert again.samples == speech.samples
    other = run(synth.synthesize("Hello from Swift. Second sentence.", rk.SynthesizeOptions(seed=12), None, None))
    assert other.samples != speech.samples


def test_batch_wav_and_voices(rk, synth, tmp_path):
    speeches = run(synth.synthesize_batch(["One.", "Two, a little longer."], None, None, None))
    assert len(speeches) == 2 and len(speeches[1].samples) > len(speeches[0].samples)
    out = tmp_path / "speech.wav"
    summary = run(synth.tts("Written from Swift.", str(out), rk.SynthesizeOptions(rate=1.2), None, None))
    assert out.is_file() and summary.sentences == 1
    voices = synth.voices()
    assert any(v.id == "joe" and v.engine.value == "piper" for v in voices)
    assert sum(v.engine.value == "espeak" for v in voices) > 50
    german = run(synth.synthesize("Guten Abend.", rk.SynthesizeOptions(voice="espeak:de"), None, None))
    assert len(german.samples) / german.sample_rate > 0.3
    assert json.loads(rk.default_tts_config_json())["voice"] == "joe"
    assert json.loads(rk.default_dub_job_json())["loudness"] == {"lufs": -14.0, "true_peak": -1.0}


def test_bad_input_and_cancellation(rk, synth):
    with pytest.raises(rk.ReelkitError.InvalidParameter) as caught:
        run(synth.synthesize("", None, None, None))
    assert caught.value.code() == "invalid_parameter"
    with pytest.raises(rk.ReelkitError.InvalidParameter, match="unknown voice"):
        run(synth.synthesize("hi", rk.SynthesizeOptions(voice="nobody"), None, None))
    with pytest.raises(rk.ReelkitError.InvalidParameter, match="nothing the voice can speak"):
        run(synth.synthesize("\ue000\u2592", None, None, None))
    handle = rk.CancelHandle()
    threading.Timer(0.4, handle.cancel).start()
    with pytest.raises(rk.ReelkitError.Cancelled):
        run(synth.synthesize("Spoken again and again. " * 200, None, None, handle))


def test_dub_writes_clip_stems_and_report(rk, synth, tmp_path):
    clip = tmp_path / "in.mp4"
    subprocess.run(
        ["ffmpeg", "-hide_banner", "-loglevel", "error", "-y",
         "-f", "lavfi", "-i", "testsrc=size=160x120:rate=25:duration=5",
         "-f", "lavfi", "-i", "sine=frequency=500:sample_rate=48000:duration=5",
         "-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest", str(clip)],
        check=True,
    )
    script = tmp_path / "narration.srt"
    script.write_text("1\n00:00:00,500 --> 00:00:03,500\nNarration from Swift over a tone.\n")
    out = tmp_path / "dubbed.mp4"
    report = run(synth.dub(str(clip), str(script), str(out), rk.DubOptions(lufs=-15.0), None, None))
    assert out.is_file() and Path(report.narration).is_file() and Path(report.bed).is_file()
    assert report.cues[0].status.value == "fits" and report.unfit == []
    assert report.target.lufs == -15.0
    log = subprocess.run(
        ["ffmpeg", "-hide_banner", "-nostats", "-i", str(out), "-map", "0:a:0", "-af", "ebur128=peak=true", "-f", "null", "-"],
        capture_output=True, text=True, check=True,
    ).stderr
    summary = log[log.rfind("Summary:"):]
    assert abs(float(re.search(r"I:\s+(-?[\d.]+)", summary).group(1)) + 15.0) <= 0.5
    assert float(re.search(r"Peak:\s+(-?[\d.]+)", summary).group(1)) <= -1.0
    measured = run(synth.measure_loudness(str(out), None, None))
    assert abs(measured.integrated_lufs + 15.0) <= 0.5
    with pytest.raises(rk.ReelkitError.InvalidParameter):
        run(synth.dub(str(clip), str(script), str(out), rk.DubOptions(lufs=2.0), None, None))
