"""The Connector's fields and the provider's settings, each declared once.

`python -m mixpanel_connectors._codegen` writes the typed Args classes, their TypedDicts, the
Connector's signature and outputs, the Settings fields and the reference tables of the docs from
these declarations; translate.py, validation.py, config.py, resource.py and `export` read them
at run time. Imports nothing of the package but the wire's plain rules (`_api/rules.py`), so
that preview stays light.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from .._api.rules import (
    Compression,
    DataFormat,
    S3Region,
    gcs_bucket_problem,
    remap_problem,
    role_arn_problem,
    s3_bucket_problem,
    values,
)

__all__ = [
    "FIELDS",
    "SETTINGS",
    "Field",
    "ObjectType",
    "Prop",
    "Setting",
    "SettingKind",
    "field_named",
    "in_place_fields",
    "output_fields",
    "property_objects",
    "replacing_fields",
    "spec_fields",
]


@dataclass(frozen=True)
class Prop:
    """A key of a nested property object, such as `s3_bucket`."""

    name: str
    type: str
    doc: str
    required: bool = False
    default: object = None
    """What check fills in when the key is absent (None: nothing)."""
    choices: tuple[str, ...] = ()
    """The only values the API accepts (empty: any value of `type`)."""
    rule: Callable[..., str | None] | None = None
    """What is wrong with a value of `type`, or None. Called with the value (None when an
    optional key is absent), then with the values of the keys in `given`, once they are valid."""
    given: tuple[str, ...] = ()


@dataclass(frozen=True)
class ObjectType:
    """A nested property object: `<name>Args` and `<name>ArgsDict` are generated from it."""

    name: str
    doc: str
    props: tuple[Prop, ...]
    when: str | None = None
    """The connector_type it belongs to; None: every type."""

    @property
    def args(self) -> str:
        return f"{self.name}Args"


@dataclass(frozen=True)
class Field:
    """A top-level property of the Connector resource."""

    name: str
    doc: str
    input: str | None = None
    """The Python type a program passes; None: an output only."""
    output: str | None = None
    """The type of the Connector's output attribute; None: not an output."""
    required: bool = False
    default: object = None
    """What check fills in when the input is absent (None: nothing)."""
    default_doc: str = ""
    """Where an absent input comes from, when check resolves it from settings."""
    replaces: bool = False
    """A change replaces the connector (otherwise it changes in place)."""
    from_api: bool = False
    """The API's connector record holds it: sent on create, read back, compared on adoption."""
    objects: tuple[ObjectType, ...] = ()


_S3 = ObjectType(
    "S3ConnectorProperties",
    "Where an `s3Import` connector reads from.",
    (
        Prop(
            "s3_bucket",
            "str",
            "Bucket name (not an ARN), e.g. `acme-events`.",
            required=True,
            rule=s3_bucket_problem,
        ),
        Prop(
            "s3_region",
            "str",
            "The bucket's AWS region, one of the API's list, e.g. `us-east-2`.",
            required=True,
            choices=values(S3Region),
        ),
        Prop(
            "s3_role",
            "str",
            "ARN of the cross-account IAM role Mixpanel assumes to read the bucket.",
            required=True,
            rule=role_arn_problem,
        ),
        Prop(
            "s3_prefix",
            "str",
            "Key prefix to import; empty (the default) means the whole bucket.",
            default="",
        ),
    ),
    when="s3Import",
)
_GCS = ObjectType(
    "GcsConnectorProperties",
    "Where a `gcsImport` connector reads from.",
    (
        Prop(
            "gcs_bucket",
            "str",
            "Bucket name without `gs://`, e.g. `acme-people`.",
            required=True,
            rule=gcs_bucket_problem,
        ),
        Prop(
            "gcs_prefix",
            "str",
            "Object prefix to import; empty (the default) means the whole bucket.",
            default="",
        ),
        Prop("gcs_region", "str", "Optional bucket location, echoed back by the API."),
    ),
    when="gcsImport",
)
_CATEGORY = ObjectType(
    "CategoryProperties",
    "What the files hold and how they are compressed.",
    (
        Prop(
            "data_format",
            "str",
            "mixpanel_event, mixpanel_people, mixpanel_group, remap_event, remap_people or "
            "remap_group.",
            required=True,
            choices=values(DataFormat),
        ),
        Prop(
            "compression",
            "str",
            "`none` (the default) or `gzip`.",
            default="none",
            choices=values(Compression),
        ),
        Prop(
            "property_remap",
            "Mapping[str, pulumi.Input[str]]",
            "For remap_* formats: Mixpanel field -> column name in the files (remap_event needs "
            "event_name, time and distinct_id; remap_people $distinct_id; remap_group $group_key "
            "and $group_id).",
            rule=remap_problem,
            given=("data_format",),
        ),
    ),
)
_WAIT = ObjectType(
    "WaitForImport",
    "Make `pulumi up` wait for the new connector's first import run to succeed.",
    (
        Prop(
            "timeout_seconds",
            "float",
            "How long to wait for the run to end (default 600, at most 86400).",
            default=600.0,
        ),
    ),
)

