"""The offline program runner: a Pulumi program without the Pulumi engine.

It runs the program under the SDK's mocks, sends every `Connector` through the real
dynamic-provider host (so the API really sees preview, create, replace and delete), mocks every
other resource, and keeps state in a JSON file between runs. It is honest about what it is: not
the Pulumi engine, which cannot be installed where there is no internet access.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import runpy
import sys
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pulumi
import pulumi.runtime
import yaml
from pulumi.runtime import rpc
from pulumi.runtime.mocks import MockMonitor
from pulumi.runtime.settings import SETTINGS, set_root_resource
from pulumi.runtime.stack import run_pulumi_func
from pulumi.runtime.sync_await import _ensure_event_loop, _sync_await

from .._lifecycle.translate import mark_unknowns
from .engine import Engine, ResourceState
from .host import CheckFailed, ProviderCallError, ProviderHost
from .notice import Say, import_timeout, waiting_for_import

__all__ = ["BANNER", "CONNECTOR_TYPE", "OfflineRunner", "PlannedResource", "RunFailed", "RunResult"]

# The dynamic-provider host prefixes a provider's error with its class: "pkg.mod.Error: ..."
_QUALIFIED_NAME = re.compile(r"^(?:[A-Za-z_]\w*\.)+[A-Za-z_]\w*: ")
CONNECTOR_TYPE = "pulumi-python:dynamic/mixpanel:Connector"
BANNER = (
    "Offline runner (NOT the Pulumi engine): Connectors go through the real dynamic-provider "
    "host to the API; every other resource is mocked."
)


class RunFailed(Exception):
    """The program or a resource failed, or the run was cancelled; `result` holds what happened."""

    def __init__(self, message: str, result: RunResult, *, cancelled: bool = False) -> None:
        super().__init__(message)
        self.result = result
        self.cancelled = cancelled


class RunCancelled(Exception):
    """The run was cancelled before this step started."""

    def __init__(self) -> None:
        super().__init__("cancelled: no new step starts once a run is cancelled")


class ConnectorFailed(Exception):
    """A Connector's Check or a provider call failed; the message names the Connector."""

    def __init__(self, name: str, error: CheckFailed | ProviderCallError) -> None:
        if isinstance(error, CheckFailed):
            self.mistakes = [
                f"invalid input {f.property}: {f.reason}" if f.property else f.reason
                for f in _without_contradictions(error.failures)
            ]
            self.detail = "invalid inputs: " + "; ".join(
                f"{f.property}: {f.reason}" if f.property else f.reason for f in error.failures
            )
        else:
            self.detail = _QUALIFIED_NAME.sub("", error.message, count=1)
            self.mistakes = [self.detail]
        super().__init__(f"Connector {name!r}: {self.detail}")


def _without_contradictions(failures: list[Any]) -> list[Any]:
    """The failures, less "no project id" when the project id given was unusable."""
    unusable = any(
        not f.property and f.reason.startswith(("MIXPANEL_PROJECT_ID", "mixpanel:projectId"))
        for f in failures
    )
    return [
        f
        for f in failures
        if not (unusable and f.property == "project_id" and f.reason.startswith("no project id"))
    ]


class DuplicateConnectorName(Exception):
    """Two Connectors share a name: the runner keys its state by name, so it cannot run them."""

    def __init__(self, name: str) -> None:
        super().__init__(
            f"two Connectors are named {name!r}; the offline runner keeps state by resource name "
            "(the engine by URN, which includes the parents), so give each Connector its own name"
        )


@dataclass
class PlannedResource:
    """One resource of the run: what happened to it (or would, in preview)."""

    name: str
    type: str
    op: str
    replaces: list[str] = field(default_factory=list)
    outputs: dict[str, Any] = field(default_factory=dict)
    dependencies: list[str] = field(default_factory=list)
    inputs: dict[str, Any] = field(default_factory=dict)
    component: bool = False

    @property
    def mocked(self) -> bool:
        return self.type != CONNECTOR_TYPE and not self.component


@dataclass
class RunResult:
    """Everything a run did, in registration order, and the stack's outputs."""

    operation: str
    resources: list[PlannedResource] = field(default_factory=list)
    stack_outputs: dict[str, Any] = field(default_factory=dict)

    def connectors(self) -> list[PlannedResource]:
        return [r for r in self.resources if r.type == CONNECTOR_TYPE]

    def mistakes(self) -> list[str]:
        """One line per mistake of every Connector that failed, naming the Connector."""
        return [
            f"Connector {r.name!r}: {mistake}"
            for r in self.connectors()
            if r.op == "failed"
            for mistake in r.outputs.get("mistakes", [])
        ]

    def by_name(self, name: str) -> PlannedResource:
        return next(r for r in self.resources if r.name == name)


