#!/usr/bin/env python3
"""Write the TypedDicts of ``reelkit._types`` from the JSON Schema.

Sources: the committed schema of job specs and reports
(``core/schema/job.schema.json``, what ``reelkit schema`` prints) and the
schema of the other records the module returns as dicts
(``reelkit._reelkit._records_schema()``, so the extension must be built).
Also rewrites the ``run`` overloads of ``_reelkit.pyi`` (one per job kind).

    python scripts/gen_types.py          # rewrite the files
    python scripts/gen_types.py --check  # exit 1 when they are stale

Every schema construct is translated or refused: a schema this script
cannot express fails here rather than turning into ``Any``.
"""

from __future__ import annotations

import json
import keyword
import re
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
PACKAGE = HERE.parent / "python" / "reelkit"
TYPES = PACKAGE / "_types.py"
STUB = PACKAGE / "_reelkit.pyi"
JOB_SCHEMA = HERE.parents[2] / "core" / "schema" / "job.schema.json"

# Names the package exported before its types were generated.
LEGACY = {"FetchOptions": "FetchConfig", "PolicyOptions": "ValidationPolicy", "TranscodeOptions": "TranscodeJob"}

ANNOTATIONS = {
    "description", "default", "format", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum",
    "minLength", "maxLength", "minItems", "maxItems", "pattern", "title", "examples", "deprecated",
    "readOnly", "writeOnly", "uniqueItems", "$schema", "$id",
}  # fmt: skip
STRUCTURE = {"$ref", "const", "enum", "oneOf", "anyOf", "type", "items", "prefixItems", "properties", "required", "additionalProperties"}
SCALARS = {"string": "str", "integer": "int", "number": "float", "boolean": "bool", "null": "None"}


def camel(text: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in re.split(r"[^A-Za-z0-9]+", text) if part)


