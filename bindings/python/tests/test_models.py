"""models_list / models_fetch against the local model store (no network)."""

from __future__ import annotations

import typing
from pathlib import Path

import pytest

import reelkit


def test_models_list_rows_match_the_typed_dict() -> None:
    rows = reelkit.models_list()
    assert rows and isinstance(rows, list)
    keys = set(typing.get_type_hints(reelkit.ModelStatus))
    for row in rows:
        assert set(row) == keys
    assert "tiny.en" in {r["id"] for r in rows}


def test_fetching_an_installed_model_does_nothing(tiny_model: str) -> None:
    events: list[reelkit.ProgressEvent] = []
    rows = reelkit.models_fetch([tiny_model], progress=events.append)
    assert [r["id"] for r in rows] == [tiny_model] and rows[0]["installed"]
    assert [(e.stage, e.message) for e in events] == [("fetch_models", f"already_present {tiny_model}")]


def test_fetching_an_unknown_model_fails() -> None:
    with pytest.raises(reelkit.ModelError) as caught:
        reelkit.models_fetch(["no-such-model"])
    assert caught.value.code == "unknown_model"


def test_fetch_with_a_cancelled_token(tmp_path: Path) -> None:
    token = reelkit.CancelToken()
    token.cancel()
    with pytest.raises(reelkit.CancelledError):
        reelkit.Engine(tmp_path).models_fetch(["tiny.en"], cancel=token)
    assert not any(tmp_path.iterdir())


def test_ids_must_be_a_list() -> None:
    with pytest.raises(TypeError):
        reelkit.models_fetch("tiny.en")  # type: ignore[arg-type]
