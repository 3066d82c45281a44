"""Every make target installs the extras it names (a comma in `$(call ...)` would split them)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not on PATH")
@pytest.mark.parametrize(
    ("target", "spec"),
    [
        ("demo", "'.[emulator]'"),
        ("test", "'.[dev,emulator,aws,gcp]'"),
        ("bench", "'.[bench,emulator]'"),
        ("bench-record", "'.[bench,emulator]'"),
    ],
)
def test_a_target_installs_its_whole_extras_set(target: str, spec: str) -> None:
    planned = subprocess.run(
        ["make", "-n", "-W", ".venv/bin/python", target],
        cwd=ROOT, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    assert f"-e {spec}" in planned
