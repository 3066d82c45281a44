"""A bucket folder holding one gzip event file, shared by the CLI tests' emulators."""

from __future__ import annotations

import gzip
import json
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
