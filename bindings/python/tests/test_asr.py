"""transcribe: results, progress, cancellation, GIL release, Ctrl-C."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

import reelkit


@pytest.fixture(scope="module")
def jfk_run(jfk: Path, tiny_model: str) -> tuple[reelkit.Transcript, list[reelkit.ProgressEvent]]:
    events: list[reelkit.ProgressEvent] = []
    transcript = reelkit.transcribe(jfk, model=tiny_model, progress=events.append)
    return transcript, events


def test_transcribe_jfk(jfk_run: tuple[reelkit.Transcript, list[reelkit.ProgressEvent]]) -> None:
    transcript, _ = jfk_run
    assert isinstance(transcript, reelkit.Transcript)
    assert transcript.language == "en"
    assert transcript.duration == pytest.approx(11.0, abs=0.1)
    assert "ask not what your country" in transcript.text.lower()

    assert transcript.segments and all(isinstance(s, reelkit.Segment) for s in transcript.segments)
    words = transcript.words
    assert len(words) == sum(len(s.words) for s in transcript.segments) > 15
    for w in words:
        assert isinstance(w, reelkit.Word)
        assert 0.0 <= w.start <= w.end <= transcript.duration + 0.5
        assert 0.0 <= w.probability <= 1.0
    assert [w.start for w in words] == sorted(w.start for w in words)
    country = next(w for w in words if w.word.strip(",.").lower() == "country")
    assert 3.0 < country.start < 8.0


def test_transcript_to_dict_and_captions(jfk_run: tuple[reelkit.Transcript, list[reelkit.ProgressEvent]]) -> None:
    transcript, _ = jfk_run
    d = transcript.to_dict()
    assert list(d) == ["language", "duration", "segments"]
    assert d["segments"][0]["words"][0] == transcript.segments[0].words[0].to_dict()
    # `estimated` appears only on words whose times were re-timed.
    assert set(d["segments"][0]["words"][0]) == {"word", "start", "end", "probability"}
    assert transcript.segments[0].to_dict() == d["segments"][0]
    srt = transcript.to_srt()
    assert srt.startswith("1\n00:00:0") and "-->" in srt
    assert transcript.to_vtt().startswith("WEBVTT")
    assert repr(transcript).startswith("Transcript(language='en'")


def test_progress_fractions_increase(jfk_run: tuple[reelkit.Transcript, list[reelkit.ProgressEvent]]) -> None:
    _, events = jfk_run
    assert all(isinstance(e, reelkit.ProgressEvent) for e in events)
    stages = [e.stage for e in events]
    # Audio is decoded while it is transcribed (streaming): one stage.
    assert "transcribe" in stages
    for stage in set(stages):
        fractions = [e.fraction for e in events if e.stage == stage]
        assert all(f is not None and 0.0 <= f <= 1.0 for f in fractions)
        assert fractions == sorted(fractions), f"{stage}: {fractions}"
        assert fractions[-1] == pytest.approx(1.0)
    last = events[-1]
    assert last.unit == "seconds" and last.total == pytest.approx(11.0, abs=0.1)
    assert last.to_dict() == {
        "stage": last.stage,
        "done": last.done,
        "total": last.total,
        "fraction": last.fraction,
        "unit": last.unit,
        "message": last.message,
        "rate": last.rate,
        "eta": last.eta,
    }


def test_cancelled_token_fails_at_once(jfk: Path, tiny_model: str) -> None:
    token = reelkit.CancelToken()
    token.cancel()
    events: list[reelkit.ProgressEvent] = []
    with pytest.raises(reelkit.CancelledError) as caught:
        reelkit.transcribe(jfk, model=tiny_model, progress=events.append, cancel=token)
    assert caught.value.code == "cancelled"
    assert events == []


def test_cancel_while_running(jfk: Path, tiny_model: str) -> None:
    token = reelkit.CancelToken()
    stages: list[str] = []

    def on_progress(event: reelkit.ProgressEvent) -> None:
        stages.append(event.stage)
        if event.stage == "transcribe":
            token.cancel()

    started = time.monotonic()
    with pytest.raises(reelkit.CancelledError):
        reelkit.transcribe(jfk, model=tiny_model, progress=on_progress, cancel=token)
    assert token.cancelled
    assert stages.count("transcribe") <= 2  # stopped, not run to the end
    assert time.monotonic() - started < 60


def test_cancel_from_another_thread(speech_video: Path, tiny_model: str) -> None:
    token = reelkit.CancelToken()
    started = threading.Event()

    def on_progress(event: reelkit.ProgressEvent) -> None:
        if event.stage == "transcribe":
            started.set()

    canceller = threading.Thread(target=lambda: started.wait(60) and token.cancel())
    canceller.start()
    try:
        with pytest.raises(reelkit.CancelledError):
            reelkit.transcribe(speech_video, model=tiny_model, threads=1, progress=on_progress, cancel=token)
    finally:
        started.set()
        canceller.join()


def test_exception_in_callback_cancels_and_propagates(jfk: Path, tiny_model: str) -> None:
    calls = 0

    def on_progress(event: reelkit.ProgressEvent) -> None:
        nonlocal calls
        calls += 1
        raise LookupError("from the callback")

    with pytest.raises(LookupError, match="from the callback"):
        reelkit.transcribe(jfk, model=tiny_model, progress=on_progress)
    assert calls == 1
    # The shared engine is still usable afterwards.
    assert "country" in reelkit.transcribe(jfk, model=tiny_model).text


def test_progress_must_be_callable(jfk: Path) -> None:
    with pytest.raises(TypeError, match="progress must be a callable"):
        reelkit.transcribe(jfk, progress=42)  # type: ignore[arg-type]


def test_gil_is_released_while_transcribing(jfk: Path, tiny_model: str) -> None:
    stop = threading.Event()
    ticks: list[float] = []

    def spin() -> None:
        while not stop.is_set():
            ticks.append(time.monotonic())
            time.sleep(0.001)

    spinner = threading.Thread(target=spin)
    spinner.start()
    try:
        time.sleep(0.05)
        started = time.monotonic()
        reelkit.transcribe(jfk, model=tiny_model, threads=1)
        finished = time.monotonic()
    finally:
        stop.set()
        spinner.join()
    during = [t for t in ticks if started <= t <= finished]
    gaps = [b - a for a, b in zip([started, *during], [*during, finished])]
    elapsed = finished - started
    # With the GIL held the spinner would stall for the whole inference.
    assert len(during) > 20
    assert max(gaps) < max(0.25, elapsed / 4), f"longest stall {max(gaps):.2f} s of {elapsed:.2f} s"


def test_ctrl_c_cancels_and_raises_keyboard_interrupt(speech_video: Path, tiny_model: str) -> None:
    # In a child process: a stray SIGINT must not hit pytest itself.
    script = textwrap.dedent(
        """
        import os, signal, sys, threading, time
        import reelkit

        token = reelkit.CancelToken()
        first = threading.Event()
        sent = []
        fractions = [0.0]

        def interrupt():
            first.wait()
            time.sleep(0.3)
            sent.append(time.monotonic())
            os.kill(os.getpid(), signal.SIGINT)

        def on_progress(event):
            if event.stage == "transcribe":
                fractions.append(event.fraction)
                first.set()

        threading.Thread(target=interrupt, daemon=True).start()
        try:
            reelkit.transcribe(sys.argv[1], model=sys.argv[2], threads=1, progress=on_progress, cancel=token)
        except KeyboardInterrupt:
            print("interrupted", round(time.monotonic() - sent[0], 3), token.cancelled, max(fractions))
        else:
            print("finished")
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script, str(speech_video), tiny_model],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert result.returncode == 0, result.stderr
    words = result.stdout.split()
    if words == ["finished"]:
        pytest.skip("transcription finished before the interrupt arrived (machine too fast)")
    assert words[0] == "interrupted", result.stdout
    # The token was cancelled and the work stopped early: whisper.cpp checks
    # it after each encoder/decoder pass, so allow a slow pass or two.
    assert words[2] == "True"
    assert float(words[3]) < 1.0, "transcription ran to the end despite Ctrl-C"
    assert float(words[1]) < 15.0, "Ctrl-C took too long to stop the work"


