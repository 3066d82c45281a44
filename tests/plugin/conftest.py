"""The plugin, started from `provider/` as the Pulumi CLI starts it and configured as the engine
configures it (CheckConfig, then Configure), against the emulator."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from mixpanel_connectors.emulator import Emulator
from mixpanel_connectors.testing import Engine, PluginHost
from tests.conftest import PLUGIN_DIR, SECRET, stack_config


@pytest.fixture(scope="module")
def api() -> Iterator[Emulator]:
    with Emulator(port=0, run_delay_ms=50) as emu:
        yield emu


@pytest.fixture
def host(api: Emulator) -> Iterator[PluginHost]:
    """A plugin per test: the engine starts one per deployment, and the lifecycle remembers
    what one deployment did (which resource manages which connector)."""
    with PluginHost(PLUGIN_DIR, env={"MIXPANEL_SERVICE_ACCOUNT_SECRET": ""}) as h:
        h.configure(stack_config(api.url, **{"mixpanel:maxRetries": "2"}))
        yield h
        assert SECRET not in h.stderr, "the service-account secret appeared in the plugin's stderr"


@pytest.fixture
def engine(api: Emulator, host: PluginHost) -> Engine:
    api.app.reset()
    return Engine(host)


@pytest.fixture
def start_host() -> Iterator[Callable[..., PluginHost]]:
    """Starts more plugins (a next deployment, another environment), each stopped after the
    test, and none with the secret in its stderr."""
    started: list[PluginHost] = []

    def start(env: dict[str, str] | None = None) -> PluginHost:
        started.append(PluginHost(PLUGIN_DIR, env=env))
        return started[-1]

    yield start
    for host in started:
        assert SECRET not in host.stderr
        host.close()
