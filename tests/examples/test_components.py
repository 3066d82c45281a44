"""S3Import and GcsImport: their IAM documents, and bad inputs failing at preview by name."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pulumi
import pytest

from mixpanel_connectors import AccessInputError
from mixpanel_connectors.aws import S3Import, read_policy, trust_policy
from mixpanel_connectors.emulator import Emulator
from mixpanel_connectors.gcp import GcsImport
from mixpanel_connectors.testing import ProviderHost
from mixpanel_connectors.testing.runner import OfflineRunner, RunFailed
from tests.conftest import PROJECT, SECRET
from tests.examples.conftest import example_config

ROOT = Path(__file__).resolve().parents[2]


class NoCloud(pulumi.runtime.Mocks):
    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        return f"{args.name}-id", dict(args.inputs)

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], None]:
        return {}, None


@pytest.fixture
def mocks() -> None:
    pulumi.runtime.set_mocks(NoCloud(), preview=True)


def test_read_policy_is_least_privilege_and_adds_kms_only_when_asked() -> None:
    plain = read_policy("acme", "events/")
    assert [s["Action"] for s in plain["Statement"]] == ["s3:ListBucket", "s3:GetObject"]
    whole = read_policy("acme")
    assert "Condition" not in whole["Statement"][0]
    assert whole["Statement"][1]["Resource"] == "arn:aws:s3:::acme/*"
    key = "arn:aws:kms:us-east-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    encrypted = read_policy("acme", "events/", key)
    assert encrypted["Statement"][-1] == {
        "Sid": "DecryptImportObjects", "Effect": "Allow", "Action": "kms:Decrypt", "Resource": key,
    }  # fmt: skip


def test_trust_policy_trusts_mixpanel_and_pins_the_external_id() -> None:
    (statement,) = trust_policy(external_id="abc")["Statement"]
    assert statement["Principal"] == {"AWS": "arn:aws:iam::485438090326:root"}
    assert statement["Condition"] == {"StringEquals": {"sts:ExternalId": "abc"}}
    assert "Condition" not in trust_policy("arn:aws:iam::111122223333:root")["Statement"][0]


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"prefix": "/events/"}, "prefix '/events/' must not start with '/'"),
        ({"bucket": "arn:aws:s3:::acme"}, "bucket 'arn:aws:s3:::acme' is an ARN"),
        ({"bucket": "s3://acme/events"}, "must be a bare bucket name"),
        ({"kms_key_arn": "alias-of-a-key"}, "kms_key_arn 'alias-of-a-key' is not a KMS key ARN"),
    ],
)
def test_bad_s3_import_input_fails_naming_it(
    mocks: None, kwargs: dict[str, Any], fragment: str
) -> None:
    arguments: dict[str, Any] = {
        "bucket": "acme",
        "s3_region": "us-east-2",
        "data_format": "mixpanel_event",
    }
    with pytest.raises(AccessInputError, match=fragment) as caught:
        S3Import("events", **{**arguments, **kwargs})
    assert "S3Import 'events'" in str(caught.value)


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"bucket": "gs://acme"}, "must be a bare bucket name"),
        ({"prefix": "/users"}, "must not start with '/'"),
        ({"service_account_email": "mixpanel"}, "is not an email address"),
    ],
)
def test_bad_gcs_import_input_fails_naming_it(
    mocks: None, kwargs: dict[str, Any], fragment: str
) -> None:
    arguments: dict[str, Any] = {
        "bucket": "acme", "service_account_email": "a@b.iam.gserviceaccount.com",
        "data_format": "mixpanel_people",
    }  # fmt: skip
    with pytest.raises(AccessInputError, match=fragment):
        GcsImport("people", **{**arguments, **kwargs})


def test_bad_input_known_only_as_an_output_fails_the_preview(
    tmp_path: Path, api: Emulator, host: ProviderHost
) -> None:
    (tmp_path / "Pulumi.yaml").write_text("name: bad-prefix\nruntime: python\n")
    (tmp_path / "__main__.py").write_text(
        "import pulumi\n"
        "from mixpanel_connectors.aws import S3Import\n"
        "S3Import('events', bucket='acme', s3_region='us-east-2', data_format='mixpanel_event',\n"
        "         prefix=pulumi.Output.from_input('/events/'))\n"
    )
    with pytest.raises(RunFailed, match="S3Import 'events': prefix '/events/' must not start"):
        OfflineRunner(tmp_path, host, config=example_config(api.url)).preview()
    assert api.app.requests() == []


def test_run_command_previews_the_quickstart_and_says_it_is_not_the_engine(api: Emulator) -> None:
    env = {
        **os.environ,
        "MIXPANEL_SERVICE_ACCOUNT": "demo",
        "MIXPANEL_SERVICE_ACCOUNT_SECRET": SECRET,
        "MIXPANEL_PROJECT_ID": str(PROJECT),
        "MIXPANEL_BASE_URL": api.url,
    }
    command = [sys.executable, "-m", "mixpanel_connectors.cli", "run", str(ROOT), "preview",
               "--state", os.devnull + ".json"]  # fmt: skip
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Offline runner (NOT the Pulumi engine)")
    assert "2 to create" in done.stdout
    bad = subprocess.run(
        [*command, "--config", "projectId"], env=env, capture_output=True, text=True, check=False
    )
    assert bad.returncode == 2
    assert "NAMESPACE:KEY=VALUE" in bad.stderr


def test_two_connectors_with_one_name_fail_the_run_and_create_only_one(
    tmp_path: Path, api: Emulator, host: ProviderHost
) -> None:
    api.app.reset()
    (tmp_path / "Pulumi.yaml").write_text("name: twins\nruntime: python\n")
    (tmp_path / "__main__.py").write_text(
        "import pulumi\n"
        "from mixpanel_connectors import Connector\n"
        "class Team(pulumi.ComponentResource):\n"
        "    def __init__(self, name, prefix):\n"
        "        super().__init__('acme:Team', name)\n"
        "        Connector('events', connector_type='s3Import',\n"
        "            connector_properties={'s3_bucket': 'acme', 's3_prefix': prefix,\n"
        "                's3_region': 'us-east-2',\n"
        "                's3_role': 'arn:aws:iam::123456789012:role/mixpanel-import'},\n"
        "            category_properties={'data_format': 'mixpanel_event'},\n"
        "            opts=pulumi.ResourceOptions(parent=self))\n"
        "Team('red', 'red/')\n"
        "Team('blue', 'blue/')\n"
    )
    run = OfflineRunner(tmp_path, host, state_file=tmp_path / "state.json",
                        config=example_config(api.url))  # fmt: skip
    with pytest.raises(RunFailed, match=r"two Connectors are named 'events'.*its own name"):
        run.up()
    created = [r for r in api.app.requests() if r["method"] == "POST"]
    live, _ = api.app.store.page(PROJECT, 0, 10)
    assert len(created) == len(live) <= 1
    assert len(run.engine.state) == len(live)
