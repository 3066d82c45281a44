"""Test controls under /_emulator/: health, reset, request log, faults, response shapes, CLI."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
import requests

from mixpanel_connectors.emulator import Emulator
from tests.conftest import PROJECT, SECRET, s3_spec

AUTH = ("demo", SECRET)
COLLECTION = f"/api/app/projects/{PROJECT}/connectors/"


def control(emulator: Emulator, method: str, name: str, body: object = None) -> requests.Response:
    return requests.request(method, f"{emulator.url}/_emulator/{name}", json=body, timeout=5)


def test_health_answers_without_credentials(emulator: Emulator) -> None:
    assert control(emulator, "GET", "health").json() == {"status": "ok"}


def test_request_log_counts_api_calls_but_not_controls(emulator: Emulator) -> None:
    requests.post(emulator.url + COLLECTION, json=s3_spec(), auth=AUTH, timeout=5)
    requests.get(emulator.url + COLLECTION, auth=AUTH, timeout=5)
    log = control(emulator, "GET", "requests").json()["requests"]
    assert [(r["method"], r["path"], r["status"]) for r in log] == [
        ("POST", COLLECTION, 200),
        ("GET", COLLECTION, 200),
    ]
    control(emulator, "DELETE", "requests")
    assert control(emulator, "GET", "requests").json()["requests"] == []


def test_reset_forgets_connectors_faults_and_log(emulator: Emulator) -> None:
    requests.post(emulator.url + COLLECTION, json=s3_spec(), auth=AUTH, timeout=5)
    control(emulator, "POST", "faults", {"fail_rate": 0.5})
    control(emulator, "POST", "reset")
    assert control(emulator, "GET", "faults").json()["fail_rate"] == 0
    listing = requests.get(emulator.url + COLLECTION, auth=AUTH, timeout=5).json()
    assert listing["results"]["data"] == []


def test_lose_response_does_the_work_then_fails(emulator: Emulator) -> None:
    control(
        emulator,
        "POST",
        "faults",
        {"queue": [{"method": "POST", "status": 503, "mode": "lose_response"}]},
    )
    response = requests.post(emulator.url + COLLECTION, json=s3_spec(), auth=AUTH, timeout=5)
    assert response.status_code == 503
    listing = requests.get(emulator.url + COLLECTION, auth=AUTH, timeout=5).json()
    assert len(listing["results"]["data"]) == 1


def test_reject_fails_before_the_work(emulator: Emulator) -> None:
    control(emulator, "POST", "faults", {"queue": [{"method": "POST", "status": 503}]})
    assert (
        requests.post(emulator.url + COLLECTION, json=s3_spec(), auth=AUTH, timeout=5).status_code
        == 503
    )
    listing = requests.get(emulator.url + COLLECTION, auth=AUTH, timeout=5).json()
    assert listing["results"]["data"] == []


def test_rate_limit_fault_carries_retry_after(emulator: Emulator) -> None:
    control(emulator, "POST", "faults", {"queue": [{"status": 429}], "retry_after": 7})
    response = requests.get(emulator.url + COLLECTION, auth=AUTH, timeout=5)
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "7"


def test_dropped_connection_gives_no_answer(emulator: Emulator) -> None:
    control(emulator, "POST", "faults", {"queue": [{"status": "drop"}]})
    with pytest.raises(requests.ConnectionError):
        requests.get(emulator.url + COLLECTION, auth=AUTH, timeout=5)
    assert requests.get(emulator.url + COLLECTION, auth=AUTH, timeout=5).status_code == 200


def test_seeded_fail_rate_is_reproducible(emulator: Emulator) -> None:
    def statuses() -> list[int]:
        control(emulator, "POST", "faults", {"fail_rate": 0.3, "statuses": [500, 503], "seed": 7})
        return [
            requests.get(emulator.url + COLLECTION, auth=AUTH, timeout=5).status_code
            for _ in range(40)
        ]

    first = statuses()
    assert first == statuses()
    assert 4 <= sum(s != 200 for s in first) <= 20


def test_latency_delays_every_api_answer(emulator: Emulator) -> None:
    control(emulator, "POST", "faults", {"latency_ms": 100})
    requests.get(emulator.url + COLLECTION, auth=AUTH, timeout=5)
    (entry,) = control(emulator, "GET", "requests").json()["requests"]
    assert entry["ms"] >= 100


@pytest.mark.parametrize(
    "body",
    [
        {"fail_rate": 2},
        {"statuses": [200]},
        {"mode": "sometimes"},
        {"queue": [{"status": "boom"}]},
        {"explode": True},
        [1],
    ],
)
def test_bad_fault_settings_are_400(emulator: Emulator, body: object) -> None:
    response = control(emulator, "POST", "faults", body)
    assert response.status_code == 400
    assert control(emulator, "GET", "faults").json()["fail_rate"] == 0


def test_unknown_response_shape_is_400(emulator: Emulator) -> None:
    assert control(emulator, "POST", "config", {"create_shape": "weird"}).status_code == 400
    assert (
        control(emulator, "POST", "config", {"create_shape": "bare"}).json()["create_shape"]
        == "bare"
    )


def test_cli_starts_on_a_free_port_prints_its_url_and_logs_requests() -> None:
    env = {**os.environ, "MIXPANEL_EMULATOR_PAGE_SIZE": "1"}
    command = [sys.executable, "-m", "mixpanel_connectors.cli", "emulator", "--port", "0",
               "--service-account", "ci:ci-secret", "--project", "42"]  # fmt: skip
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=env) as process:
        try:
            assert process.stdout is not None
            url = process.stdout.readline().strip()
            assert url.startswith("http://127.0.0.1:")
            base = f"{url}/api/app/projects/42/connectors/"
            for _ in range(2):
                requests.post(base, json=s3_spec(), auth=("ci", "ci-secret"), timeout=5)
            page = requests.get(base, auth=("ci", "ci-secret"), timeout=5).json()["results"]
            assert page["has_more"] is True  # page size from the environment
            assert requests.get(base, auth=AUTH, timeout=5).status_code == 401
            line = process.stdout.readline()
            assert line.startswith("POST /api/app/projects/42/connectors/ 200")
        finally:
            process.terminate()
            assert process.wait(timeout=10) == 0
