"""With the real Pulumi CLI on PATH: `pulumi up` and `pulumi destroy` against the emulator.

The CLI cannot be installed on machines without internet access, so this test is skipped there;
everything it checks is also covered through the provider host by the other tests.
"""

from __future__ import annotations

import shutil
import sys
import textwrap
from pathlib import Path

import pytest

from mixpanel_connectors.emulator import Emulator
from tests.conftest import PROJECT
from tests.pulumi_cli import configure_stack, local_pulumi

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
    pulumi = local_pulumi(tmp_path, tmp_path / "state")

    with Emulator(port=0) as api:
        configure_stack(pulumi, api.url)
        pulumi("up", "--yes")
        items, _ = api.app.store.page(PROJECT, 0, 10)
        assert len(items) == 1
        assert pulumi("stack", "output", "connector_id").strip() == items[0].connector_id
        assert "unchanged" in pulumi("preview", "--expect-no-changes")
        pulumi("destroy", "--yes")
        assert api.app.store.page(PROJECT, 0, 10) == ([], 0)
