"""The documented samples of docs/api-contract.md, as files, and servers that answer with them."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from tests.canned import Canned

SAMPLES = Path(__file__).parent / "samples"


def sample(name: str) -> Any:
    """A fresh copy of one sample body."""
    return copy.deepcopy(json.loads((SAMPLES / f"{name}.json").read_text()))


def answer(body: Any, status: int = 200) -> Canned:
    """A JSON answer."""
    return Canned(status, json.dumps(body).encode(), {"Content-Type": "application/json"})


def run_body(*runs: dict[str, Any]) -> dict[str, Any]:
    """A history answer in the documented paginated envelope."""
    return {"status": "ok", "results": {"url": None, "has_more": False, "data": list(runs)}}
