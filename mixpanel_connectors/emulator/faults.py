"""Fault injection: a random failure rate, and a queue of exact failures for the next requests.

A fault's `status` is an HTTP status, "drop" (close the connection without an answer) or
"truncate" (answer 200 with the first half of the real body). Its `mode` is "reject" (fail before
doing anything) or "lose_response" (do the work, then fail). 429 is always a reject and carries
Retry-After; "truncate" always does the work first.
"""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass
from typing import Any

from .errors import ApiProblem

MODES = ("reject", "lose_response")


@dataclass(frozen=True)
class Fault:
    """One injected failure."""

    status: int | str
    mode: str
    retry_after: int

    @property
    def drops(self) -> bool:
        return self.status == "drop"


@dataclass(frozen=True)
class QueuedFault:
    """A fault for the next request that matches `method` (any when None)."""

    fault: Fault
    method: str | None
    path_contains: str | None


def _bad(message: str) -> ApiProblem:
    return ApiProblem(400, f"bad fault settings: {message}")


def _status(value: object) -> int | str:
    if value in ("drop", "truncate") or (isinstance(value, int) and 400 <= value <= 599):
        return value
    raise _bad(f"a status is an HTTP error code (400-599), 'drop' or 'truncate', got {value!r}")


def _fault(status: int | str, mode: str, retry_after: int) -> Fault:
    if status == 429:
        mode = "reject"
    elif status == "truncate":
        mode = "lose_response"
    return Fault(status, mode, retry_after)


def _mode(value: object) -> str:
    if value in (*MODES, "mixed"):
        return str(value)
    raise _bad(f"mode is reject, lose_response or mixed, got {value!r}")


class FaultPlan:
    """Decides, per API request, whether and how to fail it. Thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.clear()

    def clear(self) -> None:
        """No faults, no latency."""
        with self._lock:
            self.fail_rate = 0.0
            self.statuses: list[int | str] = [503]
            self.mode = "reject"
            self.latency_ms = 0.0
            self.retry_after = 1
            self._random = random.Random()
            self._queue: list[QueuedFault] = []

    def configure(self, spec: dict[str, Any]) -> None:
        """Apply `POST /_emulator/faults` settings; unknown keys are an error."""
        known = {"fail_rate", "statuses", "mode", "latency_ms", "seed", "queue", "retry_after"}
        unknown = set(spec) - known
        if unknown:
            raise _bad(f"unknown keys {sorted(unknown)}; known: {sorted(known)}")
        rate = spec.get("fail_rate", 0.0)
        if not isinstance(rate, (int, float)) or not 0 <= rate <= 1:
            raise _bad(f"fail_rate is a number from 0 to 1, got {rate!r}")
        statuses = [_status(s) for s in spec.get("statuses", [503])] or [503]
        mode = _mode(spec.get("mode", "reject"))
        latency = spec.get("latency_ms", 0)
        if not isinstance(latency, (int, float)) or latency < 0:
            raise _bad(f"latency_ms is a non-negative number, got {latency!r}")
        retry_after = spec.get("retry_after", 1)
        if not isinstance(retry_after, int) or retry_after < 0:
            raise _bad(f"retry_after is a whole number of seconds, got {retry_after!r}")
        queue = [self._queued(entry, retry_after) for entry in spec.get("queue", [])]
        with self._lock:
            self.fail_rate = float(rate)
            self.statuses = statuses
            self.mode = mode
            self.latency_ms = float(latency)
            self.retry_after = retry_after
            self._random = random.Random(spec.get("seed"))
            self._queue = queue

    @staticmethod
    def _queued(entry: object, retry_after: int) -> QueuedFault:
        if not isinstance(entry, dict):
            raise _bad(f"a queue entry is an object, got {entry!r}")
        method = entry.get("method")
        status = _status(entry.get("status", 503))
        mode = _mode(entry.get("mode", "reject"))
        if mode == "mixed":
            raise _bad("a queued fault has mode reject or lose_response")
        return QueuedFault(
            fault=_fault(status, mode, retry_after),
            method=method.upper() if isinstance(method, str) else None,
            path_contains=entry.get("path_contains"),
        )

    def describe(self) -> dict[str, Any]:
        with self._lock:
            return {
                "fail_rate": self.fail_rate,
                "statuses": list(self.statuses),
                "mode": self.mode,
                "latency_ms": self.latency_ms,
                "retry_after": self.retry_after,
                "queued": len(self._queue),
            }

    def next_fault(self, method: str, path: str) -> Fault | None:
        """The fault for this request, if any: a matching queued one first, then the dice."""
        with self._lock:
            for index, queued in enumerate(self._queue):
                if queued.method not in (None, method):
                    continue
                if queued.path_contains and queued.path_contains not in path:
                    continue
                del self._queue[index]
                return queued.fault
            if self.fail_rate <= 0 or self._random.random() >= self.fail_rate:
                return None
            status = self._random.choice(self.statuses)
            mode = self._random.choice(MODES) if self.mode == "mixed" else self.mode
        return _fault(status, mode, self.retry_after)
