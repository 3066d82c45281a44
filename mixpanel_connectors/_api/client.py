"""MixpanelClient: the connectors API over HTTP, with safe retries and tolerant parsing."""

from __future__ import annotations

import functools
import json
import logging
import os
import re
import threading
import time
import weakref
from collections.abc import Callable, Iterator, Mapping
from email.utils import parsedate_to_datetime
from typing import Any, TypeVar
from urllib.parse import urljoin, urlsplit

import requests
import urllib3.exceptions
from pydantic import ValidationError
from requests.adapters import HTTPAdapter
from requests.auth import HTTPBasicAuth
from requests.cookies import extract_cookies_to_jar

from .errors import (
    AmbiguousCreateError,
    APIConnectionError,
    APIError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    CertificateError,
    ConfigurationError,
    InvalidResponseError,
    InvalidSpecError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    RedirectRefusedError,
    ServerError,
    TransportError,
    UnexpectedStatusError,
)
from .models import (
    ConnectorRecord,
    GcsConnectorSpec,
    ImportRun,
    S3ConnectorSpec,
    connector_values,
    describe_invalid,
    parse_spec,
    spec_problems,
)
from .retries import RetryPolicy, parse_retry_after
from .rules import normalize_project_id
from .urls import REGION_BASE_URLS, check_base_url

__all__ = ["MixpanelClient"]

_Read = TypeVar("_Read")

log = logging.getLogger("mixpanel_connectors.client")

_STATUS_ERRORS: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    429: RateLimitError,
}
_MAX_REDIRECTS = 5
_MAX_PAGES = 10_000


def _origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme, parts.netloc


def _was_not_sent(exc: requests.RequestException) -> bool:
    """True when the request provably never reached the server (refused, connect timeout)."""
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return True
    reason: object = exc.args[0] if exc.args else None
    if isinstance(reason, urllib3.exceptions.MaxRetryError):
        reason = reason.reason
    return isinstance(
        reason, (urllib3.exceptions.NewConnectionError, urllib3.exceptions.ConnectTimeoutError)
    )


def _unwrap(body: Any) -> Any:
    """The payload of `{"status": ..., "results": ...}`, or the body itself when bare.

    `results` is read whenever it is there, whatever `status` says or whether it is there at all,
    as Mixpanel's own Terraform provider does (docs/api-contract.md, "Connector object").
    """
    if isinstance(body, dict) and "results" in body:
        return body["results"]
    return body


def _session_for(base_url: str) -> requests.Session:
    """A session that reads the proxy and CA-bundle variables once, for `base_url`.

    With `trust_env` on, requests scans the whole environment on every request (twice, for
    proxies and no_proxy); the client only ever talks to one host, so it settles them here.
    No .netrc lookup is lost: every request carries the service account.
    """
    session = requests.Session()
    settings = session.merge_environment_settings(base_url, {}, None, None, None)
    verify = settings["verify"]
    if isinstance(verify, str) and not os.path.exists(verify):
        raise ConfigurationError(
            f"the CA bundle {verify!r} named by REQUESTS_CA_BUNDLE or CURL_CA_BUNDLE does not "
            "exist; point the variable at a PEM file or directory, or unset it"
        )
    session.trust_env = False
    session.proxies.update(settings["proxies"])
    session.verify = verify
    return session


