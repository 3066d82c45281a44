"""The emulator as its own process: requests a second, and peak memory through a large import.

    python -m benchmarks.emulator_load [--seconds 10] [--clients 8] [--import-mb 300]

Prints one line per figure; writes no result file. Set PYTHONPATH to measure another checkout.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

ACCOUNT, SECRET, PROJECT = "bench", "bench-secret", 42
EVENT = b'{"event": "e", "properties": {"time": 1, "distinct_id": "u"}}\n'


def start(buckets: Path) -> tuple[subprocess.Popen[str], str]:
    command = [sys.executable, "-m", "mixpanel_connectors.cli", "emulator", "--port", "0",
               "--service-account", f"{ACCOUNT}:{SECRET}", "--project", str(PROJECT),
               "--run-delay-ms", "0", "--buckets", str(buckets)]  # fmt: skip
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    url = process.stdout.readline().strip()
    threading.Thread(target=process.stdout.read, daemon=True).start()  # drain the request log
    return process, url


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def throughput(url: str, seconds: float, clients: int) -> float:
    done = [0] * clients
    stop = time.monotonic() + seconds

    def client(index: int) -> None:
        with requests.Session() as session:
            while time.monotonic() < stop:
                answer = session.get(
                    f"{url}/api/app/projects/{PROJECT}/connectors/",
                    auth=(ACCOUNT, SECRET),
                    timeout=30,
                )
                answer.raise_for_status()
                done[index] += 1

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(done) / seconds


def import_peak(url: str, pid: int, buckets: Path, megabytes: int) -> tuple[float, float, str]:
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
    created = requests.post(base, json=spec, auth=(ACCOUNT, SECRET), timeout=30).json()
    connector_id = (created.get("results") or created)["connector_id"]
    before = peak_rss_mb(pid)
    started = time.monotonic()
    history = requests.get(f"{base}{connector_id}/history", auth=(ACCOUNT, SECRET), timeout=600)
    seconds = time.monotonic() - started
    return before, peak_rss_mb(pid), f"{seconds:.1f}s: {json.dumps(history.json())[:160]}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--import-mb", type=int, default=300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        process, url = start(Path(tmp))
        try:
            rate = throughput(url, args.seconds, args.clients)
            print(f"GET list, {args.clients} keep-alive clients: {rate:.0f} requests/s")
            if args.import_mb:
                before, after, what = import_peak(url, process.pid, Path(tmp), args.import_mb)
                print(
                    f"import of {args.import_mb} MB: peak RSS {before:.0f} MB before, "
                    f"{after:.0f} MB after ({what})"
                )
        finally:
            process.terminate()
            process.wait(10)


if __name__ == "__main__":
    main()
