"""Routes of the emulated connectors API and of its test controls under /_emulator/."""

from __future__ import annotations

import base64
import binascii
import json
import re
import threading
import time
import uuid
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from .errors import ApiProblem
from .faults import Fault, FaultPlan
from .parsing import MAX_ID, load_body, whole_number
from .runs import RunBook
from .store import Store, StoredConnector
from .validation import validate_create

DEFAULT_ACCOUNTS = {"demo": "demo-secret"}
DEFAULT_PROJECTS = (1234567,)
MAX_BODY_BYTES = 1 << 20
MAX_PAGE = 1_000_000
_LOG_LIMIT = 200_000
_API = re.compile(r"^/api/app/projects/(?P<project>[^/]+)/connectors(?P<rest>/.*)?$")
_ONE = re.compile(r"^/(?P<cid>[^/]+)$")
_HISTORY = re.compile(r"^/(?P<cid>[^/]+)/history$")
_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
SHAPES: dict[str, tuple[str, ...]] = {
    "create_shape": ("wrapped", "bare"),
    "created_by_shape": ("email", "object"),
    "created_at_shape": ("iso", "epoch"),
    "error_shape": ("auto", "simple", "typed"),
    "delete_shape": ("ok", "success"),
    "history_shape": ("samples", "spec"),
    "list_status_shape": ("null", "status"),
    "added_keys_shape": ("gcs_region", "spec", "none"),
}
"""Response shapes: each first option is what Mixpanel's published samples show
(docs/api-contract.md); the others are the spec's alternatives, or no server additions."""
SPEC_SHAPES = {name: options[1] for name, options in SHAPES.items()}
"""Every alternative the spec documents at once, for `--shapes spec`."""
SERVER_REGION = "us"
SPEC_CATEGORY_EXTRAS = {"frequency": "hourly", "trial": False}


@dataclass(frozen=True)
class Request:
    """An HTTP request as the app sees it."""

    method: str
    target: str
    headers: Mapping[str, str]
    body: bytes = b""
    oversized: bool = False

    @property
    def path(self) -> str:
        return urlsplit(self.target).path

    @property
    def query(self) -> dict[str, list[str]]:
        return parse_qs(urlsplit(self.target).query)


@dataclass
class Response:
    """An answer: a JSON body (or `raw` bytes) and headers, or `drop` to close the connection."""

    status: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    drop: bool = False
    raw: bytes | None = None


@dataclass
class Accounts:
    """Who may call the API: service accounts and secrets, and the projects each may use."""

    secrets: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_ACCOUNTS))
    projects: tuple[int, ...] = DEFAULT_PROJECTS
    grants: dict[str, tuple[int, ...]] = field(default_factory=dict)


def _ok(results: Any, status: int = 200) -> Response:
    return Response(status, {"status": "ok", "results": results})


