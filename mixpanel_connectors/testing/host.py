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
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

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
    "GrpcHost",
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

_Host = TypeVar("_Host", bound="GrpcHost")

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


class GrpcHost:
    """A provider process the engine would start, and the engine's calls to it over gRPC.

    Subclasses say how the process starts and how properties go on the wire; the calls take and
    return the lifecycle's snake_case properties. Safe to call from several threads at once,
    as the engine does.
    """

    type_token: str
    _stop_signal: int = signal.SIGTERM
    _grace_seconds: float = 10.0

    def __init__(
        self,
        command: list[str],
        *,
        project: str,
        stack: str,
        env: dict[str, str],
        cwd: str | Path | None,
    ) -> None:
        self.project = project
        self.stack = stack
        self._stderr = tempfile.NamedTemporaryFile(prefix="provider-", suffix=".log")  # noqa: SIM115
        self._process = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=self._stderr, cwd=cwd, env=env
        )
        assert self._process.stdout is not None
        line = self._process.stdout.readline().decode().strip()
        if not line.isdigit():
            self.close()
            raise RuntimeError(f"the provider did not print a port (got {line!r}): {self.stderr}")
        self.port = int(line)
        self._channel = grpc.insecure_channel(f"127.0.0.1:{self.port}")
        self._stub = provider_pb2_grpc.ResourceProviderStub(self._channel)

    @property
    def pid(self) -> int:
        """The process's id (to measure its memory, or to kill it)."""
        return self._process.pid

    @property
    def stub(self) -> provider_pb2_grpc.ResourceProviderStub:
        """The gRPC stub, for callers that build their own requests."""
        return self._stub

    @property
    def stderr(self) -> str:
        """Everything the process wrote to stderr so far."""
        return Path(self._stderr.name).read_text(errors="replace")

    def urn(self, name: str) -> str:
        return resource_urn(name, self.type_token, stack=self.stack, project=self.project)

    def call(self, method: str, request: Any) -> Any:
        """One gRPC call; a failure raises ProviderCallError."""
        try:
            return getattr(self._stub, method)(request, timeout=600)
        except grpc.RpcError as exc:
            details = exc.details() or ""
            raise ProviderCallError(method, exc.code(), details, self._message(details)) from None

    # -- how a face puts properties on the wire ----------------------------------------------------

    def _message(self, details: str) -> str | None:
        """The error's own message in a failure's details (None: its last line)."""
        return None

    def _olds(self, props: dict[str, Any]) -> struct_pb2.Struct:
        """Properties from state (old outputs or inputs) as the engine sends them."""
        raise NotImplementedError

    def _news(self, props: dict[str, Any], *, preview: bool = False) -> struct_pb2.Struct:
        """The program's properties; unknown values only during preview."""
        if not preview and contains_unknown(props):
            raise ValueError("unknown values reach the provider only during preview")
        return self._olds(props)

    def _decoded(self, struct: struct_pb2.Struct) -> dict[str, Any]:
        """An answer's properties with the lifecycle's names."""
        return from_struct(struct)

    def _path(self, path: str) -> str:
        """A property path of an answer (a failure's, a replacement's) with the lifecycle's
        names."""
        return path

    def _read_inputs(self, response: Any) -> dict[str, Any] | None:
        return self._decoded(response.inputs) if response.HasField("inputs") else None

    # -- the engine's calls ------------------------------------------------------------------------

    def check(
        self, name: str, olds: dict[str, Any], news: dict[str, Any], *, preview: bool = False
    ) -> tuple[dict[str, Any], list[InputFailure]]:
        request = provider_pb2.CheckRequest(
            urn=self.urn(name),
            name=name,
            type=self.type_token,
            olds=self._olds(olds) if olds else to_struct({}),
            news=self._news(news, preview=preview),
        )
        response = self.call("Check", request)
        failures = [InputFailure(self._path(f.property), f.reason) for f in response.failures]
        return self._decoded(response.inputs), failures

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
            olds=self._olds(olds),
            news=self._news(news, preview=preview),
            old_inputs=self._olds(old_inputs),
        )
        outcome = diff_outcome(self.call("Diff", request))
        outcome.replaces = [self._path(path) for path in outcome.replaces]
        return outcome

    def create(self, name: str, props: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        request = provider_pb2.CreateRequest(
            urn=self.urn(name), name=name, type=self.type_token, properties=self._news(props)
        )
        response = self.call("Create", request)
        if not response.id:
            raise ProviderCallError(
                "Create", grpc.StatusCode.UNKNOWN, "the provider returned no id"
            )
        return response.id, self._decoded(response.properties)

    def read(
        self, name: str, id_: str, props: dict[str, Any], inputs: dict[str, Any]
    ) -> tuple[str, dict[str, Any], dict[str, Any] | None]:
        """Refresh (props = old outputs), get or import (props = inputs = what is known)."""
        request = provider_pb2.ReadRequest(
            id=id_,
            urn=self.urn(name),
            name=name,
            type=self.type_token,
            properties=self._olds(props),
            inputs=self._olds(inputs),
        )
        response = self.call("Read", request)
        return response.id, self._decoded(response.properties), self._read_inputs(response)

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
            olds=self._olds(olds),
            news=self._news(news),
            old_inputs=self._olds(old_inputs),
        )
        return self._decoded(self.call("Update", request).properties)

    def delete(
        self, name: str, id_: str, props: dict[str, Any], old_inputs: dict[str, Any]
    ) -> None:
        request = provider_pb2.DeleteRequest(
            id=id_,
            urn=self.urn(name),
            name=name,
            type=self.type_token,
            properties=self._olds(props),
            old_inputs=self._olds(old_inputs),
        )
        self.call("Delete", request)

    def close(self, grace_seconds: float | None = None) -> int | None:
        """Stop the process as the engine does: its signal, then a kill after the grace period
        (`grace_seconds`, or the face's).

        Returns the exit code (negative: killed by that signal).
        """
        if getattr(self, "_channel", None) is not None:
            self._channel.close()
        if self._process.poll() is None:
            self._process.send_signal(self._stop_signal)
            try:
                self._process.wait(timeout=grace_seconds or self._grace_seconds)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        if self._process.stdout is not None:
            self._process.stdout.close()
        self._stderr.close()
        return self._process.returncode

    def __enter__(self: _Host) -> _Host:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


class ProviderHost(GrpcHost):
    """The SDK's dynamic-provider host (`python -m pulumi.dynamic`, 4 worker threads), every
    property carrying the pickled provider as the engine's state does."""

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
        self.type_token = type_token
        full_env = {**os.environ, **(env or {}), "PULUMI_PROJECT": project}
        command = [sys.executable, "-u", "-c", _HOST_MAIN]
        super().__init__(command, project=project, stack=stack, env=full_env, cwd=cwd)

    def _olds(self, props: dict[str, Any]) -> struct_pb2.Struct:
        return to_struct({**props, PROVIDER_KEY: self.blob})

    def configure(self, config: dict[str, str]) -> None:
        """Send the whole stack config with namespaced keys (`mixpanel:projectId`), decrypted."""
        request = provider_pb2.ConfigureRequest(
            variables=config, args=to_struct(dict(config)), acceptSecrets=True, acceptResources=True
        )
        self.call("Configure", request)
