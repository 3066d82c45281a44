"""`mixpanel-connectors emulator`: start the local API in the foreground."""

from __future__ import annotations

import argparse
import contextlib
import errno
import shlex
import sqlite3
import sys
from typing import Any

from ..cli.common import UsageError, add_command
from . import flags
from .app import DEFAULT_ACCOUNTS, DEFAULT_PROJECTS, Accounts
from .server import Emulator
from .settings import ENV_PREFIX, Settings


def add_parser(subparsers: Any) -> None:
    """Register the `emulator` subcommand; every flag has a MIXPANEL_EMULATOR_* variable."""
    parser = add_command(
        subparsers, "emulator",
        summary="run the local connectors API",
        description="Serve the emulated Mixpanel connectors API. Every flag can also be set with "
        "the environment variable named in its help. The first line printed is the base URL.",
        examples=[
            "emulator --print-env",
            "emulator --port 0 --buckets ./buckets --run-delay-ms 200",
        ],
    )  # fmt: skip
    parser.add_argument("--host", help=f"[{ENV_PREFIX}HOST] default 127.0.0.1")
    parser.add_argument("--port", help=f"[{ENV_PREFIX}PORT] default 8765; 0 picks a free port")
    parser.add_argument("--data", help=f"[{ENV_PREFIX}DATA] SQLite file to persist")
    parser.add_argument(
        "--service-account",
        action="append",
        metavar="NAME:SECRET[:PROJECTS]",
        default=None,
        help=f"[{ENV_PREFIX}SERVICE_ACCOUNTS, comma-separated without project lists] "
        "an accepted account, optionally limited to projects (comma-separated ids); "
        "default demo:demo-secret",
    )
    parser.add_argument(
        "--project",
        action="append",
        default=None,
        help=f"[{ENV_PREFIX}PROJECTS, comma-separated] a project id that exists; default 1234567",
    )
    parser.add_argument("--page-size", help=f"[{ENV_PREFIX}PAGE_SIZE] list size, default 100")
    parser.add_argument(
        "--run-delay-ms",
        help=f"[{ENV_PREFIX}RUN_DELAY_MS] "
        "how long an import run stays queued, then running; default 1000",
    )
    parser.add_argument(
        "--buckets",
        help=f"[{ENV_PREFIX}BUCKETS] "
        "folder of local buckets that import runs read: s3/NAME/..., gcs/NAME/...",
    )
    parser.add_argument(
        "--deny-bucket",
        action="append",
        default=None,
        help=f"[{ENV_PREFIX}DENY_BUCKETS, comma-separated] "
        "a bucket whose imports fail with an access error",
    )
    parser.add_argument("--fail-rate", help=f"[{ENV_PREFIX}FAIL_RATE] 0..1, default 0")
    parser.add_argument(
        "--fault-status",
        action="append",
        default=None,
        help=f"[{ENV_PREFIX}FAULT_STATUSES, comma-separated] 429, 503, ... or drop; default 503",
    )
    parser.add_argument(
        "--fault-mode",
        choices=("reject", "lose_response", "mixed"),
        help=f"[{ENV_PREFIX}FAULT_MODE] fail before or after doing the work",
    )
    parser.add_argument("--latency-ms", help=f"[{ENV_PREFIX}LATENCY_MS] added to every API answer")
    parser.add_argument(
        "--shapes",
        help=f"[{ENV_PREFIX}SHAPES] documented (default: Mixpanel's published samples) or spec "
        "(the spec's alternatives: bare 201 creates, epoch times, run_id, typed errors, ...)",
    )
    parser.add_argument("--seed", help=f"[{ENV_PREFIX}SEED] fault dice")
    parser.add_argument(
        "--print-env",
        action="store_true",
        help="first print `export MIXPANEL_...=...` lines (base URL, the first account and its "
        "secret, a project it may use) to paste into the shell that runs the other commands",
    )
    parser.set_defaults(execute=execute)


