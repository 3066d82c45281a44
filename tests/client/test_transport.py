"""Transport rules: redirects, plain http, retries and their limits, thread safety."""

from __future__ import annotations

import gzip
import itertools
import json
import socket
import threading
from pathlib import Path

import pytest
import requests

from mixpanel_connectors import (
    AmbiguousCreateError,
    APIConnectionError,
    ConfigurationError,
    MixpanelClient,
    RedirectRefusedError,
    RetryPolicy,
)
from mixpanel_connectors.emulator import Emulator
from tests.canned import Canned, CannedServer
from tests.conftest import FAST_RETRY, PROJECT, SECRET, api_requests, s3_spec

COLLECTION = f"/api/app/projects/{PROJECT}/connectors/"


@pytest.mark.parametrize(
    "url", ["http://mixpanel.com", "http://10.0.0.5:8765", "ftp://127.0.0.1", "mixpanel.com"]
)
def test_plain_http_or_odd_urls_to_remote_hosts_are_refused(url: str) -> None:
    with pytest.raises(ConfigurationError) as caught:
        MixpanelClient("demo", SECRET, base_url=url)
    assert SECRET not in str(caught.value)


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:8765", "http://localhost:1", "http://[::1]:9", "https://x.example"]
)
def test_loopback_http_and_any_https_are_accepted(url: str) -> None:
    assert MixpanelClient("demo", SECRET, base_url=url).base_url == url


def test_missing_credentials_name_the_settings() -> None:
    with pytest.raises(ConfigurationError, match="MIXPANEL_SERVICE_ACCOUNT_SECRET"):
        MixpanelClient("demo", "", base_url="http://127.0.0.1:1")


def test_slash_less_collection_redirect_never_turns_a_create_into_a_list() -> None:
    moved = Canned(301, b"", {"Location": COLLECTION})
    with CannedServer(moved) as server:
        client = MixpanelClient("demo", SECRET, base_url=server.url, retry=FAST_RETRY)
        with pytest.raises(RedirectRefusedError, match="turn POST into GET"):
            client.create_connector(PROJECT, s3_spec())
        assert [seen["method"] for seen in server.seen] == ["POST"]


def test_emulator_answers_slash_less_paths_with_a_redirect_the_client_refuses_for_post(
    client: MixpanelClient, emulator: Emulator
) -> None:
    with pytest.raises(RedirectRefusedError):
        client._request("POST", COLLECTION.rstrip("/"), json_body=s3_spec())
    with pytest.raises(RedirectRefusedError):
        client._request("DELETE", COLLECTION.rstrip("/"))
    assert client._request("GET", COLLECTION.rstrip("/"))["results"]["data"] == []
    assert [(r["method"], r["status"]) for r in api_requests(emulator)] == [
        ("POST", 301),
        ("DELETE", 301),
        ("GET", 301),
        ("GET", 200),
    ]


def test_redirect_to_another_host_does_not_carry_credentials() -> None:
    with CannedServer(Canned(200, b"{}")) as elsewhere:
        away = Canned(
            302, b"", {"Location": f"{elsewhere.url.replace('127.0.0.1', 'localhost')}/x"}
        )
        with CannedServer(away) as server:
            client = MixpanelClient("demo", SECRET, base_url=server.url, retry=FAST_RETRY)
            with pytest.raises(RedirectRefusedError, match="leave the API host"):
                client.get_connector(PROJECT, "abc")
        assert elsewhere.seen == []


def test_same_host_get_redirect_is_followed() -> None:
    body = {"status": "ok", "results": {"connector_id": "abc", "connector_type": "s3Import"}}
    with CannedServer(
        Canned(301, b"", {"Location": f"{COLLECTION}abc"}), Canned(200, json.dumps(body).encode())
    ) as server:
        client = MixpanelClient("demo", SECRET, base_url=server.url, retry=FAST_RETRY)
        assert client.get_connector(PROJECT, "old-id").connector_id == "abc"
        assert all("Authorization" in seen["headers"] for seen in server.seen)


