"""Ingest and transcode through the UniFFI surface (the C ABI the Swift
package calls), on media made with ffmpeg's lavfi sources."""

import asyncio
import hashlib
import shutil
import subprocess
import threading

import pytest

from conftest import fraction, require
from test_ffi import Recorder


def run(coro):
    return asyncio.run(coro)


@pytest.fixture(scope="module")
def clip(tmp_path_factory):
    require("tools", shutil.which("ffmpeg") is not None, "the ffmpeg CLI is needed to make test media")
    out = tmp_path_factory.mktemp("media") / "clip.mp4"
    subprocess.run(
        ["ffmpeg", "-hide_banner", "-loglevel", "error", "-y",
         "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25:duration=2",
         "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=2",
         "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest", str(out)],
        check=True,
    )  # fmt: skip
    return out


def test_transcode_makes_every_output_from_one_decode(rk, clip, tmp_path):
    recorder = Recorder(rk)
    options = rk.TranscodeOptions(
        hls=rk.HlsOptions(dir=str(tmp_path / "hls"), ladder=[480, 240], preset="ultrafast", segment_seconds=1.0),
        proxy=rk.ProxyOptions(path=str(tmp_path / "proxy.mp4"), preset="ultrafast"),
        thumbnails=rk.ThumbnailOptions(dir=str(tmp_path / "thumbs"), count=2),
        sprite=rk.SpriteOptions(dir=str(tmp_path / "sprite"), interval=1.0),
        waveform=rk.WaveformOptions(path=str(tmp_path / "wave.json"), peaks_per_second=10),
    )
    report = run(rk.transcode(str(clip), options, recorder.observer, None))
    assert isinstance(report, rk.TranscodeReport)
    assert report.decoded_frames == 50
    assert report.hls.skipped_rungs == [480]
    assert [r.name for r in report.hls.renditions] == ["240p", "audio"]
    assert report.hls.renditions[0].units == 50
    assert (tmp_path / "hls" / "master.m3u8").read_text().startswith("#EXTM3U")
    check = subprocess.run(["ffmpeg", "-v", "error", "-i", str(tmp_path / "hls" / "master.m3u8"), "-f", "null", "-"], capture_output=True)
    assert check.returncode == 0 and not check.stderr.strip(), check.stderr
    assert report.proxy.frames == 50 and report.proxy.audio
    assert [s.file for s in report.thumbnails.files] == ["thumb-0001.jpg", "thumb-0002.jpg"]
    assert report.sprite.tiles == 2 and report.sprite.vtt == "thumbnails.vtt"
    assert report.waveform.length == 20
    events = [e for e in recorder.events if e.stage.value == "transcode"]
    assert events and fraction(events[-1]) == pytest.approx(1.0)
    assert all(e.rate is not None and e.rate > 0 for e in events if e.done > 0)


def test_transcode_errors_are_typed(rk, clip, tmp_path):
    with pytest.raises(rk.ReelkitError.InvalidParameter) as caught:
        run(rk.transcode(str(clip), rk.TranscodeOptions(), None, None))
    assert caught.value.name == "params.outputs"
    bad = rk.TranscodeOptions(hls=rk.HlsOptions(dir=str(tmp_path / "x"), crf=77))
    with pytest.raises(rk.ReelkitError.InvalidParameter) as caught:
        run(rk.transcode(str(clip), bad, None, None))
    # The core names the key, not yet its section (`params.crf`).
    assert caught.value.name.startswith("params.") and caught.value.name.endswith("crf")
    with pytest.raises(rk.ReelkitError.NotFound):
        run(rk.transcode(str(tmp_path / "absent.mp4"), rk.TranscodeOptions(hls=rk.HlsOptions(dir=str(tmp_path / "x"))), None, None))
    assert not (tmp_path / "x").exists()


def test_transcode_cancel_leaves_no_playlist(rk, tmp_path):
    require("tools", shutil.which("ffmpeg") is not None, "the ffmpeg CLI is needed to make test media")
    source = tmp_path / "long.mp4"
    subprocess.run(
        ["ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=30:duration=20",
         "-c:v", "libx264", "-preset", "ultrafast", str(source)],
        check=True,
    )  # fmt: skip
    out = tmp_path / "out"
    out.mkdir()
    handle = rk.CancelHandle()
    started = threading.Event()
    recorder = Recorder(rk, on_event=lambda e: started.set() if e.done > 0 else None)
    threading.Thread(target=lambda: (started.wait(30), handle.cancel()), daemon=True).start()
    options = rk.TranscodeOptions(hls=rk.HlsOptions(dir=str(out / "hls"), ladder=[360, 240], preset="medium"))
    with pytest.raises(rk.ReelkitError.Cancelled):
        run(rk.transcode(str(source), options, recorder.observer, handle))
    assert list(out.iterdir()) == []


def test_ingest_fingerprints_validates_and_stores(rk, clip, tmp_path):
    digest = hashlib.sha256(clip.read_bytes()).hexdigest()
    assert run(rk.fingerprint(str(clip), None, None)) == digest
    assert rk.sniff_container(str(clip)) == "mp4"
    store = tmp_path / "store"
    report = run(rk.ingest(str(clip), rk.IngestOptions(dest=str(store)), None, None))
    assert (report.method.value, report.sha256, report.container, report.duplicate) == ("file", digest, "mp4", False)
    assert report.path == str(store / f"{digest}.mp4")
    assert report.media.video.width == 320
    again = run(rk.ingest(str(clip), rk.IngestOptions(dest=str(store)), None, None))
    assert again.duplicate

    with pytest.raises(rk.ReelkitError.PolicyViolation) as caught:
        run(rk.ingest(str(clip), rk.IngestOptions(allowed_containers=["webm", "mkv"]), None, None))
    assert caught.value.rule == "allowed_containers" == caught.value.field()
    assert caught.value.code() == "policy_violation" and caught.value.is_input_error()
    with pytest.raises(rk.ReelkitError.Download) as caught:
        run(rk.ingest("http://127.0.0.1:9/clip.mp4", rk.IngestOptions(dest=str(store), yt_dlp_mode="never"), None, None))
    assert caught.value.code() == "download_failed"
    with pytest.raises(rk.ReelkitError.Tool):
        opts = rk.IngestOptions(dest=str(store), yt_dlp_mode="always", yt_dlp="/nonexistent/yt-dlp")
        run(rk.ingest("http://127.0.0.1:9/clip.mp4", opts, None, None))
    assert sorted(p.name for p in store.iterdir()) == [f"{digest}.json", f"{digest}.mp4"]
