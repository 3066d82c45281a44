"""The client against the emulator over real HTTP: every endpoint and every documented shape."""

from __future__ import annotations

import time

import pytest
import requests

from mixpanel_connectors import (
    ConfigurationError,
    MixpanelClient,
    NotFoundError,
    S3ConnectorSpec,
)
from mixpanel_connectors.emulator import Emulator
from tests.conftest import FAST_RETRY, PROJECT, SECRET, api_requests, gcs_spec, s3_spec


def test_create_returns_the_connector_as_stored(client: MixpanelClient) -> None:
    created = client.create_connector(PROJECT, s3_spec())
    assert created.connector_type == "s3Import"
    assert created.connector_properties["s3_bucket"] == "acme-events"
    assert created.category_properties["compression"] == "gzip"
    assert created.status == "active"
    assert created.created_at is not None
    assert created.created_by and "@" in created.created_by
    assert client.get_connector(PROJECT, created.connector_id) == created


def test_create_accepts_a_validated_spec_model(client: MixpanelClient) -> None:
    spec = S3ConnectorSpec.model_validate(
        {k: v for k, v in s3_spec().items() if k != "connector_type"}
    )
    assert client.create_connector(PROJECT, spec).label == "events"


def test_gcs_connector_keeps_the_region_the_server_adds(client: MixpanelClient) -> None:
    created = client.create_connector(PROJECT, gcs_spec())
    assert created.connector_properties == {
        "gcs_bucket": "acme-people",
        "gcs_prefix": "users/",
        "gcs_region": "us",
    }


def test_bad_spec_is_rejected_before_any_request(
    client: MixpanelClient, emulator: Emulator
) -> None:
    with pytest.raises(ValueError, match="s3_region"):
        client.create_connector(PROJECT, s3_spec(connector_properties={"s3_bucket": "b-b-b"}))
    assert api_requests(emulator) == []


@pytest.mark.parametrize("project_id", [PROJECT, str(PROJECT), float(PROJECT), f" {PROJECT} "])
def test_project_id_is_sent_as_an_integer(
    client: MixpanelClient, emulator: Emulator, project_id: object
) -> None:
    client.create_connector(project_id, s3_spec())
    assert api_requests(emulator)[-1]["path"] == f"/api/app/projects/{PROJECT}/connectors/"


@pytest.mark.parametrize("project_id", [0, -1, 1.5, "12a", True, None, float("nan")])
def test_invalid_project_id_is_a_configuration_error(
    client: MixpanelClient, emulator: Emulator, project_id: object
) -> None:
    with pytest.raises(ConfigurationError, match="positive integer"):
        client.get_connector(project_id, "abc")
    assert api_requests(emulator) == []


def test_list_follows_pagination_across_pages() -> None:
    with Emulator(port=0, page_size=2) as emu:
        client = MixpanelClient("demo", "demo-secret", base_url=emu.url, retry=FAST_RETRY)
        ids = [client.create_connector(PROJECT, s3_spec()).connector_id for _ in range(5)]
        assert [c.connector_id for c in client.list_connectors(PROJECT)] == ids
        gets = api_requests(emu, "GET")
        assert [g["query"] for g in gets] == ["", "page=2", "page=3"]


def test_list_of_an_empty_project_is_empty(client: MixpanelClient) -> None:
    assert list(client.list_connectors(PROJECT)) == []


def test_delete_removes_the_connector(client: MixpanelClient) -> None:
    created = client.create_connector(PROJECT, s3_spec())
    message = client.delete_connector(PROJECT, created.connector_id)
    assert created.connector_id in message
    with pytest.raises(NotFoundError):
        client.get_connector(PROJECT, created.connector_id)


def test_history_moves_from_queued_to_success(client: MixpanelClient) -> None:
    created = client.create_connector(PROJECT, s3_spec())
    first = client.connector_history(PROJECT, created.connector_id)
    assert [run.status for run in first] == ["queued"]
    import time

    time.sleep(0.15)
    (run,) = client.connector_history(PROJECT, created.connector_id)
    assert run.status == "success"
    assert run.progress == 1.0
    assert run.end_time is not None


@pytest.mark.parametrize(
    ("shape", "check"),
    [
        ({"create_shape": "bare"}, lambda c: c.connector_type == "s3Import"),
        ({"created_by_shape": "object"}, lambda c: c.created_by.endswith(".example")),
        ({"created_at_shape": "epoch"}, lambda c: c.created_at.year >= 2024),
    ],
)
def test_every_documented_response_shape_parses(
    client: MixpanelClient, emulator: Emulator, shape: dict[str, str], check: object
) -> None:
    emulator.app.set_shapes(shape)
    created = client.create_connector(PROJECT, s3_spec())
    assert callable(check) and check(created)
    assert check(client.get_connector(PROJECT, created.connector_id))


def test_delete_accepts_the_success_message_shape(
    client: MixpanelClient, emulator: Emulator
) -> None:
    emulator.app.set_shapes({"delete_shape": "success"})
    created = client.create_connector(PROJECT, s3_spec())
    assert created.connector_id in client.delete_connector(PROJECT, created.connector_id)


def test_region_picks_the_api_host() -> None:
    assert MixpanelClient("u", "s").base_url == "https://mixpanel.com"
    assert MixpanelClient("u", "s", region="eu").base_url == "https://eu.mixpanel.com"
    assert MixpanelClient("u", "s", region="in").base_url == "https://in.mixpanel.com"
    explicit = MixpanelClient("u", "s", region="eu", base_url="https://proxy.example/")
    assert explicit.base_url == "https://proxy.example"
    with pytest.raises(ConfigurationError, match="unknown region 'mars'"):
        MixpanelClient("u", "s", region="mars")


def test_an_emulator_started_with_the_spec_shapes_keeps_them_across_a_reset() -> None:
    with (
        Emulator(port=0, run_delay_ms=10, shapes="spec") as emu,
        MixpanelClient("demo", SECRET, base_url=emu.url, retry=FAST_RETRY) as client,
    ):
        emu.app.reset()
        body = requests.post(
            f"{emu.url}/api/app/projects/{PROJECT}/connectors/",
            json=gcs_spec(),
            auth=("demo", SECRET),
            timeout=5,
        )
        assert body.status_code == 201 and "results" not in body.json()
        assert body.json()["category_properties"]["frequency"] == "hourly"
        made = client.create_connector(PROJECT, gcs_spec(label="again"))
        assert made.created_by == "demo@service-account.mixpanel.example"
        time.sleep(0.05)
        (run,) = client.connector_history(PROJECT, made.connector_id)
        assert run.id is not None and run.status == "success"
