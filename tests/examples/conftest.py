"""The offline runner against the emulator: examples run with cloud resources mocked."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from mixpanel_connectors import ConnectorProvider
from mixpanel_connectors.emulator import Emulator
from mixpanel_connectors.testing import ProviderHost
from tests.conftest import stack_config

GCS_SERVICE_ACCOUNT = "export-123@mixpanel-prod.iam.gserviceaccount.com"


def example_config(url: str) -> dict[str, str]:
    """The stack config of every example, gcp-gcs's own key included."""
    return stack_config(url, **{"mixpanel-gcp-gcs:mixpanelServiceAccount": GCS_SERVICE_ACCOUNT})


@pytest.fixture(scope="module")
def api() -> Iterator[Emulator]:
    with Emulator(port=0, run_delay_ms=50) as emu:
        yield emu


@pytest.fixture(scope="module")
def host(api: Emulator) -> Iterator[ProviderHost]:
    with ProviderHost(ConnectorProvider()) as h:
        h.configure(example_config(api.url))
        yield h
