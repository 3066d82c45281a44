"""Simulated import runs: each connector has one run, queued, then running, then successful."""

from __future__ import annotations

import uuid
from datetime import datetime, timezone
from typing import Any

from .store import StoredConnector


def _iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, tz=timezone.utc).isoformat().replace("+00:00", "Z")


def runs_for(item: StoredConnector, delay_s: float, now: float) -> list[dict[str, Any]]:
    """The history of a connector at time `now`, each stage lasting `delay_s`."""
    elapsed = now - item.created_ts
    start = item.created_ts + delay_s
    run: dict[str, Any] = {
        "id": str(uuid.uuid5(uuid.NAMESPACE_URL, item.connector_id)),
        "status": "queued",
        "start_time": None,
        "end_time": None,
        "progress": 0.0,
        "error": None,
        "num_events_imported": 0,
        "num_events_processed": 0,
        "num_events_dropped": 0,
        "num_files_imported": 0,
        "size_imported": 0,
    }
    if elapsed >= delay_s:
        run["start_time"] = _iso(start)
        run["status"] = "running"
        run["progress"] = round(min(1.0, (elapsed - delay_s) / delay_s) if delay_s else 1.0, 3)
    if elapsed >= 2 * delay_s:
        run["status"] = "success"
        run["progress"] = 1.0
        run["end_time"] = _iso(start + delay_s)
    return [run]
