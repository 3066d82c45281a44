"""The emulator's app as a WSGI application, for any WSGI server (waitress serves it)."""

from __future__ import annotations

import json
import socket
from collections.abc import Callable, Iterable
from http import HTTPStatus
from typing import Any

from .app import MAX_BODY_BYTES, EmulatorApp, Request, Response

StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


def _headers(environ: dict[str, Any]) -> dict[str, str]:
    headers = {
        key[5:].replace("_", "-").title(): str(value)
        for key, value in environ.items()
        if key.startswith("HTTP_")
    }
    for key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
        if environ.get(key):
            headers[key.replace("_", "-").title()] = str(environ[key])
    return headers


def _request(environ: dict[str, Any]) -> Request:
    raw_length = str(environ.get("CONTENT_LENGTH") or "0")
    length = int(raw_length) if raw_length.isascii() and raw_length.isdigit() else 0
    oversized = length > MAX_BODY_BYTES
    body = environ["wsgi.input"].read(length) if length and not oversized else b""
    target = environ.get("REQUEST_URI") or environ.get("PATH_INFO", "/")
    method = str(environ.get("REQUEST_METHOD", "GET"))
    return Request(method, str(target), _headers(environ), body, oversized=oversized)


def _drop(environ: dict[str, Any]) -> None:
    """Close the connection without an answer (waitress: through its channel's socket)."""
    channel = getattr(environ.get("waitress.client_disconnected"), "__self__", None)
    sock = getattr(channel, "socket", None)
    if isinstance(sock, socket.socket):
        sock.shutdown(socket.SHUT_RDWR)
        return
    raise ConnectionAbortedError("dropped on purpose by an injected fault")


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error" if status >= 400 else "OK"


def _payload(response: Response) -> bytes:
    if response.raw is not None:
        return response.raw
    return b"" if response.body is None else json.dumps(response.body).encode()


def wsgi_app(app: EmulatorApp) -> WsgiApp:
    """A WSGI callable that answers every request through `app.handle`."""

    def application(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        request = _request(environ)
        response = app.handle(request)
        if response.drop:
            _drop(environ)
            # The socket is shut: nothing reaches the client, but waitress needs a status.
            start_response("500 Internal Server Error", [("Content-Length", "0")])
            return []
        payload = _payload(response)
        headers = [
            *response.headers.items(),
            ("Content-Type", "application/json"),
            ("Content-Length", str(len(payload))),
        ]
        if request.oversized:
            headers.append(("Connection", "close"))
        start_response(f"{response.status} {_phrase(response.status)}", headers)
        return [payload]

    return application
