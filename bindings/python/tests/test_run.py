"""reelkit.run: the job spec every face shares, checked against the CLI."""

from __future__ import annotations

import json
import subprocess
import typing
from pathlib import Path
from typing import Any

import pytest

import reelkit
from conftest import REPO_ROOT

SPECS = REPO_ROOT / "examples" / "specs"


def fixture_spec(name: str, out: Path) -> Any:
    """A shared spec fixture with its input and output made absolute."""
    spec = json.loads((SPECS / name).read_text())
    spec["input"] = str(REPO_ROOT / "examples" / "sample.mp4")
    spec["output"] = str(out)
    return spec


def cli_run(cli: Path, spec: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(cli), "run", "-"], input=json.dumps(spec), capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def clips_runs(
    tiny_model: str, reelkit_cli: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[dict[str, Any], dict[str, Any], Path, list[reelkit.ProgressEvent]]:
    out = tmp_path_factory.mktemp("run-python")
    events: list[reelkit.ProgressEvent] = []
    report = reelkit.run(fixture_spec("clips.json", out), progress=events.append)
    cli = cli_run(reelkit_cli, fixture_spec("clips.json", tmp_path_factory.mktemp("run-cli")))
    assert cli.returncode == 0, cli.stderr
    return dict(report), json.loads(cli.stdout), out, events


def test_the_clips_fixture_gives_the_clips_the_cli_gives(clips_runs: tuple[dict, dict, Path, list]) -> None:
    report, cli, _, _ = clips_runs
    assert report["kind"] == cli["kind"] == "clips"
    assert len(report["clips"]) == len(cli["clips"]) == 1  # "top": 1
    for ours, theirs in zip(report["clips"], cli["clips"]):
        assert ours["start"] == pytest.approx(theirs["start"], abs=1e-6)
        assert ours["end"] == pytest.approx(theirs["end"], abs=1e-6)
        assert ours["text"] == theirs["text"] and ours["text"].strip()
    assert (report["aspect"], report["width"], report["height"]) == (cli["aspect"], cli["width"], cli["height"])
    assert report["aspect"] == "9:16" and report["height"] > report["width"]


def test_the_clips_job_writes_what_the_cli_writes(clips_runs: tuple[dict, dict, Path, list]) -> None:
    report, _, out, events = clips_runs
    for name in ["clip-01.mp4", "clip-01.srt", "clip-01.vtt", "clip-01.ass", "clips.json", "transcript.json"]:
        assert (out / name).is_file(), name
    written = json.loads((out / "clips.json").read_text())
    assert {"kind": "clips", **written} == report
    assert set(report) == set(typing.get_type_hints(reelkit.ClipsJobReport))
    stages = {e.stage for e in events}
    assert {"probe", "transcribe", "export"} <= stages
    assert all(0.0 <= e.fraction <= 1.0 for e in events if e.fraction is not None)


def test_the_misspelt_fixture_is_refused_as_the_cli_refuses_it(tmp_path: Path, reelkit_cli: Path) -> None:
    spec = fixture_spec("clips-misspelt.json", tmp_path / "out")
    with pytest.raises(reelkit.InvalidConfigError) as caught:
        reelkit.run(spec)
    e = caught.value
    assert (e.code, e.field) == ("invalid_config", "params.topp")
    assert "top" in e.accepted and "min_duration" in e.accepted
    assert isinstance(e, reelkit.InvalidParameterError) and isinstance(e, ValueError)
    cli = cli_run(reelkit_cli, spec)
    assert cli.returncode == 2
    assert cli.stderr.strip() == f"error: {e} [{e.code}]"
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("spec", "field"),
    [
        ({"kind": "clipz"}, "kind"),
        ({"params": {}}, "kind"),
        ({"kind": "clips", "inptu": "a.mp4"}, "inptu"),
        ({"kind": "clips", "input": "a.mp4", "output": "o", "params": {"asr": {"modle": "base"}}}, "params.asr.modle"),
        ({"kind": "clips", "input": "a.mp4", "output": "o", "params": {"top": "two"}}, "params.top"),
        ({"kind": "transcribe", "input": "a.mp4", "params": {"asr": {"word_timing": "sundial"}}}, "params.asr.word_timing"),
        ({"kind": "probe", "input": object()}, "(root)"),
    ],
)
def test_bad_specs_name_the_key(spec: Any, field: str) -> None:
    with pytest.raises(reelkit.InvalidConfigError) as caught:
        reelkit.run(spec)
    assert caught.value.code == "invalid_config" and caught.value.field == field


def test_out_of_range_values_name_the_field(tmp_path: Path) -> None:
    spec = {"kind": "clips", "input": "a.mp4", "output": str(tmp_path / "o"), "params": {"top": 0}}
    with pytest.raises(reelkit.InvalidParameterError) as caught:
        reelkit.run(spec)
    assert type(caught.value) is reelkit.InvalidParameterError
    assert (caught.value.code, caught.value.field) == ("invalid_parameter", "params.top")
    assert "1..=1000" in str(caught.value)
    # NaN cannot cross as JSON: refused, not turned into "no value".
    spec["params"] = {"min_duration": float("nan")}
    with pytest.raises(reelkit.InvalidParameterError) as caught:
        reelkit.run(spec)
    assert caught.value.field == "params.min_duration"
    with pytest.raises(reelkit.InvalidParameterError) as caught:
        reelkit.clips("a.mp4", tmp_path / "o", max_duration=float("inf"))
    assert caught.value.field == "max_duration"
    assert not (tmp_path / "o").exists()


