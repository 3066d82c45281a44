"""The `Connector` resource and its input types, for Pulumi programs."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from typing import Any

import pulumi
import pulumi.dynamic

from ._api.errors import ImportFailedError
from ._lifecycle.schema import output_fields
from ._lifecycle.translate import OWNER_KEY
from .provider import ConnectorProvider

if sys.version_info >= (3, 11):
    from typing import NotRequired, TypedDict
else:
    from typing_extensions import NotRequired, TypedDict

__all__ = [
    "CategoryPropertiesArgs",
    "CategoryPropertiesArgsDict",
    "Connector",
    "GcsConnectorPropertiesArgs",
    "GcsConnectorPropertiesArgsDict",
    "ImportFailedError",
    "S3ConnectorPropertiesArgs",
    "S3ConnectorPropertiesArgsDict",
    "WaitForImportArgs",
    "WaitForImportArgsDict",
]


# BEGIN GENERATED args: python -m mixpanel_connectors._codegen
@pulumi.input_type
class S3ConnectorPropertiesArgs:
    """Where an `s3Import` connector reads from."""

    s3_bucket: pulumi.Input[str]
    """Bucket name (not an ARN), e.g. `acme-events`."""
    s3_region: pulumi.Input[str]
    """The bucket's AWS region, one of the API's list, e.g. `us-east-2`."""
    s3_role: pulumi.Input[str]
    """ARN of the cross-account IAM role Mixpanel assumes to read the bucket."""
    s3_prefix: pulumi.Input[str] | None
    """Key prefix to import; empty (the default) means the whole bucket."""

    def __init__(
        self,
        *,
        s3_bucket: pulumi.Input[str],
        s3_region: pulumi.Input[str],
        s3_role: pulumi.Input[str],
        s3_prefix: pulumi.Input[str] | None = None,
    ) -> None:
        pulumi.set(self, "s3_bucket", s3_bucket)
        pulumi.set(self, "s3_region", s3_region)
        pulumi.set(self, "s3_role", s3_role)
        pulumi.set(self, "s3_prefix", s3_prefix)


class S3ConnectorPropertiesArgsDict(TypedDict):
    """Where an `s3Import` connector reads from (dict form of S3ConnectorPropertiesArgs)."""

    s3_bucket: pulumi.Input[str]
    """Bucket name (not an ARN), e.g. `acme-events`."""
    s3_region: pulumi.Input[str]
    """The bucket's AWS region, one of the API's list, e.g. `us-east-2`."""
    s3_role: pulumi.Input[str]
    """ARN of the cross-account IAM role Mixpanel assumes to read the bucket."""
    s3_prefix: NotRequired[pulumi.Input[str]]
    """Key prefix to import; empty (the default) means the whole bucket."""


@pulumi.input_type
class GcsConnectorPropertiesArgs:
    """Where a `gcsImport` connector reads from."""

    gcs_bucket: pulumi.Input[str]
    """Bucket name without `gs://`, e.g. `acme-people`."""
    gcs_prefix: pulumi.Input[str] | None
    """Object prefix to import; empty (the default) means the whole bucket."""
    gcs_region: pulumi.Input[str] | None
    """Optional bucket location, echoed back by the API."""

    def __init__(
        self,
        *,
        gcs_bucket: pulumi.Input[str],
        gcs_prefix: pulumi.Input[str] | None = None,
        gcs_region: pulumi.Input[str] | None = None,
    ) -> None:
        pulumi.set(self, "gcs_bucket", gcs_bucket)
        pulumi.set(self, "gcs_prefix", gcs_prefix)
        pulumi.set(self, "gcs_region", gcs_region)


class GcsConnectorPropertiesArgsDict(TypedDict):
    """Where a `gcsImport` connector reads from (dict form of GcsConnectorPropertiesArgs)."""

    gcs_bucket: pulumi.Input[str]
    """Bucket name without `gs://`, e.g. `acme-people`."""
    gcs_prefix: NotRequired[pulumi.Input[str]]
    """Object prefix to import; empty (the default) means the whole bucket."""
    gcs_region: NotRequired[pulumi.Input[str]]
    """Optional bucket location, echoed back by the API."""


@pulumi.input_type
class CategoryPropertiesArgs:
    """What the files hold and how they are compressed."""

    data_format: pulumi.Input[str]
    """mixpanel_event, mixpanel_people, mixpanel_group, remap_event, remap_people or
    remap_group."""
    compression: pulumi.Input[str] | None
    """`none` (the default) or `gzip`."""
    property_remap: pulumi.Input[Mapping[str, pulumi.Input[str]]] | None
    """For remap_* formats: Mixpanel field -> column name in the files (remap_event needs
    event_name, time and distinct_id; remap_people $distinct_id; remap_group $group_key and
    $group_id)."""

    def __init__(
        self,
        *,
        data_format: pulumi.Input[str],
        compression: pulumi.Input[str] | None = None,
        property_remap: pulumi.Input[Mapping[str, pulumi.Input[str]]] | None = None,
    ) -> None:
        pulumi.set(self, "data_format", data_format)
        pulumi.set(self, "compression", compression)
        pulumi.set(self, "property_remap", property_remap)


class CategoryPropertiesArgsDict(TypedDict):
    """What the files hold and how they are compressed (dict form of CategoryPropertiesArgs)."""

    data_format: pulumi.Input[str]
    """mixpanel_event, mixpanel_people, mixpanel_group, remap_event, remap_people or
    remap_group."""
    compression: NotRequired[pulumi.Input[str]]
    """`none` (the default) or `gzip`."""
    property_remap: NotRequired[pulumi.Input[Mapping[str, pulumi.Input[str]]]]
    """For remap_* formats: Mixpanel field -> column name in the files (remap_event needs
    event_name, time and distinct_id; remap_people $distinct_id; remap_group $group_key and
    $group_id)."""


@pulumi.input_type
class WaitForImportArgs:
    """Make `pulumi up` wait for the new connector's first import run to succeed."""

    timeout_seconds: pulumi.Input[float] | None
    """How long to wait for the run to end (default 600, at most 86400)."""

    def __init__(
        self,
        *,
        timeout_seconds: pulumi.Input[float] | None = None,
    ) -> None:
        pulumi.set(self, "timeout_seconds", timeout_seconds)


