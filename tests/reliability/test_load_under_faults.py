"""Many connectors through both faces (the dynamic-provider host and the plugin) while the emulator
fails 30% of requests, or is killed and restarted."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import requests

from mixpanel_connectors import ConnectorProvider
from mixpanel_connectors.emulator import Emulator
from mixpanel_connectors.testing import Engine, PluginHost, ProviderHost
from tests.conftest import PLUGIN_DIR, PROJECT, SECRET, s3_spec, stack_config

N = 100
FAULTS = {
    "fail_rate": 0.3,
    "statuses": [429, 503, 500, "drop"],
    "mode": "mixed",
    "retry_after": 0,
    "seed": 20261128,
}


def config(url: str) -> dict[str, str]:
    return stack_config(url, **{"mixpanel:maxRetries": "12", "mixpanel:timeoutSeconds": "120"})


def inputs(i: int) -> dict[str, Any]:
    news = s3_spec(label=f"connector {i}")
    news["connector_properties"]["s3_prefix"] = f"events/{i}/"
    return news


def in_parallel(work: Callable[[int], Any], count: int = N) -> list[Any]:
    """Drive the host as the engine does: many resources at once (the host has 4 workers)."""
    with ThreadPoolExecutor(max_workers=8) as pool:
        return list(pool.map(work, range(count)))


def live(url: str) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    page: str | None = f"/api/app/projects/{PROJECT}/connectors/"
    while page:
        body = requests.get(url + page, auth=("demo", SECRET), timeout=10).json()["results"]
        for item in body["data"]:
            assert item["connector_id"] not in found
            found[item["connector_id"]] = item
        page = body["url"] if body["has_more"] else None
    return found


FACES: dict[str, Callable[[], ProviderHost | PluginHost]] = {
    "dynamic": lambda: ProviderHost(ConnectorProvider()),
    "plugin": lambda: PluginHost(PLUGIN_DIR),
}


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    with Emulator(port=0, page_size=50) as emu:
        yield emu


@pytest.mark.parametrize(("face", "count"), [("dynamic", N), ("plugin", 30)])
def test_creates_refreshes_and_deletes_stay_exactly_once_under_faults(
    emulator: Emulator, face: str, count: int
) -> None:
    # the plugin runs the same lifecycle code: fewer connectors keep the suite's time in bounds
    with FACES[face]() as host:
        host.configure(config(emulator.url))
        engine = Engine(host)
        emulator.app.faults.configure(FAULTS)

        steps = in_parallel(lambda i: engine.up(f"c{i}", inputs(i)), count)
        assert {s.op for s in steps} == {"create"}
        emulator.app.faults.clear()
        state_ids = {name: res.id for name, res in engine.state.items()}
        connectors = live(emulator.url)
        assert len(connectors) == count
        assert sorted(state_ids.values()) == sorted(connectors)
        for name, connector_id in state_ids.items():
            assert connectors[connector_id]["label"] == f"connector {name[1:]}"

        emulator.app.faults.configure(FAULTS)
        refreshed = in_parallel(lambda i: engine.refresh(f"c{i}"), count)
        assert {s.op for s in refreshed} == {"refresh"}
        plans = in_parallel(lambda i: engine.preview(f"c{i}", inputs(i)), count)
        assert {p.op for p in plans} == {"same"}

        in_parallel(lambda i: engine.destroy(f"c{i}"), count)
        emulator.app.faults.clear()
        assert live(emulator.url) == {}
        faults = [r for r in emulator.app.requests() if r["fault"]]
        assert len(faults) > count // 2  # the faults really happened
        assert SECRET not in host.stderr


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _start(port: int, data: Path) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(
        [sys.executable, "-m", "mixpanel_connectors.cli", "emulator",
         "--port", str(port), "--data", str(data), "--latency-ms", "50"],
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    for _ in range(100):
        try:
            requests.get(f"http://127.0.0.1:{port}/_emulator/health", timeout=1)
            return process
        except requests.ConnectionError:
            time.sleep(0.05)
    process.kill()
    raise RuntimeError("the emulator did not come up")


@pytest.mark.parametrize("face", sorted(FACES))
def test_emulator_killed_and_restarted_mid_run_loses_nothing(tmp_path: Path, face: str) -> None:
    port, data = _free_port(), tmp_path / "state.sqlite"
    url = f"http://127.0.0.1:{port}"
    process = _start(port, data)
    try:
        with FACES[face]() as host, ThreadPoolExecutor(8) as pool:
            host.configure(config(url))
            engine = Engine(host)
            running = [pool.submit(engine.up, f"c{i}", inputs(i)) for i in range(40)]
            time.sleep(0.25)
            finished_before_kill = sum(future.done() for future in running)
            os.kill(process.pid, signal.SIGKILL)
            process.wait()
            time.sleep(0.5)
            process = _start(port, data)
            assert finished_before_kill < len(running)  # the kill really hit a running deployment
            for future in running:
                assert future.result().op == "create"
            connectors = live(url)
            assert sorted(connectors) == sorted(res.id for res in engine.state.values())
            assert len(connectors) == 40
    finally:
        process.kill()
        process.wait()
