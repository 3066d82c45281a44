"""Fixtures that start real parts: the emulator on 127.0.0.1 port 0, and clients of it.

hypothesis is imported here, before any test runs: its pytest plugin otherwise imports it lazily
at the end of the session, where CPython 3.11.7's compile() can fail with "AST constructor
recursion depth mismatch" after a Pulumi program has run in the same process.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import hypothesis  # noqa: F401  (imported before any test, see below)
import pytest

from mixpanel_connectors import ConnectorProvider, ImportRun, MixpanelClient, RetryPolicy
from mixpanel_connectors._lifecycle.config import Settings
from mixpanel_connectors.emulator import Emulator

PLUGIN_DIR = Path(__file__).resolve().parents[1] / "provider"
"""The plugin folder the Pulumi CLI runs (PulumiPlugin.yaml and __main__.py)."""
PROJECT = 1234567
SECRET = "demo-secret"
FAST_RETRY = RetryPolicy(max_retries=4, backoff_base=0.01, backoff_max=0.05, deadline_seconds=30)


def stack_config(url: str, **extra: str) -> dict[str, str]:
    """Stack config as the engine passes it to the provider: namespaced keys, secret decrypted."""
    return {
        "mixpanel:serviceAccount": "demo",
        "mixpanel:serviceAccountSecret": SECRET,
        "mixpanel:projectId": str(PROJECT),
        "mixpanel:baseUrl": url,
        **extra,
    }


def configured_provider(**settings: Any) -> ConnectorProvider:
    """A provider as configure() leaves it with the demo account and project (overridable)."""
    values = {"service_account": "demo", "secret": SECRET, "project_id": PROJECT, **settings}
    return ConnectorProvider(Settings(**values))


def s3_spec(**overrides: Any) -> dict[str, Any]:
    spec: dict[str, Any] = {
        "connector_type": "s3Import",
        "label": "events",
        "connector_properties": {
            "s3_bucket": "acme-events",
            "s3_prefix": "events/",
            "s3_region": "us-east-2",
            "s3_role": "arn:aws:iam::123456789012:role/mixpanel-import",
        },
        "category_properties": {"data_format": "mixpanel_event", "compression": "gzip"},
    }
    spec.update(overrides)
    return spec


def gcs_spec(**overrides: Any) -> dict[str, Any]:
    spec: dict[str, Any] = {
        "connector_type": "gcsImport",
        "label": "people",
        "connector_properties": {"gcs_bucket": "acme-people", "gcs_prefix": "users/"},
        "category_properties": {"data_format": "mixpanel_people", "compression": "none"},
    }
    spec.update(overrides)
    return spec


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    with Emulator(port=0, run_delay_ms=50) as emu:
        yield emu


@pytest.fixture
def client(emulator: Emulator) -> Iterator[MixpanelClient]:
    with MixpanelClient("demo", SECRET, base_url=emulator.url, retry=FAST_RETRY) as c:
        yield c


def finished_run(client: MixpanelClient, connector_id: str, poll_seconds: float) -> ImportRun:
    """The connector's (only) import run once it has ended, polling every `poll_seconds`."""
    for _ in range(200):
        (run,) = client.connector_history(PROJECT, connector_id)
        if run.status in ("success", "failed"):
            return run
        time.sleep(poll_seconds)
    raise AssertionError("the run never ended")


def api_requests(emulator: Emulator, method: str | None = None) -> list[dict[str, Any]]:
    """The emulator's request log, optionally only one method."""
    return [r for r in emulator.app.requests() if method is None or r["method"] == method]


@pytest.fixture(autouse=True)
def no_secret_in_output(
    capfd: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> Iterator[None]:
    """Every test's stdout, stderr and logs are scanned for the service-account secret."""
    yield
    out, err = capfd.readouterr()
    sys.stdout.write(out)
    sys.stderr.write(err)
    for where, text in (("stdout", out), ("stderr", err), ("logs", caplog.text)):
        assert SECRET not in text, f"the service-account secret appeared in the test's {where}"
