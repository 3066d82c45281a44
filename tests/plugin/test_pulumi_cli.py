"""With the real Pulumi CLI on PATH: `pulumi package add` and a YAML program against the emulator.

The CLI cannot be installed on machines without internet access, so this test is skipped there;
tests/plugin drives the plugin over gRPC as the engine does everywhere else. The plugin folder is
a copy of provider/ whose PulumiPlugin.yaml names this test's virtualenv: the shipped one asks
the CLI to `uv sync` the checkout, which would strip the dev tools from the venv running this.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from mixpanel_connectors import MixpanelClient
from mixpanel_connectors.emulator import Emulator
from tests.conftest import FAST_RETRY, PLUGIN_DIR, PROJECT, SECRET, s3_spec

pytestmark = pytest.mark.pulumi_cli

PROGRAM = """\
name: mixpanel-plugin-cli-test
runtime: yaml
resources:
  events:
    type: mixpanel:index:Connector
    properties:
      connectorType: s3Import
      label: events
      connectorProperties:
        s3Bucket: acme-events
        s3Prefix: PREFIX
        s3Region: us-east-2
        s3Role: arn:aws:iam::123456789012:role/mixpanel-import
      categoryProperties:
        dataFormat: mixpanel_event
outputs:
  connectorId: ${events.connectorId}
"""


@pytest.mark.skipif(shutil.which("pulumi") is None, reason="the pulumi CLI is not on PATH")
def test_package_add_then_up_preview_import_and_destroy_a_yaml_program(tmp_path: Path) -> None:
    plugin = tmp_path / "plugin"
    plugin.mkdir()
    shutil.copy(PLUGIN_DIR / "__main__.py", plugin / "__main__.py")
    (plugin / "PulumiPlugin.yaml").write_text(
        f"runtime:\n  name: python\n  options:\n    virtualenv: {sys.prefix}\n"
    )
    project = tmp_path / "project"
    project.mkdir()
    (project / "Pulumi.yaml").write_text(PROGRAM.replace("PREFIX", "events/"))
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
            cwd=project, env=env, capture_output=True, text=True, timeout=300, check=False,
        )  # fmt: skip
        assert done.returncode == 0, done.stdout + done.stderr
        assert SECRET not in done.stdout + done.stderr
        return done.stdout

    with Emulator(port=0) as api:
        pulumi("stack", "init", "dev")
        pulumi("package", "add", str(plugin))
        assert "mixpanel" in (project / "Pulumi.yaml").read_text().split("packages:", 1)[1]
        pulumi("config", "set", "mixpanel:serviceAccount", "demo")
        pulumi("config", "set", "--secret", "mixpanel:serviceAccountSecret", SECRET)
        pulumi("config", "set", "mixpanel:projectId", str(PROJECT))
        pulumi("config", "set", "mixpanel:baseUrl", api.url)
        pulumi("up", "--yes")
        assert len(api.app.store.page(PROJECT, 0, 10)[0]) == 1
        pulumi("preview", "--expect-no-changes")

        (project / "Pulumi.yaml").write_text(
            (project / "Pulumi.yaml").read_text().replace("s3Prefix: events/", "s3Prefix: v2/")
        )
        plan = pulumi("preview", "--diff")
        assert "s3Prefix" in plan and "replace" in plan

        with MixpanelClient("demo", SECRET, base_url=api.url, retry=FAST_RETRY) as client:
            made = client.create_connector(PROJECT, s3_spec(label="by hand")).connector_id
        imported = pulumi(
            "import", "mixpanel:index:Connector", "by-hand", f"{PROJECT}:{made}", "--yes"
        )
        assert "s3Bucket" in imported and "by hand" in imported  # the code it writes

        assert SECRET not in pulumi("stack", "export")
        pulumi("destroy", "--yes")
        assert api.app.store.page(PROJECT, 0, 10)[0] == []
