"""The `mixpanel-connectors` command: exit 0 on success, 1 on an API error, 2 on bad usage."""

from __future__ import annotations

import argparse
import signal
import sys
import textwrap
from collections.abc import Sequence


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("mixpanel-connectors")
    except PackageNotFoundError:
        return "unknown (not installed)"


def build_parser() -> argparse.ArgumentParser:
    """The command and its subcommands."""
    from ..emulator.cli import add_parser as add_emulator
    from . import connectors, doctor, export, run
    from .common import example_block

    parser = argparse.ArgumentParser(
        prog="mixpanel-connectors",
        description=textwrap.fill(
            "Mixpanel Cloud Import connectors as code: look at what exists, check your "
            "settings, export connectors as a Pulumi program, run programs offline, and serve a "
            "local emulator of the API. Settings come from flags, then MIXPANEL_* variables.",
            width=78,
        ),
        epilog=example_block(["emulator --print-env", "list", "run examples/quickstart up"])
        + "\n\nRun `mixpanel-connectors COMMAND --help` for a command's flags and examples.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    connectors.add_parsers(subparsers)
    doctor.add_parser(subparsers)
    export.add_parser(subparsers)
    run.add_parser(subparsers)
    add_emulator(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script: one clear line on failure, never a traceback."""
    from .._api.errors import ConfigurationError, MixpanelError
    from .common import (
        EXIT_API_ERROR,
        EXIT_INTERRUPTED,
        EXIT_TERMINATED,
        EXIT_USAGE,
        Terminated,
        UsageError,
        raise_terminated,
    )

    signal.signal(signal.SIGTERM, raise_terminated)
    args = build_parser().parse_args(argv)
    try:
        return int(args.execute(args))
    except (UsageError, ConfigurationError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except MixpanelError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_API_ERROR
    except Terminated:
        print("error: terminated", file=sys.stderr)
        return EXIT_TERMINATED
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
