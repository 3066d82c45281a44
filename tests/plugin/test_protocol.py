"""The plugin on the wire: what the engine sends and reads, in the schema's camelCase names."""

from __future__ import annotations

import time
from typing import Any

import pytest
from google.protobuf import struct_pb2
from pulumi.provider.experimental.property_value import PropertyValue
from pulumi.runtime.proto import provider_pb2

from mixpanel_connectors._plugin.schema import version
from mixpanel_connectors.emulator import Emulator
from mixpanel_connectors.testing import UNKNOWN, Engine, PluginHost, ProviderCallError, to_struct
from mixpanel_connectors.testing.host import from_struct
from tests.conftest import PLUGIN_DIR, PROJECT, SECRET, s3_spec, stack_config

URN = "urn:pulumi:dev::test::mixpanel:index:Connector::events"

S3_WIRE: dict[str, Any] = {
    "connectorType": "s3Import",
    "label": "events",
    "connectorProperties": {
        "s3Bucket": "acme-events",
        "s3Region": "us-east-2",
        "s3Role": "arn:aws:iam::123456789012:role/mixpanel-import",
    },
    "categoryProperties": {"dataFormat": "mixpanel_event", "compression": "gzip"},
}


def wire(props: dict[str, Any]) -> struct_pb2.Struct:
    return to_struct(props)


def check(host: PluginHost, news: dict[str, Any]) -> provider_pb2.CheckResponse:
    request = provider_pb2.CheckRequest(urn=URN, olds=wire({}), news=wire(news))
    response: provider_pb2.CheckResponse = host.call("Check", request)
    return response


def create(host: PluginHost, news: dict[str, Any]) -> tuple[str, dict[str, Any], dict[str, Any]]:
    """Check then Create, as `pulumi up` does: (id, checked inputs, outputs), wire names."""
    inputs = check(host, news).inputs
    made = host.call("Create", provider_pb2.CreateRequest(urn=URN, properties=inputs))
    return made.id, from_struct(inputs), from_struct(made.properties)


def diff(
    host: PluginHost, id_: str, outs: dict[str, Any], news: dict[str, Any]
) -> provider_pb2.DiffResponse:
    checked = check(host, news).inputs
    request = provider_pb2.DiffRequest(id=id_, urn=URN, olds=wire(outs), news=checked)
    response: provider_pb2.DiffResponse = host.call("Diff", request)
    return response


def kinds(response: provider_pb2.DiffResponse) -> dict[str, str]:
    return {
        path: provider_pb2.PropertyDiff.Kind.Name(d.kind)
        for path, d in response.detailedDiff.items()
    }


def test_the_plugin_reports_the_distribution_version(host: PluginHost) -> None:
    assert host.plugin_info() == version() == host.get_schema()["version"]


def test_configure_takes_no_secrets_and_no_preview_creates(host: PluginHost) -> None:
    # the engine then strips secrets from resource calls and marks their outputs itself, and
    # never calls Create or Update during preview
    assert (host.accepts_secrets, host.supports_preview) == (False, False)


def test_check_answers_in_camel_case_with_defaults_and_unknowns_kept(host: PluginHost) -> None:
    news = {**S3_WIRE, "connectorProperties": {**S3_WIRE["connectorProperties"], "s3Role": UNKNOWN}}
    response = check(host, news)
    assert list(response.failures) == []
    inputs = from_struct(response.inputs)
    assert inputs["connectorProperties"] == {
        "s3Bucket": "acme-events",
        "s3Region": "us-east-2",
        "s3Role": UNKNOWN,
        "s3Prefix": "",
    }
    assert inputs["projectId"] == PROJECT and inputs["region"] == "us"
    assert "resourceName" not in inputs and "resource_name" not in inputs


def test_check_failures_name_the_schemas_property_paths(host: PluginHost) -> None:
    news = {
        **S3_WIRE,
        "connectorProperties": {**S3_WIRE["connectorProperties"], "s3Bucket": "Not A Bucket"},
        "waitForImport": {"timeoutSeconds": -1},
        "labelText": "typo",
    }
    paths = {f.property for f in check(host, news).failures}
    assert paths == {"connectorProperties.s3Bucket", "waitForImport.timeoutSeconds", "labelText"}


