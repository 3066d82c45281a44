"""What every measurement shares: the connector spec, the stack config, and a warmed host."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from pulumi.dynamic import ResourceProvider

from mixpanel_connectors import ConnectorProvider
from mixpanel_connectors.testing import ProviderHost

from .as_engine import OWNER_KEY, AsEngine

ROOT = Path(__file__).resolve().parent.parent
PROJECT = 1234567
AUTH = ("demo", "demo-secret")
WORKERS = 4
"""The dynamic-provider host's worker threads (fixed in the SDK), and raw HTTP's threads."""


def spec(i: int) -> dict[str, Any]:
    return {
        "connector_type": "s3Import",
        "label": f"bench {i}",
        "connector_properties": {
            "s3_bucket": "acme-events",
            "s3_prefix": f"events/{i}/",
            "s3_region": "us-east-2",
            "s3_role": "arn:aws:iam::123456789012:role/mixpanel-import",
        },
        "category_properties": {"data_format": "mixpanel_event", "compression": "gzip"},
    }


def inputs(i: int) -> dict[str, Any]:
    """What the `Connector` resource sends for connector i: the spec and the resource's name."""
    return {**spec(i), OWNER_KEY: f"connector-{i}"}


def specs(start: int, n: int) -> list[dict[str, Any]]:
    """Connectors start..start+n-1 as the API takes them (raw HTTP sends these)."""
    return [spec(i) for i in range(start, start + n)]


def many_inputs(start: int, n: int) -> list[dict[str, Any]]:
    """Connectors start..start+n-1 as resources send them (hosts are given these)."""
    return [inputs(i) for i in range(start, start + n)]


def config(url: str, **extra: str) -> dict[str, str]:
    return {
        "mixpanel:serviceAccount": AUTH[0],
        "mixpanel:serviceAccountSecret": AUTH[1],
        "mixpanel:projectId": str(PROJECT),
        "mixpanel:baseUrl": url,
        **extra,
    }


def rss_kib(pid: int, field: str = "VmRSS") -> int:
    """A process's resident memory (or, with VmHWM, its peak) in KiB, from /proc."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    raise RuntimeError(f"no {field} for process {pid}")


@contextmanager
def provider_host(
    url: str, provider: ResourceProvider | None = None, extra: dict[str, str] | None = None
) -> Iterator[ProviderHost]:
    """A configured host, warmed: every worker has made its calls and opened its connection.

    Cold start is measured on its own; here the first calls would only add noise.
    """
    with ProviderHost(
        provider or ConnectorProvider(), env={"PYTHONPATH": str(ROOT)}, cwd=ROOT
    ) as host:
        host.configure(config(url, **(extra or {})))
        warm = AsEngine(host)
        warm.delete_all(warm.create_all(many_inputs(0, 2 * WORKERS))[1])
        yield host
