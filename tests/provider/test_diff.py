"""diff(): every change replaces (delete first); normalisation never shows up as a change."""

from __future__ import annotations

from typing import Any

import pytest
from pulumi.output import Unknown

from mixpanel_connectors import ConnectorProvider
from tests.conftest import configured_provider, gcs_spec, s3_spec


def checked(news: dict[str, Any]) -> dict[str, Any]:
    p = configured_provider()
    result = p.check({}, news)
    assert result.failures == []
    return result.inputs


def outputs_as_stored(inputs: dict[str, Any], **api_adds: Any) -> dict[str, Any]:
    """What state holds after create: API fields added, numbers as floats, keys reordered."""
    outs = {
        "connector_id": "c-1",
        "status": "active",
        "created_at": "2026-01-01T00:00:00+00:00",
        **dict(reversed(list(inputs.items()))),
    }
    outs["project_id"] = float(inputs["project_id"])
    outs["connector_properties"] = {**inputs["connector_properties"], **api_adds}
    return outs


def diff(olds: dict[str, Any], news: dict[str, Any]) -> Any:
    return ConnectorProvider().diff("c-1", olds, news)


def test_no_change_is_no_diff() -> None:
    inputs = checked(s3_spec())
    result = diff(outputs_as_stored(inputs), checked(s3_spec()))
    assert result.changes is False


def test_fields_the_api_adds_are_not_changes() -> None:
    inputs = checked(gcs_spec())
    assert diff(outputs_as_stored(inputs, gcs_region=None), inputs).changes is False


def test_null_compression_from_the_api_is_none() -> None:
    inputs = checked(s3_spec(category_properties={"data_format": "mixpanel_event"}))
    outs = outputs_as_stored(inputs)
    outs["category_properties"] = {"data_format": "mixpanel_event", "compression": None}
    assert diff(outs, inputs).changes is False


@pytest.mark.parametrize(
    ("change", "replaced"),
    [
        ({"label": "other"}, ["label"]),
        ({"project_id": 7}, ["project_id"]),
        ({"region": "eu"}, ["region"]),
        ({"category_properties": {"data_format": "mixpanel_event", "compression": "none"}},
         ["category_properties"]),
        ({"connector_properties": {**s3_spec()["connector_properties"], "s3_bucket": "other-b"}},
         ["connector_properties"]),
        ({**gcs_spec(), "label": "events"}, ["connector_type", "connector_properties",
                                             "category_properties"]),
    ],
)  # fmt: skip
def test_changing_a_property_replaces_the_connector_deleting_it_first(
    change: dict[str, Any], replaced: list[str]
) -> None:
    olds = outputs_as_stored(checked(s3_spec()))
    result = diff(olds, checked({**s3_spec(), **change}))
    assert result.changes is True
    assert result.replaces == replaced
    assert result.delete_before_replace is True


def test_unknown_value_counts_as_changed() -> None:
    olds = outputs_as_stored(checked(s3_spec()))
    news = checked(s3_spec())
    news["connector_properties"] = {**news["connector_properties"], "s3_role": Unknown()}
    assert diff(olds, news).replaces == ["connector_properties"]


def test_adding_or_removing_existing_connector_id_changes_nothing() -> None:
    olds = outputs_as_stored(checked(s3_spec()))
    assert diff(olds, checked(s3_spec(existing_connector_id="c-1"))).changes is False
    olds["existing_connector_id"] = "c-1"
    assert diff(olds, checked(s3_spec())).changes is False


def test_update_keeps_every_output() -> None:
    olds = outputs_as_stored(checked(s3_spec()))
    news = checked(s3_spec(existing_connector_id="c-1"))
    outs = ConnectorProvider().update("c-1", {**olds, "__provider": "blob"}, news).outs
    assert outs == {**olds, "existing_connector_id": "c-1"}
