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
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import grpc
from google.protobuf import empty_pb2
from pulumi.provider.experimental.property_value import PropertyValue
from pulumi.runtime.proto import provider_pb2, provider_pb2_grpc

from .._lifecycle.schema import SETTINGS
from .._lifecycle.translate import OWNER_KEY, contains_unknown
from .._plugin.names import from_wire, path_from_wire, setting_wire_name, to_wire
from .host import (
    CheckFailed,
    DiffOutcome,
    InputFailure,
    ProviderCallError,
    diff_outcome,
    from_struct,
    resource_urn,
    to_struct,
)

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


class PluginHost:
    """One plugin process, and the gRPC calls the engine would make to it.

    Safe to call from several threads at once, as the engine does.
    """

    def __init__(
        self,
        plugin_dir: str | Path | None = None,
        *,
        project: str = "test",
        stack: str = "dev",
        env: dict[str, str] | None = None,
        cwd: str | Path | None = None,
    ) -> None:
        self.project = project
        self.stack = stack
        self.type_token = CONNECTOR_TYPE
        self.accepts_secrets = False
        self.supports_preview = False
        """What Configure answered."""
        self._stderr = tempfile.NamedTemporaryFile(prefix="plugin-", suffix=".log")  # noqa: SIM115
        # any address will do: only Construct and Call, which a custom resource never gets,
        # dial the engine
        engine = "127.0.0.1:1"
        command = (
            [sys.executable, str(plugin_dir), engine]
            if plugin_dir is not None
            else [sys.executable, "-m", "mixpanel_connectors._plugin", engine]
        )
        self._process = subprocess.Popen(
            command,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            cwd=cwd,
            env={**os.environ, **(env or {})},
        )
        assert self._process.stdout is not None
        line = self._process.stdout.readline().decode().strip()
        if not line.isdigit():
            self.close()
            raise RuntimeError(f"the plugin did not print a port (got {line!r}): {self.stderr}")
        self.port = int(line)
        self._channel = grpc.insecure_channel(f"127.0.0.1:{self.port}")
        self._stub = provider_pb2_grpc.ResourceProviderStub(self._channel)

    @property
    def pid(self) -> int:
        return self._process.pid

    @property
    def stub(self) -> provider_pb2_grpc.ResourceProviderStub:
        """The gRPC stub, for tests that build their own requests."""
        return self._stub

    @property
    def stderr(self) -> str:
        """Everything the plugin wrote to stderr so far."""
        return Path(self._stderr.name).read_text(errors="replace")

    def urn(self, name: str) -> str:
        return resource_urn(name, self.type_token, stack=self.stack, project=self.project)

    def call(self, method: str, request: Any) -> Any:
        """One gRPC call; a failure raises ProviderCallError with the error's own message."""
        try:
            return getattr(self._stub, method)(request, timeout=600)
        except grpc.RpcError as exc:
            details = exc.details() or ""
            raise ProviderCallError(method, exc.code(), details, _message(details)) from None

    def _wire(self, props: dict[str, Any], *, preview: bool = False) -> Any:
        if not preview and contains_unknown(props):
            raise ValueError("unknown values reach the provider only during preview")
        # the dynamic Connector class sends its name as an input; the plugin reads the URN
        return to_struct(to_wire({k: v for k, v in props.items() if k != OWNER_KEY}))

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

    # -- the Connector: the methods of ProviderHost ----------------------------------------------

    def check(
        self, name: str, olds: dict[str, Any], news: dict[str, Any], *, preview: bool = False
    ) -> tuple[dict[str, Any], list[InputFailure]]:
        request = provider_pb2.CheckRequest(
            urn=self.urn(name),
            name=name,
            type=self.type_token,
            olds=self._wire(olds),
            news=self._wire(news, preview=preview),
        )
        response = self.call("Check", request)
        failures = [InputFailure(path_from_wire(f.property), f.reason) for f in response.failures]
        return from_wire(from_struct(response.inputs)), failures

    def diff(
        self,
        name: str,
        id_: str,
        olds: dict[str, Any],
        news: dict[str, Any],
        old_inputs: dict[str, Any],
        *,
        preview: bool = False,
    ) -> DiffOutcome:
        """`olds` are the previous outputs; replaces and detailed-diff paths in wire names."""
        request = provider_pb2.DiffRequest(
            id=id_,
            urn=self.urn(name),
            name=name,
            type=self.type_token,
            olds=self._wire(olds),
            news=self._wire(news, preview=preview),
            old_inputs=self._wire(old_inputs),
        )
        outcome = diff_outcome(self.call("Diff", request))
        # Engine and the shared tests compare replaces with the lifecycle's names
        outcome.replaces = [path_from_wire(name) for name in outcome.replaces]
        return outcome

    def create(self, name: str, props: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        request = provider_pb2.CreateRequest(
            urn=self.urn(name), name=name, type=self.type_token, properties=self._wire(props)
        )
        response = self.call("Create", request)
        if not response.id:
            raise ProviderCallError(
                "Create", grpc.StatusCode.UNKNOWN, "the provider returned no id"
            )
        return response.id, from_wire(from_struct(response.properties))

    def read(
        self, name: str, id_: str, props: dict[str, Any], inputs: dict[str, Any]
    ) -> tuple[str, dict[str, Any], dict[str, Any] | None]:
        """Refresh (props = old outputs) or import (props = inputs = {})."""
        request = provider_pb2.ReadRequest(
            id=id_,
            urn=self.urn(name),
            name=name,
            type=self.type_token,
            properties=self._wire(props),
            inputs=self._wire(inputs),
        )
        response = self.call("Read", request)
        new_inputs = from_wire(from_struct(response.inputs)) if response.id else None
        return response.id, from_wire(from_struct(response.properties)), new_inputs

    def update(
        self,
        name: str,
        id_: str,
        olds: dict[str, Any],
        news: dict[str, Any],
        old_inputs: dict[str, Any],
    ) -> dict[str, Any]:
        request = provider_pb2.UpdateRequest(
            id=id_,
            urn=self.urn(name),
            name=name,
            type=self.type_token,
            olds=self._wire(olds),
            news=self._wire(news),
            old_inputs=self._wire(old_inputs),
        )
        return from_wire(from_struct(self.call("Update", request).properties))

    def delete(
        self, name: str, id_: str, props: dict[str, Any], old_inputs: dict[str, Any]
    ) -> None:
        request = provider_pb2.DeleteRequest(
            id=id_,
            urn=self.urn(name),
            name=name,
            type=self.type_token,
            properties=self._wire(props),
            old_inputs=self._wire(old_inputs),
        )
        self.call("Delete", request)

    def close(self, grace_seconds: float = 5.0) -> int:
        """Stop the plugin as the engine does: SIGINT, then a kill after `grace_seconds`.

        Returns the exit code (negative: killed by that signal).
        """
        if getattr(self, "_channel", None) is not None:
            self._channel.close()
        if self._process.poll() is None:
            self._process.send_signal(signal.SIGINT)
            try:
                self._process.wait(timeout=grace_seconds)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        if self._process.stdout is not None:
            self._process.stdout.close()
        self._stderr.close()
        return self._process.returncode

    def __enter__(self) -> PluginHost:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()
