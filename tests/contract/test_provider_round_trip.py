"""The provider through the real dynamic-provider host against a server that answers only in the
documented sample shapes: a connector made from the create template and read back from the List
sample (with the `gcs_region` the server adds and `status: null`) plans no change, and
`wait_for_import` reads the documented runs.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from mixpanel_connectors import ConnectorProvider
from mixpanel_connectors.testing import Engine, ProviderHost
from tests.canned import Canned, CannedServer
from tests.conftest import stack_config
from tests.contract.samples import answer, sample

CONNECTOR = "232f40cc-7ccc-4da3-b9c3-d8c1d14142c6"


class Answers:
    """What the sample server says to a create, a read and a history read."""

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        listed = sample("list_page")["results"]["data"][0]
        created = dict(listed)
        created["status"] = "active"
        created["connector_properties"] = {"gcs_bucket": "acme-people", "gcs_prefix": "users/"}
        self.create: dict[str, Any] = {"status": "ok", "results": created}
        self.get: dict[str, Any] = {"status": "ok", "results": listed}
        self.history: dict[str, Any] = sample("history_success")

    def route(self, method: str, path: str) -> Canned | None:
        if method == "POST":
            return answer(self.create)
        if method == "GET" and path.endswith("/history"):
            return answer(self.history)
        if method == "GET" and re.search(r"/connectors/[^/]+$", path):
            return answer(self.get)
        if method == "DELETE":
            return answer({"status": "ok", "results": "deleted"})
        return answer({"status": "ok", "results": {"url": None, "has_more": False, "data": []}})


@pytest.fixture(scope="module")
def answers() -> Answers:
    return Answers()


@pytest.fixture(scope="module")
def server(answers: Answers) -> Iterator[CannedServer]:
    with CannedServer(router=answers.route) as canned:
        yield canned


@pytest.fixture(scope="module")
def host(server: CannedServer) -> Iterator[ProviderHost]:
    with ProviderHost(ConnectorProvider()) as h:
        h.configure(stack_config(server.url))
        yield h


@pytest.fixture
def engine(host: ProviderHost, answers: Answers) -> Engine:
    answers.reset()
    return Engine(host)


def template(**extra: Any) -> dict[str, Any]:
    """The create template of the contract for a GCS connector: no gcs_region, no compression."""
    return {
        "connector_type": "gcsImport",
        "connector_properties": {"gcs_bucket": "acme-people", "gcs_prefix": "users/"},
        "category_properties": {"data_format": "mixpanel_people"},
        **extra,
    }


def test_created_from_the_template_and_read_back_from_the_list_sample_plans_no_change(
    engine: Engine,
) -> None:
    created = engine.up("people", template())
    assert created.outputs["connector_id"] == CONNECTOR
    assert engine.up("people", template()).op == "same"
    refreshed = engine.refresh("people")
    assert refreshed.outputs["connector_properties"]["gcs_region"] == "us"
    assert "status" not in refreshed.outputs or refreshed.outputs["status"] is None
    # the sample adds gcs_region and answers compression with null: the declared keys are kept
    assert refreshed.outputs["declared_keys"] == {
        "connector_properties": ["gcs_bucket", "gcs_prefix"],
        "category_properties": ["compression", "data_format"],
    }
    assert engine.preview("people", template()).op == "same"
    assert engine.up("people", template()).op == "same"


def test_a_connector_answered_with_exactly_its_declared_keys_stores_none_twice(
    engine: Engine, answers: Answers
) -> None:
    """The List sample's S3 connector holds exactly what its program declares, so the outputs
    leave `declared_keys` out and read them off the property objects."""
    listed = sample("list_page")["results"]["data"][1]
    answers.create = {"status": "ok", "results": dict(listed)}
    answers.get = {"status": "ok", "results": dict(listed)}
    declared = {k: listed[k] for k in ("connector_type", "label", "connector_properties")}
    declared["category_properties"] = listed["category_properties"]
    made = engine.up("events", declared).outputs
    assert "declared_keys" not in made
    assert engine.refresh("events").outputs.get("declared_keys") is None
    assert engine.state["events"].inputs["connector_properties"] == listed["connector_properties"]
    assert engine.up("events", declared).op == "same"


def test_category_keys_the_server_adds_plan_no_change(engine: Engine, answers: Answers) -> None:
    for body in (answers.create, answers.get):
        body["results"]["category_properties"] = {
            "data_format": "mixpanel_people",
            "compression": None,
            "frequency": "hourly",
            "trial": False,
        }
    engine.up("people", template())
    engine.refresh("people")
    assert engine.up("people", template()).op == "same"


def test_a_declared_key_changed_on_the_server_still_replaces(
    engine: Engine, answers: Answers
) -> None:
    engine.up("people", template())
    answers.get["results"]["connector_properties"]["gcs_prefix"] = "elsewhere/"
    engine.refresh("people")
    step = engine.preview("people", template())
    assert (step.op, step.replaces) == ("replace", ["connector_properties"])


def test_adopting_a_connector_with_server_added_keys_is_not_refused(engine: Engine) -> None:
    step = engine.up("people", template(existing_connector_id=CONNECTOR))
    assert step.outputs["connector_id"] == CONNECTOR
    assert step.outputs["connector_properties"]["gcs_region"] == "us"


def test_wait_for_import_reports_the_documented_success_with_its_counts(engine: Engine) -> None:
    outs = engine.up("people", template(wait_for_import={"timeout_seconds": 5})).outputs
    last = outs["last_import"]
    assert last["status"] == "success"
    assert (last["num_events_imported"], last["num_events_processed"]) == (24, 26)
    assert (last["num_events_dropped"], last["num_files_imported"], last["size_imported"]) == (
        2,
        3,
        5120,
    )
    assert "error" not in last


def test_wait_for_import_reports_the_documented_failure_with_its_message(
    engine: Engine, answers: Answers
) -> None:
    answers.history = sample("history_failed")
    last = engine.up("people", template(wait_for_import={"timeout_seconds": 5})).outputs[
        "last_import"
    ]
    assert last["status"] == "failed"
    assert last["error"]["message"].startswith("Access Denied")
    assert last["error"]["code"] == "access_denied"
