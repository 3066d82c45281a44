"""The CLI and client against hostile answers and settings: no injection, no escapes, no leaks."""

from __future__ import annotations

import ast
import json
import ssl
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from mixpanel_connectors import (
    AmbiguousCreateError,
    APIConnectionError,
    ConfigurationError,
    MixpanelClient,
)
from mixpanel_connectors.cli import main
from tests.canned import Canned, CannedServer
from tests.conftest import FAST_RETRY, PROJECT, SECRET, s3_spec

HOSTILE_KEY = "a=__import__('os').system('touch PWNED'),b"
TERMINAL_TRICKS = "evil\x1b[2J\x07\rfake\nrow"


def connector(**overrides: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "connector_id": "c-1",
        **s3_spec(label="events"),
        "status": "active",
        "created_at": "2026-01-01T00:00:00Z",
    }
    record.update(overrides)
    return record


def listing(*records: dict[str, Any]) -> Canned:
    page = {"status": "ok", "results": {"url": None, "has_more": False, "data": list(records)}}
    return Canned(200, json.dumps(page).encode(), {"Content-Type": "application/json"})


def one(record: dict[str, Any]) -> Canned:
    body = json.dumps({"status": "ok", "results": record}).encode()
    return Canned(200, body, {"Content-Type": "application/json"})


@pytest.fixture
def settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MIXPANEL_SERVICE_ACCOUNT", "demo")
    monkeypatch.setenv("MIXPANEL_SERVICE_ACCOUNT_SECRET", SECRET)
    monkeypatch.setenv("MIXPANEL_PROJECT_ID", str(PROJECT))


def run_cli(
    monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str], url: str, *argv: str
) -> tuple[int, str, str]:
    monkeypatch.setenv("MIXPANEL_BASE_URL", url)
    code = main(list(argv))
    out, err = capfd.readouterr()
    assert "Traceback" not in err
    return code, out, err


# -- export -------------------------------------------------------------------------------------


@pytest.mark.usefixtures("settings")
def test_export_refuses_a_property_key_that_is_not_a_name(
    monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    record = connector()
    record["connector_properties"][HOSTILE_KEY] = "x"
    target = tmp_path / "program.py"
    with CannedServer(listing(record)) as server:
        code, _, err = run_cli(monkeypatch, capfd, server.url, "export", "-o", str(target))
    assert code == 1
    assert len(err.strip().splitlines()) == 1 and "not a property name" in err
    assert not target.exists()


@pytest.mark.usefixtures("settings")
def test_export_refuses_a_value_that_is_not_a_literal(
    monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    page = json.dumps({"status": "ok", "results": {"data": [connector()]}})
    page = page.replace('"s3_prefix": "events/"', '"s3_prefix": NaN')
    with CannedServer(Canned(200, page.encode())) as server:
        code, out, err = run_cli(monkeypatch, capfd, server.url, "export")
    assert code == 1 and out == ""
    assert "s3_prefix" in err and "NaN" in err


@pytest.mark.usefixtures("settings")
def test_export_writes_hostile_ids_and_labels_only_inside_literals(
    monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    sneaky = "x\nimport os; os.system('touch PWNED')\n"
    records = [
        connector(connector_id=sneaky, label=sneaky),
        connector(connector_id=sneaky, connector_type="bigQuery"),
    ]
    with CannedServer(listing(*records)) as server:
        code, out, _ = run_cli(monkeypatch, capfd, server.url, "export")
    assert code == 0
    tree = ast.parse(out)
    imported = {
        alias.name.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, (ast.Import, ast.ImportFrom))
        for alias in node.names
    } | {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
    assert "os" not in imported
    assert not any(line.startswith("import os") for line in out.splitlines())


# -- terminal output ------------------------------------------------------------------------------


@pytest.mark.usefixtures("settings")
@pytest.mark.parametrize("command", ["list", "show"])
def test_labels_with_terminal_controls_are_printed_escaped(
    monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str], command: str
) -> None:
    record = connector(label=TERMINAL_TRICKS, failure_message="bad\x1b]8;;http://x\x07")
    answer = listing(record) if command == "list" else one(record)
    argv = ["list"] if command == "list" else ["show", "c-1"]
    with CannedServer(answer) as server:
        code, out, _ = run_cli(monkeypatch, capfd, server.url, *argv)
    assert code == 0
    for control in ("\x1b", "\x07", "\r"):
        assert control not in out
    assert "evil\\x1b[2J\\x07\\rfake\\nrow" in out
    assert not any(line.startswith("row") for line in out.splitlines())


# -- base URL -------------------------------------------------------------------------------------


def test_a_base_url_with_credentials_is_refused_without_showing_them() -> None:
    with pytest.raises(ConfigurationError) as caught:
        MixpanelClient("demo", SECRET, base_url="https://user:hunter2@mixpanel.com")
    assert "hunter2" not in str(caught.value)
    assert "credentials" in str(caught.value)


@pytest.mark.usefixtures("settings")
def test_doctor_never_prints_a_password_from_the_base_url(
    monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    for url in ("http://user:hunter2@127.0.0.1:9", "ftp://user:hunter2@example.com"):
        code, out, err = run_cli(monkeypatch, capfd, url, "doctor")
        assert code == 1
        assert "hunter2" not in out + err


@pytest.mark.parametrize(
    "host", ["evil.localhost", "localhost.evil.com", "127.0.0.1.nip.io", "0x7f.1"]
)
def test_plain_http_is_refused_for_names_that_merely_look_local(host: str) -> None:
    with pytest.raises(ConfigurationError, match="plain-http"):
        MixpanelClient("demo", SECRET, base_url=f"http://{host}:8080")


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1", "127.8.9.1", "[::1]"])
def test_plain_http_is_allowed_for_loopback(host: str) -> None:
    MixpanelClient("demo", SECRET, base_url=f"http://{host}:8080").close()


# -- TLS ------------------------------------------------------------------------------------------


@pytest.fixture
def untrusted_tls(tmp_path: Path) -> Iterator[tuple[str, list[int]]]:
    """An HTTPS listener on 127.0.0.1 with a self-signed certificate; counts handshakes."""
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    import socket

    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.2)
    attempts: list[int] = []
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                continue
            attempts.append(1)
            try:
                with context.wrap_socket(conn, server_side=True):
                    pass
            except (ssl.SSLError, OSError):
                conn.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"https://127.0.0.1:{listener.getsockname()[1]}", attempts
    finally:
        stop.set()
        thread.join(5)
        listener.close()


def test_a_certificate_failure_on_create_fails_at_once_naming_the_ca_bundle(
    untrusted_tls: tuple[str, list[int]], monkeypatch: pytest.MonkeyPatch
) -> None:
    for variable in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"):
        monkeypatch.delenv(variable, raising=False)
    url, attempts = untrusted_tls
    started = time.monotonic()
    with (
        MixpanelClient("demo", SECRET, base_url=url, retry=FAST_RETRY) as client,
        pytest.raises(APIConnectionError) as caught,
    ):
        client.create_connector(PROJECT, s3_spec())
    assert not isinstance(caught.value, AmbiguousCreateError)
    message = str(caught.value)
    assert "certificate" in message and "REQUESTS_CA_BUNDLE" in message
    assert "outcome" not in message
    assert len(attempts) == 1
    assert time.monotonic() - started < 5