def test_unknown_model_is_a_model_error(jfk: Path) -> None:
    with pytest.raises(reelkit.ModelError) as caught:
        reelkit.transcribe(jfk, model="no-such-model")
    assert caught.value.code == "unknown_model"


def test_missing_model_in_a_private_store(tmp_path: Path, jfk: Path) -> None:
    engine = reelkit.Engine(models_dir=tmp_path)
    assert engine.models_dir == str(tmp_path)
    assert not any(m["installed"] for m in engine.models_list())
    with pytest.raises(reelkit.ModelError) as caught:
        engine.transcribe(jfk)
    assert caught.value.code == "model_not_found"
    assert "reelkit models fetch" in str(caught.value)


def test_engine_transcribes_like_the_module(jfk: Path, tiny_model: str) -> None:
    engine = reelkit.Engine()
    assert "ask not what your country" in engine.transcribe(jfk, model=tiny_model).text.lower()


def test_bad_asr_parameters(jfk: Path) -> None:
    with pytest.raises(reelkit.InvalidParameterError):
        reelkit.transcribe(jfk, language="xx-not-a-language")
    with pytest.raises(reelkit.InvalidParameterError):
        reelkit.transcribe(jfk, device="tpu")
    with pytest.raises(reelkit.InvalidParameterError):
        reelkit.transcribe(jfk, beam_size=0)


