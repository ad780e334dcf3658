"""probe, decode_audio, VideoReader, cut, detect_scenes on real media."""

from __future__ import annotations

import typing
from pathlib import Path

import numpy as np
import pytest

import reelkit
from conftest import ffmpeg


def test_probe_reads_a_generated_mp4(lavfi_mp4: Path) -> None:
    info = reelkit.probe(lavfi_mp4)
    assert isinstance(info, reelkit.MediaInfo)
    assert "mp4" in info.container
    assert info.duration == pytest.approx(2.0, abs=0.1)
    assert info.path == str(lavfi_mp4)
    assert info.size_bytes == lavfi_mp4.stat().st_size
    assert info.has_video and info.has_audio

    video = info.video
    assert isinstance(video, reelkit.VideoInfo)
    assert (video.width, video.height) == (320, 240)
    assert (video.display_width, video.display_height) == (320, 240)
    assert video.fps == pytest.approx(25.0)
    assert video.rotation == 0
    assert video.codec == "h264"
    assert video.pixel_format == "yuv420p"

    audio = info.audio
    assert isinstance(audio, reelkit.AudioInfo)
    assert (audio.sample_rate, audio.channels, audio.codec) == (44100, 2, "aac")

    assert sorted(s.kind for s in info.streams) == ["audio", "video"]
    assert all(isinstance(s, reelkit.StreamInfo) for s in info.streams)

    d = info.to_dict()
    assert d["video"]["width"] == 320
    assert d["audio"]["sample_rate"] == 44100
    assert [s["kind"] for s in d["streams"]] == [s.kind for s in info.streams]
    assert info.video.to_dict() == d["video"]
    assert "MediaInfo(" in repr(info) and "fps=25.0" in repr(info)


def test_probe_accepts_str_and_pathlike(lavfi_mp4: Path) -> None:
    assert reelkit.probe(str(lavfi_mp4)).duration == reelkit.probe(lavfi_mp4).duration


def test_probe_reports_rotation(media_dir: Path, lavfi_mp4: Path) -> None:
    rotated = media_dir / "rotated.mp4"
    ffmpeg("-i", str(lavfi_mp4), "-c", "copy", "-metadata:s:v:0", "rotate=90", str(rotated))
    video = reelkit.probe(rotated).video
    assert video is not None
    if video.rotation == 0:
        pytest.skip("this ffmpeg CLI does not write the rotate tag")
    assert video.rotation in (90, 270)
    assert (video.width, video.height) == (320, 240)
    assert (video.display_width, video.display_height) == (240, 320)
    with reelkit.VideoReader(rotated) as reader:
        assert reader.size == (240, 320)
        _, frame = next(iter(reader))
        assert frame.shape == (320, 240, 3)


def test_missing_file_is_file_not_found(tmp_path: Path) -> None:
    missing = tmp_path / "nope.mp4"
    with pytest.raises(reelkit.MediaNotFoundError) as caught:
        reelkit.probe(missing)
    e = caught.value
    assert isinstance(e, FileNotFoundError) and isinstance(e, reelkit.ReelkitError)
    assert e.code == "not_found"
    assert e.filename == str(missing)
    assert e.errno == 2


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", (reelkit.CorruptMediaError,)),
        (b"just some words, not a video\n" * 40, (reelkit.NotMediaError,)),
    ],
    ids=["empty", "text"],
)
def test_non_media_files_raise_typed_errors(tmp_path: Path, content: bytes, expected: tuple[type, ...]) -> None:
    path = tmp_path / "input.mp4"
    path.write_bytes(content)
    with pytest.raises(reelkit.ReelkitError) as caught:
        reelkit.probe(path)
    assert isinstance(caught.value, expected), repr(caught.value)
    assert caught.value.code in ("not_media", "corrupt_media")
    assert str(path) in str(caught.value)


def test_truncated_mp4_is_corrupt(tmp_path: Path, lavfi_mp4: Path) -> None:
    data = lavfi_mp4.read_bytes()
    # Keep the moov box (written at the end by default) but lose media data.
    moov = data.rfind(b"moov") - 4
    assert moov > 0
    broken = tmp_path / "truncated.mp4"
    broken.write_bytes(data[:64] + data[moov:])
    with pytest.raises((reelkit.CorruptMediaError, reelkit.NotMediaError)) as caught:
        reelkit.probe(broken)
        list(reelkit.VideoReader(broken))
    assert caught.value.code in ("corrupt_media", "not_media")


def test_audio_only_file_has_no_video(tone_wav: Path) -> None:
    info = reelkit.probe(tone_wav)
    assert info.video is None and info.audio is not None
    with pytest.raises(reelkit.MissingStreamError) as caught:
        reelkit.VideoReader(tone_wav)
    assert caught.value.code == "missing_stream"


