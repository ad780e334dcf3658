"""`run` (any job spec, as JSON) against the CLI's `reelkit run`, the shared
spec fixtures, and checks of the Swift sources that no Swift compiler here
can make: they parse, and the hand-written part uses only what the
generated types declare."""

import asyncio
import json
import os
import re
import subprocess
from pathlib import Path

import pytest

from conftest import CHECKED_IN, WORKSPACE, require

SPECS = WORKSPACE / "examples" / "specs"


def run(coro):
    return asyncio.run(coro)


def fixture_spec(name, out):
    """A shared fixture spec with its input and output made absolute (as `cli/tests/run.rs` does)."""
    spec = json.loads((SPECS / name).read_text())
    spec["input"] = str(WORKSPACE / "examples" / "sample.mp4")
    spec["output"] = str(out)
    return spec


def clips_of(report):
    return [(c["start"], c["end"], c["text"]) for c in report["clips"]]


@pytest.fixture(scope="session")
def cli():
    path = Path(os.environ.get("REELKIT_CLI") or WORKSPACE / "target" / "debug" / "reelkit")
    require("tools", path.is_file(), f"no reelkit CLI at {path} (cargo build -p reelkit-cli; set REELKIT_CLI)")
    return path


def test_the_clips_fixture_gives_the_clis_clips(rk, engine, cli, tmp_path):
    spec = fixture_spec("clips.json", tmp_path / "ffi")
    report = json.loads(run(engine.run(json.dumps(spec), None, None)))
    assert report["kind"] == "clips" and report["aspect"] == "9:16"
    assert len(report["clips"]) == 1
    for name in ["clip-01.mp4", "clip-01.srt", "clip-01.vtt", "clip-01.ass", "clips.json", "transcript.json"]:
        assert (tmp_path / "ffi" / name).is_file(), name

    cli_spec = fixture_spec("clips.json", tmp_path / "cli")
    env = {**os.environ, "REELKIT_MODELS": engine.models_dir()}
    out = subprocess.run([str(cli), "run", "-"], input=json.dumps(cli_spec), capture_output=True, text=True, env=env)
    assert out.returncode == 0, out.stderr
    expected = json.loads(out.stdout)
    assert len(report["clips"]) == len(expected["clips"])
    for (start, end, text), (cli_start, cli_end, cli_text) in zip(clips_of(report), clips_of(expected)):
        assert (start, end, text) == (pytest.approx(cli_start, abs=1e-6), pytest.approx(cli_end, abs=1e-6), cli_text)

    # The same spec through the typed call gives the same clips.
    params = spec["params"]
    options = rk.ClipsOptions(job_json=json.dumps(params))
    typed = run(engine.clips(spec["input"], str(tmp_path / "typed"), options, None, None))
    assert [(c.start, c.end, c.text) for c in typed.clips] == clips_of(report)


def test_the_misspelt_fixture_is_refused_like_the_cli_refuses_it(rk, engine, tmp_path):
    spec = fixture_spec("clips-misspelt.json", tmp_path)
    for call in [lambda: rk.run(json.dumps(spec), None, None), lambda: engine.run(json.dumps(spec), None, None)]:
        with pytest.raises(rk.ReelkitError.InvalidConfig) as caught:
            run(call())
        err = caught.value
        # (In Python the case's `field` hides the `field()` method; Swift has both.)
        assert (err.code(), err.field, type(err).field(err)) == ("invalid_config", "params.topp", "params.topp")
        assert "top" in err.accepted and err.is_input_error() and err.http_status() == 422
        assert err.message.startswith("invalid config `params.topp`: unknown key `topp` (accepted: top,")
    # The typed call reads its JSON options the same way.
    options = rk.ClipsOptions(job_json=json.dumps(spec["params"]))
    with pytest.raises(rk.ReelkitError.InvalidConfig) as caught:
        run(engine.clips(spec["input"], spec["output"], options, None, None))
    assert caught.value.field == "params.topp"
    assert not Path(spec["output"]).joinpath("clips.json").exists()