def test_hostile_nesting_is_refused_not_recursed_into() -> None:
    deep: list[Any] = []
    for _ in range(100_000):
        deep = [deep]
    with pytest.raises(reelkit.InvalidParameterError, match="nested more than 128 levels"):
        reelkit.run({"kind": "probe", "input": "a.mp4", "params": {"x": deep}})
    cycle: dict[str, Any] = {}
    cycle["self"] = cycle
    with pytest.raises(reelkit.InvalidParameterError) as caught:
        reelkit.run(cycle)
    assert caught.value.field is not None and caught.value.field.startswith("self.self.")


def test_probe_and_scenes_jobs(lavfi_mp4: Path, two_scenes_mp4: Path, tmp_path: Path) -> None:
    report = dict(reelkit.run({"kind": "probe", "input": str(lavfi_mp4)}))
    assert report.pop("kind") == "probe"
    assert report == reelkit.probe(lavfi_mp4).to_dict()
    out = tmp_path / "scenes.json"
    scenes = reelkit.run({"kind": "scenes", "input": str(two_scenes_mp4), "output": str(out), "params": {"threshold": 27}})
    assert scenes["kind"] == "scenes" and scenes["output"] == str(out)
    assert json.loads(out.read_text())["scenes"] == scenes["scenes"] == reelkit.detect_scenes(two_scenes_mp4)["scenes"]


def test_a_cancelled_token_stops_a_job_before_it_starts(lavfi_mp4: Path, tmp_path: Path) -> None:
    token = reelkit.CancelToken()
    token.cancel()
    spec = {"kind": "transcode", "input": str(lavfi_mp4), "output": str(tmp_path / "hls")}
    with pytest.raises(reelkit.CancelledError):
        reelkit.run(spec, cancel=token)
    assert not (tmp_path / "hls").exists()


def test_errors_carry_the_stage_they_happened_in(tmp_path: Path) -> None:
    with pytest.raises(reelkit.MediaNotFoundError) as caught:
        reelkit.run({"kind": "probe", "input": str(tmp_path / "missing.mp4")})
    assert (caught.value.code, caught.value.stage, caught.value.errno) == ("not_found", "probe", 2)


def test_one_exception_class_per_error_kind() -> None:
    classes = reelkit.ERROR_CLASSES
    # The core's codes (pinned with their HTTP statuses in core/src/error.rs).
    assert set(classes) == {
        "invalid_config", "invalid_parameter", "not_found", "not_media", "missing_stream", "corrupt_media",
        "subtitle_parse", "policy_violation", "limit_exceeded", "download_failed", "timeout", "model_not_found",
        "unknown_model", "invalid_model_file", "unsupported_model", "checksum_mismatch", "package_not_found",
        "invalid_manifest", "network", "http", "device_unavailable", "decode", "encode", "asr", "tts", "font",
        "tool_failed", "io", "cancelled", "internal",
    }  # fmt: skip
    assert len(set(classes.values())) == len(classes)
    for code, cls in classes.items():
        assert cls.code == code and issubclass(cls, reelkit.ReelkitError)
        assert getattr(reelkit, cls.__name__) is cls and cls.__module__ == "reelkit" and cls.__doc__
    model = {"model_not_found", "unknown_model", "invalid_model_file", "unsupported_model", "checksum_mismatch"}
    assert all(issubclass(classes[c], reelkit.ModelError) for c in model)
    assert not issubclass(classes["cancelled"], reelkit.ModelError)


def test_the_module_runs_on_the_shared_engine(tmp_path: Path) -> None:
    shared = reelkit.run.__self__  # type: ignore[attr-defined]
    assert isinstance(shared, reelkit.Engine)
    assert reelkit.Engine().models_dir == shared.models_dir
    assert reelkit.transcribe.__self__ is shared and reelkit.tts.__self__ is shared  # type: ignore[attr-defined]
    with pytest.raises(reelkit.MediaNotFoundError):
        reelkit.Engine(fonts_dir=tmp_path / "no-fonts")


def test_schema_is_the_committed_schema() -> None:
    committed = json.loads((REPO_ROOT / "core" / "schema" / "job.schema.json").read_text())
    assert reelkit.schema() == committed


def test_retell_specs_are_read_strictly_and_checked(tmp_path: Path) -> None:
    spec = {"kind": "retell", "input": "a.mp4", "output": str(tmp_path / "o"), "params": {"minutes": 500}}
    with pytest.raises(reelkit.InvalidParameterError) as caught:
        reelkit.run(spec)
    assert caught.value.field == "params.minutes"
    spec["params"] = {"minuts": 2}
    with pytest.raises(reelkit.InvalidConfigError) as caught:
        reelkit.run(spec)
    assert caught.value.field == "params.minuts"
    with pytest.raises(reelkit.InvalidParameterError) as caught:
        reelkit.retell("a.mp4", tmp_path / "o", 2.0, options={"bed": "mute", "crossfade": 5})
    assert caught.value.field == "params.crossfade"
    assert not (tmp_path / "o").exists()