class WaitForImportArgsDict(TypedDict):
    """Make `pulumi up` wait for the new connector's first import run to succeed (dict form of
    WaitForImportArgs)."""

    timeout_seconds: NotRequired[pulumi.Input[float]]
    """How long to wait for the run to end (default 600, at most 86400)."""


ConnectorPropertiesInput = (
    S3ConnectorPropertiesArgs
    | S3ConnectorPropertiesArgsDict
    | GcsConnectorPropertiesArgs
    | GcsConnectorPropertiesArgsDict
)
CategoryPropertiesInput = CategoryPropertiesArgs | CategoryPropertiesArgsDict
WaitForImportInput = WaitForImportArgs | WaitForImportArgsDict
# END GENERATED args


def _check_first_import(resource_name: str) -> Any:
    def check(last_import: Any) -> None:
        if not isinstance(last_import, dict) or last_import.get("status") == "success":
            return
        error = last_import.get("error") or {}
        raise ImportFailedError(
            f"Connector {resource_name!r}: {error.get('message') or 'the first import failed'}"
            f" [{error.get('code') or last_import.get('status')}]. The connector exists and is "
            "recorded in state; fix the cause (bucket access, compression, data format) and run "
            "`pulumi up` again: it replaces the connector, which imports afresh."
        )

    return check


