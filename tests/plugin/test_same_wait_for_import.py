"""The dynamic face's wait_for_import tests, run unchanged against the plugin over gRPC."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from mixpanel_connectors.emulator import Emulator
from mixpanel_connectors.testing import PluginHost
from tests.conftest import PLUGIN_DIR, stack_config
from tests.plugin.shared import collected_from
from tests.provider import test_wait_for_import
from tests.provider.test_wait_for_import import api, buckets, engine

__all__ = ["api", "buckets", "engine"]  # its emulator with buckets, and its engine on `host`


@pytest.fixture(scope="module")
def host(api: Emulator) -> Iterator[PluginHost]:
    with PluginHost(PLUGIN_DIR) as h:
        h.configure(stack_config(api.url))
        yield h


globals().update(
    collected_from(
        test_wait_for_import,
        leaving={
            "test_a_failed_first_import_fails_the_program_but_keeps_the_connector_in_state": (
                "it runs a Python program through the offline runner, which is the dynamic face"
            ),
        },
    )
)