def test_run_reports_any_kind_and_refuses_bad_specs(rk, example_mp4):
    report = json.loads(run(rk.run(json.dumps({"kind": "probe", "input": example_mp4}), None, None)))
    assert report["kind"] == "probe" and report["video"]["width"] > 0
    assert rk.probe(example_mp4).duration == report["duration"]
    with pytest.raises(rk.ReelkitError.InvalidConfig) as caught:
        run(rk.run("not json", None, None))
    assert caught.value.field == "(root)"
    with pytest.raises(rk.ReelkitError.InvalidConfig) as caught:
        run(rk.run('{"kind": "clipz"}', None, None))
    assert caught.value.field == "kind" and "transcribe" in caught.value.accepted
    with pytest.raises(rk.ReelkitError.InvalidParameter) as caught:
        run(rk.run('{"kind": "clips", "params": {"top": 2}}', None, None))
    assert caught.value.name == "input"
    schema = json.loads(rk.job_schema_json())
    assert schema == json.loads((WORKSPACE / "core" / "schema" / "job.schema.json").read_text())


# --- the Swift sources ---------------------------------------------------------


def _syntax_errors(path, text):
    import tree_sitter
    import tree_sitter_swift

    parser = tree_sitter.Parser(tree_sitter.Language(tree_sitter_swift.language()))
    source = text.encode()
    errors = []

    def walk(node):
        if node.type == "ERROR" or node.is_missing:
            line = source.split(b"\n")[node.start_point[0]].decode()
            errors.append(f"{path.name}:{node.start_point[0] + 1}: {line.strip()}")
        for child in node.children:
            walk(child)

    walk(parser.parse(source).root_node)
    return errors


@pytest.mark.parametrize("name", ["reelkit_ffi.swift", "ReelkitTypes.swift", "Records.swift"])
def test_swift_sources_parse(name):
    path = CHECKED_IN / name
    text = path.read_text()
    if name == "reelkit_ffi.swift":
        # Two constructs of UniFFI's output the grammar does not know (valid
        # Swift): the `@_documentation` attribute and an empty closure `{ () }`.
        text = text.replace("@_documentation(visibility: private)", "").replace("{ () }", "{ }")
    assert _syntax_errors(path, text) == []


def _swift_structs():
    """{struct name: {property names}} of the generated record types."""
    structs = {}
    text = (CHECKED_IN / "ReelkitTypes.swift").read_text()
    for name, body in re.findall(r"public struct (\w+): Codable[^{]*\{(.*?)\n\}", text, re.S):
        props = set()
        for decl in re.findall(r"public let ([^:]+):", body):
            props.update(p.strip() for p in decl.split(","))
        structs[name] = props
    return structs


def test_records_swift_uses_only_generated_properties():
    structs = _swift_structs()
    source = (CHECKED_IN / "Records.swift").read_text()
    used = {
        "Transcript": {"segments"},
        "Segment": {"text"},
        "ProgressEvent": {"total", "done"},
        "Speech": {"samples", "sampleRate"},
    }
    for struct, props in used.items():
        assert props <= structs.get(struct, set()), f"{struct} lacks {props - structs.get(struct, set())}"
    for extended in re.findall(r"^extension (\w+)", source, re.M):
        assert extended in structs, f"Records.swift extends {extended}, which is not generated"
    # Every record the library sends as JSON has its Codable type, decoded
    # by the helper uniffi.toml names.
    ffi = (CHECKED_IN / "reelkit_ffi.swift").read_text()
    for record in ["MediaInfo", "Transcript", "ClipsReport", "IngestReport", "TranscodeReport", "BurnReport",
                   "DubReport", "SynthesisSummary", "Speech", "Voice", "Loudness", "SubtitleCue", "ProgressEvent"]:
        assert record in structs, record
        assert f"public struct FfiConverterType{record}" in ffi, record
    assert ffi.count("try reelkitDecode(builtinValue)") >= 2 * 13