FIELDS: tuple[Field, ...] = (
    Field(
        "connector_type",
        "`s3Import` or `gcsImport`.",
        input="str",
        output="str",
        required=True,
        replaces=True,
        from_api=True,
    ),
    Field(
        "label",
        "Free text shown in Mixpanel.",
        input="str",
        output="str",
        default="",
        replaces=True,
        from_api=True,
    ),
    Field(
        "connector_properties",
        "Where the files are: the S3 or the GCS properties, matching the type. As an output, as "
        "the API returned them (keys the server adds included).",
        input="ConnectorPropertiesInput",
        output="dict[str, Any]",
        required=True,
        replaces=True,
        from_api=True,
        objects=(_S3, _GCS),
    ),
    Field(
        "category_properties",
        "Data format, compression and remap. As an output, as the API returned them (keys the "
        "server adds included).",
        input="CategoryPropertiesInput",
        output="dict[str, Any]",
        required=True,
        replaces=True,
        from_api=True,
        objects=(_CATEGORY,),
    ),
    Field(
        "project_id",
        "The Mixpanel project the connector lives in; recorded in state.",
        input="int",
        output="int",
        default_doc="`mixpanel:projectId` / `MIXPANEL_PROJECT_ID`",
        replaces=True,
    ),
    Field(
        "region",
        "The data residency whose API holds it: us, eu or in; recorded in state.",
        input="str",
        output="str",
        default_doc="`mixpanel:region` / `MIXPANEL_REGION`, else `us`",
        replaces=True,
    ),
    Field(
        "existing_connector_id",
        "Adopt this existing connector instead of creating one; it must match the declared "
        "inputs. Read only when the resource is not yet in state: removing it later changes "
        "nothing, and a replacement creates a new connector.",
        input="str",
    ),
    Field(
        "wait_for_import",
        "After creating the connector, wait for its first import run; if the run fails or "
        "times out, the deployment fails with the run's error while the connector stays in "
        "state (the next `up` replaces it).",
        input="WaitForImportInput",
        objects=(_WAIT,),
    ),
    Field(
        "connector_id",
        "The connector's id, as the API assigned it (also the resource id, which is "
        "`<project_id>:<connector_id>` after an import).",
        output="str",
        from_api=True,
    ),
    Field(
        "status",
        "active, paused or stopped (the API may also say nothing).",
        output="str | None",
        from_api=True,
    ),
    Field(
        "created_at",
        "When the connector was created, ISO-8601.",
        output="str | None",
        from_api=True,
    ),
    Field("created_by", "Who created it (an email).", output="str | None", from_api=True),
    Field(
        "failure_message",
        "Why a paused connector stopped importing.",
        output="str | None",
        from_api=True,
    ),
    Field(
        "last_import",
        "With `wait_for_import`: the first run's status, counters and error.",
        output="dict[str, Any] | None",
    ),
    Field(
        "declared_keys",
        "The keys of each property object the program declares: the only ones ever compared. "
        "Unset when they are exactly the keys the property objects hold.",
        output="dict[str, list[str]] | None",
    ),
)


