"""The reelkit UniFFI surface, exercised through the generated Python bindings
(the same C ABI the Swift package calls), plus a drift check of the
checked-in Swift sources."""

import asyncio
import filecmp
import re
import threading

import pytest

from conftest import CHECKED_IN, fraction, text_of


def run(coro):
    return asyncio.run(coro)


class Recorder:
    """A ProgressObserver implemented on the foreign side."""

    def __init__(self, rk, on_event=None):
        base = rk.ProgressObserver

        class _Observer(base):
            def on_progress(inner, event):  # noqa: N805 - the recorder is `self`
                self.events.append(event)
                self.threads.add(threading.get_ident())
                if on_event is not None:
                    on_event(event)

        self.events = []
        self.threads = set()
        self.observer = _Observer()


# --- probe and errors -------------------------------------------------------


def test_probe_example_video(rk, types, example_mp4):
    info = rk.probe(example_mp4)
    assert isinstance(info, rk.MediaInfo)
    assert info.path == example_mp4
    assert info.duration > 10
    assert info.size_bytes > 0
    assert info.video is not None and info.video.width > 0 and info.video.height > 0
    assert info.video.fps > 0
    assert info.audio is not None and info.audio.sample_rate > 0 and info.audio.channels >= 1
    kinds = {s.kind for s in info.streams}
    assert types.StreamKind.VIDEO in kinds and types.StreamKind.AUDIO in kinds


def test_probe_text_file_is_not_media(rk, testdata):
    path = str(testdata / "MANIFEST.md")
    with pytest.raises(rk.ReelkitError.NotMedia) as caught:
        rk.probe(path)
    err = caught.value
    assert isinstance(err, rk.ReelkitError)
    assert err.path == path
    assert err.code() == "not_media"
    assert err.is_input_error()
    assert "not a media file" in err.message


def test_probe_missing_file_is_not_found(rk, tmp_path):
    path = str(tmp_path / "nope.mp4")
    with pytest.raises(rk.ReelkitError.NotFound) as caught:
        rk.probe(path)
    assert caught.value.path == path
    assert caught.value.code() == "not_found"


def test_default_clips_job_json_lists_the_settings(rk):
    import json

    job = json.loads(rk.default_clips_job_json())
    assert job["clips"]["top"] == 3
    assert job["asr"]["model"] == "tiny.en"
    assert job["aspect"] == "source"


def test_invalid_options_are_rejected_before_any_work(rk):
    engine = rk.Engine("/nonexistent-models")  # never touched: options fail first
    with pytest.raises(rk.ReelkitError.InvalidParameter) as caught:
        run(engine.transcribe("x.wav", rk.TranscribeOptions(device="tpu"), None, None))
    assert caught.value.name == "params.asr.device" == caught.value.field()
    # Options become a job spec, read as strictly as `reelkit run` reads one.
    with pytest.raises(rk.ReelkitError.InvalidConfig) as caught:
        run(engine.clips("x.mp4", "out", rk.ClipsOptions(aspect="3:2"), None, None))
    assert caught.value.field == "params.aspect" and "9:16" in caught.value.accepted
    with pytest.raises(rk.ReelkitError.InvalidConfig) as caught:
        run(engine.clips("x.mp4", "out", rk.ClipsOptions(job_json="{"), None, None))
    assert caught.value.field == "job_json" and caught.value.code() == "invalid_config"
    with pytest.raises(rk.ReelkitError.InvalidConfig) as caught:
        run(engine.clips("x.mp4", "out", rk.ClipsOptions(job_json='{"asr": {"modle": "base"}}'), None, None))
    assert caught.value.field == "params.asr.modle" and "model" in caught.value.accepted
    with pytest.raises(rk.ReelkitError.InvalidParameter) as caught:
        run(engine.clips("x.mp4", "out", rk.ClipsOptions(top=0), None, None))
    assert caught.value.name == "params.top" and caught.value.is_input_error()