class MixpanelClient:
    """A thread-safe client of the Cloud Import connectors API.

    Authenticates with a service account (HTTP Basic). `base_url` wins over `region`
    (`us`, `eu`, `in`). GET and DELETE are retried on connection errors, 429 and 5xx; POST only
    when the request provably was not processed (429, connection refused); a create whose outcome
    is unknown raises AmbiguousCreateError.

    A `session` passed in prepares every request as `Session.request` would (its headers,
    params, cookies, hooks, proxy and CA settings all apply); the client's own session reads the
    proxy and CA settings once, here.
    """

    def __init__(
        self,
        username: str,
        secret: str,
        *,
        region: str = "us",
        base_url: str | None = None,
        connect_timeout: float = 5.0,
        read_timeout: float = 30.0,
        retry: RetryPolicy | None = None,
        session: requests.Session | None = None,
    ) -> None:
        if not username or not secret:
            raise ConfigurationError(
                "a service account username and secret are required (MIXPANEL_SERVICE_ACCOUNT "
                "and MIXPANEL_SERVICE_ACCOUNT_SECRET)"
            )
        if base_url is None:
            if region not in REGION_BASE_URLS:
                raise ConfigurationError(
                    f"unknown region {region!r}; expected one of {', '.join(REGION_BASE_URLS)}"
                )
            base_url = REGION_BASE_URLS[region]
        self.base_url = check_base_url(base_url)
        self.timeout = (connect_timeout, read_timeout)
        self.retry = retry or RetryPolicy()
        self._auth = HTTPBasicAuth(username, secret)
        self._secret = secret
        self._owns_session = session is None
        self._server_offset: float | None = None
        self._local = threading.local()
        self._session = session or _session_for(self.base_url)
        adapter = HTTPAdapter(pool_connections=4, pool_maxsize=16, max_retries=0)
        self._session.mount("http://", adapter)
        self._session.mount("https://", adapter)
        self._mounted = adapter
        self._lock = threading.Lock()
        self._thread_adapters: weakref.WeakSet[HTTPAdapter] = weakref.WeakSet()
        # The client's own session has its proxy and CA settings for this one host settled (see
        # _session_for), so its requests skip the per-call merging; a caller's goes through it.
        self._settled: dict[str, Any] | None = None
        if self._owns_session:
            found = self._session.merge_environment_settings(self.base_url, {}, None, None, None)
            self._settled = {k: found[k] for k in ("proxies", "verify", "cert")}  # type: ignore[literal-required]

    def deadline(self, seconds: float) -> _Deadline:
        """Bound every request this thread makes inside the `with` block to `seconds` from now,
        in all (retries, waits and slow answers included), on top of each request's own
        deadline."""
        return _Deadline(self._local, seconds)

    def deadline_passed(self) -> bool:
        """True inside a `deadline` block whose time is up (on this thread)."""
        until: float | None = getattr(self._local, "until", None)
        return until is not None and time.monotonic() >= until

    @property
    def server_offset(self) -> float | None:
        """Seconds the server's clock is ahead of this machine's (from its `Date` header), or
        None before any answer carried one. The header has whole seconds."""
        return self._server_offset

    def _note_server_time(self, response: requests.Response) -> None:
        header = response.headers.get("Date")
        if not header:
            return
        epoch = _date_epoch(header)
        if epoch is not None:
            self._server_offset = epoch - time.time()

    def __repr__(self) -> str:
        return f"MixpanelClient(base_url={self.base_url!r}, username={self._auth.username!r})"

    def close(self) -> None:
        """Close pooled connections, every thread's (only when the client created its own
        session)."""
        if self._owns_session:
            with self._lock:
                adapters = list(self._thread_adapters)
            for adapter in adapters:
                adapter.close()
            self._session.close()

    def __enter__(self) -> MixpanelClient:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    # -- endpoints -----------------------------------------------------------------------------

    def create_connector(
        self, project_id: object, spec: S3ConnectorSpec | GcsConnectorSpec | Mapping[str, Any]
    ) -> ConnectorRecord:
        """Validate the spec and POST it as a new connector; returns it as the API answered."""
        if not isinstance(spec, (S3ConnectorSpec, GcsConnectorSpec)):
            try:
                spec = parse_spec(dict(spec))
            except ValidationError:
                raise InvalidSpecError(spec_problems(dict(spec))) from None
        return self.post_connector(project_id, spec.model_dump(mode="json", exclude_none=True))

    def post_connector(self, project_id: object, body: Mapping[str, Any]) -> ConnectorRecord:
        """POST a create body exactly as given, for a body already validated (the provider's
        check validates every spec before its create); returns the connector as answered."""
        path = f"{self._project_path(project_id)}/connectors/"
        payload = self._request("POST", path, json_body=body)
        return self._parse_connector("POST", path, payload)

    def get_connector(self, project_id: object, connector_id: str) -> ConnectorRecord:
        """GET one connector."""
        path = self._connector_path(project_id, connector_id)
        return self._parse_connector("GET", path, self._request("GET", path))

    def get_connector_values(self, project_id: object, connector_id: str) -> dict[str, Any]:
        """GET one connector as plain values (`ConnectorRecord.plain()`), without the model."""
        path = self._connector_path(project_id, connector_id)
        return _read_connector("GET", path, self._request("GET", path), connector_values)

    def post_connector_values(self, project_id: object, body: Mapping[str, Any]) -> dict[str, Any]:
        """`post_connector`, answering with plain values (`ConnectorRecord.plain()`)."""
        path = f"{self._project_path(project_id)}/connectors/"
        payload = self._request("POST", path, json_body=body)
        return _read_connector("POST", path, payload, connector_values)

    def list_connectors(self, project_id: object) -> Iterator[ConnectorRecord]:
        """Every connector of a project, following the `url` of each page while `has_more`."""
        path = f"{self._project_path(project_id)}/connectors/"
        for page_path, item in self._paged(path, "connectors"):
            yield self._parse_connector("GET", page_path, item)

    def list_first_page(self, project_id: object) -> list[ConnectorRecord]:
        """The first page of a project's connectors: one request, which 404s for an unknown
        project (unlike a connector's 404, which says only that the connector is gone)."""
        path = f"{self._project_path(project_id)}/connectors/"
        items, _ = self._parse_page(path, _unwrap(self._request("GET", path)), "connectors")
        return [self._parse_connector("GET", path, item) for item in items]

    def delete_connector(self, project_id: object, connector_id: str) -> str:
        """DELETE a connector; returns the API's confirmation text ("" when it sent none).

        Any 2xx answer is a deletion, whatever its body: JSON, text or nothing.
        """
        path = self._connector_path(project_id, connector_id)
        response = self._request("DELETE", path, raw=True)
        try:
            body: Any = response.json() if response.content.strip() else None
        except ValueError:
            return _snippet(response.text)
        if isinstance(body, dict):
            message = body.get("results", body.get("message", ""))
            return message if isinstance(message, str) else json.dumps(message)
        return "" if body is None else str(body)

    def connector_history(self, project_id: object, connector_id: str) -> list[ImportRun]:
        """The connector's import runs, every page, in the order the API listed them.

        The order means nothing (docs/api-contract.md, "History"): use `import_runs.first_run`
        and `import_runs.latest_run`.
        """
        path = f"{self._connector_path(project_id, connector_id)}/history"
        runs = []
        for page_path, item in self._paged(path, "import runs"):
            try:
                runs.append(ImportRun.model_validate(item))
            except ValidationError as exc:
                raise InvalidResponseError(
                    "GET", page_path, f"unreadable import run: {describe_invalid(exc)}"
                ) from None
        return runs

    def _paged(self, path: str, what: str) -> Iterator[tuple[str, Any]]:
        """(page path, item) for every item of a paginated listing, page after page."""
        next_path: str | None = path
        seen: set[str] = set()
        held: set[str] = set()
        while next_path is not None:
            if next_path in seen:
                raise InvalidResponseError(
                    "GET", next_path, "pagination loops back to a page already read"
                )
            seen.add(next_path)
            if len(seen) > _MAX_PAGES:
                raise InvalidResponseError(
                    "GET", next_path, f"more than {_MAX_PAGES} pages of {what}; stopped reading"
                )
            page = _unwrap(self._request("GET", next_path))
            items, following = self._parse_page(next_path, page, what)
            if following is not None and not items:
                raise InvalidResponseError(
                    "GET",
                    next_path,
                    f"page {len(seen)} has no {what} but says there are more; stopped reading "
                    "(is the server's page size 0?)",
                )
            fresh = {json.dumps(item, sort_keys=True, default=str) for item in items} - held
            if following is not None and not fresh:
                raise InvalidResponseError(
                    "GET",
                    next_path,
                    f"page {len(seen)} repeats only {what} already read but says there are more; "
                    "stopped reading",
                )
            held |= fresh
            for item in items:
                yield next_path, item
            next_path = following

    # -- paths and parsing ----------------------------------------------------------------------

    @staticmethod
    def _project_path(project_id: object) -> str:
        try:
            number = normalize_project_id(project_id)
        except ValueError as exc:
            raise ConfigurationError(str(exc)) from exc
        return f"/api/app/projects/{number}"

    def _connector_path(self, project_id: object, connector_id: str) -> str:
        if not isinstance(connector_id, str) or not connector_id.strip():
            raise ConfigurationError(f"a connector id is a non-empty string, got {connector_id!r}")
        if "/" in connector_id or "?" in connector_id or "#" in connector_id:
            raise ConfigurationError(f"{connector_id!r} is not a connector id")
        return f"{self._project_path(project_id)}/connectors/{connector_id}"

    @staticmethod
    def _parse_connector(method: str, path: str, payload: Any) -> ConnectorRecord:
        return _read_connector(method, path, payload, ConnectorRecord.model_validate)

    def _parse_page(self, path: str, page: Any, what: str) -> tuple[list[Any], str | None]:
        if isinstance(page, list):
            return page, None
        if page is None:
            return [], None  # `results: null`: Go's encoding of nothing
        if isinstance(page, dict) and page.get("data", False) is None:
            page = {**page, "data": []}
        if isinstance(page, dict) and "data" not in page and isinstance(page.get("runs"), list):
            return page["runs"], None
        if not isinstance(page, dict) or not isinstance(page.get("data"), list):
            raise InvalidResponseError(
                "GET", path, f"expected a page of {what} {{url, has_more, data}}"
            )
        next_url = page.get("url")
        if not page.get("has_more") or not next_url:
            return page.get("data", []), None
        target = urljoin(f"{self.base_url}{path}", str(next_url))
        if _origin(target) != _origin(self.base_url):
            raise InvalidResponseError(
                "GET", path, f"next page {next_url!r} is on another host; refusing to follow"
            )
        parts = urlsplit(target)
        base_path = urlsplit(self.base_url).path
        rel = parts.path[len(base_path) :] if parts.path.startswith(base_path) else parts.path
        return page.get("data", []), rel + (f"?{parts.query}" if parts.query else "")

    # -- transport ---------------------------------------------------------------------------------

    def _request(self, method: str, path: str, *, json_body: Any = None, raw: bool = False) -> Any:
        """Send with retries; return the decoded JSON body of a 2xx answer (None when empty).

        With `raw`, the 2xx response itself, undecoded. The policy's deadline bounds the whole
        operation, waits and slow answers included. An unreadable answer to a GET is retried
        (reads are safe); a 404 to a DELETE retried after an unknown outcome is a deletion.
        """
        policy = self.retry
        started = time.monotonic()
        started_wall = time.time()
        deadline = None if policy.deadline_seconds is None else started + policy.deadline_seconds
        shared: float | None = getattr(self._local, "until", None)
        if shared is not None:
            deadline = shared if deadline is None else min(deadline, shared)
        failures: list[str] = []
        outcome_unknown = False
        while True:
            try:
                response = self._send(method, path, json_body, deadline)
            except TransportError as exc:
                if isinstance(exc, CertificateError):
                    raise
                if method == "POST" and not exc.not_sent:
                    raise AmbiguousCreateError(method, path, exc, started_wall) from exc
                outcome_unknown = outcome_unknown or not exc.not_sent
                failures.append(str(exc).split(": ", 1)[-1])
                self._wait_or_raise(exc, failures, policy, started, None, deadline)
                continue
            if response.status_code < 400:
                if raw:
                    return response
                try:
                    return self._decode(method, path, response)
                except InvalidResponseError as exc:
                    if method != "GET":
                        raise
                    failures.append(f"HTTP {response.status_code} with an unreadable body")
                    self._wait_or_raise(exc, failures, policy, started, None, deadline)
                    continue
            if method == "DELETE" and response.status_code == 404 and outcome_unknown:
                return response if raw else None
            error = self._status_error(method, path, response)
            retryable = response.status_code == 429 or response.status_code >= 500
            if method == "POST" and response.status_code >= 500:
                raise AmbiguousCreateError(method, path, error, started_wall) from error
            if not retryable:
                raise error
            outcome_unknown = outcome_unknown or response.status_code >= 500
            failures.append(f"HTTP {response.status_code}")
            self._wait_or_raise(error, failures, policy, started, error.retry_after, deadline)

    @staticmethod
    def _wait_or_raise(
        error: APIError,
        failures: list[str],
        policy: RetryPolicy,
        started: float,
        retry_after: float | None,
        deadline: float | None,
    ) -> None:
        retry_number = len(failures)
        delay = policy.delay(retry_number, retry_after)
        now = time.monotonic()
        elapsed = now - started
        out_of_time = deadline is not None and now + delay > deadline
        if retry_number > policy.max_retries or out_of_time:
            why = "deadline reached" if out_of_time else "retries exhausted"
            attempts = _attempts(failures, str(error.args[0]))
            error.give_up(
                f"{why} after {retry_number} attempt(s) in {elapsed:.1f}s{attempts}", failures
            )
            raise error
        log.info("%s; retry %d in %.2fs", error, retry_number, delay)
        time.sleep(delay)

    def _send(
        self, method: str, path: str, json_body: Any, deadline: float | None = None
    ) -> requests.Response:
        url = f"{self.base_url}{path}"
        for _ in range(_MAX_REDIRECTS + 1):
            connect, read = self.timeout
            if deadline is not None:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise APITimeoutError(
                        method, path, "the operation's deadline passed before it could be sent",
                        not_sent=True,
                    )  # fmt: skip
                connect, read = min(connect, left), min(read, left)
            prepared, settings = self._prepared(method, path, url, json_body)
            try:
                response = self._transmit(prepared, (connect, read), settings)
                _read_body(response, deadline)
            except _DeadlinePassed:
                raise APITimeoutError(
                    method,
                    path,
                    "the answer did not arrive in full within the operation's deadline "
                    f"({self.retry.deadline_seconds:g} s: mixpanel:timeoutSeconds)",
                ) from None
            except requests.Timeout as exc:
                raise APITimeoutError(
                    method,
                    path,
                    f"no answer within {self.timeout} s (connect, read): {type(exc).__name__}",
                    not_sent=_was_not_sent(exc),
                ) from exc
            except requests.exceptions.SSLError as exc:
                raise CertificateError(
                    method,
                    path,
                    f"TLS failed, nothing was sent: {_describe(exc)}; if a proxy or private CA "
                    "signs this host's certificate, point REQUESTS_CA_BUNDLE at its PEM bundle",
                    not_sent=True,
                ) from exc
            except requests.RequestException as exc:
                raise APIConnectionError(
                    method,
                    path,
                    f"connection failed: {_describe(exc)}; {_unreachable_hint(self.base_url)}",
                    not_sent=_was_not_sent(exc),
                ) from exc
            self._note_server_time(response)
            if not response.is_redirect:
                return response
            target = urljoin(url, response.headers.get("Location", ""))
            same_host = _origin(target) == _origin(url)
            keeps_method = method == "GET" or response.status_code in (307, 308)
            if not (same_host and keeps_method):
                reason = "leave the API host" if not same_host else f"turn {method} into GET"
                raise RedirectRefusedError(
                    method,
                    path,
                    f"HTTP {response.status_code} redirect to {urlsplit(target).path!r} refused: "
                    f"following it would {reason}; use the canonical path (collection paths end "
                    "with '/')",
                )
            url = target
        raise RedirectRefusedError(method, path, f"more than {_MAX_REDIRECTS} redirects")

    def _transmit(
        self,
        prepared: requests.PreparedRequest,
        timeout: tuple[float, float],
        settings: dict[str, Any],
    ) -> requests.Response:
        """Send one request, following no redirect; the answer's body is left to stream.

        The client's own session sends through an adapter itself, each thread through its own
        connection pool: `Session.send` also extracts cookies from every answer, which costs a
        request about as much as the rest of the client's own work; here that runs only for an
        answer that sets one, so the session's cookies still go with later requests. A session
        passed in sends as requests sends.
        """
        session = self._session
        if self._settled is None:
            return session.send(
                prepared, timeout=timeout, allow_redirects=False, stream=True, **settings
            )
        adapter = session.get_adapter(str(prepared.url))
        if adapter is self._mounted:
            adapter = self._adapter_of_this_thread()
        response = adapter.send(prepared, stream=True, timeout=timeout, **settings)
        if "Set-Cookie" in response.headers or "Set-Cookie2" in response.headers:
            extract_cookies_to_jar(session.cookies, prepared, response.raw)  # type: ignore[no-untyped-call]
        return response

    def _adapter_of_this_thread(self) -> HTTPAdapter:
        """This thread's connection pool. The provider host's 4 workers share one client; through
        one shared pool its creates and reads measured 1 to 2% slower than with a pool per thread,
        as the true floor and fair raw have (benchmarks/README.md, "Where the time goes"). The
        pool goes with its thread: a thread per request would connect every time."""
        adapter: HTTPAdapter | None = getattr(self._local, "adapter", None)
        if adapter is None:
            adapter = self._local.adapter = HTTPAdapter(
                pool_connections=1, pool_maxsize=2, max_retries=0
            )
            with self._lock:
                self._thread_adapters.add(adapter)
        return adapter

    def _prepared(
        self, method: str, path: str, url: str, json_body: Any
    ) -> tuple[requests.PreparedRequest, dict[str, Any]]:
        """The request, prepared as `Session.request` prepares it, and the settings to send it.

        The client's own session skips `Session.request`'s merging of the session's settings
        into every request (about 70 us a request in requests 2.34, more than the client's own
        work on a read): its headers and cookies go with the request (it has no hooks: it is
        the client's own), and its proxy and CA settings were settled once. A session passed
        in prepares the request itself, so its params, its headers set to None and any
        `prepare_request` of its own work as they would.
        A request that cannot be built is a ConfigurationError: nothing was sent.
        """
        session = self._session
        try:
            if self._settled is not None:
                prepared: requests.PreparedRequest = _OwnRequest()
                prepared.prepare(
                    method=method,
                    url=url,
                    headers={**session.headers, "Accept": "application/json"},
                    json=json_body,
                    auth=self._auth,
                    cookies=session.cookies,
                )
                return prepared, self._settled
            request = requests.Request(
                method, url, headers={"Accept": "application/json"}, json=json_body, auth=self._auth
            )
            prepared = session.prepare_request(request)
            found = session.merge_environment_settings(prepared.url, {}, None, None, None)
            return prepared, {k: found[k] for k in ("proxies", "verify", "cert")}  # type: ignore[literal-required]
        except (requests.RequestException, ValueError) as exc:
            detail = str(exc)
            if self._secret in detail or "authorization" in detail.lower():
                detail = "(its text would show the credentials)"
            raise ConfigurationError(
                f"{method} {path}: the request could not be built, so nothing was sent "
                f"({type(exc).__name__}: {detail}); check the headers, params and hooks of the "
                "session given to the client, and that the service account is text"
            ) from None

    @staticmethod
    def _decode(method: str, path: str, response: requests.Response) -> Any:
        if not response.content.strip():
            return None
        try:
            return response.json()
        except ValueError as exc:
            kind = response.headers.get("Content-Type", "no content type")
            raise InvalidResponseError(
                method,
                path,
                f"HTTP {response.status_code} with a body that is not JSON ({kind}, "
                f"{len(response.content)} bytes: {_snippet(response.text)})",
            ) from exc

    @staticmethod
    def _status_error(method: str, path: str, response: requests.Response) -> APIStatusError:
        status = response.status_code
        message, api_type, details = "", None, None
        body: object
        try:
            body = response.json()
        except ValueError:
            body = response.text[:2000] if response.content else None
        if isinstance(body, dict):
            raw = body.get("error") or body.get("message") or body.get("detail") or ""
            message = raw if isinstance(raw, str) else json.dumps(raw)
            api_type = body.get("type") if isinstance(body.get("type"), str) else None
            details = body.get("details")
        elif isinstance(body, str):
            kind = response.headers.get("Content-Type", "no content type")
            message = f"non-JSON error body ({kind}): {_snippet(response.text)}"
        cls = _STATUS_ERRORS.get(status) or (
            ServerError if status >= 500 else UnexpectedStatusError
        )
        return cls(
            method,
            path,
            status,
            message,
            api_type=api_type,
            details=details,
            retry_after=parse_retry_after(response.headers.get("Retry-After")),
            body=body,
        )


