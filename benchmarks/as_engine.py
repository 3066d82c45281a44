"""Drive a provider host the way the Pulumi engine schedules its calls during `up` and `destroy`.

The engine generates steps one registration at a time, so Checks go out one after another; the
steps themselves (Create, Read, Delete) run in parallel, up to `--parallel`, which is unbounded
by default, and queue in the host for its 4 worker threads. The engine is Go: it serializes
properties and forwards the checked inputs without Python work, so requests here are built
before the clock starts and checked inputs are passed on as the `Struct`s the host returned.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

import grpc
from google.protobuf import struct_pb2
from pulumi.runtime.proto import provider_pb2, provider_pb2_grpc

from mixpanel_connectors.testing import to_struct

PROVIDER_KEY = "__provider"
"""Where the SDK's host looks for the serialized provider among a resource's properties."""
OWNER_KEY = "resource_name"
"""The input that names the resource (the `Connector` class sends it); the URN takes it too."""


class Host(Protocol):
    """A running dynamic-provider host, as `mixpanel_connectors.testing.ProviderHost` is."""

    @property
    def stub(self) -> provider_pb2_grpc.ResourceProviderStub: ...
    @property
    def blob(self) -> str: ...
    @property
    def type_token(self) -> str: ...
    def urn(self, name: str) -> str: ...


@dataclass(frozen=True)
class Resource:
    """What the engine keeps of a resource: its URN, checked inputs and outputs."""

    urn: str
    inputs: struct_pb2.Struct
    outputs: struct_pb2.Struct


class AsEngine:
    """Create, read and delete batches of resources through one host, timing only the calls."""

    def __init__(self, host: Host) -> None:
        self.host = host
        self.stub = host.stub
        self.state: dict[str, Resource] = {}

    def create_all(self, specs: list[dict[str, Any]]) -> tuple[float, list[str]]:
        """Seconds to Check each spec in turn while the Creates run in parallel; the new ids."""
        names = [str(spec.get(OWNER_KEY, f"c{i}")) for i, spec in enumerate(specs)]
        checks = [
            provider_pb2.CheckRequest(
                urn=self.host.urn(name),
                name=name,
                type=self.host.type_token,
                news=to_struct({**spec, PROVIDER_KEY: self.host.blob}),
            )
            for name, spec in zip(names, specs, strict=True)
        ]
        started = time.perf_counter()
        pending = []
        for request in checks:
            checked = self.stub.Check(request)
            if checked.failures:
                raise AssertionError(f"Check failed: {checked.failures}")
            create = provider_pb2.CreateRequest(
                urn=request.urn, name=request.name, type=request.type, properties=checked.inputs
            )
            pending.append((create, self.stub.Create.future(create)))
        ids = []
        for create, future in pending:
            response = future.result()
            self.state[response.id] = Resource(create.urn, create.properties, response.properties)
            ids.append(response.id)
        return time.perf_counter() - started, ids

    def preview_all(self, specs: dict[str, dict[str, Any]]) -> list[bool | None]:
        """Preview existing connectors against new specs: Check then Diff, one at a time.

        Returns whether each Diff saw changes (None when the provider could not tell).
        """
        changes: list[bool | None] = []
        for id_, spec in specs.items():
            old = self.state[id_]
            news = to_struct({**spec, PROVIDER_KEY: self.host.blob})
            checked = self.stub.Check(
                provider_pb2.CheckRequest(urn=old.urn, olds=old.inputs, news=news)
            )
            if checked.failures:
                raise AssertionError(f"Check failed: {checked.failures}")
            request = provider_pb2.DiffRequest(
                id=id_, urn=old.urn, olds=old.outputs, news=checked.inputs, old_inputs=old.inputs
            )
            diff = self.stub.Diff(request)
            changes.append(
                {
                    provider_pb2.DiffResponse.DIFF_NONE: False,
                    provider_pb2.DiffResponse.DIFF_SOME: True,
                }.get(diff.changes)
            )
        return changes

    def read_all(self, ids: list[str]) -> float:
        """Seconds to refresh every connector, all Reads sent at once."""
        requests = [
            provider_pb2.ReadRequest(id=id_, urn=r.urn, properties=r.outputs, inputs=r.inputs)
            for id_, r in ((id_, self.state[id_]) for id_ in ids)
        ]
        seconds, responses = self._all(self.stub.Read.future, requests)
        if [r.id for r in responses] != ids:
            raise AssertionError("a Read answered with another id, or none")
        return seconds

    def delete_all(self, ids: list[str]) -> float:
        """Seconds to delete every connector, all Deletes sent at once."""
        requests = [
            provider_pb2.DeleteRequest(id=id_, urn=r.urn, properties=r.outputs, old_inputs=r.inputs)
            for id_, r in ((id_, self.state.pop(id_)) for id_ in ids)
        ]
        return self._all(self.stub.Delete.future, requests)[0]

    @staticmethod
    def _all(send: Callable[[Any], grpc.Future], requests: list[Any]) -> tuple[float, list[Any]]:
        started = time.perf_counter()
        responses = [future.result() for future in [send(request) for request in requests]]
        return time.perf_counter() - started, responses
