"""The offline runner against the emulator: examples run with cloud resources mocked."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from mixpanel_connectors import ConnectorProvider
from mixpanel_connectors.emulator import Emulator
from mixpanel_connectors.testing import ProviderHost
from tests.conftest import PROJECT, SECRET

GCS_SERVICE_ACCOUNT = "export-123@mixpanel-prod.iam.gserviceaccount.com"


def stack_config(url: str) -> dict[str, str]:
    return {
        "mixpanel:serviceAccount": "demo",
        "mixpanel:serviceAccountSecret": SECRET,
        "mixpanel:projectId": str(PROJECT),
        "mixpanel:baseUrl": url,
        "mixpanel-gcp-gcs:mixpanelServiceAccount": GCS_SERVICE_ACCOUNT,
    }


@pytest.fixture(scope="module")
def api() -> Iterator[Emulator]:
    with Emulator(port=0, run_delay_ms=50) as emu:
        yield emu


@pytest.fixture(scope="module")
def host(api: Emulator) -> Iterator[ProviderHost]:
    with ProviderHost(ConnectorProvider()) as h:
        h.configure(stack_config(api.url))
        yield h
