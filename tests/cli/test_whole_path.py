"""A newcomer's whole first hour as one script: real processes with timeouts, a real emulator.

Start the emulator with --print-env, list, preview a mistaken program, fix it, up, Ctrl-C during
an up, up again, destroy. Nothing may hang, print a traceback, or leave an orphan connector, and
each mistake is one clear line.
"""

from __future__ import annotations

import json
import os
import pty
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.cli.conftest import read_exports

TIMEOUT_S = 60
BASE_ENV = {k: v for k, v in os.environ.items() if not k.startswith("MIXPANEL_")}
COMMAND = [sys.executable, "-m", "mixpanel_connectors.cli"]
ROLE = "arn:aws:iam::123456789012:role/mixpanel-import"

MISTAKEN = """\
import pulumi
from mixpanel_connectors import Connector, WaitForImportArgs

for name in ("signups", "logins", "purchases"):
    Connector(name,
        connector_type="s3Import",
        connector_properties={"s3_bucket": BUCKET, "s3_prefix": name + "/",
                              "s3_region": "us-east-2", "s3_role": ROLE},
        category_properties={"data_format": FORMAT, "compression": "none"},
        wait_for_import=WaitForImportArgs(timeout_seconds=30))
"""
MISTAKES = {  # what the newcomer typed -> a fragment of the one line that must say so
    "Acme_Events": "connector_properties.s3_bucket: 'Acme_Events' is not a valid S3 bucket name",
    "mixpanel_events": "category_properties.data_format",
}


@pytest.fixture
def buckets(tmp_path: Path) -> Path:
    for name in ("signups", "logins", "purchases"):
        folder = tmp_path / "buckets" / "s3" / "acme-events" / name
        folder.mkdir(parents=True)
        record = {"event": name, "properties": {"time": 1, "distinct_id": "u"}}
        (folder / "part-0.json").write_text(json.dumps(record) + "\n")
    return tmp_path / "buckets"


@pytest.fixture
def env(buckets: Path) -> Iterator[dict[str, str]]:
    """The emulator started as the README says, and the variables it printed."""
    with subprocess.Popen(
        [*COMMAND, "emulator", "--port", "0", "--print-env", "--buckets", str(buckets),
         "--run-delay-ms", "400"],
        env=BASE_ENV, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    ) as emulator:  # fmt: skip
        try:
            assert emulator.stdout is not None
            yield {**BASE_ENV, **read_exports(emulator.stdout)}
        finally:
            emulator.send_signal(signal.SIGINT)
            assert emulator.wait(timeout=TIMEOUT_S) == 0


def cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [*COMMAND, *args], env=env, capture_output=True, text=True, timeout=TIMEOUT_S,
        stdin=subprocess.DEVNULL, check=False,
    )  # fmt: skip
    assert "Traceback" not in done.stdout + done.stderr, done.stdout + done.stderr
    return done


def control(env: dict[str, str], route: str) -> Any:
    with urllib.request.urlopen(f"{env['MIXPANEL_BASE_URL']}/_emulator/{route}") as answer:
        return json.load(answer)


def live_ids(env: dict[str, str]) -> list[str]:
    done = cli(env, "list", "--json")
    assert done.returncode == 0, done.stderr
    return sorted(c["connector_id"] for c in json.loads(done.stdout))


def write(folder: Path, bucket: str, data_format: str) -> None:
    folder.mkdir(exist_ok=True)
    (folder / "Pulumi.yaml").write_text("name: first-hour\nruntime: python\n")
    constants = f"BUCKET, FORMAT, ROLE = {bucket!r}, {data_format!r}, {ROLE!r}\n"
    (folder / "__main__.py").write_text(MISTAKEN.replace("\nfor", f"\n{constants}\nfor", 1))


def test_install_emulator_list_mistakes_fix_up_interrupt_up_destroy(
    env: dict[str, str], tmp_path: Path
) -> None:
    version = cli(env, "--version")
    assert version.returncode == 0 and version.stdout.startswith("mixpanel-connectors ")

    listed = cli(env, "list")
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.startswith("0 connectors in project 1234567")

    program = tmp_path / "first-hour"
    write(program, "Acme_Events", "mixpanel_events")
    preview = cli(env, "run", str(program), "preview")
    assert preview.returncode == 1
    errors = preview.stderr.splitlines()
    assert len(errors) == 3 * len(MISTAKES), preview.stderr
    output = preview.stdout + preview.stderr
    for fragment in MISTAKES.values():
        assert sum(fragment in line for line in output.splitlines()) == 3, output

    write(program, "acme-events", "mixpanel_event")
    preview = cli(env, "run", str(program), "preview")
    assert preview.returncode == 0, preview.stderr
    assert "3 to create" in preview.stdout

    with subprocess.Popen(
        [*COMMAND, "run", str(program), "up"], env=env, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True,
    ) as up:  # fmt: skip
        deadline = time.monotonic() + TIMEOUT_S
        while not any(r["method"] == "POST" for r in control(env, "requests")["requests"]):
            assert time.monotonic() < deadline, "the up never created a connector"
            time.sleep(0.02)
        up.send_signal(signal.SIGINT)
        out, err = up.communicate(timeout=TIMEOUT_S)
    assert "Traceback" not in out + err, out + err
    # Steps in flight finish: when those were all, the up succeeded (exit 0), else it says so.
    assert up.returncode in (0, 130), out + err
    assert up.returncode == 0 or "run `up` again to finish" in err

    again = cli(env, "run", str(program), "up")
    assert again.returncode == 0, again.stderr
    state = json.loads((program / ".pulumi-offline" / "dev.json").read_text())
    in_state = sorted(r["id"] for r in state["resources"].values())
    assert len(in_state) == 3
    assert live_ids(env) == in_state, "an orphan or a duplicate connector"

    refused = cli(env, "run", str(program), "destroy")
    assert refused.returncode == 2
    assert "--yes" in refused.stderr
    assert live_ids(env) == in_state

    destroyed = cli(env, "run", str(program), "destroy", "--yes")
    assert destroyed.returncode == 0, destroyed.stderr
    assert live_ids(env) == []


def test_destroy_on_a_terminal_asks_and_deletes_nothing_unless_told_yes(
    env: dict[str, str], tmp_path: Path
) -> None:
    program = tmp_path / "first-hour"
    write(program, "acme-events", "mixpanel_event")
    assert cli(env, "run", str(program), "up").returncode == 0
    before = live_ids(env)
    for answer, code, left in ((b"no\n", 1, before), (b"yes\n", 0, [])):
        primary, secondary = pty.openpty()
        with subprocess.Popen(
            [*COMMAND, "run", str(program), "destroy"], env=env, stdin=secondary,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        ) as destroy:  # fmt: skip
            os.close(secondary)
            os.write(primary, answer)
            out, err = destroy.communicate(timeout=TIMEOUT_S)
        os.close(primary)
        assert b"Do you want to perform this destroy?" in out
        assert destroy.returncode == code, out + err
        assert live_ids(env) == left
