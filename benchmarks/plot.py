"""The picture: per-round ratios against their targets, and time and memory against N."""

from __future__ import annotations

import statistics
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib.axes import Axes

from .overhead import OPS, Overhead
from .report import COLD_START_TARGET, OVERHEAD_TARGET


def _rounds(axes: Axes, overhead: Overhead, cold_ratios: list[float]) -> None:
    groups = [(f"{op}\nprovider / floor", overhead.ratios(op), OVERHEAD_TARGET) for op in OPS]
    groups.append(("cold start\nours / do-nothing", cold_ratios, COLD_START_TARGET))
    for x, (_, values, target) in enumerate(groups):
        spread = [x + 0.25 * (i / max(1, len(values) - 1) - 0.5) for i in range(len(values))]
        axes.plot(spread, values, "o", color="tab:blue", alpha=0.5, markersize=4)
        axes.plot([x - 0.2, x + 0.2], [statistics.median(values)] * 2, "-", color="black", lw=2)
        axes.plot([x - 0.3, x + 0.3], [target] * 2, "--", color="tab:red", lw=1)
    axes.set_xticks(range(len(groups)), [label for label, _, _ in groups], fontsize=8)
    axes.set_ylabel("ratio, one point per round")
    axes.set_title("Per-round ratios (black: median; red dashes: target)", fontsize=10)


def _against_n(axes: Axes, points: dict[int, Any], key: str, names: tuple[str, ...]) -> None:
    marks = sorted(points)
    for name in names:
        values = [points[n][name][key] for n in marks]
        if key == "rss_kib":
            values = [[k / 1024 for k in v] for v in values]
        medians = [statistics.median(v) for v in values]
        below = [m - min(v) for m, v in zip(medians, values, strict=True)]
        above = [max(v) - m for m, v in zip(medians, values, strict=True)]
        axes.errorbar(marks, medians, yerr=[below, above], fmt="-o", capsize=3, label=name)
    axes.set_xscale("log")
    axes.set_xlabel("connectors through the host so far")
    axes.legend(fontsize=8)


def draw(overhead: Overhead, cold: dict[str, Any], scale: dict[str, Any], path: Path) -> None:
    figure, (rounds, times, memory) = plt.subplots(1, 3, figsize=(15, 4.4))
    _rounds(rounds, overhead, cold["ratios"])
    _against_n(times, scale["points"], "ms", ("provider", "floor", "raw"))
    times.set_ylabel("ms per create + delete (median, min-max)")
    times.set_title("Scale: time per operation, no latency", fontsize=10)
    times.set_ylim(bottom=0)
    _against_n(memory, scale["points"], "rss_kib", ("provider", "floor"))
    memory.set_ylabel("host RSS, MiB (median, min-max)")
    memory.set_title("Scale: host memory", fontsize=10)
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)
