"""Readers of the emulator command's flag values: each returns the value or raises ValueError."""

from __future__ import annotations

import math
import re
from pathlib import Path

from .faults import MAX_LATENCY_MS, MODES
from .parsing import MAX_ID, whole_number

_STATUS = re.compile(r"[45][0-9]{2}")


def port(raw: str) -> int:
    value = whole_number(raw, 65535)
    if value is None:
        raise ValueError("a port is a whole number from 0 to 65535 (0 picks a free one)")
    return value


def count(raw: str, top: int = 1_000_000) -> int:
    value = whole_number(raw, top)
    if not value:
        raise ValueError(f"expected a whole number from 1 to {top}")
    return value


def _number(raw: str, top: float, what: str) -> float:
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not 0 <= value <= top:
        raise ValueError(f"expected {what} from 0 to {top:g}")
    return value


def fraction(raw: str) -> float:
    return _number(raw, 1, "a number")


def milliseconds(raw: str) -> float:
    return _number(raw, 86_400_000, "a number of milliseconds")


def latency(raw: str) -> float:
    return _number(raw, MAX_LATENCY_MS, "a number of milliseconds")


def project(raw: str) -> int:
    value = whole_number(raw.strip())
    if value is None:
        raise ValueError(f"a project id is a whole number from 0 to {MAX_ID}")
    return value


def seed(raw: str) -> int:
    value = whole_number(raw)
    if value is None:
        raise ValueError("a seed is a whole number")
    return value


def fault_status(raw: str) -> int | str:
    if raw in ("drop", "truncate"):
        return raw
    if not _STATUS.fullmatch(raw):
        raise ValueError("a fault status is an HTTP error code (400-599), drop or truncate")
    return int(raw)


def account(raw: str) -> tuple[str, str, tuple[int, ...] | None]:
    """NAME:SECRET[:PROJECT,...] as name, secret and the projects it is limited to."""
    name, sep, rest = raw.partition(":")
    secret, _, limited = rest.partition(":")
    if not name or not sep or not secret:
        raise ValueError("expected NAME:SECRET[:PROJECT,...]")
    return name, secret, tuple(project(p) for p in limited.split(",")) if limited else None


def folder(raw: str) -> Path:
    path = Path(raw)
    if not path.is_dir():
        raise ValueError("no such folder")
    return path


def data_file(raw: str) -> Path:
    path = Path(raw)
    if path.is_dir():
        raise ValueError("is a folder; name a SQLite file in it, e.g. state.db")
    if not path.parent.is_dir():
        raise ValueError(f"the folder {str(path.parent)!r} does not exist")
    return path


def shapes(raw: str) -> str:
    if raw not in ("documented", "spec"):
        raise ValueError("shapes are 'documented' (Mixpanel's published samples) or 'spec'")
    return raw


def fault_mode(raw: str) -> str:
    if raw not in (*MODES, "mixed"):
        raise ValueError("a fault mode is reject, lose_response or mixed")
    return raw
