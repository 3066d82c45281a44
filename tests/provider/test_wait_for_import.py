"""wait_for_import: the deploy waits for the first import run, and fails loudly when it fails."""

from __future__ import annotations

import gzip
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from mixpanel_connectors import ConnectorProvider
from mixpanel_connectors.emulator import Emulator
from mixpanel_connectors.testing import Engine, ProviderHost
from mixpanel_connectors.testing.runner import OfflineRunner, RunFailed
from tests.conftest import s3_spec, stack_config

EVENTS = [
    {"event": "Signed Up", "properties": {"time": 1, "distinct_id": f"u{i}"}} for i in range(3)
]


@pytest.fixture(scope="module")
def buckets(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("buckets")
    for bucket in ("acme-events", "locked"):
        folder = root / "s3" / bucket / "events"
        folder.mkdir(parents=True)
        lines = "".join(json.dumps(e) + "\n" for e in [*EVENTS, {"event": "no time"}])
        (folder / "day1.json.gz").write_bytes(gzip.compress(lines.encode()))
    return root


@pytest.fixture(scope="module")
def api(buckets: Path) -> Iterator[Emulator]:
    with Emulator(port=0, run_delay_ms=60, buckets=buckets, deny_buckets=["locked"]) as emu:
        yield emu


@pytest.fixture(scope="module")
def host(api: Emulator) -> Iterator[ProviderHost]:
    with ProviderHost(ConnectorProvider()) as h:
        h.configure(stack_config(api.url))
        yield h


@pytest.fixture
def engine(api: Emulator, host: ProviderHost) -> Engine:
    api.app.reset()
    api.app.runs.denied = {"locked"}
    return Engine(host)


def waiting(bucket: str = "acme-events", timeout: float = 30) -> dict[str, Any]:
    spec = s3_spec(wait_for_import={"timeout_seconds": timeout})
    spec["connector_properties"]["s3_bucket"] = bucket
    return spec


def test_preview_with_wait_for_import_calls_no_api(engine: Engine, api: Emulator) -> None:
    assert engine.preview("events", waiting()).op == "create"
    assert api.app.requests() == []


def test_up_waits_for_the_first_import_and_outputs_its_counts(
    engine: Engine, api: Emulator
) -> None:
    outs = engine.up("events", waiting()).outputs
    last = outs["last_import"]
    assert last["status"] == "success"
    assert (
        last["num_events_imported"],
        last["num_events_dropped"],
        last["num_files_imported"],
    ) == (3, 1, 1)
    assert outs["wait_for_import"] == {"timeout_seconds": 30}
    methods = [r["method"] for r in api.app.requests()]
    assert methods[0] == "POST"
    assert set(methods[1:]) == {"GET"}
    assert engine.up("events", waiting()).op == "same"


def test_a_failed_first_import_is_recorded_and_replaced_on_the_next_up(engine: Engine) -> None:
    step = engine.up("events", waiting("locked"))
    last = step.outputs["last_import"]
    assert last["status"] == "failed"
    assert last["error"]["code"] == "access_denied"
    assert "s3://locked/events/" in last["error"]["message"]
    assert engine.state["events"].id == step.outputs["connector_id"]
    plan = engine.preview("events", waiting("locked"))
    assert (plan.op, plan.replaces) == ("replace", ["wait_for_import"])


def test_a_first_import_that_does_not_end_in_time_says_how_long_and_what_it_saw(
    engine: Engine, api: Emulator
) -> None:
    api.app.runs.delay_s = 30
    try:
        last = engine.up("events", waiting(timeout=0.4)).outputs["last_import"]
    finally:
        api.app.runs.delay_s = 0.06
    assert last["status"] == "timeout"
    assert last["waited_seconds"] >= 0.4
    assert (
        last["error"]["message"]
        == "the first import did not finish within 0.4s (last status: queued)"
    )


def test_changing_only_the_wait_timeout_updates_in_place(engine: Engine, api: Emulator) -> None:
    engine.up("events", waiting())
    api.app.clear_requests()
    step = engine.up("events", waiting(timeout=90))
    assert step.op == "update"
    assert step.outputs["last_import"]["status"] == "success"
    assert step.outputs["wait_for_import"] == {"timeout_seconds": 90}
    assert api.app.requests() == []


def test_bad_wait_settings_fail_check(engine: Engine) -> None:
    from mixpanel_connectors.testing import CheckFailed

    with pytest.raises(CheckFailed, match=r"wait_for_import.timeout_seconds: expected seconds"):
        engine.up("events", s3_spec(wait_for_import={"timeout_seconds": -1}))


PROGRAM = """
from mixpanel_connectors import (
    CategoryPropertiesArgs, Connector, S3ConnectorPropertiesArgs, WaitForImportArgs)
Connector("events", connector_type="s3Import",
    connector_properties=S3ConnectorPropertiesArgs(s3_bucket="locked", s3_prefix="events/",
        s3_region="us-east-2", s3_role="arn:aws:iam::123456789012:role/mixpanel-import"),
    category_properties=CategoryPropertiesArgs(data_format="mixpanel_event", compression="gzip"),
    wait_for_import=WaitForImportArgs(timeout_seconds=30))
"""


def test_a_failed_first_import_fails_the_program_but_keeps_the_connector_in_state(
    tmp_path: Path, api: Emulator, host: ProviderHost
) -> None:
    api.app.reset()
    api.app.runs.denied = {"locked"}
    (tmp_path / "program").mkdir()
    (tmp_path / "program" / "__main__.py").write_text(PROGRAM)
    state = tmp_path / "state.json"
    runner = OfflineRunner(
        tmp_path / "program", host, state_file=state, config=stack_config(api.url)
    )
    with pytest.raises(RunFailed) as caught:
        runner.up()
    message = str(caught.value)
    assert message.startswith("ImportFailedError: Connector 'events': Access Denied")
    assert "[access_denied]" in message
    saved = json.loads(state.read_text())["resources"]["events"]
    items, _ = api.app.store.page(1234567, 0, 10)
    assert [item.connector_id for item in items] == [saved["id"]]


def timed_out_then_succeeded(engine: Engine, api: Emulator) -> str:
    """An up whose wait ends before the first import does, which then succeeds."""
    api.app.runs.delay_s = 0.3
    try:
        outs = engine.up("events", waiting(timeout=0.1)).outputs
        assert outs["last_import"]["status"] == "timeout"
        time.sleep(0.8)
    finally:
        api.app.runs.delay_s = 0.06
    return str(outs["connector_id"])


def test_refresh_records_a_first_import_that_succeeded_after_the_wait_and_replaces_nothing(
    engine: Engine, api: Emulator
) -> None:
    made = timed_out_then_succeeded(engine, api)
    refreshed = engine.refresh("events").outputs["last_import"]
    assert (refreshed["status"], refreshed["num_events_imported"]) == ("success", 3)
    assert engine.preview("events", waiting(timeout=0.1)).op == "same"
    assert engine.up("events", waiting(timeout=0.1)).op == "same"
    assert engine.state["events"].id == made


def test_an_up_after_a_timed_out_wait_looks_again_instead_of_replacing(
    engine: Engine, api: Emulator
) -> None:
    made = timed_out_then_succeeded(engine, api)
    assert engine.preview("events", waiting(timeout=5)).op == "update"
    step = engine.up("events", waiting(timeout=5))
    assert (step.op, step.outputs["last_import"]["status"]) == ("update", "success")
    assert engine.state["events"].id == made
    items, _ = api.app.store.page(1234567, 0, 10)
    assert [item.connector_id for item in items] == [made]
