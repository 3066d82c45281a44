"""Where the time goes in the host, per create, read and delete, for the provider and the floor.

    python -m benchmarks.profile_host [--n 100] [--latency-ms 20]

Both providers run in hosts instrumented by `host_probe`. One at a time (each resource's calls
alone in the host, the two hosts taking turns), an operation's time splits into:

- *gRPC*: the client's round trips less the time inside the SDK's handlers: the transport, the
  protobuf messages and the hand-off to a worker thread, in both processes (Pulumi's);
- *SDK handler*: inside the handlers, outside the provider: deserializing the request's
  properties, serializing the answer's, and the rest (finding the provider, configuring the
  SDK's settings, a new event loop per call) (Pulumi's);
- *provider code*: inside the provider's methods, outside HTTP (this package's, for the
  provider; for the floor, the least any provider does);
- *HTTP*: `HTTPAdapter.send`, from the request on the wire to the whole answer read.

Then as the engine schedules them (all of one kind at once, 4 workers): wall time per
operation, and what the workers spent per operation, busy and idle.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import grpc
from pulumi.dynamic import ResourceProvider
from pulumi.dynamic.dynamic import serialize_provider
from pulumi.runtime.proto import provider_pb2, provider_pb2_grpc

from mixpanel_connectors import ConnectorProvider
from mixpanel_connectors.testing import to_struct

from .as_engine import AsEngine
from .common import ROOT, WORKERS, config, many_inputs
from .emulator_process import EmulatorProcess
from .floor_provider import FloorProvider

Record = tuple[str, int, float, float]
Window = tuple[float, float, float]
"""A client's window: when it began and ended, and the seconds its calls took inside it."""
HOSTS = ("provider", "floor")
OPS = ("create", "read", "delete")
PHASES = ("grpc", "sdk_deserialize", "sdk_serialize", "sdk_other", "provider_code", "http")


class ProbedHost:
    """A `host_probe` host: configured, and able to hand over its records."""

    type_token = "pulumi-python:dynamic/mixpanel:Connector"

    def __init__(self, provider: ResourceProvider, url: str) -> None:
        self.blob = serialize_provider(provider)
        self._out = Path(tempfile.mkdtemp(prefix="host-probe-")) / "records.json"
        env = {**os.environ, "PYTHONPATH": str(ROOT), "PULUMI_PROJECT": "bench",
               "BENCH_PROBE_OUT": str(self._out)}  # fmt: skip
        self._process = subprocess.Popen(
            [sys.executable, "-u", "-m", "benchmarks.host_probe"],
            stdout=subprocess.PIPE, env=env, cwd=ROOT,
        )  # fmt: skip
        assert self._process.stdout is not None
        self._channel = grpc.insecure_channel(f"127.0.0.1:{int(self._process.stdout.readline())}")
        self.stub = provider_pb2_grpc.ResourceProviderStub(self._channel)
        settings = config(url)
        self.stub.Configure(provider_pb2.ConfigureRequest(
            variables=settings, args=to_struct(dict(settings)), acceptSecrets=True,
            acceptResources=True,
        ))  # fmt: skip

    def urn(self, name: str) -> str:
        return f"urn:pulumi:dev::bench::{self.type_token}::{name}"

    def records(self) -> list[Record]:
        """Every record since the last call."""
        self._process.send_signal(signal.SIGUSR1)
        deadline = time.monotonic() + 10
        while not self._out.exists():
            if time.monotonic() > deadline:
                raise RuntimeError("the probed host wrote no records")
            time.sleep(0.01)
        records = [
            (str(p), int(t), float(a), float(b)) for p, t, a, b in json.loads(self._out.read_text())
        ]
        self._out.unlink()
        return records

    def close(self) -> None:
        self._channel.close()
        self._process.kill()
        self._process.wait()
        if self._process.stdout is not None:
            self._process.stdout.close()
        shutil.rmtree(self._out.parent, ignore_errors=True)

    def __enter__(self) -> ProbedHost:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


