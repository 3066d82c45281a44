"""Import runs against hostile buckets: confined to --buckets, bounded in memory, never a 500."""

from __future__ import annotations

import gzip
import threading
import time
import tracemalloc
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from mixpanel_connectors import ImportRun, MixpanelClient
from mixpanel_connectors.emulator import Emulator, imports, runs
from tests.conftest import FAST_RETRY, PROJECT, SECRET, s3_spec
from tests.conftest import finished_run as wait_for_run

DELAY_MS = 20
AUTH = ("demo", SECRET)
COLLECTION = f"/api/app/projects/{PROJECT}/connectors/"
EVENT = b'{"event": "e", "properties": {"time": 1, "distinct_id": "u"}}\n'


def put(buckets: Path, bucket: str, key: str, data: bytes) -> Path:
    path = buckets / "s3" / bucket / key
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def spec_for(bucket: str, compression: str = "none") -> dict[str, Any]:
    spec = s3_spec()
    spec["connector_properties"] = {**spec["connector_properties"], "s3_bucket": bucket}
    spec["category_properties"] = {"data_format": "mixpanel_event", "compression": compression}
    return spec


@pytest.fixture
def buckets(tmp_path: Path) -> Path:
    folder = tmp_path / "buckets"
    folder.mkdir()
    return folder


@pytest.fixture
def emulator(buckets: Path) -> Iterator[Emulator]:
    with Emulator(port=0, run_delay_ms=DELAY_MS, buckets=buckets) as emu:
        yield emu


@pytest.fixture
def client(emulator: Emulator) -> Iterator[MixpanelClient]:
    with MixpanelClient("demo", SECRET, base_url=emulator.url, retry=FAST_RETRY) as c:
        yield c


def finished_run(client: MixpanelClient, connector_id: str) -> ImportRun:
    return wait_for_run(client, connector_id, DELAY_MS / 1000 / 2)


def run_of(client: MixpanelClient, bucket: str, compression: str = "none") -> ImportRun:
    created = client.create_connector(PROJECT, spec_for(bucket, compression))
    return finished_run(client, created.connector_id)


def imported(emulator: Emulator) -> dict[str, Any]:
    answer = requests.get(f"{emulator.url}/_emulator/imported?project={PROJECT}", timeout=5)
    assert answer.status_code == 200
    body: dict[str, Any] = answer.json()
    return body


# -- confinement --------------------------------------------------------------------------------


@pytest.mark.parametrize("bucket", ["../../outside", "/etc", "a/b", "..", ".hidden", "a\\b"])
def test_bucket_names_that_are_paths_are_refused_at_create(emulator: Emulator, bucket: str) -> None:
    answer = requests.post(emulator.url + COLLECTION, json=spec_for(bucket), auth=AUTH, timeout=5)
    assert answer.status_code == 400
    assert "connector_properties.s3_bucket" in answer.text


def test_a_bucket_folder_linking_outside_the_buckets_is_not_read(
    client: MixpanelClient, emulator: Emulator, buckets: Path, tmp_path: Path
) -> None:
    outside = tmp_path / "outside"
    (outside / "events").mkdir(parents=True)
    (outside / "events" / "secret.json").write_bytes(EVENT)
    (buckets / "s3").mkdir()
    (buckets / "s3" / "linked").symlink_to(outside)
    run = run_of(client, "linked")
    assert run.status == "failed"
    assert run.error is not None and "outside the buckets folder" in (run.error.message or "")
    assert imported(emulator)["count"] == 0


def test_a_file_linking_outside_the_buckets_fails_the_run_naming_it(
    client: MixpanelClient, emulator: Emulator, buckets: Path, tmp_path: Path
) -> None:
    secret = tmp_path / "secret.json"
    secret.write_bytes(EVENT)
    put(buckets, "acme", "events/a.json", EVENT)
    (buckets / "s3" / "acme" / "events" / "b.json").symlink_to(secret)
    run = run_of(client, "acme")
    assert run.status == "failed"
    message = run.error.message if run.error else ""
    assert "events/b.json" in (message or "") and "outside the buckets folder" in (message or "")
    assert imported(emulator)["count"] == 0


