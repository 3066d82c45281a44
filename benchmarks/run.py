"""`make bench`: run every measurement and write benchmarks/RESULTS.md and results.png.

`--quick` runs each measurement at a tiny size (the test suite's smoke test uses it).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
from dataclasses import asdict
from datetime import datetime, timezone
from importlib.metadata import version
from pathlib import Path
from typing import Any

from benchmarks import measure, report
from benchmarks.plot import draw

HERE = Path(__file__).resolve().parent


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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="tiny sizes, for a smoke test")
    parser.add_argument("--output", type=Path, default=HERE, help="where RESULTS.md goes")
    args = parser.parse_args(argv)
    quick = args.quick
    sizes = [3, 6] if quick else [10, 100, 1000]
    rounds = 1 if quick else 2
    results: dict[str, Any] = {
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine(),
    }
    steps = [
        (
            "overhead",
            lambda: measure.provider_overhead(4 if quick else 200, rounds=rounds, floor=True),
        ),
        ("by_size", lambda: {n: measure.provider_overhead(n, rounds=1) for n in sizes}),
        ("refresh", lambda: measure.refresh_requests(sizes)),
        ("state_size", measure.state_size),
        (
            "cold_start",
            lambda: measure.cold_start(1, sets=1) if quick else measure.cold_start(10, sets=3),
        ),
        (
            "scale",
            lambda: measure.scale([5, 10], batch=5) if quick else measure.scale([100, 500, 1000]),
        ),
        ("faults", lambda: measure.under_faults(4 if quick else 200)),
    ]
    for name, step in steps:
        print(f"measuring {name} ...", file=sys.stderr, flush=True)
        results[name] = step()
    args.output.mkdir(parents=True, exist_ok=True)
    draw(results["by_size"], results["refresh"], args.output / "results.png")
    (args.output / "RESULTS.md").write_text(report.render(results, quick))
    raw = {k: (asdict(v) if hasattr(v, "__dataclass_fields__") else v) for k, v in results.items()}
    raw["by_size"] = {n: asdict(o) for n, o in results["by_size"].items()}
    (args.output / "results.json").write_text(json.dumps(raw, indent=2, default=str) + "\n")
    print((args.output / "RESULTS.md").read_text())
    return 0


if __name__ == "__main__":
    sys.exit(main())
