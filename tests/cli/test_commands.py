"""Each subcommand end to end: a real process against the emulator, as a person runs it."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from mixpanel_connectors import ConnectorProvider, MixpanelClient
from mixpanel_connectors.emulator import Accounts, Emulator
from mixpanel_connectors.testing import ProviderHost
from mixpanel_connectors.testing.runner import OfflineRunner
from tests.conftest import FAST_RETRY, PROJECT, SECRET, gcs_spec, s3_spec, stack_config

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def api(buckets: Path) -> Iterator[Emulator]:
    accounts = Accounts(
        secrets={"demo": SECRET}, projects=(PROJECT, 42), grants={"demo": (PROJECT,)}
    )
    with Emulator(port=0, page_size=2, run_delay_ms=100, buckets=buckets, accounts=accounts) as emu:
        yield emu


@pytest.fixture
def made(api: Emulator) -> list[str]:
    api.app.reset()
    with MixpanelClient("demo", SECRET, base_url=api.url, retry=FAST_RETRY) as client:
        return [
            client.create_connector(PROJECT, spec).connector_id
            for spec in (s3_spec(), gcs_spec(), s3_spec(label="events again"))
        ]


def cli(api: Emulator, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {
        **os.environ,
        "MIXPANEL_SERVICE_ACCOUNT": "demo",
        "MIXPANEL_SERVICE_ACCOUNT_SECRET": SECRET,
        "MIXPANEL_PROJECT_ID": str(PROJECT),
        "MIXPANEL_BASE_URL": api.url,
        **env,
    }
    done = subprocess.run(
        [sys.executable, "-m", "mixpanel_connectors.cli", *args],
        env=environ, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert SECRET not in done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    return done


def as_json(done: subprocess.CompletedProcess[str]) -> Any:
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_list_shows_every_connector_across_pages(api: Emulator, made: list[str]) -> None:
    done = cli(api, "list")
    assert done.returncode == 0
    lines = done.stdout.splitlines()
    assert lines[0] == f"3 connectors in project {PROJECT}"
    assert lines[1].split()[:4] == ["id", "type", "bucket/prefix", "data"]
    assert "s3://acme-events/events/" in done.stdout
    assert "gs://acme-people/users/" in done.stdout
    assert [c["connector_id"] for c in as_json(cli(api, "list", "--json"))] == made


def test_show_prints_one_connector_in_full(api: Emulator, made: list[str]) -> None:
    done = cli(api, "show", made[0])
    assert done.returncode == 0
    assert f"id               {made[0]}" in done.stdout
    rows = [line.split() for line in done.stdout.splitlines()]
    assert ["s3_role", "arn:aws:iam::123456789012:role/mixpanel-import"] in rows
    assert as_json(cli(api, "show", made[1], "--json"))["connector_type"] == "gcsImport"


def test_history_lists_runs_and_watch_follows_one_to_its_end(
    api: Emulator, made: list[str]
) -> None:
    api.app.runs.delay_s = 2.0  # longer than the command takes to start
    try:
        done = cli(api, "history", made[0], "--watch", "--interval", "0.05")
    finally:
        api.app.runs.delay_s = 0.1
    assert done.returncode == 0, done.stderr
    statuses = [line.split()[0] for line in done.stdout.splitlines() if line.split()]
    assert statuses[0] in ("queued", "running")
    assert statuses.index("success") > 1  # it followed the run through several states
    (run,) = as_json(cli(api, "history", made[0], "--json"))
    assert (run["status"], run["num_events_imported"]) == ("success", 1)
    table = cli(api, "history", made[0])
    assert "imported/processed" in table.stdout
    assert " 1/1 " in table.stdout


def test_watching_a_failed_import_exits_1_with_its_reason(api: Emulator, made: list[str]) -> None:
    done = cli(api, "history", made[1], "--watch", "--interval", "0.05")
    assert done.returncode == 1
    assert done.stderr.strip() == (
        "error: the import failed: The specified bucket does not exist: gs://acme-people"
    )


def test_api_errors_are_one_line_and_exit_1(api: Emulator, made: list[str]) -> None:
    done = cli(api, "show", "no-such-connector")
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1
    assert done.stderr.startswith(
        f"error: GET /api/app/projects/{PROJECT}/connectors/no-such-connector: HTTP 404"
    )


@pytest.mark.parametrize(
    ("args", "env", "fragment"),
    [
        (["list"], {"MIXPANEL_SERVICE_ACCOUNT_SECRET": ""}, "MIXPANEL_SERVICE_ACCOUNT_SECRET"),
        (["list"], {"MIXPANEL_PROJECT_ID": ""}, "no project: pass --project"),
        (["list", "--project", "abc"], {}, "--project 'abc' cannot be used"),
        (["list", "--base-url", "http://mixpanel.example"], {}, "refusing plain-http"),
        (["frobnicate"], {}, "invalid choice"),
    ],
)
def test_bad_usage_exits_2_with_one_clear_line(
    api: Emulator, args: list[str], env: dict[str, str], fragment: str
) -> None:
    done = cli(api, *args, **env)
    assert done.returncode == 2
    assert fragment in done.stderr


def test_doctor_passes_with_good_settings(api: Emulator, made: list[str]) -> None:
    done = cli(api, "doctor")
    assert done.returncode == 0, done.stdout
    assert f"[ok  ] API: credentials accepted; project {PROJECT} has 3 connectors" in done.stdout
    assert as_json(cli(api, "doctor", "--json"))["ok"] is True


@pytest.mark.parametrize(
    ("env", "failing", "fix"),
    [
        (
            {"MIXPANEL_SERVICE_ACCOUNT_SECRET": "wrong"},
            "credentials accepted",
            "check the username and secret",
        ),
        ({"MIXPANEL_PROJECT_ID": "42"}, "project access", "give demo a role in project 42"),
        ({"MIXPANEL_PROJECT_ID": "7"}, "project found", "check the project id, and the region"),
        ({"MIXPANEL_SERVICE_ACCOUNT": ""}, "credentials", "set the service account"),
        ({"MIXPANEL_BASE_URL": "http://127.0.0.1:9"}, "reachable", "check the network"),
    ],
)
def test_doctor_names_what_is_wrong_and_how_to_fix_it(
    api: Emulator, env: dict[str, str], failing: str, fix: str
) -> None:
    done = cli(api, "doctor", **env, MIXPANEL_MAX_RETRIES="0")
    assert done.returncode == 1
    assert f"[FAIL] {failing}:" in done.stdout
    assert f"fix: {fix}" in done.stdout


def test_export_writes_a_typed_program_that_adopts_every_connector(
    api: Emulator, made: list[str], tmp_path: Path
) -> None:
    program = tmp_path / "adopt"
    program.mkdir()
    (program / "Pulumi.yaml").write_text("name: adopt\nruntime: python\n")
    done = cli(api, "export", "--output", str(program / "__main__.py"))
    assert done.returncode == 0, done.stderr
    source = (program / "__main__.py").read_text()
    compile(source, "__main__.py", "exec")
    for connector_id in made:
        assert f"existing_connector_id={connector_id!r}" in source
    typed = subprocess.run(
        [sys.executable, "-m", "mypy", "--no-error-summary", str(program / "__main__.py")],
        capture_output=True, text=True, check=False, cwd=ROOT,
    )  # fmt: skip
    assert typed.returncode == 0, typed.stdout

    api.app.clear_requests()
    with ProviderHost(ConnectorProvider()) as host:
        host.configure(stack_config(api.url))
        runner = OfflineRunner(
            program, host, state_file=tmp_path / "state.json", config=stack_config(api.url)
        )
        adopted = runner.up()
        assert sorted(r.outputs["connector_id"] for r in adopted.connectors()) == sorted(made)
        assert {r["method"] for r in api.app.requests()} == {"GET"}  # adopted: no POST, no DELETE
        again = runner.up()
        assert {r.op for r in again.connectors()} == {"same"}
    assert len(list(MixpanelClient("demo", SECRET, base_url=api.url).list_connectors(PROJECT))) == 3


def test_the_emulator_on_a_busy_or_impossible_port_exits_2_with_one_line(api: Emulator) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        done = cli(api, "emulator", "--port", str(port))
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1
    assert f"error: --port {port}: already in use on 127.0.0.1" in done.stderr
    impossible = cli(api, "emulator", "--port", "99999")
    assert impossible.returncode == 2
    assert "--port" in impossible.stderr and "0 to 65535" in impossible.stderr


def test_the_emulator_refuses_deny_bucket_without_buckets(api: Emulator) -> None:
    done = cli(api, "emulator", "--port", "0", "--deny-bucket", "acme-events")
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1
    assert "--deny-bucket" in done.stderr and "--buckets" in done.stderr
    from_env = cli(api, "emulator", "--port", "0", MIXPANEL_EMULATOR_DENY_BUCKETS="acme-events")
    assert from_env.returncode == 2
    assert "MIXPANEL_EMULATOR_DENY_BUCKETS" in from_env.stderr


@pytest.mark.parametrize("where", ["folder", "missing folder"])
def test_export_to_an_unwritable_path_exits_2_with_one_line(
    api: Emulator, made: list[str], tmp_path: Path, where: str
) -> None:
    target = tmp_path if where == "folder" else tmp_path / "missing" / "adopt.py"
    done = cli(api, "export", "-o", str(target))
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1
    assert done.stderr.startswith(f"error: --output {target}: ")


def test_export_refuses_json_instead_of_printing_python(api: Emulator, made: list[str]) -> None:
    done = cli(api, "export", "--json")
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.count("\n") == 1
    assert "--json" in done.stderr and "list --json" in done.stderr


def test_a_bad_emulator_variable_breaks_only_the_emulator_and_with_one_line(
    api: Emulator, made: list[str]
) -> None:
    assert cli(api, "list", MIXPANEL_EMULATOR_PAGE_SIZE="many").returncode == 0
    done = cli(api, "emulator", MIXPANEL_EMULATOR_PAGE_SIZE="many")
    assert done.returncode == 2
    assert "MIXPANEL_EMULATOR_PAGE_SIZE many: expected a whole number" in done.stderr


def test_the_cli_honours_the_read_timeout_variable(api: Emulator) -> None:
    import time as clock

    from tests.canned import Canned, CannedServer

    def slow(method: str, path: str) -> Canned:
        clock.sleep(3)
        return Canned(200, b'{"status": "ok", "results": {"data": []}}')

    with CannedServer(router=slow) as server:
        started = clock.monotonic()
        done = cli(
            api, "list", MIXPANEL_BASE_URL=server.url, MIXPANEL_READ_TIMEOUT="0.3",
            MIXPANEL_MAX_RETRIES="0",
        )  # fmt: skip
    assert done.returncode == 1
    assert "no answer within" in done.stderr
    assert clock.monotonic() - started < 2.5
