"""The TypedDicts generated from the schema: current, and checked by mypy."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import typing
from pathlib import Path

import pytest

import reelkit

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "scripts"))
import gen_types  # noqa: E402 - the generator lives next to the tests' package


def test_generated_files_are_current() -> None:
    for path, text in gen_types.generate().items():
        assert path.read_text() == text, f"{path.name} is stale: run python bindings/python/scripts/gen_types.py"


def test_every_schema_definition_has_a_type() -> None:
    defs = reelkit.schema()["$defs"]
    names = set(reelkit._types.__all__)
    for name in defs:
        assert name in names or f"{name}Dict" in names, name
    kinds = [v["properties"]["kind"]["const"] for v in reelkit.schema()["oneOf"]]
    for kind in kinds:
        stem = kind.title()
        assert f"{stem}JobSpec" in names and f"{stem}JobReport" in names
    assert typing.get_args(reelkit.JobSpec) == tuple(getattr(reelkit, f"{k.title()}JobSpec") for k in kinds)


def test_spec_types_know_required_and_optional_keys() -> None:
    assert reelkit.ClipsJobSpec.__required_keys__ == {"kind", "input", "output"}
    assert reelkit.ClipsJob.__required_keys__ == frozenset()  # every param has a default
    assert {"clips", "duration", "aspect"} <= reelkit.ClipsReport.__required_keys__
    assert typing.get_type_hints(reelkit.ClipsJobReport)["kind"] == typing.Literal["clips"]


def _mypy(cache: Path, *files: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-error-summary", "--cache-dir", str(cache), *map(str, files)],
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.fixture(scope="module")
def mypy_cache(request: pytest.FixtureRequest) -> Path:
    return Path(request.config.cache.mkdir("mypy"))


def test_mypy_strict_accepts_the_example(mypy_cache: Path) -> None:
    result = _mypy(mypy_cache, HERE / "typing_example.py")
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_strict_refuses_what_the_core_refuses(mypy_cache: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text(
        textwrap.dedent(
            """
            import reelkit

            spec: reelkit.ClipsJobSpec = {"kind": "clips", "input": "a.mp4", "output": "o", "params": {"topp": 1}}
            nowhere: reelkit.ClipsJobSpec = {"kind": "clips", "input": "a.mp4", "params": {}}
            reelkit.run({"kind": "probe", "input": "a.mp4"})["clips"]
            reelkit.clips("a.mp4", "out", options={"detect_scene": False})
            asr: reelkit.AsrConfig = {"word_timing": "sundial"}
            """
        )
    )
    result = _mypy(mypy_cache, bad)
    errors = [line for line in result.stdout.splitlines() if ": error:" in line]
    assert len(errors) == 5, result.stdout
    assert 'Extra key "topp" for TypedDict "ClipsJob"' in errors[0]
    assert 'Missing key "output"' in errors[1]  # a clips job needs an output
    assert 'TypedDict "ProbeJobReport" has no key "clips"' in errors[2]
    assert '"options" to "clips"' in errors[3]
    assert "sundial" in errors[4]
