"""The true floor for any dynamic provider: the same HTTP calls, with nothing else around them.

No validation, no retries, no reconciliation; like the package's client, one session per worker
thread with the environment's proxy and CA settings read once, and every answer decoded. What
remains of its cost next to raw `requests` is the dynamic-provider host itself (gRPC, property
serialization), which every dynamic provider pays.
"""

from __future__ import annotations

import threading
from typing import Any

import requests
from pulumi.dynamic import CheckResult, ConfigureRequest, CreateResult, ReadResult, ResourceProvider

from benchmarks.raw_http import decoded, settled_session

FIELDS = ("connector_type", "label", "connector_properties", "category_properties")


class FloorProvider(ResourceProvider):
    def configure(self, req: ConfigureRequest) -> None:
        self._base = str(req.config.get("mixpanel:baseUrl"))
        project = req.config.get("mixpanel:projectId")
        self._collection = f"{self._base}/api/app/projects/{project}/connectors/"
        self._auth = (
            str(req.config.get("mixpanel:serviceAccount")),
            str(req.config.get("mixpanel:serviceAccountSecret")),
        )
        self._local = threading.local()

    def _session(self) -> requests.Session:
        if not hasattr(self._local, "session"):
            self._local.session = settled_session(self._base)
        return self._local.session  # type: ignore[no-any-return]

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        return CheckResult(news, [])

    def create(self, props: dict[str, Any]) -> CreateResult:
        body = {k: props[k] for k in FIELDS}
        answer = self._session().post(self._collection, json=body, auth=self._auth, timeout=30)
        connector = decoded(answer)["results"]
        return CreateResult(connector["connector_id"], connector)

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        answer = self._session().get(self._collection + id_, auth=self._auth, timeout=30)
        return ReadResult(id_, decoded(answer)["results"])

    def delete(self, id_: str, _props: dict[str, Any]) -> None:
        decoded(self._session().delete(self._collection + id_, auth=self._auth, timeout=30))
