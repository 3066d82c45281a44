"""The plugin, started from `provider/` as the Pulumi CLI starts it and configured as the engine
configures it (CheckConfig, then Configure), against the emulator."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from mixpanel_connectors.emulator import Emulator
from mixpanel_connectors.testing import Engine, PluginHost
from tests.conftest import SECRET, stack_config

PLUGIN_DIR = Path(__file__).resolve().parents[2] / "provider"


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
