"""The SDK's dynamic-provider host with timers around its phases, for `profile_host`.

    python -m benchmarks.host_probe

Starts `python -m pulumi.dynamic` as the engine does, after wrapping: the gRPC handlers
(Check, Create, Read, Delete), the SDK's property (de)serialization, the provider's own methods
and every HTTP exchange (`HTTPAdapter.send`: the request on the wire until the answer's headers
and body are in). Each records (phase, thread, start, end) on `time.perf_counter`, which on
Linux reads CLOCK_MONOTONIC, one clock for every process, so the caller can set its own
timestamps beside these. SIGUSR1 writes the records as JSON to $BENCH_PROBE_OUT and forgets them.
"""

from __future__ import annotations

import functools
import json
import os
import runpy
import signal
import threading
import time
from collections.abc import Awaitable, Callable
from typing import Any

Record = tuple[str, int, float, float]
RECORDS: list[Record] = []
PROVIDER_METHODS = ("check", "diff", "create", "read", "update", "delete")
HANDLERS = ("Check", "Diff", "Create", "Read", "Update", "Delete")

_depth = threading.local()


def timed(phase: str, work: Callable[..., Any]) -> Callable[..., Any]:
    """`work`, recording its outermost calls on each thread (recursive ones are inside them)."""

    @functools.wraps(work)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        depth = getattr(_depth, phase, 0)
        setattr(_depth, phase, depth + 1)
        started = time.perf_counter()
        try:
            return work(*args, **kwargs)
        finally:
            setattr(_depth, phase, depth)
            if depth == 0:
                RECORDS.append((phase, threading.get_ident(), started, time.perf_counter()))

    return wrapper


def timed_async(phase: str, work: Callable[..., Awaitable[Any]]) -> Callable[..., Any]:
    """A coroutine function, timed from its first step to its result."""

    @functools.wraps(work)
    async def wrapper(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return await work(*args, **kwargs)
        finally:
            RECORDS.append((phase, threading.get_ident(), started, time.perf_counter()))

    return wrapper


def _dump(*_: object) -> None:
    path = os.environ["BENCH_PROBE_OUT"]
    taken = RECORDS[:]
    del RECORDS[: len(taken)]
    with open(path + ".part", "w") as handle:
        json.dump(taken, handle)
    os.replace(path + ".part", path)


def install() -> None:
    """Wrap the phases; the host's own module reads each of these at call time."""
    import dill
    import requests.adapters
    from pulumi.runtime import rpc
    from pulumi.runtime.proto import provider_pb2_grpc

    rpc.deserialize_properties = timed("sdk.deserialize", rpc.deserialize_properties)
    rpc.serialize_properties = timed_async("sdk.serialize", rpc.serialize_properties)
    adapter = requests.adapters.HTTPAdapter
    adapter.send = timed("http", adapter.send)  # type: ignore[method-assign]

    loads = dill.loads

    def load_provider(*args: Any, **kwargs: Any) -> Any:
        provider = loads(*args, **kwargs)
        for name in PROVIDER_METHODS:
            if hasattr(provider, name):
                setattr(provider, name, timed(f"provider.{name}", getattr(provider, name)))
        return provider

    dill.loads = load_provider
    register = provider_pb2_grpc.add_ResourceProviderServicer_to_server

    def add_servicer(servicer: Any, server: Any) -> Any:
        for name in HANDLERS:
            setattr(servicer, name, timed(f"handler.{name}", getattr(servicer, name)))
        return register(servicer, server)

    provider_pb2_grpc.add_ResourceProviderServicer_to_server = add_servicer
    signal.signal(signal.SIGUSR1, _dump)


if __name__ == "__main__":
    install()
    runpy.run_module("pulumi.dynamic", run_name="__main__", alter_sys=True)
