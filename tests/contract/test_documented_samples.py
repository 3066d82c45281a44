"""The client reads every shape the contract documents, from sample answers over real HTTP.

Each sample in `samples/` is written from the facts in docs/api-contract.md ("Connector object",
"History", "Fields the server adds"), not from the emulator: the emulator and the client were
written from the same reading, so agreeing with each other proves nothing.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import Any

import pytest

from mixpanel_connectors import InvalidResponseError, MixpanelClient
from mixpanel_connectors._api import models
from mixpanel_connectors._api.import_runs import first_run, latest_run
from mixpanel_connectors._api.models import parse_api_time
from tests.canned import Canned, CannedServer
from tests.conftest import FAST_RETRY, SECRET, s3_spec
from tests.contract.samples import answer, run_body, sample

PROJECT = 1234567
CONNECTOR = "232f40cc-7ccc-4da3-b9c3-d8c1d14142c6"


def client_of(server: CannedServer) -> MixpanelClient:
    return MixpanelClient("demo", SECRET, base_url=server.url, retry=FAST_RETRY)


def test_wrapped_connector_sample_parses_with_server_added_region() -> None:
    with CannedServer(answer(sample("connector_get"))) as server, client_of(server) as client:
        connector = client.get_connector(PROJECT, CONNECTOR)
    assert connector.connector_id == CONNECTOR
    assert connector.connector_properties["gcs_region"] == "us"
    assert connector.created_at == datetime(2020, 9, 17, 2, 10, 33, 799738, tzinfo=timezone.utc)
    assert connector.created_by == "someone@example.com"


def test_bare_201_create_with_epoch_time_creator_object_and_extra_keys_parses() -> None:
    body = sample("create_bare_spec")
    with CannedServer(answer(body, 201)) as server, client_of(server) as client:
        connector = client.create_connector(PROJECT, s3_spec())
    assert connector.created_at == datetime.fromtimestamp(1600308633, tz=timezone.utc)
    assert connector.created_by == "someone@example.com"
    assert connector.category_properties["frequency"] == "hourly"
    assert connector.category_properties["trial"] is False


def test_list_sample_with_null_status_parses() -> None:
    with CannedServer(answer(sample("list_page"))) as server, client_of(server) as client:
        connectors = list(client.list_connectors(PROJECT))
    assert [c.status for c in connectors] == [None, None]
    assert connectors[0].connector_properties["gcs_region"] == "us"
    assert connectors[0].category_properties["compression"] is None


@pytest.mark.parametrize("name", ["connector_get", "list_page"])
def test_results_are_read_whether_or_not_status_is_there(name: str) -> None:
    body = sample(name)
    del body["status"]
    with CannedServer(answer(body)) as server, client_of(server) as client:
        found = (
            [client.get_connector(PROJECT, CONNECTOR)]
            if name == "connector_get"
            else list(client.list_connectors(PROJECT))
        )
    assert found and all(c.connector_id for c in found)


@pytest.mark.parametrize(
    "canned",
    [
        answer({"status": "ok", "results": f"Successfully deleted Connector with ID:{CONNECTOR}"}),
        answer({"status": "success", "message": "deleted"}),
        Canned(200, b"Deleted", {"Content-Type": "text/plain"}),
        Canned(200, b"<html>ok</html>", {"Content-Type": "text/html"}),
        Canned(204),
    ],
    ids=["ok", "success", "text", "html", "empty"],
)
def test_any_2xx_delete_is_a_deletion_whatever_its_body(canned: Canned) -> None:
    with CannedServer(canned) as server, client_of(server) as client:
        client.delete_connector(PROJECT, CONNECTOR)
        assert [r["method"] for r in server.seen] == ["DELETE"]


def test_documented_success_run_parses_with_nested_counters_and_go_times() -> None:
    with CannedServer(answer(sample("history_success"))) as server, client_of(server) as client:
        (run,) = client.connector_history(PROJECT, CONNECTOR)
    assert run.id == "a1b2c3d4e5f6"
    assert run.status == "success"
    assert run.start_time == datetime(2020, 9, 16, 7, 0, tzinfo=timezone.utc)
    assert run.end_time == datetime(2020, 9, 16, 7, 4, 12, tzinfo=timezone.utc)
    assert run.error is None
    assert (run.num_events_imported, run.num_events_processed, run.num_events_dropped) == (
        24,
        26,
        2,
    )
    assert (run.num_files_imported, run.size_imported) == (3, 5120)


def test_queued_run_has_no_id_no_times_and_no_error() -> None:
    with CannedServer(answer(sample("history_queued"))) as server, client_of(server) as client:
        (run,) = client.connector_history(PROJECT, CONNECTOR)
    assert (run.id, run.start_time, run.end_time, run.error) == (None, None, None, None)
    assert run.status == "queued"


def test_spec_run_shape_reads_run_id_epoch_times_error_type_and_keeps_unknown_counters() -> None:
    with CannedServer(answer(sample("history_spec"))) as server, client_of(server) as client:
        runs = client.connector_history(PROJECT, CONNECTOR)
    failed = next(r for r in runs if r.id == "run-1")
    assert failed.start_time == datetime.fromtimestamp(1588056062, tz=timezone.utc)
    assert failed.error is not None and failed.error.code == "invalid_file"
    assert "gzip: invalid header" in (failed.error.message or "")
    running = next(r for r in runs if r.id == "run-2")
    assert running.end_time is None and running.error is None
    assert running.counters["num_user_profiles_exported"] == 7
    assert running.num_events_imported == 3


def test_first_and_latest_runs_are_found_by_their_times_not_their_position() -> None:
    body = sample("history_out_of_order")
    with CannedServer(answer(body)) as server, client_of(server) as client:
        runs = client.connector_history(PROJECT, CONNECTOR)
    first, latest = first_run(runs), latest_run(runs)
    assert first is not None and first.id == "first"
    assert latest is not None and latest.status == "queued"
    assert first_run([]) is None and latest_run([]) is None


def test_history_follows_its_pages() -> None:
    page_one = sample("history_success")
    page_one["results"].update(has_more=True, url="/api/app/projects/1234567/x?page=2")
    page_two = sample("history_failed")

    def route(method: str, path: str) -> Canned | None:
        return answer(page_two) if path.endswith("page=2") else answer(page_one)

    with CannedServer(router=route) as server, client_of(server) as client:
        runs = client.connector_history(PROJECT, CONNECTOR)
    assert sorted(r.status or "" for r in runs) == ["failed", "success"]


@pytest.mark.parametrize(
    ("field", "value"),
    [("start_time", "yesterday at noon"), ("progress", "half"), ("error", 7)],
)
def test_an_unreadable_run_is_one_line_naming_the_endpoint_and_the_field(
    field: str, value: Any
) -> None:
    run = sample("history_success")["results"]["data"][0]
    run[field] = value
    with (
        CannedServer(answer(run_body(run))) as server,
        client_of(server) as client,
        pytest.raises(InvalidResponseError) as caught,
    ):
        client.connector_history(PROJECT, CONNECTOR)
    message = str(caught.value)
    assert "\n" not in message
    assert f"GET /api/app/projects/{PROJECT}/connectors/{CONNECTOR}/history" in message
    assert field in message
    assert "pydantic" not in message and "errors.pydantic.dev" not in message


def test_an_unreadable_connector_is_one_line_naming_the_field() -> None:
    body = sample("connector_get")
    body["results"]["created_at"] = "the other day"
    with (
        CannedServer(answer(body)) as server,
        client_of(server) as client,
        pytest.raises(InvalidResponseError) as caught,
    ):
        client.get_connector(PROJECT, CONNECTOR)
    message = str(caught.value)
    assert "\n" not in message and "created_at" in message and "pydantic" not in message


@pytest.mark.parametrize(
    ("change", "check"),
    [
        ({"start_time": "2020-09-16 07:00:00 +0000 +0000"}, lambda r: r.start_time.hour == 7),
        ({"start_time": "2020-09-16 00:00:00 -0700 -0700"}, lambda r: r.start_time.hour == 7),
        ({"start_time": "1600239600000"}, lambda r: r.start_time.year == 2020),
        ({"error": []}, lambda r: r.error is None),
        (
            {"connector_properties": {"num_events_imported": "24", "num_files_imported": "3"}},
            lambda r: (r.num_events_imported, r.num_files_imported) == (24, 3),
        ),
    ],
    ids=["go-numeric-zone", "go-negative-zone", "epoch-ms", "empty-error-list", "string-counters"],
)
def test_go_and_json_variants_of_a_run_are_read(change: dict[str, Any], check: Any) -> None:
    run = sample("history_success")["results"]["data"][0]
    run.update(change)
    with CannedServer(answer(run_body(run))) as server, client_of(server) as client:
        (parsed,) = client.connector_history(PROJECT, CONNECTOR)
    assert check(parsed)


@pytest.mark.parametrize(
    "body",
    [
        {"status": "ok", "results": None},
        {"status": "ok", "results": {"url": None, "has_more": False, "data": None}},
    ],
    ids=["results-null", "data-null"],
)
def test_an_empty_page_written_as_null_is_empty(body: dict[str, Any]) -> None:
    with CannedServer(answer(body)) as server, client_of(server) as client:
        assert list(client.list_connectors(PROJECT)) == []
        assert client.connector_history(PROJECT, CONNECTOR) == []


class Python310Datetime(datetime):
    """A datetime whose `fromisoformat` reads only what Python 3.10's does (which pyproject
    supports): no trailing Z, fractions of seconds of 3 or 6 digits."""

    @classmethod
    def fromisoformat(cls, text: str) -> Python310Datetime:
        if not PYTHON_310_ISO.fullmatch(text):
            raise ValueError(f"Invalid isoformat string: {text!r}")
        return super().fromisoformat(text)


PYTHON_310_ISO = re.compile(
    r"\d{4}-\d{2}-\d{2}([T ]\d{2}(:\d{2}(:\d{2}(\.(\d{3}|\d{6}))?)?)?([+-]\d{2}:\d{2})?)?"
)


def test_documented_times_are_read_on_python_310_too(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(models, "datetime", Python310Datetime)
    listed = sample("list_page")["results"]["data"]
    times = [sample("connector_get")["results"]["created_at"], *(c["created_at"] for c in listed)]
    read = [parse_api_time(text) for text in [*times, "2020-09-17T02:10:33.7997Z"]]
    utc = timezone.utc
    assert read[0] == datetime(2020, 9, 17, 2, 10, 33, 799738, tzinfo=utc)
    assert read[2] == datetime(2020, 9, 18, 11, 0, 0, tzinfo=utc)
    assert read[-1] == datetime(2020, 9, 17, 2, 10, 33, 799700, tzinfo=utc)
