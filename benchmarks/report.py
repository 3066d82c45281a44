"""RESULTS.md from the measurements: each figure with its spread, target and verdict."""

from __future__ import annotations

import statistics
from typing import Any

from . import report_profile, scale, stats
from .common import WORKERS
from .overhead import Overhead
from .stats import Spread
from .table import header, row

OPS = {
    "create": ("Check + Create", "POST"),
    "read": ("Read", "GET"),
    "delete": ("Delete", "DELETE"),
}
OVERHEAD_TARGET = 1.02
COLD_START_TARGET = 1.1


def judged(verdict: str) -> str:
    return verdict if verdict in (stats.MET, stats.FLAT) else f"**{verdict}**"


def exact(ok: bool) -> str:
    """For counts and sizes, which have no noise."""
    return stats.MET if ok else f"**{stats.MISSED}**"


def summary(r: dict[str, Any]) -> list[str]:
    o: Overhead = r["overhead"]
    cold, sc = r["cold_start"], r["scale"]
    lines = [
        "## Verdicts",
        "",
        *header("target", "median (min-max; 95% CI of the median)", "verdict"),
    ]
    for op in OPS:
        ratios = o.ratios(op)
        verdict = judged(stats.at_most(ratios, OVERHEAD_TARGET))
        target = f"{op}: provider / true floor <= {OVERHEAD_TARGET}"
        lines.append(row(target, Spread.of(ratios).show(), verdict))
    lines += [
        row(f"cold start: provider / do-nothing provider <= {COLD_START_TARGET}",
            Spread.of(cold["ratios"]).show(2),
            judged(stats.at_most(cold["ratios"], COLD_START_TARGET))),
        row(f"scale: time per operation flat (within {scale.TIME_TOLERANCE:g}x of the first "
            "checkpoint)", f"at most {max(scale.time_ratios(sc['points']).values()):.2f}x",
            judged(sc["verdicts"]["time"])),
        row(f"scale: host memory flat (at most {scale.MEMORY_TOLERANCE_KIB:g} KiB per connector)",
            f"{scale.growth_kib(sc['points'], 'provider'):.2f} KiB per connector",
            judged(sc["verdicts"]["memory"])),
    ]  # fmt: skip
    return [
        *lines,
        "",
        f"A ratio is measured once per round. *{stats.MET}*: the median's 95% confidence interval",
        f"(from the rounds' order statistics) lies at or under the target; *{stats.MISSED}*: it",
        f"lies wholly above (so do the median and most rounds); else *{stats.UNRESOLVED}*.",
        "Fewer than 6 rounds never resolve. benchmarks/README.md states every rule.",
    ]


def overhead(o: Overhead) -> list[str]:
    rounds = len(o.seconds)
    lines = [
        f"## 1. Provider overhead (N = {o.n} per phase, emulator latency {o.latency_ms:g} ms, "
        f"{rounds} interleaved rounds)",
        "",
        *header("operation", "engine calls", "raw", "ms per op: provider", "true floor",
                "fair raw", f"provider / true floor (target <= {OVERHEAD_TARGET})",
                "provider / fair raw", "true floor / fair raw"),
    ]  # fmt: skip
    for op, (calls, raw_call) in OPS.items():
        ms = [statistics.median(o.per_op_ms(d, op)) for d in ("provider", "floor", "raw")]
        own = o.ratios(op)
        lines.append(row(
            op, calls, raw_call, *[f"{v:.2f}" for v in ms],
            f"{Spread.of(own).show()}: {judged(stats.at_most(own, OVERHEAD_TARGET))}",
            Spread.of(o.ratios(op, "provider", "raw")).show(),
            Spread.of(o.ratios(op, "floor", "raw")).show(),
        ))  # fmt: skip
    return [
        *lines,
        "",
        "Ratios: median of the per-round ratios (min-max over rounds; 95% CI of the median).",
        "Each round runs every phase for all three, one after another, in an order that cycles",
        "through all six permutations; the emulator runs in its own process, as a remote API",
        "would, so it takes no CPU time or GIL from the process that drives raw HTTP.",
        f"*fair raw*: the same HTTP calls with `requests` on {WORKERS} threads (the host's number",
        "of workers), one session per thread kept for the whole run, the environment's proxy and",
        "CA settings read once, every answer decoded. *provider* and *true floor*: calls",
        "scheduled as the engine schedules them with its default, unbounded `--parallel`:",
        "Checks one at a time, Creates, Reads and Deletes all at once, queued by the host for",
        "its 4 workers; requests are built before the clock starts. The *true floor* is a",
        "dynamic provider that makes the same HTTP calls as fair raw and nothing else: *true",
        "floor / fair raw* is the cost of Pulumi's dynamic-provider host, which every dynamic",
        "provider pays; *provider / true floor* is what this package adds.",
    ]