def test_decode_audio_mono_16k(lavfi_mp4: Path) -> None:
    samples = reelkit.decode_audio(lavfi_mp4)
    assert isinstance(samples, np.ndarray)
    assert samples.dtype == np.float32
    assert samples.ndim == 1
    assert samples.shape[0] == pytest.approx(2 * 16000, rel=0.03)
    assert samples.flags.c_contiguous
    assert 0.05 < float(np.abs(samples).max()) <= 1.0


def test_decode_audio_stereo_native_rate_and_range(lavfi_mp4: Path) -> None:
    stereo = reelkit.decode_audio(lavfi_mp4, sample_rate=44100, channels=2)
    assert stereo.shape[1] == 2
    assert stereo.shape[0] == pytest.approx(2 * 44100, rel=0.03)
    part = reelkit.decode_audio(lavfi_mp4, sample_rate=8000, start=0.5, end=1.5)
    assert part.shape == (pytest.approx(8000, abs=80),)


def test_decode_audio_rejects_bad_parameters(lavfi_mp4: Path) -> None:
    with pytest.raises(reelkit.InvalidParameterError) as caught:
        reelkit.decode_audio(lavfi_mp4, channels=6)
    assert isinstance(caught.value, ValueError)
    assert caught.value.code == "invalid_parameter"
    with pytest.raises(ValueError):
        reelkit.decode_audio(lavfi_mp4, start=1.0, end=0.5)


def test_video_reader_yields_rgb_frames(lavfi_mp4: Path) -> None:
    reader = reelkit.VideoReader(lavfi_mp4)
    assert reader.fps == pytest.approx(25.0)
    assert reader.size == (320, 240)
    frames = list(reader)
    assert len(frames) == 50
    times = [t for t, _ in frames]
    assert times == sorted(times) and times[0] == pytest.approx(0.0, abs=1e-6)
    assert times[1] == pytest.approx(0.04, abs=1e-3)
    t, frame = frames[10]
    assert isinstance(t, float)
    assert frame.shape == (240, 320, 3) and frame.dtype == np.uint8
    assert frame.std() > 10  # the test pattern, not a blank frame
    assert next(iter(reader), None) is None


def test_video_reader_scales_and_seeks(lavfi_mp4: Path) -> None:
    with reelkit.VideoReader(lavfi_mp4, size=(64, 48), start=1.0, end=1.4) as reader:
        frames = list(reader)
    assert [f.shape for _, f in frames] == [(48, 64, 3)] * 10
    assert frames[0][0] == pytest.approx(1.0, abs=1e-3)
    assert reader.size == (64, 48)


def test_video_reader_close_stops_iteration(lavfi_mp4: Path) -> None:
    reader = reelkit.VideoReader(lavfi_mp4)
    next(reader)
    reader.close()
    assert list(reader) == []


def test_cut_writes_an_exact_range(tmp_path: Path, lavfi_mp4: Path) -> None:
    events: list[reelkit.ProgressEvent] = []
    out = reelkit.cut(lavfi_mp4, tmp_path / "cut.mp4", 0.5, 1.5, progress=events.append)
    assert out == str(tmp_path / "cut.mp4")
    info = reelkit.probe(out)
    assert info.duration == pytest.approx(1.0, abs=0.1)
    assert info.video is not None and (info.video.width, info.video.height) == (320, 240)
    assert events and all(e.stage == "export" for e in events)
    assert events[-1].fraction == pytest.approx(1.0, abs=0.05)


def test_cut_with_a_cancelled_token_raises_before_writing(tmp_path: Path, lavfi_mp4: Path) -> None:
    token = reelkit.CancelToken()
    token.cancel()
    assert token.cancelled
    with pytest.raises(reelkit.CancelledError) as caught:
        reelkit.cut(lavfi_mp4, tmp_path / "never.mp4", 0.0, 1.0, cancel=token)
    assert caught.value.code == "cancelled"
    assert not (tmp_path / "never.mp4").exists()


def test_detect_scenes_finds_the_hard_cut(two_scenes_mp4: Path) -> None:
    result = reelkit.detect_scenes(two_scenes_mp4)
    assert set(result) == set(typing.get_type_hints(reelkit.SceneList))
    assert result["fps"] == pytest.approx(25.0)
    assert result["frames"] == 50
    scenes = result["scenes"]
    assert len(scenes) == 2
    assert set(scenes[0]) == set(typing.get_type_hints(reelkit.Scene))
    assert scenes[1]["start"] == pytest.approx(1.0, abs=0.05)
    assert scenes[1]["start_frame"] == 25


def test_detect_scenes_validates_threshold(two_scenes_mp4: Path) -> None:
    with pytest.raises(reelkit.InvalidParameterError):
        reelkit.detect_scenes(two_scenes_mp4, threshold=0.0)
