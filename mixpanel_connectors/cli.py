"""The `mixpanel-connectors` command."""

from __future__ import annotations

import argparse
import signal
import sys
from collections.abc import Sequence


def build_parser() -> argparse.ArgumentParser:
    """The command and its subcommands."""
    from .emulator.cli import add_parser as add_emulator
    from .testing.cli import add_parser as add_run

    parser = argparse.ArgumentParser(
        prog="mixpanel-connectors",
        description="Mixpanel Cloud Import connectors as code: tools around the Pulumi provider.",
    )
    subparsers = parser.add_subparsers(dest="command", required=True)
    add_emulator(subparsers)
    add_run(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script."""
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    args = build_parser().parse_args(argv)
    return int(args.run(args))


if __name__ == "__main__":
    sys.exit(main())
