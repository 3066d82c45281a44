"""Cold start: seconds from starting the host to its first Check answered, which every
`pulumi preview` pays, next to a dynamic provider that does nothing.

Starts alternate, the order flipping every round, and each round gives one ratio.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import grpc
from pulumi.dynamic import ResourceProvider
from pulumi.dynamic.dynamic import serialize_provider
from pulumi.runtime.proto import provider_pb2, provider_pb2_grpc

from mixpanel_connectors import ConnectorProvider
from mixpanel_connectors.testing import to_struct

from .as_engine import PROVIDER_KEY
from .common import ROOT, config, spec
from .trivial_provider import TrivialProvider

NAMES = ("trivial", "mixpanel_connectors")


def start_once(provider_blob: str, config_struct: Any) -> float:
    """One host started, configured and asked one Check; the seconds until it answered."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PULUMI_PROJECT": "bench"}
    news = to_struct({**spec(0), PROVIDER_KEY: provider_blob})
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-u", "-m", "pulumi.dynamic"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env, cwd=ROOT,
    )  # fmt: skip
    assert process.stdout is not None
    try:
        port = int(process.stdout.readline())
        with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
            stub = provider_pb2_grpc.ResourceProviderStub(channel)
            stub.Configure(provider_pb2.ConfigureRequest(args=config_struct))
            checked = stub.Check(provider_pb2.CheckRequest(urn="urn:pulumi:b::b::t::c", news=news))
        seconds = time.perf_counter() - started
        if checked.failures:
            raise AssertionError(f"the first Check failed: {checked.failures}")
        return seconds
    finally:
        process.kill()
        process.wait()
        process.stdout.close()


def measure(rounds: int) -> dict[str, Any]:
    """`rounds` pairs of starts; per round, ours over the trivial provider's."""
    providers: dict[str, ResourceProvider] = {
        "trivial": TrivialProvider(),
        "mixpanel_connectors": ConnectorProvider(),
    }
    blobs = {name: serialize_provider(provider) for name, provider in providers.items()}
    # Full credentials, so that the first Check validates everything and passes; it sends nothing.
    config_struct = to_struct(config("http://127.0.0.1:9"))
    seconds: dict[str, list[float]] = {name: [] for name in NAMES}
    for number in range(rounds):
        for name in NAMES if number % 2 == 0 else reversed(NAMES):
            seconds[name].append(start_once(blobs[name], config_struct))
    pairs = zip(seconds["mixpanel_connectors"], seconds["trivial"], strict=True)
    ratios = [ours / trivial for ours, trivial in pairs]
    return {"rounds": rounds, "seconds": seconds, "ratios": ratios,
            "without_bytecode": without_bytecode()}  # fmt: skip


def without_bytecode() -> list[str]:
    """Which of the host's heavy imports would be compiled from source at every start."""
    heavy = ("pulumi", "grpc", "pydantic.main", ConnectorProvider.__module__)
    return [name for name in heavy if not _fresh_bytecode(name)]


def _fresh_bytecode(module: str) -> bool:
    found = importlib.util.find_spec(module)
    if found is None or found.origin is None:
        return False
    cached = Path(importlib.util.cache_from_source(found.origin))
    return cached.exists() and cached.stat().st_mtime >= Path(found.origin).stat().st_mtime
