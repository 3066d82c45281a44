"""Import runs against hostile buckets: confined to --buckets, bounded in memory, never a 500."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from mixpanel_connectors import ImportRun, MixpanelClient
from mixpanel_connectors.emulator import Emulator
from tests.conftest import FAST_RETRY, PROJECT, SECRET, s3_spec

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
    for _ in range(200):
        (run,) = client.connector_history(PROJECT, connector_id)
        if run.status in ("success", "failed"):
            return run
        time.sleep(DELAY_MS / 1000 / 2)
    raise AssertionError("the run never ended")


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
