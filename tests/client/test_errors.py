"""Every documented error maps to one exception class with a message that says what and where."""

from __future__ import annotations

import json
import re

import pytest

from mixpanel_connectors import (
    AuthenticationError,
    BadRequestError,
    InvalidResponseError,
    InvalidSpecError,
    MixpanelClient,
    MixpanelError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ServerError,
)
from mixpanel_connectors.emulator import Accounts, Emulator
from tests.canned import Canned, CannedServer
from tests.conftest import FAST_RETRY, PROJECT, SECRET, s3_spec

COLLECTION = f"/api/app/projects/{PROJECT}/connectors/"


def test_bad_request_names_the_property(client: MixpanelClient) -> None:
    body = s3_spec()
    body["connector_properties"]["s3_region"] = "us"
    # Skip the client's own validation to see what the server says.
    with pytest.raises(BadRequestError) as caught:
        client._request("POST", COLLECTION, json_body=body)
    error = caught.value
    assert error.status_code == 400
    assert error.api_type == "invalid_property"
    assert error.details == {"property": "connector_properties.s3_region"}
    assert f"POST {COLLECTION}: HTTP 400 [invalid_property]" in str(error)


def test_simple_error_shape_is_read_too(client: MixpanelClient, emulator: Emulator) -> None:
    emulator.app.set_shapes({"error_shape": "simple"})
    with pytest.raises(BadRequestError, match="Missing required property: connector_type"):
        client._request("POST", COLLECTION, json_body={})


def test_wrong_secret_is_an_authentication_error_without_the_secret(emulator: Emulator) -> None:
    wrong = "not-the-secret-5f2a"
    client = MixpanelClient("demo", wrong, base_url=emulator.url, retry=FAST_RETRY)
    with pytest.raises(AuthenticationError) as caught:
        client.get_connector(PROJECT, "abc")
    assert caught.value.status_code == 401
    assert "MIXPANEL_SERVICE_ACCOUNT_SECRET" in str(caught.value)
    assert wrong not in str(caught.value) and wrong not in repr(client)


def test_project_without_access_is_permission_denied() -> None:
    accounts = Accounts(
        secrets={"demo": SECRET, "other": "x"}, projects=(1, 2), grants={"demo": (1,)}
    )
    with Emulator(port=0, accounts=accounts) as emu:
        client = MixpanelClient("demo", SECRET, base_url=emu.url, retry=FAST_RETRY)
        assert list(client.list_connectors(1)) == []
        with pytest.raises(PermissionDeniedError, match="no access to project 2"):
            list(client.list_connectors(2))
        with pytest.raises(NotFoundError, match="Project 3 not found"):
            list(client.list_connectors(3))


def test_unknown_connector_is_not_found(client: MixpanelClient) -> None:
    with pytest.raises(NotFoundError, match=f"GET {COLLECTION}nope: HTTP 404"):
        client.get_connector(PROJECT, "nope")


def test_rate_limit_that_never_ends_is_a_rate_limit_error(
    client: MixpanelClient, emulator: Emulator
) -> None:
    emulator.app.faults.configure({"fail_rate": 1, "statuses": [429], "retry_after": 0})
    with pytest.raises(RateLimitError, match=r"retries exhausted after 5 attempt\(s\)"):
        client.get_connector(PROJECT, "abc")
    assert len(emulator.app.requests()) == 5


def test_server_error_that_persists_lists_every_attempt(
    client: MixpanelClient, emulator: Emulator
) -> None:
    # seeded: unseeded, all five drew one status one time in 16, and the message then says
    # "each failing so" instead of listing them
    emulator.app.faults.configure({"fail_rate": 1, "statuses": [503, 500], "seed": 3})
    with pytest.raises(ServerError) as caught:
        list(client.list_connectors(PROJECT))
    assert "HTTP 500" in str(caught.value) and "HTTP 503" in str(caught.value)
    assert str(caught.value).count("HTTP 50") >= 5


