"""A newcomer's first commands: pointing the CLI at the emulator, and the messages mistakes get.

Every command is a real process with a timeout; the emulator is real, on 127.0.0.1.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from collections.abc import Iterator

import pytest

from tests.cli.conftest import read_exports

TIMEOUT_S = 60
BASE_ENV = {k: v for k, v in os.environ.items() if not k.startswith("MIXPANEL_")}


def cli(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [sys.executable, "-m", "mixpanel_connectors.cli", *args],
        env={**BASE_ENV, **env}, capture_output=True, text=True, timeout=TIMEOUT_S, check=False,
    )  # fmt: skip
    assert "Traceback" not in done.stderr
    return done


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def exported() -> Iterator[dict[str, str]]:
    """`emulator --print-env` started as a user would; the variables it printed."""
    with subprocess.Popen(
        [sys.executable, "-m", "mixpanel_connectors.cli", "emulator", "--port", "0",
         "--print-env"],
        env=BASE_ENV, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    ) as process:  # fmt: skip
        try:
            assert process.stdout is not None
            yield read_exports(process.stdout)
        finally:
            process.terminate()
            process.wait(timeout=TIMEOUT_S)


def test_print_env_gives_every_variable_the_cli_needs(exported: dict[str, str]) -> None:
    assert set(exported) == {
        "MIXPANEL_BASE_URL", "MIXPANEL_SERVICE_ACCOUNT", "MIXPANEL_SERVICE_ACCOUNT_SECRET",
        "MIXPANEL_PROJECT_ID",
    }  # fmt: skip
    done = cli("list", **exported)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("0 connectors in project 1234567")


def test_a_refused_connection_is_one_short_line_asking_if_the_emulator_runs() -> None:
    url = f"http://127.0.0.1:{free_port()}"
    done = cli(
        "list", "--project", "1", "--base-url", url, MIXPANEL_SERVICE_ACCOUNT="demo",
        MIXPANEL_SERVICE_ACCOUNT_SECRET="x", MIXPANEL_MAX_RETRIES="2",
    )  # fmt: skip
    assert done.returncode == 1
    (line,) = done.stderr.splitlines()
    assert len(line) < 300, line
    assert line.lower().count("refused") == 1, line
    assert f"is the emulator running at {url}?" in line


def test_a_bad_project_flag_is_reported_as_the_flag() -> None:
    done = cli(
        "list", "--project", "abc", MIXPANEL_SERVICE_ACCOUNT="demo",
        MIXPANEL_SERVICE_ACCOUNT_SECRET="x",
    )  # fmt: skip
    assert done.returncode == 2
    assert "--project 'abc'" in done.stderr
    assert "mixpanel:" not in done.stderr
    assert "no project" not in done.stderr


def test_a_bad_project_variable_is_reported_as_the_variable() -> None:
    done = cli(
        "list", MIXPANEL_PROJECT_ID="abc", MIXPANEL_SERVICE_ACCOUNT="demo",
        MIXPANEL_SERVICE_ACCOUNT_SECRET="x",
    )  # fmt: skip
    assert done.returncode == 2
    assert "MIXPANEL_PROJECT_ID = 'abc'" in done.stderr
    assert "mixpanel:" not in done.stderr
    assert "no project" not in done.stderr


def test_missing_settings_name_the_flags_and_variables_of_the_cli() -> None:
    done = cli("list")
    assert done.returncode == 2
    assert "pulumi config" not in done.stderr
    for named in ("--service-account", "MIXPANEL_SERVICE_ACCOUNT_SECRET", "--project"):
        assert named in done.stderr


def test_doctor_names_the_cli_flags_and_variables_without_contradiction() -> None:
    done = cli("doctor")
    assert done.returncode == 1
    assert "pulumi config" not in done.stdout
    assert "--project" in done.stdout


def test_doctor_json_gives_fixes_only_for_failing_checks(exported: dict[str, str]) -> None:
    done = cli("doctor", "--json", **exported)
    assert done.returncode == 0, done.stdout
    report = json.loads(done.stdout)
    assert report["ok"]
    assert all("fix" not in check for check in report["checks"])
    failing = json.loads(cli("doctor", "--json").stdout)
    assert all(check["fix"] for check in failing["checks"] if not check["ok"])


def test_doctor_with_a_bad_project_does_not_say_there_is_none() -> None:
    done = cli("doctor", "--project", "abc")
    assert "--project 'abc' cannot be used" in done.stdout
    assert "no project" not in done.stdout
