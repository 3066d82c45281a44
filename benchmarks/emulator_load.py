"""The emulator as its own process: requests a second, and peak memory through a large import.

    python -m benchmarks.emulator_load [--seconds 10] [--intervals 5] [--clients 8]
                                       [--import-mb 300]

Its throughput bounds every ratio the benchmark reports: a provider cannot look slower than raw
HTTP by more than the share of time the emulator keeps both waiting. Prints its figures; `make
bench` runs it as one section. Set PYTHONPATH to measure another checkout.
"""

from __future__ import annotations

import argparse
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import requests

from .common import AUTH, PROJECT, rss_kib
from .emulator_process import EmulatorProcess
from .stats import Spread

EVENT = b'{"event": "e", "properties": {"time": 1, "distinct_id": "u"}}\n'


def throughput(url: str, seconds: float, clients: int) -> float:
    """Requests a second answered to `clients` threads listing connectors on kept connections."""
    done = [0] * clients
    stop = time.monotonic() + seconds

    def client(index: int) -> None:
        with requests.Session() as session:
            session.trust_env = False
            while time.monotonic() < stop:
                answer = session.get(
                    f"{url}/api/app/projects/{PROJECT}/connectors/", auth=AUTH, timeout=30
                )
                answer.raise_for_status()
                done[index] += 1

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(done) / seconds


def import_peak(url: str, pid: int, buckets: Path, megabytes: int) -> dict[str, float]:
    """Peak memory of the emulator before and after importing one plain NDJSON file."""
    folder = buckets / "s3" / "big" / "events"
    folder.mkdir(parents=True)
    block = EVENT * (1024 * 1024 // len(EVENT))
    with (folder / "big.json").open("wb") as handle:
        for _ in range(megabytes):
            handle.write(block)
    spec = {
        "connector_type": "s3Import",
        "connector_properties": {"s3_bucket": "big", "s3_prefix": "events/",
                                 "s3_region": "us-east-2",
                                 "s3_role": "arn:aws:iam::123456789012:role/r"},
        "category_properties": {"data_format": "mixpanel_event", "compression": "none"},
    }  # fmt: skip
    base = f"{url}/api/app/projects/{PROJECT}/connectors/"
    created = requests.post(base, json=spec, auth=AUTH, timeout=30).json()
    connector_id = (created.get("results") or created)["connector_id"]
    before = rss_kib(pid, "VmHWM") / 1024
    started = time.monotonic()
    history = requests.get(f"{base}{connector_id}/history", auth=AUTH, timeout=600)
    history.raise_for_status()
    seconds = time.monotonic() - started
    return {"peak_mb_before": before, "peak_mb_after": rss_kib(pid, "VmHWM") / 1024,
            "seconds": seconds}  # fmt: skip


def measure(seconds: float, intervals: int, clients: int, import_mb: int) -> dict[str, Any]:
    """`intervals` throughput readings of `seconds` each, then one import of `import_mb` MB."""
    with tempfile.TemporaryDirectory() as tmp, EmulatorProcess(buckets=Path(tmp)) as emulator:
        rates = [throughput(emulator.url, seconds, clients) for _ in range(intervals)]
        emulator.take_requests()
        url, pid = emulator.url, emulator.pid
        imported = import_peak(url, pid, Path(tmp), import_mb) if import_mb else None
    return {"clients": clients, "seconds": seconds, "requests_per_s": rates,
            "import_mb": import_mb, "import": imported}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--intervals", type=int, default=1)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--import-mb", type=int, default=300)
    args = parser.parse_args()
    result = measure(args.seconds, args.intervals, args.clients, args.import_mb)
    rates = Spread.of(result["requests_per_s"]).show(0)
    print(f"GET list, {args.clients} keep-alive clients: {rates} requests/s")
    imported = result["import"]
    if imported:
        print(
            f"import of {args.import_mb} MB in {imported['seconds']:.1f} s: peak RSS "
            f"{imported['peak_mb_before']:.0f} MB before, {imported['peak_mb_after']:.0f} MB after"
        )


if __name__ == "__main__":
    main()