def _mocked_outputs(type_: str, name: str, inputs: dict[str, Any]) -> dict[str, Any]:
    """Plausible computed outputs for the cloud resources the examples and components use."""
    outs = dict(inputs)
    if type_.startswith("aws:iam/role:Role"):
        outs.setdefault("name", name)
        outs["arn"] = f"arn:aws:iam::123456789012:role/{outs['name']}"
    elif type_.startswith("aws:s3/bucket"):
        outs.setdefault("bucket", name)
        outs["arn"] = f"arn:aws:s3:::{outs['bucket']}"
        outs.setdefault("region", "us-east-1")
    elif type_.startswith("gcp:storage/bucket:Bucket"):
        outs.setdefault("name", name)
        outs["url"] = f"gs://{outs['name']}"
    return outs


class _Monitor(MockMonitor):
    """The SDK's mock monitor, also keeping dependencies and unknown values of registrations."""

    def __init__(self, mocks: _Mocks) -> None:
        super().__init__(mocks)
        self.dependencies: dict[tuple[str, str], list[str]] = {}
        self.raw_inputs: dict[tuple[str, str], dict[str, Any]] = {}
        self.order: dict[tuple[str, str], int] = {}

    def RegisterResource(self, request: Any) -> Any:
        key = (request.type, request.name)
        self.order.setdefault(key, len(self.order))
        self.dependencies[key] = list(request.dependencies)
        if request.type == CONNECTOR_TYPE:
            raw = rpc.deserialize_properties(request.object, keep_unknowns=True)
            self.raw_inputs[key] = mark_unknowns(raw)
        with _worker_loop():
            return super().RegisterResource(request)  # type: ignore[no-untyped-call]

    def ReadResource(self, request: Any) -> Any:
        with _worker_loop():
            return super().ReadResource(request)  # type: ignore[no-untyped-call]

    def Invoke(self, request: Any) -> Any:
        with _worker_loop():
            return super().Invoke(request)  # type: ignore[no-untyped-call]


def _has_loop() -> bool:
    try:
        asyncio.get_event_loop_policy().get_event_loop()
    except RuntimeError:
        return False
    return True


@contextmanager
def _worker_loop() -> Iterator[None]:
    """On a worker thread, an event loop for this call only, closed after it.

    The SDK's mocks otherwise leave each worker thread a loop nobody closes, whose finalizer can
    run at interpreter exit after its socket is gone and print a traceback.
    """
    if threading.current_thread() is threading.main_thread() or _has_loop():
        yield
        return
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    try:
        yield
    finally:
        asyncio.set_event_loop(None)
        loop.close()


class _Mocks(pulumi.runtime.Mocks):
    def __init__(self, runner: OfflineRunner) -> None:
        self.runner = runner
        self.monitor: _Monitor | None = None

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], None]:
        return {}, None

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        assert self.monitor is not None
        key = (args.typ, args.name)
        deps = self.monitor.dependencies.get(key, [])
        if args.typ != CONNECTOR_TYPE:
            # In preview, computed outputs of new resources are unknown, as under the engine.
            preview = self.runner.previewing
            outs = (
                dict(args.inputs) if preview else _mocked_outputs(args.typ, args.name, args.inputs)
            )
            op = "read" if args.resource_id else "create"
            planned = PlannedResource(
                args.name, args.typ, op, [], outs, deps, args.inputs, component=not args.custom
            )
            self.runner.record(planned)
            return args.resource_id or f"{args.name}-id", outs
        inputs = self.monitor.raw_inputs.get(key, args.inputs)
        inputs = {k: v for k, v in inputs.items() if k != "__provider" and v is not None}
        return self.runner.connector(args.name, inputs, args.resource_id, deps)