def test_missing_model_is_a_model_error(rk, jfk, tmp_path):
    engine = rk.Engine(str(tmp_path / "empty-store"))
    with pytest.raises(rk.ReelkitError.Model) as caught:
        run(engine.transcribe(jfk, rk.TranscribeOptions(model="tiny.en"), None, None))
    assert caught.value.code() == caught.value.model_code
    assert caught.value.code() in {"model_not_found", "unknown_model"}


def test_read_subtitles_and_line_numbered_errors(rk, tmp_path):
    good = tmp_path / "a.srt"
    good.write_text("1\n00:00:01,000 --> 00:00:02,500\nHello\n\n")
    cues = rk.read_subtitles(str(good))
    assert len(cues) == 1 and cues[0].lines == ["Hello"] and cues[0].start == 1.0 and cues[0].end == 2.5
    bad = tmp_path / "b.vtt"
    bad.write_text("WEBVTT\n\n00:01.000 --> nonsense\nx\n")
    with pytest.raises(rk.ReelkitError.SubtitleParse) as caught:
        rk.read_subtitles(str(bad))
    assert caught.value.line == 3 and caught.value.code() == "subtitle_parse"


# --- async calls, progress, cancellation ------------------------------------


def test_transcribe_jfk_with_progress(rk, engine, jfk):
    rec = Recorder(rk)
    transcript = run(engine.transcribe(jfk, rk.TranscribeOptions(), rec.observer, None))
    assert isinstance(transcript, rk.Transcript)
    assert transcript.language == "en"
    assert "ask not what your country" in text_of(transcript).lower()
    words = [w for s in transcript.segments for w in s.words]
    assert len(words) > 10
    assert all(0 <= w.start <= w.end <= transcript.duration + 0.5 for w in words)
    assert all(0.0 <= w.probability <= 1.0 for w in words)

    assert rec.events, "the observer received no events"
    assert all(isinstance(e, rk.ProgressEvent) for e in rec.events)
    stages = {e.stage.value for e in rec.events}
    assert "transcribe" in stages
    last = [e for e in rec.events if e.stage.value == "transcribe"][-1]
    assert last.unit == "seconds" and fraction(last) == pytest.approx(1.0)
    # Events come from the worker thread, not the thread running the loop.
    assert threading.get_ident() not in rec.threads


def test_realign_flags_edited_words(rk, engine, jfk):
    transcript = run(engine.transcribe(jfk, rk.TranscribeOptions(), None, None))
    edited = text_of(transcript).replace("fellow", "dear fellow")
    aligned = run(engine.realign(jfk, transcript, edited, None, None))
    assert text_of(aligned) == edited
    words = [w for s in aligned.segments for w in s.words]
    assert any(w.word == "dear" and w.estimated for w in words)
    assert sum(not w.estimated for w in words) >= len(words) - 3


def test_async_call_does_not_block_the_event_loop(rk, engine, jfk):
    async def main():
        ticks = 0
        task = asyncio.ensure_future(engine.transcribe(jfk, rk.TranscribeOptions(), None, None))
        while not task.done():
            ticks += 1
            await asyncio.sleep(0.01)
        return ticks, task.result()

    ticks, transcript = run(main())
    assert "your country" in text_of(transcript).lower()
    assert ticks > 5, "the loop did not run while Rust worked"


def test_cancel_handle_cancels_a_running_transcription(rk, engine, jfk):
    handle = rk.CancelHandle()
    assert not handle.is_cancelled()
    rec = Recorder(rk, on_event=lambda e: handle.cancel())
    with pytest.raises(rk.ReelkitError.Cancelled) as caught:
        run(engine.transcribe(jfk, rk.TranscribeOptions(), rec.observer, handle))
    assert caught.value.code() == "cancelled"
    assert not caught.value.is_input_error()
    assert handle.is_cancelled()
    assert rec.events  # it was running when cancelled
    assert not any(e.stage.value == "transcribe" and fraction(e) == 1.0 for e in rec.events)


def test_cancelled_handle_fails_new_calls_at_once(rk, engine, example_mp4, tmp_path):
    handle = rk.CancelHandle()
    handle.cancel()
    with pytest.raises(rk.ReelkitError.Cancelled):
        run(engine.clips(example_mp4, str(tmp_path / "out"), rk.ClipsOptions(top=1), None, handle))
    with pytest.raises(rk.ReelkitError.Cancelled):
        run(engine.cut(example_mp4, str(tmp_path / "cut.mp4"), 0.0, 1.0, None, handle))
    assert not (tmp_path / "out").exists()


