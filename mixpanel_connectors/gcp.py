"""`GcsImport`: bucket IAM for Mixpanel's service account, then the Connector.

Needs the `gcp` extra (pulumi-gcp). Mixpanel's guide hides the service account it reads with, so
its email is a required input.
"""

from __future__ import annotations

from collections.abc import Mapping

import pulumi
import pulumi_gcp as gcp

from ._component_inputs import check_bucket_name, check_email, check_prefix, validated
from .resource import CategoryPropertiesArgs, Connector, GcsConnectorPropertiesArgs

__all__ = ["GcsImport"]

OBJECT_VIEWER = "roles/storage.objectViewer"
OBJECT_CREATOR = "roles/storage.objectCreator"


def _bucket_name(bucket: pulumi.Input[str] | gcp.storage.Bucket) -> pulumi.Input[str]:
    return bucket.name if isinstance(bucket, gcp.storage.Bucket) else bucket


class GcsImport(pulumi.ComponentResource):
    """A Mixpanel import from a GCS prefix, with the bucket access it needs.

    Grants Mixpanel's service account Storage Object Viewer on the bucket (and Object Creator,
    as Mixpanel's guide asks, unless `grant_object_creator=False`), then creates a Connector that
    depends on those grants.
    """

    members: list[gcp.storage.BucketIAMMember]
    connector: Connector
    connector_id: pulumi.Output[str]
    status: pulumi.Output[str | None]

    def __init__(
        self,
        name: str,
        *,
        bucket: pulumi.Input[str] | gcp.storage.Bucket,
        service_account_email: pulumi.Input[str],
        data_format: pulumi.Input[str],
        prefix: pulumi.Input[str] = "",
        compression: pulumi.Input[str] = "none",
        property_remap: pulumi.Input[Mapping[str, pulumi.Input[str]]] | None = None,
        gcs_region: pulumi.Input[str] | None = None,
        grant_object_creator: bool = True,
        label: pulumi.Input[str] | None = None,
        project_id: pulumi.Input[int] | None = None,
        region: pulumi.Input[str] | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("mixpanel:gcp:GcsImport", name, None, opts)
        who = f"GcsImport {name!r}"
        bucket_name = validated(_bucket_name(bucket), check_bucket_name, who, "gs")
        checked_prefix = validated(prefix, check_prefix, who)
        email = validated(service_account_email, check_email, who)
        member = email.apply(lambda e: f"serviceAccount:{e}")
        roles = [OBJECT_VIEWER, OBJECT_CREATOR] if grant_object_creator else [OBJECT_VIEWER]
        self.members = [
            gcp.storage.BucketIAMMember(
                f"{name}-{role.rsplit('.', 1)[-1].lower()}",
                bucket=bucket_name,
                role=role,
                member=member,
                opts=pulumi.ResourceOptions(parent=self),
            )
            for role in roles
        ]
        self.connector = Connector(
            name,
            connector_type="gcsImport",
            connector_properties=GcsConnectorPropertiesArgs(
                gcs_bucket=bucket_name, gcs_prefix=checked_prefix, gcs_region=gcs_region
            ),
            category_properties=CategoryPropertiesArgs(
                data_format=data_format, compression=compression, property_remap=property_remap
            ),
            label=label,
            project_id=project_id,
            region=region,
            opts=pulumi.ResourceOptions(parent=self, depends_on=list(self.members)),
        )
        self.connector_id = self.connector.connector_id
        self.status = self.connector.status
        self.register_outputs({"connector_id": self.connector_id, "status": self.status})
