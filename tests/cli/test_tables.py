"""Tables at 80 columns keep ids whole and shorten the rest; a missing value is shown empty."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from mixpanel_connectors import MixpanelClient
from mixpanel_connectors.emulator import Emulator
from tests.canned import Canned, CannedServer
from tests.conftest import PROJECT, SECRET, gcs_spec, s3_spec

LONG_LABEL = "events exported every night from the marketing team's warehouse"
LONG_BUCKET = "acme-people-exports-from-the-crm-nightly-job"


def environment(url: str, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "MIXPANEL_SERVICE_ACCOUNT": "demo",
        "MIXPANEL_SERVICE_ACCOUNT_SECRET": SECRET,
        "MIXPANEL_PROJECT_ID": str(PROJECT),
        "MIXPANEL_BASE_URL": url,
        **extra,
    }


def piped(url: str, *args: str, **extra: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "mixpanel_connectors.cli", *args],
        env=environment(url, **extra), capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode in (0, 1), done.stderr
    assert "Traceback" not in done.stderr
    return done.stdout


def on_a_terminal(url: str, *args: str) -> str:
    """The command's output when its stdout is a terminal 80 columns wide."""
    leader, follower = pty.openpty()
    with subprocess.Popen(
        [sys.executable, "-m", "mixpanel_connectors.cli", *args],
        env=environment(url, COLUMNS="80", TERM="dumb"), stdout=follower, stderr=subprocess.PIPE,
    ) as process:  # fmt: skip
        os.close(follower)
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 4096)
            except OSError:  # the terminal closes when the process exits
                break
            if not chunk:
                break
            chunks.append(chunk)
        os.close(leader)
        assert process.wait(timeout=60) == 0
    return b"".join(chunks).decode().replace("\r\n", "\n")


@pytest.fixture
def emulator(tmp_path: Path) -> Iterator[Emulator]:
    """An emulator whose import runs read an empty folder of buckets: every import fails."""
    with Emulator(port=0, run_delay_ms=50, buckets=tmp_path) as emu:
        yield emu


@pytest.fixture
def long_named(emulator: Emulator, client: MixpanelClient) -> list[str]:
    ids = [
        client.create_connector(PROJECT, s3_spec(label=LONG_LABEL)).connector_id,
        client.create_connector(
            PROJECT,
            gcs_spec(connector_properties={"gcs_bucket": LONG_BUCKET, "gcs_prefix": "users/"}),
        ).connector_id,
    ]
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        runs = [run for i in ids for run in client.connector_history(PROJECT, i)]
        if runs and all(run.status in ("success", "failed") for run in runs):
            break
        time.sleep(0.05)
    return ids


def assert_fits_with_whole_ids(text: str, ids: list[str]) -> None:
    wide = [line for line in text.splitlines() if len(line) > 80]
    assert not wide, "lines wider than 80 columns:\n" + "\n".join(wide)
    for connector_or_run_id in ids:
        assert connector_or_run_id in text
    assert "…" in text


def test_list_at_80_columns_keeps_ids_whole_and_shortens_labels_and_buckets(
    emulator: Emulator, long_named: list[str]
) -> None:
    text = piped(emulator.url, "list", COLUMNS="80")
    assert_fits_with_whole_ids(text, long_named)
    assert LONG_LABEL not in text and LONG_LABEL[:10] in text
    assert LONG_BUCKET not in text and f"gs://{LONG_BUCKET[:5]}" in text


def test_list_on_an_80_column_terminal_keeps_ids_whole(
    emulator: Emulator, long_named: list[str]
) -> None:
    assert_fits_with_whole_ids(on_a_terminal(emulator.url, "list"), long_named)


def test_history_at_80_columns_keeps_run_ids_whole_and_shortens_the_error(
    emulator: Emulator, client: MixpanelClient, long_named: list[str]
) -> None:
    (run,) = client.connector_history(PROJECT, long_named[1])
    assert run.id and run.error is not None and LONG_BUCKET in (run.error.message or "")
    text = piped(emulator.url, "history", long_named[1], COLUMNS="80")
    assert_fits_with_whole_ids(text, [run.id])
    assert "failed" in text


def test_piped_tables_without_columns_are_not_shortened(
    emulator: Emulator, long_named: list[str]
) -> None:
    environ = environment(emulator.url)
    environ.pop("COLUMNS", None)
    done = subprocess.run(
        [sys.executable, "-m", "mixpanel_connectors.cli", "list"],
        env=environ, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert LONG_LABEL in done.stdout and LONG_BUCKET in done.stdout


def answer(results: Any) -> Canned:
    body = json.dumps({"status": "ok", "results": results}).encode()
    return Canned(200, body, {"Content-Type": "application/json"})


NULLS = {
    "connector_id": "c-1",
    "connector_type": "s3Import",
    "label": None,
    "connector_properties": {"s3_bucket": "acme-events", "s3_prefix": None, "s3_region": None},
    "category_properties": {"data_format": "mixpanel_event", "compression": None},
    "status": None,
    "created_at": None,
    "retention": None,
}
NULL_RUN = {
    "id": "r-1",
    "status": "running",
    "progress": None,
    "connector_properties": {"num_events_imported": None, "num_events_dropped": None},
}


def nulls(method: str, path: str) -> Canned:
    path = path.split("?")[0].rstrip("/")
    if path.endswith("/history"):
        return answer({"url": None, "has_more": False, "data": [NULL_RUN]})
    if path.endswith("/connectors"):
        return answer({"url": None, "has_more": False, "data": [NULLS]})
    return answer(NULLS)


@pytest.mark.parametrize("command", [["list"], ["show", "c-1"], ["history", "c-1"]])
def test_a_missing_value_is_shown_empty_never_as_none(command: list[str]) -> None:
    with CannedServer(Canned(500), router=nulls) as server:
        text = piped(server.url, *command)
    assert "c-1" in text
    assert "None" not in text
    assert "null" not in text
    assert "0 events" not in text  # an unknown count is not zero


def test_unknown_run_counters_are_empty_not_zero() -> None:
    with CannedServer(Canned(500), router=nulls) as server:
        text = piped(server.url, "history", "c-1")
    assert ["r-1", "running"] in [line.split() for line in text.splitlines()]
