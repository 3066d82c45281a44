"""Drive the `mixpanel` resource-provider plugin over gRPC, exactly as the Pulumi engine does.

`PluginHost` starts the plugin as the CLI starts a plugin folder (`python <folder> <engine
address>`; `python -m mixpanel_connectors._plugin` when no folder is given), reads its port
from the first line of stdout, and makes the engine's calls. Its methods have the shapes of
`ProviderHost`'s, so `Engine` runs on either face: they take and return the lifecycle's
snake_case properties, and put the schema's camelCase names on the wire.
"""

from __future__ import annotations

import json
import os
import signal
import sys
from pathlib import Path
from typing import Any

from google.protobuf import empty_pb2, struct_pb2
from pulumi.provider.experimental.property_value import PropertyValue
from pulumi.runtime.proto import provider_pb2

from .._lifecycle.schema import SETTINGS
from .._lifecycle.translate import OWNER_KEY
from .._plugin.names import from_wire, path_from_wire, setting_wire_name, to_wire
from .host import CheckFailed, GrpcHost, InputFailure, from_struct, resource_urn, to_struct

__all__ = ["PluginHost"]

CONNECTOR_TYPE = "mixpanel:index:Connector"
PROVIDER_TYPE = "pulumi:providers:mixpanel"
_SECRET_KEYS = {s.key for s in SETTINGS if s.secret}
_TRACEBACK = '\n  File "'


def _message(details: str) -> str:
    """The error without the SDK server's "Unexpected <class ...>: " and its traceback."""
    text = details.split(_TRACEBACK, 1)[0].rstrip().removesuffix(":")
    if text.startswith("Unexpected <class "):
        text = text.split(">: ", 1)[-1]
    return text


class PluginHost(GrpcHost):
    """One plugin process, and the gRPC calls the engine would make to it."""

    _stop_signal = signal.SIGINT
    _grace_seconds = 5.0

    def __init__(
        self,
        plugin_dir: str | Path | None = None,
        *,
        project: str = "test",
        stack: str = "dev",
        env: dict[str, str] | None = None,
        cwd: str | Path | None = None,
    ) -> None:
        self.type_token = CONNECTOR_TYPE
        self.accepts_secrets = False
        self.supports_preview = False
        """What Configure answered."""
        # any address will do: only Construct and Call, which a custom resource never gets,
        # dial the engine
        engine = "127.0.0.1:1"
        command = (
            [sys.executable, str(plugin_dir), engine]
            if plugin_dir is not None
            else [sys.executable, "-m", "mixpanel_connectors._plugin", engine]
        )
        full_env = {**os.environ, **(env or {})}
        super().__init__(command, project=project, stack=stack, env=full_env, cwd=cwd)

    def _message(self, details: str) -> str:
        return _message(details)

    def _olds(self, props: dict[str, Any]) -> struct_pb2.Struct:
        # the dynamic Connector class sends its name as an input; the plugin reads the URN
        return to_struct(to_wire({k: v for k, v in props.items() if k != OWNER_KEY}))

    def _decoded(self, struct: struct_pb2.Struct) -> dict[str, Any]:
        return from_wire(from_struct(struct))

    def _path(self, path: str) -> str:
        return path_from_wire(path)

    def _read_inputs(self, response: Any) -> dict[str, Any] | None:
        # the SDK's server always sends inputs; an empty id (gone) has none worth reading
        return self._decoded(response.inputs) if response.id else None

    # -- the provider ------------------------------------------------------------------------------

    def plugin_info(self) -> str:
        """The version GetPluginInfo reports."""
        return str(self.call("GetPluginInfo", empty_pb2.Empty()).version)

    def get_schema(self) -> dict[str, Any]:
        schema: dict[str, Any] = json.loads(
            self.call("GetSchema", provider_pb2.GetSchemaRequest(version=0)).schema
        )
        return schema

    def check_config(self, config: dict[str, str]) -> tuple[dict[str, Any], list[InputFailure]]:
        """CheckConfig as the engine sends the stack's `mixpanel:*` config: bare keys, strings,
        secrets decrypted and unmarked."""
        news = {k.partition(":")[2]: v for k, v in config.items() if k.startswith("mixpanel:")}
        request = provider_pb2.CheckRequest(
            urn=resource_urn("default", PROVIDER_TYPE, stack=self.stack, project=self.project),
            name="default",
            type=PROVIDER_TYPE,
            olds=to_struct({}),
            news=to_struct(news),
        )
        response = self.call("CheckConfig", request)
        failures = [InputFailure(f.property, f.reason) for f in response.failures]
        return from_struct(response.inputs), failures

    def configure(self, config: dict[str, str]) -> None:
        """CheckConfig, then Configure with the checked inputs, secrets marked as the engine
        marks them (`pulumi config set --secret`); failures raise CheckFailed."""
        inputs, failures = self.check_config(config)
        if failures:
            raise CheckFailed(failures)
        secret = {setting_wire_name(s) for s in SETTINGS if s.key in _SECRET_KEYS}
        args = {
            key: PropertyValue(value, is_secret=key in secret)
            for key, value in inputs.items()
            if isinstance(value, str)
        }
        request = provider_pb2.ConfigureRequest(
            variables={f"mixpanel:config:{k}": v for k, v in inputs.items()},
            args=PropertyValue.marshal_map(args),
            acceptSecrets=True,
            acceptResources=True,
            type=PROVIDER_TYPE,
            name="default",
        )
        response = self.call("Configure", request)
        self.accepts_secrets = bool(response.acceptSecrets)
        self.supports_preview = bool(response.supportsPreview)