class OfflineRunner:
    """Runs one program's preview, up or destroy through a ProviderHost, with JSON state."""

    def __init__(
        self,
        program: str | Path,
        host: ProviderHost,
        *,
        state_file: str | Path | None = None,
        stack: str = "dev",
        config: dict[str, str] | None = None,
        progress: Say | None = None,
    ) -> None:
        """`progress`, when given, hears a line now and then while a step waits for an import."""
        self.program_dir, self.main, self.project = _locate(Path(program))
        self.host = host
        self.engine = Engine(host)
        self.stack = stack
        self.config = dict(config or {})
        self.state_file = Path(state_file) if state_file else None
        self.progress = progress
        self._lock = threading.Lock()
        self._state_lock = threading.Lock()
        self._cancelled = threading.Event()
        self._result = RunResult("")
        self._preview = False
        self._declared: set[str] = set()
        self._duplicates: list[str] = []
        self._failures: list[ConnectorFailed] = []
        self._monitor: _Monitor | None = None
        if self.state_file is not None and self.state_file.exists():
            self.load_state()

    # -- state ---------------------------------------------------------------------------------

    def load_state(self) -> None:
        assert self.state_file is not None
        data = json.loads(self.state_file.read_text())
        self.engine.state = {
            name: ResourceState(r["id"], r["inputs"], r["outputs"])
            for name, r in data.get("resources", {}).items()
        }

    def save_state(self) -> None:
        """Write state (atomically: a run stopped mid-write leaves the previous file whole)."""
        if self.state_file is None:
            return
        with self._state_lock:
            self._write_state()

    def _write_state(self) -> None:
        assert self.state_file is not None
        resources = {
            name: {"id": s.id, "inputs": s.inputs, "outputs": s.outputs}
            for name, s in dict(self.engine.state).items()
        }
        payload = {
            "version": 1,
            "project": self.project,
            "stack": self.stack,
            "resources": resources,
        }
        self.state_file.parent.mkdir(parents=True, exist_ok=True)
        partial = self.state_file.with_name(self.state_file.name + ".partial")
        partial.write_text(json.dumps(payload, indent=2, sort_keys=True) + "\n")
        os.replace(partial, self.state_file)

    # -- cancelling ------------------------------------------------------------------------------

    def cancel(self) -> None:
        """Start no new step; steps in flight finish and are saved (as `pulumi up` on Ctrl-C)."""
        self._cancelled.set()

    @property
    def cancelled(self) -> bool:
        return self._cancelled.is_set()

    # -- called from the mocks -----------------------------------------------------------------

    @property
    def previewing(self) -> bool:
        return self._preview

    def record(self, resource: PlannedResource) -> None:
        with self._lock:
            self._result.resources.append(resource)

    def connector(
        self, name: str, inputs: dict[str, Any], read_id: str | None, deps: list[str]
    ) -> tuple[str, dict[str, Any]]:
        with self._lock:
            duplicate = name in self._declared
            self._declared.add(name)
        if duplicate:
            # Raising inside a registration made the SDK's mock run spin without end (SDK 3.272):
            # answer with nothing, and fail the run when the program is done.
            self._duplicates.append(name)
            error = str(DuplicateConnectorName(name))
            self.record(PlannedResource(name, CONNECTOR_TYPE, "failed", [], {"error": error}))
            return "", {}
        if self.cancelled:
            raise RunCancelled()
        try:
            if read_id:
                step = self.engine.get(name, read_id, inputs)
                outs, id_ = step.outputs, read_id
            elif self._preview:
                step = self.engine.preview(name, inputs)
                old = self.engine.state.get(name)
                id_ = old.id if old is not None and step.op == "same" else ""
                outs = step.outputs
            else:
                with self._notice(name, inputs):
                    step = self.engine.up(name, inputs)
                id_, outs = self.engine.state[name].id, step.outputs
        except (CheckFailed, ProviderCallError) as exc:
            failure = ConnectorFailed(name, exc)
            outputs = {"error": failure.detail, "mistakes": failure.mistakes}
            failed = PlannedResource(name, CONNECTOR_TYPE, "failed", [], outputs, deps, inputs)
            self.record(failed)
            if self._preview:
                # As the engine's preview: every Connector is checked, the run fails at the end.
                self._failures.append(failure)
                return "", {}
            raise failure from None
        finally:
            if not self._preview and not read_id:
                self.save_state()  # a checkpoint after every step, as the engine keeps
        self.record(
            PlannedResource(name, CONNECTOR_TYPE, step.op, step.replaces, outs, deps, inputs)
        )
        return id_, outs

    def _notice(self, name: str, inputs: dict[str, Any]) -> AbstractContextManager[None]:
        timeout = import_timeout(inputs)
        if self.progress is None or timeout is None:
            return nullcontext()
        return waiting_for_import(name, timeout, self.progress)

    # -- operations ------------------------------------------------------------------------------

    def preview(self) -> RunResult:
        """Check (and Diff) every Connector; no API call is made."""
        return self._run("preview", preview=True)

    def up(self) -> RunResult:
        """Create, update or replace every Connector, and delete those no longer declared."""
        return self._run("up", preview=False)

    def destroy(self) -> RunResult:
        """Delete every Connector in state, newest first."""
        result = RunResult("destroy")
        try:
            for name in reversed(list(self.engine.state)):
                if self.cancelled:
                    raise RunCancelled()
                try:
                    self.engine.destroy(name)
                except ProviderCallError as exc:
                    raise ConnectorFailed(name, exc) from None
                finally:
                    self.save_state()
                result.resources.append(PlannedResource(name, CONNECTOR_TYPE, "delete"))
        except BaseException as exc:
            raise RunFailed(_describe(exc), result, cancelled=self.cancelled) from exc
        return result

    def _run(self, operation: str, *, preview: bool) -> RunResult:
        self._result = RunResult(operation)
        self._preview = preview
        self._declared = set()
        self._duplicates = []
        self._failures = []
        error: BaseException | None = None
        try:
            self._execute_program(preview)
            if self._duplicates:
                raise DuplicateConnectorName(self._duplicates[0])
            if self._failures:
                raise self._failures[0]
            leftovers = [n for n in reversed(list(self.engine.state)) if n not in self._declared]
            for name in leftovers:
                if self.cancelled:
                    raise RunCancelled()
                if not preview:
                    try:
                        self.engine.destroy(name)
                    finally:
                        self.save_state()
                self.record(PlannedResource(name, CONNECTOR_TYPE, "delete"))
        except BaseException as exc:  # reported with everything that happened until then
            error = exc
        finally:
            order = self._monitor.order if self._monitor is not None else {}
            self._result.resources.sort(key=lambda r: order.get((r.type, r.name), len(order)))
            if not preview:
                self.save_state()
        if error is not None:
            raise RunFailed(_describe(error), self._result, cancelled=self.cancelled) from error
        return self._result

    def _execute_program(self, preview: bool) -> None:
        mocks = _Mocks(self)
        monitor = self._monitor = _Monitor(mocks)
        mocks.monitor = monitor
        loop = _ensure_event_loop()  # type: ignore[no-untyped-call]
        # A failed program leaves futures whose errors RunFailed already reports.
        loop.set_exception_handler(lambda _loop, _context: None)
        set_root_resource(None)  # type: ignore[arg-type]
        pulumi.runtime.set_mocks(
            mocks, project=self.project, stack=self.stack, preview=preview, monitor=monitor
        )
        pulumi.runtime.set_all_config(dict(self.config))
        SETTINGS.rpc_manager.clear()  # nothing left over from an earlier run in this process
        SETTINGS.outputs.clear()
        with _program_context(self.program_dir):

            def program() -> None:
                runpy.run_path(str(self.main), run_name="__main__")

            _sync_await(run_pulumi_func(program))
            stack = pulumi.runtime.get_root_resource()
            exports = getattr(stack, "outputs", {}) or {}
            for key, value in exports.items():
                resolved = _sync_await(pulumi.Output.from_input(value).future(with_unknowns=True))
                self._result.stack_outputs[key] = mark_unknowns(resolved)


