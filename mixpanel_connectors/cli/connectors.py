"""`list`, `show` and `history`: look at what exists."""

from __future__ import annotations

import argparse
import sys
import time
from typing import Any

from .._api.errors import MixpanelError
from .._api.import_runs import by_time, first_run, latest_run
from .._api.models import ConnectorRecord, ImportRun
from .._lifecycle.waiting import run_summary
from .common import (
    EXIT_API_ERROR,
    EXIT_OK,
    add_command,
    add_settings_flags,
    client_and_project,
    print_json,
)
from .output import cell, fields, is_terminal, shown, table

FINISHED = ("success", "failed")
RUN_HEADERS = [
    "run",
    "status",
    "progress",
    "imported/processed",
    "dropped",
    "files",
    "bytes",
    "error",
]
RUN_OPTIONAL = ("bytes", "files", "dropped", "progress")


def add_parsers(subparsers: Any) -> None:
    listing = add_command(
        subparsers, "list", summary="list a project's connectors",
        description="List every connector of the project, one row each: id, type, bucket and "
        "prefix, data format, compression, status, creation time and label. On a narrow "
        "terminal (or COLUMNS) ids stay whole: other columns are shortened with an ellipsis, "
        "or left out. --json prints everything.",
        examples=["list", "list --project 1234567 --json"],
    )  # fmt: skip
    add_settings_flags(listing)
    listing.set_defaults(execute=execute_list)

    show = add_command(
        subparsers, "show", summary="show one connector in full",
        description="Show one connector: its settings, its bucket-side properties, and its "
        "first and latest import runs.",
        examples=["show 8f3a2c1e-0b4d-4e5f-9a6b-7c8d9e0f1a2b", "show 8f3a2c1e --json"],
    )  # fmt: skip
    show.add_argument("connector_id", help="the connector's id, as `list` prints it")
    add_settings_flags(show)
    show.set_defaults(execute=execute_show)

    history = add_command(
        subparsers, "history", summary="a connector's import runs",
        description="List a connector's import runs, oldest first, with their counts and "
        "errors; with --watch, follow the latest run until it succeeds (exit 0) or fails "
        "(exit 1).",
        examples=["history 8f3a2c1e-0b4d-4e5f-9a6b-7c8d9e0f1a2b", "history 8f3a2c1e --watch"],
    )  # fmt: skip
    history.add_argument("connector_id", help="the connector's id, as `list` prints it")
    history.add_argument("--watch", action="store_true", help="follow the latest run until it ends")
    history.add_argument(
        "--interval", type=float, default=1.0, help="seconds between polls with --watch"
    )
    add_settings_flags(history)
    history.set_defaults(execute=execute_history)


def _where(connector: ConnectorRecord) -> str:
    props = connector.connector_properties
    bucket = props.get("s3_bucket") or props.get("gcs_bucket") or "?"
    scheme = "s3" if "s3_bucket" in props else "gs"
    return f"{scheme}://{bucket}/{props.get('s3_prefix') or props.get('gcs_prefix') or ''}"


def _created(connector: ConnectorRecord) -> str:
    return connector.created_at.isoformat(timespec="seconds") if connector.created_at else ""


def execute_list(args: argparse.Namespace) -> int:
    client, project = client_and_project(args)
    connectors = list(client.list_connectors(project))
    if args.json:
        print_json([c.model_dump(mode="json") for c in connectors])
        return EXIT_OK
    rows = [
        [
            c.connector_id, c.connector_type, _where(c),
            str(c.category_properties.get("data_format", "")),
            str(c.category_properties.get("compression") or "none"),
            c.status or "", _created(c), c.label,
        ]
        for c in connectors
    ]  # fmt: skip
    headers = [
        "id",
        "type",
        "bucket/prefix",
        "data format",
        "compression",
        "status",
        "created at",
        "label",
    ]
    table(
        headers, rows, title=f"{len(rows)} connectors in project {project}",
        whole=("id",), optional=("compression", "type", "data format", "created at"),
    )  # fmt: skip
    return EXIT_OK


