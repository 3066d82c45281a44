"""Drive the SDK's real dynamic-provider host over gRPC, exactly as the Pulumi engine does.

`ProviderHost` starts `python -m pulumi.dynamic` (deaf to SIGINT), reads its port from the first
line of stdout,
and sends Configure/Check/Diff/Create/Read/Update/Delete with properties serialized by
`pulumi.runtime.rpc`: plain values (the engine strips secrets because the host does not accept
them), unknowns only in preview, numbers as doubles.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import grpc
from google.protobuf import struct_pb2
from pulumi.dynamic.dynamic import ResourceProvider, serialize_provider
from pulumi.runtime import rpc
from pulumi.runtime.proto import provider_pb2, provider_pb2_grpc

from .._lifecycle.translate import PROVIDER_KEY, UNKNOWN_SENTINEL, contains_unknown, mark_unknowns

__all__ = [
    "UNKNOWN",
    "CheckFailed",
    "DiffOutcome",
    "ProviderCallError",
    "ProviderHost",
    "diff_outcome",
    "from_struct",
    "resource_urn",
    "to_struct",
]

# `python -m pulumi.dynamic`, deaf to SIGINT: a terminal's Ctrl-C reaches the whole process
# group, and the host must finish the calls in flight while the caller winds down.
_HOST_MAIN = (
    "import runpy, signal; signal.signal(signal.SIGINT, signal.SIG_IGN); "
    "runpy.run_module('pulumi.dynamic', run_name='__main__', alter_sys=True)"
)

UNKNOWN = UNKNOWN_SENTINEL
"""Put this value into news to stand for an output that is not known yet (preview only)."""


def resource_urn(name: str, type_: str, *, stack: str = "dev", project: str = "test") -> str:
    return f"urn:pulumi:{stack}::{project}::{type_}::{name}"


class ProviderCallError(Exception):
    """A provider method failed: the host answered with a gRPC error."""

    def __init__(
        self, method: str, code: grpc.StatusCode, details: str, message: str | None = None
    ) -> None:
        """`message` defaults to the last line of `details` (a traceback's "Class: message")."""
        self.method = method
        self.code = code
        self.details = details
        lines = [line for line in details.strip().splitlines() if line.strip()]
        self.message = message if message is not None else lines[-1] if lines else details
        super().__init__(f"{method} failed ({code.name}): {self.message}")


@dataclass(frozen=True)
class InputFailure:
    """One failure Check reported: the input's path and why (Pulumi's CheckFailure, over gRPC)."""

    property: str
    reason: str


class CheckFailed(Exception):
    """Check returned failures (the engine shows them as validation errors and stops)."""

    def __init__(self, failures: list[InputFailure]) -> None:
        self.failures = failures
        super().__init__("; ".join(f"{f.property}: {f.reason}" for f in failures))


@dataclass
class DiffOutcome:
    changes: bool | None
    replaces: list[str] = field(default_factory=list)
    delete_before_replace: bool = False
    detailed_diff: dict[str, str] = field(default_factory=dict)
    """Property path (the provider's names) -> kind, e.g. "UPDATE_REPLACE"."""


def diff_outcome(response: provider_pb2.DiffResponse) -> DiffOutcome:
    """What a DiffResponse says, as the engine reads it (DIFF_UNKNOWN: None)."""
    changes = {
        provider_pb2.DiffResponse.DIFF_NONE: False,
        provider_pb2.DiffResponse.DIFF_SOME: True,
    }.get(response.changes)
    detailed = {
        path: provider_pb2.PropertyDiff.Kind.Name(diff.kind)
        for path, diff in response.detailedDiff.items()
    }
    return DiffOutcome(changes, list(response.replaces), response.deleteBeforeReplace, detailed)


def to_struct(props: dict[str, Any]) -> struct_pb2.Struct:
    """Properties as the engine sends them, serialized by `pulumi.runtime.rpc`.

    Uses a private event loop, leaving the calling thread's own loop alone.
    """
    loop = asyncio.new_event_loop()
    try:
        return loop.run_until_complete(rpc.serialize_properties(props, {}))
    finally:
        loop.close()


def from_struct(struct: struct_pb2.Struct) -> dict[str, Any]:
    """Properties as the engine would hold them, with unknowns as the UNKNOWN sentinel."""
    props = rpc.deserialize_properties(struct, keep_unknowns=True)
    return {k: mark_unknowns(v) for k, v in props.items() if k != PROVIDER_KEY}


class ProviderHost:
    """One dynamic-provider host process, and the gRPC calls the engine would make to it.

    Safe to call from several threads at once (the host runs 4 workers, as under the engine).
    """

    def __init__(
        self,
        provider: ResourceProvider,
        *,
        project: str = "test",
        stack: str = "dev",
        env: dict[str, str] | None = None,
        cwd: str | Path | None = None,
        type_token: str = "pulumi-python:dynamic/mixpanel:Connector",
    ) -> None:
        self.blob = serialize_provider(provider)
        self.project = project
        self.stack = stack
        self.type_token = type_token
        self._stderr = tempfile.NamedTemporaryFile(prefix="provider-host-", suffix=".log")  # noqa: SIM115
        full_env = {**os.environ, **(env or {}), "PULUMI_PROJECT": project}
        self._process = subprocess.Popen(
            [sys.executable, "-u", "-c", _HOST_MAIN],
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            cwd=cwd,
            env=full_env,
        )
        assert self._process.stdout is not None
        line = self._process.stdout.readline().decode().strip()
        if not line.isdigit():
            self.close()
            raise RuntimeError(
                f"the provider host did not print a port (got {line!r}): {self.stderr}"
            )
        self.port = int(line)
        self._channel = grpc.insecure_channel(f"127.0.0.1:{self.port}")
        self._stub = provider_pb2_grpc.ResourceProviderStub(self._channel)

    @property
    def pid(self) -> int:
        """The host process's id (to measure its memory, or to kill it)."""
        return self._process.pid

    @property
    def stub(self) -> provider_pb2_grpc.ResourceProviderStub:
        """The gRPC stub, for callers that build their own requests (the benchmarks do)."""
        return self._stub

    @property
    def stderr(self) -> str:
        """Everything the host wrote to stderr so far."""
        return Path(self._stderr.name).read_text(errors="replace")

    def urn(self, name: str) -> str:
        return resource_urn(name, self.type_token, stack=self.stack, project=self.project)

    def _call(self, method: str, request: Any) -> Any:
        try:
            return getattr(self._stub, method)(request, timeout=600)
        except grpc.RpcError as exc:
            raise ProviderCallError(method, exc.code(), exc.details() or "") from None

    def _news(self, props: dict[str, Any], preview: bool) -> dict[str, Any]:
        if not preview and contains_unknown(props):
            raise ValueError("unknown values reach the provider only during preview")
        return {**props, PROVIDER_KEY: self.blob}

    # -- the calls ---------------------------------------------------------------------------------

    def configure(self, config: dict[str, str]) -> None:
        """Send the whole stack config with namespaced keys (`mixpanel:projectId`), decrypted."""
        request = provider_pb2.ConfigureRequest(
            variables=config, args=to_struct(dict(config)), acceptSecrets=True, acceptResources=True
        )
        self._call("Configure", request)

    def check(
        self, name: str, olds: dict[str, Any], news: dict[str, Any], *, preview: bool = False
    ) -> tuple[dict[str, Any], list[InputFailure]]:
        request = provider_pb2.CheckRequest(
            urn=self.urn(name),
            name=name,
            type=self.type_token,
            olds=to_struct({**olds, PROVIDER_KEY: self.blob} if olds else {}),
            news=to_struct(self._news(news, preview)),
        )
        response = self._call("Check", request)
        failures = [InputFailure(f.property, f.reason) for f in response.failures]
        return from_struct(response.inputs), failures

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
        """`olds` are the previous OUTPUTS, as the engine sends them."""
        request = provider_pb2.DiffRequest(
            id=id_,
            urn=self.urn(name),
            name=name,
            type=self.type_token,
            olds=to_struct({**olds, PROVIDER_KEY: self.blob}),
            news=to_struct(self._news(news, preview)),
            old_inputs=to_struct({**old_inputs, PROVIDER_KEY: self.blob}),
        )
        return diff_outcome(self._call("Diff", request))

    def create(self, name: str, props: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        request = provider_pb2.CreateRequest(
            urn=self.urn(name),
            name=name,
            type=self.type_token,
            properties=to_struct(self._news(props, False)),
        )
        response = self._call("Create", request)
        if not response.id:
            raise ProviderCallError(
                "Create", grpc.StatusCode.UNKNOWN, "the provider returned no id"
            )
        return response.id, from_struct(response.properties)

    def read(
        self, name: str, id_: str, props: dict[str, Any], inputs: dict[str, Any]
    ) -> tuple[str, dict[str, Any], dict[str, Any] | None]:
        """Refresh (props = old outputs) or get (props = inputs = the program's properties)."""
        request = provider_pb2.ReadRequest(
            id=id_,
            urn=self.urn(name),
            name=name,
            type=self.type_token,
            properties=to_struct({**props, PROVIDER_KEY: self.blob}),
            inputs=to_struct({**inputs, PROVIDER_KEY: self.blob}),
        )
        response = self._call("Read", request)
        new_inputs = from_struct(response.inputs) if response.HasField("inputs") else None
        return response.id, from_struct(response.properties), new_inputs

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
            olds=to_struct({**olds, PROVIDER_KEY: self.blob}),
            news=to_struct(self._news(news, False)),
            old_inputs=to_struct({**old_inputs, PROVIDER_KEY: self.blob}),
        )
        return from_struct(self._call("Update", request).properties)

    def delete(
        self, name: str, id_: str, props: dict[str, Any], old_inputs: dict[str, Any]
    ) -> None:
        request = provider_pb2.DeleteRequest(
            id=id_,
            urn=self.urn(name),
            name=name,
            type=self.type_token,
            properties=to_struct({**props, PROVIDER_KEY: self.blob}),
            old_inputs=to_struct({**old_inputs, PROVIDER_KEY: self.blob}),
        )
        self._call("Delete", request)

    def close(self) -> None:
        """Stop the host process."""
        if getattr(self, "_channel", None) is not None:
            self._channel.close()
        if self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        if self._process.stdout is not None:
            self._process.stdout.close()
        self._stderr.close()

    def __enter__(self) -> ProviderHost:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()