def execute(args: argparse.Namespace) -> int:
    """Serve until interrupted; print the base URL first, then one line per request."""
    settings = Settings(args)
    accounts = _accounts(settings)
    emulator = _start(settings, accounts)
    if args.print_env:
        for name, value in client_env(emulator.url, accounts).items():
            print(f"export {name}={shlex.quote(value)}")
        print(f"# serving {emulator.url}; Ctrl-C stops it", flush=True)
    else:
        print(emulator.url, flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        emulator.serve_forever()
    return 0


def client_env(url: str, accounts: Accounts) -> dict[str, str]:
    """The MIXPANEL_* variables that point the CLI and the provider at this emulator."""
    name, secret = next(iter(accounts.secrets.items()))
    project = accounts.grants.get(name, accounts.projects)[0]
    return {
        "MIXPANEL_BASE_URL": url,
        "MIXPANEL_SERVICE_ACCOUNT": name,
        "MIXPANEL_SERVICE_ACCOUNT_SECRET": secret,
        "MIXPANEL_PROJECT_ID": str(project),
    }


def _start(settings: Settings, accounts: Accounts) -> Emulator:
    host = settings.one("host", "HOST", str, "127.0.0.1")
    port = settings.one("port", "PORT", flags.port, 8765)
    data = settings.one("data", "DATA", flags.data_file, None)
    options: dict[str, Any] = {
        "accounts": accounts,
        "page_size": settings.one("page_size", "PAGE_SIZE", flags.count, 100),
        "run_delay_ms": settings.one("run_delay_ms", "RUN_DELAY_MS", flags.milliseconds, 1000.0),
        "buckets": settings.one("buckets", "BUCKETS", flags.folder, None),
        "deny_buckets": settings.many("deny_bucket", "DENY_BUCKETS", str),
        "shapes": settings.one("shapes", "SHAPES", flags.shapes, "documented"),
        "faults": {
            "fail_rate": settings.one("fail_rate", "FAIL_RATE", flags.fraction, 0.0),
            "statuses": settings.many("fault_status", "FAULT_STATUSES", flags.fault_status)
            or [503],
            "mode": settings.one("fault_mode", "FAULT_MODE", flags.fault_mode, "reject"),
            "latency_ms": settings.one("latency_ms", "LATENCY_MS", flags.latency, 0.0),
            "seed": settings.one("seed", "SEED", flags.seed, None),
        },
    }
    if options["deny_buckets"] and options["buckets"] is None:
        where = settings.source("deny_bucket", "DENY_BUCKETS")
        raise UsageError(
            f"{where} needs --buckets ({ENV_PREFIX}BUCKETS): without local buckets no import "
            "reads a bucket, so none can be denied; pass --buckets DIR too"
        )
    try:
        return Emulator(host, port, data=data, log=sys.stdout, **options)
    except sqlite3.Error as exc:
        where = settings.source("data", "DATA")
        raise UsageError(f"{where} {data}: not a usable SQLite file ({exc})") from None
    except OSError as exc:
        if exc.errno in (errno.EADDRINUSE, errno.EACCES):
            where = settings.source("port", "PORT")
            why = "already in use" if exc.errno == errno.EADDRINUSE else exc.strerror
            raise UsageError(
                f"{where} {port}: {why} on {host}; pick another port, or 0 for any free one"
            ) from None
        where = settings.source("host", "HOST")
        raise UsageError(
            f"{where} {host}: cannot listen there ({exc.strerror or exc}); "
            "use an address of this machine, e.g. 127.0.0.1"
        ) from None


def _accounts(settings: Settings) -> Accounts:
    projects = settings.many("project", "PROJECTS", flags.project) or list(DEFAULT_PROJECTS)
    accounts: dict[str, str] = {}
    grants: dict[str, tuple[int, ...]] = {}
    for name, secret, limited in settings.many(
        "service_account", "SERVICE_ACCOUNTS", flags.account, secret=True
    ):
        accounts[name] = secret
        if limited is not None:
            grants[name] = limited
    return Accounts(
        secrets=accounts or dict(DEFAULT_ACCOUNTS), projects=tuple(projects), grants=grants
    )
