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
        "*floor*: a minimal dynamic provider that makes the same HTTP calls and nothing else (no",
        "validation, retries or reconciliation), driven the same way. Its distance from raw HTTP",
        "is the cost of the Pulumi SDK's dynamic-provider host (gRPC and property serialization,",
        "in Python on both ends here), which every dynamic provider pays; *provider / floor* is",
        "what this package's own code adds on top.",
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
    return [
        f"## 4. Cold start (host start to first Check answered, median of {cold['runs']} runs)",
        "",
        *header("provider", "median s"),
        row("trivial dynamic provider", f"{cold['median_s']['trivial']:.3f}"),
        row("mixpanel_connectors", f"{cold['median_s']['mixpanel_connectors']:.3f}"),
        "",
        f"Ratio {cold['ratio']:.2f} (target <= 1.4): {verdict(cold['ratio'] <= 1.4)}.",
    ]


def scale(sc: dict[str, Any], by_size: dict[int, measure.Overhead]) -> list[str]:
    points = sorted(sc["rss_kib"])
    first, last = points[0], points[-1]
    growth = (sc["rss_kib"][last] - sc["rss_kib"][first]) / max(1, last - first)
    times = sc["ms_per_create_and_delete"]
    flat = times[last] / times[first]
    lines = [
        "## 5. Scale (connectors created and deleted through one host, no latency)",
        "",
        *header("connectors so far", "host RSS MiB", "ms per create + delete"),
    ]
    for n in points:
        lines.append(row(n, f"{sc['rss_kib'][n] / 1024:.1f}", f"{times[n]:.2f}"))
    lines += [
        "",
        f"Memory growth from {first} to {last} connectors: {growth:.2f} KiB per connector "
        f"(target: flat, under 1 KiB): {verdict(growth < 1)}.",
        f"Time per operation at {last} versus {first}: ratio {flat:.2f} "
        f"(target: constant, within 1.25): {verdict(flat <= 1.25)}.",
        "",
        "Time per operation against N (emulator latency 20 ms, 4 workers):",
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
        f"over gRPC with {measure.WORKERS} worker threads, as the engine drives it, after one",
        "warm-up create and delete (cold start is section 4). Re-run with `make bench`.",
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