def _describe(error: BaseException) -> str:
    """The root cause, without the SDK's "While processing ..." wrappers around it.

    The SDK can leave an error that is its own `__cause__`: the walk stops at any error seen.
    """
    seen = {id(error)}
    while error.__cause__ is not None and id(error.__cause__) not in seen:
        error = error.__cause__
        seen.add(id(error))
    if isinstance(error, (ConnectorFailed, DuplicateConnectorName, RunCancelled)):
        return str(error)
    return f"{type(error).__name__}: {error}"


@contextmanager
def _program_context(program_dir: Path) -> Iterator[None]:
    """Run as the engine would: in the program's directory, importable from there."""
    previous = Path.cwd()
    sys.path.insert(0, str(program_dir))
    os.chdir(program_dir)
    try:
        yield
    finally:
        os.chdir(previous)
        sys.path.remove(str(program_dir))


def _locate(program: Path) -> tuple[Path, Path, str]:
    """The program directory, its entry file (following `main:`) and the project name."""
    program = program.resolve()
    folder = program.parent if program.is_file() else program
    project_file = next(
        (f / "Pulumi.yaml" for f in (folder, *folder.parents) if (f / "Pulumi.yaml").exists()),
        None,
    )
    project = yaml.safe_load(project_file.read_text()) or {} if project_file else {}
    name = str(project.get("name", "project"))
    if program.is_file():
        return program.parent, program, name
    main = (
        project.get("main") if project_file is not None and project_file.parent == program else None
    )
    target = (program / main).resolve() if main else program
    entry = target if target.is_file() else target / "__main__.py"
    if not entry.exists():
        raise FileNotFoundError(f"no Pulumi program in {target}: expected __main__.py")
    return entry.parent, entry, name
