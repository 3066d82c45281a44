"""Which import run is the first and which the latest: by their times, never by position.

The contract does not say in which order the history lists runs (docs/api-contract.md,
"History"); a run that has not started yet (queued) is newer than every run that has.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timezone
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .models import ImportRun

__all__ = ["by_time", "first_run", "latest_run"]

_NOT_STARTED = datetime.max.replace(tzinfo=timezone.utc)


def _when(run: ImportRun) -> datetime:
    return run.started_or_ended or _NOT_STARTED


def by_time(runs: Sequence[ImportRun]) -> list[ImportRun]:
    """The runs oldest first; runs not started yet come last, in the order listed."""
    return sorted(runs, key=_when)


def first_run(runs: Sequence[ImportRun]) -> ImportRun | None:
    """The connector's first run (the earliest to start), or None when there is none."""
    ordered = by_time(runs)
    return ordered[0] if ordered else None


def latest_run(runs: Sequence[ImportRun]) -> ImportRun | None:
    """The connector's latest run (a queued one if any, else the last to start)."""
    ordered = by_time(runs)
    return ordered[-1] if ordered else None
