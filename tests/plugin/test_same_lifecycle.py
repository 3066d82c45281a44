"""The dynamic face's engine-level tests, run unchanged against the plugin over gRPC.

One lifecycle, two faces: preview, up, replacements, refresh, get, adoption, ownership within a
deployment, declared keys and API errors must behave alike through either.
"""

from __future__ import annotations

from tests.plugin.shared import collected_from
from tests.provider import test_declared_keys, test_lifecycle, test_ownership

LEAVING = {
    # The plugin's server always sends Read's inputs, and the engine takes an empty set as the
    # new inputs, so the plugin sends them on every refresh (test_import.py holds it to that).
    "test_refresh_of_an_unchanged_connector_sends_no_inputs": "the plugin always sends inputs",
}

globals().update(
    collected_from(test_lifecycle, test_ownership, test_declared_keys, leaving=LEAVING)
)