def test_cuda_without_cuda_support(jfk: Path, tiny_model: str) -> None:
    """scripts/test.sh builds the extension with the cargo features in
    $REELKIT_PY_FEATURES (none by default) and passes them on: without `cuda`
    the device must be refused with a coded error; with it (on a GPU
    machine) it must transcribe."""
    features = os.environ.get("REELKIT_PY_FEATURES", "").replace(",", " ").split()
    if "cuda" in features:
        transcript = reelkit.transcribe(jfk, model=tiny_model, device="cuda")
        assert "country" in transcript.text.lower(), transcript.text
        return
    with pytest.raises(reelkit.DeviceUnavailableError) as info:
        reelkit.transcribe(jfk, model=tiny_model, device="cuda")
    assert info.value.code == "device_unavailable"
    assert "cuda" in str(info.value).lower()


def test_transcribe_requires_audio(two_scenes_mp4: Path) -> None:
    with pytest.raises(reelkit.MissingStreamError):
        reelkit.transcribe(two_scenes_mp4)


def test_concurrent_calls_share_the_engine(jfk: Path, tiny_model: str, lavfi_mp4: Path) -> None:
    results: dict[str, object] = {}

    def transcribe() -> None:
        results["text"] = reelkit.transcribe(jfk, model=tiny_model, threads=1).text

    def read_frames() -> None:
        results["frames"] = sum(1 for _ in reelkit.VideoReader(lavfi_mp4))

    threads = [threading.Thread(target=transcribe), threading.Thread(target=read_frames)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert "country" in str(results["text"])
    assert results["frames"] == 50


def test_realign_keeps_measured_words_and_estimates_edits(jfk: Path, jfk_run: tuple[reelkit.Transcript, list[reelkit.ProgressEvent]]) -> None:
    transcript, _ = jfk_run
    edited = transcript.text.replace("fellow", "dear fellow")
    aligned = reelkit.realign(jfk, transcript, edited)
    assert aligned.text == edited
    before = {(w.word, w.start) for w in transcript.words}
    kept = [w for w in aligned.words if not w.estimated]
    assert len(kept) >= len(transcript.words) - 2
    assert all((w.word, w.start) in before for w in kept)
    estimated = [w for w in aligned.words if w.estimated]
    assert any(w.word == "dear" for w in estimated)
    assert [w.start for w in aligned.words] == sorted(w.start for w in aligned.words)
    # A plain dict (to_dict()) works too.
    assert reelkit.realign(jfk, transcript.to_dict(), edited).text == edited


def test_transcribe_options_are_checked(jfk: Path, tiny_model: str) -> None:
    with pytest.raises(reelkit.InvalidParameterError):
        reelkit.transcribe(jfk, model=tiny_model, word_timing="sundial")
    no_vad = reelkit.transcribe(jfk, model=tiny_model, vad=False, word_timing="tokens", workers=2)
    assert "ask not what your country" in no_vad.text.lower()


def test_read_subtitles(tmp_path: Path) -> None:
    good = tmp_path / "a.srt"
    good.write_text("1\n00:00:01,000 --> 00:00:02,500\nHello\nthere\n\n")
    cues = reelkit.read_subtitles(good)
    assert cues == [{"id": "1", "start": 1.0, "end": 2.5, "lines": ["Hello", "there"], "settings": None}]
    bad = tmp_path / "b.vtt"
    bad.write_text("WEBVTT\n\n00:01.000 --> nonsense\nx\n")
    with pytest.raises(reelkit.SubtitleParseError) as info:
        reelkit.read_subtitles(bad)
    assert info.value.line == 3
    assert info.value.code == "subtitle_parse"