class Generator:
    def __init__(self, job: dict[str, Any], records: dict[str, Any], taken: set[str]) -> None:
        self.defs: dict[str, Any] = dict(job["$defs"])
        for name, schema in records["$defs"].items():
            if name in self.defs and self.defs[name] != schema:
                raise SystemExit(f"two different schemas are named {name}")
            self.defs[name] = schema
        self.job = job
        self.taken = taken  # names of the native module's classes
        self.items: dict[str, tuple[str, set[str]]] = {}  # name -> (source, names it uses)
        self.kinds: list[str] = []

    def name(self, schema_name: str) -> str:
        return schema_name + "Dict" if schema_name in self.taken else schema_name

    def check(self, schema: Any, where: str) -> None:
        if not isinstance(schema, dict):
            raise SystemExit(f"{where}: expected a schema object, found {schema!r}")
        unknown = set(schema) - ANNOTATIONS - STRUCTURE
        if unknown:
            raise SystemExit(f"{where}: gen_types cannot express {sorted(unknown)}")

    def type_of(self, schema: Any, where: str, uses: set[str]) -> str:
        """The Python type of `schema`; `where` names inline classes."""
        members = self.members(schema, where, uses)
        literals = [m[len("Literal[") : -1] for m in members if m.startswith("Literal[")]
        rest = [m for m in dict.fromkeys(members) if not m.startswith("Literal[") and m != "None"]
        if literals:
            rest.insert(0, f"Literal[{', '.join(literals)}]")
        body = rest[0] if len(rest) == 1 else f"Union[{', '.join(rest)}]"
        return f"Optional[{body}]" if "None" in members else body

    def members(self, schema: Any, where: str, uses: set[str]) -> list[str]:
        """The members of the union `schema` is (one for a plain type)."""
        if schema is True or schema == {}:
            return ["Any"]
        self.check(schema, where)
        if "$ref" in schema:
            if set(schema) & STRUCTURE != {"$ref"}:
                raise SystemExit(f"{where}: a $ref with other constraints")
            name = self.name(schema["$ref"].rsplit("/", 1)[-1])
            uses.add(name)
            return [name]
        if "const" in schema:
            return [f"Literal[{json.dumps(schema['const'])}]"]
        if "enum" in schema:
            return [f"Literal[{json.dumps(v)}]" if v is not None else "None" for v in schema["enum"]]
        for key in ("oneOf", "anyOf"):
            if key in schema:
                return [m for s in schema[key] for m in self.members(s, variant_name(s, where), uses)]
        kind = schema.get("type")
        if isinstance(kind, list):
            return [m for k in kind for m in self.members({**schema, "type": k}, where, uses)]
        if kind in SCALARS:
            return [SCALARS[kind]]
        if kind == "array":
            if "prefixItems" in schema:
                return [f"Tuple[{', '.join(self.type_of(s, where, uses) for s in schema['prefixItems'])}]"]
            return [f"List[{self.type_of(schema.get('items', True), where, uses)}]"]
        if kind == "object":
            if "properties" in schema or schema.get("additionalProperties") is False:
                self.typed_dict(where, schema)
                uses.add(where)
                return [where]
            extra = schema.get("additionalProperties", True)
            return [f"Dict[str, {self.type_of(True if extra is False else extra, where, uses)}]"]
        raise SystemExit(f"{where}: no type in {schema!r}")

    def typed_dict(self, name: str, schema: dict[str, Any], base: str | None = None) -> None:
        if name in self.items:
            return
        self.items[name] = ("", set())  # reserve the name
        uses = {base} if base else set()
        required = set(schema.get("required", []))
        lines = [f"class {name}({base or 'TypedDict'}):", *doc(schema.get("description"), "    ")]
        documented = True  # the class docstring, or the field before
        for key, prop in schema.get("properties", {}).items():
            if not key.isidentifier() or keyword.iskeyword(key):
                raise SystemExit(f"{name}.{key}: not a Python identifier")
            self.check(prop, f"{name}.{key}")
            hint = self.type_of(prop, name + camel(key), uses)
            hint = hint if key in required else f"NotRequired[{hint}]"
            field_doc = doc(prop.get("description"), "    ")
            lines += [""] * (documented or bool(field_doc)) + [f"    {key}: {hint}", *field_doc]
            documented = bool(field_doc)
        if not schema.get("properties") and not schema.get("description"):
            lines.append("    pass")
        self.items[name] = ("\n".join(lines), uses)

    def alias(self, name: str, schema: dict[str, Any]) -> None:
        uses: set[str] = set()
        hint = self.type_of(schema, name, uses)
        text = "\n".join([f"{name} = {hint}", *doc(schema.get("description"), "")])
        self.items[name] = (text, uses)

    def tagged(self, name: str, variants: list[dict[str, Any]], suffix: str) -> None:
        """`name` = a union of one class per `kind` const (JobSpec, JobReport)."""
        members = []
        for variant in variants:
            kind = variant["properties"]["kind"]["const"]
            cls = camel(kind) + suffix
            if "$ref" in variant:  # a report: the kind's record plus its tag
                base = self.name(variant["$ref"].rsplit("/", 1)[-1])
                extra = {"properties": {"kind": {"const": kind}}, "required": ["kind"]}
                self.typed_dict(cls, extra | {"description": f"What a job of kind `{kind}` reports."}, base)
            else:
                self.typed_dict(cls, variant | {"description": f"A job of kind `{kind}`."})
            members.append(cls)
            if suffix == "JobSpec":
                self.kinds.append(kind)
        self.items[name] = (f"{name} = Union[{', '.join(members)}]", set(members))

    def run(self) -> str:
        for schema_name, schema in self.defs.items():
            name = self.name(schema_name)
            if schema_name == "JobReport":
                self.tagged(name, schema["oneOf"], "JobReport")
            elif schema.get("type") == "object" and ("properties" in schema or schema.get("additionalProperties") is False):
                self.typed_dict(name, schema)
            else:
                self.alias(name, schema)
        self.tagged("JobSpec", self.job["oneOf"], "JobSpec")
        for old, new in LEGACY.items():
            self.items[old] = (f"{old} = {new}\n\"\"\"The same as :class:`{new}`.\"\"\"", {new})
        body = "\n\n\n".join(self.items[n][0] for n in self.ordered())
        names = ",\n".join(f'    "{n}"' for n in sorted(self.items))
        return f"{HEADER}\n\n\n{body}\n\n\n__all__ = [\n{names},\n]\n"

    def ordered(self) -> list[str]:
        """Every name after the names it uses (alphabetical where free)."""
        done: list[str] = []
        seen: set[str] = set()

        def visit(n: str, path: tuple[str, ...]) -> None:
            if n in seen:
                return
            if n in path:
                raise SystemExit(f"recursive types: {' -> '.join((*path, n))}")
            for used in sorted(self.items[n][1]):
                visit(used, (*path, n))
            seen.add(n)
            done.append(n)

        for n in sorted(self.items):
            visit(n, ())
        return done


