"""Provider overhead: the provider, the true floor and raw HTTP, in interleaved rounds.

Each round runs every phase (create, read, delete of n connectors) for all three, one after
another, in an order that cycles through all six permutations from round to round; so drift in
the machine's speed reaches all three alike, and each round yields its own ratios.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import permutations
from typing import Any, Protocol

from .as_engine import AsEngine
from .common import AUTH, PROJECT, WORKERS, many_inputs, provider_host, specs
from .emulator_process import EmulatorProcess
from .floor_provider import FloorProvider
from .raw_http import RawHTTP

DRIVERS = ("provider", "floor", "raw")
OPS = ("create", "read", "delete")
ORDERS = list(permutations(DRIVERS))


class Driver(Protocol):
    def create_all(self, specs: list[dict[str, Any]]) -> tuple[float, list[str]]: ...
    def read_all(self, ids: list[str]) -> float: ...
    def delete_all(self, ids: list[str]) -> float: ...


@dataclass
class Overhead:
    """Seconds per round, driver and phase; and API requests per operation, per round."""

    n: int
    latency_ms: float
    seconds: list[dict[str, dict[str, float]]] = field(default_factory=list)
    orders: list[list[str]] = field(default_factory=list)
    requests: dict[str, dict[str, list[float]]] = field(
        default_factory=lambda: {d: {op: [] for op in OPS} for d in DRIVERS}
    )

    def ratios(self, op: str, top: str = "provider", bottom: str = "floor") -> list[float]:
        """top / bottom for one phase, one value per round."""
        return [one[top][op] / one[bottom][op] for one in self.seconds]

    def per_op_ms(self, driver: str, op: str) -> list[float]:
        return [1000 * one[driver][op] / self.n for one in self.seconds]


def _round(
    drivers: dict[str, Driver], emulator: EmulatorProcess, result: Overhead, number: int
) -> None:
    order = ORDERS[number % len(ORDERS)]
    n = result.n
    ids: dict[str, list[str]] = {}
    seconds: dict[str, dict[str, float]] = {d: {} for d in DRIVERS}
    emulator.take_requests()
    for op in OPS:
        for name in order:
            driver = drivers[name]
            if op == "create":  # the same n resources every round, as in a repeated `up`
                batch = specs(0, n) if name == "raw" else many_inputs(0, n)
                seconds[name][op], ids[name] = driver.create_all(batch)
            elif op == "read":
                seconds[name][op] = driver.read_all(ids[name])
            else:
                seconds[name][op] = driver.delete_all(ids[name])
            result.requests[name][op].append(sum(emulator.take_requests().values()) / n)
    result.seconds.append(seconds)
    result.orders.append(list(order))


def measure(n: int, rounds: int, latency_ms: float = 20.0) -> Overhead:
    """`rounds` interleaved rounds of n creates, reads and deletes by each driver."""
    result = Overhead(n, latency_ms)
    with (
        EmulatorProcess(latency_ms) as emulator,
        provider_host(emulator.url) as host,
        provider_host(emulator.url, FloorProvider()) as bare,
    ):
        raw = RawHTTP(emulator.url, PROJECT, AUTH, WORKERS)
        try:
            raw.delete_all(raw.create_all(specs(0, 2 * WORKERS))[1])  # every thread connected
            drivers: dict[str, Driver] = {
                "provider": AsEngine(host),
                "floor": AsEngine(bare),
                "raw": raw,
            }
            for number in range(rounds):
                _round(drivers, emulator, result, number)
        finally:
            raw.close()
    return result
