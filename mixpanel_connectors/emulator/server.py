"""Serving the emulator over HTTP: a threaded stdlib server, in a thread or in the foreground."""

from __future__ import annotations

import contextlib
import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import IO, Any

from .app import MAX_BODY_BYTES, Access, EmulatorApp, Request, Response
from .lines import MAX_FILE_BYTES
from .store import MemoryStore, SqliteStore, Store

__all__ = ["Emulator"]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # One buffered write per answer, sent at once: headers and body in separate small writes
    # meet Nagle's algorithm and delayed ACKs, and every request would stall for ~40 ms.
    wbufsize = -1
    disable_nagle_algorithm = True
    server: _Server

    def _serve(self) -> None:
        length_header = self.headers.get("Content-Length") or "0"
        length = int(length_header) if length_header.isdigit() else 0
        oversized = length > MAX_BODY_BYTES
        if oversized:
            self.close_connection = True
        body = self.rfile.read(length) if length and not oversized else b""
        headers = dict(self.headers.items())
        request = Request(self.command, self.path, headers, body, oversized=oversized)
        self._write(self.server.app.handle(request))

    def _write(self, response: Response) -> None:
        if response.drop:
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)
            return
        if response.raw is not None:
            payload = response.raw
        else:
            payload = b"" if response.body is None else json.dumps(response.body).encode()
        self.send_response(response.status)
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST = do_DELETE = do_PUT = do_PATCH = _serve

    def log_message(self, format: str, *args: Any) -> None:
        """Requests are logged by the app, one line each; the stdlib's log is silenced."""


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], app: EmulatorApp) -> None:
        self.app = app
        super().__init__(address, _Handler)


class Emulator:
    """The local connectors API, started in a background thread (or in the foreground).

    >>> with Emulator(port=0) as emu:
    ...     client = MixpanelClient("demo", "demo-secret", base_url=emu.url)
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        data: str | Path | None = None,
        access: Access | None = None,
        page_size: int = 100,
        run_delay_ms: float = 1000.0,
        buckets: str | Path | None = None,
        max_file_bytes: int = MAX_FILE_BYTES,
        deny_buckets: list[str] | None = None,
        faults: dict[str, Any] | None = None,
        log: IO[str] | None = None,
    ) -> None:
        store: Store = SqliteStore(data) if data else MemoryStore()
        self._log = log
        self.app = EmulatorApp(
            store,
            access,
            page_size=page_size,
            run_delay_ms=run_delay_ms,
            buckets=Path(buckets) if buckets else None,
            on_request=self._print if log is not None else None,
        )
        if faults:
            self.app.faults.configure(faults)
        self.app.runs.denied = set(deny_buckets or [])
        self.app.runs.max_file_bytes = max_file_bytes
        self._server = _Server((host, port), self.app)
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """The base URL it serves, e.g. http://127.0.0.1:40123."""
        host, port = self._server.socket.getsockname()[:2]
        shown = f"[{host}]" if ":" in str(host) else str(host)
        return f"http://{shown}:{port}"

    def _print(self, entry: dict[str, Any]) -> None:
        assert self._log is not None
        query = f"?{entry['query']}" if entry["query"] else ""
        status = "dropped" if entry["dropped"] else entry["status"]
        fault = f" (fault: {entry['fault']})" if entry["fault"] else ""
        print(
            f"{entry['method']} {entry['path']}{query} {status} {entry['ms']}ms{fault}",
            file=self._log,
            flush=True,
        )

    def start(self) -> Emulator:
        """Serve in a daemon thread; returns once the socket is listening."""
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            args=(0.05,),
            name="mixpanel-emulator",
            daemon=True,
        )
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        """Serve in this thread until interrupted."""
        try:
            self._server.serve_forever()
        finally:
            self.close()

    def stop(self) -> None:
        """Stop serving and release the port and the store."""
        if self._thread is not None:
            self._server.shutdown()
            self._thread.join()
            self._thread = None
        self.close()

    def close(self) -> None:
        self._server.server_close()
        self.app.store.close()

    def __enter__(self) -> Emulator:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()
