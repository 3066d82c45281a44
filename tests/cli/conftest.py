"""What the CLI tests share: a bucket folder, and reading `emulator --print-env`."""

from __future__ import annotations

import gzip
import json
import shlex
from collections.abc import Iterable
from pathlib import Path

import pytest


@pytest.fixture(scope="module")
def buckets(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("buckets")
    folder = root / "s3" / "acme-events" / "events"
    folder.mkdir(parents=True)
    record = {"event": "Signed Up", "properties": {"time": 1, "distinct_id": "u"}}
    (folder / "a.json.gz").write_bytes(gzip.compress((json.dumps(record) + "\n").encode()))
    return root


def read_exports(lines: Iterable[str]) -> dict[str, str]:
    """The variables of the leading `export NAME=value` lines (stops at the first other line)."""
    variables: dict[str, str] = {}
    for line in lines:
        if not line.startswith("export "):
            break
        name, _, value = line.removeprefix("export ").strip().partition("=")
        variables[name] = shlex.split(value)[0]
    return variables
