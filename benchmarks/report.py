"""RESULTS.md from the measurements: tables with each target and whether it was met."""

from __future__ import annotations

from typing import Any

from benchmarks import measure

OPS = {
    "create": ("Check + Create", "POST"),
    "read": ("Read", "GET"),
    "delete": ("Delete", "DELETE"),
}


def row(*cells: object) -> str:
    return "| " + " | ".join(str(c) for c in cells) + " |"


def header(*names: str) -> list[str]:
    return [row(*names), row(*["---"] * len(names))]


def verdict(ok: bool) -> str:
    return "met" if ok else "**missed**"


def overhead(o: measure.Overhead) -> list[str]:
    lines = [
        f"## 1. Provider overhead (N = {o.n}, emulator latency {o.latency_ms:g} ms, "
        f"best of {o.rounds} alternating rounds)",
        "",
        *header("operation", "engine calls", "raw", "provider s", "raw s", "floor s",
                "provider / raw (target <= 1.05)", "floor / raw", "provider / floor"),
    ]  # fmt: skip
    for op, (calls, raw_call) in OPS.items():
        ratio = o.ratio(op)
        floor_ratio = o.floor[op].seconds / o.raw[op].seconds
        lines.append(
            row(op, calls, raw_call, f"{o.provider[op].seconds:.2f}", f"{o.raw[op].seconds:.2f}",
                f"{o.floor[op].seconds:.2f}", f"{ratio:.3f}: {verdict(ratio <= 1.05)}",
                f"{floor_ratio:.3f}", f"{o.ratio(op, 'floor'):.3f}")
        )  # fmt: skip
    return [
        *lines,
        "",
        "*raw*: the same HTTP calls with `requests` on "
        f"{measure.WORKERS} threads, the host's number of workers.",
        "*provider* and *floor*: calls scheduled as the engine schedules them with its default,",
        "unbounded `--parallel`: Checks one at a time (the engine generates steps one",
        "registration at a time), Creates, Reads and Deletes all at once, queued by the host for",
        "its 4 workers; requests are built before the clock starts, as the Go engine's own work",
        "is not the host's. *floor* is a minimal dynamic provider that makes the same HTTP calls",
        "and nothing else (no validation, retries or reconciliation). Its distance from raw HTTP",
        "is the cost of the Pulumi SDK's dynamic-provider host (gRPC, property serialization, a",
        "new event loop per call, Checks taking turns with Creates on the same 4 workers), which",
        "every dynamic provider pays; *provider / floor* is what this package's own code adds.",
    ]


def requests_per_op(o: measure.Overhead, refresh: dict[int, dict[str, float]]) -> list[str]:
    lines = ["## 2. HTTP requests per operation (from the emulator's request log)", ""]
    lines += header("operation", "requests per connector", "target")
    for op in OPS:
        per = o.provider[op].requests / o.n
        lines.append(row(op, f"{per:g}", f"1: {verdict(per == 1)}"))
    previews = max(v["preview_requests"] for v in refresh.values())
    lines.append(row("preview (Check + Diff) of N existing", f"{previews:g} in total",
                     f"0: {verdict(previews == 0)}"))  # fmt: skip
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
        f"Refresh makes one GET per connector (target: at most N): {verdict(linear)}.",
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
        f"Target <= 100 characters: {verdict(size['mixpanel_connectors'] <= 100)}.",
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
    sets = cold["sets"]
    lines = [
        f"## 4. Cold start (host start to first Check answered; {len(sets)} sets of "
        f"{cold['runs']} runs, each compared by medians)",
        "",
        *header("set", "trivial dynamic provider, median s", "mixpanel_connectors, median s",
                "ratio"),
    ]  # fmt: skip
    for number, one in enumerate(sets, 1):
        trivial, ours = one["median_s"]["trivial"], one["median_s"]["mixpanel_connectors"]
        lines.append(row(number, f"{trivial:.3f}", f"{ours:.3f}", f"{one['ratio']:.2f}"))
    return [
        *lines,
        "",
        f"Median ratio {cold['ratio']:.2f} (target <= 1.4): {verdict(cold['ratio'] <= 1.4)}. "
        "The first Check validates a full s3Import connector and sends nothing.",
        bytecode,
    ]


def scale(sc: dict[str, Any], by_size: dict[int, measure.Overhead]) -> list[str]:
    points = sorted(sc["rss_kib"])
    middle, last = points[-2], points[-1]
    growth = (sc["rss_kib"][last] - sc["rss_kib"][middle]) / (last - middle)
    times = sc["ms_per_create_and_delete"]
    flat = times[last] / times[middle]
    lines = [
        f"## 5. Scale (connectors created and deleted through one host in batches of "
        f"{sc['batch']}, no latency)",
        "",
        *header("connectors so far", "host RSS MiB",
                f"ms per create + delete (median of the last {sc['window']} batches)"),
    ]  # fmt: skip
    for n in points:
        lines.append(row(n, f"{sc['rss_kib'][n] / 1024:.1f}", f"{times[n]:.2f}"))
    lines += [
        "",
        f"Memory growth from {middle} to {last} connectors: {growth:.2f} KiB per connector "
        f"(target: flat, under 1 KiB): {verdict(growth < 1)}. Until the first few hundred the",
        "allocator is still filling its arenas; the table shows all of it.",
        f"Time per operation at {last} versus {middle} (each the median of {sc['window']} "
        f"batches): ratio {flat:.2f} (target: constant, within 1.25): {verdict(flat <= 1.25)}.",
        "",
        "Time per operation against N (emulator latency 20 ms; wall time / N, as in section 1):",
        "",
        *header("N", "provider create ms", "raw create ms", "provider read", "raw read",
                "provider delete", "raw delete"),
    ]  # fmt: skip
    for n, o in sorted(by_size.items()):
        cells = [
            f"{getattr(o, who)[op].per_op_ms:.2f}" for op in OPS for who in ("provider", "raw")
        ]
        lines.append(row(n, *cells))
    return lines


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


def render(r: dict[str, Any], quick: bool) -> str:
    intro = [
        "# Benchmark results",
        "",
        f"Measured {r['date']} on {r['machine']}."
        + (" **Quick smoke run: sizes are tiny.**" if quick else ""),
        "",
        "Every figure is a ratio or a count measured side by side in the same run, against the",
        "emulator on 127.0.0.1. The provider is driven through the real dynamic-provider host",
        f"over gRPC with {measure.WORKERS} worker threads, with calls scheduled as the engine",
        "schedules them (section 1 says how), after one warm-up create and delete (cold start is",
        "section 4). Re-run with `make bench`.",
    ]
    sections = [
        overhead(r["overhead"]),
        requests_per_op(r["overhead"], r["refresh"]),
        state_size(r["state_size"]),
        cold_start(r["cold_start"]),
        scale(r["scale"], r["by_size"]),
        faults(r["faults"]),
        ["![time per operation and API requests against N](results.png)"],
    ]
    return "\n".join(intro + [line for section in sections for line in ["", *section]]) + "\n"