def test_cut_writes_the_range(rk, engine, example_mp4, tmp_path):
    out = str(tmp_path / "cut.mp4")
    written = run(engine.cut(example_mp4, out, 1.0, 3.0, None, None))
    assert written == out
    info = rk.probe(out)
    assert info.duration == pytest.approx(2.0, abs=0.15)
    assert info.video is not None and info.audio is not None


def test_clips_top_one_writes_clip_01(rk, types, engine, example_mp4, tmp_path):
    out_dir = tmp_path / "clips"
    rec = Recorder(rk)
    report = run(engine.clips(example_mp4, str(out_dir), rk.ClipsOptions(top=1), rec.observer, None))
    assert isinstance(report, rk.ClipsReport)
    assert len(report.clips) == 1
    clip = report.clips[0]
    assert clip.index == 1 and clip.video == "clip-01.mp4"
    assert clip.end > clip.start and clip.duration > 0
    assert 0.0 <= clip.score <= 1.0
    assert isinstance(clip.signals, types.SignalScores)
    for name in ("clip-01.mp4", "clip-01.srt", "clip-01.vtt", "clips.json", "transcript.json"):
        assert (out_dir / name).is_file(), name
    info = rk.probe(str(out_dir / "clip-01.mp4"))
    assert info.video is not None and info.audio is not None
    assert info.duration == pytest.approx(clip.duration, abs=0.25)
    assert report.aspect.value == "source" and report.model == "tiny.en"
    assert {"probe", "transcribe", "export"} <= {e.stage.value for e in rec.events}


# --- the checked-in Swift sources ------------------------------------------

GENERATED_FILES = ["reelkit_ffi.swift", "reelkit_ffiFFI.h", "reelkit_ffiFFI.modulemap", "ReelkitTypes.swift"]


@pytest.mark.parametrize("name", GENERATED_FILES)
def test_checked_in_swift_matches_the_library(swift_dir, name):
    fresh, checked_in = swift_dir / name, CHECKED_IN / name
    assert checked_in.is_file(), f"{checked_in} is missing: run bindings/swift/scripts/generate.sh"
    assert filecmp.cmp(fresh, checked_in, shallow=False), (
        f"{checked_in.name} is out of date with the Rust API: run bindings/swift/scripts/generate.sh and commit"
    )


def _swift_source():
    return (CHECKED_IN / "reelkit_ffi.swift").read_text() + (CHECKED_IN / "ReelkitTypes.swift").read_text()


def _decl(name):
    """The declaration line(s) of public func `name` in the Swift source."""
    src = _swift_source()
    found = re.findall(r"(?:open|public) func " + name + r"\((.*?)\)\s*(async)?\s*(throws)?\s*->\s*([\w\[\]?]+)", src)
    assert found, f"no `func {name}(` in the Swift source"
    return found


@pytest.mark.parametrize(
    "name,returns",
    [("transcribe", "Transcript"), ("clips", "ClipsReport"), ("retell", "RetellReport"), ("cut", "String"), ("realign", "Transcript")],
)
def test_swift_engine_methods_are_async_throws(name, returns):
    (params, is_async, throws, ret), *_ = _decl(name)
    assert is_async == "async" and throws == "throws" and ret == returns
    assert "observer: ProgressObserver? = nil" in params
    assert "cancel: CancelHandle? = nil" in params


