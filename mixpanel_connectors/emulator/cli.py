"""`mixpanel-connectors emulator`: start the local API in the foreground."""

from __future__ import annotations

import argparse
import contextlib
import errno
import os
import sys
from typing import Any

from .app import DEFAULT_ACCOUNTS, DEFAULT_PROJECTS, Access
from .server import Emulator

ENV_PREFIX = "MIXPANEL_EMULATOR_"


def _env(name: str, default: Any) -> Any:
    return os.environ.get(ENV_PREFIX + name, default)


def _env_list(name: str) -> list[str]:
    raw = os.environ.get(ENV_PREFIX + name, "")
    return [item.strip() for item in raw.split(",") if item.strip()] if raw else []


def add_parser(subparsers: Any) -> None:
    """Register the `emulator` subcommand; every flag has a MIXPANEL_EMULATOR_* variable."""
    parser = subparsers.add_parser(
        "emulator",
        help="run the local connectors API",
        description="Serve the emulated Mixpanel connectors API. Every flag can also be set with "
        "the environment variable named in its help. The first line printed is the base URL.",
    )
    parser.add_argument(
        "--host", default=_env("HOST", "127.0.0.1"), help="[HOST] default 127.0.0.1"
    )
    parser.add_argument(
        "--port", type=int, default=_env("PORT", "8765"), help="[PORT] 0 picks a free port"
    )
    parser.add_argument("--data", default=_env("DATA", None), help="[DATA] SQLite file to persist")
    parser.add_argument(
        "--service-account",
        action="append",
        metavar="NAME:SECRET[:PROJECT,...]",
        default=None,
        help="[SERVICE_ACCOUNTS, comma-separated without project lists] an accepted account, "
        "optionally limited to projects; default demo:demo-secret",
    )
    parser.add_argument(
        "--project",
        action="append",
        type=int,
        default=None,
        help="[PROJECTS, comma-separated] a project id that exists; default 1234567",
    )
    parser.add_argument(
        "--page-size", type=int, default=_env("PAGE_SIZE", "100"), help="[PAGE_SIZE] list size"
    )
    parser.add_argument(
        "--run-delay-ms",
        type=float,
        default=_env("RUN_DELAY_MS", "1000"),
        help="[RUN_DELAY_MS] how long an import run stays queued, then running",
    )
    parser.add_argument(
        "--buckets",
        default=_env("BUCKETS", None),
        help="[BUCKETS] folder of local buckets that import runs read: s3/NAME/..., gcs/NAME/...",
    )
    parser.add_argument(
        "--deny-bucket",
        action="append",
        default=None,
        help="[DENY_BUCKETS, comma-separated] a bucket whose imports fail with an access error",
    )
    parser.add_argument(
        "--fail-rate", type=float, default=_env("FAIL_RATE", "0"), help="[FAIL_RATE] 0..1"
    )
    parser.add_argument(
        "--fault-status",
        action="append",
        default=None,
        help="[FAULT_STATUSES, comma-separated] 429, 503, ... or drop; default 503",
    )
    parser.add_argument(
        "--fault-mode",
        default=_env("FAULT_MODE", "reject"),
        choices=("reject", "lose_response", "mixed"),
        help="[FAULT_MODE] fail before or after doing the work",
    )
    parser.add_argument(
        "--latency-ms", type=float, default=_env("LATENCY_MS", "0"), help="[LATENCY_MS]"
    )
    parser.add_argument("--seed", type=int, default=_env("SEED", None), help="[SEED] fault dice")
    parser.set_defaults(run=run)


def _access(args: argparse.Namespace) -> Access:
    projects = tuple(args.project or [int(p) for p in _env_list("PROJECTS")] or DEFAULT_PROJECTS)
    specs = args.service_account or _env_list("SERVICE_ACCOUNTS")
    accounts: dict[str, str] = {}
    grants: dict[str, tuple[int, ...]] = {}
    for spec in specs:
        name, sep, rest = spec.partition(":")
        secret, _, limited = rest.partition(":")
        if not name or not sep or not secret:
            raise SystemExit(f"--service-account expects NAME:SECRET[:PROJECT,...], got {spec!r}")
        accounts[name] = secret
        if limited:
            grants[name] = tuple(int(p) for p in limited.split(","))
    return Access(accounts=accounts or dict(DEFAULT_ACCOUNTS), projects=projects, grants=grants)


def _statuses(args: argparse.Namespace) -> list[int | str]:
    raw = args.fault_status or _env_list("FAULT_STATUSES") or ["503"]
    return [int(s) if s.isdigit() else s for s in raw]


def _refusal(args: argparse.Namespace, deny_buckets: list[str]) -> str | None:
    """Why these settings cannot work, if they cannot."""
    if not 0 <= args.port <= 65535:
        return f"--port {args.port}: a port is 0 to 65535 (0 picks a free one)"
    if deny_buckets and not args.buckets:
        flag = "--deny-bucket" if args.deny_bucket else f"{ENV_PREFIX}DENY_BUCKETS"
        return (
            f"{flag} needs --buckets ({ENV_PREFIX}BUCKETS): without local buckets no import "
            "reads a bucket, so none can be denied; pass --buckets DIR too"
        )
    return None


def _listen_error(args: argparse.Namespace, exc: OSError) -> str:
    where = f"{args.host}:{args.port}"
    if exc.errno == errno.EADDRINUSE:
        return (
            f"--port {args.port}: {where} is already in use; pick another port, or 0 for a free one"
        )
    return f"--host/--port: cannot listen on {where}: {exc.strerror or exc}"


def run(args: argparse.Namespace) -> int:
    """Serve until interrupted; print the base URL first, then one line per request."""
    deny_buckets = args.deny_bucket or _env_list("DENY_BUCKETS")
    refusal = _refusal(args, deny_buckets)
    if refusal:
        print(f"error: {refusal}", file=sys.stderr)
        return 2
    faults = {
        "fail_rate": args.fail_rate,
        "statuses": _statuses(args),
        "mode": args.fault_mode,
        "latency_ms": args.latency_ms,
        "seed": None if args.seed is None else int(args.seed),
    }
    try:
        emulator = Emulator(
            args.host,
            args.port,
            data=args.data,
            access=_access(args),
            page_size=args.page_size,
            run_delay_ms=args.run_delay_ms,
            buckets=args.buckets,
            deny_buckets=deny_buckets,
            faults=faults,
            log=sys.stdout,
        )
    except OSError as exc:
        print(f"error: {_listen_error(args, exc)}", file=sys.stderr)
        return 2
    print(emulator.url, flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        emulator.serve_forever()
    return 0