def requests_per_op(o: Overhead, refresh: dict[int, dict[str, float]]) -> list[str]:
    lines = ["## 2. HTTP requests per operation (from the emulator's request log)", ""]
    lines += header("operation", "requests per connector, every round and driver", "target")
    for op in OPS:
        seen = sorted({v for d in ("provider", "floor", "raw") for v in o.requests[d][op]})
        shown = ", ".join(f"{v:g}" for v in seen)
        lines.append(row(op, shown, f"1: {exact(seen == [1.0])}"))
    previews = max(v["preview_requests"] for v in refresh.values())
    lines.append(row("preview (Check + Diff) of N existing", f"{previews:g} in total",
                     f"0: {exact(previews == 0)}"))  # fmt: skip
    lines += ["", *header("N refreshed", "API requests", "per connector", "ms per refresh")]
    for n, v in sorted(refresh.items()):
        per = v["refresh_requests"] / n
        lines.append(
            row(n, f"{v['refresh_requests']:g}", f"{per:g}", f"{v['refresh_ms_per_op']:.2f}")
        )
    linear = all(v["refresh_requests"] <= n for n, v in refresh.items())
    return [
        *lines,
        "",
        f"Refresh makes one GET per connector (target: at most N): {exact(linear)}.",
    ]


def state_size(size: dict[str, Any]) -> list[str]:
    main = size["main_style"]
    return [
        "## 3. Serialized provider in state (stored with every resource)",
        "",
        *header("provider", "base64 characters", "credential in state"),
        row("`mixpanel_connectors.ConnectorProvider`", size["mixpanel_connectors"], "no"),
        row(
            "a class in `__main__` holding its credentials, as published examples do",
            main["chars"],
            "yes" if main["secret_in_state"] else "no",
        ),
        "",
        f"Target <= 100 characters: {exact(size['mixpanel_connectors'] <= 100)}.",
    ]


def cold_start(cold: dict[str, Any]) -> list[str]:
    missing = cold["without_bytecode"]
    bytecode = (
        "Every module imported read its compiled bytecode, as after `pip install` (or `uv pip "
        "install --compile-bytecode`, which `make` uses)."
        if not missing
        else f"**Compiled from source on every start** (no bytecode for {', '.join(missing)}): "
        "install with `make` or compile with `python -m compileall`."
    )
    seconds = cold["seconds"]
    ratios = cold["ratios"]
    return [
        f"## 4. Cold start (host start to first Check answered; {cold['rounds']} interleaved "
        "rounds)",
        "",
        *header("host", "seconds: median (min-max)"),
        row("do-nothing dynamic provider", Spread.of(seconds["trivial"]).show()),
        row("mixpanel_connectors", Spread.of(seconds["mixpanel_connectors"]).show()),
        "",
        f"Per-round ratio, ours / do-nothing: {Spread.of(ratios).show(2)} (target <= "
        f"{COLD_START_TARGET}): {judged(stats.at_most(ratios, COLD_START_TARGET))}. Each round",
        "starts both, the order flipping every round; the first Check validates a full s3Import",
        "connector and sends nothing.",
        bytecode,
    ]


def scale_section(sc: dict[str, Any]) -> list[str]:
    points = sc["points"]
    lines = [
        f"## 5. Scale (connectors through one host, each created and deleted, no latency; at each "
        f"checkpoint {sc['window']} rounds of a batch of {sc['batch']} by each driver)",
        "",
        *header("connectors so far", "provider: ms per create + delete", "its median / the "
                "first's", "true floor", "fair raw", "provider host RSS MiB", "floor host RSS MiB"),
    ]  # fmt: skip
    growth = scale.time_ratios(points)
    for n in sorted(points):
        at = points[n]
        lines.append(row(
            n, Spread.of(at["provider"]["ms"]).show(2), f"{growth[n]:.2f}",
            *[Spread.of(at[d]["ms"]).show(2) for d in ("floor", "raw")],
            *[Spread.of([k / 1024 for k in at[h]["rss_kib"]]).show(1) for h in scale.HOSTS],
        ))  # fmt: skip
    verdicts = sc["verdicts"]
    marks = sorted(points)
    base = marks[1] if len(marks) > 2 else marks[0]
    return [
        *lines,
        "",
        "Cells: median (min-max; 95% CI of the median) over the checkpoint's rounds. Each",
        "connector has its own resource name, as in one stack of that many.",
        f"Time per operation: {judged(verdicts['time'])}. *flat*: at every checkpoint, a 95%",
        "bootstrap interval of (provider's median there / its median at the first checkpoint)",
        f"lies at or under {scale.TIME_TOLERANCE:g}; *grows*: one lies wholly above; void when",
        "the true floor's median moved by more than that factor (the machine changed speed).",
        f"Memory: the provider host grew {scale.growth_kib(points, 'provider'):.2f} KiB per "
        f"connector from {base} to {marks[-1]} (the floor's host "
        f"{scale.growth_kib(points, 'floor'):.2f}): {judged(verdicts['memory'])}. *flat*: even",
        "the largest growth the 95% intervals of the two checkpoints' medians allow is at most "
        f"{scale.MEMORY_TOLERANCE_KIB:g} KiB per connector; *grows*: even the smallest exceeds",
        "it. Until the first few hundred the allocator is still filling its arenas.",
    ]


