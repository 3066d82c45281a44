"""`mixpanel-connectors run`: a program's preview, up or destroy through the offline runner."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "run",
        help="run a Pulumi program offline (preview, up, destroy) without the Pulumi engine",
        description="Run a Pulumi program under the SDK's mocks, sending every Connector through "
        "the real dynamic-provider host to the API (set MIXPANEL_* variables or --config) and "
        "mocking every other resource. State is kept in a JSON file between runs. This is not "
        "the Pulumi engine.",
    )
    parser.add_argument("program", help="the program directory (or its Pulumi.yaml's folder)")
    parser.add_argument("operation", choices=("preview", "up", "destroy"))
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
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
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
                args.program, host, state_file=state, stack=args.stack, config=config
            )
            operation = getattr(runner, args.operation)
            try:
                result = operation()
            except RunFailed as failed:
                print(render(failed.result, program=args.program, stack=args.stack) + "\n")
                print(f"error: {failed}", file=sys.stderr)
                return 1
    except (OSError, RuntimeError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(render(result, program=args.program, stack=args.stack))
    return 0