def test_swift_declares_the_api():
    src = _swift_source()
    (params, is_async, throws, ret), *_ = _decl("probe")
    assert params == "path: String" and not is_async and throws == "throws" and ret == "MediaInfo"
    assert "open class Engine:" in src
    assert "public convenience init(modelsDir: String? = nil)" in src
    assert "open class CancelHandle:" in src
    assert re.search(r"open func cancel\(\)", src) and re.search(r"open func isCancelled\(\)\s*->\s*Bool", src)
    assert "public protocol ProgressObserver: AnyObject, Sendable" in src
    assert re.search(r"func onProgress\(event: ProgressEvent\)", src)
    assert re.search(r"public func run\(specJson: String, observer: ProgressObserver\? = nil, cancel: CancelHandle\? = nil\)\s*async throws\s*->\s*String", src)
    assert re.search(r"public\s+enum ReelkitError: Swift\.Error", src)
    for case in [
        "NotFound", "NotMedia", "CorruptMedia", "MissingStream", "InvalidParameter", "InvalidConfig", "Model",
        "Decode", "Encode", "Asr", "Font", "SubtitleParse", "DeviceUnavailable", "Tts", "Cancelled", "Io",
        "Internal", "Download", "Timeout", "PolicyViolation", "LimitExceeded", "Tool", "Other",
    ]:
        assert re.search(r"case " + case + r"\(", src), f"ReelkitError.{case} missing"
    for record in [
        "MediaInfo", "VideoInfo", "AudioInfo", "StreamInfo", "Transcript", "Segment", "Word",
        "ClipsReport", "ClipReport", "SignalScores", "ProgressEvent", "TranscribeOptions", "ClipsOptions",
        "SubtitleCue",
    ]:
        assert f"public struct {record}:" in src, f"record {record} missing"


def test_swift_module_map_names_the_header():
    modulemap = (CHECKED_IN / "reelkit_ffiFFI.modulemap").read_text()
    assert re.search(r"module reelkit_ffiFFI\b", modulemap)
    assert 'header "reelkit_ffiFFI.h"' in modulemap
    assert "import reelkit_ffiFFI" in _swift_source()


# --- styled subtitles ---------------------------------------------------------

SUBS = """[Script Info]
PlayResX: 320
PlayResY: 240

[V4+ Styles]
Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, Alignment, MarginL, MarginR, MarginV, Encoding
Style: Default,DejaVu Sans,24,&H0000FFFF,&H00FFFFFF,&H00000000,&H00000000,0,0,0,0,100,100,0,0,1,2,0,2,10,10,10,1

[Events]
Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text
Dialogue: 0,0:00:00.00,0:00:20.00,Default,,0,0,0,,{\\k50}Hello {\\k50}Swift
"""


def test_render_subtitles_returns_straight_rgba(rk):
    data = rk.render_subtitles(SUBS, 1.0, 320, 240)
    assert len(data) == 320 * 240 * 4
    assert data[:4] == b"\x00\x00\x00\x00"
    pixels = [data[i:i + 4] for i in range(0, len(data), 4)]
    assert b"\xff\xff\x00\xff" in pixels
    with pytest.raises(rk.ReelkitError.InvalidParameter):
        rk.render_subtitles(SUBS, 1.0, 0, 240)


def test_burn_subtitles_is_async_with_progress_and_cancel(rk, example_mp4, tmp_path):
    recorder = Recorder(rk)
    out = str(tmp_path / "burned.mp4")
    options = rk.BurnSubtitlesOptions(crf=28, preset="ultrafast", fonts_dir=None, brand_kit=None)
    report = run(rk.burn_subtitles(example_mp4, SUBS, out, options, recorder.observer, None))
    assert report.frames > 100 and report.overlay_renders <= 3
    assert report.audio == "copied"
    assert recorder.events and recorder.events[-1].stage.value == "export"
    handle = rk.CancelHandle()
    handle.cancel()
    with pytest.raises(rk.ReelkitError.Cancelled):
        run(rk.burn_subtitles(example_mp4, SUBS, str(tmp_path / "never.mp4"), None, None, handle))


def test_presets_and_brand_kits_as_json(rk):
    import json

    names = [p["name"] for p in json.loads(rk.subtitle_presets_json())]
    assert names == ["bold", "clean", "karaoke", "pop"]
    kit = json.loads(rk.load_brand_kit_json('{"captions": {"preset": "pop"}}'))
    assert kit["captions"]["preset"] == "pop"
    with pytest.raises(rk.ReelkitError.InvalidParameter):
        rk.load_brand_kit_json('{"captions": {"text_color": "red"}}')