@pytest.mark.parametrize(
    ("canned", "expected"),
    [
        (
            Canned(200, b"<html>oops</html>", {"Content-Type": "text/html"}),
            re.escape("not JSON (text/html"),
        ),
        (Canned(200, b'{"status": "ok", "results": {"connector_id"'), "not JSON"),
        (Canned(200, b""), "expected a connector object, got nothing"),
        (Canned(200, b'{"status": "ok", "results": [1, 2]}'), "expected a connector object"),
        (Canned(200, b'{"status": "ok", "results": {"label": "x"}}'), "not a connector object"),
    ],
)
def test_unreadable_success_is_an_invalid_response_naming_the_endpoint(
    canned: Canned, expected: str
) -> None:
    with CannedServer(canned) as server:
        client = MixpanelClient("demo", SECRET, base_url=server.url, retry=FAST_RETRY)
        with pytest.raises(InvalidResponseError, match=expected) as caught:
            client.get_connector(PROJECT, "abc")
    assert str(caught.value).startswith(f"GET {COLLECTION}abc: ")


def test_html_error_page_becomes_a_status_error_with_a_snippet() -> None:
    page = Canned(502, b"<html><body>Bad gateway</body></html>", {"Content-Type": "text/html"})
    with CannedServer(page) as server:
        client = MixpanelClient("demo", SECRET, base_url=server.url, retry=FAST_RETRY)
        with pytest.raises(ServerError, match=r"non-JSON error body \(text/html\).*Bad gateway"):
            client.get_connector(PROJECT, "abc")


def test_history_that_is_not_a_list_is_an_invalid_response() -> None:
    body = json.dumps({"status": "ok", "results": {"oops": True}}).encode()
    with CannedServer(Canned(200, body)) as server:
        client = MixpanelClient("demo", SECRET, base_url=server.url, retry=FAST_RETRY)
        with pytest.raises(InvalidResponseError, match="expected a page of import runs"):
            client.connector_history(PROJECT, "abc")


def test_pagination_to_another_host_is_refused() -> None:
    page = {
        "status": "ok",
        "results": {"url": "https://evil.example/x", "has_more": True, "data": []},
    }
    with CannedServer(Canned(200, json.dumps(page).encode())) as server:
        client = MixpanelClient("demo", SECRET, base_url=server.url, retry=FAST_RETRY)
        with pytest.raises(InvalidResponseError, match="another host"):
            list(client.list_connectors(PROJECT))


def test_pagination_that_loops_is_stopped() -> None:
    item = {"connector_id": "c1", "connector_type": "s3Import"}
    page = {"status": "ok", "results": {"url": COLLECTION, "has_more": True, "data": [item]}}
    with CannedServer(Canned(200, json.dumps(page).encode())) as server:
        client = MixpanelClient("demo", SECRET, base_url=server.url, retry=FAST_RETRY)
        with pytest.raises(InvalidResponseError, match="loops back"):
            list(client.list_connectors(PROJECT))


def test_an_invalid_spec_is_a_mixpanel_error_with_one_line_per_problem(
    client: MixpanelClient, emulator: Emulator
) -> None:
    spec = s3_spec(category_properties={"data_format": "csv"})
    spec["connector_properties"]["s3_bucket"] = "Acme_Events"
    with pytest.raises(InvalidSpecError) as caught:
        client.create_connector(PROJECT, spec)
    error = caught.value
    assert isinstance(error, MixpanelError) and isinstance(error, ValueError)
    assert [path for path, _ in error.problems] == [
        "connector_properties.s3_bucket",
        "category_properties.data_format",
    ]
    lines = str(error).splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("connector_properties.s3_bucket: 'Acme_Events' is not a valid")
    assert lines[1].startswith("category_properties.data_format: Input should be")
    assert emulator.app.requests() == []  # refused before any request
