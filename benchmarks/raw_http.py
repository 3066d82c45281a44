"""The fair baseline: the same API calls as plain `requests`, with nothing a client would not do.

One `requests.Session` per worker thread, kept for the whole run (no new connections per phase),
the proxy and CA settings read once (`trust_env` off, as the package's client does), and every
answer decoded, as the provider decodes every answer it gets.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import requests

T = TypeVar("T")


def settled_session(url: str) -> requests.Session:
    """A session that read the environment's proxy and CA settings for `url` once, up front."""
    session = requests.Session()
    settings = session.merge_environment_settings(url, {}, None, None, None)
    session.trust_env = False
    session.proxies.update(settings["proxies"])
    session.verify = settings["verify"]
    return session


def decoded(response: requests.Response) -> Any:
    """The JSON body of a 2xx answer, or None when it has none."""
    response.raise_for_status()
    return response.json() if response.content.strip() else None


class RawHTTP:
    """Create, read and delete connectors on `workers` threads that live as long as this."""

    def __init__(self, url: str, project: int, auth: tuple[str, str], workers: int) -> None:
        self.url = url
        self.base = f"{url}/api/app/projects/{project}/connectors/"
        self.auth = auth
        self._local = threading.local()
        self._sessions: list[requests.Session] = []
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="raw")

    @property
    def session(self) -> requests.Session:
        """This thread's session."""
        if not hasattr(self._local, "session"):
            self._local.session = settled_session(self.url)
            self._sessions.append(self._local.session)
        return self._local.session  # type: ignore[no-any-return]

    def _timed(self, work: Callable[[T], Any], items: Iterable[T]) -> tuple[float, list[Any]]:
        started = time.perf_counter()
        results = list(self._pool.map(work, items))
        return time.perf_counter() - started, results

    def _create(self, spec: dict[str, Any]) -> str:
        answer = decoded(self.session.post(self.base, json=spec, auth=self.auth, timeout=30))
        return str(answer["results"]["connector_id"])

    def _read(self, connector_id: str) -> Any:
        return decoded(self.session.get(self.base + connector_id, auth=self.auth, timeout=30))

    def _delete(self, connector_id: str) -> Any:
        return decoded(self.session.delete(self.base + connector_id, auth=self.auth, timeout=30))

    def create_all(self, specs: list[dict[str, Any]]) -> tuple[float, list[str]]:
        """Seconds to create every spec, and the new ids in order."""
        return self._timed(self._create, specs)

    def read_all(self, ids: list[str]) -> float:
        return self._timed(self._read, ids)[0]

    def delete_all(self, ids: list[str]) -> float:
        return self._timed(self._delete, ids)[0]

    def close(self) -> None:
        self._pool.shutdown()
        for session in self._sessions:
            session.close()
