"""What every API subcommand shares: settings flags, the client, and errors as exit codes."""

from __future__ import annotations

import argparse
import json
import os
import sys
import textwrap
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from .._api.errors import ConfigurationError
from .._lifecycle.config import Settings
from .._lifecycle.schema import SETTINGS

if TYPE_CHECKING:
    from .._api.client import MixpanelClient

EXIT_OK, EXIT_API_ERROR, EXIT_USAGE = 0, 1, 2
EXIT_INTERRUPTED, EXIT_TERMINATED = 130, 143  # 128 + SIGINT, 128 + SIGTERM, as shells report


class UsageError(Exception):
    """Bad usage or settings: exit code 2."""


class Terminated(KeyboardInterrupt):
    """SIGTERM arrived: handled wherever Ctrl-C is, and reported with its own exit code."""


def raise_terminated(_signum: int, _frame: object) -> None:
    raise Terminated


def add_command(
    subparsers: Any, name: str, *, summary: str, description: str, examples: Sequence[str]
) -> argparse.ArgumentParser:
    """A subcommand whose --help shows a description and `$ mixpanel-connectors ...` examples."""
    return subparsers.add_parser(  # type: ignore[no-any-return]
        name,
        help=summary,
        description=textwrap.fill(description, width=78),
        epilog=example_block(examples),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )


def example_block(examples: Sequence[str]) -> str:
    return "Example:\n" + "\n".join(f"  $ mixpanel-connectors {line}" for line in examples)


def add_settings_flags(parser: argparse.ArgumentParser, *, json_output: bool = True) -> None:
    """Flags that win over the MIXPANEL_* variables (the secret only comes from the variable)."""
    group = parser.add_argument_group(
        "settings", "each defaults to its MIXPANEL_* environment variable; the secret is read\n"
        "only from MIXPANEL_SERVICE_ACCOUNT_SECRET"
    )  # fmt: skip
    group.add_argument(
        "--service-account", help="service account username [MIXPANEL_SERVICE_ACCOUNT]"
    )
    group.add_argument("--project", help="project id [MIXPANEL_PROJECT_ID]")
    group.add_argument("--region", help="us, eu or in [MIXPANEL_REGION]")
    group.add_argument("--base-url", help="API base URL, e.g. the emulator's [MIXPANEL_BASE_URL]")
    if json_output:
        parser.add_argument("--json", action="store_true", help="machine-readable output")


FLAGS = {s.key: s.flag for s in SETTINGS if s.flag is not None}
"""config key -> the flag that sets it."""
HOW_TO_SET = {
    s.name: f"pass {s.flag} or set {s.env}" if s.flag else f"set {s.env}" for s in SETTINGS
}


def settings_from(args: argparse.Namespace) -> Settings:
    """Settings from the flags, then the environment; problems name the flag or the variable."""
    flags = {key: getattr(args, flag[2:].replace("-", "_")) for key, flag in FLAGS.items()}
    return Settings.resolve({k: v for k, v in flags.items() if v}, labels=FLAGS)


def missing(args: argparse.Namespace, settings: Settings) -> list[str]:
    """What the CLI user must still give: credentials and a project (unless one was unusable)."""
    needed = [("service_account", "service account"), ("secret", "service account secret")]
    if not (args.project or os.environ.get("MIXPANEL_PROJECT_ID")):
        needed.append(("project_id", "project"))
    return [
        f"no {label}: {HOW_TO_SET[setting]}"
        for setting, label in needed
        if getattr(settings, setting) is None
    ]


def client_and_project(args: argparse.Namespace) -> tuple[MixpanelClient, int]:
    """A client for the resolved settings and the project to work on; UsageError when unusable."""
    settings = settings_from(args)
    problems = [*settings.problems, *missing(args, settings)]
    if problems:
        raise UsageError("; ".join(problems))
    try:
        client = settings.client()
    except ConfigurationError as exc:
        raise UsageError(str(exc)) from None
    assert settings.project_id is not None
    return client, settings.project_id


def print_json(value: Any) -> None:
    json.dump(value, sys.stdout, indent=2, sort_keys=True, default=str)
    sys.stdout.write("\n")