class EmulatorApp:
    """The whole emulated service: API routes, controls, faults and the request log."""

    def __init__(
        self,
        store: Store,
        accounts: Accounts | None = None,
        *,
        page_size: int = 100,
        run_delay_ms: float = 1000.0,
        buckets: Path | None = None,
        on_request: Callable[[dict[str, Any]], None] | None = None,
    ) -> None:
        self.store = store
        self.accounts = accounts or Accounts()
        self.page_size = page_size
        self.runs = RunBook(buckets, run_delay_ms / 1000)
        self.faults = FaultPlan()
        self.on_request = on_request
        self._lock = threading.Lock()
        self._log: list[dict[str, Any]] = []
        self.default_shapes = {name: options[0] for name, options in SHAPES.items()}
        self.shapes = dict(self.default_shapes)

    # -- the edge --------------------------------------------------------------------------------

    def handle(self, request: Request) -> Response:
        """Answer one request; never raises."""
        if request.path.startswith("/_emulator/"):
            try:
                return self._control(request)
            except ApiProblem as problem:
                return self._render(problem)
            except Exception:  # a control must answer too, whatever it was sent
                return Response(500, {"status": "error", "error": "internal emulator error"})
        started = time.monotonic()
        if self.faults.latency_ms:
            time.sleep(self.faults.latency_ms / 1000)
        fault = self.faults.next_fault(request.method, request.path)
        if fault is not None and fault.mode == "reject":
            response = self._fault_response(fault)
        else:
            response = self._api(request)
            if fault is not None and fault.status == "truncate":
                whole = json.dumps(response.body).encode()
                response = Response(200, raw=whole[: len(whole) // 2])
            elif fault is not None:
                response = self._fault_response(fault)
        self._record(request, response, fault, time.monotonic() - started)
        return response

    def _api(self, request: Request) -> Response:
        try:
            return self._route(request)
        except ApiProblem as problem:
            return self._render(problem)
        except Exception:  # the emulator must keep serving whatever a handler does
            return Response(500, {"status": "error", "error": "internal emulator error"})

    def _render(self, problem: ApiProblem) -> Response:
        shape = self.shapes["error_shape"]
        typed = shape == "typed" or (shape == "auto" and problem.kind is not None)
        if typed:
            body: dict[str, Any] = {
                "status": "error",
                "type": problem.kind or "error",
                "message": problem.message,
            }
            if problem.prop:
                body["details"] = {"property": problem.prop}
        else:
            body = {"status": "error", "error": problem.message}
        return Response(problem.status, body, dict(problem.headers))

    @staticmethod
    def _fault_response(fault: Fault) -> Response:
        if fault.drops:
            return Response(0, drop=True)
        status = int(fault.status)
        if status == 429:
            return Response(
                429,
                {"status": "error", "error": "Rate limit exceeded, try again later"},
                {"Retry-After": str(fault.retry_after)},
            )
        return Response(status, {"status": "error", "error": f"injected fault: HTTP {status}"})

    def _record(
        self, request: Request, response: Response, fault: Fault | None, seconds: float
    ) -> None:
        entry = {
            "method": request.method,
            "path": request.path,
            "query": urlsplit(request.target).query,
            "status": response.status,
            "fault": None if fault is None else fault.mode,
            "dropped": response.drop,
            "ms": round(seconds * 1000, 2),
            "time": time.time(),
        }
        with self._lock:
            if len(self._log) >= _LOG_LIMIT:
                del self._log[: _LOG_LIMIT // 10]
            self._log.append(entry)
        if self.on_request is not None:
            self.on_request(entry)

    # -- API routes ------------------------------------------------------------------------------

    def _route(self, request: Request) -> Response:
        match = _API.match(request.path)
        if match is None:
            raise ApiProblem(404, f"Unknown path {request.path}")
        rest = match["rest"]
        if rest is None:
            query = urlsplit(request.target).query
            location = request.path + "/" + (f"?{query}" if query else "")
            return Response(301, {"status": "error", "error": "Moved"}, {"Location": location})
        user = self._authenticate(request)
        project = self._project(match["project"], user)
        if rest == "/":
            if request.method == "GET":
                return self._list(request, project)
            if request.method == "POST":
                return self._create(request, project, user)
            raise self._not_allowed(request, "GET, POST")
        one = _ONE.match(rest)
        if one is not None:
            if request.method == "GET":
                return _ok(self._find(project, one["cid"]).record)
            if request.method == "DELETE":
                return self._delete(project, one["cid"])
            raise self._not_allowed(request, "GET, DELETE")
        history = _HISTORY.match(rest)
        if history is not None:
            if request.method != "GET":
                raise self._not_allowed(request, "GET")
            item = self._find(project, history["cid"])
            runs = self.runs.history(item, time.time(), self.shapes["history_shape"])
            return _ok({"url": None, "has_more": False, "data": runs})
        raise ApiProblem(404, f"Unknown path {request.path}")

    @staticmethod
    def _not_allowed(request: Request, allowed: str) -> ApiProblem:
        return ApiProblem(
            405,
            f"Method {request.method} not allowed on {request.path}",
            headers={"Allow": allowed},
        )

    def _authenticate(self, request: Request) -> str:
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        user, secret = "", ""
        if scheme.lower() == "basic":
            try:
                user, _, secret = base64.b64decode(token, validate=True).decode().partition(":")
            except (binascii.Error, UnicodeDecodeError):
                user = ""
        expected = self.accounts.secrets.get(user)
        if not user or expected is None or expected != secret:
            raise ApiProblem(
                401,
                "Invalid service account credentials",
                headers={"WWW-Authenticate": 'Basic realm="Mixpanel"'},
            )
        return user

    def _project(self, raw: str, user: str) -> int:
        project = whole_number(raw)
        if project is None or project not in self.accounts.projects:
            raise ApiProblem(404, f"Project {raw[:40]} not found")
        allowed = self.accounts.grants.get(user)
        if allowed is not None and project not in allowed:
            raise ApiProblem(403, f"Service account {user} has no access to project {project}")
        return project

    def _find(self, project: int, connector_id: str) -> StoredConnector:
        item = self.store.get(project, connector_id) if _ID.match(connector_id) else None
        if item is None:
            raise ApiProblem(404, f"Connector {connector_id} not found in project {project}")
        return item

    def _list(self, request: Request, project: int) -> Response:
        raw_page = request.query.get("page", ["1"])[0]
        page = whole_number(raw_page, MAX_PAGE)
        if not page:
            raise ApiProblem(400, f"page must be a whole number from 1 to {MAX_PAGE}")
        items, total = self.store.page(project, (page - 1) * self.page_size, self.page_size)
        has_more = page * self.page_size < total
        next_url = f"/api/app/projects/{project}/connectors/?page={page + 1}" if has_more else None
        records = [i.record for i in items]
        if self.shapes["list_status_shape"] == "null":
            records = [{**record, "status": None} for record in records]
        return _ok({"url": next_url, "has_more": has_more, "data": records})

    def _create(self, request: Request, project: int, user: str) -> Response:
        body = self._json_object(request)
        fields = self._with_added_keys(validate_create(body))
        now = time.time()
        record = {
            "connector_id": str(uuid.uuid4()),
            **fields,
            "status": "active",
            "failure_message": None,
            "created_at": self._created_at(now),
            "created_by": self._created_by(user),
        }
        self.store.add(StoredConnector(project=project, record=record, created_ts=now))
        if self.shapes["create_shape"] == "bare":
            return Response(201, record)
        return _ok(record)

    def _with_added_keys(self, fields: dict[str, Any]) -> dict[str, Any]:
        """What the server adds to a connector (docs/api-contract.md, "Fields the server adds")."""
        shape = self.shapes["added_keys_shape"]
        props = dict(fields["connector_properties"])
        if fields["connector_type"] == "gcsImport" and shape != "none":
            if props.get("gcs_region") is None:
                props["gcs_region"] = SERVER_REGION
        elif fields["connector_type"] == "gcsImport" and props.get("gcs_region") is None:
            props.pop("gcs_region", None)
        category = dict(fields["category_properties"])
        if shape == "spec":
            category = {**category, **SPEC_CATEGORY_EXTRAS}
        return {**fields, "connector_properties": props, "category_properties": category}

    def _created_at(self, now: float) -> str:
        if self.shapes["created_at_shape"] == "epoch":
            return str(int(now))
        return datetime.fromtimestamp(now, tz=timezone.utc).isoformat().replace("+00:00", "Z")

    def _created_by(self, user: str) -> Any:
        email = f"{user}@service-account.mixpanel.example"
        if self.shapes["created_by_shape"] == "object":
            return {"id": zlib.crc32(user.encode()) % 10**6, "email": email, "name": user}
        return email

    def _delete(self, project: int, connector_id: str) -> Response:
        self._find(project, connector_id)
        self.store.delete(project, connector_id)
        self.runs.forget(connector_id)
        message = f"Successfully deleted Connector with ID:{connector_id}"
        if self.shapes["delete_shape"] == "success":
            return Response(200, {"status": "success", "message": message})
        return _ok(message)

    @staticmethod
    def _json_object(request: Request) -> dict[str, Any]:
        if request.oversized or len(request.body) > MAX_BODY_BYTES:
            raise ApiProblem(413, f"Request body over {MAX_BODY_BYTES} bytes")
        if not request.body.strip():
            raise ApiProblem(400, "Request body must be a JSON object", kind="invalid_request")
        body = load_body(request.body)
        if not isinstance(body, dict):
            raise ApiProblem(
                400,
                f"Request body must be a JSON object, got {type(body).__name__}",
                kind="invalid_request",
            )
        return body

    # -- test controls ---------------------------------------------------------------------------

    def _imported(self, request: Request) -> dict[str, Any]:
        project = whole_number(request.query.get("project", [""])[0])
        if project is None:
            raise ApiProblem(400, f"project must be a project id from 0 to {MAX_ID}")
        items, _ = self.store.page(project, 0, 1_000_000)
        count, records = self.runs.imported(project, items, time.time())
        truncated = count > len(records)
        return {"project": project, "count": count, "records": records, "truncated": truncated}

    def _set_access(self, spec: dict[str, Any]) -> None:
        deny = spec.get("deny")
        if (
            set(spec) != {"deny"}
            or not isinstance(deny, list)
            or not all(isinstance(b, str) for b in deny)
        ):
            raise ApiProblem(400, 'access settings are {"deny": ["bucket", ...]}')
        self.runs.denied = set(deny)

    def requests(self) -> list[dict[str, Any]]:
        """A copy of the request log of API routes (controls are not logged)."""
        with self._lock:
            return list(self._log)

    def clear_requests(self) -> None:
        with self._lock:
            self._log.clear()

    def reset(self) -> None:
        """Forget every connector, the request log, faults and response shapes."""
        self.store.reset()
        self.runs.reset()
        self.clear_requests()
        self.faults.clear()
        self.shapes = dict(self.default_shapes)

    def set_shapes(self, spec: dict[str, Any]) -> None:
        for name, value in spec.items():
            if name not in SHAPES or value not in SHAPES[name]:
                choices = "; ".join(f"{k}: {', '.join(v)}" for k, v in SHAPES.items())
                raise ApiProblem(400, f"bad config {name}={value!r}; known: {choices}")
        self.shapes = {**self.shapes, **spec}

    def _control(self, request: Request) -> Response:
        name = request.path.removeprefix("/_emulator/").strip("/")
        method = request.method
        if (name, method) == ("health", "GET"):
            return Response(200, {"status": "ok"})
        if (name, method) == ("reset", "POST"):
            self.reset()
            return Response(200, {"status": "ok"})
        if name == "requests" and method in ("GET", "DELETE"):
            if method == "DELETE":
                self.clear_requests()
            return Response(200, {"requests": self.requests()})
        if name == "faults" and method in ("GET", "POST", "DELETE"):
            if method == "POST":
                self.faults.configure(self._json_object(request))
            elif method == "DELETE":
                self.faults.clear()
            return Response(200, self.faults.describe())
        if (name, method) == ("imported", "GET"):
            return Response(200, self._imported(request))
        if name == "access" and method in ("GET", "POST"):
            if method == "POST":
                self._set_access(self._json_object(request))
            return Response(200, {"deny": sorted(self.runs.denied)})
        if name == "config" and method in ("GET", "POST"):
            if method == "POST":
                self.set_shapes(self._json_object(request))
            return Response(200, dict(self.shapes))
        raise ApiProblem(404, f"Unknown control {method} {request.path}")
