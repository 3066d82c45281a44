"""`pulumi import mixpanel:index:Connector <name> <project>:<connector_id>`: a Read with nothing
but the id, whose inputs become the program, and refreshes that keep the inputs in state."""

from __future__ import annotations

from typing import Any

import pytest
from pulumi.runtime.proto import provider_pb2

from mixpanel_connectors import MixpanelClient
from mixpanel_connectors._plugin.schema import CONNECTOR, package_schema
from mixpanel_connectors.emulator import Emulator
from mixpanel_connectors.testing import Engine, PluginHost, ProviderCallError
from mixpanel_connectors.testing.host import from_struct
from tests.conftest import FAST_RETRY, PROJECT, SECRET, gcs_spec, s3_spec


def made_by_hand(api: Emulator, spec: dict[str, Any]) -> str:
    with MixpanelClient("demo", SECRET, base_url=api.url, retry=FAST_RETRY) as client:
        return client.create_connector(PROJECT, spec).connector_id


def undeclared_region() -> dict[str, Any]:
    return gcs_spec(connector_properties={"gcs_bucket": "acme-people", "gcs_prefix": "users/"})


@pytest.mark.parametrize("spec", [s3_spec(), undeclared_region()], ids=["s3", "gcs"])
def test_an_import_gives_inputs_whose_next_diff_is_empty(
    engine: Engine, api: Emulator, spec: dict[str, Any]
) -> None:
    # the server adds gcs_region, frequency and trial (docs/api-contract.md)
    api.app.set_shapes({"added_keys_shape": "spec"})
    made = made_by_hand(api, spec)
    api.app.clear_requests()
    step = engine.import_("people", f"{PROJECT}:{made}")
    assert step.warnings == []  # the engine would say "almost certainly a bug in the provider"
    assert [r["method"] for r in api.app.requests()] == ["GET"]
    program = engine.state["people"].inputs
    assert program["project_id"] == PROJECT and program["region"] == "us"
    assert set(program["category_properties"]) <= {"data_format", "compression", "property_remap"}
    assert engine.preview("people", program).op == "same"
    assert engine.up("people", program).op == "same"
    assert api.app.requests()[1:] == []


def test_the_imported_inputs_are_the_schemas_inputs(host: PluginHost, api: Emulator) -> None:
    made = made_by_hand(api, s3_spec())
    urn = host.urn("events")
    response = host.call("Read", provider_pb2.ReadRequest(id=f"{PROJECT}:{made}", urn=urn))
    inputs = from_struct(response.inputs)
    schema = package_schema()["resources"][CONNECTOR]
    assert set(inputs) <= set(schema["inputProperties"])
    assert set(schema["requiredInputs"]) <= set(inputs)
    assert inputs["connectorProperties"]["s3Prefix"] == "events/"
    assert response.id == f"{PROJECT}:{made}"


def test_an_imported_connector_is_then_managed_like_any_other(
    engine: Engine, api: Emulator
) -> None:
    made = made_by_hand(api, s3_spec())
    engine.import_("events", f"{PROJECT}:{made}")
    assert engine.refresh("events").op == "refresh"
    program = engine.state["events"].inputs
    assert engine.up("events", program).op == "same"
    step = engine.up("events", {**program, "label": "renamed"})
    assert (step.op, step.replaces) == ("replace", ["label"])
    engine.destroy("events")
    assert api.app.store.page(PROJECT, 0, 10)[0] == []


def test_importing_by_connector_id_alone_uses_the_configured_project(
    engine: Engine, api: Emulator
) -> None:
    made = made_by_hand(api, s3_spec())
    step = engine.import_("events", made)
    assert step.outputs["connector_id"] == made
    assert engine.state["events"].inputs["project_id"] == PROJECT


def test_importing_a_connector_that_does_not_exist_fails_naming_the_id_form(
    engine: Engine,
) -> None:
    with pytest.raises(ProviderCallError) as caught:
        engine.import_("events", f"{PROJECT}:nope")
    assert caught.value.message == (
        f"mixpanel_connectors.ConnectorError: there is no connector '{PROJECT}:nope' to "
        "import; the id to import is '<project_id>:<connector_id>'"
    )
    assert "events" not in engine.state


def test_a_refresh_keeps_every_input_in_state(engine: Engine) -> None:
    # the SDK's server always sends Read's inputs, and the engine stores them
    engine.up("events", s3_spec(wait_for_import={"timeout_seconds": 30}))
    before = engine.state["events"].inputs
    engine.refresh("events")
    assert engine.state["events"].inputs == before