def field_named(name: str, fields: tuple[Field, ...] = FIELDS) -> Field:
    """The declared field called `name`."""
    return next(f for f in fields if f.name == name)


def spec_fields(fields: tuple[Field, ...] = FIELDS) -> tuple[str, ...]:
    """The inputs sent to the API on create (the connector's spec)."""
    return tuple(f.name for f in fields if f.input is not None and f.from_api)


def replacing_fields(fields: tuple[Field, ...] = FIELDS) -> tuple[str, ...]:
    """The inputs whose change replaces the connector."""
    return tuple(f.name for f in fields if f.input is not None and f.replaces)


def in_place_fields(fields: tuple[Field, ...] = FIELDS) -> tuple[str, ...]:
    """The inputs that change in place, kept in outputs when set."""
    return tuple(f.name for f in fields if f.input is not None and not f.replaces)


def output_fields(fields: tuple[Field, ...] = FIELDS) -> tuple[str, ...]:
    """The Connector's output attributes."""
    return tuple(f.name for f in fields if f.output is not None)


def property_objects(fields: tuple[Field, ...] = FIELDS) -> tuple[str, ...]:
    """The nested objects of the spec, compared key by key over the declared keys."""
    return tuple(f.name for f in fields if f.input is not None and f.from_api and f.objects)


SettingKind = Literal["username", "text", "project", "region", "url", "seconds", "count"]


@dataclass(frozen=True)
class Setting:
    """A provider setting: stack config first, then the environment variable."""

    name: str
    key: str
    env: str
    kind: SettingKind
    doc: str
    default: str | int | float | None = None
    required: bool = False
    secret: bool = False
    flag: str | None = None
    """The command line's flag for it, if it has one."""


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "service_account",
        "mixpanel:serviceAccount",
        "MIXPANEL_SERVICE_ACCOUNT",
        "username",
        "The service account's username.",
        required=True,
        flag="--service-account",
    ),
    Setting(
        "secret",
        "mixpanel:serviceAccountSecret",
        "MIXPANEL_SERVICE_ACCOUNT_SECRET",
        "text",
        "The service account's secret.",
        required=True,
        secret=True,
    ),
    Setting(
        "project_id",
        "mixpanel:projectId",
        "MIXPANEL_PROJECT_ID",
        "project",
        "The project of resources that set no `project_id` (without it, every resource sets one).",
        flag="--project",
    ),
    Setting(
        "region",
        "mixpanel:region",
        "MIXPANEL_REGION",
        "region",
        "us, eu or in.",
        "us",
        flag="--region",
    ),
    Setting(
        "base_url",
        "mixpanel:baseUrl",
        "MIXPANEL_BASE_URL",
        "url",
        "The API's base URL, e.g. the emulator's; wins over the region.",
        flag="--base-url",
    ),
    Setting(
        "connect_timeout",
        "mixpanel:connectTimeout",
        "MIXPANEL_CONNECT_TIMEOUT",
        "seconds",
        "Seconds to wait for a connection.",
        5.0,
    ),
    Setting(
        "read_timeout",
        "mixpanel:readTimeout",
        "MIXPANEL_READ_TIMEOUT",
        "seconds",
        "Seconds to wait for an answer.",
        30.0,
    ),
    Setting(
        "max_retries",
        "mixpanel:maxRetries",
        "MIXPANEL_MAX_RETRIES",
        "count",
        "Retries of a failed request that is safe to retry.",
        4,
    ),
    Setting(
        "timeout_seconds",
        "mixpanel:timeoutSeconds",
        "MIXPANEL_TIMEOUT_SECONDS",
        "seconds",
        "Seconds per operation in total, retries included.",
        300.0,
    ),
)