def execute_show(args: argparse.Namespace) -> int:
    client, project = client_and_project(args)
    connector = client.get_connector(project, args.connector_id)
    if args.json:
        print_json(connector.model_dump(mode="json"))
        return EXIT_OK
    pairs = [
        ("id", connector.connector_id),
        ("type", connector.connector_type),
        ("label", connector.label),
        ("status", connector.status or ""),
        ("failure message", connector.failure_message or ""),
        ("created at", _created(connector)),
        ("created by", connector.created_by or ""),
        ("location", _where(connector)),
    ]
    pairs += [(f"  {k}", cell(v)) for k, v in sorted(connector.connector_properties.items())]
    pairs += [(f"  {k}", cell(v)) for k, v in sorted(connector.category_properties.items())]
    pairs += [(k, cell(v)) for k, v in sorted((connector.model_extra or {}).items())]
    pairs += _import_pairs(client, project, connector.connector_id)
    fields(pairs)
    return EXIT_OK


def _import_pairs(client: Any, project: int, connector_id: str) -> list[tuple[str, str]]:
    """The first and the latest import run, found by their times; a history error is shown."""
    try:
        runs = client.connector_history(project, connector_id)
    except MixpanelError as exc:
        return [("imports", f"(history unavailable: {exc})")]
    first, latest = first_run(runs), latest_run(runs)
    if first is None or latest is None:
        return [("imports", "none yet")]
    pairs = [("first import", _run_line(first))]
    if latest is not first:
        pairs.append(("latest import", _run_line(latest)))
    return pairs


def _run_line(run: ImportRun) -> str:
    when = run.started_or_ended
    line = run.status or "?"
    if run.num_events_imported is not None:
        line += f", {run.num_events_imported} events imported"
    if when is not None:
        line += f", started {when.isoformat(timespec='seconds')}"
    if run.error is not None:
        line += f": {run.error.message}"
    return line


def run_json(run: ImportRun) -> dict[str, Any]:
    """One run as `history --json` prints it, with or without --watch."""
    return {
        **run_summary(run),
        "start_time": None if run.start_time is None else run.start_time.isoformat(),
        "end_time": None if run.end_time is None else run.end_time.isoformat(),
        "progress": run.progress,
    }


def _run_row(run: ImportRun) -> list[str]:
    progress = "" if run.progress is None else f"{run.progress:.0%}"
    imported, processed = run.num_events_imported, run.num_events_processed
    counts = "" if imported is None and processed is None else f"{cell(imported)}/{cell(processed)}"
    error = "" if run.error is None else f"{run.error.message} [{run.error.code}]"
    return [
        run.id or "", run.status or "", progress, counts, cell(run.num_events_dropped),
        cell(run.num_files_imported), cell(run.size_imported), error,
    ]  # fmt: skip


def execute_history(args: argparse.Namespace) -> int:
    client, project = client_and_project(args)
    if args.watch:
        return _watch(args, client, project)
    runs = by_time(client.connector_history(project, args.connector_id))
    if args.json:
        print_json([run_json(r) for r in runs])
        return EXIT_OK
    table(
        RUN_HEADERS, [_run_row(r) for r in runs], title=f"import runs of {args.connector_id}",
        whole=("run",), optional=RUN_OPTIONAL,
    )  # fmt: skip
    return EXIT_OK


def _watch(args: argparse.Namespace, client: Any, project: int) -> int:
    """Follow the latest run with a progress bar (plain status lines when not a terminal)."""
    progress_bar = None
    task = None
    if is_terminal() and not args.json:
        from rich.progress import Progress

        progress_bar = Progress()
        progress_bar.start()
        task = progress_bar.add_task("import", total=1.0)
    last = None
    try:
        while True:
            runs = client.connector_history(project, args.connector_id)
            run = latest_run(runs)
            if run is not None:
                if progress_bar is not None and task is not None:
                    progress_bar.update(
                        task, completed=run.progress or 0.0, description=run.status or ""
                    )
                elif not args.json and (run.status, run.progress) != last:
                    progress = 0 if run.progress is None else run.progress
                    print(f"{shown(run.status or '')} {progress:.0%}", flush=True)
                last = (run.status, run.progress)
                if run.status in FINISHED:
                    break
            time.sleep(args.interval)
    finally:
        if progress_bar is not None:
            progress_bar.stop()
    assert run is not None
    if args.json:
        print_json(run_json(run))
    else:
        table(RUN_HEADERS, [_run_row(run)], whole=("run",), optional=RUN_OPTIONAL)
    if run.status == "failed":
        reason = shown(run.error.message or "") if run.error else "no reason given"
        print(f"error: the import failed: {reason}", file=sys.stderr)
        return EXIT_API_ERROR
    return EXIT_OK