def test_outputs_use_the_schemas_names_and_never_the_resource_name(
    host: PluginHost, api: Emulator
) -> None:
    api.app.reset()
    id_, inputs, outs = create(host, S3_WIRE)
    assert outs["connectorId"] == id_
    assert {key: outs[key] for key in inputs} == inputs
    assert outs["connectorProperties"]["s3Bucket"] == "acme-events"
    assert "declaredKeys" not in outs  # every key the objects hold is declared
    assert {"createdAt", "createdBy", "status", "projectId"} <= set(outs)
    assert not [key for key in outs if "_" in key]
    assert "resourceName" not in outs


def test_declared_keys_are_listed_by_their_schema_names(host: PluginHost, api: Emulator) -> None:
    api.app.set_shapes({"added_keys_shape": "gcs_region"})
    news = {
        "connectorType": "gcsImport",
        "connectorProperties": {"gcsBucket": "acme-people", "gcsPrefix": "users/"},
        "categoryProperties": {"dataFormat": "mixpanel_people"},
    }
    _, _, outs = create(host, news)
    assert outs["connectorProperties"]["gcsRegion"] == "us"  # the server added it
    assert outs["declaredKeys"] == {
        "connectorProperties": ["gcsBucket", "gcsPrefix"],
        "categoryProperties": ["compression", "dataFormat"],
    }


def test_a_property_remap_keeps_the_users_keys_as_they_are(host: PluginHost) -> None:
    remap = {"event_name": "name", "time": "ts", "distinct_id": "$user_id"}
    news = {**S3_WIRE, "categoryProperties": {"dataFormat": "remap_event", "propertyRemap": remap}}
    _, _, outs = create(host, news)
    assert outs["categoryProperties"]["propertyRemap"] == remap


def test_changing_the_prefix_replaces_with_a_detailed_diff(host: PluginHost) -> None:
    id_, _, outs = create(host, S3_WIRE)
    moved = {
        **S3_WIRE,
        "connectorProperties": {**S3_WIRE["connectorProperties"], "s3Prefix": "v2/"},
    }
    response = diff(host, id_, outs, moved)
    assert response.changes == provider_pb2.DiffResponse.DIFF_SOME
    assert kinds(response) == {"connectorProperties.s3Prefix": "UPDATE_REPLACE"}
    assert list(response.replaces) == ["connectorProperties"]
    assert list(response.diffs) == ["connectorProperties"]
    assert response.deleteBeforeReplace


def test_changing_the_connector_type_shows_the_keys_it_drops(host: PluginHost) -> None:
    id_, _, outs = create(host, S3_WIRE)
    to_gcs = {
        **S3_WIRE,
        "connectorType": "gcsImport",
        "connectorProperties": {"gcsBucket": "acme-people"},
    }
    found = kinds(diff(host, id_, outs, to_gcs))
    assert found["connectorType"] == "UPDATE_REPLACE"
    assert found["connectorProperties.gcsBucket"] == "ADD_REPLACE"
    for dropped in ("s3Bucket", "s3Region", "s3Role", "s3Prefix"):
        assert found[f"connectorProperties.{dropped}"] == "DELETE_REPLACE"


def test_each_changed_field_has_its_own_path_and_kind(host: PluginHost) -> None:
    id_, _, outs = create(host, S3_WIRE)
    remap = {"event_name": "e", "time": "t", "distinct_id": "d"}
    changed = {
        **S3_WIRE,
        "label": "renamed",
        "categoryProperties": {"dataFormat": "remap_event", "propertyRemap": remap},
        "connectorProperties": {**S3_WIRE["connectorProperties"], "s3Role": UNKNOWN},
    }
    assert kinds(diff(host, id_, outs, changed)) == {
        "label": "UPDATE_REPLACE",
        "categoryProperties.dataFormat": "UPDATE_REPLACE",
        "categoryProperties.propertyRemap": "ADD_REPLACE",
        "categoryProperties.compression": "UPDATE_REPLACE",
        "connectorProperties.s3Role": "UPDATE_REPLACE",
    }


def test_waiting_for_the_import_changes_in_place(host: PluginHost) -> None:
    id_, _, outs = create(host, S3_WIRE)
    response = diff(host, id_, outs, {**S3_WIRE, "waitForImport": {"timeoutSeconds": 30}})
    assert response.changes == provider_pb2.DiffResponse.DIFF_SOME
    assert kinds(response) == {"waitForImport": "ADD"}
    assert (list(response.replaces), response.deleteBeforeReplace) == ([], False)


