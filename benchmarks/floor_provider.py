"""The floor for any dynamic provider: the same HTTP calls, with nothing else around them.

No validation, no retries, no reconciliation: what remains of its cost next to raw `requests`
is the dynamic-provider host itself (gRPC, property serialization), which every dynamic
provider pays.
"""

from __future__ import annotations

import threading
from typing import Any

import requests
from pulumi.dynamic import CheckResult, ConfigureRequest, CreateResult, ReadResult, ResourceProvider

_local = threading.local()


def _session() -> requests.Session:
    if not hasattr(_local, "session"):
        _local.session = requests.Session()
    return _local.session  # type: ignore[no-any-return]


class FloorProvider(ResourceProvider):
    def configure(self, req: ConfigureRequest) -> None:
        self._base = str(req.config.get("mixpanel:baseUrl"))
        self._auth = (
            str(req.config.get("mixpanel:serviceAccount")),
            str(req.config.get("mixpanel:serviceAccountSecret")),
        )
        self._project = int(req.config.get("mixpanel:projectId"))

    def _url(self, suffix: str = "") -> str:
        return f"{self._base}/api/app/projects/{self._project}/connectors/{suffix}"

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        return CheckResult(news, [])

    def create(self, props: dict[str, Any]) -> CreateResult:
        body = {
            k: props[k]
            for k in ("connector_type", "label", "connector_properties", "category_properties")
        }
        response = _session().post(self._url(), json=body, auth=self._auth, timeout=30)
        response.raise_for_status()
        connector = response.json()["results"]
        return CreateResult(connector["connector_id"], connector)

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        response = _session().get(self._url(id_), auth=self._auth, timeout=30)
        response.raise_for_status()
        return ReadResult(id_, response.json()["results"])

    def delete(self, id_: str, _props: dict[str, Any]) -> None:
        _session().delete(self._url(id_), auth=self._auth, timeout=30).raise_for_status()
