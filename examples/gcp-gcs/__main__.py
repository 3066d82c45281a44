"""A GCS bucket, read access for Mixpanel's service account, and a people import from it."""

import pulumi
import pulumi_gcp as gcp

from mixpanel_connectors.gcp import GcsImport

config = pulumi.Config()

bucket = gcp.storage.Bucket("mixpanel-exports", location="US", uniform_bucket_level_access=True)

people = GcsImport(
    "people",
    bucket=bucket,
    prefix="users/",
    service_account_email=config.require("mixpanelServiceAccount"),
    data_format="mixpanel_people",
    compression="gzip",
    label="people from GCS",
)

pulumi.export("bucket", bucket.name)
pulumi.export("people_connector_id", people.connector_id)
pulumi.export("people_status", people.status)
