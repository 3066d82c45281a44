"""The dynamic face's secret scans, run unchanged against the plugin over gRPC."""

from __future__ import annotations

from tests.plugin.shared import collected_from
from tests.provider import test_secrets_and_state

globals().update(
    collected_from(
        test_secrets_and_state,
        leaving={
            "test_serialized_provider_is_a_class_reference_under_100_characters": (
                "the plugin's state names no provider object"
            ),
            "test_a_configured_provider_still_pickles_without_its_settings": (
                "the plugin's state names no provider object"
            ),
            "test_check_without_credentials_names_what_to_set": (
                "the plugin refuses missing credentials earlier, in CheckConfig (test_config.py)"
            ),
        },
    )
)
