"""Measurements: the provider through the real dynamic-provider host, next to raw HTTP.

Every figure is measured side by side in the same run against the emulator on 127.0.0.1:
ratios and counts, because absolute times on shared machines are noise.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import grpc
import requests
from pulumi.dynamic.dynamic import serialize_provider
from pulumi.runtime.proto import provider_pb2, provider_pb2_grpc

from mixpanel_connectors import ConnectorProvider
from mixpanel_connectors.emulator import Emulator
from mixpanel_connectors.testing import ProviderHost
from mixpanel_connectors.testing.host import _struct

ROOT = Path(__file__).resolve().parent.parent
PROJECT = 1234567
AUTH = ("demo", "demo-secret")
WORKERS = 4


def spec(i: int) -> dict[str, Any]:
    return {
        "connector_type": "s3Import",
        "label": f"bench {i}",
        "connector_properties": {
            "s3_bucket": "acme-events",
            "s3_prefix": f"events/{i}/",
            "s3_region": "us-east-2",
            "s3_role": "arn:aws:iam::123456789012:role/mixpanel-import",
        },
        "category_properties": {"data_format": "mixpanel_event", "compression": "gzip"},
    }


def config(url: str, **extra: str) -> dict[str, str]:
    return {
        "mixpanel:serviceAccount": AUTH[0],
        "mixpanel:serviceAccountSecret": AUTH[1],
        "mixpanel:projectId": str(PROJECT),
        "mixpanel:baseUrl": url,
        **extra,
    }


def in_parallel(
    work: Callable[[int], Any], n: int, workers: int = WORKERS
) -> tuple[float, list[Any]]:
    """Seconds to run work(0..n-1) on `workers` threads, and the results."""
    with ThreadPoolExecutor(max_workers=workers) as pool:
        started = time.perf_counter()
        results = list(pool.map(work, range(n)))
        return time.perf_counter() - started, results


def count(emulator: Emulator, method: str | None = None) -> int:
    return sum(1 for r in emulator.app.requests() if method is None or r["method"] == method)


class RawHTTP:
    """The baseline: the same API calls as plain `requests`, one session per thread."""

    def __init__(self, url: str) -> None:
        self.base = f"{url}/api/app/projects/{PROJECT}/connectors/"
        self._local = threading.local()

    @property
    def session(self) -> requests.Session:
        if not hasattr(self._local, "session"):
            self._local.session = requests.Session()
        return self._local.session  # type: ignore[no-any-return]

    def create(self, i: int) -> str:
        response = self.session.post(self.base, json=spec(i), auth=AUTH, timeout=30)
        response.raise_for_status()
        return str(response.json()["results"]["connector_id"])

    def read(self, connector_id: str) -> None:
        self.session.get(self.base + connector_id, auth=AUTH, timeout=30).raise_for_status()

    def delete(self, connector_id: str) -> None:
        self.session.delete(self.base + connector_id, auth=AUTH, timeout=30).raise_for_status()


class ViaProvider:
    """The same operations as the engine drives them: Check+Create, Read, Delete over gRPC."""

    def __init__(self, host: ProviderHost) -> None:
        self.host = host
        self.state: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {}
        self._lock = threading.Lock()

    def create(self, i: int) -> str:
        inputs, failures = self.host.check(f"c{i}", {}, spec(i))
        assert not failures, failures
        connector_id, outputs = self.host.create(f"c{i}", inputs)
        with self._lock:
            self.state[connector_id] = (inputs, outputs)
        return connector_id

    def read(self, connector_id: str) -> None:
        inputs, outputs = self.state[connector_id]
        found, _, _ = self.host.read("c", connector_id, outputs, inputs)
        assert found == connector_id

    def delete(self, connector_id: str) -> None:
        inputs, outputs = self.state.pop(connector_id)
        self.host.delete("c", connector_id, outputs, inputs)


@dataclass
class Timing:
    """Seconds and API requests for n operations of one kind."""

    seconds: float
    requests: int
    n: int

    @property
    def per_op_ms(self) -> float:
        return 1000 * self.seconds / self.n


def lifecycle(driver: RawHTTP | ViaProvider, emulator: Emulator, n: int) -> dict[str, Timing]:
    """Create, read and delete n connectors with WORKERS threads; time and count each phase."""
    phases: dict[str, Timing] = {}
    emulator.app.clear_requests()
    seconds, ids = in_parallel(driver.create, n)
    phases["create"] = Timing(seconds, count(emulator), n)
    for name, operation in (("read", driver.read), ("delete", driver.delete)):
        emulator.app.clear_requests()
        seconds, _ = in_parallel(lambda i, op=operation: op(ids[i]), n)
        phases[name] = Timing(seconds, count(emulator), n)
    return phases


@contextmanager
def provider_host(url: str, provider: Any = None, **extra: str) -> Iterator[ProviderHost]:
    env = {"PYTHONPATH": str(ROOT)}
    with ProviderHost(provider or ConnectorProvider(), env=env, cwd=ROOT) as host:
        host.configure(config(url, **extra))
        # Cold start is measured on its own: warm the host, its HTTP client and the emulator.
        warm = ViaProvider(host)
        warm.delete(warm.create(0))
        yield host


@dataclass
class Overhead:
    n: int
    latency_ms: float
    rounds: int
    raw: dict[str, Timing] = field(default_factory=dict)
    provider: dict[str, Timing] = field(default_factory=dict)
    floor: dict[str, Timing] = field(default_factory=dict)

    def ratio(self, op: str, over: str = "raw") -> float:
        return self.provider[op].seconds / getattr(self, over)[op].seconds


def provider_overhead(
    n: int, latency_ms: float = 20.0, rounds: int = 2, *, floor: bool = False
) -> Overhead:
    """The provider versus raw requests (and the floor provider), alternating rounds.

    The best round of each counts.
    """
    from benchmarks.floor_provider import FloorProvider

    result = Overhead(n, latency_ms, rounds)
    with Emulator(port=0, page_size=1000) as emulator, ExitStack() as hosts:
        emulator.app.faults.configure({"latency_ms": latency_ms})
        host = hosts.enter_context(provider_host(emulator.url))
        drivers: list[tuple[str, RawHTTP | ViaProvider]] = [
            ("raw", RawHTTP(emulator.url)),
            ("provider", ViaProvider(host)),
        ]
        if floor:
            bare = hosts.enter_context(provider_host(emulator.url, FloorProvider()))
            drivers.append(("floor", ViaProvider(bare)))
        for _ in range(rounds):
            for name, driver in drivers:
                phases = lifecycle(driver, emulator, n)
                best = getattr(result, name)
                for op, timing in phases.items():
                    if op not in best or timing.seconds < best[op].seconds:
                        best[op] = timing
    return result


def refresh_requests(sizes: list[int]) -> dict[int, dict[str, float]]:
    """API requests and time per connector to refresh N connectors, and to preview them."""
    out: dict[int, dict[str, float]] = {}
    with Emulator(port=0, page_size=1000) as emulator, provider_host(emulator.url) as host:
        for n in sizes:
            emulator.app.reset()
            driver = ViaProvider(host)
            _, ids = in_parallel(driver.create, n)
            emulator.app.clear_requests()
            seconds, _ = in_parallel(lambda i, ids=ids, d=driver: d.read(ids[i]), n)
            refresh = count(emulator)
            emulator.app.clear_requests()
            in_parallel(lambda i, ids=ids, d=driver: _preview(host, d, ids[i], i), n)
            out[n] = {"refresh_requests": refresh, "refresh_ms_per_op": 1000 * seconds / n,
                      "preview_requests": count(emulator)}  # fmt: skip
    return out


def _preview(host: ProviderHost, driver: ViaProvider, connector_id: str, i: int) -> None:
    """What preview sends for an existing, unchanged connector: Check, then Diff."""
    inputs, outputs = driver.state[connector_id]
    host.check(f"c{i}", inputs, spec(i))
    host.diff(f"c{i}", connector_id, outputs, inputs, inputs, preview=True)


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS")


def scale(checkpoints: list[int]) -> dict[str, Any]:
    """Memory of the host and time per create+delete as connectors go through it (no latency)."""
    memory: dict[int, int] = {}
    timings: dict[int, float] = {}
    with Emulator(port=0, page_size=1000) as emulator, provider_host(emulator.url) as host:
        driver = ViaProvider(host)
        done = 0
        for checkpoint in checkpoints:
            batch = checkpoint - done
            started = time.perf_counter()
            _, ids = in_parallel(lambda i, base=done: driver.create(base + i), batch)
            in_parallel(lambda i, ids=ids: driver.delete(ids[i]), batch)
            timings[checkpoint] = 1000 * (time.perf_counter() - started) / batch
            done = checkpoint
            memory[checkpoint] = rss_kib(host.pid)
    return {"rss_kib": memory, "ms_per_create_and_delete": timings}


def cold_start(runs: int) -> dict[str, Any]:
    """Seconds from starting the host to its first Check answered, for each provider."""
    from benchmarks.trivial_provider import TrivialProvider

    providers = {"trivial": TrivialProvider(), "mixpanel_connectors": ConnectorProvider()}
    samples: dict[str, list[float]] = {name: [] for name in providers}
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PULUMI_PROJECT": "bench"}
    config_struct = _struct({"mixpanel:projectId": str(PROJECT)})
    for _ in range(runs):
        for name, provider in providers.items():  # alternate, so drift hits both alike
            blob = serialize_provider(provider)
            news = _struct({**spec(0), "__provider": blob})
            started = time.perf_counter()
            process = subprocess.Popen(
                [sys.executable, "-u", "-m", "pulumi.dynamic"],
                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env, cwd=ROOT,
            )  # fmt: skip
            assert process.stdout is not None
            port = int(process.stdout.readline())
            with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
                stub = provider_pb2_grpc.ResourceProviderStub(channel)
                stub.Configure(provider_pb2.ConfigureRequest(args=config_struct))
                stub.Check(provider_pb2.CheckRequest(urn="urn:pulumi:b::b::t::c", news=news))
            samples[name].append(time.perf_counter() - started)
            process.kill()
            process.wait()
            process.stdout.close()
    medians = {name: statistics.median(values) for name, values in samples.items()}
    return {"median_s": medians, "ratio": medians["mixpanel_connectors"] / medians["trivial"],
            "runs": runs}  # fmt: skip


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
        provider_host(emulator.url, **{"mixpanel:maxRetries": "12"}) as host,
    ):
        for label, plan in (("fault_free", None), ("faults", faults)):
            emulator.app.reset()
            if plan:
                emulator.app.faults.configure(plan)
            driver = ViaProvider(host)
            seconds, ids = in_parallel(driver.create, n)
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
