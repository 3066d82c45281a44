"""Run every measurement; write RESULTS.md, results.png and results.json.

    python -m benchmarks.run [--quick] [--rounds N] [--output DIR]

`make bench` writes to benchmarks/out/ (ignored by git); `make bench-record` writes the
committed record in benchmarks/. `--quick` runs each measurement at a tiny size (the test
suite's smoke test uses it); `--rounds` sets the interleaved rounds of section 1 (cold start
runs twice as many), for a shorter look.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, is_dataclass
from datetime import datetime, timezone
from importlib.metadata import version
from pathlib import Path
from typing import Any

from . import cold_start, emulator_load, measure, overhead, profile_host, report, scale
from .plot import draw

HERE = Path(__file__).resolve().parent
FULL_ROUNDS = 80


def machine() -> str:
    memory = next(
        (
            line.split()[1]
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        ),
        "?",
    )
    versions = ", ".join(f"{p} {version(p)}" for p in ("pulumi", "pydantic", "requests", "grpcio"))
    return (
        f"{platform.platform()}, {os.cpu_count()} cores, {int(memory) // 1024} MiB; "
        f"Python {platform.python_version()}; {versions}"
    )


def steps(quick: bool, rounds: int) -> list[tuple[str, Callable[[], Any]]]:
    """Each section's measurement; the sizes of a full run are stated in benchmarks/README.md."""
    if quick:
        return [
            ("overhead", lambda: overhead.measure(4, rounds=2)),
            ("refresh", lambda: measure.refresh_requests([3, 6])),
            ("state_size", measure.state_size),
            ("cold_start", lambda: cold_start.measure(1)),
            ("scale", lambda: scale.measure([4, 8], batch=2, window=2)),
            ("faults", lambda: measure.under_faults(4)),
            ("emulator", lambda: emulator_load.measure(0.3, 2, clients=2, import_mb=1)),
            ("profile", lambda: profile_host.measure(2)),
        ]
    return [
        ("overhead", lambda: overhead.measure(200, rounds=rounds)),
        ("refresh", lambda: measure.refresh_requests([10, 100, 1000])),
        ("state_size", measure.state_size),
        ("cold_start", lambda: cold_start.measure(2 * rounds)),
        ("scale", lambda: scale.measure([100, 500, 1000, 3000], batch=20, window=20)),
        ("faults", lambda: measure.under_faults(200)),
        ("emulator", lambda: emulator_load.measure(3, 5, clients=8, import_mb=100)),
        ("profile", lambda: profile_host.measure(100)),
    ]


def plain(value: Any) -> Any:
    """For results.json: dataclasses as dicts."""
    if is_dataclass(value) and not isinstance(value, type):
        return asdict(value)
    return str(value)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="tiny sizes, for a smoke test")
    parser.add_argument("--rounds", type=int, default=FULL_ROUNDS, help="rounds of section 1")
    parser.add_argument("--output", type=Path, default=HERE / "out", help="where files go")
    args = parser.parse_args(argv)
    results: dict[str, Any] = {
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine(),
        "took": {},
    }
    for name, step in steps(args.quick, args.rounds):
        print(f"measuring {name} ...", file=sys.stderr, flush=True)
        started = time.monotonic()
        results[name] = step()
        results["took"][name] = time.monotonic() - started
    args.output.mkdir(parents=True, exist_ok=True)
    draw(results["overhead"], results["cold_start"], results["scale"], args.output / "results.png")
    (args.output / "RESULTS.md").write_text(report.render(results, args.quick))
    (args.output / "results.json").write_text(json.dumps(results, indent=1, default=plain) + "\n")
    print((args.output / "RESULTS.md").read_text())
    return 0


if __name__ == "__main__":
    sys.exit(main())
