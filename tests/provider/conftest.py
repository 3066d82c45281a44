"""A real dynamic-provider host, configured like the engine would, against the emulator."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from mixpanel_connectors import ConnectorProvider
from mixpanel_connectors.emulator import Emulator
from mixpanel_connectors.testing import Engine, ProviderHost
from tests.conftest import stack_config


@pytest.fixture(scope="module")
def api() -> Iterator[Emulator]:
    with Emulator(port=0, run_delay_ms=50) as emu:
        yield emu


@pytest.fixture
def host(api: Emulator) -> Iterator[ProviderHost]:
    """A host per test: the engine starts one per deployment, and the provider remembers what
    one deployment did (which resource manages which connector)."""
    with ProviderHost(ConnectorProvider(), env={"MIXPANEL_SERVICE_ACCOUNT_SECRET": ""}) as h:
        h.configure(stack_config(api.url, **{"mixpanel:maxRetries": "2"}))
        yield h


@pytest.fixture
def engine(api: Emulator, host: ProviderHost) -> Engine:
    api.app.reset()
    return Engine(host)


@pytest.fixture
def start_host() -> Iterator[Callable[..., ProviderHost]]:
    """Starts more hosts (a next deployment, another environment), each stopped after the test."""
    started: list[ProviderHost] = []

    def start(env: dict[str, str] | None = None) -> ProviderHost:
        started.append(ProviderHost(ConnectorProvider(), env=env))
        return started[-1]

    yield start
    for host in started:
        host.close()
