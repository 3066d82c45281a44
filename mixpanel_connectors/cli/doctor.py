"""`doctor`: check settings, credentials and the project before a deploy, and say what to fix."""

from __future__ import annotations

import argparse
import os
from dataclasses import asdict, dataclass
from typing import Any

from .._api.errors import (
    AuthenticationError,
    ConfigurationError,
    MixpanelError,
    NotFoundError,
    PermissionDeniedError,
    TransportError,
)
from .._api.urls import REGION_BASE_URLS
from .common import (
    EXIT_API_ERROR,
    EXIT_OK,
    HOW_TO_SET,
    add_command,
    add_settings_flags,
    print_json,
    settings_from,
)
from .common import missing as missing_settings


@dataclass
class Check:
    name: str
    ok: bool
    detail: str
    fix: str = ""


def add_parser(subparsers: Any) -> None:
    parser = add_command(
        subparsers, "doctor",
        summary="check settings, credentials and project access, and say what to fix",
        description="Check, before a deploy, that the settings are readable, the credentials "
        "are given and accepted, and the project exists and is reachable; print what to fix "
        "for each failing check. Exit 0 when all pass, 1 otherwise.",
        examples=["doctor", "doctor --base-url http://127.0.0.1:8765 --json"],
    )  # fmt: skip
    add_settings_flags(parser)
    parser.set_defaults(execute=execute)


def _project_detail(args: argparse.Namespace, project: int | None) -> str:
    if project is not None:
        return f"project {project}"
    given = args.project or os.environ.get("MIXPANEL_PROJECT_ID")
    return "the project id given is unusable (see settings)" if given else "no project id"


def _checks(args: argparse.Namespace) -> list[Check]:

    settings = settings_from(args)
    checks = [
        Check("settings", not settings.problems, "; ".join(settings.problems) or "all readable",
              "correct the values named above"),
    ]  # fmt: skip
    missing = [m for m in missing_settings(args, settings) if not m.startswith("no project")]
    who = f"service account {settings.service_account}"
    checks.append(
        Check("credentials", not missing, "; ".join(missing) or who,
              "set the service account and its secret as named above")
    )  # fmt: skip
    project = settings.project_id
    checks.append(
        Check("project", project is not None, _project_detail(args, project),
              HOW_TO_SET["project_id"])
    )  # fmt: skip
    base = settings.base_url or REGION_BASE_URLS[settings.region]
    if missing or project is None:
        return checks
    try:
        client = settings.client()
    except ConfigurationError as exc:
        checks.append(Check("base URL", False, str(exc), "use an https URL"))
        return checks
    checks.append(Check("base URL", True, f"{client.base_url} (region {settings.region})"))
    try:
        count = sum(1 for _ in client.list_connectors(project))
    except TransportError as exc:
        checks.append(
            Check("reachable", False, str(exc), f"check the network and that {base} is right")
        )
    except AuthenticationError as exc:
        checks.append(
            Check("credentials accepted", False, str(exc), "check the username and secret")
        )
    except PermissionDeniedError as exc:
        checks.append(
            Check("project access", False, str(exc),
                  f"give {settings.service_account} a role in project {project}")
        )  # fmt: skip
    except NotFoundError as exc:
        checks.append(
            Check("project found", False, str(exc),
                  "check the project id, and the region: EU and India projects live on "
                  "eu.mixpanel.com and in.mixpanel.com")
        )  # fmt: skip
    except MixpanelError as exc:
        checks.append(Check("API", False, str(exc), "retry later"))
    else:
        checks.append(
            Check("API", True, f"credentials accepted; project {project} has {count} connectors")
        )
    return checks


def _as_json(check: Check) -> dict[str, Any]:
    """A check as `--json` prints it: a fix only when it failed."""
    fields = asdict(check)
    if check.ok:
        del fields["fix"]
    return fields


def execute(args: argparse.Namespace) -> int:
    checks = _checks(args)
    healthy = all(check.ok for check in checks)
    if args.json:
        print_json({"ok": healthy, "checks": [_as_json(c) for c in checks]})
    else:
        for check in checks:
            mark = "ok  " if check.ok else "FAIL"
            print(f"[{mark}] {check.name}: {check.detail}")
            if not check.ok and check.fix:
                print(f"       fix: {check.fix}")
        print(
            "All checks passed."
            if healthy
            else "Some checks failed; fix them and run doctor again."
        )
    return EXIT_OK if healthy else EXIT_API_ERROR
