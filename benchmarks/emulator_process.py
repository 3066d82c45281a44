"""The emulator in a process of its own, as the real API would be: it takes no CPU time or GIL
from the process that measures.

Run as a module it serves until killed and prints its URL first, without a request log; the
parent reads counts and sets faults through the emulator's `/_emulator/` controls.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import requests

from mixpanel_connectors.emulator import Emulator

ROOT = Path(__file__).resolve().parent.parent


class EmulatorProcess:
    """Start `python -m benchmarks.emulator_process`; stop it on exit."""

    def __init__(self, latency_ms: float = 0.0, *, buckets: Path | None = None) -> None:
        command = [sys.executable, "-m", "benchmarks.emulator_process",
                   "--latency-ms", str(latency_ms)]  # fmt: skip
        if buckets is not None:
            command += ["--buckets", str(buckets)]
        self._process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, cwd=ROOT)
        assert self._process.stdout is not None
        self.url = self._process.stdout.readline().strip()
        if not self.url.startswith("http"):
            self.close()
            raise RuntimeError(f"the emulator did not start (printed {self.url!r})")
        self._control = requests.Session()
        self._control.trust_env = False

    @property
    def pid(self) -> int:
        return self._process.pid

    def _call(self, method: str, name: str, body: dict[str, Any] | None = None) -> Any:
        url = f"{self.url}/_emulator/{name}"
        answer = self._control.request(method, url, json=body, timeout=30)
        answer.raise_for_status()
        return answer.json()

    def take_requests(self) -> Counter[str]:
        """API requests by method since the last call, then forget them (call between phases:
        a request answered between the two control calls would be lost)."""
        log = self._call("GET", "requests")["requests"]
        self._call("DELETE", "requests")
        return Counter(entry["method"] for entry in log)

    def set_faults(self, plan: dict[str, Any]) -> None:
        self._call("POST", "faults", plan)

    def close(self) -> None:
        if hasattr(self, "_control"):
            self._control.close()
        self._process.terminate()
        self._process.wait(10)
        if self._process.stdout is not None:
            self._process.stdout.close()

    def __enter__(self) -> EmulatorProcess:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--latency-ms", type=float, default=0.0)
    parser.add_argument("--buckets", type=Path)
    args = parser.parse_args()
    emulator = Emulator(
        port=0,
        page_size=1000,
        run_delay_ms=0,
        buckets=args.buckets,
        faults={"latency_ms": args.latency_ms},
    )
    print(emulator.url, flush=True)
    emulator.serve_forever()


if __name__ == "__main__":
    main()
