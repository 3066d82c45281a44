"""`mixpanel-connectors` against a server that answers only with the documented samples."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

from tests.canned import Canned, CannedServer
from tests.conftest import PROJECT, SECRET
from tests.contract.samples import answer, sample

CONNECTOR = "232f40cc-7ccc-4da3-b9c3-d8c1d14142c6"


def cli(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    environ = {
        **os.environ,
        "MIXPANEL_SERVICE_ACCOUNT": "demo",
        "MIXPANEL_SERVICE_ACCOUNT_SECRET": SECRET,
        "MIXPANEL_PROJECT_ID": str(PROJECT),
        "MIXPANEL_BASE_URL": url,
    }
    done = subprocess.run(
        [sys.executable, "-m", "mixpanel_connectors.cli", *args],
        env=environ, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert "Traceback" not in done.stderr
    return done


def serving(history: str) -> CannedServer:
    def route(method: str, path: str) -> Canned | None:
        if path.endswith("/history"):
            return answer(sample(history))
        return answer(sample("connector_get"))

    return CannedServer(router=route)


def test_history_of_the_documented_success_sample_exits_0_with_its_counts() -> None:
    with serving("history_success") as server:
        done = cli(server.url, "history", CONNECTOR)
    assert done.returncode == 0, done.stderr
    assert " 24/26 " in done.stdout and "success" in done.stdout


def test_history_json_lists_runs_oldest_first_whatever_the_api_order() -> None:
    with serving("history_out_of_order") as server:
        done = cli(server.url, "history", CONNECTOR, "--json")
    assert done.returncode == 0, done.stderr
    runs: list[dict[str, Any]] = json.loads(done.stdout)
    assert [r["run_id"] for r in runs] == ["first", "second", None]
    assert runs[0]["start_time"] == "2020-09-16T07:00:00.500000+00:00"
    assert runs[0]["num_events_imported"] == 24


def test_watch_prints_the_finished_run_in_the_same_json_shape_as_the_listing() -> None:
    with serving("history_success") as server:
        watched = cli(server.url, "history", CONNECTOR, "--watch", "--json", "--interval", "0")
        listed = cli(server.url, "history", CONNECTOR, "--json")
    assert watched.returncode == 0, watched.stderr
    assert json.loads(watched.stdout) == json.loads(listed.stdout)[0]


def test_watching_the_documented_failure_exits_1_with_its_message() -> None:
    with serving("history_failed") as server:
        done = cli(server.url, "history", CONNECTOR, "--watch", "--interval", "0")
    assert done.returncode == 1
    assert "Access Denied" in done.stderr


def test_show_names_the_server_added_region_and_the_first_and_latest_imports() -> None:
    with serving("history_out_of_order") as server:
        done = cli(server.url, "show", CONNECTOR)
    assert done.returncode == 0, done.stderr
    rows = {line[:17].strip(): line[17:].strip() for line in done.stdout.splitlines()}
    assert rows["gcs_region"] == "us"
    assert rows["first import"].startswith("success, 24 events imported")
    assert rows["latest import"].startswith("queued")
