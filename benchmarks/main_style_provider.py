"""A provider defined in a program's __main__, the way Pulumi's published examples do it.

Run as a script, it prints the length of its serialized form and whether the credential it
holds appears in it: dill pickles a __main__ class, and everything on the instance, by value.
"""

import base64
import json
import sys

import requests
from pulumi.dynamic import CreateResult, ResourceProvider
from pulumi.dynamic.dynamic import serialize_provider

SECRET = "main-style-secret-0123456789"


class ConnectorProvider(ResourceProvider):
    def __init__(self, username: str, secret: str, base_url: str) -> None:
        super().__init__()
        self.auth = (username, secret)
        self.base_url = base_url

    def create(self, props):  # type: ignore[no-untyped-def]
        response = requests.post(
            f"{self.base_url}/api/app/projects/{int(props['project_id'])}/connectors/",
            json={
                k: props[k]
                for k in ("connector_type", "connector_properties", "category_properties")
            },
            auth=self.auth,
            timeout=30,
        )
        response.raise_for_status()
        connector = response.json()["results"]
        return CreateResult(connector["connector_id"], {**props, **connector})

    def delete(self, id_, props):  # type: ignore[no-untyped-def]
        requests.delete(
            f"{self.base_url}/api/app/projects/{int(props['project_id'])}/connectors/{id_}",
            auth=self.auth,
            timeout=30,
        ).raise_for_status()


if __name__ == "__main__":
    blob = serialize_provider(ConnectorProvider("demo", SECRET, "https://mixpanel.com"))
    leaked = SECRET.encode() in base64.b64decode(blob)
    json.dump({"chars": len(blob), "secret_in_state": leaked}, sys.stdout)
