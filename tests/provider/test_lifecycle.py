"""The engine's workflows through the real dynamic-provider host, against the emulator."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from mixpanel_connectors import MixpanelClient
from mixpanel_connectors._lifecycle.config import Settings
from mixpanel_connectors._lifecycle.core import Lifecycle
from mixpanel_connectors._lifecycle.translate import INPUT_SOURCES, inputs_from_outputs
from mixpanel_connectors.emulator import Emulator
from mixpanel_connectors.emulator.store import StoredConnector
from mixpanel_connectors.testing import UNKNOWN, CheckFailed, Engine, ProviderCallError
from tests.conftest import FAST_RETRY, PROJECT, SECRET, gcs_spec, s3_spec


def calls(api: Emulator) -> list[tuple[str, str]]:
    return [(r["method"], r["path"].rsplit("/connectors", 1)[-1]) for r in api.app.requests()]


def live_ids(api: Emulator) -> list[str]:
    items, _ = api.app.store.page(PROJECT, 0, 1000)
    return [item.connector_id for item in items]


def test_preview_of_a_new_connector_calls_check_only_and_no_api(
    engine: Engine, api: Emulator
) -> None:
    news = s3_spec()
    news["connector_properties"]["s3_role"] = UNKNOWN
    step = engine.preview("events", news)
    assert step.op == "create"
    assert step.calls == ["Check"]
    assert step.outputs["connector_properties"]["s3_role"] == UNKNOWN
    assert step.outputs["project_id"] == PROJECT
    assert api.app.requests() == []


def test_up_creates_one_connector_whose_outputs_include_the_inputs(
    engine: Engine, api: Emulator
) -> None:
    step = engine.up("events", s3_spec())
    assert step.calls == ["Check", "Create"]
    outs = step.outputs
    assert live_ids(api) == [outs["connector_id"]] == [engine.state["events"].id]
    assert outs["status"] == "active"
    assert outs["created_at"].startswith("20")
    assert outs["created_by"].endswith(".example")
    assert outs.get("failure_message") is None  # null outputs are dropped on the wire
    for key, value in engine.state["events"].inputs.items():
        assert outs[key] == value
    assert calls(api) == [("POST", "/")]


def test_second_up_without_change_is_empty_and_calls_no_api(engine: Engine, api: Emulator) -> None:
    engine.up("events", s3_spec())
    api.app.clear_requests()
    for news in (s3_spec(), s3_spec(project_id=float(PROJECT)), s3_spec(project_id=str(PROJECT))):
        assert engine.preview("events", news).op == "same"
        assert engine.up("events", news).op == "same"
    assert api.app.requests() == []


def test_defaults_and_key_order_cause_no_perpetual_diff(engine: Engine) -> None:
    news = gcs_spec()
    news["connector_properties"] = {"gcs_bucket": "acme-people"}
    news["category_properties"] = {"data_format": "mixpanel_people"}
    engine.up("people", news)
    reordered = dict(reversed(list(copy.deepcopy(news).items())))
    assert engine.up("people", reordered).op == "same"
    engine.refresh("people")
    assert engine.up("people", news).op == "same"


def test_changing_bucket_replaces_connector(engine: Engine, api: Emulator) -> None:
    first = engine.up("events", s3_spec()).outputs["connector_id"]
    api.app.clear_requests()
    news = s3_spec()
    news["connector_properties"]["s3_bucket"] = "acme-events-v2"
    assert engine.preview("events", news).replaces == ["connector_properties"]
    assert api.app.requests() == []
    step = engine.up("events", news)
    assert step.op == "replace"
    assert step.replaces == ["connector_properties"]
    assert step.calls == ["Check", "Diff", "Check", "Delete", "Create"]
    assert calls(api) == [("DELETE", f"/{first}"), ("POST", "/")]
    assert live_ids(api) == [step.outputs["connector_id"]]
    assert step.outputs["connector_properties"]["s3_bucket"] == "acme-events-v2"


def test_unknown_value_in_preview_of_an_existing_connector_is_a_replacement(engine: Engine) -> None:
    engine.up("events", s3_spec())
    news = s3_spec()
    news["connector_properties"]["s3_role"] = UNKNOWN
    step = engine.preview("events", news)
    assert (step.op, step.replaces) == ("replace", ["connector_properties"])


def test_refresh_shows_drift_made_behind_pulumis_back(engine: Engine, api: Emulator) -> None:
    engine.up("events", s3_spec())
    item = api.app.store.get(PROJECT, engine.state["events"].id)
    assert item is not None
    drifted = copy.deepcopy(item.record)
    drifted["label"] = "renamed in the UI"
    drifted["category_properties"]["compression"] = "none"
    api.app.store.delete(PROJECT, item.connector_id)
    api.app.store.add(StoredConnector(PROJECT, drifted, item.created_ts))

    step = engine.refresh("events")
    assert step.outputs["label"] == "renamed in the UI"
    assert engine.state["events"].inputs["label"] == "renamed in the UI"
    plan = engine.preview("events", s3_spec())
    assert (plan.op, plan.replaces) == ("replace", ["label", "category_properties"])


def test_refresh_of_an_unchanged_connector_sends_no_inputs(engine: Engine) -> None:
    """The engine keeps the old inputs when Read sends none (RefreshStep.Apply)."""
    engine.up("events", s3_spec(wait_for_import={"timeout_seconds": 60}))
    old = engine.state["events"]
    id_, outs, inputs = engine.host.read("events", old.id, old.outputs, old.inputs)
    assert (id_, inputs) == (old.id, None)
    assert outs["connector_id"] == old.id
    engine.refresh("events")
    assert engine.state["events"].inputs == old.inputs
    assert engine.up("events", s3_spec(wait_for_import={"timeout_seconds": 60})).op == "same"


def test_refresh_of_a_changed_connector_sends_the_inputs_that_declare_it(
    engine: Engine, api: Emulator
) -> None:
    engine.up("events", s3_spec())
    old = engine.state["events"]
    item = api.app.store.get(PROJECT, old.id)
    assert item is not None
    drifted = copy.deepcopy(item.record)
    drifted["connector_properties"]["s3_prefix"] = "moved/"
    api.app.store.delete(PROJECT, item.connector_id)
    api.app.store.add(StoredConnector(PROJECT, drifted, item.created_ts))

    _, _, inputs = engine.host.read("events", old.id, old.outputs, old.inputs)
    assert inputs is not None
    assert inputs["connector_properties"] == {
        **old.inputs["connector_properties"],
        "s3_prefix": "moved/",
    }
    assert {k: v for k, v in inputs.items() if k != "connector_properties"} == {
        k: v for k, v in old.inputs.items() if k != "connector_properties"
    }


def test_refresh_of_a_connector_deleted_behind_pulumis_back_drops_it(
    engine: Engine, api: Emulator
) -> None:
    engine.up("events", s3_spec())
    api.app.store.delete(PROJECT, engine.state["events"].id)
    assert engine.refresh("events").op == "gone"
    assert "events" not in engine.state
    assert engine.up("events", s3_spec()).op == "create"
    assert len(live_ids(api)) == 1


def test_get_reads_an_existing_connector_by_id_or_project_and_id(
    engine: Engine, api: Emulator
) -> None:
    created = engine.up("events", s3_spec()).outputs
    by_id = engine.get("lookup", created["connector_id"])
    by_project = engine.get("lookup2", f"{PROJECT}:{created['connector_id']}")
    for step in (by_id, by_project):
        assert step.outputs["connector_id"] == created["connector_id"]
        assert step.outputs["connector_properties"] == created["connector_properties"]
        assert step.outputs["project_id"] == PROJECT


def made_elsewhere(api: Emulator, spec: dict[str, Any]) -> str:
    """A connector created outside this stack (by hand, or by another tool)."""
    with MixpanelClient("demo", SECRET, base_url=api.url, retry=FAST_RETRY) as client:
        return client.create_connector(PROJECT, spec).connector_id


def test_adoption_takes_an_existing_connector_without_creating_one(
    engine: Engine, api: Emulator
) -> None:
    existing = made_elsewhere(api, s3_spec())
    api.app.clear_requests()
    step = engine.up("events", s3_spec(existing_connector_id=existing))
    assert step.outputs["connector_id"] == existing
    assert calls(api) == [("GET", f"/{existing}")]
    assert live_ids(api) == [existing]
    without = engine.up("events", s3_spec())
    assert without.op == "same"


def test_adoption_of_a_different_connector_fails_listing_every_difference(
    engine: Engine, api: Emulator
) -> None:
    existing = made_elsewhere(api, gcs_spec())
    news = gcs_spec(label="other", existing_connector_id=existing)
    news["connector_properties"]["gcs_prefix"] = "people/"
    with pytest.raises(ProviderCallError) as caught:
        engine.up("events", news)
    message = caught.value.message
    assert f"connector {existing} in project {PROJECT} does not match" in message
    assert "label: live 'people', declared 'other'" in message
    assert "connector_properties.gcs_prefix: live 'users/', declared 'people/'" in message
    assert "events" not in engine.state
    assert len(live_ids(api)) == 1


def test_adoption_of_a_missing_connector_says_it_is_not_found(engine: Engine) -> None:
    with pytest.raises(ProviderCallError, match="adopting connector nope in project"):
        engine.up("events", s3_spec(existing_connector_id="nope"))


def test_destroy_deletes_and_an_already_deleted_connector_is_fine(
    engine: Engine, api: Emulator
) -> None:
    engine.up("a", s3_spec())
    engine.up("b", gcs_spec())
    engine.destroy("a")
    api.app.store.delete(PROJECT, engine.state["b"].id)
    engine.destroy("b")
    assert live_ids(api) == []


def test_invalid_input_is_a_check_failure_over_grpc_never_a_crash(engine: Engine) -> None:
    bad: dict[str, Any] = {
        "connector_type": "s3Import",
        "connector_properties": {"s3_bucket": 12, "s3_region": ["x"], "s3_role": {"a": None}},
        "category_properties": {"data_format": None, "property_remap": 5},
        "label": 3.5,
    }
    with pytest.raises(CheckFailed) as caught:
        engine.up("events", bad)
    paths = {f.property for f in caught.value.failures}
    assert {
        "connector_properties.s3_bucket",
        "connector_properties.s3_region",
        "connector_properties.s3_role",
        "category_properties.data_format",
        "label",
    } <= paths


def test_api_errors_surface_as_one_clear_message(engine: Engine, api: Emulator) -> None:
    api.app.faults.configure({"queue": [{"method": "POST", "status": 403}]})
    with pytest.raises(ProviderCallError) as caught:
        engine.up("events", s3_spec())
    assert caught.value.message == (
        "mixpanel_connectors.ConnectorError: creating the connector in project "
        f"{PROJECT} failed: POST /api/app/projects/{PROJECT}/connectors/: HTTP 403: injected "
        "fault: HTTP 403 (give the service account a role on this project, or use another "
        "project id)"
    )
    assert "During handling" not in caught.value.details


def test_inputs_are_read_from_the_outputs_named_as_their_sources(engine: Engine) -> None:
    """Read trusts INPUT_SOURCES to skip rebuilding inputs when none of them changed."""
    made = engine.up("events", s3_spec(wait_for_import={"timeout_seconds": 60})).outputs
    outs = {**made, "declared_keys": {"connector_properties": ["s3_bucket", "s3_role"]}}
    before = inputs_from_outputs(outs)
    others = [key for key in outs if key not in INPUT_SOURCES]
    assert {"connector_id", "status", "created_at", "last_import"} <= set(others)
    for key in others:
        assert inputs_from_outputs({**outs, key: "changed"}) == before, key
    for key in INPUT_SOURCES:
        if key in outs:
            assert inputs_from_outputs({**outs, key: {"x": "changed"}}) != before, key


def test_the_client_follows_the_settings_configure_gives() -> None:
    lifecycle = Lifecycle(
        Settings(service_account="sa", secret=SECRET, base_url="http://127.0.0.1:1")
    )
    first = lifecycle.client("us")
    assert lifecycle.client("us") is first
    assert lifecycle.client("eu") is not first
    lifecycle.configure({"mixpanel:serviceAccount": "sa", "mixpanel:serviceAccountSecret": SECRET,
                         "mixpanel:baseUrl": "http://127.0.0.1:2"})  # fmt: skip
    assert lifecycle.client("us").base_url == "http://127.0.0.1:2"
