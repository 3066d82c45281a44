"""Counts and sizes: API requests per refresh and preview, the provider's size in state, and
creates under injected faults.

Measured against the emulator in this process, whose request log is read directly.
"""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

from pulumi.dynamic.dynamic import serialize_provider

from mixpanel_connectors import ConnectorProvider
from mixpanel_connectors.emulator import Emulator

from .as_engine import AsEngine
from .common import PROJECT, ROOT, inputs, many_inputs, provider_host


def count(emulator: Emulator, method: str | None = None) -> int:
    return sum(1 for r in emulator.app.requests() if method is None or r["method"] == method)


def refresh_requests(sizes: list[int]) -> dict[int, dict[str, float]]:
    """API requests and time per connector to refresh N connectors, and to preview them."""
    out: dict[int, dict[str, float]] = {}
    with Emulator(port=0, page_size=1000) as emulator, provider_host(emulator.url) as host:
        for n in sizes:
            emulator.app.reset()
            engine = AsEngine(host)
            _, ids = engine.create_all(many_inputs(0, n))
            emulator.app.clear_requests()
            seconds = engine.read_all(ids)
            refresh = count(emulator)
            emulator.app.clear_requests()
            if any(engine.preview_all({id_: inputs(i) for i, id_ in enumerate(ids)})):
                raise AssertionError("the preview of unchanged connectors shows changes")
            out[n] = {"refresh_requests": refresh, "refresh_ms_per_op": 1000 * seconds / n,
                      "preview_requests": count(emulator)}  # fmt: skip
    return out


def state_size() -> dict[str, Any]:
    ours = serialize_provider(ConnectorProvider())
    script = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "main_style_provider.py")],
        capture_output=True, text=True, check=True, cwd=ROOT,
    )  # fmt: skip
    return {"mixpanel_connectors": len(ours), "main_style": json.loads(script.stdout)}


def under_faults(n: int, fail_rate: float = 0.3) -> dict[str, Any]:
    """n creates with and without injected faults: time, and API requests per connector."""
    result: dict[str, Any] = {}
    faults = {"fail_rate": fail_rate, "statuses": [429, 500, 503, "drop"], "mode": "mixed",
              "retry_after": 1, "seed": 8}  # fmt: skip
    with (
        Emulator(port=0, page_size=1000) as emulator,
        provider_host(emulator.url, extra={"mixpanel:maxRetries": "12"}) as host,
    ):
        for label, plan in (("fault_free", None), ("faults", faults)):
            emulator.app.reset()
            if plan:
                emulator.app.faults.configure(plan)
            seconds, ids = AsEngine(host).create_all(many_inputs(0, n))
            requests_made = count(emulator)
            injected = sum(1 for r in emulator.app.requests() if r["fault"])
            emulator.app.faults.clear()
            live, _ = emulator.app.store.page(PROJECT, 0, 10 * n)
            result[label] = {
                "seconds": seconds,
                "requests_per_connector": requests_made / n,
                "faults_injected": injected,
                "connectors_live": len(live),
                "state_matches_live": sorted(ids) == sorted(i.connector_id for i in live),
            }
    result["time_ratio"] = result["faults"]["seconds"] / result["fault_free"]["seconds"]
    return result
