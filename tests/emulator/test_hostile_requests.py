"""Hostile requests get a clear 4xx and the emulator keeps serving: no 500, no dropped line."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from mixpanel_connectors.emulator import Emulator
from tests.conftest import PROJECT, SECRET, s3_spec

AUTH = ("demo", SECRET)
COLLECTION = f"/api/app/projects/{PROJECT}/connectors/"
DEEP = b'{"a": ' * 1000 + b"1" + b"}" * 1000


@pytest.fixture(params=["memory", "sqlite"])
def emulator(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Emulator]:
    data = tmp_path / "state.db" if request.param == "sqlite" else None
    with Emulator(port=0, run_delay_ms=10, data=data) as emu:
        yield emu


def message(answer: requests.Response) -> str:
    body = answer.json()
    return str(body.get("error") or body.get("message"))


def still_serving(emulator: Emulator) -> None:
    answer = requests.get(emulator.url + COLLECTION, auth=AUTH, timeout=5)
    assert answer.status_code == 200


@pytest.mark.parametrize("path", [COLLECTION, "/_emulator/faults", "/_emulator/config"])
def test_a_body_nested_a_thousand_deep_is_a_400(emulator: Emulator, path: str) -> None:
    answer = requests.post(emulator.url + path, data=DEEP, auth=AUTH, timeout=5)
    assert answer.status_code == 400
    assert "nested" in message(answer)
    still_serving(emulator)


@pytest.mark.parametrize("constant", [b"NaN", b"Infinity", b"-Infinity"])
def test_nan_and_infinity_in_a_body_are_a_400(emulator: Emulator, constant: bytes) -> None:
    spec = s3_spec(label="x")
    body = json.dumps(spec).encode()
    body = body.replace(b'"label": "x"', b'"label": "x", "extra": ' + constant)
    answer = requests.post(emulator.url + COLLECTION, data=body, auth=AUTH, timeout=5)
    assert answer.status_code == 400
    still_serving(emulator)


@pytest.mark.parametrize(
    "project", ["\u0661\u0662\u0663", "\u00b2", "9" * 5000, str(2**63 + 1), str(2**64)]
)
def test_project_ids_that_are_not_small_ascii_numbers_are_not_found(
    emulator: Emulator, project: str
) -> None:
    url = f"{emulator.url}/api/app/projects/{project}/connectors/"
    assert requests.get(url, auth=AUTH, timeout=5).status_code == 404
    assert requests.post(url, json=s3_spec(), auth=AUTH, timeout=5).status_code == 404
    imported = requests.get(f"{emulator.url}/_emulator/imported?project={project}", timeout=5)
    assert imported.status_code == 400
    still_serving(emulator)


@pytest.mark.parametrize("page", ["\u00b2", "\u0663", "9" * 5000, str(2**62), str(2**64), "0"])
def test_pages_that_are_not_small_ascii_numbers_are_a_400(emulator: Emulator, page: str) -> None:
    answer = requests.get(f"{emulator.url}{COLLECTION}?page={page}", auth=AUTH, timeout=5)
    assert answer.status_code == 400
    assert "page" in message(answer)
    still_serving(emulator)


@pytest.mark.parametrize(
    "spec",
    [
        b'{"latency_ms": Infinity}',
        b'{"latency_ms": NaN}',
        b'{"latency_ms": 1e308}',
        b'{"fail_rate": NaN}',
        b'{"fail_rate": true}',
        b'{"retry_after": 1e308}',
        b'{"retry_after": 100000000000000000000}',
        b'{"seed": {}}',
        b'{"seed": [1]}',
        b'{"statuses": 503}',
        b'{"statuses": [true]}',
        b'{"queue": {}}',
        b'{"queue": [{"path_contains": 5}]}',
        b'{"queue": [{"method": 5}]}',
        b'{"queue": [{"status": 503, "extra": 1}]}',
        b"[]",
    ],
)
def test_fault_settings_of_the_wrong_type_or_size_are_a_400(
    emulator: Emulator, spec: bytes
) -> None:
    answer = requests.post(f"{emulator.url}/_emulator/faults", data=spec, timeout=5)
    assert answer.status_code == 400
    assert "fault settings" in message(answer) or "JSON" in message(answer)
    still_serving(emulator)