def test_get_retries_server_faults_and_dropped_connections(
    client: MixpanelClient, emulator: Emulator
) -> None:
    created = client.create_connector(PROJECT, s3_spec())
    emulator.app.faults.configure(
        {"queue": [{"method": "GET", "status": 503}, {"method": "GET", "status": "drop"}]}
    )
    assert client.get_connector(PROJECT, created.connector_id) == created
    gets = api_requests(emulator, "GET")
    assert [(g["status"], g["dropped"]) for g in gets] == [(503, False), (0, True), (200, False)]


def test_retry_after_is_honoured(emulator: Emulator) -> None:
    client = MixpanelClient("demo", SECRET, base_url=emulator.url, retry=FAST_RETRY)
    emulator.app.faults.configure({"queue": [{"method": "GET", "status": 429}], "retry_after": 1})
    list(client.list_connectors(PROJECT))
    first, second = api_requests(emulator, "GET")
    assert first["status"] == 429 and second["status"] == 200
    assert second["time"] - first["time"] >= 0.95


def test_retry_after_is_capped(emulator: Emulator) -> None:
    policy = RetryPolicy(backoff_base=0.01, max_retry_after=0.1)
    client = MixpanelClient("demo", SECRET, base_url=emulator.url, retry=policy)
    emulator.app.faults.configure({"queue": [{"method": "GET", "status": 429}], "retry_after": 30})
    list(client.list_connectors(PROJECT))
    first, second = api_requests(emulator, "GET")
    assert second["time"] - first["time"] < 5


def test_backoff_grows_between_attempts(emulator: Emulator) -> None:
    policy = RetryPolicy(max_retries=3, backoff_base=0.1, backoff_max=10, deadline_seconds=None)
    client = MixpanelClient("demo", SECRET, base_url=emulator.url, retry=policy)
    emulator.app.faults.configure({"queue": [{"method": "GET", "status": 503}] * 3})
    list(client.list_connectors(PROJECT))
    times = [r["time"] for r in api_requests(emulator, "GET")]
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert len(gaps) == 3
    # jittered within [0.5, 1] of 0.1, 0.2, 0.4
    assert 0.05 <= gaps[0] < 0.2 and 0.1 <= gaps[1] < 0.35 and 0.2 <= gaps[2] < 0.6


def test_deadline_stops_retries_and_says_why(emulator: Emulator) -> None:
    policy = RetryPolicy(max_retries=100, backoff_base=0.2, backoff_max=0.2, deadline_seconds=0.5)
    client = MixpanelClient("demo", SECRET, base_url=emulator.url, retry=policy)
    emulator.app.faults.configure({"fail_rate": 1, "statuses": [503]})
    with pytest.raises(Exception, match=r"deadline reached after \d attempt\(s\)"):
        client.get_connector(PROJECT, "abc")
    assert len(api_requests(emulator)) <= 5


def test_create_is_retried_after_a_rate_limit_and_made_once(
    client: MixpanelClient, emulator: Emulator
) -> None:
    emulator.app.faults.configure({"queue": [{"method": "POST", "status": 429}], "retry_after": 0})
    client.create_connector(PROJECT, s3_spec())
    assert [r["status"] for r in api_requests(emulator, "POST")] == [429, 200]
    assert len(list(client.list_connectors(PROJECT))) == 1


@pytest.mark.parametrize(
    "fault",
    [
        {"method": "POST", "status": 503, "mode": "lose_response"},
        {"method": "POST", "status": "drop", "mode": "lose_response"},
        {"method": "POST", "status": 500, "mode": "reject"},
    ],
)
def test_create_with_unknown_outcome_is_ambiguous_and_not_retried(
    client: MixpanelClient, emulator: Emulator, fault: dict[str, object]
) -> None:
    emulator.app.faults.configure({"queue": [fault]})
    with pytest.raises(AmbiguousCreateError, match="outcome of the create is unknown"):
        client.create_connector(PROJECT, s3_spec())
    assert len(api_requests(emulator, "POST")) == 1


def test_create_against_a_closed_port_is_retried_then_a_connection_error() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    client = MixpanelClient("demo", SECRET, base_url=f"http://127.0.0.1:{port}", retry=FAST_RETRY)
    with pytest.raises(APIConnectionError, match=r"retries exhausted after 5 attempt") as caught:
        client.create_connector(PROJECT, s3_spec())
    assert not isinstance(caught.value, AmbiguousCreateError)
    assert caught.value.not_sent