def faults(f: dict[str, Any]) -> list[str]:
    lines = [
        "## 6. Under faults (30% of requests fail: 429 with Retry-After 1 s, 500/503 before or "
        "after the work, dropped connections)",
        "",
        *header("run", "seconds", "API requests per created connector", "faults injected",
                "connectors live", "state matches live"),
    ]  # fmt: skip
    for label in ("fault_free", "faults"):
        v = f[label]
        lines.append(row(label.replace("_", "-"), f"{v['seconds']:.2f}",
                         f"{v['requests_per_connector']:.2f}", v["faults_injected"],
                         v["connectors_live"], v["state_matches_live"]))  # fmt: skip
    return [*lines, "", f"Time under faults / fault-free: {f['time_ratio']:.2f} (backoff and "
            "Retry-After waits)."]  # fmt: skip


def emulator(load: dict[str, Any], o: Overhead) -> list[str]:
    rates = Spread.of(load["requests_per_s"])
    fastest = max(o.n / one[d][op] for one in o.seconds for d in one for op in one[d])
    lines = [
        "## 7. The emulator under load (its own process, no latency)",
        "",
        f"{load['clients']} keep-alive clients listing connectors, {len(load['requests_per_s'])} "
        f"intervals of {load['seconds']:g} s: {rates.show(0)} requests a second. The fastest",
        f"phase of section 1 asked for {fastest:.0f} a second ({100 * fastest / rates.median:.0f}%"
        " of that), each request held 20 ms by the latency, so the emulator's own work is a small",
        "part of every phase; on these 2 cores it shares the CPU with the host and the driver.",
    ]
    imported = load["import"]
    if imported:
        lines += [
            "",
            f"Import of one {load['import_mb']} MB NDJSON file: {imported['seconds']:.1f} s; the "
            f"emulator's peak memory {imported['peak_mb_before']:.0f} MB before and "
            f"{imported['peak_mb_after']:.0f} MB after.",
        ]
    return lines


def durations(took: dict[str, float]) -> list[str]:
    total = sum(took.values())
    return [
        f"## Run time ({total / 60:.1f} minutes)",
        "",
        *header("section", "seconds"),
        *[row(name, f"{seconds:.0f}") for name, seconds in took.items()],
    ]


def render(r: dict[str, Any], quick: bool) -> str:
    intro = [
        "# Benchmark results",
        "",
        f"Measured {r['date']} on {r['machine']}."
        + (" **Quick smoke run: sizes are tiny, no verdict can resolve.**" if quick else ""),
        "",
        "Every timing is compared within rounds that interleave what is compared, and reported",
        "as the median of the per-round figures with their spread; verdicts say only what the",
        "spread allows. The emulator serves on 127.0.0.1; the provider is driven through the",
        f"real dynamic-provider host over gRPC with {WORKERS} worker threads, as the engine",
        "schedules calls (section 1 says how), after a warm-up in which every worker has called",
        "the API (cold start is section 4). `make bench` writes this to benchmarks/out/;",
        "`make bench-record` to benchmarks/.",
    ]
    sections = [
        summary(r),
        overhead(r["overhead"]),
        requests_per_op(r["overhead"], r["refresh"]),
        state_size(r["state_size"]),
        cold_start(r["cold_start"]),
        scale_section(r["scale"]),
        faults(r["faults"]),
        emulator(r["emulator"], r["overhead"]),
        report_profile.render(r["profile"], "8. "),
        ["![per-round ratios, and time and memory against connectors](results.png)"],
        durations(r["took"]),
    ]
    return "\n".join(intro + [line for section in sections for line in ["", *section]]) + "\n"