class Connector(pulumi.dynamic.Resource, module="mixpanel", name="Connector"):
    """A Mixpanel Cloud Import connector: Mixpanel pulls NDJSON files from an S3 or GCS bucket.

    The API cannot update a connector, so any change to its inputs replaces it (deleting the old
    one first, so that no two connectors import the same files).
    """

    # BEGIN GENERATED connector: python -m mixpanel_connectors._codegen
    connector_type: pulumi.Output[str]
    """`s3Import` or `gcsImport`."""
    label: pulumi.Output[str]
    """Free text shown in Mixpanel."""
    connector_properties: pulumi.Output[dict[str, Any]]
    """Where the files are: the S3 or the GCS properties, matching the type. As an output, as the
    API returned them (keys the server adds included)."""
    category_properties: pulumi.Output[dict[str, Any]]
    """Data format, compression and remap. As an output, as the API returned them (keys the server
    adds included)."""
    project_id: pulumi.Output[int]
    """The Mixpanel project the connector lives in; recorded in state."""
    region: pulumi.Output[str]
    """The data residency whose API holds it: us, eu or in; recorded in state."""
    connector_id: pulumi.Output[str]
    """The connector's id, as the API assigned it (also the resource id, which is
    `<project_id>:<connector_id>` after an import)."""
    status: pulumi.Output[str | None]
    """active, paused or stopped (the API may also say nothing)."""
    created_at: pulumi.Output[str | None]
    """When the connector was created, ISO-8601."""
    created_by: pulumi.Output[str | None]
    """Who created it (an email)."""
    failure_message: pulumi.Output[str | None]
    """Why a paused connector stopped importing."""
    last_import: pulumi.Output[dict[str, Any] | None]
    """With `wait_for_import`: the first run's status, counters and error."""
    declared_keys: pulumi.Output[dict[str, list[str]] | None]
    """The keys of each property object the program declares: the only ones ever compared. Unset
    when they are exactly the keys the property objects hold."""

    def __init__(
        self,
        resource_name: str,
        *,
        connector_type: pulumi.Input[str],
        connector_properties: pulumi.Input[ConnectorPropertiesInput],
        category_properties: pulumi.Input[CategoryPropertiesInput],
        label: pulumi.Input[str] | None = None,
        project_id: pulumi.Input[int] | None = None,
        region: pulumi.Input[str] | None = None,
        existing_connector_id: pulumi.Input[str] | None = None,
        wait_for_import: pulumi.Input[WaitForImportInput] | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        """Declare a connector.

        :param connector_type: `s3Import` or `gcsImport`.
        :param connector_properties: Where the files are: the S3 or the GCS properties, matching the
            type. As an output, as the API returned them (keys the server adds included).
        :param category_properties: Data format, compression and remap. As an output, as the API
            returned them (keys the server adds included).
        :param label: Free text shown in Mixpanel.
        :param project_id: The Mixpanel project the connector lives in; recorded in state.
        :param region: The data residency whose API holds it: us, eu or in; recorded in state.
        :param existing_connector_id: Adopt this existing connector instead of creating one; it must
            match the declared inputs. Read only when the resource is not yet in state: removing it
            later changes nothing, and a replacement creates a new connector.
        :param wait_for_import: After creating the connector, wait for its first import run; if the
            run fails or times out, the deployment fails with the run's error while the connector
            stays in state (the next `up` replaces it).
        """
        props: dict[str, Any] = {
            "connector_type": connector_type,
            "connector_properties": connector_properties,
            "category_properties": category_properties,
            "label": label,
            "project_id": project_id,
            "region": region,
            "existing_connector_id": existing_connector_id,
            "wait_for_import": wait_for_import,
            OWNER_KEY: resource_name,
            "connector_id": None,
            "status": None,
            "created_at": None,
            "created_by": None,
            "failure_message": None,
            "last_import": None,
            "declared_keys": None,
        }
        super().__init__(ConnectorProvider(), resource_name, props, opts)
        self._after_init(resource_name, props)

    # END GENERATED connector

    def _after_init(self, resource_name: str, props: dict[str, Any]) -> None:
        """Fail the deployment when the first import it waited for failed."""
        if props.get("wait_for_import") is not None:
            self.last_import.apply(_check_first_import(resource_name))

    @staticmethod
    def get(
        resource_name: str, id: pulumi.Input[str], opts: pulumi.ResourceOptions | None = None
    ) -> Connector:
        """Look up an existing connector, read-only.

        :param id: the connector id (in the configured project), or
            `"<project_id>:<connector_id>"` to name another project.
        """
        connector = Connector.__new__(Connector)
        props: dict[str, Any] = dict.fromkeys(output_fields())
        merged = pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(id=id))
        pulumi.dynamic.Resource.__init__(
            connector, ConnectorProvider(), resource_name, props, merged
        )
        return connector
