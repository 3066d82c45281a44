"""`S3Import`: the IAM role Mixpanel assumes, its least-privilege policy, and the Connector.

Needs the `aws` extra (pulumi-aws). The policy documents are also plain functions, for users who
manage IAM their own way.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import pulumi
import pulumi_aws as aws

from ._component_inputs import check_bucket_name, check_kms_key_arn, check_prefix, validated
from .resource import CategoryPropertiesArgs, Connector, S3ConnectorPropertiesArgs

__all__ = ["MIXPANEL_AWS_PRINCIPAL", "S3Import", "read_policy", "trust_policy"]

MIXPANEL_AWS_PRINCIPAL = "arn:aws:iam::485438090326:root"
"""Mixpanel's AWS account, which assumes the role; override it if Mixpanel gives you another."""


def trust_policy(
    principal: str = MIXPANEL_AWS_PRINCIPAL, external_id: str | None = None
) -> dict[str, Any]:
    """The role's trust policy: let Mixpanel's principal assume it (with an external id if set)."""
    statement: dict[str, Any] = {
        "Sid": "MixpanelAssumesRole",
        "Effect": "Allow",
        "Principal": {"AWS": principal},
        "Action": "sts:AssumeRole",
    }
    if external_id:
        statement["Condition"] = {"StringEquals": {"sts:ExternalId": external_id}}
    return {"Version": "2012-10-17", "Statement": [statement]}


def read_policy(bucket: str, prefix: str = "", kms_key_arn: str | None = None) -> dict[str, Any]:
    """Least privilege to import `prefix` of `bucket`: list under it, read its objects, decrypt."""
    listing: dict[str, Any] = {
        "Sid": "ListImportPrefix",
        "Effect": "Allow",
        "Action": "s3:ListBucket",
        "Resource": f"arn:aws:s3:::{bucket}",
    }
    if prefix:
        listing["Condition"] = {"StringLike": {"s3:prefix": [f"{prefix}*"]}}
    statements = [
        listing,
        {
            "Sid": "ReadImportObjects",
            "Effect": "Allow",
            "Action": "s3:GetObject",
            "Resource": f"arn:aws:s3:::{bucket}/{prefix}*",
        },
    ]
    if kms_key_arn:
        statements.append(
            {"Sid": "DecryptImportObjects", "Effect": "Allow", "Action": "kms:Decrypt",
             "Resource": kms_key_arn}
        )  # fmt: skip
    return {"Version": "2012-10-17", "Statement": statements}


def _bucket_name(bucket: pulumi.Input[str] | aws.s3.Bucket | aws.s3.BucketV2) -> pulumi.Input[str]:
    if isinstance(bucket, (aws.s3.Bucket, aws.s3.BucketV2)):
        name: pulumi.Output[str] = bucket.bucket
        return name
    return bucket


class S3Import(pulumi.ComponentResource):
    """A Mixpanel import from an S3 prefix, with the cross-account role it needs.

    Creates an IAM role trusted by Mixpanel's AWS account, an inline policy that can list the
    prefix, read its objects and (given `kms_key_arn`) decrypt them, and a Connector that depends
    on the policy, so Mixpanel never sees a role without access.
    """

    role: aws.iam.Role
    policy: aws.iam.RolePolicy
    connector: Connector
    role_arn: pulumi.Output[str]
    connector_id: pulumi.Output[str]
    status: pulumi.Output[str | None]

    def __init__(
        self,
        name: str,
        *,
        bucket: pulumi.Input[str] | aws.s3.Bucket | aws.s3.BucketV2,
        s3_region: pulumi.Input[str],
        data_format: pulumi.Input[str],
        prefix: pulumi.Input[str] = "",
        compression: pulumi.Input[str] = "none",
        property_remap: pulumi.Input[Mapping[str, pulumi.Input[str]]] | None = None,
        label: pulumi.Input[str] | None = None,
        project_id: pulumi.Input[int] | None = None,
        region: pulumi.Input[str] | None = None,
        trusted_principal: pulumi.Input[str] = MIXPANEL_AWS_PRINCIPAL,
        external_id: pulumi.Input[str] | None = None,
        kms_key_arn: pulumi.Input[str] | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("mixpanel:aws:S3Import", name, None, opts)
        who = f"S3Import {name!r}"
        bucket_name = validated(_bucket_name(bucket), check_bucket_name, who, "s3")
        checked_prefix = validated(prefix, check_prefix, who)
        kms = None if kms_key_arn is None else validated(kms_key_arn, check_kms_key_arn, who)
        child = pulumi.ResourceOptions(parent=self)

        self.role = aws.iam.Role(
            f"{name}-role",
            assume_role_policy=pulumi.Output.all(trusted_principal, external_id).apply(
                lambda v: json.dumps(trust_policy(v[0], v[1]))
            ),
            description=f"Mixpanel Cloud Import reads s3 for {name}",
            opts=child,
        )
        self.policy = aws.iam.RolePolicy(
            f"{name}-read",
            role=self.role.id,
            policy=pulumi.Output.all(bucket_name, checked_prefix, kms).apply(
                lambda v: json.dumps(read_policy(v[0], v[1], v[2]))
            ),
            opts=child,
        )
        self.connector = Connector(
            name,
            connector_type="s3Import",
            connector_properties=S3ConnectorPropertiesArgs(
                s3_bucket=bucket_name, s3_prefix=checked_prefix, s3_region=s3_region,
                s3_role=self.role.arn,
            ),
            category_properties=CategoryPropertiesArgs(
                data_format=data_format, compression=compression, property_remap=property_remap
            ),
            label=label,
            project_id=project_id,
            region=region,
            opts=pulumi.ResourceOptions(parent=self, depends_on=[self.policy]),
        )  # fmt: skip
        self.role_arn = self.role.arn
        self.connector_id = self.connector.connector_id
        self.status = self.connector.status
        self.register_outputs(
            {"role_arn": self.role_arn, "connector_id": self.connector_id, "status": self.status}
        )