def variant_name(schema: Any, parent: str) -> str:
    """An inline object in a union is named by its one key: `CudaDevice`."""
    keys = schema.get("required", []) if isinstance(schema, dict) else []
    return camel(keys[0]) + parent if len(keys) == 1 else parent


def doc(text: str | None, indent: str) -> list[str]:
    if not text:
        return []
    text = text.strip().replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
    lines = text.splitlines()
    if len(lines) == 1:
        return [f'{indent}"""{lines[0]}"""']
    return [f'{indent}"""{lines[0]}', *[f"{indent}{line}".rstrip() for line in lines[1:]], f'{indent}"""']


HEADER = '''"""Shapes of job specs, reports and the other plain-dict results.

Generated by ``bindings/python/scripts/gen_types.py`` from
``core/schema/job.schema.json`` and ``reelkit._reelkit._records_schema()``;
do not edit. ``*JobSpec`` are what :func:`reelkit.run` takes, ``*JobReport``
what it returns; a name that is also a class of the module (``MediaInfo``,
``Transcript``...) has ``Dict`` appended (``MediaInfoDict``).
"""

import sys
from typing import Any, Dict, List, Literal, Optional, Tuple, Union

if sys.version_info >= (3, 11):
    from typing import NotRequired, TypedDict
else:
    from typing_extensions import NotRequired, TypedDict'''


def run_overloads(kinds: list[str], indent: str, self_arg: str) -> str:
    lines = []
    for kind in kinds:
        stem = camel(kind)
        lines += [
            f"{indent}@overload",
            f"{indent}def run({self_arg}spec: {stem}JobSpec, progress: _Progress | None = None, cancel: CancelToken | None = None) -> {stem}JobReport: ...",
        ]
    lines += [
        f"{indent}@overload",
        f"{indent}def run({self_arg}spec: JobSpec, progress: _Progress | None = None, cancel: CancelToken | None = None) -> JobReport: ...",
    ]
    return "\n".join(lines)


def with_overloads(stub: str, kinds: list[str]) -> str:
    """The stub with its generated `run` overloads regions rewritten."""
    pattern = re.compile(r"^(?P<indent>[ ]*)# <generated: run overloads>\n(?:.*?\n)??[ ]*# </generated>$", re.S | re.M)

    def replace(m: re.Match[str]) -> str:
        indent = m.group("indent")
        body = run_overloads(kinds, indent, "self, " if indent else "")
        return f"{indent}# <generated: run overloads>\n{body}\n{indent}# </generated>"

    out, count = pattern.subn(replace, stub)
    if count != 2:
        raise SystemExit(f"{STUB}: expected 2 generated `run` regions, found {count}")
    return out


def generate() -> dict[Path, str]:
    """Every generated file and its content."""
    import reelkit._reelkit as native

    taken = {n for n in dir(native) if not n.startswith("_") and isinstance(getattr(native, n), type)}
    gen = Generator(json.loads(JOB_SCHEMA.read_text()), native._records_schema(), taken)
    types = gen.run()
    return {TYPES: types, STUB: with_overloads(STUB.read_text(), gen.kinds)}


def main() -> int:
    stale = [path for path, text in generate().items() if not path.exists() or path.read_text() != text]
    if "--check" in sys.argv[1:]:
        for path in stale:
            print(f"{path} is stale: run python {Path(__file__).relative_to(HERE.parents[2])}", file=sys.stderr)
        return 1 if stale else 0
    for path, text in generate().items():
        path.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
