"""Import runs: each connector's first run is queued, then running, then ends.

Runs are evaluated when someone looks (history, or the imported-records control), so no thread
is needed: a run that is due is executed once, under a lock, and its outcome kept. Without a
buckets folder a run simply succeeds with nothing imported.
"""

from __future__ import annotations

import threading
import uuid
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from .imports import SAMPLE_SIZE, ImportOutcome, run_import
from .lines import MAX_FILE_BYTES, ImportFailed
from .store import StoredConnector

GO_ZERO_TIME = "0001-01-01 00:00:00 +0000 UTC"
COUNTERS = (
    "num_events_imported",
    "num_events_processed",
    "num_events_dropped",
    "num_files_imported",
    "size_imported",
)


def _time(ts: float | None, shape: str) -> str:
    """A run time as the API writes it: Go's default format in the samples, epoch in the spec."""
    if shape == "spec":
        return "" if ts is None else str(int(ts))
    if ts is None:
        return ""
    return datetime.fromtimestamp(ts, tz=timezone.utc).strftime("%Y-%m-%d %H:%M:%S +0000 UTC")


class RunBook:
    """Outcomes of finished runs, the buckets they read, and which buckets deny access."""

    def __init__(
        self,
        buckets: Path | None = None,
        delay_s: float = 1.0,
        max_file_bytes: int = MAX_FILE_BYTES,
    ) -> None:
        self.buckets = buckets
        self.delay_s = delay_s
        self.max_file_bytes = max_file_bytes
        self.denied: set[str] = set()
        self._lock = threading.Lock()
        self._outcomes: dict[str, ImportOutcome] = {}
        self._running: dict[str, threading.Lock] = {}
        self._imported: dict[int, list[dict[str, Any]]] = {}
        self._counts: dict[int, int] = {}

    def reset(self) -> None:
        with self._lock:
            self._outcomes.clear()
            self._imported.clear()
            self._counts.clear()
            self.denied = set()

    def forget(self, connector_id: str) -> None:
        with self._lock:
            self._outcomes.pop(connector_id, None)

    def _finish(self, item: StoredConnector) -> ImportOutcome:
        """The run's outcome, reading its files at most once and outside the book's lock."""
        with self._lock:
            outcome = self._outcomes.get(item.connector_id)
            if outcome is not None:
                return outcome
            gate = self._running.setdefault(item.connector_id, threading.Lock())
        with gate:
            with self._lock:
                outcome = self._outcomes.get(item.connector_id)
            if outcome is not None:
                return outcome
            outcome = self._run(item)
            with self._lock:
                self._outcomes[item.connector_id] = outcome
                self._running.pop(item.connector_id, None)
                if outcome.error is None:
                    self._counts[item.project] = (
                        self._counts.get(item.project, 0) + outcome.num_events_imported
                    )
                kept = self._imported.setdefault(item.project, [])
                for record in outcome.records[: max(0, SAMPLE_SIZE - len(kept))]:
                    kept.append({"connector_id": item.connector_id, "record": record})
                outcome.records = []
            return outcome

    def _run(self, item: StoredConnector) -> ImportOutcome:
        if self.buckets is None:
            return ImportOutcome()
        try:
            return run_import(
                self.buckets, item.record, set(self.denied), max_file_bytes=self.max_file_bytes
            )
        except Exception as exc:  # a run that cannot be read fails; history must keep answering
            return ImportOutcome(error=ImportFailed("internal", f"the run could not finish: {exc}"))

    def imported(
        self, project: int, items: list[StoredConnector], now: float
    ) -> tuple[int, list[Any]]:
        """How many records a project imported and a sample of them, after every run due."""
        for item in items:
            if now - item.created_ts >= 2 * self.delay_s:
                self._finish(item)
        with self._lock:
            return self._counts.get(project, 0), list(self._imported.get(project, []))

    def history(
        self, item: StoredConnector, now: float, shape: str = "samples"
    ) -> list[dict[str, Any]]:
        """The connector's runs at time `now`: one run, each stage lasting the run delay.

        Written in the documented run shape (docs/api-contract.md, "History"): counters under
        `connector_properties`, Go-format times with the zero time for "not started" and "" for
        "not ended", an empty error object, and an id only once the run has started. With
        `shape="spec"`: `run_id`, epoch-second times, and the error's `type`.
        """
        elapsed = now - item.created_ts
        start = item.created_ts + self.delay_s
        started = elapsed >= self.delay_s
        ended = elapsed >= 2 * self.delay_s
        run_id = uuid.uuid5(uuid.NAMESPACE_URL, item.connector_id).hex if started else ""
        error_key = "type" if shape == "spec" else "code"
        run: dict[str, Any] = {
            "run_id" if shape == "spec" else "id": run_id,
            "start_time": _time(start, shape) if started else _not_started(shape),
            "end_time": _time(start + self.delay_s, shape) if ended else "",
            "status": "queued",
            "progress": 0,
            "error": {"message": "", error_key: ""},
            "connector_properties": dict.fromkeys(COUNTERS, 0),
        }
        if started:
            run["status"] = "running"
            progress = (elapsed - self.delay_s) / self.delay_s if self.delay_s else 1.0
            run["progress"] = round(min(1.0, progress), 3)
        if ended:
            outcome = self._finish(item)
            run["progress"] = 1
            run["connector_properties"] = {c: getattr(outcome, c) for c in COUNTERS}
            if outcome.error is None:
                run["status"] = "success"
            else:
                run["status"] = "failed"
                run["error"] = {"message": outcome.error.message, error_key: outcome.error.code}
        return [run]


def _not_started(shape: str) -> str:
    return "" if shape == "spec" else GO_ZERO_TIME
