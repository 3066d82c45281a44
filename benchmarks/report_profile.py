"""The profile of the host as Markdown: where an operation's time goes, and whose it is."""

from __future__ import annotations

from typing import Any

from .table import header, row

OPS = ("create", "read", "delete")
HOSTS = ("provider", "floor")
PHASES = {
    "grpc": ("gRPC: transport, messages, hand-off to a worker", "Pulumi (gRPC)"),
    "sdk_deserialize": ("SDK handler: deserializing the request", "Pulumi (SDK)"),
    "sdk_serialize": ("SDK handler: serializing the answer", "Pulumi (SDK)"),
    "sdk_other": ("SDK handler: the rest (provider lookup, settings, event loop)", "Pulumi (SDK)"),
    "provider_code": ("provider code", "this package (floor: the least)"),
    "http": ("HTTP exchange", "the API"),
}
WORKER = {
    "sdk_deserialize": "SDK: deserializing",
    "sdk_serialize": "SDK: serializing",
    "sdk_other": "SDK: the rest",
    "provider_code": "provider code",
    "http": "HTTP exchange",
    "idle": "idle, or in gRPC outside the handlers",
}


def _columns() -> list[str]:
    return [
        f"{op}: {'provider' if host == 'provider' else 'floor'}" for op in OPS for host in HOSTS
    ]


def beyond_http(part: dict[str, float]) -> float:
    return sum(value for phase, value in part.items() if phase in PHASES and phase != "http")


def render(profile: dict[str, Any], number: str = "") -> list[str]:
    one, engine = profile["one_at_a_time"], profile["as_engine"]
    lines = [
        f"## {number}Where the time goes in the host (emulator latency {profile['latency_ms']:g} "
        f"ms; {profile['n']} of each operation)",
        "",
        "One at a time (each resource alone in its host, the two hosts taking turns), median ms",
        "per operation; create is its Check and its Create:",
        "",
        *header("phase", "whose", *_columns()),
    ]
    for phase, (label, whose) in PHASES.items():
        cells = [f"{one[host][op][phase]:.2f}" for op in OPS for host in HOSTS]
        lines.append(row(label, whose, *cells))
    lines.append(row("**beyond HTTP**", "", *[
        f"**{beyond_http(one[host][op]):.2f}**" for op in OPS for host in HOSTS
    ]))  # fmt: skip
    lines.append(row("client's whole call (median)", "", *[
        f"{one[host][op]['total']:.2f}" for op in OPS for host in HOSTS
    ]))  # fmt: skip
    lines += [
        "",
        *_shares(one),
        "",
        f"As the engine schedules them ({profile['n']} at once, 4 workers), ms per operation: the",
        "wall time, and how the workers' time (4 x wall) was spent:",
        "",
        *header("", *_columns()),
        row("wall time", *[f"{engine[h][op]['wall']:.2f}" for op in OPS for h in HOSTS]),
    ]
    for phase, label in WORKER.items():
        lines.append(row(f"workers: {label}", *[
            f"{engine[host][op][phase]:.2f}" for op in OPS for host in HOSTS
        ]))  # fmt: skip
    return lines


def _shares(one: dict[str, dict[str, dict[str, float]]]) -> list[str]:
    """One sentence per operation: what is beyond HTTP, and how much of it is this package's."""
    lines = []
    for op in OPS:
        ours, floor = one["provider"][op], one["floor"][op]
        extra = beyond_http(ours)
        if extra <= 0:
            continue
        pulumi = sum(ours[p] for p in ("grpc", "sdk_deserialize", "sdk_serialize", "sdk_other"))
        own = ours["provider_code"] - floor["provider_code"]
        lines.append(
            f"- {op}: {extra:.2f} ms beyond HTTP (floor {beyond_http(floor):.2f}): Pulumi's gRPC "
            f"and SDK handler {pulumi:.2f} ms ({100 * pulumi / extra:.0f}%), provider code "
            f"{ours['provider_code']:.2f} ms ({100 * ours['provider_code'] / extra:.0f}%), of "
            f"which {own:.2f} ms more than the floor's."
        )
    return lines