class _Deadline:
    """`MixpanelClient.deadline`: a plain class, as every create enters one (contextlib's
    generator-based managers cost several times as much)."""

    def __init__(self, local: threading.local, seconds: float) -> None:
        self._local = local
        self._seconds = seconds
        self._previous: float | None = None

    def __enter__(self) -> None:
        self._previous = getattr(self._local, "until", None)
        until = time.monotonic() + self._seconds
        self._local.until = until if self._previous is None else min(self._previous, until)

    def __exit__(self, *_: object) -> None:
        self._local.until = self._previous


class _DeadlinePassed(Exception):
    """The body was still arriving when the operation's deadline passed."""


def _read_connector(
    method: str, path: str, payload: Any, read: Callable[[dict[str, Any]], _Read]
) -> _Read:
    """The connector an answer holds, read by `read`; an unreadable one is one line naming the
    method, the path and the field."""
    payload = _unwrap(payload)
    if not isinstance(payload, dict):
        got = "nothing" if payload is None else type(payload).__name__
        raise InvalidResponseError(method, path, f"expected a connector object, got {got}")
    try:
        return read(payload)
    except ValidationError as exc:
        raise InvalidResponseError(
            method, path, f"not a connector object: {describe_invalid(exc)}"
        ) from None


@functools.lru_cache(maxsize=4)
def _date_epoch(header: str) -> float | None:
    """A Date header as epoch seconds; cached, as it changes once a second and every answer
    carries one."""
    try:
        when = parsedate_to_datetime(header)
    except (TypeError, ValueError):
        return None
    return when.timestamp() if when.tzinfo is not None else None


