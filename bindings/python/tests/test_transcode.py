"""Ingest and transcode through the Python binding, on real media and a web
server on 127.0.0.1."""

from __future__ import annotations

import hashlib
import http.server
import json
import shutil
import socket
import subprocess
import threading
import time
import typing
from collections.abc import Iterator
from pathlib import Path

import pytest

import reelkit

from conftest import ffmpeg, require


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, lavfi_mp4: Path) -> Iterator[tuple[str, Path]]:
    """(base URL, folder) of a local web server; ``/hang`` never answers."""
    root = tmp_path_factory.mktemp("site")
    shutil.copy(lavfi_mp4, root / "clip.mp4")

    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args: typing.Any, **kwargs: typing.Any) -> None:
            super().__init__(*args, directory=str(root), **kwargs)

        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            if self.path.startswith("/hang"):
                time.sleep(30)
                return
            super().do_GET()

        def log_message(self, *args: typing.Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", root
    server.shutdown()


def _segments(playlist: Path) -> list[tuple[str, float]]:
    out, duration = [], None
    for line in playlist.read_text().splitlines():
        if line.startswith("#EXTINF:"):
            duration = float(line[8:].rstrip(","))
        elif line and not line.startswith("#"):
            out.append((line, duration))
    return out


def test_transcode_makes_a_ladder_and_previews(tmp_path: Path, lavfi_mp4: Path) -> None:
    events: list[reelkit.ProgressEvent] = []
    report = reelkit.transcode(
        lavfi_mp4,
        hls=tmp_path / "hls",
        ladder=[480, 240, 120],
        preset="ultrafast",
        crf=28,
        segment_seconds=1.0,
        proxy=tmp_path / "proxy.mp4",
        thumbnails=tmp_path / "thumbs",
        sprite=tmp_path / "sprite",
        waveform=tmp_path / "wave.json",
        options={"thumbnails": {"count": 3}, "waveform": {"peaks_per_second": 20}},
        progress=events.append,
    )
    assert set(report) == set(typing.get_type_hints(reelkit.TranscodeReport))
    hls = report["hls"]
    assert hls is not None
    assert hls["skipped_rungs"] == [480]
    assert [r["name"] for r in hls["renditions"]] == ["240p", "120p", "audio"]
    assert set(hls["renditions"][0]) == set(typing.get_type_hints(reelkit.RenditionReport))
    assert report["decoded_frames"] == 50
    assert all(r["units"] == 50 for r in hls["renditions"] if r["kind"] == "video")
    master = (tmp_path / "hls" / "master.m3u8").read_text()
    assert "RESOLUTION=320x240" in master and "RESOLUTION=160x120" in master
    for rung in ("240p", "120p", "audio"):
        playlist = tmp_path / "hls" / rung / "index.m3u8"
        assert sum(d for _, d in _segments(playlist)) == pytest.approx(2.0, abs=0.05)
        check = subprocess.run(["ffmpeg", "-v", "error", "-i", str(playlist), "-f", "null", "-"], capture_output=True)
        assert check.returncode == 0 and not check.stderr.strip(), check.stderr
    assert report["proxy"] is not None and report["proxy"]["frames"] == 50
    assert report["thumbnails"] is not None and len(report["thumbnails"]["files"]) == 3
    assert (tmp_path / "sprite" / "thumbnails.vtt").read_text().startswith("WEBVTT")
    wave = json.loads((tmp_path / "wave.json").read_text())
    assert wave["length"] == pytest.approx(40, abs=1)
    assert events and events[-1].stage == "transcode" and events[-1].fraction == pytest.approx(1.0)
    assert all(e.rate is not None and e.rate > 0 for e in events if e.done > 0)
    assert "rate" in events[-1].to_dict() and "eta" in events[-1].to_dict()


def test_transcode_errors_are_typed(tmp_path: Path, lavfi_mp4: Path, tone_wav: Path) -> None:
    with pytest.raises(reelkit.InvalidParameterError) as caught:
        reelkit.transcode(lavfi_mp4, hls=tmp_path / "x", crf=77)
    assert caught.value.code == "invalid_parameter" and "crf" in str(caught.value)
    with pytest.raises(reelkit.InvalidParameterError):
        reelkit.transcode(lavfi_mp4, ladder=[720])
    with pytest.raises(reelkit.InvalidParameterError) as caught:
        reelkit.transcode(lavfi_mp4, options={"hls": {"dir": str(tmp_path / "x"), "crff": 20}})
    assert "hls.crff" in str(caught.value)
    with pytest.raises(reelkit.MissingStreamError):
        reelkit.transcode(tone_wav, thumbnails=tmp_path / "t")
    text = tmp_path / "notes.mp4"
    text.write_text("not a video " * 100)
    with pytest.raises(reelkit.NotMediaError):
        reelkit.transcode(text, hls=tmp_path / "y")
    assert not (tmp_path / "x").exists() and not (tmp_path / "y").exists()


def test_transcode_cancels_without_leaving_a_playlist(tmp_path: Path) -> None:
    source = tmp_path / "long.mp4"
    ffmpeg("-f", "lavfi", "-i", "testsrc2=size=640x360:rate=30:duration=20", "-c:v", "libx264", "-preset", "ultrafast", str(source))
    out = tmp_path / "out"
    out.mkdir()
    token = reelkit.CancelToken()

    def stop(event: reelkit.ProgressEvent) -> None:
        if event.done > 0:
            token.cancel()

    with pytest.raises(reelkit.CancelledError):
        reelkit.transcode(source, hls=out / "hls", ladder=[360, 240], preset="medium", progress=stop, cancel=token)
    assert sorted(p.name for p in out.iterdir()) == []


def test_ingest_local_and_over_http(tmp_path: Path, lavfi_mp4: Path, site: tuple[str, Path]) -> None:
    base, _ = site
    digest = hashlib.sha256(lavfi_mp4.read_bytes()).hexdigest()
    assert reelkit.fingerprint(lavfi_mp4) == digest
    assert reelkit.sniff_container(lavfi_mp4) == "mp4"
    local = reelkit.ingest(lavfi_mp4)
    assert set(local) == set(typing.get_type_hints(reelkit.IngestReport))
    assert (local["method"], local["sha256"], local["duplicate"]) == ("file", digest, False)

    store = tmp_path / "store"
    events: list[reelkit.ProgressEvent] = []
    fetched = reelkit.ingest(f"{base}/clip.mp4", store, fetch={"yt_dlp_mode": "never"}, progress=events.append)
    assert (fetched["method"], fetched["sha256"]) == ("http", digest)
    assert Path(fetched["path"]) == store / f"{digest}.mp4"
    assert any(e.stage == "download" and e.unit == "bytes" for e in events)
    again = reelkit.ingest(lavfi_mp4, store)
    assert again["duplicate"] and again["path"] == fetched["path"]


def test_ingest_errors_are_typed(tmp_path: Path, lavfi_mp4: Path, site: tuple[str, Path]) -> None:
    base, _ = site
    with pytest.raises(reelkit.PolicyViolationError) as caught:
        reelkit.ingest(lavfi_mp4, policy={"max_duration": 1.0})
    assert caught.value.code == "policy_violation" and caught.value.rule == "max_duration"
    with pytest.raises(reelkit.PolicyViolationError) as caught:
        reelkit.ingest(lavfi_mp4, policy={"allowed_containers": ["webm"]})
    assert caught.value.rule == "allowed_containers"
    with pytest.raises(reelkit.InvalidParameterError) as caught:
        reelkit.ingest(lavfi_mp4, policy={"max_seconds": 1})
    assert "max_seconds" in str(caught.value)
    with pytest.raises(reelkit.DownloadError) as caught:
        reelkit.ingest(f"{base}/missing.mp4", tmp_path, fetch={"yt_dlp_mode": "never"})
    assert caught.value.code == "download_failed"
    started = time.monotonic()
    with pytest.raises(reelkit.TimedOutError) as caught:
        reelkit.ingest(f"{base}/hang", tmp_path, fetch={"yt_dlp_mode": "never", "idle_timeout": 1.0})
    assert isinstance(caught.value, TimeoutError) and caught.value.code == "timeout"
    assert time.monotonic() - started < 10
    with pytest.raises(reelkit.ExternalToolError) as caught:
        reelkit.ingest(f"{base}/clip.mp4", tmp_path, fetch={"yt_dlp_mode": "always", "yt_dlp": "/nonexistent/yt-dlp"})
    assert caught.value.code == "tool_failed"
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed = s.getsockname()[1]
    with pytest.raises(reelkit.DownloadError):
        reelkit.ingest(f"http://127.0.0.1:{closed}/clip.mp4", tmp_path, fetch={"yt_dlp_mode": "never"})
    assert [p for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_ingest_through_yt_dlp(tmp_path: Path, lavfi_mp4: Path, site: tuple[str, Path]) -> None:
    base, root = site
    found = shutil.which("yt-dlp") is not None or (Path.home() / ".cache/reelkit/venv/bin/yt-dlp").exists()
    require("tools", found, "yt-dlp is not installed (pip install yt-dlp into the dev venv)")
    ffmpeg("-i", str(lavfi_mp4), "-c", "copy", "-f", "hls", "-hls_time", "1", "-hls_playlist_type", "vod", str(root / "stream.m3u8"))
    report = reelkit.ingest(f"{base}/stream.m3u8", tmp_path / "store")
    assert report["method"] == "yt-dlp"
    assert report["media"]["duration"] == pytest.approx(2.0, abs=0.2)
