"""One live connector is managed by exactly one resource, through adoption and replacement."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest
from pulumi.output import Unknown

from mixpanel_connectors import MixpanelClient
from mixpanel_connectors._lifecycle.config import Settings
from mixpanel_connectors._lifecycle.core import Lifecycle
from mixpanel_connectors._lifecycle.ledger import Ledger
from mixpanel_connectors._lifecycle.ownership import _fingerprint
from mixpanel_connectors._lifecycle.translate import UNKNOWN_SENTINEL
from mixpanel_connectors.emulator import Emulator
from mixpanel_connectors.testing import (
    UNKNOWN,
    CheckFailed,
    Engine,
    ProviderCallError,
    ProviderHost,
)
from tests.conftest import FAST_RETRY, PROJECT, SECRET, gcs_spec, s3_spec, stack_config


def made_elsewhere(api: Emulator, spec: dict[str, Any]) -> str:
    with MixpanelClient("demo", SECRET, base_url=api.url, retry=FAST_RETRY) as client:
        return client.create_connector(PROJECT, spec).connector_id


def live_ids(api: Emulator) -> list[str]:
    items, _ = api.app.store.page(PROJECT, 0, 1000)
    return [item.connector_id for item in items]


def test_replacing_an_adopted_connector_creates_a_new_one(engine: Engine, api: Emulator) -> None:
    adopted = made_elsewhere(api, s3_spec())
    engine.up("events", s3_spec(existing_connector_id=adopted))
    moved = s3_spec(existing_connector_id=adopted)
    moved["connector_properties"]["s3_prefix"] = "v2/"
    step = engine.up("events", moved)
    assert step.op == "replace"
    assert step.calls[-2:] == ["Delete", "Create"]
    new_id = step.outputs["connector_id"]
    assert new_id != adopted
    assert live_ids(api) == [new_id] == [engine.state["events"].id]
    assert engine.up("events", moved).op == "same"


def test_changing_existing_connector_id_fails_preview_naming_both_ids(
    engine: Engine, api: Emulator
) -> None:
    first, second = made_elsewhere(api, s3_spec()), made_elsewhere(api, s3_spec(label="b"))
    engine.up("events", s3_spec(existing_connector_id=first))
    with pytest.raises(ProviderCallError) as caught:
        engine.preview("events", s3_spec(existing_connector_id=second))
    assert first in caught.value.message and second in caught.value.message
    assert "pulumi state delete" in caught.value.message
    assert engine.state["events"].id == first


def test_adding_existing_connector_id_to_a_created_resource_fails_preview(
    engine: Engine, api: Emulator
) -> None:
    engine.up("events", s3_spec())
    other = made_elsewhere(api, s3_spec(label="elsewhere"))
    with pytest.raises(ProviderCallError, match="read only when the resource is first created"):
        engine.preview("events", s3_spec(existing_connector_id=other))


def test_removing_existing_connector_id_changes_nothing(engine: Engine, api: Emulator) -> None:
    adopted = made_elsewhere(api, s3_spec())
    engine.up("events", s3_spec(existing_connector_id=adopted))
    assert engine.preview("events", s3_spec()).op in ("same", "update")
    engine.up("events", s3_spec())
    assert engine.state["events"].id == adopted


def test_two_resources_adopting_one_connector_are_refused_naming_both(
    engine: Engine, api: Emulator
) -> None:
    adopted = made_elsewhere(api, s3_spec())
    engine.up("a", s3_spec(existing_connector_id=adopted))
    with pytest.raises(CheckFailed) as caught:
        engine.up("b", s3_spec(existing_connector_id=adopted))
    failure = caught.value.failures[0]
    assert failure.property == "existing_connector_id"
    assert "Connector 'a'" in failure.reason and "Connector 'b'" in failure.reason
    assert adopted in failure.reason
    assert "b" not in engine.state


def test_adopting_a_connector_another_resource_created_is_refused(
    engine: Engine, api: Emulator
) -> None:
    created = engine.up("a", gcs_spec()).outputs["connector_id"]
    with pytest.raises(CheckFailed) as caught:
        engine.up("b", gcs_spec(existing_connector_id=created))
    reasons = " ".join(f.reason for f in caught.value.failures)
    assert "'a'" in reasons and "'b'" in reasons
    assert live_ids(api) == [created]


def test_a_connector_two_resources_hold_in_state_fails_the_diff_naming_both(
    engine: Engine, api: Emulator
) -> None:
    adopted = made_elsewhere(api, s3_spec())
    engine.up("a", s3_spec(existing_connector_id=adopted))
    engine.state["b"] = engine.state["a"]  # as two stacks' worth of state would hold it
    engine.preview("a", s3_spec(existing_connector_id=adopted))
    with pytest.raises(ProviderCallError, match="managed by both Connector 'a' and Connector 'b'"):
        engine.preview("b", s3_spec(label="b"))


def test_identical_connectors_are_refused_at_preview(engine: Engine) -> None:
    engine.preview("a", s3_spec())
    with pytest.raises(CheckFailed, match="Connectors 'a' and 'b' declare connectors that cannot"):
        engine.preview("b", s3_spec())
    engine.preview("b", s3_spec(label="another label"))


def test_a_spec_a_resource_moved_away_from_is_free_for_another(engine: Engine) -> None:
    engine.preview("a", s3_spec())
    engine.preview("a", s3_spec(label="moved"))
    engine.preview("b", s3_spec())
    with pytest.raises(CheckFailed, match="Connectors 'a' and 'c' declare"):
        engine.preview("c", s3_spec(label="moved"))


@pytest.mark.parametrize("status", [403, 400])
def test_a_replacement_whose_create_is_refused_says_the_old_connector_is_gone(
    engine: Engine, api: Emulator, status: int
) -> None:
    old = engine.up("events", s3_spec()).outputs["connector_id"]
    moved = s3_spec()
    moved["connector_properties"]["s3_prefix"] = "v2/"
    api.app.faults.configure({"queue": [{"method": "POST", "status": status}]})
    with pytest.raises(ProviderCallError) as caught:
        engine.up("events", moved)
    message = caught.value.message
    assert f"The old connector {old} was already deleted by this replacement" in message
    assert "run `pulumi up` again" in message
    assert live_ids(api) == []


def test_changing_the_region_while_a_base_url_is_set_replaces_nothing(engine: Engine) -> None:
    engine.up("events", s3_spec(region="us"))
    assert engine.preview("events", s3_spec(region="eu")).op == "same"


def test_refresh_with_the_whole_project_missing_fails_instead_of_dropping_the_connector(
    engine: Engine, api: Emulator
) -> None:
    made = engine.up("events", s3_spec()).outputs["connector_id"]
    projects = api.app.accounts.projects
    api.app.accounts.projects = ()
    try:
        with pytest.raises(ProviderCallError, match=f"project {PROJECT} was not found"):
            engine.refresh("events")
        with pytest.raises(ProviderCallError, match="may still exist"):
            engine.destroy("events")
    finally:
        api.app.accounts.projects = projects
    assert engine.state["events"].id == made
    assert live_ids(api) == [made]


def test_a_connector_deleted_behind_pulumis_back_still_leaves_state_on_refresh(
    engine: Engine, api: Emulator
) -> None:
    made = engine.up("events", s3_spec()).outputs["connector_id"]
    api.app.store.delete(PROJECT, made)
    assert engine.refresh("events").op == "gone"


def test_an_unknown_existing_connector_id_never_fails_preview(engine: Engine) -> None:
    engine.preview("a", s3_spec(label="a", existing_connector_id=UNKNOWN))
    engine.preview("b", s3_spec(label="b", existing_connector_id=UNKNOWN))


def test_declaring_the_connector_a_resource_already_manages_is_accepted(
    engine: Engine, api: Emulator
) -> None:
    own = engine.up("events", s3_spec()).outputs["connector_id"]
    assert engine.preview("events", s3_spec(existing_connector_id=own)).op in ("same", "update")
    adopted = made_elsewhere(api, s3_spec(label="adopted"))
    engine.up("other", s3_spec(label="adopted", existing_connector_id=adopted))
    engine.up("other", s3_spec(label="adopted", wait_for_import={"timeout_seconds": 5}))
    back = s3_spec(label="adopted", existing_connector_id=adopted)
    assert engine.preview("other", back).op in ("same", "update")


def test_adopting_two_identical_live_connectors_is_allowed(engine: Engine, api: Emulator) -> None:
    first, second = made_elsewhere(api, s3_spec()), made_elsewhere(api, s3_spec())
    engine.up("c1", s3_spec(existing_connector_id=first))
    engine.up("c2", s3_spec(existing_connector_id=second))
    assert {engine.state["c1"].id, engine.state["c2"].id} == {first, second}


def test_specs_told_apart_only_by_a_region_the_server_fills_are_refused(engine: Engine) -> None:
    declared = gcs_spec()
    declared["connector_properties"]["gcs_region"] = "us"
    engine.preview("g1", declared)
    with pytest.raises(CheckFailed, match="cannot be told apart"):
        engine.preview("g2", gcs_spec())


def test_moving_an_adopted_connector_to_a_renamed_resource_keeps_it_alive(
    engine: Engine, api: Emulator, start_host: Callable[..., ProviderHost]
) -> None:
    adopted = made_elsewhere(api, s3_spec())
    engine.up("events", s3_spec(existing_connector_id=adopted))
    next_deployment = start_host()
    next_deployment.configure(stack_config(api.url))
    engine.host = next_deployment
    engine.up("events-v2", s3_spec(existing_connector_id=adopted))
    engine.destroy("events")  # the engine deletes the old resource after creating the new
    assert live_ids(api) == [adopted]
    assert engine.refresh("events-v2").op == "refresh"


def test_a_failed_replacement_of_an_adopted_connector_says_to_drop_the_dead_id(
    engine: Engine, api: Emulator
) -> None:
    adopted = made_elsewhere(api, s3_spec())
    engine.up("events", s3_spec(existing_connector_id=adopted))
    moved = s3_spec(existing_connector_id=adopted)
    moved["connector_properties"]["s3_prefix"] = "v2/"
    api.app.faults.configure({"queue": [{"method": "POST", "status": 403}]})
    with pytest.raises(ProviderCallError) as caught:
        engine.up("events", moved)
    assert f"remove existing_connector_id (it names the deleted {adopted})" in caught.value.message
    del moved["existing_connector_id"]
    assert engine.up("events", moved).op == "create"
    assert len(live_ids(api)) == 1


@pytest.mark.parametrize(
    "queue",
    [
        [
            {"method": "DELETE", "status": 500, "mode": "lose_response"},
            {"method": "DELETE", "status": 429},
            {"method": "DELETE", "status": 429},
        ],
        [
            {"method": "DELETE", "status": "drop", "mode": "lose_response"},
            {"method": "DELETE", "status": 403},
        ],
    ],
    ids=["500-after-deleting-then-429s", "drop-after-deleting-then-403"],
)
def test_a_delete_that_worked_before_its_errors_is_a_deletion(
    engine: Engine, api: Emulator, queue: list[dict[str, Any]]
) -> None:
    engine.up("events", s3_spec())
    api.app.faults.configure({"queue": queue, "retry_after": 0})
    engine.destroy("events")
    assert live_ids(api) == []


def test_a_delete_refused_says_the_connector_still_exists(engine: Engine, api: Emulator) -> None:
    made = engine.up("events", s3_spec()).outputs["connector_id"]
    api.app.faults.configure({"queue": [{"method": "DELETE", "status": 403}]})
    with pytest.raises(ProviderCallError, match="It still exists"):
        engine.destroy("events")
    assert live_ids(api) == [made]


def test_the_ledger_names_a_twin_until_it_declares_something_else() -> None:
    ledger = Ledger()
    assert ledger.declare("a", b"spec-1") is None
    assert ledger.declare("b", b"spec-1") == "a"
    assert ledger.declare("c", b"spec-1") == "a"
    assert ledger.declare("a", b"spec-2") is None  # a moved away: b and c are still twins
    assert ledger.declare("b", b"spec-1") == "c"
    assert ledger.declare("c", b"spec-3") is None
    assert ledger.declare("b", b"spec-1") is None  # alone again
    assert ledger.declare("b", b"spec-1") is None  # declaring again changes nothing
    assert ledger.declare("d", b"spec-2") == "a"


@pytest.mark.parametrize(
    "label",
    [f"copy of {UNKNOWN_SENTINEL}", f"'{UNKNOWN_SENTINEL}'", f"\"{UNKNOWN_SENTINEL}\" and 'x'"],
    ids=["inside", "single-quoted", "double-quoted"],
)
def test_twins_whose_label_merely_contains_the_unknown_marker_are_still_twins(label: str) -> None:
    lifecycle = Lifecycle(Settings(service_account="demo", secret=SECRET, project_id=PROJECT))
    news = s3_spec(label=label)
    assert lifecycle.check({}, {**news, "resource_name": "a"}).problems == []
    problems = lifecycle.check({}, {**news, "resource_name": "b"}).problems
    assert any("cannot be told apart" in reason for _, reason in problems)


def _remapped(order: list[str]) -> dict[str, Any]:
    columns = {"event_name": "name", "time": "ts", "distinct_id": "user"}
    spec = s3_spec(
        category_properties={
            "data_format": "remap_event",
            "property_remap": {k: columns[k] for k in order},
        }
    )
    props = spec["connector_properties"]
    spec["connector_properties"] = {k: props[k] for k in reversed(list(props))}
    return spec


def test_twins_declared_with_their_keys_in_another_order_are_refused() -> None:
    lifecycle = Lifecycle(Settings(service_account="demo", secret=SECRET, project_id=PROJECT))
    first = _remapped(["event_name", "time", "distinct_id"])
    second = _remapped(["distinct_id", "event_name", "time"])
    second = {k: second[k] for k in reversed(list(second))}
    assert lifecycle.check({}, {**first, "resource_name": "a"}).problems == []
    problems = lifecycle.check({}, {**second, "resource_name": "b"}).problems
    assert any("Connectors 'a' and 'b'" in reason for _, reason in problems)


@pytest.mark.parametrize("where", ["label", "s3_prefix", "property_remap"])
def test_specs_equal_but_for_a_value_not_yet_known_are_not_refused(where: str) -> None:
    lifecycle = Lifecycle(Settings(service_account="demo", secret=SECRET, project_id=PROJECT))
    spec = _remapped(["event_name", "time", "distinct_id"])
    if where == "label":
        spec["label"] = Unknown()
    elif where == "s3_prefix":
        spec["connector_properties"]["s3_prefix"] = Unknown()
    else:
        spec["category_properties"]["property_remap"]["time"] = Unknown()
    for name in ("a", "b"):
        problems = lifecycle.check({}, {**copy.deepcopy(spec), "resource_name": name}).problems
        assert problems == [], problems


def test_the_fingerprint_keeps_apart_what_json_keeps_apart_and_never_raises() -> None:
    """Beyond what Pulumi sends (lists, text keys), as the JSON fingerprint it replaced did."""
    base = {**s3_spec(), "project_id": PROJECT}
    assert _fingerprint({**base, "category_properties": {}}) != _fingerprint(
        {**base, "category_properties": []}
    )
    assert _fingerprint({**base, "category_properties": (1, Unknown())}) is None
    assert _fingerprint({**base, "category_properties": {1: "a", "b": "c"}}) is None
