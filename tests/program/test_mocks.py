"""A program that declares Connectors, run under `pulumi.runtime.set_mocks` (no engine)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pulumi
import pytest

from mixpanel_connectors import (
    CategoryPropertiesArgs,
    Connector,
    GcsConnectorPropertiesArgs,
    S3ConnectorPropertiesArgs,
)

TYPE = "pulumi-python:dynamic/mixpanel:Connector"


class Recorder(pulumi.runtime.Mocks):
    def __init__(self) -> None:
        self.resources: list[pulumi.runtime.MockResourceArgs] = []

    def new_resource(
        self, args: pulumi.runtime.MockResourceArgs
    ) -> tuple[str | None, dict[str, Any]]:
        self.resources.append(args)
        if args.typ == TYPE:
            connector_id = args.resource_id or f"{args.name}-id"
            return connector_id, {**args.inputs, "connector_id": connector_id, "status": "active"}
        return f"{args.name}-id", {
            **args.inputs,
            "arn": f"arn:aws:iam::123456789012:role/{args.name}",
        }

    def call(
        self, args: pulumi.runtime.MockCallArgs
    ) -> tuple[dict[str, Any], list[tuple[str, str]] | None]:
        return {}, None


@pytest.fixture
def mocks() -> Iterator[Recorder]:
    recorder = Recorder()
    pulumi.runtime.set_mocks(recorder, preview=False)
    yield recorder
    pulumi.runtime.settings.reset_options()


def connectors(recorder: Recorder) -> dict[str, pulumi.runtime.MockResourceArgs]:
    return {r.name: r for r in recorder.resources if r.typ == TYPE}


@pulumi.runtime.test
def test_program_registers_connectors_with_snake_case_inputs_and_the_provider(
    mocks: Recorder,
) -> Any:
    role = pulumi.CustomResource(
        "aws:iam/role:Role", "mixpanel-import", {"name": "mixpanel-import"}
    )
    role_arn = pulumi.Output.from_input(role).apply(
        lambda _: "arn:aws:iam::123456789012:role/mixpanel-import"
    )
    events = Connector(
        "events",
        connector_type="s3Import",
        connector_properties=S3ConnectorPropertiesArgs(
            s3_bucket="acme-events", s3_prefix="events/", s3_region="us-east-2", s3_role=role_arn
        ),
        category_properties=CategoryPropertiesArgs(
            data_format="mixpanel_event", compression="gzip"
        ),
        label="events from S3",
        project_id=1234567,
    )
    people = Connector(
        "people",
        connector_type="gcsImport",
        connector_properties={"gcs_bucket": "acme-people", "gcs_prefix": "users/"},
        category_properties={
            "data_format": "remap_people",
            "property_remap": {"$distinct_id": "uid"},
        },
    )

    def verify(values: list[Any]) -> None:
        events_id, status, people_id = values
        assert events_id == "events-id"
        assert status == "active"
        assert people_id == "people-id"
        registered = connectors(mocks)
        inputs = registered["events"].inputs
        assert inputs["connector_properties"] == {
            "s3_bucket": "acme-events",
            "s3_prefix": "events/",
            "s3_region": "us-east-2",
            "s3_role": "arn:aws:iam::123456789012:role/mixpanel-import",
        }
        assert inputs["category_properties"] == {
            "data_format": "mixpanel_event",
            "compression": "gzip",
        }
        assert inputs["project_id"] == 1234567
        assert len(inputs["__provider"]) < 100
        assert registered["people"].inputs["category_properties"]["property_remap"] == {
            "$distinct_id": "uid"
        }
        assert "connector_id" not in registered["people"].inputs

    return pulumi.Output.all(events.connector_id, events.status, people.connector_id).apply(verify)


@pulumi.runtime.test
def test_get_looks_up_an_existing_connector_by_id(mocks: Recorder) -> Any:
    found = Connector.get("existing", "1234567:abc-123")

    def verify(connector_id: str) -> None:
        (read,) = connectors(mocks).values()
        assert read.resource_id == "1234567:abc-123"
        assert connector_id == "1234567:abc-123"

    return found.connector_id.apply(verify)


@pulumi.runtime.test
def test_gcs_args_class_serializes_like_its_dict_form(mocks: Recorder) -> Any:
    first = Connector(
        "a",
        connector_type="gcsImport",
        connector_properties=GcsConnectorPropertiesArgs(gcs_bucket="acme-people"),
        category_properties=CategoryPropertiesArgs(data_format="mixpanel_people"),
    )
    done = Connector(
        "b",
        connector_type="gcsImport",
        connector_properties={"gcs_bucket": "acme-people"},
        category_properties={"data_format": "mixpanel_people"},
    )

    def verify(_: Any) -> None:
        registered = connectors(mocks)
        a, b = (dict(registered[name].inputs) for name in ("a", "b"))
        assert (a.pop("resource_name"), b.pop("resource_name")) == ("a", "b")
        assert a == b

    return pulumi.Output.all(first.connector_id, done.connector_id).apply(verify)


@pulumi.runtime.test
def test_string_enums_are_accepted_as_inputs(mocks: Recorder) -> Any:
    from mixpanel_connectors import Compression, ConnectorType, DataFormat, Region

    done = Connector(
        "enum",
        connector_type=ConnectorType.GCS_IMPORT,
        connector_properties={"gcs_bucket": "acme-people"},
        category_properties=CategoryPropertiesArgs(
            data_format=DataFormat.MIXPANEL_PEOPLE, compression=Compression.GZIP
        ),
        region=Region.EU,
    )

    def verify(_: Any) -> None:
        inputs = connectors(mocks)["enum"].inputs
        assert inputs["connector_type"] == "gcsImport"
        assert inputs["category_properties"] == {
            "data_format": "mixpanel_people",
            "compression": "gzip",
        }
        assert inputs["region"] == "eu"

    return done.connector_id.apply(verify)
