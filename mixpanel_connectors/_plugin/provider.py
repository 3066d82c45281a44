"""MixpanelProvider: the lifecycle served as a resource-provider plugin.

Each method converts the request into the lifecycle's plain snake_case dicts, runs the step in
a worker thread (the SDK's server runs every call on one event loop, and the steps block on
HTTP and on waiting for imports), and converts the result into the protocol's. The resource's
name, which the dynamic Connector class sends as an input, comes from the URN here.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from pulumi.provider.experimental.property_value import PropertyValue
from pulumi.provider.experimental.provider import (
    CheckFailure,
    CheckRequest,
    CheckResponse,
    ConfigureRequest,
    ConfigureResponse,
    CreateRequest,
    CreateResponse,
    DeleteRequest,
    DiffRequest,
    DiffResponse,
    GetSchemaRequest,
    GetSchemaResponse,
    PropertyDiff,
    PropertyDiffKind,
    Provider,
    ReadRequest,
    ReadResponse,
    UpdateRequest,
    UpdateResponse,
)

from .._api.errors import ConnectorError, MixpanelError
from .._lifecycle.core import Diffed, Lifecycle
from .._lifecycle.schema import FIELDS
from .._lifecycle.translate import OWNER_KEY
from .names import from_wire, misnamed, path_to_wire, to_wire, wire_name
from .schema import schema_json
from .settings import config_of, config_problems
from .values import plain_map, property_map

__all__ = ["MixpanelProvider"]

T = TypeVar("T")

_INPUTS = {f.name: {p.name for o in f.objects for p in o.props} for f in FIELDS if f.input}
"""Each input and, for property objects, their declared keys: what an import may declare."""


class StepFailed(Exception):
    """A lifecycle step failed; the message names the error class as the dynamic face shows it."""


class MixpanelProvider(Provider):
    """The `mixpanel` package's provider: `mixpanel:index:Connector` over the lifecycle."""

    def __init__(self) -> None:
        self._lifecycle = Lifecycle()

    async def _run(self, step: Callable[..., T], *args: Any) -> T:
        try:
            return await asyncio.to_thread(step, *args)
        except MixpanelError as exc:
            # the server appends a traceback of where this is raised: keep it to this frame
            raise _failed(exc) from None

    async def get_schema(self, request: GetSchemaRequest) -> GetSchemaResponse:
        return GetSchemaResponse(schema_json())

    async def check_config(self, request: CheckRequest) -> CheckResponse:
        """The settings' problems, each under the config key it concerns."""
        problems = config_problems(plain_map(request.new_inputs))
        failures = [CheckFailure(name, reason) for name, reason in problems]
        # the engine keeps what is returned as the provider's inputs (`version` included)
        return CheckResponse(inputs=dict(request.new_inputs), failures=failures)

    async def configure(self, request: ConfigureRequest) -> ConfigureResponse:
        """Settings from the provider's inputs, then the environment.

        Secrets are not accepted, so the engine strips them from resource calls and marks the
        outputs of secret inputs secret again itself; the plugin never previews a create, so
        a preview shows the checked inputs and the rest as unknown.
        """
        config = config_of(plain_map(request.args), request.variables)
        self._lifecycle.configure(config)
        return ConfigureResponse(accept_secrets=False, supports_preview=False)

    # -- the Connector -----------------------------------------------------------------------------

    @staticmethod
    def _plain(props: Mapping[str, PropertyValue], owner: str) -> dict[str, Any]:
        return {**from_wire(plain_map(props)), OWNER_KEY: owner}

    @staticmethod
    def _wire(props: Mapping[str, Any]) -> dict[str, PropertyValue]:
        return property_map(to_wire({k: v for k, v in props.items() if k != OWNER_KEY}))

    async def check(self, request: CheckRequest) -> CheckResponse:
        olds = self._plain(request.old_inputs, request.name) if request.old_inputs else {}
        given = plain_map(request.new_inputs)
        news = {**from_wire(given), OWNER_KEY: request.name}
        checked = await self._run(self._lifecycle.check, olds, news)
        failures = [CheckFailure(path, reason) for path, reason in misnamed(given)]
        failures += [CheckFailure(path_to_wire(path), reason) for path, reason in checked.problems]
        return CheckResponse(inputs=self._wire(checked.inputs), failures=failures)

    async def diff(self, request: DiffRequest) -> DiffResponse:
        olds = self._plain(request.old_state, request.name)
        news = self._plain(request.new_inputs, request.name)
        diffed = await self._run(self._lifecycle.diff, olds, news)
        return _diff_response(diffed, olds, news)

    async def create(self, request: CreateRequest) -> CreateResponse:
        if request.preview:  # never asked (supports_preview=False), but never an API call
            return CreateResponse(None, dict(request.properties))
        created = await self._run(
            self._lifecycle.create, self._plain(request.properties, request.name)
        )
        return CreateResponse(created.id, self._wire(created.outputs))

    async def read(self, request: ReadRequest) -> ReadResponse:
        """Refresh (the outputs in state) or import (nothing but the id)."""
        importing = not request.properties
        props = self._plain(request.properties, request.name)
        found = await self._run(self._lifecycle.read, request.resource_id, props)
        if not found.id:
            if importing:
                # an empty answer would import an empty resource
                missing = ConnectorError(
                    f"there is no connector {request.resource_id!r} to import; the id to import "
                    "is '<project_id>:<connector_id>'"
                )
                raise _failed(missing)
            return ReadResponse()  # gone: the engine drops it from state
        # the engine replaces the inputs in state with these, on refresh as on import
        inputs = _declarable(found.inputs)
        return ReadResponse(found.id, self._wire(found.outputs), self._wire(inputs))

    async def update(self, request: UpdateRequest) -> UpdateResponse:
        if request.preview:  # never asked (supports_preview=False), but never an API call
            return UpdateResponse({**request.olds, **request.news})
        olds = self._plain(request.olds, request.name)
        news = self._plain(request.news, request.name)
        return UpdateResponse(self._wire(await self._run(self._lifecycle.update, olds, news)))

    async def delete(self, request: DeleteRequest) -> None:
        props = self._plain(request.properties, request.name)
        await self._run(self._lifecycle.delete, request.resource_id, props)


