"""Quickstart: an S3 events connector and a GCS people connector on existing buckets.

Project, region and credentials come from stack config (mixpanel:*) or MIXPANEL_* variables.
"""

import pulumi

from mixpanel_connectors import (
    CategoryPropertiesArgs,
    Connector,
    GcsConnectorPropertiesArgs,
    S3ConnectorPropertiesArgs,
)

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
)

people = Connector(
    "people",
    connector_type="gcsImport",
    connector_properties=GcsConnectorPropertiesArgs(
        gcs_bucket="acme-mixpanel-people", gcs_prefix="users/"
    ),
    category_properties=CategoryPropertiesArgs(data_format="mixpanel_people"),
    label="people from GCS",
)

for name, connector in (("events", events), ("people", people)):
    pulumi.export(f"{name}_connector_id", connector.connector_id)
    pulumi.export(f"{name}_status", connector.status)
    pulumi.export(f"{name}_created_at", connector.created_at)
