"""The install paths the README gives: a built wheel in a fresh venv, and each example's
requirements.txt resolved from this repository when run from the example's folder.

uv (from the dev extra) builds and installs: with its cache this takes seconds.
"""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ["quickstart", "aws-s3", "gcp-gcs"]
TIMEOUT_S = 240


def uv(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [sys.executable, "-m", "uv", *args],
        cwd=cwd, capture_output=True, text=True, timeout=TIMEOUT_S, check=False,
    )  # fmt: skip
    assert done.returncode == 0, f"uv {' '.join(args)} failed:\n{done.stderr[-2000:]}"
    return done


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    uv("build", "--quiet", "--out-dir", str(out), str(ROOT))
    return out


def test_build_makes_a_wheel_and_an_sdist_with_the_package(dist: Path) -> None:
    (wheel,) = dist.glob("mixpanel_connectors-*.whl")
    (sdist,) = dist.glob("mixpanel_connectors-*.tar.gz")
    names = zipfile.ZipFile(wheel).namelist()
    assert "mixpanel_connectors/py.typed" in names
    assert "mixpanel_connectors/emulator/cli.py" in names
    assert sdist.stat().st_size > 0


@pytest.fixture
def venv(tmp_path: Path) -> Path:
    """A fresh, empty venv of this Python."""
    folder = tmp_path / "venv"
    uv("venv", "--quiet", "--python", sys.executable, str(folder))
    return folder


def test_the_wheel_installs_into_a_fresh_venv_with_its_command(
    dist: Path, venv: Path, tmp_path: Path
) -> None:
    (wheel,) = dist.glob("mixpanel_connectors-*.whl")
    python = venv / "bin" / "python"
    uv("pip", "install", "--quiet", "--python", str(python), f"{wheel}[emulator]")
    imported = subprocess.run(
        [str(python), "-c", "import mixpanel_connectors, sys; print(mixpanel_connectors.__file__)"],
        cwd=tmp_path, capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    assert str(venv) in imported.stdout
    version = subprocess.run(
        [str(venv / "bin" / "mixpanel-connectors"), "--version"],
        cwd=tmp_path, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert version.returncode == 0, version.stderr
    assert version.stdout.strip() == "mixpanel-connectors 0.1.0"


@pytest.mark.parametrize("example", EXAMPLES)
def test_each_example_requirements_resolve_from_this_repository(example: str, venv: Path) -> None:
    folder = ROOT / "examples" / example
    plan = uv(
        "pip", "install", "--dry-run", "--python", str(venv / "bin" / "python"),
        "-r", "requirements.txt", cwd=folder,
    )  # fmt: skip
    assert f"+ mixpanel-connectors @ {ROOT.as_uri()}\n" in plan.stderr
