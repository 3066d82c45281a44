"""Plain-text plans and summaries of offline runs, in the spirit of `pulumi preview` / `up`."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from .host import UNKNOWN
from .runner import BANNER, PlannedResource, RunResult

_SYMBOLS = {
    "create": "+",
    "same": " ",
    "refresh": " ",
    "replace": "+-",
    "update": "~",
    "delete": "-",
    "read": ">",
    "gone": "-",
    "failed": "!",
}
_PREVIEW_WORDS = {"create": "to create", "replace": "to replace", "delete": "to delete",
                  "update": "to update", "same": "unchanged"}  # fmt: skip
_DONE_WORDS = {"create": "created", "replace": "replaced", "delete": "deleted",
               "update": "updated", "same": "unchanged"}  # fmt: skip


def _show(value: Any) -> str:
    if value == UNKNOWN:
        return "output<unknown>"
    return json.dumps(value, sort_keys=True, default=str)


def _first_import(resource: PlannedResource) -> tuple[bool, str] | None:
    """Whether the first import this step waited for failed, and what to say of it."""
    last = resource.outputs.get("last_import")
    if resource.op not in ("create", "replace", "update") or not isinstance(last, dict):
        return None
    status = last.get("status")
    if status == "success":
        imported = last.get("num_events_imported")
        count = f"{imported:g}" if isinstance(imported, (int, float)) else "?"
        return False, f"first import success, {count} records imported"
    error = last.get("error") or {}
    what = "timed out" if status == "timeout" else "failed"
    return True, f"first import {what}: {error.get('message') or status} [{error.get('code')}]"


def _outputs(outputs: dict[str, Any]) -> list[str]:
    """One line per known output; those known only after `up` summed up in one line."""
    known = {k: v for k, v in outputs.items() if v != UNKNOWN}
    unknown = sorted(k for k in outputs if k not in known)
    width = max((len(k) for k in known), default=0)
    lines = [f"    {key:<{width}}: {_show(value)}" for key, value in sorted(known.items())]
    if unknown:
        which = "more" if known else "outputs"
        lines.append(f"    {len(unknown)} {which} known only after up: {', '.join(unknown)}")
    return lines


def render(result: RunResult, *, program: str, stack: str) -> str:
    """The banner, one line per resource, the stack outputs, and counts."""
    verb = {"preview": "Previewing update", "up": "Updating", "destroy": "Destroying"}
    lines = [BANNER, f"{verb.get(result.operation, result.operation)} ({stack}) of {program}", ""]
    rows = [("", "Type", "Name", "Plan" if result.operation == "preview" else "Result")]
    failed_imports = 0
    for r in result.resources:
        type_ = f"{r.type} (mocked)" if r.mocked else r.type
        detail = f"{r.op} [{', '.join(r.replaces)}]" if r.replaces else r.op
        if "mistakes" in r.outputs:
            count = len(r.outputs["mistakes"])
            detail = f"{detail}: {count} mistake{'s' if count > 1 else ''} (listed below)"
        elif "error" in r.outputs:
            detail = f"{detail}: {r.outputs['error']}"
        symbol = _SYMBOLS.get(r.op, "?")
        first_import = _first_import(r) if result.operation == "up" else None
        if first_import is not None:
            failed, said = first_import
            detail, symbol = f"{detail}, {said}", _SYMBOLS["failed"] if failed else symbol
            failed_imports += failed
        rows.append((symbol, type_, r.name, detail))
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    for row in rows:
        lines.append(
            f" {row[0]:<{widths[0]}}  {row[1]:<{widths[1]}}  {row[2]:<{widths[2]}}  {row[3]}"
        )
    if result.stack_outputs:
        lines += ["", "Outputs:", *_outputs(result.stack_outputs)]
    words = _PREVIEW_WORDS if result.operation == "preview" else _DONE_WORDS
    counts = Counter(r.op for r in result.connectors())
    if counts:
        lines += ["", "Connectors:"]
        lines += [f"    {n} {words.get(op, op)}" for op, n in sorted(counts.items())]
        if failed_imports:
            lines.append(f"    {failed_imports} first import(s) failed (marked ! above)")
    mocked = sum(1 for r in result.resources if r.mocked)
    if mocked:
        lines.append(f"    ({mocked} cloud resources mocked)")
    return "\n".join(lines)
