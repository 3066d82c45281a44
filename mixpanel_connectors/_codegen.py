"""Write what schema.py declares: typed Python and reference tables, between markers.

`python -m mixpanel_connectors._codegen [--root DIR] [--check]` rewrites the parts between
`BEGIN GENERATED <block>` and `END GENERATED <block>` of the files in TARGETS under DIR (default:
this checkout). With --check it writes nothing and fails when a file is out of date.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ._lifecycle.schema import FIELDS, SETTINGS, Field, ObjectType, Setting

ROOT = Path(__file__).resolve().parents[1]
WIDTH = 100
_BODY = WIDTH - 4
"""The width left inside a class body: blocks are written without their own indentation."""
_MARKER = re.compile(r"^(\s*)(?:#|<!--) (BEGIN|END) GENERATED (\w+)")


@dataclass(frozen=True)
class Declaration:
    fields: tuple[Field, ...] = FIELDS
    settings: tuple[Setting, ...] = SETTINGS


Block = Callable[[Declaration], list[str]]


def _objects(fields: tuple[Field, ...]) -> list[ObjectType]:
    return [o for f in fields for o in f.objects]


def _docstring(text: str, indent: str) -> list[str]:
    """A docstring at `indent`, wrapped to the line length."""
    if len(indent) + len(text) + 6 <= _BODY:
        return [f'{indent}"""{text}"""']
    lines = textwrap.wrap(text, _BODY - len(indent) - 3)
    return [f'{indent}"""{lines[0]}', *(f"{indent}{line}" for line in lines[1:-1]),
            f'{indent}{lines[-1]}"""']  # fmt: skip


def _wrapped(first: str, text: str, indent: str) -> list[str]:
    lines = textwrap.wrap(f"{first}{text}", _BODY - len(indent), subsequent_indent="    ")
    return [f"{indent}{line}" for line in lines]


def _input(type_: str, required: bool, *, dict_form: bool = False) -> str:
    value = f"pulumi.Input[{type_}]"
    if required:
        return value
    return f"NotRequired[{value}]" if dict_form else f"{value} | None"


def _args_class(obj: ObjectType) -> list[str]:
    lines = ["@pulumi.input_type", f"class {obj.args}:", *_docstring(obj.doc, "    "), ""]
    for prop in obj.props:
        lines += [f"    {prop.name}: {_input(prop.type, prop.required)}"]
        lines += _docstring(prop.doc, "    ")
    lines += ["", "    def __init__(", "        self,", "        *,"]
    ordered = sorted(obj.props, key=lambda p: not p.required)
    lines += [
        f"        {p.name}: {_input(p.type, p.required)}{'' if p.required else ' = None'},"
        for p in ordered
    ]
    lines += ["    ) -> None:"]
    lines += [f'        pulumi.set(self, "{p.name}", {p.name})' for p in obj.props]
    return lines


def _dict_class(obj: ObjectType) -> list[str]:
    doc = f"{obj.doc.rstrip('.')} (dict form of {obj.args})."
    lines = [f"class {obj.args}Dict(TypedDict):", *_docstring(doc, "    "), ""]
    for prop in obj.props:
        lines += [f"    {prop.name}: {_input(prop.type, prop.required, dict_form=True)}"]
        lines += _docstring(prop.doc, "    ")
    return lines


def _alias(field: Field) -> list[str]:
    names = [n for o in field.objects for n in (o.args, f"{o.args}Dict")]
    one_line = f"{field.input} = {' | '.join(names)}"
    if len(one_line) <= _BODY:
        return [one_line]
    return [f"{field.input} = (", f"    {names[0]}", *(f"    | {n}" for n in names[1:]), ")"]


def args_block(decl: Declaration) -> list[str]:
    """The Args classes, their TypedDicts and the input unions of resource.py."""
    lines: list[str] = []
    for obj in _objects(decl.fields):
        lines += [*_args_class(obj), "", "", *_dict_class(obj), "", ""]
    for field in decl.fields:
        if field.objects:
            lines += _alias(field)
    return lines


def connector_block(decl: Declaration) -> list[str]:
    """The Connector's outputs, and its __init__ with one keyword per input."""
    lines: list[str] = []
    for f in decl.fields:
        if f.output is not None:
            lines += [f"{f.name}: pulumi.Output[{f.output}]", *_docstring(f.doc, "")]
    inputs = sorted((f for f in decl.fields if f.input is not None), key=lambda f: not f.required)
    lines += ["", "def __init__(", "    self,", "    resource_name: str,", "    *,"]
    for f in inputs:
        assert f.input is not None
        lines += [f"    {f.name}: {_input(f.input, f.required)}{'' if f.required else ' = None'},"]
    lines += ["    opts: pulumi.ResourceOptions | None = None,", ") -> None:"]
    lines += ['    """Declare a connector.', ""]
    for f in inputs:
        lines += _wrapped(f":param {f.name}: ", f.doc, "    ")
    lines += ['    """', "    props: dict[str, Any] = {"]
    lines += [f'        "{f.name}": {f.name},' for f in inputs]
    lines += ["        OWNER_KEY: resource_name,"]
    lines += [f'        "{f.name}": None,' for f in decl.fields if f.input is None]
    lines += ["    }", "    super().__init__(ConnectorProvider(), resource_name, props, opts)"]
    lines += ["    self._after_init(resource_name, props)", ""]
    return lines


_SETTING_TYPES = {
    "username": "str",
    "text": "str",
    "project": "int",
    "region": "str",
    "url": "str",
    "seconds": "float",
    "count": "int",
}


