"""Quickstart: an S3 events connector and a GCS people connector on existing buckets.

Project, region and credentials come from stack config (mixpanel:*) or MIXPANEL_* variables.
"""

import pulumi

from mixpanel_connectors import (
    CategoryPropertiesArgs,
    Connector,
    GcsConnectorPropertiesArgs,
    S3ConnectorPropertiesArgs,
    WaitForImportArgs,
)

# Wait for each connector's first import, so a wrong role, prefix or compression fails the deploy.
first_import = WaitForImportArgs(timeout_seconds=600)

events = Connector(
    "events",
    connector_type="s3Import",
    connector_properties=S3ConnectorPropertiesArgs(
        s3_bucket="acme-mixpanel-events",
        s3_prefix="events/",
        s3_region="us-east-2",
        s3_role="arn:aws:iam::123456789012:role/mixpanel-import",
    ),
    category_properties=CategoryPropertiesArgs(data_format="mixpanel_event", compression="gzip"),
    label="events from S3",
    wait_for_import=first_import,
)

people = Connector(
    "people",
    connector_type="gcsImport",
    connector_properties=GcsConnectorPropertiesArgs(
        gcs_bucket="acme-mixpanel-people", gcs_prefix="users/"
    ),
    category_properties=CategoryPropertiesArgs(data_format="mixpanel_people"),
    label="people from GCS",
    wait_for_import=first_import,
)

for name, connector in (("events", events), ("people", people)):
    pulumi.export(f"{name}_connector_id", connector.connector_id)
    pulumi.export(f"{name}_status", connector.status)
    pulumi.export(f"{name}_created_at", connector.created_at)
    pulumi.export(
        f"{name}_imported",
        connector.last_import.apply(lambda run: int(run["num_events_imported"]) if run else None),
    )
