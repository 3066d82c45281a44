"""With the real Pulumi CLI on PATH: `pulumi up` and `pulumi destroy` against the emulator.

The CLI cannot be installed on machines without internet access, so this test is skipped there;
everything it checks is also covered through the provider host by the other tests.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from mixpanel_connectors.emulator import Emulator
from tests.conftest import PROJECT, SECRET

pytestmark = pytest.mark.pulumi_cli

PROGRAM = """
import pulumi
from mixpanel_connectors import CategoryPropertiesArgs, Connector, S3ConnectorPropertiesArgs

events = Connector(
    "events",
    connector_type="s3Import",
    connector_properties=S3ConnectorPropertiesArgs(
        s3_bucket="acme-events", s3_prefix="events/", s3_region="us-east-2",
        s3_role="arn:aws:iam::123456789012:role/mixpanel-import",
    ),
    category_properties=CategoryPropertiesArgs(data_format="mixpanel_event", compression="gzip"),
)
pulumi.export("connector_id", events.connector_id)
"""


@pytest.mark.skipif(shutil.which("pulumi") is None, reason="the pulumi CLI is not on PATH")
def test_pulumi_up_and_destroy_for_real(tmp_path: Path) -> None:
    venv = Path(sys.prefix)
    (tmp_path / "Pulumi.yaml").write_text(
        textwrap.dedent(
            f"""\
            name: connector-cli-test
            runtime:
              name: python
              options:
                virtualenv: {venv}
            """
        )
    )
    (tmp_path / "__main__.py").write_text(PROGRAM)
    (tmp_path / "state").mkdir()
    env = {
        **os.environ,
        "PULUMI_BACKEND_URL": f"file://{tmp_path / 'state'}",
        "PULUMI_CONFIG_PASSPHRASE": "throwaway",
        "PULUMI_SKIP_UPDATE_CHECK": "1",
    }

    def pulumi(*args: str) -> str:
        done = subprocess.run(
            ["pulumi", *args, "--non-interactive"],
            cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300, check=False,
        )  # fmt: skip
        assert done.returncode == 0, done.stdout + done.stderr
        assert SECRET not in done.stdout + done.stderr
        return done.stdout

    with Emulator(port=0) as api:
        pulumi("stack", "init", "dev")
        pulumi("config", "set", "mixpanel:serviceAccount", "demo")
        pulumi("config", "set", "--secret", "mixpanel:serviceAccountSecret", SECRET)
        pulumi("config", "set", "mixpanel:projectId", str(PROJECT))
        pulumi("config", "set", "mixpanel:baseUrl", api.url)
        pulumi("up", "--yes")
        items, _ = api.app.store.page(PROJECT, 0, 10)
        assert len(items) == 1
        assert pulumi("stack", "output", "connector_id").strip() == items[0].connector_id
        assert "unchanged" in pulumi("preview", "--expect-no-changes")
        pulumi("destroy", "--yes")
        assert api.app.store.page(PROJECT, 0, 10) == ([], 0)