def test_links_that_stay_inside_the_buckets_are_read(
    client: MixpanelClient, emulator: Emulator, buckets: Path
) -> None:
    shared = put(buckets, "shared", "events/a.json", EVENT)
    put(buckets, "acme", "events/own.json", EVENT)
    (buckets / "s3" / "acme" / "events" / "link.json").symlink_to(shared)
    run = run_of(client, "acme")
    assert (run.status, run.num_events_imported) == ("success", 2)


# -- bounded memory and time ----------------------------------------------------------------------


def test_a_gzip_that_decompresses_past_the_cap_fails_the_run_naming_the_file(
    buckets: Path,
) -> None:
    put(buckets, "acme", "events/ok.json.gz", gzip.compress(EVENT))
    put(buckets, "acme", "events/bomb.json.gz", gzip.compress(b"\n" * 3_000_000))
    with (
        Emulator(port=0, run_delay_ms=DELAY_MS, buckets=buckets, max_file_bytes=1_000_000) as emu,
        MixpanelClient("demo", SECRET, base_url=emu.url, retry=FAST_RETRY) as client,
    ):
        run = run_of(client, "acme", "gzip")
    assert run.status == "failed"
    assert run.error is not None and run.error.code == "file_too_large"
    assert "events/bomb.json.gz decompresses to 1000000 bytes or more" in (run.error.message or "")


@pytest.mark.parametrize("compression", ["none", "gzip"])
def test_an_import_keeps_counts_and_a_bounded_sample_not_every_record(
    client: MixpanelClient, emulator: Emulator, buckets: Path, compression: str
) -> None:
    pack = gzip.compress if compression == "gzip" else bytes
    put(buckets, "acme", "events/many.json", pack(EVENT * 50_000))
    put(buckets, "acme", "events/line.json", pack(b"[" + b"1," * 2_000_000 + b"1]\n" + EVENT))
    created = client.create_connector(PROJECT, spec_for("acme", compression))
    time.sleep(3 * DELAY_MS / 1000)
    tracemalloc.start()
    try:
        run = finished_run(client, created.connector_id)
        held, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert (run.status, run.num_events_imported, run.num_events_dropped) == ("success", 50_001, 1)
    assert peak < 16_000_000, f"peak {peak} bytes while importing"
    assert held < 4_000_000, f"{held} bytes kept after the import"
    sample = imported(emulator)
    assert (sample["count"], len(sample["records"]), sample["truncated"]) == (50_001, 1000, True)


def test_reading_one_connectors_files_does_not_block_another(
    client: MixpanelClient, buckets: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    put(buckets, "slow", "events/a.json", EVENT)
    put(buckets, "fast", "events/a.json", EVENT)
    release = threading.Event()
    real = imports.run_import

    def slow_import(root: Path, connector: dict[str, Any], *args: Any, **kw: Any) -> Any:
        if connector["connector_properties"]["s3_bucket"] == "slow":
            release.wait(10)
        return real(root, connector, *args, **kw)

    monkeypatch.setattr(runs, "run_import", slow_import)
    slow = client.create_connector(PROJECT, spec_for("slow"))
    fast = client.create_connector(PROJECT, spec_for("fast"))
    time.sleep(3 * DELAY_MS / 1000)
    waiting = threading.Thread(target=finished_run, args=(client, slow.connector_id))
    waiting.start()
    try:
        time.sleep(0.1)
        started = time.monotonic()
        assert finished_run(client, fast.connector_id).status == "success"
        assert time.monotonic() - started < 2
    finally:
        release.set()
        waiting.join()


def test_a_record_nested_too_deep_fails_the_run_naming_file_and_line(
    client: MixpanelClient, emulator: Emulator, buckets: Path
) -> None:
    deep = b'{"event": "e", "properties": {"time": 1, "x": ' + b"[" * 100_000 + b"]" * 100_000
    put(buckets, "acme", "events/deep.json", EVENT + deep + b"}}\n")
    created = client.create_connector(PROJECT, spec_for("acme"))
    run = finished_run(client, created.connector_id)
    assert run.status == "failed"
    assert run.error is not None
    assert "events/deep.json line 2" in (run.error.message or "")
    assert finished_run(client, created.connector_id).status == "failed"
    assert imported(emulator)["count"] == 0
