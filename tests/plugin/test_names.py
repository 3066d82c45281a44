"""camelCase at the plugin's boundary only: declared names renamed, everything else kept."""

from __future__ import annotations

from typing import Any

from mixpanel_connectors._plugin.names import from_wire, path_from_wire, path_to_wire, to_wire

OUTPUTS: dict[str, Any] = {
    "connector_id": "c-1",
    "connector_properties": {"gcs_bucket": "b", "gcs_region": "us", "added_by_server": 1},
    "category_properties": {
        "data_format": "remap_people",
        "property_remap": {"$distinct_id": "user_id", "first_name": "given"},
        "trial": False,
    },
    "declared_keys": {"connector_properties": ["gcs_bucket"], "category_properties": []},
    "last_import": {"run_id": "r-1", "num_objects_processed": 3},
}


def test_renaming_is_lossless_and_leaves_data_and_server_keys_alone() -> None:
    wire = to_wire(OUTPUTS)
    assert wire["connectorProperties"] == {
        "gcsBucket": "b",
        "gcsRegion": "us",
        "added_by_server": 1,
    }
    assert (
        wire["categoryProperties"]["propertyRemap"]
        == OUTPUTS["category_properties"]["property_remap"]
    )
    assert wire["declaredKeys"] == {"connectorProperties": ["gcsBucket"], "categoryProperties": []}
    assert wire["lastImport"] == OUTPUTS["last_import"]  # the API's run summary, as recorded
    assert from_wire(wire) == OUTPUTS


def test_an_undeclared_wire_name_stays_as_the_program_wrote_it() -> None:
    assert from_wire({"labelText": "x", "connectorProperties": {"s3Bukcet": "b"}}) == {
        "labelText": "x",
        "connector_properties": {"s3Bukcet": "b"},
    }


def test_paths_are_renamed_where_declared() -> None:
    assert path_to_wire("connector_properties.s3_prefix") == "connectorProperties.s3Prefix"
    assert path_from_wire("waitForImport.timeoutSeconds") == "wait_for_import.timeout_seconds"
    assert path_to_wire("") == "" and path_to_wire("resource_name") == "resource_name"
