"""With the real Pulumi CLI on PATH: `pulumi package add` and a YAML program against the emulator.

The CLI cannot be installed on machines without internet access, so this test is skipped there;
tests/plugin drives the plugin over gRPC as the engine does everywhere else. The plugin folder is
a copy of provider/ whose PulumiPlugin.yaml names this test's virtualenv: the shipped one asks
the CLI to `uv sync` the checkout, which would strip the dev tools from the venv running this.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from mixpanel_connectors import MixpanelClient
from mixpanel_connectors.emulator import Emulator
from tests.conftest import FAST_RETRY, PLUGIN_DIR, PROJECT, SECRET, s3_spec
from tests.pulumi_cli import configure_stack, local_pulumi

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
    pulumi = local_pulumi(project, tmp_path / "state")

    with Emulator(port=0) as api:
        configure_stack(pulumi, api.url)
        pulumi("package", "add", str(plugin))
        assert "mixpanel" in (project / "Pulumi.yaml").read_text().split("packages:", 1)[1]
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
