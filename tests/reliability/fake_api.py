"""A minimal connectors API over real HTTP whose clock and POST timing a test controls.

The emulator uses this machine's clock and answers at once; this one can run its clock minutes
apart from ours, take longer over a POST than the client waits, or list a hand-made connector
with no creation time.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class FakeApi:
    """Stores what POST sends; lists it with `created_at` on its own (skewable) clock."""

    def __init__(self, *, skew_seconds: float = 0.0, post_seconds: float = 0.0) -> None:
        self.skew_seconds = skew_seconds
        self.post_seconds = post_seconds
        self.post_status = 200
        self.lose_post_answers = False
        self.sends_date = True
        self.connectors: list[dict[str, Any]] = []
        self.posts = 0
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def date_time_string(self, timestamp: float | None = None) -> str:
                return formatdate(owner.now(), usegmt=True)

            def send_header(self, keyword: str, value: str) -> None:
                if keyword != "Date" or owner.sends_date:
                    super().send_header(keyword, value)

            def _answer(self, status: int, body: Any) -> None:
                data = json.dumps(body).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except OSError:
                    pass  # the client stopped waiting

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                owner.posts += 1
                time.sleep(owner.post_seconds)
                record = {
                    **body,
                    "connector_id": str(uuid.uuid4()),
                    "status": "active",
                    "created_at": owner.iso(owner.now()),
                }
                if owner.lose_post_answers:
                    owner.connectors.append(record)
                    self._answer(503, {"status": "error", "error": "lost"})
                elif owner.post_status < 400:
                    owner.connectors.append(record)
                    self._answer(owner.post_status, {"status": "ok", "results": record})
                else:
                    self._answer(owner.post_status, {"status": "error", "error": "refused"})

            def do_GET(self) -> None:
                data = list(owner.connectors)
                self._answer(200, {"status": "ok", "results": {"url": None, "has_more": False,
                                                               "data": data}})  # fmt: skip

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"

    def now(self) -> float:
        return time.time() + self.skew_seconds

    @staticmethod
    def iso(ts: float) -> str:
        return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ts))

    def add_by_hand(self, spec: dict[str, Any], created_at: str | None) -> str:
        connector_id = str(uuid.uuid4())
        self.connectors.append({**spec, "connector_id": connector_id, "created_at": created_at})
        return connector_id

    def __enter__(self) -> FakeApi:
        threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True).start()
        return self

    def __exit__(self, *_: object) -> None:
        self._server.shutdown()
        self._server.server_close()
