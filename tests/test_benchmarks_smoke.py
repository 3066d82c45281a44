"""The benchmark suite at tiny sizes, so it cannot rot; the real run is `make bench`.

It holds no timing target: at these sizes no verdict can resolve, and the test checks only
that every section is there and every verdict is one the rules can give.
"""

from __future__ import annotations

import json
from pathlib import Path

from benchmarks import run, scale, stats

SECTIONS = (
    "## Verdicts",
    "## 1. Provider overhead",
    "## 2. HTTP requests",
    "## 3. Serialized provider",
    "## 4. Cold start",
    "## 5. Scale",
    "## 6. Under faults",
    "## 7. The emulator under load",
    "## 8. Where the time goes",
    "## Run time",
)


def test_benchmarks_run_end_to_end_at_tiny_sizes(tmp_path: Path) -> None:
    assert run.main(["--quick", "--output", str(tmp_path)]) == 0
    results = (tmp_path / "RESULTS.md").read_text()
    assert "Quick smoke run" in results
    for section in SECTIONS:
        assert section in results
    table = results.split("## Verdicts")[1].split("## 1.")[0]
    rows = [line for line in table.splitlines() if line.startswith("| ")][2:]
    verdicts = [line.rstrip(" |").rsplit("| ", 1)[1].strip("*") for line in rows]
    assert len(verdicts) == 6
    assert set(verdicts) <= set(stats.VERDICTS)
    assert "| create | 1 | 1: met |" in results
    for ratio in ("provider / true floor", "provider / fair raw", "true floor / fair raw"):
        assert ratio in results
    assert "beyond HTTP" in results
    assert "requests a second" in results
    assert set(json.loads((tmp_path / "results.json").read_text())) >= {
        "overhead", "cold_start", "scale", "emulator", "profile", "took",
    }  # fmt: skip
    assert (tmp_path / "results.png").stat().st_size > 10_000


def test_a_verdict_needs_the_spread_to_allow_it() -> None:
    assert stats.at_most([1.0, 1.01, 1.0, 0.99, 1.0, 1.01], 1.02) == stats.MET
    assert stats.at_most([1.05, 1.06, 1.04, 1.05, 1.07, 1.05], 1.02) == stats.MISSED
    assert stats.at_most([0.95, 1.09, 1.0, 1.04, 0.97, 1.06], 1.02) == stats.UNRESOLVED
    assert stats.at_most([1.0, 1.0, 1.0], 1.02) == stats.UNRESOLVED  # too few rounds
    assert stats.median_interval(list(range(15))) == (3, 11)  # the 4th from each end
    steady = [[1.0, 1.02, 0.98, 1.01, 0.99, 1.0]] * 3
    assert stats.flat(steady, 1.1) == stats.FLAT
    assert stats.flat([steady[0], [2.0, 2.1, 1.9, 2.0, 2.05, 1.95]], 1.1) == stats.GROWS


def test_scale_time_is_gauged_by_the_floor_host_not_by_raw_http() -> None:
    """Raw HTTP's short batches are too noisy to tell whether the machine changed speed."""
    steady = [1.0, 1.02, 0.98, 1.01, 0.99, 1.0]

    def point(floor: float, raw: float) -> dict[str, dict[str, list[float]]]:
        rss = [60_000.0] * 6
        return {
            "provider": {"ms": steady, "rss_kib": rss},
            "floor": {"ms": [floor * v for v in steady], "rss_kib": rss},
            "raw": {"ms": [raw * v for v in steady]},
        }

    noisy_raw = {100: point(1.0, 1.6), 500: point(1.0, 1.3), 1000: point(1.0, 1.9)}
    assert scale.verdicts(noisy_raw)["time"] == stats.FLAT
    slower_machine = {100: point(1.0, 1.6), 500: point(1.2, 1.6), 1000: point(1.0, 1.6)}
    assert scale.verdicts(slower_machine)["time"] == stats.UNRESOLVED


def test_scale_memory_is_judged_on_the_windows_medians_not_one_reading() -> None:
    def point(rss: list[float]) -> dict[str, dict[str, list[float]]]:
        ms = [1.0] * 6
        return {"provider": {"ms": ms, "rss_kib": rss}, "floor": {"ms": ms}, "raw": {"ms": ms}}

    window = [60_000.0 + 10 * i for i in range(20)]  # 20 readings, as a full run takes
    spike = [*window[:-1], 63_000.0]  # one reading 3 MiB off
    flat = {100: point(window), 500: point(window), 3000: point([v + 500 for v in spike])}
    assert scale.verdicts(flat)["memory"] == stats.FLAT
    grown = {100: point(window), 500: point(window), 3000: point([v + 5000 for v in window])}
    assert scale.verdicts(grown)["memory"] == stats.GROWS
