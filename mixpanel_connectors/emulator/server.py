"""Serving the emulator over HTTP with waitress, in a background thread or in the foreground.

waitress brings what a stdlib server lacks against bursts and careless clients: a real listen
backlog, a bounded pool of worker threads, timeouts on idle and half-sent connections, and a
hardened request parser.
"""

from __future__ import annotations

import logging
import socket
import threading
from pathlib import Path
from typing import IO, Any

from .app import MAX_BODY_BYTES, SPEC_SHAPES, Accounts, EmulatorApp
from .lines import MAX_FILE_BYTES
from .store import MemoryStore, SqliteStore, Store
from .wsgi import wsgi_app

BACKLOG = 2048
CONNECTION_LIMIT = 1000
THREADS = 8

__all__ = ["Emulator"]


def _waitress() -> Any:
    try:
        import waitress.server
    except ImportError:
        raise RuntimeError(
            "the emulator is served by waitress, which is not installed: "
            "pip install 'mixpanel-connectors[emulator]'"
        ) from None
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    return waitress.server


def _bound(host: str, port: int) -> socket.socket:
    """A socket bound to host:port (IPv4 or IPv6); OSError when the address is unusable."""
    family, kind, proto, _, address = socket.getaddrinfo(
        host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
    )[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
    except OSError:
        sock.close()
        raise
    return sock


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
        accounts: Accounts | None = None,
        page_size: int = 100,
        run_delay_ms: float = 1000.0,
        buckets: str | Path | None = None,
        max_file_bytes: int = MAX_FILE_BYTES,
        deny_buckets: list[str] | None = None,
        faults: dict[str, Any] | None = None,
        shapes: str = "documented",
        log: IO[str] | None = None,
        threads: int = THREADS,
        idle_timeout_s: int = 30,
    ) -> None:
        store: Store = SqliteStore(data) if data else MemoryStore()
        self._log = log
        self.app = EmulatorApp(
            store,
            accounts,
            page_size=page_size,
            run_delay_ms=run_delay_ms,
            buckets=Path(buckets) if buckets else None,
            on_request=self._print if log is not None else None,
        )
        if shapes == "spec":
            self.app.default_shapes = dict(SPEC_SHAPES)
            self.app.shapes = dict(SPEC_SHAPES)
        if faults:
            self.app.faults.configure(faults)
        self.app.runs.denied = set(deny_buckets or [])
        self.app.runs.max_file_bytes = max_file_bytes
        try:
            self._server = _waitress().create_server(
                wsgi_app(self.app),
                sockets=[_bound(host, port)],
                threads=threads,
                backlog=BACKLOG,
                connection_limit=CONNECTION_LIMIT,
                channel_timeout=idle_timeout_s,
                cleanup_interval=max(1, idle_timeout_s // 2),
                max_request_body_size=MAX_BODY_BYTES + 1,
                ident="mixpanel-emulator",
                asyncore_use_poll=True,
            )
        except BaseException:
            store.close()
            raise
        self._thread: threading.Thread | None = None
        self._stopping = False

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
        self._thread = threading.Thread(target=self._serve, name="mixpanel-emulator", daemon=True)
        self._thread.start()
        return self

    def _serve(self) -> None:
        try:
            self._server.run()
        except (OSError, ValueError):
            if not self._stopping:
                raise  # closing sockets under a loop that is still polling them is expected

    def serve_forever(self) -> None:
        """Serve in this thread until interrupted."""
        try:
            self._server.run()
        finally:
            self.close()

    def stop(self) -> None:
        """Stop serving and release the port and the store."""
        self._stopping = True
        if self._thread is not None:
            self._server.trigger.pull_trigger(self._shut)
            self._thread.join(10)
            self._thread = None
        self.close()

    def _shut(self) -> None:
        self._server.task_dispatcher.shutdown()
        self._close_all()

    def _close_all(self) -> None:
        for channel in list(self._server._map.values()):
            channel.close()

    def close(self) -> None:
        self._server.task_dispatcher.shutdown()
        self._close_all()
        self.app.store.close()

    def __enter__(self) -> Emulator:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()
