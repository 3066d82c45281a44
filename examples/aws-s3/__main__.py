"""An S3 bucket and two Mixpanel imports from it (events and people), with their IAM roles."""

import pulumi
import pulumi_aws as aws

from mixpanel_connectors.aws import S3Import

config = pulumi.Config()
external_id = config.get("externalId")

bucket = aws.s3.Bucket("mixpanel-exports", force_destroy=False)

events = S3Import(
    "events",
    bucket=bucket,
    prefix="events/",
    s3_region="us-east-2",
    data_format="mixpanel_event",
    compression="gzip",
    external_id=external_id,
    label="events from S3",
)
people = S3Import(
    "people",
    bucket=bucket,
    prefix="people/",
    s3_region="us-east-2",
    data_format="mixpanel_people",
    external_id=external_id,
    label="people from S3",
)

pulumi.export("bucket", bucket.bucket)
for name, imported in (("events", events), ("people", people)):
    pulumi.export(f"{name}_role_arn", imported.role_arn)
    pulumi.export(f"{name}_connector_id", imported.connector_id)
    pulumi.export(f"{name}_status", imported.status)
