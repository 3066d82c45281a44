"""The picture: time per operation and API requests against N, provider next to raw HTTP."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt


def draw(by_size: dict[int, Any], refresh: dict[int, dict[str, float]], path: Path) -> None:
    sizes = sorted(by_size)
    figure, (times, calls) = plt.subplots(1, 2, figsize=(11, 4.2))
    for op, color in (("create", "tab:blue"), ("read", "tab:green"), ("delete", "tab:purple")):
        for who, style, label in (("provider", "-o", "provider"), ("raw", "--s", "raw HTTP")):
            per_op = [getattr(by_size[n], who)[op].per_op_ms for n in sizes]
            times.plot(sizes, per_op, style, color=color, label=f"{label} {op}",
                       alpha=1.0 if who == "provider" else 0.6)  # fmt: skip
    times.set_xscale("log")
    times.set_xlabel("connectors (N)")
    times.set_ylabel("wall time / N, ms (4 host workers; raw: 4 threads)")
    times.set_title("Time per operation (emulator latency 20 ms)")
    times.legend(fontsize=7, ncol=3, loc="lower center")
    times.set_ylim(bottom=0)

    refreshed = sorted(refresh)
    series = [
        (sizes, [by_size[n].raw["create"].requests for n in sizes], "--s", 9, "raw HTTP: create N"),
        (
            sizes,
            [by_size[n].provider["create"].requests for n in sizes],
            "-o",
            6,
            "provider: create N",
        ),
        (
            refreshed,
            [refresh[n]["refresh_requests"] for n in refreshed],
            ":^",
            4,
            "provider: refresh N",
        ),
        (
            refreshed,
            [refresh[n]["preview_requests"] for n in refreshed],
            "-v",
            6,
            "provider: preview N",
        ),
    ]
    for xs, ys, style, size, label in series:
        calls.plot(xs, ys, style, markersize=size, label=label)
    calls.set_xscale("log")
    calls.set_yscale("symlog", linthresh=1)
    calls.set_ylim(bottom=0)
    calls.set_xlabel("connectors (N)")
    calls.set_ylabel("HTTP requests to the API")
    calls.set_title("API requests (create and refresh: one per connector)")
    calls.legend(fontsize=7)
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)
