"""`export`: write a Pulumi program that adopts every existing connector of a project."""

from __future__ import annotations

import argparse
import ast
import keyword
import math
import re
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from .._api.models import ConnectorRecord
from .._lifecycle.schema import FIELDS, Field
from .common import (
    EXIT_API_ERROR,
    EXIT_OK,
    UsageError,
    add_command,
    add_settings_flags,
    client_and_project,
)

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,63}")


def add_parser(subparsers: Any) -> None:
    parser = add_command(
        subparsers, "export",
        summary="write a Pulumi program that adopts every existing connector",
        description="Write a Pulumi Python program that declares every connector of the project "
        "with the typed Args classes and existing_connector_id, so that `pulumi up` adopts them "
        "instead of creating duplicates.",
        examples=["export -o connectors/__main__.py", "export --project 1234567"],
    )  # fmt: skip
    parser.add_argument("--output", "-o", help="file to write (default: standard output)")
    parser.add_argument("--json", action="store_true", help=argparse.SUPPRESS)  # refused in run
    add_settings_flags(parser, json_output=False)
    parser.set_defaults(execute=execute)


def _identifier(text: str, taken: set[str]) -> str:
    name = re.sub(r"[^0-9a-zA-Z]+", "_", text).strip("_").lower() or "connector"
    if name[0].isdigit() or keyword.iskeyword(name):
        name = f"connector_{name}"
    candidate, n = name, 2
    while candidate in taken:
        candidate, n = f"{name}_{n}", n + 1
    taken.add(candidate)
    return candidate


class ExportError(ValueError):
    """A connector the API described in a way that cannot be written as a program."""


def _literal(value: Any, where: str) -> str:
    """`value` as Python source, when it is plain JSON data; ExportError otherwise."""
    if isinstance(value, float) and not math.isfinite(value):
        raise ExportError(f"{where} is {value!r}, which no literal can write (NaN or Infinity)")
    if value is None or isinstance(value, (str, int, float)):
        return repr(value)
    if isinstance(value, list):
        return "[" + ", ".join(_literal(v, f"{where}[{i}]") for i, v in enumerate(value)) + "]"
    if isinstance(value, dict):
        items = (
            f"{_literal(str(k), where)}: {_literal(v, f'{where}.{k}')}" for k, v in value.items()
        )
        return "{" + ", ".join(items) + "}"
    raise ExportError(f"{where} is a {type(value).__name__}, which is not JSON data")


def _kwargs(values: dict[str, Any], indent: str, where: str) -> str:
    lines = []
    for key, value in values.items():
        if value is None:
            continue
        if not _NAME.fullmatch(key) or keyword.iskeyword(key):
            raise ExportError(f"{where} has the key {key[:60]!r}, which is not a property name")
        lines.append(f"{indent}{key}={_literal(value, f'{where}.{key}')},\n")
    return "".join(lines)


def _args_class(field: Field, connector_type: str) -> str | None:
    """The Args class that declares this property object for a connector of this type."""
    return next((o.args for o in field.objects if o.when in (None, connector_type)), None)


def _argument(field: Field, connector: ConnectorRecord, project: int, where: str) -> str:
    """`field=value,` as the adopting program writes it, or "" when it leaves it out."""
    if field.name == "project_id":
        return f"    project_id={project},\n"
    if field.name == "existing_connector_id":
        return f"    existing_connector_id={_literal(connector.connector_id, where)},\n"
    if not field.from_api:
        return ""
    value = getattr(connector, field.name, None)
    if not field.objects:
        return _kwargs({field.name: None if value == field.default else value}, " " * 4, where)
    values = {k: v for k, v in (value or {}).items() if v is not None}
    return (
        f"    {field.name}={_args_class(field, connector.connector_type)}(\n"
        f"{_kwargs(values, ' ' * 8, f'{where}.{field.name}')}"
        f"    ),\n"
    )


def _declaration(
    variable: str, connector: ConnectorRecord, project: int, fields: tuple[Field, ...]
) -> str:
    where = f"connector {connector.connector_id[:40]!r}"
    inputs = sorted((f for f in fields if f.input is not None), key=lambda f: not f.required)
    return (
        f"{variable} = Connector(\n"
        f"    {variable.replace('_', '-')!r},\n"
        + "".join(_argument(f, connector, project, where) for f in inputs)
        + ")\n"
        f"pulumi.export({variable + '_connector_id'!r}, {variable}.connector_id)\n"
    )


def _exportable(connector: ConnectorRecord, fields: tuple[Field, ...]) -> bool:
    return all(
        _args_class(f, connector.connector_type) is not None
        for f in fields
        if f.from_api and f.input is not None and f.objects
    )


def render_program(
    connectors: list[ConnectorRecord], project: int, fields: tuple[Field, ...] = FIELDS
) -> str:
    """The Python source of a program that adopts these connectors, declared as `fields` say."""
    taken: set[str] = {"pulumi", "connector"}
    blocks, skipped = [], []
    for connector in connectors:
        if not _exportable(connector, fields):
            kind = connector.connector_type
            skipped.append(
                f"# skipped {connector.connector_id!r}: type {kind!r} is not supported\n"
            )
            continue
        variable = _identifier(
            connector.label or f"{connector.connector_type}_{connector.connector_id[:8]}", taken
        )
        blocks.append(_declaration(variable, connector, project, fields))
    classes = {o.args for f in fields if f.from_api and f.input is not None for o in f.objects}
    stamp = datetime.now(timezone.utc).isoformat(timespec="seconds")
    header = (
        f'"""Connectors of Mixpanel project {project}, exported by `mixpanel-connectors export` '
        f"at {stamp}.\n\n"
        "`pulumi up` adopts each one (existing_connector_id) instead of creating a duplicate;\n"
        "afterwards, removing existing_connector_id changes nothing.\n"
        '"""\n\n'
        "import pulumi\n\n"
        "from mixpanel_connectors import (\n"
        + "".join(f"    {name},\n" for name in sorted({"Connector", *classes}))
        + ")\n\n"
    )
    source = header + "".join(skipped) + ("\n" if skipped else "") + "\n".join(blocks)
    ast.parse(source)  # what is written is always a program
    return source


def _write(output: str, source: str) -> None:
    path = Path(output)
    try:
        path.write_text(source)
    except IsADirectoryError:
        raise UsageError(
            f"--output {output}: is a folder; name the file, e.g. {path / '__main__.py'}"
        ) from None
    except FileNotFoundError:
        raise UsageError(
            f"--output {output}: the folder {path.parent} does not exist; create it first"
        ) from None
    except OSError as exc:
        raise UsageError(f"--output {output}: cannot write: {exc.strerror}") from None


def execute(args: argparse.Namespace) -> int:
    if args.json:
        raise UsageError(
            "--json: export writes a Python program, not JSON; use `list --json` for the "
            "connectors as JSON"
        )
    client, project = client_and_project(args)
    try:
        source = render_program(list(client.list_connectors(project)), project)
    except ExportError as exc:
        print(f"error: nothing written: {exc}", file=sys.stderr)
        return EXIT_API_ERROR
    if args.output:
        _write(args.output, source)
        print(f"wrote {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(source)
    return EXIT_OK
