"""`mixpanel-connectors run` as a person meets it: mistakes end in one line and an exit code.

Each run is a real process with a timeout, so a hang fails the test instead of blocking the suite.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from mixpanel_connectors import MixpanelClient
from mixpanel_connectors.emulator import Emulator
from tests.conftest import FAST_RETRY, PROJECT, SECRET, s3_spec

TIMEOUT_S = 30
ROLE = "arn:aws:iam::123456789012:role/mixpanel-import"


@pytest.fixture(scope="module")
def api(buckets: Path) -> Iterator[Emulator]:
    with Emulator(port=0, run_delay_ms=50, buckets=buckets) as emu:
        yield emu


@pytest.fixture(autouse=True)
def fresh(api: Emulator) -> None:
    api.app.reset()
    api.app.runs.delay_s = 0.05


def wait_for_request(api: Emulator, method: str) -> None:
    """Until the emulator has answered a request of this method (it logs after answering)."""
    deadline = time.monotonic() + TIMEOUT_S
    while not any(r["method"] == method for r in api.app.requests()):
        assert time.monotonic() < deadline, f"no {method} request arrived"
        time.sleep(0.02)


def connector(name: str = "events", extra: str = "", **overrides: Any) -> str:
    """One `Connector(...)` statement, an s3Import connector unless overridden; `extra` is raw."""
    kwargs: dict[str, Any] = {
        "connector_type": "s3Import",
        "connector_properties": {
            "s3_bucket": "acme-events",
            "s3_prefix": "events/",
            "s3_region": "us-east-2",
            "s3_role": ROLE,
        },
        "category_properties": {"data_format": "mixpanel_event", "compression": "gzip"},
        **overrides,
    }
    args = "".join(f", {key}={value!r}" for key, value in kwargs.items())
    return f"{name} = Connector({name!r}{args}{extra})\n"


def program(folder: Path, *connectors: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "Pulumi.yaml").write_text("name: mistakes\nruntime: python\n")
    (folder / "__main__.py").write_text(
        "import pulumi\nfrom mixpanel_connectors import Connector\n" + "".join(connectors)
    )
    return folder


def environment(api: Emulator, **env: str) -> dict[str, str]:
    return {
        **os.environ,
        "MIXPANEL_SERVICE_ACCOUNT": "demo",
        "MIXPANEL_SERVICE_ACCOUNT_SECRET": SECRET,
        "MIXPANEL_PROJECT_ID": str(PROJECT),
        "MIXPANEL_BASE_URL": api.url,
        "MIXPANEL_MAX_RETRIES": "0",
        **env,
    }


def run(
    api: Emulator, folder: Path, operation: str, *flags: str, **env: str
) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "mixpanel_connectors.cli", "run", str(folder), operation,
               "--state", str(folder / "state.json"), *flags]  # fmt: skip
    done = subprocess.run(
        command, env=environment(api, **env), capture_output=True, text=True,
        timeout=TIMEOUT_S, check=False,
    )  # fmt: skip
    assert SECRET not in done.stdout + done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    return done


def one_error_line(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 1, done.stdout + done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("error: ")
    return lines[0]


S3_PROPS = {"s3_bucket": "acme-events", "s3_prefix": "events/", "s3_region": "us-east-2"}


@pytest.mark.parametrize(
    ("overrides", "env", "fragments"),
    [
        (
            {"category_properties": {"data_format": "csv"}},
            {},
            ["Connector 'events'", "category_properties.data_format", "'csv'"],
        ),
        (
            {
                "category_properties": {
                    "data_format": "mixpanel_event",
                    "property_remap": {"event": "name"},
                }
            },
            {},
            ["category_properties.property_remap", "applies only to remap_* formats"],
        ),
        (
            {"connector_properties": {**S3_PROPS, "s3_bucket": "Acme_Events", "s3_role": ROLE}},
            {},
            ["connector_properties.s3_bucket", "not a valid S3 bucket name"],
        ),
        ({"connector_type": "ftpImport"}, {}, ["connector_type", "'ftpImport'"]),
        ({}, {"MIXPANEL_SERVICE_ACCOUNT_SECRET": ""}, ["MIXPANEL_SERVICE_ACCOUNT_SECRET"]),
        ({}, {"MIXPANEL_PROJECT_ID": "abc"}, ["MIXPANEL_PROJECT_ID", "'abc'"]),
        ({}, {"MIXPANEL_BASE_URL": "http://mixpanel.example"}, ["refusing plain-http"]),
        ({}, {"MIXPANEL_BASE_URL": "mixpanel.com"}, ["MIXPANEL_BASE_URL", "not an http(s) URL"]),
    ],
    ids=[
        "data_format",
        "property_remap",
        "bucket",
        "connector_type",
        "no_secret",
        "project_id",
        "plain_http",
        "not_a_url",
    ],
)
def test_every_check_failure_ends_preview_with_one_line_and_exit_1(
    api: Emulator,
    tmp_path: Path,
    overrides: dict[str, Any],
    env: dict[str, str],
    fragments: list[str],
) -> None:
    folder = program(tmp_path / "p", connector(**overrides))
    for operation in ("preview", "up"):
        line = one_error_line(run(api, folder, operation, **env))
        for fragment in fragments:
            assert fragment in line, line
    assert api.app.requests() == []


def test_a_wrong_secret_fails_up_with_the_http_error_in_one_line(
    api: Emulator, tmp_path: Path
) -> None:
    folder = program(tmp_path / "p", connector())
    assert run(api, folder, "preview", MIXPANEL_SERVICE_ACCOUNT_SECRET="wrong").returncode == 0
    line = one_error_line(run(api, folder, "up", MIXPANEL_SERVICE_ACCOUNT_SECRET="wrong"))
    assert "Connector 'events'" in line
    assert "HTTP 401" in line
    assert "MIXPANEL_SERVICE_ACCOUNT_SECRET" in line


def test_an_adoption_mismatch_fails_up_naming_the_differing_property(
    api: Emulator, tmp_path: Path
) -> None:
    with MixpanelClient("demo", SECRET, base_url=api.url, retry=FAST_RETRY) as client:
        live = client.create_connector(PROJECT, s3_spec(label="")).connector_id
    folder = program(
        tmp_path / "p",
        connector(
            existing_connector_id=live,
            category_properties={"data_format": "mixpanel_event", "compression": "none"},
        ),
    )
    line = one_error_line(run(api, folder, "up"))
    assert f"connector {live}" in line
    assert "category_properties.compression: live 'gzip', declared 'none'" in line


def test_adopting_a_connector_that_does_not_exist_fails_up_with_http_404(
    api: Emulator, tmp_path: Path
) -> None:
    folder = program(tmp_path / "p", connector(existing_connector_id="no-such-connector"))
    line = one_error_line(run(api, folder, "up"))
    assert "adopting connector no-such-connector" in line
    assert "HTTP 404" in line


def test_an_unreachable_base_url_fails_up_with_one_line(api: Emulator, tmp_path: Path) -> None:
    folder = program(tmp_path / "p", connector())
    line = one_error_line(run(api, folder, "up", MIXPANEL_BASE_URL="http://127.0.0.1:9"))
    assert "Connector 'events'" in line
    assert "creating the connector" in line


def test_an_error_raised_by_the_program_itself_fails_with_one_line(
    api: Emulator, tmp_path: Path
) -> None:
    folder = program(tmp_path / "p", "raise ValueError('the team name is missing')\n")
    line = one_error_line(run(api, folder, "preview"))
    assert "the team name is missing" in line


def live_connectors(api: Emulator) -> list[dict[str, Any]]:
    items, _ = api.app.store.page(PROJECT, 0, 100)
    return [item.record for item in items]


def saved(folder: Path) -> dict[str, Any]:
    resources: dict[str, Any] = json.loads((folder / "state.json").read_text())["resources"]
    return resources


@pytest.mark.parametrize(
    ("signum", "whole_group", "code"),
    [(signal.SIGINT, True, 130), (signal.SIGTERM, False, 143)],
    ids=["ctrl_c", "sigterm"],
)
def test_an_interrupted_up_saves_what_it_created_and_the_next_up_finishes(
    api: Emulator, tmp_path: Path, signum: signal.Signals, whole_group: bool, code: int
) -> None:
    wait = ", wait_for_import={'timeout_seconds': 60}"
    folder = program(
        tmp_path / "p",
        connector("first", label="first", extra=wait),
        connector("second", extra=", opts=pulumi.ResourceOptions(depends_on=[first])"),
    )
    api.app.runs.delay_s = 1.5  # the first Create waits this long twice for its import
    command = [sys.executable, "-m", "mixpanel_connectors.cli", "run", str(folder), "up",
               "--state", str(folder / "state.json")]  # fmt: skip
    with subprocess.Popen(
        command, env=environment(api), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True, start_new_session=True,
    ) as process:  # fmt: skip
        wait_for_request(api, "POST")
        # A terminal's Ctrl-C reaches the whole process group; `kill` reaches one process.
        if whole_group:
            os.killpg(process.pid, signum)
        else:
            process.send_signal(signum)
        out, err = process.communicate(timeout=TIMEOUT_S)
    assert "Traceback" not in out + err
    assert process.returncode == code, out + err
    (line,) = [line for line in err.splitlines() if not line.startswith("first: waiting")]
    assert line.startswith("error: interrupted")
    assert "state.json" in line
    live = live_connectors(api)
    assert [c["label"] for c in live] == ["first"]  # the create in flight finished
    assert [s["id"] for s in saved(folder).values()] == [c["connector_id"] for c in live]

    api.app.runs.delay_s = 0.05
    again = run(api, folder, "up")
    assert again.returncode == 0, again.stderr
    assert "1 created" in again.stdout and "1 unchanged" in again.stdout
    assert len(live_connectors(api)) == len(saved(folder)) == 2


def test_sigterm_does_not_end_other_subcommands_with_success(api: Emulator) -> None:
    with MixpanelClient("demo", SECRET, base_url=api.url, retry=FAST_RETRY) as client:
        made = client.create_connector(PROJECT, s3_spec()).connector_id
    api.app.runs.delay_s = 30.0
    api.app.clear_requests()
    command = [sys.executable, "-m", "mixpanel_connectors.cli", "history", made, "--watch"]
    with subprocess.Popen(
        command, env=environment(api), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    ) as process:
        wait_for_request(api, "GET")
        process.terminate()
        out, err = process.communicate(timeout=TIMEOUT_S)
    assert "Traceback" not in out + err
    assert process.returncode == 143
    assert err.strip() == "error: terminated"


def test_a_failed_delete_keeps_the_connector_in_state_for_the_next_destroy(
    api: Emulator, tmp_path: Path
) -> None:
    folder = program(tmp_path / "p", connector())
    assert run(api, folder, "up").returncode == 0
    api.app.faults.configure({"queue": [{"method": "DELETE", "status": 500}]})
    line = one_error_line(run(api, folder, "destroy", "--yes"))
    assert "Connector 'events': deleting connector" in line
    assert list(saved(folder)) == ["events"]
    assert run(api, folder, "destroy", "--yes").returncode == 0
    assert saved(folder) == {}
    assert live_connectors(api) == []


WAIT = ", wait_for_import={'timeout_seconds': 20}"
MISSING_BUCKET = {**S3_PROPS, "s3_bucket": "acme-missing", "s3_role": ROLE}


def summary_row(done: subprocess.CompletedProcess[str], name: str) -> str:
    return next(line for line in done.stdout.splitlines() if f"  {name}  " in line)


def test_up_says_while_it_waits_for_a_first_import_and_marks_a_failed_one(
    api: Emulator, tmp_path: Path
) -> None:
    api.app.runs.delay_s = 1.5  # queued, then running: longer than the runner stays quiet
    folder = program(tmp_path, connector("events", WAIT, connector_properties=MISSING_BUCKET))
    done = run(api, folder, "up")
    assert done.returncode == 1
    assert "events: waiting for the first import (up to 20 s)..." in done.stderr
    row = summary_row(done, "events")
    assert row.lstrip().startswith("!")
    assert "first import failed" in row and "[bucket_not_found]" in row


def test_a_first_import_that_succeeds_is_named_in_the_summary(
    api: Emulator, tmp_path: Path
) -> None:
    done = run(api, program(tmp_path, connector("events", WAIT)), "up")
    assert done.returncode == 0, done.stderr
    assert "first import success, 1 records imported" in summary_row(done, "events")


def test_preview_sums_up_the_outputs_known_only_after_up_in_one_line(
    api: Emulator, tmp_path: Path
) -> None:
    exports = (
        "pulumi.export('events_id', events.connector_id)\n"
        "pulumi.export('events_status', events.status)\n"
        "pulumi.export('greeting', 'hello')\n"
    )
    done = run(api, program(tmp_path, connector("events"), exports), "preview")
    assert done.returncode == 0, done.stderr
    assert "output<unknown>" not in done.stdout
    assert 'greeting: "hello"' in done.stdout
    assert "2 more known only after up: events_id, events_status" in done.stdout
