"""The emulator's HTTP server under load and abuse: bursts answered, idle connections timed out."""

from __future__ import annotations

import selectors
import socket
import time
from urllib.parse import urlsplit

import pytest
import requests

from mixpanel_connectors.emulator import Emulator
from tests.conftest import PROJECT, SECRET

BURST = 1000
REQUEST = (
    f"GET /api/app/projects/{PROJECT}/connectors/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
    "Authorization: Basic ZGVtbzpkZW1vLXNlY3JldA==\r\nConnection: close\r\n\r\n"
).encode()


def burst(url: str, size: int, deadline_s: float) -> list[bytes]:
    """Open `size` connections at once, send one request on each, and read every answer."""
    parts = urlsplit(url)
    address = (parts.hostname or "", parts.port or 80)
    answers: dict[socket.socket, bytearray] = {}
    with selectors.DefaultSelector() as selector:
        for _ in range(size):
            sock = socket.socket()
            sock.setblocking(False)
            sock.connect_ex(address)
            answers[sock] = bytearray()
            selector.register(sock, selectors.EVENT_WRITE)
        open_count = size
        deadline = time.monotonic() + deadline_s
        while open_count and time.monotonic() < deadline:
            for key, events in selector.select(timeout=0.5):
                fileobj = key.fileobj
                assert isinstance(fileobj, socket.socket)
                sock = fileobj
                if events & selectors.EVENT_WRITE:
                    try:
                        sock.send(REQUEST)
                    except OSError:
                        selector.unregister(sock)
                        open_count -= 1
                        continue
                    selector.modify(sock, selectors.EVENT_READ)
                    continue
                try:
                    chunk = sock.recv(65536)
                except OSError:
                    chunk = b""
                if chunk:
                    answers[sock] += chunk
                else:
                    selector.unregister(sock)
                    open_count -= 1
    for sock in answers:
        sock.close()
    return [bytes(answer) for answer in answers.values()]


def test_a_burst_of_a_thousand_simultaneous_requests_is_answered_in_full() -> None:
    with Emulator(port=0) as emulator:
        answers = burst(emulator.url, BURST, deadline_s=60)
        assert requests.get(f"{emulator.url}/_emulator/health", timeout=5).status_code == 200
    answered = sum(1 for a in answers if a.startswith(b"HTTP/1.1 200") and a.endswith(b"}}"))
    assert answered == BURST, f"{BURST - answered} of {BURST} requests got no full answer"


def test_a_half_sent_request_is_timed_out_and_does_not_hold_the_server() -> None:
    with Emulator(port=0, idle_timeout_s=1) as emulator:
        parts = urlsplit(emulator.url)
        assert parts.port is not None
        stalled = socket.create_connection((parts.hostname, parts.port), timeout=5)
        stalled.sendall(b"POST /api/app/projects/1/connectors/ HTTP/1.1\r\nContent-Length: 10\r\n")
        started = time.monotonic()
        assert stalled.recv(1024) == b""  # closed by the server
        assert time.monotonic() - started < 4
        stalled.close()
        assert requests.get(f"{emulator.url}/_emulator/health", timeout=5).status_code == 200


def test_the_server_names_itself_and_keeps_credentials_out_of_the_log(
    emulator: Emulator,
) -> None:
    answer = requests.get(
        f"{emulator.url}/api/app/projects/{PROJECT}/connectors/", auth=("demo", SECRET), timeout=5
    )
    assert answer.status_code == 200
    assert answer.headers["Content-Type"] == "application/json"


def test_a_dropped_connection_logs_no_traceback(caplog: pytest.LogCaptureFixture) -> None:
    with Emulator(port=0) as emulator:
        emulator.app.faults.configure({"queue": [{"method": "GET", "status": "drop"}]})
        with pytest.raises(requests.ConnectionError):
            requests.get(
                f"{emulator.url}/api/app/projects/{PROJECT}/connectors/",
                auth=("demo", SECRET),
                timeout=5,
            )
        answered = requests.get(
            f"{emulator.url}/api/app/projects/{PROJECT}/connectors/",
            auth=("demo", SECRET),
            timeout=5,
        )
        assert answered.status_code == 200
    assert [r.getMessage() for r in caplog.records if r.levelname == "ERROR"] == []
