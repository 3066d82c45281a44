"""Scale: time per operation and the host's memory as connectors go through one host.

Connectors go through in batches, each created and then deleted, with no API latency, so the
host's own work is what is timed, and each with its own resource name, as in one stack of that
many. At each checkpoint (connectors through the host so far) a window of rounds measures one
batch each through the provider's host, through the floor provider's host (aged the same way:
what the SDK's host does at this scale, and the gauge of the machine's speed) and by raw HTTP,
in an order that changes every round; the hosts' memory is read after every batch.
"""

from __future__ import annotations

import statistics
from itertools import permutations
from typing import Any

from . import stats
from .as_engine import AsEngine
from .common import AUTH, PROJECT, WORKERS, many_inputs, provider_host, rss_kib, specs
from .emulator_process import EmulatorProcess
from .floor_provider import FloorProvider
from .raw_http import RawHTTP

DRIVERS = ("provider", "floor", "raw")
HOSTS = ("provider", "floor")
ORDERS = list(permutations(DRIVERS))
TIME_TOLERANCE = 1.10
"""Flat: time per operation at every checkpoint within 10% of the first."""
MEMORY_TOLERANCE_KIB = 1.0
"""Flat: the host's memory grows by at most 1 KiB per connector after the second checkpoint."""
PASS_BATCH = 100


def _lifecycle(driver: AsEngine | RawHTTP, batch: list[dict[str, Any]]) -> float:
    seconds, ids = driver.create_all(batch)
    return seconds + driver.delete_all(ids)


def measure(checkpoints: list[int], batch: int = 20, window: int = 20) -> dict[str, Any]:
    """At each checkpoint, `window` rounds of one batch by each driver."""
    done = 0
    points: dict[int, dict[str, dict[str, list[float]]]] = {}
    with (
        EmulatorProcess() as emulator,
        provider_host(emulator.url) as host,
        provider_host(emulator.url, FloorProvider()) as bare,
    ):
        engines = {"provider": AsEngine(host), "floor": AsEngine(bare)}
        pids = {"provider": host.pid, "floor": bare.pid}
        raw = RawHTTP(emulator.url, PROJECT, AUTH, WORKERS)
        try:
            raw.delete_all(raw.create_all(specs(0, 2 * WORKERS))[1])
            for checkpoint in checkpoints:
                while done < checkpoint:  # connectors through, unmeasured, up to the checkpoint
                    step = min(PASS_BATCH, checkpoint - done)
                    for engine in engines.values():
                        _lifecycle(engine, many_inputs(done, step))
                    done += step
                emulator.take_requests()  # keeps the emulator's request log small
                at = points[checkpoint] = {
                    name: {"ms": [], "rss_kib": []} for name in DRIVERS
                }  # fmt: skip
                for number in range(window):
                    for name in ORDERS[number % len(ORDERS)]:
                        if name == "raw":
                            seconds = _lifecycle(raw, specs(done, batch))
                        else:
                            seconds = _lifecycle(engines[name], many_inputs(done, batch))
                            at[name]["rss_kib"].append(rss_kib(pids[name]))
                        at[name]["ms"].append(1000 * seconds / batch)
                    done += batch
        finally:
            raw.close()
    return {"points": points, "batch": batch, "window": window, "verdicts": verdicts(points)}


def verdicts(points: dict[int, dict[str, dict[str, list[float]]]]) -> dict[str, str]:
    """Time: `stats.flat` on the provider's ms per operation, unless the floor host's own
    median moved by more than the tolerance (then the machine changed speed: not resolved).
    The floor makes the same calls through the same kind of host; raw HTTP's batches (about
    30 ms of requests without latency) varied too much between rounds to gauge the machine.
    Memory: the provider host's growth per connector from the second checkpoint to the last,
    at its most and at its least from the 95% intervals of the two windows' medians (as every
    other verdict): flat when even the most is within tolerance, grows when even the least
    exceeds it."""
    marks = sorted(points)
    ms = [points[n]["provider"]["ms"] for n in marks]
    gauge = [statistics.median(points[n]["floor"]["ms"]) for n in marks]
    steady = all(1 / TIME_TOLERANCE <= g / gauge[0] <= TIME_TOLERANCE for g in gauge)
    time_verdict = stats.flat(ms, TIME_TOLERANCE) if steady else stats.UNRESOLVED
    base = marks[1] if len(marks) > 2 else marks[0]
    start = stats.median_interval(points[base]["provider"]["rss_kib"])
    end = stats.median_interval(points[marks[-1]]["provider"]["rss_kib"])
    span = marks[-1] - base
    if span == 0 or start is None or end is None:
        return {"time": time_verdict, "memory": stats.UNRESOLVED}
    most = (end[1] - start[0]) / span
    least = (end[0] - start[1]) / span
    if most <= MEMORY_TOLERANCE_KIB:
        memory = stats.FLAT
    elif least > MEMORY_TOLERANCE_KIB:
        memory = stats.GROWS
    else:
        memory = stats.UNRESOLVED
    return {"time": time_verdict, "memory": memory}


def time_ratios(points: dict[int, dict[str, dict[str, list[float]]]]) -> dict[int, float]:
    """The provider's median ms per operation at each checkpoint over that at the first."""
    marks = sorted(points)
    first = statistics.median(points[marks[0]]["provider"]["ms"])
    return {n: statistics.median(points[n]["provider"]["ms"]) / first for n in marks}


def growth_kib(points: dict[int, dict[str, dict[str, list[float]]]], host: str) -> float:
    """A host's memory growth per connector, median to median, second checkpoint to last."""
    marks = sorted(points)
    base = marks[1] if len(marks) > 2 else marks[0]
    if base == marks[-1]:
        return 0.0
    start = statistics.median(points[base][host]["rss_kib"])
    end = statistics.median(points[marks[-1]][host]["rss_kib"])
    return (end - start) / (marks[-1] - base)
