"""The engine's workflows (preview, up, refresh, get, import, destroy) as steps over a host.

This keeps the state the Pulumi engine would keep (id, checked inputs, outputs per resource) and
makes the same calls in the same order, including delete-before-replace, so that tests and the
offline runner see what a real `pulumi up` would do to the provider.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .._lifecycle.translate import OWNER_KEY
from .host import UNKNOWN, CheckFailed, GrpcHost, InputFailure

__all__ = ["Engine", "ResourceState", "Step"]


@dataclass
class ResourceState:
    """What state holds for one resource."""

    id: str
    inputs: dict[str, Any]
    outputs: dict[str, Any]


@dataclass
class Step:
    """What happened (or, in preview, would happen) to one resource."""

    name: str
    op: str  # create | same | replace | update | delete | refresh | gone | read | import
    replaces: list[str] = field(default_factory=list)
    outputs: dict[str, Any] = field(default_factory=dict)
    calls: list[str] = field(default_factory=list)
    warnings: list[InputFailure] = field(default_factory=list)
    """What the engine would only warn about (check failures of imported inputs)."""


def _as_registered(name: str, news: dict[str, Any]) -> dict[str, Any]:
    """The inputs as the Connector class registers them: with the resource's name."""
    return news if OWNER_KEY in news else {**news, OWNER_KEY: name}


def _without_unknowns(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_unknowns(v) for k, v in value.items() if v != UNKNOWN}
    return value


class Engine:
    """One stack's worth of Connectors, driven through a provider host or the plugin."""

    def __init__(self, host: GrpcHost) -> None:
        self.host = host
        self.state: dict[str, ResourceState] = {}

    def preview(self, name: str, news: dict[str, Any]) -> Step:
        """Check (and Diff for an existing resource); no other call reaches the provider."""
        news = _as_registered(name, news)
        old = self.state.get(name)
        inputs, failures = self.host.check(name, old.inputs if old else {}, news, preview=True)
        if failures:
            raise CheckFailed(failures)
        if old is None:
            return Step(name, "create", outputs=inputs, calls=["Check"])
        diff = self.host.diff(name, old.id, old.outputs, inputs, old.inputs, preview=True)
        calls = ["Check", "Diff"]
        if not diff.changes:
            return Step(name, "same", outputs=old.outputs, calls=calls)
        op = "replace" if diff.replaces else "update"
        return Step(name, op, diff.replaces, inputs, calls)

    def up(self, name: str, news: dict[str, Any]) -> Step:
        """Check, then Create, or Diff and Update/replace as the diff says."""
        news = _as_registered(name, _without_unknowns(news))
        old = self.state.get(name)
        inputs, failures = self.host.check(name, old.inputs if old else {}, news)
        if failures:
            raise CheckFailed(failures)
        if old is None:
            id_, outs = self.host.create(name, inputs)
            self.state[name] = ResourceState(id_, inputs, outs)
            return Step(name, "create", outputs=outs, calls=["Check", "Create"])
        diff = self.host.diff(name, old.id, old.outputs, inputs, old.inputs)
        calls = ["Check", "Diff"]
        if not diff.changes:
            return Step(name, "same", outputs=old.outputs, calls=calls)
        if not diff.replaces:
            outs = self.host.update(name, old.id, old.outputs, inputs, old.inputs)
            self.state[name] = ResourceState(old.id, inputs, outs)
            return Step(name, "update", outputs=outs, calls=[*calls, "Update"])
        inputs, failures = self.host.check(name, {}, news)
        if failures:
            raise CheckFailed(failures)
        calls.append("Check")
        if diff.delete_before_replace:
            self.host.delete(name, old.id, old.outputs, old.inputs)
            del self.state[name]
            id_, outs = self.host.create(name, inputs)
            calls += ["Delete", "Create"]
        else:
            id_, outs = self.host.create(name, inputs)
            self.host.delete(name, old.id, old.outputs, old.inputs)
            calls += ["Create", "Delete"]
        self.state[name] = ResourceState(id_, inputs, outs)
        return Step(name, "replace", diff.replaces, outs, calls)

    def refresh(self, name: str) -> Step:
        """Read the live resource; an empty id drops it from state."""
        old = self.state[name]
        id_, outs, inputs = self.host.read(name, old.id, old.outputs, old.inputs)
        if not id_:
            del self.state[name]
            return Step(name, "gone", calls=["Read"])
        self.state[name] = ResourceState(id_, inputs if inputs is not None else old.inputs, outs)
        return Step(name, "refresh", outputs=outs, calls=["Read"])

    def get(self, name: str, id_: str, props: dict[str, Any] | None = None) -> Step:
        """A read-only lookup (`ResourceOptions(id=...)`): props are sent as inputs too."""
        props = props or {}
        _, outs, _ = self.host.read(name, id_, props, props)
        return Step(name, "read", outputs=outs, calls=["Read"])

    def import_(self, name: str, id_: str) -> Step:
        """`pulumi import`: Read with nothing but the id; its inputs go into state as they are.

        The engine then checks those inputs only to warn, so failures are returned, not raised.
        """
        id_, outs, inputs = self.host.read(name, id_, {}, {})
        if not id_ or inputs is None:
            raise RuntimeError(f"the provider found nothing to import for {name}")
        self.state[name] = ResourceState(id_, inputs, outs)
        _, failures = self.host.check(name, inputs, inputs)
        return Step(name, "import", outputs=outs, calls=["Read", "Check"], warnings=failures)

    def destroy(self, name: str) -> Step:
        """Delete; the resource leaves state only once the provider has deleted it."""
        old = self.state[name]
        self.host.delete(name, old.id, old.outputs, old.inputs)
        del self.state[name]
        return Step(name, "delete", calls=["Delete"])
