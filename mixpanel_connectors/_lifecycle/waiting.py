"""Waiting for a new connector's first import run to end, for `wait_for_import`."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .._api.errors import MixpanelError
from .._api.import_runs import first_run
from .._api.rules import RUN_COUNTERS

if TYPE_CHECKING:
    from .._api.client import MixpanelClient
    from .._api.models import ImportRun

__all__ = [
    "first_import_status",
    "reread_first_import",
    "run_summary",
    "wait_for_first_import",
]

FINISHED = ("success", "failed")


def run_summary(run: ImportRun) -> dict[str, Any]:
    """A finished run as `last_import` records it: id, status, every counter, and the error."""
    summary: dict[str, Any] = {"run_id": run.id, "status": run.status}
    summary.update({name: getattr(run, name) for name in RUN_COUNTERS})
    summary.update({k: v for k, v in run.counters.items() if k not in RUN_COUNTERS})
    if run.error is not None:
        summary["error"] = {"message": run.error.message, "code": run.error.code}
    return summary


def _poll_delay(attempt: int) -> float:
    return float(min(5.0, 0.1 * 1.5**attempt))


def wait_for_first_import(
    client: MixpanelClient,
    project: int,
    connector_id: str,
    timeout_seconds: float,
    *,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> dict[str, Any]:
    """Poll the history with backoff until the first run ends or time runs out; never raises.

    Returns the run's summary (status, counters, error); a timeout has status "timeout" and
    says how long it waited and the last status seen.
    """
    started = clock()
    last_status: str | None = None
    last_problem: str | None = None
    attempt = 0
    while True:
        try:
            runs = client.connector_history(project, connector_id)
        except MixpanelError as exc:
            runs, last_problem = [], str(exc)
        run = first_run(runs)
        if run is not None:
            last_status = run.status
            if run.status in FINISHED:
                return {**run_summary(run), "waited_seconds": round(clock() - started, 1)}
        waited = clock() - started
        if waited >= timeout_seconds:
            seen = last_status or "no run yet"
            message = (
                f"the first import did not finish within {timeout_seconds:g}s (last status: {seen})"
            )
            if last_problem:
                message += f"; reading the history last failed with: {last_problem}"
            return {
                "status": "timeout",
                "waited_seconds": round(waited, 1),
                "last_status": last_status,
                "error": {"message": message, "code": "timeout"},
            }
        sleep(min(_poll_delay(attempt), max(0.0, timeout_seconds - waited)))
        attempt += 1


def first_import_status(outs: dict[str, Any]) -> str | None:
    """The recorded outcome of the first import (`last_import.status`), or None."""
    last_import = outs.get("last_import")
    if not isinstance(last_import, dict):
        return None
    status = last_import.get("status")
    return status if isinstance(status, str) else None


def reread_first_import(
    client: MixpanelClient, project: int, connector_id: str, recorded: dict[str, Any]
) -> dict[str, Any]:
    """The recorded first import, brought up to date once if it had not finished; never raises.

    A wait that timed out records `timeout`; the run may have ended since.
    """
    if recorded.get("status") in FINISHED:
        return recorded
    try:
        run = first_run(client.connector_history(project, connector_id))
    except MixpanelError:
        return recorded
    if run is None or run.status not in FINISHED:
        return recorded
    return {**run_summary(run), "waited_seconds": recorded.get("waited_seconds")}
