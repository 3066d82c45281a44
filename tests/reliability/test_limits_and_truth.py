"""Bounded time and requests, retried reads, and messages that tell the truth about deletes."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator

import pytest

from mixpanel_connectors import (
    APITimeoutError,
    CreateFailedError,
    InvalidResponseError,
    MixpanelClient,
    RetryPolicy,
)
from mixpanel_connectors._lifecycle.exactly_once import create_exactly_once
from mixpanel_connectors._lifecycle.ledger import Ledger
from mixpanel_connectors.emulator import Emulator
from tests.canned import Canned, CannedServer
from tests.conftest import FAST_RETRY, PROJECT, SECRET, api_requests, s3_spec


class TricklingServer:
    """Answers every request with headers at once, then a JSON body one byte every `gap` s."""

    def __init__(self, gap: float = 0.2) -> None:
        self.gap = gap
        self._sock = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self._sock.getsockname()[1]}"
        self._stop = threading.Event()

    def _serve(self) -> None:
        self._sock.settimeout(0.1)
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            threading.Thread(target=self._answer, args=(conn,), daemon=True).start()

    def _answer(self, conn: socket.socket) -> None:
        body = json.dumps({"status": "ok", "results": {"url": None, "has_more": False,
                                                       "data": []}}).encode()  # fmt: skip
        with conn:
            conn.recv(65536)
            head = f"HTTP/1.1 200 OK\r\nContent-Length: {len(body)}\r\n\r\n".encode()
            try:
                conn.sendall(head)
                for byte in body:
                    if self._stop.wait(self.gap):
                        return
                    conn.sendall(bytes([byte]))
            except OSError:
                return

    def __enter__(self) -> TricklingServer:
        threading.Thread(target=self._serve, daemon=True).start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._sock.close()


def test_the_operation_deadline_bounds_an_answer_that_trickles_in() -> None:
    policy = RetryPolicy(max_retries=0, deadline_seconds=1.0)
    with TricklingServer(gap=0.2) as server:
        client = MixpanelClient("demo", SECRET, base_url=server.url, retry=policy)
        started = time.monotonic()
        with pytest.raises(APITimeoutError, match="deadline"):
            list(client.list_connectors(PROJECT))
        assert time.monotonic() - started < 2.5


@pytest.fixture
def empty_pages() -> Iterator[CannedServer]:
    def route(method: str, path: str) -> Canned:
        page = int(path.rsplit("page=", 1)[-1]) if "page=" in path else 1
        body = {
            "status": "ok",
            "results": {
                "url": f"/api/app/projects/{PROJECT}/connectors/?page={page + 1}",
                "has_more": True,
                "data": [],
            },
        }
        return Canned(200, json.dumps(body).encode())

    with CannedServer(router=route) as server:
        yield server


def test_listing_stops_at_a_page_that_makes_no_progress(empty_pages: CannedServer) -> None:
    client = MixpanelClient("demo", SECRET, base_url=empty_pages.url, retry=FAST_RETRY)
    with pytest.raises(InvalidResponseError, match="no connectors but says there are more"):
        list(client.list_connectors(PROJECT))
    assert len(empty_pages.seen) <= 2


def test_an_emulator_with_page_size_zero_costs_a_couple_of_requests() -> None:
    with Emulator(port=0, page_size=0) as emu:
        client = MixpanelClient("demo", SECRET, base_url=emu.url, retry=FAST_RETRY)
        client.create_connector(PROJECT, s3_spec())
        emu.app.clear_requests()
        with pytest.raises(InvalidResponseError):
            list(client.list_connectors(PROJECT))
        assert len(api_requests(emu)) <= 2


def test_an_unreadable_answer_to_a_read_is_retried(
    client: MixpanelClient, emulator: Emulator
) -> None:
    made = client.create_connector(PROJECT, s3_spec()).connector_id
    emulator.app.faults.configure({"queue": [{"method": "GET", "status": "truncate"}] * 2})
    assert [c.connector_id for c in client.list_connectors(PROJECT)] == [made]
    assert client.get_connector(PROJECT, made).connector_id == made


def test_a_delete_whose_answer_was_lost_is_a_deletion(
    client: MixpanelClient, emulator: Emulator
) -> None:
    made = client.create_connector(PROJECT, s3_spec()).connector_id
    emulator.app.faults.configure(
        {"queue": [{"method": "DELETE", "status": "drop", "mode": "lose_response"}]}
    )
    client.delete_connector(PROJECT, made)
    assert list(client.list_connectors(PROJECT)) == []


def test_the_create_deadline_bounds_reconciliation_too() -> None:
    counter = iter(range(1_000_000))

    def route(method: str, path: str) -> Canned:
        if method == "POST":
            return Canned(503, b'{"status": "error", "error": "busy"}')
        time.sleep(0.4)
        n = next(counter)
        item = {"connector_id": f"c{n}", "connector_type": "s3Import"}
        page = {"url": f"/api/app/projects/{PROJECT}/connectors/?page={n + 2}",
                "has_more": True, "data": [item]}  # fmt: skip
        return Canned(200, json.dumps({"status": "ok", "results": page}).encode())

    with CannedServer(router=route) as server:
        client = MixpanelClient("demo", SECRET, base_url=server.url, retry=FAST_RETRY)
        started = time.monotonic()
        with pytest.raises(CreateFailedError):
            create_exactly_once(client, PROJECT, s3_spec(), claims=Ledger(), deadline_seconds=2)
        assert time.monotonic() - started < 3.5


def test_listing_stops_at_pages_that_only_repeat_what_was_read() -> None:
    item = {"connector_id": "same", "connector_type": "s3Import"}
    counter = iter(range(1_000_000))

    def route(method: str, path: str) -> Canned:
        page = {"url": f"/api/app/projects/{PROJECT}/connectors/?page={next(counter) + 2}",
                "has_more": True, "data": [item]}  # fmt: skip
        return Canned(200, json.dumps({"status": "ok", "results": page}).encode())

    with CannedServer(router=route) as server:
        client = MixpanelClient("demo", SECRET, base_url=server.url, retry=FAST_RETRY)
        with pytest.raises(InvalidResponseError, match="repeats only connectors already read"):
            list(client.list_connectors(PROJECT))
        assert len(server.seen) == 2
