"""Import runs that read real NDJSON files from local bucket folders, with Mixpanel's rules."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from mixpanel_connectors import ImportRun, MixpanelClient
from mixpanel_connectors.emulator import Emulator
from tests.conftest import FAST_RETRY, PROJECT, SECRET, gcs_spec, s3_spec
from tests.conftest import finished_run as wait_for_run

DELAY_MS = 40


def ndjson(*records: Any) -> bytes:
    return b"".join(
        (r if isinstance(r, bytes) else json.dumps(r).encode()) + b"\n" for r in records
    )


def event(name: str = "Signed Up", **props: Any) -> dict[str, Any]:
    return {"event": name, "properties": {"time": 1700000000, "distinct_id": "u1", **props}}


def put(buckets: Path, scheme: str, bucket: str, key: str, data: bytes) -> Path:
    path = buckets / scheme / bucket / key
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


@pytest.fixture
def buckets(tmp_path: Path) -> Path:
    return tmp_path / "buckets"


@pytest.fixture
def emulator(buckets: Path) -> Iterator[Emulator]:
    buckets.mkdir()
    with Emulator(port=0, run_delay_ms=DELAY_MS, buckets=buckets, deny_buckets=["locked"]) as emu:
        yield emu


@pytest.fixture
def client(emulator: Emulator) -> Iterator[MixpanelClient]:
    with MixpanelClient("demo", SECRET, base_url=emulator.url, retry=FAST_RETRY) as c:
        yield c


def finished_run(client: MixpanelClient, connector_id: str) -> ImportRun:
    return wait_for_run(client, connector_id, DELAY_MS / 1000 / 2)


def spec_for(
    bucket: str, prefix: str = "events/", compression: str = "gzip", **category: Any
) -> dict[str, Any]:
    spec = s3_spec()
    spec["connector_properties"] = {
        **spec["connector_properties"],
        "s3_bucket": bucket,
        "s3_prefix": prefix,
    }
    spec["category_properties"] = {
        "data_format": "mixpanel_event",
        "compression": compression,
        **category,
    }
    return spec


def test_successful_import_counts_exactly_what_mixpanel_would(
    client: MixpanelClient, emulator: Emulator, buckets: Path
) -> None:
    first = put(
        buckets,
        "s3",
        "acme",
        "events/2026/01.json.gz",
        gzip.compress(ndjson(event(), event("Paid"))),
    )
    mixed = ndjson(event("Left"), {"event": "no time", "properties": {}}, b"{broken", b"", [1])
    second = put(buckets, "s3", "acme", "events/2026/02.json.gz", gzip.compress(mixed))
    put(buckets, "s3", "acme", "other/ignored.json.gz", gzip.compress(ndjson(event())))
    created = client.create_connector(PROJECT, spec_for("acme"))
    assert client.connector_history(PROJECT, created.connector_id)[0].status == "queued"

    run = finished_run(client, created.connector_id)
    assert run.status == "success"
    assert run.error is None
    assert (run.num_events_processed, run.num_events_imported, run.num_events_dropped) == (6, 3, 3)
    assert run.num_files_imported == 2
    assert run.size_imported == first.stat().st_size + second.stat().st_size
    imported = requests.get(
        f"{emulator.url}/_emulator/imported?project={PROJECT}", timeout=5
    ).json()
    assert imported["count"] == 3
    assert [r["record"]["event"] for r in imported["records"]] == ["Signed Up", "Paid", "Left"]


def test_empty_prefix_imports_the_whole_bucket(client: MixpanelClient, buckets: Path) -> None:
    put(buckets, "gcs", "people", "a.json", ndjson({"$distinct_id": "u1", "$set": {}}))
    put(buckets, "gcs", "people", "b/c.json", ndjson({"$distinct_id": "u2"}, {"$set": {"x": 1}}))
    spec = gcs_spec()
    spec["connector_properties"] = {"gcs_bucket": "people", "gcs_prefix": ""}
    run = finished_run(client, client.create_connector(PROJECT, spec).connector_id)
    counts = (run.num_files_imported, run.num_events_imported, run.num_events_dropped)
    assert (run.status, counts) == ("success", (2, 2, 1))


GROUP = {"data_format": "mixpanel_group"}
REMAP_EVENT = {
    "data_format": "remap_event",
    "property_remap": {"event_name": "name", "time": "ts", "distinct_id": "user"},
}
REMAP_PEOPLE = {"data_format": "remap_people", "property_remap": {"$distinct_id": "uid"}}
REMAP_GROUP = {
    "data_format": "remap_group",
    "property_remap": {"$group_key": "k", "$group_id": "g"},
}


@pytest.mark.parametrize(
    ("category", "kept", "dropped"),
    [
        (GROUP, {"$group_key": "company", "$group_id": "c1"}, {"$group_key": "company"}),
        (REMAP_EVENT, {"name": "Paid", "ts": 1, "user": "u"}, {"name": "Paid", "user": "u"}),
        (REMAP_PEOPLE, {"uid": "u"}, {"id": "u"}),
        (REMAP_GROUP, {"k": 1, "g": 2}, {"k": 1}),
    ],
)
def test_records_without_their_formats_fields_are_dropped(
    client: MixpanelClient, buckets: Path, category: dict[str, Any], kept: Any, dropped: Any
) -> None:
    put(buckets, "s3", "acme", "events/x.json", ndjson(kept, dropped))
    spec = spec_for("acme", compression="none", **category)
    run = finished_run(client, client.create_connector(PROJECT, spec).connector_id)
    counts = (run.num_events_imported, run.num_events_dropped)
    assert (run.status, counts) == ("success", (1, 1))


@pytest.mark.parametrize(
    ("compression", "data", "message"),
    [
        (
            "none",
            gzip.compress(ndjson(event())),
            "no compression specified but gzip detected in events/x.json",
        ),
        ("gzip", ndjson(event()), "gzip compression specified but events/x.json is not gzip"),
    ],
)
def test_compression_that_does_not_match_the_files_fails_the_run(
    client: MixpanelClient, buckets: Path, compression: str, data: bytes, message: str
) -> None:
    put(buckets, "s3", "acme", "events/x.json", data)
    run = finished_run(
        client,
        client.create_connector(PROJECT, spec_for("acme", compression=compression)).connector_id,
    )
    assert run.status == "failed"
    assert run.error is not None
    assert run.error.code == "compression_mismatch"
    assert (run.error.message or "").startswith(message)


def test_a_file_of_two_gigabytes_cancels_the_import(client: MixpanelClient, buckets: Path) -> None:
    path = put(buckets, "s3", "acme", "events/huge.json", b"")
    with path.open("r+b") as handle:
        handle.truncate(2 * 1024**3)  # sparse: takes no disk
    run = finished_run(
        client, client.create_connector(PROJECT, spec_for("acme", compression="none")).connector_id
    )
    assert run.status == "failed"
    assert run.error is not None and "2 GB or more" in (run.error.message or "")


@pytest.mark.parametrize(
    ("bucket", "prefix", "code", "fragment"),
    [
        ("missing", "events/", "bucket_not_found", "bucket does not exist: s3://missing"),
        ("acme", "nothing-here/", "no_files", "No files found under s3://acme/nothing-here/"),
        (
            "locked",
            "events/",
            "access_denied",
            "does not allow s3:ListBucket on s3://locked/events/",
        ),
    ],
)
def test_unreadable_locations_fail_the_run_with_a_clear_message(
    client: MixpanelClient, buckets: Path, bucket: str, prefix: str, code: str, fragment: str
) -> None:
    put(buckets, "s3", "acme", "events/x.json.gz", gzip.compress(ndjson(event())))
    put(buckets, "s3", "locked", "events/x.json.gz", gzip.compress(ndjson(event())))
    run = finished_run(
        client, client.create_connector(PROJECT, spec_for(bucket, prefix)).connector_id
    )
    assert run.status == "failed"
    assert run.error is not None
    assert run.error.code == code
    assert fragment in (run.error.message or "")


def test_access_can_be_denied_through_the_control_endpoint(
    client: MixpanelClient, emulator: Emulator, buckets: Path
) -> None:
    put(buckets, "gcs", "acme-people", "users/a.json", ndjson({"$distinct_id": "u"}))
    response = requests.post(
        f"{emulator.url}/_emulator/access", json={"deny": ["acme-people"]}, timeout=5
    )
    assert response.json() == {"deny": ["acme-people"]}
    run = finished_run(client, client.create_connector(PROJECT, gcs_spec()).connector_id)
    assert run.error is not None
    assert "storage.objects.list on gs://acme-people/users/" in (run.error.message or "")
    assert (
        requests.post(f"{emulator.url}/_emulator/access", json={"deny": "x"}, timeout=5).status_code
        == 400
    )