def settings_block(decl: Declaration) -> list[str]:
    """The fields of config.Settings."""
    lines: list[str] = []
    for s in decl.settings:
        type_ = _SETTING_TYPES[s.kind] + (" | None" if s.default is None else "")
        value = json.dumps(s.default) if isinstance(s.default, str) else repr(s.default)
        default = f"field(default={value}, repr=False)" if s.secret else value
        lines += [f"{s.name}: {type_} = {default}", *_docstring(s.doc, "")]
    return lines


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _setting_default(s: Setting) -> str:
    if s.required:
        return "required"
    if s.default is None:
        return "none"
    if s.kind == "seconds":
        return f"{s.default:g} s"
    return f"`{s.default}`"


def settings_table(decl: Declaration) -> list[str]:
    """The settings table of docs/configuration.md."""
    lines = ["| stack config | environment | default | meaning |", "|---|---|---|---|"]
    for s in decl.settings:
        key = f"`{s.key}` (`pulumi config set --secret`)" if s.secret else f"`{s.key}`"
        lines += [f"| {key} | `{s.env}` | {_setting_default(s)} | {_cell(s.doc)} |"]
    return lines


def _default(value: object) -> str:
    return "none" if value is None else f"`{json.dumps(value)}`"


def inputs_table(decl: Declaration) -> list[str]:
    """The inputs table of docs/resource.md."""
    lines = ["| input | type | default | on change | meaning |", "|---|---|---|---|---|"]
    inputs = sorted((f for f in decl.fields if f.input is not None), key=lambda f: not f.required)
    for f in inputs:
        type_ = " or ".join(f"`{o.args}`" for o in f.objects) or f"`{f.input}`"
        default = "required" if f.required else (f.default_doc or _default(f.default))
        change = "replaces" if f.replaces else "in place"
        lines += [f"| `{f.name}` | {type_} | {default} | {change} | {_cell(f.doc)} |"]
    return lines


def outputs_table(decl: Declaration) -> list[str]:
    """The outputs table of docs/resource.md."""
    lines = ["| output | type | meaning |", "|---|---|---|"]
    for f in decl.fields:
        if f.output is not None:
            lines += [f"| `{f.name}` | `{_cell(f.output)}` | {_cell(f.doc)} |"]
    return lines


def objects_tables(decl: Declaration) -> list[str]:
    """A table per nested property object, for docs/resource.md."""
    lines: list[str] = []
    for obj in _objects(decl.fields):
        when = f' (`connector_type="{obj.when}"`)' if obj.when else ""
        lines += [f"### `{obj.args}`{when}", "", obj.doc, ""]
        lines += ["| key | type | default | meaning |", "|---|---|---|---|"]
        for p in obj.props:
            default = "required" if p.required else _default(p.default)
            lines += [f"| `{p.name}` | `{_cell(p.type)}` | {default} | {_cell(p.doc)} |"]
        lines += [""]
    return lines[:-1]


TARGETS: dict[str, dict[str, Block]] = {
    "mixpanel_connectors/resource.py": {"args": args_block, "connector": connector_block},
    "mixpanel_connectors/_lifecycle/config.py": {"settings": settings_block},
    "docs/resource.md": {
        "inputs": inputs_table,
        "outputs": outputs_table,
        "objects": objects_tables,
    },
    "docs/configuration.md": {"settings": settings_table},
}


def fill(text: str, blocks: dict[str, Block], decl: Declaration) -> str:
    """`text` with every generated block rewritten; ValueError for a missing or stray marker."""
    out: list[str] = []
    inside: str | None = None
    seen: set[str] = set()
    for line in text.splitlines():
        marker = _MARKER.match(line)
        if marker and marker[2] == "BEGIN":
            inside = marker[3]
            if inside not in blocks:
                raise ValueError(f"no generator for the block {inside!r}")
            out += [line, *(f"{marker[1]}{g}" if g else "" for g in blocks[inside](decl))]
        elif marker and marker[2] == "END":
            if inside is None or marker[3] != inside:
                raise ValueError(f"END GENERATED {marker[3]} without its BEGIN")
            seen.add(inside)
            inside = None
            out.append(line)
        elif inside is None:
            out.append(line)
    if inside is not None:
        raise ValueError(f"BEGIN GENERATED {inside} without its END")
    if set(blocks) - seen:
        raise ValueError(f"no markers for the blocks {sorted(set(blocks) - seen)}")
    return "\n".join(out) + "\n"


def generate(root: Path, decl: Declaration | None = None) -> dict[str, str]:
    """Each target's text under `root` with its blocks regenerated, by relative path."""
    decl = decl or Declaration()
    return {path: fill((root / path).read_text(), blocks, decl) for path, blocks in TARGETS.items()}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m mixpanel_connectors._codegen")
    parser.add_argument("--root", type=Path, default=ROOT, help="the checkout to rewrite")
    parser.add_argument("--check", action="store_true", help="fail if a file is out of date")
    args = parser.parse_args(argv)
    stale = []
    for path, text in generate(args.root).items():
        if (args.root / path).read_text() != text:
            stale.append(path)
            if not args.check:
                (args.root / path).write_text(text)
    verb = "out of date" if args.check else "rewritten"
    for path in stale:
        print(f"{path}: {verb}", file=sys.stderr)
    return 1 if args.check and stale else 0


if __name__ == "__main__":
    sys.exit(main())