def split(records: list[Record], start: float, end: float, seconds: float) -> dict[str, float]:
    """One client window's time (`seconds` of calls between start and end) by phase, in ms."""
    spent = dict.fromkeys(("handler", "provider", "http", "sdk.deserialize", "sdk.serialize"), 0.0)
    for phase, _, began, ended in records:
        if start <= began <= end:
            kind = phase.split(".")[0]
            spent[kind if kind in ("handler", "provider") else phase] += ended - began
    sdk = spent["handler"] - spent["provider"]
    parts = {
        "grpc": seconds - spent["handler"],
        "sdk_deserialize": spent["sdk.deserialize"],
        "sdk_serialize": spent["sdk.serialize"],
        "sdk_other": sdk - spent["sdk.deserialize"] - spent["sdk.serialize"],
        "provider_code": spent["provider"] - spent["http"],
        "http": spent["http"],
    }
    return {name: 1000 * value for name, value in parts.items()}


def _step(engine: AsEngine, op: str, first: int, n: int, ids: list[str]) -> float:
    """Seconds for n operations of one kind, all sent at once (creates get `first`..)."""
    if op == "create":
        seconds, new = engine.create_all(many_inputs(first, n))
        ids.extend(new)
        return seconds
    some = ids[first : first + n]
    return engine.read_all(some) if op == "read" else engine.delete_all(some)


def _timed_step(engine: AsEngine, op: str, first: int, n: int, ids: list[str]) -> Window:
    start = time.perf_counter()
    seconds = _step(engine, op, first, n, ids)
    return start, time.perf_counter(), seconds


def one_at_a_time(hosts: dict[str, ProbedHost], n: int) -> dict[str, dict[str, dict[str, float]]]:
    """Median ms per phase, by host and operation, each resource alone in its host."""
    engines = {name: AsEngine(host) for name, host in hosts.items()}
    ids: dict[str, list[str]] = {name: [] for name in hosts}
    windows: dict[str, dict[str, list[Window]]] = {name: {op: [] for op in OPS} for name in hosts}
    for op in OPS:
        for i in range(n):
            for name in HOSTS if i % 2 == 0 else HOSTS[::-1]:
                windows[name][op].append(_timed_step(engines[name], op, i, 1, ids[name]))
    result: dict[str, dict[str, dict[str, float]]] = {}
    for name, host in hosts.items():
        records = host.records()
        result[name] = {}
        for op in OPS:
            splits = [split(records, *window) for window in windows[name][op]]
            result[name][op] = {p: statistics.median(s[p] for s in splits) for p in PHASES}
            result[name][op]["total"] = statistics.median(1000 * w[2] for w in windows[name][op])
    return result


def as_engine(hosts: dict[str, ProbedHost], n: int) -> dict[str, dict[str, dict[str, float]]]:
    """Per operation, with all n of a kind sent at once: wall ms, and worker ms busy and idle."""
    result: dict[str, dict[str, dict[str, float]]] = {}
    for name, host in hosts.items():
        engine = AsEngine(host)
        host.records()
        ids: list[str] = []
        result[name] = {}
        for op in OPS:
            start, end, seconds = _timed_step(engine, op, 0, n, ids)
            parts = split(host.records(), start, end, 0.0)
            busy = {p: parts[p] / n for p in PHASES if p != "grpc"}
            wall = 1000 * seconds / n
            result[name][op] = {"wall": wall, **busy, "idle": WORKERS * wall - sum(busy.values())}
    return result


def measure(n: int, latency_ms: float = 20.0) -> dict[str, Any]:
    with (
        EmulatorProcess(latency_ms) as emulator,
        ProbedHost(ConnectorProvider(), emulator.url) as ours,
        ProbedHost(FloorProvider(), emulator.url) as floor,
    ):
        hosts = {"provider": ours, "floor": floor}
        for host in hosts.values():  # warm: every worker called once, connections open
            engine = AsEngine(host)
            engine.delete_all(engine.create_all(many_inputs(0, 2 * WORKERS))[1])
        return {"n": n, "latency_ms": latency_ms, "one_at_a_time": one_at_a_time(hosts, n),
                "as_engine": as_engine(hosts, n)}  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    from .report_profile import render

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=100)
    parser.add_argument("--latency-ms", type=float, default=20.0)
    args = parser.parse_args(argv)
    print("\n".join(render(measure(args.n, args.latency_ms))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
