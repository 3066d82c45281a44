"""Measurements: the provider through the real dynamic-provider host, next to raw HTTP.

Every figure is measured side by side in the same run against the emulator on 127.0.0.1:
ratios and counts, because absolute times on shared machines are noise.
"""

from __future__ import annotations

import importlib.util
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
from mixpanel_connectors.testing import ProviderHost, to_struct

from .as_engine import AsEngine

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


@dataclass
class Timing:
    """Seconds and API requests for n operations of one kind."""

    seconds: float
    requests: int
    n: int

    @property
    def per_op_ms(self) -> float:
        return 1000 * self.seconds / self.n


def raw_lifecycle(raw: RawHTTP, emulator: Emulator, n: int) -> dict[str, Timing]:
    """Create, read and delete n connectors as raw requests on WORKERS threads."""
    ids: list[str] = []

    def create() -> float:
        seconds, created = in_parallel(raw.create, n)
        ids.extend(created)
        return seconds

    return _phases(emulator, n, {
        "create": create,
        "read": lambda: in_parallel(lambda i: raw.read(ids[i]), n)[0],
        "delete": lambda: in_parallel(lambda i: raw.delete(ids[i]), n)[0],
    })  # fmt: skip


def engine_lifecycle(engine: AsEngine, emulator: Emulator, n: int) -> dict[str, Timing]:
    """Create, read and delete n connectors through the host, scheduled as the engine does."""
    ids: list[str] = []

    def create() -> float:
        seconds, created = engine.create_all([spec(i) for i in range(n)])
        ids.extend(created)
        return seconds

    return _phases(emulator, n, {
        "create": create,
        "read": lambda: engine.read_all(ids),
        "delete": lambda: engine.delete_all(ids),
    })  # fmt: skip


def _phases(
    emulator: Emulator, n: int, phases: dict[str, Callable[[], float]]
) -> dict[str, Timing]:
    timings: dict[str, Timing] = {}
    for name, run in phases.items():
        emulator.app.clear_requests()
        seconds = run()
        timings[name] = Timing(seconds, count(emulator), n)
    return timings


@contextmanager
def provider_host(url: str, provider: Any = None, **extra: str) -> Iterator[ProviderHost]:
    env = {"PYTHONPATH": str(ROOT)}
    with ProviderHost(provider or ConnectorProvider(), env=env, cwd=ROOT) as host:
        host.configure(config(url, **extra))
        # Cold start is measured on its own: warm the host, its HTTP client and the emulator.
        warm = AsEngine(host)
        warm.delete_all(warm.create_all([spec(0)])[1])
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
        raw = RawHTTP(emulator.url)
        drivers: list[tuple[str, Callable[[], dict[str, Timing]]]] = [
            ("raw", lambda: raw_lifecycle(raw, emulator, n)),
            ("provider", lambda: engine_lifecycle(AsEngine(host), emulator, n)),
        ]
        if floor:
            bare = hosts.enter_context(provider_host(emulator.url, FloorProvider()))
            drivers.append(("floor", lambda: engine_lifecycle(AsEngine(bare), emulator, n)))
        for _ in range(rounds):
            for name, run in drivers:
                phases = run()
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
            engine = AsEngine(host)
            _, ids = engine.create_all([spec(i) for i in range(n)])
            emulator.app.clear_requests()
            seconds = engine.read_all(ids)
            refresh = count(emulator)
            emulator.app.clear_requests()
            if any(engine.preview_all({id_: spec(i) for i, id_ in enumerate(ids)})):
                raise AssertionError("the preview of unchanged connectors shows changes")
            out[n] = {"refresh_requests": refresh, "refresh_ms_per_op": 1000 * seconds / n,
                      "preview_requests": count(emulator)}  # fmt: skip
    return out


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS")


def scale(checkpoints: list[int], batch: int = 100, window: int = 5) -> dict[str, Any]:
    """Memory of the host and time per create+delete as connectors go through it (no latency).

    Connectors go through in equal batches (created, then deleted), so the host holds the same
    number of queued calls at every checkpoint and only growth per connector shows. The time at
    a checkpoint is the median over the last `window` batches.
    """
    memory: dict[int, int] = {}
    timings: dict[int, float] = {}
    per_batch: list[float] = []
    with Emulator(port=0, page_size=1000) as emulator, provider_host(emulator.url) as host:
        engine = AsEngine(host)
        for done in range(batch, checkpoints[-1] + 1, batch):
            created, ids = engine.create_all([spec(done - batch + i) for i in range(batch)])
            per_batch.append(1000 * (created + engine.delete_all(ids)) / batch)
            if done in checkpoints:
                timings[done] = statistics.median(per_batch[-window:])
                memory[done] = rss_kib(host.pid)
    return {"rss_kib": memory, "ms_per_create_and_delete": timings, "batch": batch,
            "window": window}  # fmt: skip


def cold_start(runs: int, sets: int = 1) -> dict[str, Any]:
    """Seconds from starting the host to its first Check answered, for each provider.

    Each set is `runs` alternating starts of both providers, compared by their medians; the
    verdict takes the median ratio of the sets, because single sets vary by about 0.1 here.
    """
    results = [_cold_start_set(runs) for _ in range(sets)]
    ratio = statistics.median(r["ratio"] for r in results)
    return {"sets": results, "ratio": ratio, "runs": runs,
            "without_bytecode": without_bytecode()}  # fmt: skip


def _cold_start_set(runs: int) -> dict[str, Any]:
    from benchmarks.trivial_provider import TrivialProvider

    providers = {"trivial": TrivialProvider(), "mixpanel_connectors": ConnectorProvider()}
    samples: dict[str, list[float]] = {name: [] for name in providers}
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PULUMI_PROJECT": "bench"}
    # Full credentials, so that the first Check validates everything and passes; it sends nothing.
    config_struct = to_struct(config("http://127.0.0.1:9"))
    for _ in range(runs):
        for name, provider in providers.items():  # alternate, so drift hits both alike
            news = to_struct({**spec(0), "__provider": serialize_provider(provider)})
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
                checked = stub.Check(
                    provider_pb2.CheckRequest(urn="urn:pulumi:b::b::t::c", news=news)
                )
                if checked.failures:
                    raise AssertionError(f"{name}: the first Check failed: {checked.failures}")
            samples[name].append(time.perf_counter() - started)
            process.kill()
            process.wait()
            process.stdout.close()
    medians = {name: statistics.median(values) for name, values in samples.items()}
    return {"median_s": medians, "ratio": medians["mixpanel_connectors"] / medians["trivial"]}


def without_bytecode() -> list[str]:
    """Which of the host's heavy imports would be compiled from source at every start."""
    heavy = ("pulumi", "grpc", "pydantic.main", "mixpanel_connectors._api.models")
    return [name for name in heavy if not _fresh_bytecode(name)]


def _fresh_bytecode(module: str) -> bool:
    found = importlib.util.find_spec(module)
    if found is None or found.origin is None:
        return False
    cached = Path(importlib.util.cache_from_source(found.origin))
    return cached.exists() and cached.stat().st_mtime >= Path(found.origin).stat().st_mtime


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
            seconds, ids = AsEngine(host).create_all([spec(i) for i in range(n)])
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