def test_one_client_is_safe_from_eight_threads(client: MixpanelClient) -> None:
    ids: list[str] = []
    errors: list[BaseException] = []

    def work() -> None:
        try:
            for _ in range(10):
                ids.append(client.create_connector(PROJECT, s3_spec()).connector_id)
        except BaseException as exc:  # collected for the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(c.connector_id for c in client.list_connectors(PROJECT)) == sorted(ids)
    assert len(set(ids)) == 80


@pytest.fixture
def no_proxy_settings(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)
    return monkeypatch


def test_proxy_from_the_environment_carries_the_requests(
    no_proxy_settings: pytest.MonkeyPatch,
) -> None:
    connector = {"connector_id": "c1", "connector_type": "s3Import"}
    with CannedServer(
        Canned(200, json.dumps({"status": "ok", "results": connector}).encode())
    ) as proxy:
        no_proxy_settings.setenv("HTTP_PROXY", proxy.url)
        client = MixpanelClient("sa", SECRET, base_url="http://127.0.0.1:9", retry=FAST_RETRY)
        assert client.get_connector(PROJECT, "c1").connector_id == "c1"
    assert proxy.seen[0]["path"] == f"http://127.0.0.1:9{COLLECTION}c1"


def test_no_proxy_from_the_environment_is_honoured(
    no_proxy_settings: pytest.MonkeyPatch, emulator: Emulator
) -> None:
    no_proxy_settings.setenv("HTTP_PROXY", "http://127.0.0.1:9")
    no_proxy_settings.setenv("NO_PROXY", "127.0.0.1")
    client = MixpanelClient("demo", "demo-secret", base_url=emulator.url, retry=FAST_RETRY)
    assert list(client.list_connectors(PROJECT)) == []


def test_missing_ca_bundle_named_by_the_environment_is_a_configuration_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", "/nonexistent/ca.pem")
    with pytest.raises(ConfigurationError, match=r"'/nonexistent/ca.pem'.*REQUESTS_CA_BUNDLE"):
        MixpanelClient("sa", SECRET, base_url="https://mixpanel.example")


def test_a_gzip_encoded_answer_is_decoded() -> None:
    page = {"status": "ok", "results": {"url": None, "has_more": False, "data": []}}
    body = gzip.compress(json.dumps(page).encode())
    canned = Canned(200, body, {"Content-Type": "application/json", "Content-Encoding": "gzip"})
    with CannedServer(canned) as server:
        client = MixpanelClient("demo", "demo-secret", base_url=server.url)
        assert list(client.list_connectors(1234567)) == []


def test_requests_carry_the_headers_auth_and_cookies_a_session_would_send() -> None:
    """The client prepares requests itself (cheaper than Session.request); nothing is lost."""
    record = {"connector_id": "c1", "connector_type": "s3Import"}
    connector = json.dumps({"status": "ok", "results": record}).encode()
    first = Canned(200, connector, {"Set-Cookie": "lb=node-7; Path=/"})
    with CannedServer(first, Canned(200, connector)) as server:
        session = requests.Session()
        session.headers["X-Trace"] = "t-1"
        client = MixpanelClient("sa", SECRET, base_url=server.url, session=session)
        client.get_connector(PROJECT, "c1")
        client.create_connector(PROJECT, s3_spec())
    get, post = server.seen
    assert get["headers"]["Accept"] == "application/json"
    assert get["headers"]["Authorization"].startswith("Basic ")
    assert get["headers"]["X-Trace"] == "t-1"
    assert get["headers"]["User-Agent"].startswith("python-requests/")
    assert post["headers"]["Cookie"] == "lb=node-7"
    assert post["headers"]["Content-Type"] == "application/json"
    assert json.loads(post["body"])["connector_type"] == "s3Import"


