"""The emulator as a server, spoken to with plain requests (not the client): routes and rules."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
import requests

from mixpanel_connectors.emulator import Emulator
from tests.conftest import PROJECT, SECRET, gcs_spec, s3_spec

AUTH = ("demo", SECRET)
COLLECTION = f"/api/app/projects/{PROJECT}/connectors/"


def post(emulator: Emulator, body: Any, **kwargs: Any) -> requests.Response:
    kwargs.setdefault("auth", AUTH)
    return requests.post(emulator.url + COLLECTION, json=body, timeout=5, **kwargs)


def stored(emulator: Emulator) -> list[dict[str, Any]]:
    response = requests.get(emulator.url + COLLECTION, auth=AUTH, timeout=5)
    return list(response.json()["results"]["data"])


def with_props(base: dict[str, Any], section: str, **changes: Any) -> dict[str, Any]:
    body = {**base, section: {**base[section], **changes}}
    body[section] = {k: v for k, v in body[section].items() if v is not ...}
    return body


@pytest.mark.parametrize(
    ("body", "kind", "prop"),
    [
        ({}, "missing_required_property", "connector_type"),
        (s3_spec(connector_type="ftpImport"), "invalid_property", "connector_type"),
        (with_props(s3_spec(), "connector_properties", s3_role=...), "missing_required_property",
         "connector_properties.s3_role"),
        (with_props(s3_spec(), "connector_properties", s3_region="us"), "invalid_property",
         "connector_properties.s3_region"),
        (with_props(s3_spec(), "connector_properties", s3_role="role"), "invalid_property",
         "connector_properties.s3_role"),
        (with_props(s3_spec(), "connector_properties", gcs_bucket="x"), "invalid_property",
         "connector_properties.gcs_bucket"),
        (with_props(gcs_spec(), "connector_properties", gcs_prefix=...),
         "missing_required_property", "connector_properties.gcs_prefix"),
        (with_props(s3_spec(), "category_properties", data_format="csv"), "invalid_property",
         "category_properties.data_format"),
        (with_props(s3_spec(), "category_properties", compression="zip"), "invalid_property",
         "category_properties.compression"),
        (with_props(s3_spec(), "category_properties", data_format="remap_event",
                    property_remap={"time": "ts"}), "missing_required_property",
         "category_properties.property_remap.event_name"),
        (with_props(s3_spec(), "category_properties", data_format="remap_group"),
         "missing_required_property", "category_properties.property_remap"),
        (s3_spec(connector_properties=[1]), "invalid_property", "connector_properties"),
        (s3_spec(label=5), "invalid_property", "label"),
        (s3_spec(paused=True), "invalid_property", "paused"),
    ],
)  # fmt: skip
def test_invalid_create_is_a_400_naming_the_property_and_stores_nothing(
    emulator: Emulator, body: dict[str, Any], kind: str, prop: str
) -> None:
    response = post(emulator, body)
    assert response.status_code == 400
    error = response.json()
    assert error["status"] == "error"
    assert error["type"] == kind
    assert error["details"] == {"property": prop}
    assert prop in error["message"]
    assert stored(emulator) == []


@pytest.mark.parametrize(
    ("data_format", "remap"),
    [
        ("remap_event", {"event_name": "e", "time": "t", "distinct_id": "d", "ip": "i"}),
        ("remap_people", {"$distinct_id": "user"}),
        ("remap_group", {"$group_key": "company", "$group_id": "cid"}),
    ],
)
def test_remap_formats_with_their_keys_are_created(
    emulator: Emulator, data_format: str, remap: dict[str, str]
) -> None:
    body = with_props(
        gcs_spec(), "category_properties", data_format=data_format, property_remap=remap
    )
    response = post(emulator, body)
    assert response.status_code == 200, response.text
    assert response.json()["results"]["category_properties"]["property_remap"] == remap


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"{not json", "Malformed JSON"),
        (b"[1, 2]", "must be a JSON object, got list"),
        (b"", "must be a JSON object"),
        (b"\xff\xfe", "Malformed JSON"),
    ],
)
def test_bodies_that_are_not_json_objects_are_rejected(
    emulator: Emulator, data: bytes, expected: str
) -> None:
    response = requests.post(
        emulator.url + COLLECTION, data=data, auth=AUTH, timeout=5,
        headers={"Content-Type": "text/plain"},
    )  # fmt: skip
    assert response.status_code == 400
    assert expected in response.json()["message"]
    assert stored(emulator) == []


def test_json_body_is_accepted_whatever_the_content_type(emulator: Emulator) -> None:
    import json

    response = requests.post(
        emulator.url + COLLECTION, data=json.dumps(s3_spec()), auth=AUTH, timeout=5,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )  # fmt: skip
    assert response.status_code == 200


def test_oversized_body_is_refused_and_the_server_keeps_serving(emulator: Emulator) -> None:
    big = s3_spec(label="x" * (2 << 20))
    response = post(emulator, big)
    assert response.status_code == 413
    assert stored(emulator) == []
    assert post(emulator, s3_spec()).status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        f"{COLLECTION}..%2F..%2Fetc%2Fpasswd",
        f"{COLLECTION}../../../_emulator/reset",
        f"{COLLECTION}%00",
        f"/api/app/projects/{PROJECT}/connectors/a/b/c",
        "/api/app/projects/12ab/connectors/",
        "/api/app/projects/",
    ],
)
def test_odd_paths_are_404_and_touch_nothing(emulator: Emulator, path: str) -> None:
    post(emulator, s3_spec())
    response = requests.delete(emulator.url + path, auth=AUTH, timeout=5)
    assert response.status_code in (404, 405)
    assert response.json()["status"] == "error"
    assert len(stored(emulator)) == 1


def test_unknown_credentials_are_401(emulator: Emulator) -> None:
    for auth in [None, ("demo", "wrong"), ("nobody", SECRET)]:
        response = requests.get(emulator.url + COLLECTION, auth=auth, timeout=5)
        assert response.status_code == 401
        assert response.json() == {
            "status": "error",
            "error": "Invalid service account credentials",
        }
    bad = requests.get(emulator.url + COLLECTION, headers={"Authorization": "Basic !!!"}, timeout=5)
    assert bad.status_code == 401


def test_slash_less_collection_is_a_301_to_the_slash_form(emulator: Emulator) -> None:
    response = requests.post(
        emulator.url + COLLECTION.rstrip("/") + "?x=1", json=s3_spec(), auth=AUTH,
        allow_redirects=False, timeout=5,
    )  # fmt: skip
    assert response.status_code == 301
    assert response.headers["Location"] == COLLECTION + "?x=1"
    assert stored(emulator) == []


def test_wrong_method_is_405(emulator: Emulator) -> None:
    response = requests.put(emulator.url + COLLECTION, json={}, auth=AUTH, timeout=5)
    assert response.status_code == 405
    assert response.headers["Allow"] == "GET, POST"


def test_bad_page_parameter_is_400(emulator: Emulator) -> None:
    response = requests.get(emulator.url + COLLECTION + "?page=0", auth=AUTH, timeout=5)
    assert response.status_code == 400


def test_concurrent_creates_from_eight_threads_are_all_stored(emulator: Emulator) -> None:
    statuses: list[int] = []

    def work() -> None:
        with requests.Session() as session:
            for _ in range(10):
                r = session.post(emulator.url + COLLECTION, json=s3_spec(), auth=AUTH, timeout=5)
                statuses.append(r.status_code)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [200] * 80
    ids = [c["connector_id"] for c in stored(emulator)]
    assert len(ids) == len(set(ids)) == 80


def test_data_file_keeps_every_connector_across_a_restart(tmp_path: Path) -> None:
    data = tmp_path / "state.sqlite"
    with Emulator(port=0, data=data) as first:
        created = [post(first, s3_spec()).json()["results"] for _ in range(3)]
        deleted = created.pop()
        requests.delete(f"{first.url}{COLLECTION}{deleted['connector_id']}", auth=AUTH, timeout=5)
    with Emulator(port=0, data=data) as second:
        assert stored(second) == [{**c, "status": None} for c in created]  # as List shows them
        one = requests.get(
            f"{second.url}{COLLECTION}{created[0]['connector_id']}", auth=AUTH, timeout=5
        )
        assert one.json()["results"] == created[0]


def test_data_file_store_serves_pages_in_creation_order(tmp_path: Path) -> None:
    with Emulator(port=0, data=tmp_path / "s.sqlite", page_size=2) as emu:
        ids = [post(emu, s3_spec()).json()["results"]["connector_id"] for _ in range(3)]
        page1 = requests.get(emu.url + COLLECTION, auth=AUTH, timeout=5).json()["results"]
        page2 = requests.get(emu.url + page1["url"], auth=AUTH, timeout=5).json()["results"]
        assert [c["connector_id"] for c in page1["data"] + page2["data"]] == ids
        assert page1["has_more"] and not page2["has_more"] and page2["url"] is None
