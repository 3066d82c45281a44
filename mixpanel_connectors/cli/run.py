"""`mixpanel-connectors run`: a program's preview, up or destroy through the offline runner."""

from __future__ import annotations

import argparse
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .common import (
    EXIT_INTERRUPTED,
    EXIT_TERMINATED,
    UsageError,
    add_command,
    raise_terminated,
)

if TYPE_CHECKING:
    from ..testing.runner import OfflineRunner


def add_parser(subparsers: Any) -> None:
    parser = add_command(
        subparsers, "run",
        summary="run a Pulumi program offline (preview, up, destroy) without the Pulumi engine",
        description="Run a Pulumi program under the SDK's mocks, sending every Connector through "
        "the real dynamic-provider host to the API (set MIXPANEL_* variables or --config) and "
        "mocking every other resource. State is kept in a JSON file between runs. This is not "
        "the Pulumi engine.",
        examples=[
            "run examples/quickstart preview",
            "run examples/quickstart up --config mixpanel:projectId=1234567",
            "run examples/quickstart destroy --yes",
        ],
    )  # fmt: skip
    parser.add_argument("program", help="the program directory (or its Pulumi.yaml's folder)")
    parser.add_argument(
        "operation",
        choices=("preview", "up", "destroy"),
        help="preview: show what would change; up: create, update or delete to match the "
        "program; destroy: delete everything in the state",
    )
    parser.add_argument("--stack", default="dev", help="stack name (default dev)")
    parser.add_argument(
        "--state", help="state file (default PROGRAM/.pulumi-offline/STACK.json)", default=None
    )
    parser.add_argument(
        "--config",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="stack config, e.g. mixpanel:projectId=1234567 (repeatable)",
    )
    parser.add_argument(
        "--yes",
        "-y",
        action="store_true",
        help="destroy without asking (needed when no terminal can ask), as `pulumi destroy --yes`",
    )
    parser.set_defaults(execute=execute)


def execute(args: argparse.Namespace) -> int:
    from ..provider import ConnectorProvider
    from ..testing.host import ProviderHost
    from ..testing.report import render
    from ..testing.runner import OfflineRunner, RunFailed

    config: dict[str, str] = {}
    for item in args.config:
        key, sep, value = item.partition("=")
        if not sep or ":" not in key:
            print(f"--config expects NAMESPACE:KEY=VALUE, got {item!r}", file=sys.stderr)
            return 2
        config[key] = value
    state = (
        Path(args.state)
        if args.state
        else Path(args.program) / ".pulumi-offline" / f"{args.stack}.json"
    )
    try:
        with ProviderHost(ConnectorProvider(), stack=args.stack) as host:
            host.configure(config)
            runner = OfflineRunner(
                args.program, host, state_file=state, stack=args.stack, config=config,
                progress=_tell,
            )  # fmt: skip
            if not _confirmed(args, list(runner.engine.state)):
                print("destroy cancelled: nothing was deleted")
                return 1
            operation = getattr(runner, args.operation)
            interrupts = _Interrupts(runner)
            try:
                with interrupts.installed():
                    result = operation()
            except RunFailed as failed:
                print(render(failed.result, program=args.program, stack=args.stack) + "\n")
                if failed.cancelled:
                    print(
                        f"error: interrupted: every step that finished is saved in {state}; "
                        f"run `{args.operation}` again to finish",
                        file=sys.stderr,
                    )
                    return interrupts.exit_code
                for line in failed.result.mistakes() or [str(failed)]:
                    print(f"error: {line}", file=sys.stderr)
                return 1
    except (OSError, RuntimeError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(render(result, program=args.program, stack=args.stack))
    return 0


def _tell(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def _confirmed(args: argparse.Namespace, names: list[str]) -> bool:
    """Whether `destroy` may go on: --yes, nothing to delete, or `yes` typed at the terminal."""
    if args.operation != "destroy" or args.yes or not names:
        return True
    if not sys.stdin.isatty():
        raise UsageError(
            f"`run destroy` would delete {len(names)} Connector(s) and there is no terminal to "
            "ask on; pass --yes to confirm"
        )
    print(f"This deletes {len(names)} Connector(s) of stack {args.stack}: {', '.join(names)}")
    try:
        answer = input("Do you want to perform this destroy? Type yes to confirm: ")
    except EOFError:
        answer = ""
    return answer.strip().lower() == "yes"


class _Interrupts:
    """The first Ctrl-C or SIGTERM cancels the run gracefully; a second one stops it at once."""

    def __init__(self, runner: OfflineRunner) -> None:
        self.runner = runner
        self.signum: int | None = None

    def __call__(self, signum: int, frame: object) -> None:
        if self.signum is not None:
            if signum == signal.SIGTERM:
                raise_terminated(signum, frame)
            raise KeyboardInterrupt
        self.signum = signum
        self.runner.cancel()
        print(
            "interrupted: finishing the steps in flight and saving state "
            "(press Ctrl-C again to stop at once)",
            flush=True,
        )

    @property
    def exit_code(self) -> int:
        return EXIT_TERMINATED if self.signum == signal.SIGTERM else EXIT_INTERRUPTED

    @contextmanager
    def installed(self) -> Iterator[_Interrupts]:
        previous = {s: signal.signal(s, self) for s in (signal.SIGINT, signal.SIGTERM)}
        try:
            yield self
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)