def test_no_change_is_said_explicitly(host: PluginHost) -> None:
    # DIFF_UNKNOWN would make the engine compare inputs itself and discard the detailed diff
    id_, _, outs = create(host, S3_WIRE)
    response = diff(host, id_, outs, S3_WIRE)
    assert response.changes == provider_pb2.DiffResponse.DIFF_NONE
    assert dict(response.detailedDiff) == {}


def test_create_and_update_asked_in_preview_call_no_api(host: PluginHost, api: Emulator) -> None:
    inputs = check(host, S3_WIRE).inputs
    api.app.clear_requests()
    made = host.call("Create", provider_pb2.CreateRequest(urn=URN, properties=inputs, preview=True))
    request = provider_pb2.UpdateRequest(id="c-1", urn=URN, olds=inputs, news=inputs, preview=True)
    updated = host.call("Update", request)
    assert (made.id, from_struct(made.properties)) == ("", from_struct(inputs))
    assert from_struct(updated.properties) == from_struct(inputs)
    assert api.app.requests() == []


def test_an_api_error_reads_as_the_dynamic_face_shows_it_without_the_lifecycles_frames(
    engine: Engine, api: Emulator, host: PluginHost
) -> None:
    api.app.faults.configure({"queue": [{"method": "POST", "status": 401}]})
    with pytest.raises(ProviderCallError) as caught:
        engine.up("events", s3_spec())
    assert caught.value.message.startswith(
        f"mixpanel_connectors.ConnectorError: creating the connector in project {PROJECT} failed"
    )
    frames = caught.value.details.split("\n", 1)[1]
    assert "_plugin/provider.py" in frames
    assert "_lifecycle" not in frames and "_api" not in frames


def test_sigint_stops_the_plugin_within_the_engines_grace_period(api: Emulator) -> None:
    # the engine interrupts a plugin when the deployment ends and kills it 5 s later
    host = PluginHost(PLUGIN_DIR)
    host.configure(stack_config(api.url))
    started = time.monotonic()
    assert host.close(grace_seconds=5) == 0
    assert time.monotonic() - started < 3


def test_the_module_form_serves_too(api: Emulator) -> None:
    with PluginHost() as host:
        host.configure(stack_config(api.url))
        assert host.get_schema()["name"] == "mixpanel"


def test_secret_marked_config_reaches_the_lifecycle(api: Emulator) -> None:
    # Configure carries the secret wrapped as a secret: it must be unwrapped, not stringified
    with PluginHost(PLUGIN_DIR, env={"MIXPANEL_SERVICE_ACCOUNT_SECRET": ""}) as host:
        args = {
            "serviceAccount": PropertyValue("demo"),
            "serviceAccountSecret": PropertyValue(SECRET, is_secret=True),
            "projectId": PropertyValue(str(PROJECT)),
            "baseUrl": PropertyValue(api.url),
        }
        request = provider_pb2.ConfigureRequest(
            args=PropertyValue.marshal_map(args), acceptSecrets=True, acceptResources=True
        )
        host.call("Configure", request)
        id_, _, _ = create(host, S3_WIRE)
        assert id_


def test_a_python_spelling_of_a_property_is_refused_naming_the_schemas(host: PluginHost) -> None:
    news = {
        **S3_WIRE,
        "connector_type": "gcsImport",
        "connectorProperties": {**S3_WIRE["connectorProperties"], "s3_bucket": "acme-other"},
    }
    reasons = {f.property: f.reason for f in check(host, news).failures}
    assert (
        reasons["connector_type"]
        == "'connector_type' is not a property: its name is 'connectorType'"
    )
    assert reasons["connectorProperties.s3_bucket"].endswith("its name is 's3Bucket'")


def test_a_create_without_check_fails_saying_so(host: PluginHost) -> None:
    request = provider_pb2.CreateRequest(urn=URN, properties=wire(S3_WIRE))
    with pytest.raises(ProviderCallError, match="did not go through check") as caught:
        host.call("Create", request)
    assert "KeyError" not in caught.value.details