def test_the_clients_own_session_sends_back_the_cookies_the_api_sets() -> None:
    """It sends through its adapter itself, keeping what `Session.send` does with cookies."""
    record = {"connector_id": "c1", "connector_type": "s3Import"}
    connector = json.dumps({"status": "ok", "results": record}).encode()
    sets = Canned(200, connector, {"Set-Cookie": "lb=node-7; Path=/"})
    with CannedServer(Canned(200, connector), sets, Canned(200, connector)) as server:
        client = MixpanelClient("sa", SECRET, base_url=server.url)
        for _ in range(3):
            client.get_connector(PROJECT, "c1")
    first, second, third = server.seen
    assert "Cookie" not in first["headers"] and "Cookie" not in second["headers"]
    assert third["headers"]["Cookie"] == "lb=node-7"
    assert third["headers"]["Authorization"].startswith("Basic ")
    assert third["headers"]["User-Agent"].startswith("python-requests/")


def established_to(port: int) -> int:
    """Connections of this machine in ESTABLISHED state whose far end is 127.0.0.1:port."""
    lines = Path("/proc/net/tcp").read_text().splitlines()[1:]
    return sum(
        1 for line in lines if line.split()[2] == f"0100007F:{port:04X}" and line.split()[3] == "01"
    )


def test_each_thread_keeps_to_its_own_connection_and_close_ends_them_all() -> None:
    """The provider host's workers share one client: each sends on a connection of its own."""
    with CannedServer(canned_connector()) as server:
        client = MixpanelClient("sa", SECRET, base_url=server.url)
        turns, done, leave = threading.Barrier(4), threading.Barrier(5), threading.Event()

        def work(thread: int) -> None:
            for _ in range(5):
                turns.wait()
                client.get_connector(PROJECT, f"c{thread}")
            done.wait()
            leave.wait()

        threads = [threading.Thread(target=work, args=(t,)) for t in range(4)]
        for thread in threads:
            thread.start()
        done.wait()
        port = int(server.url.rsplit(":", 1)[1])
        try:
            assert established_to(port) == 4
            client.close()
            assert established_to(port) == 0
        finally:
            leave.set()
            for thread in threads:
                thread.join()
        ports: dict[str, set[int]] = {}
        for seen in server.seen:
            ports.setdefault(seen["path"], set()).add(seen["client_port"])
        assert sorted(len(used) for used in ports.values()) == [1, 1, 1, 1], ports


def canned_connector() -> Canned:
    record = {"connector_id": "c1", "connector_type": "s3Import"}
    return Canned(200, json.dumps({"status": "ok", "results": record}).encode())


def test_a_session_passed_in_prepares_requests_as_requests_would() -> None:
    """Its params, its headers set to None (removed) and its own prepare_request all apply."""

    class Signing(requests.Session):
        def prepare_request(self, request: requests.Request) -> requests.PreparedRequest:
            prepared = super().prepare_request(request)
            prepared.headers["X-Signature"] = "sig"
            return prepared

    with CannedServer(canned_connector()) as server:
        session = Signing()
        session.params = {"gw_key": "k-1"}
        session.headers["User-Agent"] = None  # type: ignore[assignment]
        client = MixpanelClient("sa", SECRET, base_url=server.url, session=session)
        client.get_connector(PROJECT, "c1")
        client.create_connector(PROJECT, s3_spec())
    for seen in server.seen:
        assert seen["path"].endswith("?gw_key=k-1")
        assert seen["headers"]["X-Signature"] == "sig"
        assert "python-requests" not in seen["headers"].get("User-Agent", "")


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_a_request_that_cannot_be_built_says_nothing_was_sent(method: str) -> None:
    """Not a connection failure to retry, and never an ambiguous create."""
    with CannedServer(canned_connector()) as server:
        session = requests.Session()
        session.headers["X-Team"] = "a\nb"
        client = MixpanelClient("sa", SECRET, base_url=server.url, session=session)
        call = (
            (lambda: client.get_connector(PROJECT, "c1"))
            if method == "GET"
            else (lambda: client.create_connector(PROJECT, s3_spec()))
        )
        with pytest.raises(ConfigurationError, match=r"could not be built, so nothing was sent"):
            call()
    assert server.seen == []


def test_a_request_that_cannot_be_built_never_shows_the_secret() -> None:
    session = requests.Session()
    session.headers["X-Key"] = f"{SECRET}\n"
    client = MixpanelClient("sa", SECRET, base_url="http://127.0.0.1:9", session=session)
    with pytest.raises(ConfigurationError) as caught:
        client.get_connector(PROJECT, "c1")
    assert SECRET not in str(caught.value)
    assert "nothing was sent" in str(caught.value)
