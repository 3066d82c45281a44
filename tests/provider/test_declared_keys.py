"""Only what the program declares decides a replacement; keys the server adds never do.

The emulator answers in the documented shapes: a GCS connector created without `gcs_region`
comes back with `"gcs_region": "us"`, and with `added_keys_shape: spec` its category properties
carry `frequency` and `trial` as the spec's create examples do.
"""

from __future__ import annotations

from typing import Any

import pytest

from mixpanel_connectors import MixpanelClient
from mixpanel_connectors.emulator import Emulator
from mixpanel_connectors.testing import Engine
from tests.conftest import FAST_RETRY, PROJECT, SECRET, gcs_spec, s3_spec


def undeclared_region() -> dict[str, Any]:
    spec = gcs_spec()
    spec["connector_properties"] = {"gcs_bucket": "acme-people", "gcs_prefix": "users/"}
    return spec


def edit_live(api: Emulator, connector_id: str, section: str, **changes: Any) -> None:
    item = api.app.store.get(PROJECT, connector_id)
    assert item is not None
    item.record[section] = {**item.record[section], **changes}


@pytest.mark.parametrize("shape", ["gcs_region", "spec"])
def test_create_refresh_and_up_again_with_server_added_keys_plan_no_change(
    engine: Engine, api: Emulator, shape: str
) -> None:
    api.app.set_shapes({"added_keys_shape": shape})
    outs = engine.up("people", undeclared_region()).outputs
    assert outs["connector_properties"]["gcs_region"] == "us"
    assert outs["declared_keys"]["connector_properties"] == ["gcs_bucket", "gcs_prefix"]
    assert engine.up("people", undeclared_region()).op == "same"
    refreshed = engine.refresh("people")
    assert "gcs_region" not in engine.state["people"].inputs["connector_properties"]
    assert refreshed.outputs["connector_properties"]["gcs_region"] == "us"
    assert engine.preview("people", undeclared_region()).op == "same"
    assert engine.up("people", undeclared_region()).op == "same"


def test_a_declared_key_changed_out_of_band_shows_on_refresh_and_replaces(
    engine: Engine, api: Emulator
) -> None:
    made = engine.up("people", undeclared_region()).outputs["connector_id"]
    edit_live(api, made, "connector_properties", gcs_prefix="moved/")
    engine.refresh("people")
    assert engine.state["people"].inputs["connector_properties"]["gcs_prefix"] == "moved/"
    step = engine.up("people", undeclared_region())
    assert (step.op, step.replaces) == ("replace", ["connector_properties"])


def test_an_undeclared_key_changed_out_of_band_replaces_nothing(
    engine: Engine, api: Emulator
) -> None:
    made = engine.up("people", undeclared_region()).outputs["connector_id"]
    edit_live(api, made, "connector_properties", gcs_region="eu")
    edit_live(api, made, "category_properties", frequency="daily")
    assert engine.refresh("people").outputs["connector_properties"]["gcs_region"] == "eu"
    assert engine.up("people", undeclared_region()).op == "same"


def test_declaring_a_value_the_server_added_replaces_only_when_it_differs(
    engine: Engine,
) -> None:
    engine.up("people", undeclared_region())
    same = undeclared_region()
    same["connector_properties"]["gcs_region"] = "us"
    assert engine.preview("people", same).op == "same"
    other = undeclared_region()
    other["connector_properties"]["gcs_region"] = "eu"
    assert engine.preview("people", other).replaces == ["connector_properties"]


def test_a_key_no_longer_declared_keeps_its_live_value_and_replaces_nothing(
    engine: Engine,
) -> None:
    declared = undeclared_region()
    declared["connector_properties"]["gcs_region"] = "eu"
    engine.up("people", declared)
    assert engine.up("people", undeclared_region()).op == "same"
    assert engine.state["people"].outputs["connector_properties"]["gcs_region"] == "eu"


def test_adopting_a_connector_with_server_added_keys_works(engine: Engine, api: Emulator) -> None:
    api.app.set_shapes({"added_keys_shape": "spec"})
    with MixpanelClient("demo", SECRET, base_url=api.url, retry=FAST_RETRY) as client:
        made = client.create_connector(PROJECT, undeclared_region()).connector_id
    step = engine.up("people", {**undeclared_region(), "existing_connector_id": made})
    assert step.outputs["connector_id"] == made
    assert engine.up("people", {**undeclared_region(), "existing_connector_id": made}).op == "same"


def test_adoption_still_refuses_a_declared_key_that_differs(engine: Engine, api: Emulator) -> None:
    with MixpanelClient("demo", SECRET, base_url=api.url, retry=FAST_RETRY) as client:
        made = client.create_connector(PROJECT, s3_spec()).connector_id
    declared = s3_spec(existing_connector_id=made)
    declared["connector_properties"]["s3_prefix"] = "other/"
    with pytest.raises(Exception, match=r"s3_prefix: live 'events/', declared 'other/'"):
        engine.up("events", declared)


def test_a_lost_create_answer_is_reconciled_to_the_connector_despite_added_keys(
    engine: Engine, api: Emulator
) -> None:
    api.app.set_shapes({"added_keys_shape": "spec"})
    api.app.faults.configure(
        {"queue": [{"method": "POST", "status": "drop", "mode": "lose_response"}]}
    )
    made = engine.up("people", undeclared_region()).outputs["connector_id"]
    items, total = api.app.store.page(PROJECT, 0, 100)
    assert total == 1 and items[0].connector_id == made


def test_state_leaves_out_declared_keys_that_are_every_key_the_connector_holds(
    engine: Engine, api: Emulator
) -> None:
    """The engine serializes every output on every create, read and delete; keys it can read
    off the property objects are not stored twice. Once the server adds a key, they are."""
    made = engine.up("events", s3_spec()).outputs
    assert "declared_keys" not in made
    assert engine.refresh("events").outputs.get("declared_keys") is None
    edit_live(api, made["connector_id"], "category_properties", frequency="daily")
    refreshed = engine.refresh("events").outputs
    assert refreshed["declared_keys"] == {
        "connector_properties": ["s3_bucket", "s3_prefix", "s3_region", "s3_role"],
        "category_properties": ["compression", "data_format"],
    }
    assert "frequency" not in engine.state["events"].inputs["category_properties"]
    assert engine.up("events", s3_spec()).op == "same"