def _failed(exc: MixpanelError) -> StepFailed:
    return StepFailed(f"{type(exc).__module__}.{type(exc).__qualname__}: {exc}")


def _declarable(inputs: Mapping[str, Any]) -> dict[str, Any]:
    """Inputs a program can declare: schema inputs only, property objects without the keys the
    server adds, nothing null (the program an import writes from them must pass check)."""
    out: dict[str, Any] = {}
    for name, value in inputs.items():
        if name not in _INPUTS or value is None:
            continue
        if _INPUTS[name] and isinstance(value, dict):
            value = {k: v for k, v in value.items() if k in _INPUTS[name] and v is not None}
        out[name] = value
    return out


def _diff_response(
    diffed: Diffed, olds: Mapping[str, Any], news: Mapping[str, Any]
) -> DiffResponse:
    """Each changed path with its kind; a replacement always deletes first."""
    detailed: dict[str, PropertyDiff] = {}
    for found in diffed.details:
        kind = _kind(found.live, found.declared, replaces=True)
        detailed[path_to_wire(found.path)] = PropertyDiff(kind, input_diff=True)
    for name in diffed.in_place:
        kind = _kind(olds.get(name), news.get(name), replaces=False)
        detailed[wire_name(name)] = PropertyDiff(kind, input_diff=True)
    return DiffResponse(
        changes=diffed.changes,
        replaces=[wire_name(name) for name in diffed.replaces],
        delete_before_replace=bool(diffed.replaces),
        diffs=list(dict.fromkeys(path.split(".")[0] for path in detailed)),
        detailed_diff=detailed,
    )


def _kind(old: object, new: object, *, replaces: bool) -> PropertyDiffKind:
    if old is None:
        return PropertyDiffKind.ADD_REPLACE if replaces else PropertyDiffKind.ADD
    if new is None:
        return PropertyDiffKind.DELETE_REPLACE if replaces else PropertyDiffKind.DELETE
    return PropertyDiffKind.UPDATE_REPLACE if replaces else PropertyDiffKind.UPDATE
