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
from typing import Any, TypeGuard

from .errors import ApiProblem

MODES = ("reject", "lose_response")
MAX_LATENCY_MS = 60_000
MAX_RETRY_AFTER = 86_400


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


def _is_int(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _number(spec: dict[str, Any], key: str, default: float, top: float, what: str) -> float:
    value = spec.get(key, default)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= top:
        raise _bad(f"{key} is {what} from 0 to {top:g}, got {value!r}")
    return float(value)


def _list(spec: dict[str, Any], key: str, default: list[Any]) -> list[Any]:
    value = spec.get(key, default)
    if not isinstance(value, list):
        raise _bad(f"{key} is a list, got {value!r}")
    return value


def _status(value: object) -> int | str:
    if value in ("drop", "truncate") or (_is_int(value) and 400 <= value <= 599):
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
        rate = _number(spec, "fail_rate", 0.0, 1, "a number")
        statuses = [_status(s) for s in _list(spec, "statuses", [503])] or [503]
        mode = _mode(spec.get("mode", "reject"))
        latency = _number(spec, "latency_ms", 0, MAX_LATENCY_MS, "a number of milliseconds")
        retry_after = spec.get("retry_after", 1)
        if not _is_int(retry_after) or not 0 <= retry_after <= MAX_RETRY_AFTER:
            raise _bad(
                f"retry_after is a whole number of seconds from 0 to {MAX_RETRY_AFTER}, "
                f"got {retry_after!r}"
            )
        seed = spec.get("seed")
        if seed is not None and not _is_int(seed) and not isinstance(seed, str):
            raise _bad(f"seed is a whole number or a string, got {seed!r}")
        queue = [self._queued(entry, retry_after) for entry in _list(spec, "queue", [])]
        with self._lock:
            self.fail_rate = rate
            self.statuses = statuses
            self.mode = mode
            self.latency_ms = latency
            self.retry_after = retry_after
            self._random = random.Random(seed)
            self._queue = queue

    @staticmethod
    def _queued(entry: object, retry_after: int) -> QueuedFault:
        if not isinstance(entry, dict):
            raise _bad(f"a queue entry is an object, got {entry!r}")
        unknown = set(entry) - {"method", "status", "mode", "path_contains"}
        if unknown:
            raise _bad(f"unknown queue entry keys {sorted(unknown)}")
        method = entry.get("method")
        path_contains = entry.get("path_contains")
        if not isinstance(method, (str, type(None))) or not isinstance(
            path_contains, (str, type(None))
        ):
            raise _bad("a queue entry's method and path_contains are strings")
        status = _status(entry.get("status", 503))
        mode = _mode(entry.get("mode", "reject"))
        if mode == "mixed":
            raise _bad("a queued fault has mode reject or lose_response")
        return QueuedFault(
            fault=_fault(status, mode, retry_after),
            method=method.upper() if method else None,
            path_contains=path_contains,
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
