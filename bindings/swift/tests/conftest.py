"""Fixtures for the binding tests.

The Swift binding cannot be compiled on machines without a Swift toolchain,
so these tests drive the same UniFFI C ABI (same library, same scaffolding,
same metadata) through UniFFI's generated *Python* bindings.

`scripts/test.sh` builds the library and generates both bindings into a
temporary directory, passed here as:

- ``REELKIT_FFI_PYTHON_DIR``: generated ``reelkit_ffi.py`` + the library;
- ``REELKIT_FFI_SWIFT_DIR``: freshly generated Swift sources (drift check).

Without them (a bare ``pytest`` run), the fixtures run
``scripts/generate.sh`` themselves.

The core's records cross as JSON and are lifted into the classes quicktype
generates from their JSON Schema (``reelkit_types``, the Python twin of
``Sources/Reelkit/ReelkitTypes.swift``): every report a test receives has
been checked against the schema the Swift types come from.

Media comes from ``$REELKIT_TESTDATA`` or ``shared/testdata`` next to or
above the workspace; models from ``$REELKIT_MODELS`` or
``~/.cache/reelkit/models``. Tests that need missing data are skipped with
the reason, or fail with ``REELKIT_REQUIRE_TESTDATA=1`` /
``REELKIT_REQUIRE_MODELS=1`` (the whole test command sets them).
"""

import importlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

SWIFT_DIR = Path(__file__).resolve().parent.parent
WORKSPACE = SWIFT_DIR.parent.parent
CHECKED_IN = SWIFT_DIR / "Sources" / "Reelkit"


@pytest.fixture(scope="session")
def generated(tmp_path_factory):
    """(python_dir, swift_dir) holding freshly generated bindings."""
    py = os.environ.get("REELKIT_FFI_PYTHON_DIR")
    sw = os.environ.get("REELKIT_FFI_SWIFT_DIR")
    if py and sw:
        return Path(py), Path(sw)
    out = tmp_path_factory.mktemp("generated")
    subprocess.run(
        [str(SWIFT_DIR / "scripts" / "generate.sh"), "--swift-out", str(out / "swift"), "--python-out", str(out / "python")],
        check=True,
    )
    return out / "python", out / "swift"


# The switches of the test command (scripts/test.sh sets them all): with one
# set, a missing fixture of its kind FAILS the test instead of skipping it.
_SWITCHES = {
    "testdata": ("REELKIT_REQUIRE_TESTDATA",),
    "models": ("REELKIT_REQUIRE_MODELS",),
    # Programs scripts/setup.sh installs or builds (ffmpeg, the reelkit CLI).
    "tools": ("REELKIT_REQUIRE_TESTDATA", "REELKIT_REQUIRE_MODELS", "REELKIT_REQUIRE_SERVICES"),
}


def require(kind, present, reason):
    """The one rule for a missing fixture of `kind` ("testdata", "models" or
    "tools"): fail when the test command requires it, skip (saying why)
    otherwise."""
    if present:
        return
    switches = _SWITCHES[kind]
    if any(os.environ.get(s) == "1" for s in switches):
        pytest.fail(f"{reason}, and {'/'.join(switches)}=1 requires it (run scripts/setup.sh)")
    pytest.skip(reason)


def missing(reason, switch):
    """Kept for callers that name their switch: a missing fixture of that kind."""
    kind = {"REELKIT_REQUIRE_TESTDATA": "testdata", "REELKIT_REQUIRE_MODELS": "models"}.get(switch, "tools")
    require(kind, False, reason)


def model_installed(root, model_id):
    """Whether `reelkit models fetch` finished installing `model_id` (its
    completion marker is written last)."""
    return (Path(root) / model_id / ".reelkit-complete.json").is_file()


def _import(generated, name):
    python_dir, _ = generated
    sys.path.insert(0, str(python_dir))
    try:
        return importlib.import_module(name)
    finally:
        sys.path.remove(str(python_dir))


@pytest.fixture(scope="session")
def rk(generated):
    """The generated `reelkit_ffi` Python module."""
    return _import(generated, "reelkit_ffi")


@pytest.fixture(scope="session")
def types(generated):
    """The record classes quicktype generated from the records' schema."""
    return _import(generated, "reelkit_types")


@pytest.fixture(scope="session")
def swift_dir(generated):
    return generated[1]


def _testdata():
    env = os.environ.get("REELKIT_TESTDATA")
    candidates = [Path(env)] if env else [WORKSPACE / "shared" / "testdata", WORKSPACE.parent / "shared" / "testdata"]
    return next((p for p in candidates if (p / "MANIFEST.md").is_file()), None)


@pytest.fixture(scope="session")
def testdata():
    root = _testdata()
    require("testdata", root is not None, "no test data (set REELKIT_TESTDATA)")
    return root


@pytest.fixture(scope="session")
def example_mp4(testdata):
    path = testdata / "speech-video" / "example.mp4"
    require("testdata", path.is_file(), f"{path} is missing from the test data")
    return str(path)


@pytest.fixture(scope="session")
def jfk(testdata):
    found = sorted((testdata / "asr-speech" / "audio").glob("*jfk*"))
    require("testdata", bool(found), "no JFK clip in the test data")
    return str(found[0])


@pytest.fixture(scope="session")
def models_dir():
    root = Path(os.environ.get("REELKIT_MODELS") or Path.home() / ".cache" / "reelkit" / "models")
    require("models", model_installed(root, "tiny.en"), f"model tiny.en not installed in {root} (run `reelkit models fetch tiny.en`)")
    return str(root)


@pytest.fixture(scope="session")
def engine(rk, models_dir):
    """One engine for the whole session, so tiny.en is loaded once."""
    return rk.Engine(models_dir)


def text_of(transcript):
    """A transcript's full text (Swift has it as `Transcript.text`)."""
    return " ".join(s.text.strip() for s in transcript.segments if s.text.strip())


def fraction(event):
    """`done / total` of a progress event (Swift: `ProgressEvent.fraction`)."""
    return min(max(event.done / event.total, 0.0), 1.0) if event.total else None