class _OwnRequest(requests.PreparedRequest):
    """A request of the client's own session, whose cookie machinery runs only when the session
    holds cookies: building the Cookie header from an empty jar costs as much as sending."""

    def prepare_cookies(self, cookies: Any) -> None:
        if cookies:
            super().prepare_cookies(cookies)


def _read_body(response: requests.Response, deadline: float | None) -> None:
    """Read the whole body into the response, one socket read at a time, within the deadline.

    A per-read timeout alone lets an answer that trickles in a byte at a time run forever.
    """
    chunks: list[bytes] = []
    try:
        while True:
            if deadline is not None and time.monotonic() > deadline:
                response.close()
                raise _DeadlinePassed
            chunk = response.raw.read1(65536, decode_content=True)
            if not chunk:
                break
            chunks.append(chunk)
    except urllib3.exceptions.ReadTimeoutError as exc:
        response.close()
        raise requests.exceptions.ReadTimeout(exc) from exc
    except urllib3.exceptions.HTTPError as exc:
        response.close()
        raise requests.exceptions.ConnectionError(exc) from exc
    response._content = b"".join(chunks)  # what requests itself fills when not streaming
    response._content_consumed = True  # type: ignore[attr-defined]
    response.raw.release_conn()


def _describe(exc: requests.RequestException) -> str:
    reason: object = exc.args[0] if exc.args else exc
    if isinstance(reason, urllib3.exceptions.MaxRetryError) and reason.reason is not None:
        reason = reason.reason
    if isinstance(reason, urllib3.exceptions.ProtocolError) and len(reason.args) > 1:
        reason = reason.args[1]
    if isinstance(reason, urllib3.exceptions.NewConnectionError):
        why = str(reason).rpartition("new connection: ")[2]
        return _ERRNO_PREFIX.sub("", why).lower() or "no connection"
    return f"{type(reason).__name__}: {reason}" if isinstance(reason, Exception) else str(reason)


_ERRNO_PREFIX = re.compile(r"^\[Errno -?\d+\] ")


def _unreachable_hint(base_url: str) -> str:
    """What to check when nothing answers at `base_url`."""
    host = urlsplit(base_url).hostname or ""
    if host == "localhost" or host.startswith("127.") or host == "::1":
        return f"is the emulator running at {base_url}? (mixpanel-connectors emulator --print-env)"
    return f"check the network, any proxy (HTTPS_PROXY), and the base URL {base_url}"


def _attempts(failures: list[str], message: str) -> str:
    """Every attempt's failure, or a few words when each failed as `message` already says."""
    if len(set(failures)) == 1 and failures[0] in message:
        return ", each failing so" if len(failures) > 1 else ""
    return ": " + "; ".join(failures)


def _snippet(text: str, limit: int = 120) -> str:
    flat = " ".join(text.split())
    return repr(flat[:limit] + ("..." if len(flat) > limit else ""))
