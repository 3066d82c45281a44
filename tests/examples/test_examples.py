"""Each example, run through the offline runner: preview, up, a second up, and destroy."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from mixpanel_connectors.aws import MIXPANEL_AWS_PRINCIPAL
from mixpanel_connectors.emulator import Emulator
from mixpanel_connectors.testing import ProviderHost
from mixpanel_connectors.testing.runner import OfflineRunner, RunResult
from tests.conftest import PROJECT
from tests.examples.conftest import GCS_SERVICE_ACCOUNT, example_config

ROOT = Path(__file__).resolve().parents[2]


def live(api: Emulator) -> list[dict[str, Any]]:
    items, _ = api.app.store.page(PROJECT, 0, 100)
    return [item.record for item in items]


def runner(example: str, host: ProviderHost, api: Emulator, tmp_path: Path) -> OfflineRunner:
    api.app.reset()
    return OfflineRunner(
        ROOT / example, host, state_file=tmp_path / "state.json", config=example_config(api.url)
    )


def depends_on(result: RunResult, name: str, type_prefix: str) -> list[str]:
    connector = next(r for r in result.connectors() if r.name == name)
    return [urn for urn in connector.dependencies if f"{type_prefix}::" in urn]


def test_quickstart_previews_without_api_calls_then_deploys_two_connectors(
    host: ProviderHost, api: Emulator, tmp_path: Path
) -> None:
    run = runner("examples/quickstart", host, api, tmp_path)
    plan = run.preview()
    assert sorted((r.name, r.op) for r in plan.connectors()) == [
        ("events", "create"),
        ("people", "create"),
    ]
    assert api.app.requests() == []

    done = run.up()
    connectors = {c["label"]: c for c in live(api)}
    assert set(connectors) == {"events from S3", "people from GCS"}
    events = connectors["events from S3"]
    assert events["category_properties"]["compression"] == "gzip"
    assert done.stack_outputs["events_connector_id"] == events["connector_id"]
    assert done.stack_outputs["events_status"] == "active"
    assert done.stack_outputs["people_created_at"].startswith("20")

    again = OfflineRunner(
        ROOT, host, state_file=tmp_path / "state.json", config=example_config(api.url)
    )
    assert {r.op for r in again.up().connectors()} == {"same"}
    assert {r.op for r in again.destroy().resources} == {"delete"}
    assert live(api) == []


def test_root_project_runs_the_quickstart(
    host: ProviderHost, api: Emulator, tmp_path: Path
) -> None:
    api.app.reset()
    run = OfflineRunner(
        ROOT, host, state_file=tmp_path / "state.json", config=example_config(api.url)
    )
    assert run.main == ROOT / "examples" / "quickstart" / "__main__.py"
    assert run.project == "mixpanel-connectors-quickstart"
    created = run.up()
    names = sorted(r.name for r in created.connectors())
    assert names == ["events", "people"]
    items, _ = api.app.store.page(1234567, 0, 100)
    assert sorted(i.record["label"] for i in items) == ["events from S3", "people from GCS"]
    run.destroy()
    assert api.app.store.page(1234567, 0, 100)[1] == 0


def test_aws_example_creates_roles_policies_and_connectors_that_depend_on_them(
    host: ProviderHost, api: Emulator, tmp_path: Path
) -> None:
    run = runner("examples/aws-s3", host, api, tmp_path)
    plan = run.preview()
    assert {r.op for r in plan.connectors()} == {"create"}
    assert api.app.requests() == []

    result = run.up()
    types = sorted(r.type for r in result.resources if r.mocked)
    assert types == sorted(
        ["aws:s3/bucket:Bucket"] + ["aws:iam/role:Role", "aws:iam/rolePolicy:RolePolicy"] * 2
    )
    for name, prefix in (("events", "events/"), ("people", "people/")):
        role = result.by_name(f"{name}-role")
        trust = json.loads(role.inputs["assumeRolePolicy"])
        assert trust["Statement"][0]["Principal"] == {"AWS": MIXPANEL_AWS_PRINCIPAL}
        policy = json.loads(result.by_name(f"{name}-read").inputs["policy"])
        actions = {s["Action"]: s for s in policy["Statement"]}
        assert actions["s3:ListBucket"]["Resource"] == "arn:aws:s3:::mixpanel-exports"
        assert actions["s3:ListBucket"]["Condition"] == {
            "StringLike": {"s3:prefix": [f"{prefix}*"]}
        }
        assert actions["s3:GetObject"]["Resource"] == f"arn:aws:s3:::mixpanel-exports/{prefix}*"
        assert "kms:Decrypt" not in actions
        policies = depends_on(result, name, "aws:iam/rolePolicy:RolePolicy")
        assert [urn.rsplit("::", 1)[-1] for urn in policies] == [f"{name}-read"]
    by_label = {c["label"]: c for c in live(api)}
    events = by_label["events from S3"]["connector_properties"]
    assert events == {
        "s3_bucket": "mixpanel-exports",
        "s3_prefix": "events/",
        "s3_region": "us-east-2",
        "s3_role": "arn:aws:iam::123456789012:role/events-role",
    }
    assert by_label["people from S3"]["category_properties"]["data_format"] == "mixpanel_people"
    run.destroy()
    assert live(api) == []


def test_gcp_example_grants_mixpanel_read_access_before_the_connector(
    host: ProviderHost, api: Emulator, tmp_path: Path
) -> None:
    run = runner("examples/gcp-gcs", host, api, tmp_path)
    result = run.up()
    members = [r for r in result.resources if r.type.startswith("gcp:storage/bucketIAMMember")]
    assert sorted(m.inputs["role"] for m in members) == [
        "roles/storage.objectCreator",
        "roles/storage.objectViewer",
    ]
    assert {m.inputs["member"] for m in members} == {f"serviceAccount:{GCS_SERVICE_ACCOUNT}"}
    assert {m.inputs["bucket"] for m in members} == {"mixpanel-exports"}
    assert len(depends_on(result, "people", "bucketIAMMember:BucketIAMMember")) == 2
    (connector,) = live(api)
    assert connector["connector_properties"]["gcs_bucket"] == "mixpanel-exports"
    assert connector["connector_properties"]["gcs_prefix"] == "users/"
    run.destroy()


@pytest.mark.parametrize("example", ["examples/quickstart", "examples/aws-s3", "examples/gcp-gcs"])
def test_every_example_has_its_project_readme_and_bounded_requirements(example: str) -> None:
    folder = ROOT / example
    assert (folder / "Pulumi.yaml").exists()
    readme = (folder / "README.md").read_text()
    for command in ("pulumi config set", "pulumi preview", "pulumi up"):
        assert command in readme
    for line in (folder / "requirements.txt").read_text().split():
        if line.startswith("../.."):  # this repository, from the example's folder
            continue
        assert "<" in line, f"{example}: unbounded requirement {line}"
