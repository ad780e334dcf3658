"""The .pyi stubs describe exactly what the module exposes."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path
from typing import Any

import pytest

import reelkit
import reelkit._reelkit as native

PACKAGE = Path(reelkit.__file__).parent


def _parse(name: str) -> ast.Module:
    return ast.parse((PACKAGE / name).read_text())


def _public(names: object) -> set[str]:
    return {n for n in names if not n.startswith("_")}  # type: ignore[union-attr]


def _top_level_definitions(module: ast.Module) -> dict[str, ast.AST]:
    """Classes, functions and annotated names defined (not imported) at top level."""
    out: dict[str, ast.AST] = {}
    for node in module.body:
        if isinstance(node, (ast.ClassDef, ast.FunctionDef)):
            out[node.name] = node
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            out[node.target.id] = node
    return out


def _reexports(module: ast.Module) -> set[str]:
    names: set[str] = set()
    for node in module.body:
        if isinstance(node, ast.ImportFrom):
            names.update(a.asname or a.name for a in node.names if a.asname == a.name)
            if node.module == "reelkit._types" and [a.name for a in node.names] == ["*"]:
                names.update(reelkit._types.__all__)
    return names


def _stub_all(module: ast.Module) -> list[str]:
    """The stub's `__all__`: a literal list, plus `__all__ += _types.__all__`."""
    names: list[str] = []
    for node in module.body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets):
            names += ast.literal_eval(node.value)
        elif isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name) and node.target.id == "__all__":
            assert ast.unparse(node.value) == "_types.__all__"
            names += reelkit._types.__all__
    assert names, "no __all__ in stub"
    return names


def test_package_stub_matches_the_package() -> None:
    stub = _parse("__init__.pyi")
    stub_names = _public(_reexports(stub))
    runtime = _public(dir(reelkit))
    assert stub_names == runtime
    assert sorted(_stub_all(stub)) == sorted(reelkit.__all__)
    assert set(reelkit.__all__) == runtime


def test_native_stub_matches_the_native_module() -> None:
    stub = _public(_top_level_definitions(_parse("_reelkit.pyi")))
    assert stub == _public(dir(native))


def _stub_classes() -> dict[str, ast.ClassDef]:
    return {n: c for n, c in _top_level_definitions(_parse("_reelkit.pyi")).items() if isinstance(c, ast.ClassDef)}


def _stub_members(name: str, classes: dict[str, ast.ClassDef]) -> set[str]:
    cls = classes[name]
    members: set[str] = set()
    for node in cls.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            members.add(node.name)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            members.add(node.target.id)
    for base in cls.bases:
        if isinstance(base, ast.Name) and base.id in classes:
            members |= _stub_members(base.id, classes)
    return members


@pytest.mark.parametrize("name", sorted(_stub_classes()))
def test_class_members_match(name: str) -> None:
    classes = _stub_classes()
    cls = getattr(native, name)
    inherited: set[str] = set()
    for base in cls.__mro__[1:]:
        if base.__module__ == "builtins":
            inherited |= set(dir(base))
    runtime = _public(set(dir(cls)) - inherited)
    stub = _public(_stub_members(name, classes) - {"__init__"})
    assert stub == runtime
    # Protocol methods the stub promises exist at runtime.
    for dunder in _stub_members(name, classes):
        if dunder.startswith("__") and dunder != "__init__":
            assert hasattr(cls, dunder), dunder


def _stub_params(fn: ast.FunctionDef) -> list[tuple[str, str, Any]]:
    """(name, kind, default) for each parameter; default is ... when required."""
    a = fn.args
    out: list[tuple[str, str, Any]] = []
    positional = [*a.posonlyargs, *a.args]
    defaults = [...] * (len(positional) - len(a.defaults)) + [ast.literal_eval(d) for d in a.defaults]
    for i, (arg, default) in enumerate(zip(positional, defaults)):
        kind = "POSITIONAL_ONLY" if i < len(a.posonlyargs) else "POSITIONAL_OR_KEYWORD"
        out.append((arg.arg, kind, default))
    for arg, d in zip(a.kwonlyargs, a.kw_defaults):
        out.append((arg.arg, "KEYWORD_ONLY", ... if d is None else ast.literal_eval(d)))
    return out


def _runtime_params(obj: Any, drop_self: bool) -> list[tuple[str, str, Any]]:
    params = list(inspect.signature(obj).parameters.values())
    if drop_self and params and params[0].name == "self":
        params = params[1:]
    return [(p.name, p.kind.name, ... if p.default is inspect.Parameter.empty else p.default) for p in params]


def _callables() -> list[tuple[str, Any, ast.FunctionDef, bool]]:
    out = []
    for name, node in _top_level_definitions(_parse("_reelkit.pyi")).items():
        if isinstance(node, ast.FunctionDef):
            out.append((name, getattr(native, name), node, False))
        elif isinstance(node, ast.ClassDef) and not issubclass(getattr(native, name), BaseException):
            cls = getattr(native, name)
            for item in node.body:
                if not isinstance(item, ast.FunctionDef):
                    continue
                if any(isinstance(d, ast.Name) and d.id == "property" for d in item.decorator_list):
                    continue
                if item.name == "__init__":
                    out.append((f"{name}()", cls, item, True))
                elif item.name in ("__iter__", "__next__", "__enter__"):
                    continue  # slot wrappers carry no signature of their own
                else:
                    out.append((f"{name}.{item.name}", getattr(cls, item.name), item, True))
    return out


@pytest.mark.parametrize(("name", "obj", "node", "method"), _callables(), ids=[c[0] for c in _callables()])
def test_signatures_match(name: str, obj: Any, node: ast.FunctionDef, method: bool) -> None:
    stub = _stub_params(node)
    if method and stub and stub[0][0] == "self":
        stub = stub[1:]
    runtime = _runtime_params(obj, drop_self=method)
    if name.endswith(")"):  # the class itself: its signature is __init__'s, without self
        runtime = [p for p in runtime if p[0] != "self"]
    # Runtime `self` of methods is positional-only; compare the rest.
    assert stub == runtime


def test_properties_are_read_only(lavfi_mp4: Path) -> None:
    info = reelkit.probe(lavfi_mp4)
    with pytest.raises(AttributeError):
        info.duration = 1.0  # type: ignore[misc]


def test_exception_hierarchy() -> None:
    assert issubclass(reelkit.MediaNotFoundError, FileNotFoundError)
    assert issubclass(reelkit.FileIOError, OSError)
    assert issubclass(reelkit.InvalidParameterError, ValueError)
    for cls in (
        reelkit.MediaNotFoundError,
        reelkit.FileIOError,
        reelkit.NotMediaError,
        reelkit.CorruptMediaError,
        reelkit.MissingStreamError,
        reelkit.InvalidParameterError,
        reelkit.ModelError,
        reelkit.DecodeError,
        reelkit.EncodeError,
        reelkit.AsrError,
        reelkit.FontError,
        reelkit.CancelledError,
        reelkit.DeviceUnavailableError,
    ):
        assert issubclass(cls, reelkit.ReelkitError)
        assert cls.__module__ == "reelkit"
        assert isinstance(cls.code, str) and cls.code
        assert cls.__doc__
    assert reelkit.CancelledError("stop").code == "cancelled"
