"""Pydantic models of the connectors API: validated create specs and the objects it returns.

Specs are strict (unknown fields and wrong types are errors); response models are tolerant
(every documented shape, unknown extra fields kept), because the live service may answer
either way.
"""

from __future__ import annotations

import math
import re
from datetime import datetime, timezone
from enum import Enum
from typing import Annotated, Any, Literal

from pydantic import (
    AliasChoices,
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    StringConstraints,
    Tag,
    TypeAdapter,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

__all__ = [
    "REGION_BASE_URLS",
    "RUN_COUNTERS",
    "CategoryProperties",
    "Compression",
    "ConnectorRecord",
    "ConnectorSpec",
    "ConnectorType",
    "DataFormat",
    "GcsConnectorProperties",
    "GcsConnectorSpec",
    "ImportRun",
    "ImportRunError",
    "Region",
    "S3ConnectorProperties",
    "S3ConnectorSpec",
    "S3Region",
    "describe_invalid",
    "normalize_project_id",
    "parse_api_time",
    "parse_spec",
    "spec_problems",
]


class ConnectorType(str, Enum):
    """Where Mixpanel pulls files from."""

    S3_IMPORT = "s3Import"
    GCS_IMPORT = "gcsImport"


class DataFormat(str, Enum):
    """What the files hold: Mixpanel's own record shapes, or remapped columns."""

    MIXPANEL_EVENT = "mixpanel_event"
    MIXPANEL_PEOPLE = "mixpanel_people"
    MIXPANEL_GROUP = "mixpanel_group"
    REMAP_EVENT = "remap_event"
    REMAP_PEOPLE = "remap_people"
    REMAP_GROUP = "remap_group"


class Compression(str, Enum):
    """How the files are compressed."""

    NONE = "none"
    GZIP = "gzip"


class Region(str, Enum):
    """Mixpanel data residency, which picks the API host."""

    US = "us"
    EU = "eu"
    IN = "in"


REGION_BASE_URLS: dict[str, str] = {
    "us": "https://mixpanel.com",
    "eu": "https://eu.mixpanel.com",
    "in": "https://in.mixpanel.com",
}


class S3Region(str, Enum):
    """The AWS regions the connectors API accepts for `s3_region`."""

    US_EAST_1 = "us-east-1"
    US_EAST_2 = "us-east-2"
    US_WEST_1 = "us-west-1"
    US_WEST_2 = "us-west-2"
    CA_CENTRAL_1 = "ca-central-1"
    SA_EAST_1 = "sa-east-1"
    EU_CENTRAL_1 = "eu-central-1"
    EU_WEST_1 = "eu-west-1"
    EU_WEST_2 = "eu-west-2"
    EU_WEST_3 = "eu-west-3"
    EU_NORTH_1 = "eu-north-1"
    AP_SOUTH_1 = "ap-south-1"
    AP_NORTHEAST_1 = "ap-northeast-1"
    AP_NORTHEAST_2 = "ap-northeast-2"
    AP_NORTHEAST_3 = "ap-northeast-3"
    AP_SOUTHEAST_1 = "ap-southeast-1"
    AP_SOUTHEAST_2 = "ap-southeast-2"
    CN_NORTH_1 = "cn-north-1"
    CN_NORTHWEST_1 = "cn-northwest-1"


REMAP_REQUIRED_KEYS: dict[DataFormat, tuple[str, ...]] = {
    DataFormat.REMAP_EVENT: ("event_name", "time", "distinct_id"),
    DataFormat.REMAP_PEOPLE: ("$distinct_id",),
    DataFormat.REMAP_GROUP: ("$group_key", "$group_id"),
}

_S3_BUCKET = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
_GCS_BUCKET_PART = re.compile(r"^[a-z0-9][a-z0-9._-]*[a-z0-9]$")
_IPV4 = re.compile(r"^\d{1,3}(\.\d{1,3}){3}$")
_ROLE_ARN = re.compile(r"^arn:aws(-cn|-us-gov)?:iam::\d{12}:role/[A-Za-z0-9+=,.@_/-]{1,512}$")

_Text = Annotated[str, StringConstraints(strict=True)]


def _check_s3_bucket(name: str) -> str:
    if name.startswith("arn:"):
        raise ValueError(f"expected a bucket name, not an ARN: use {name.rsplit(':', 1)[-1]!r}")
    if not _S3_BUCKET.match(name) or ".." in name or _IPV4.match(name):
        raise ValueError(
            f"{name!r} is not a valid S3 bucket name: 3-63 characters of lowercase letters, "
            "digits, dots and hyphens, starting and ending with a letter or digit "
            "(e.g. 'acme-mixpanel-events')"
        )
    return name


def _check_gcs_bucket(name: str) -> str:
    if name.startswith("gs://"):
        raise ValueError(f"expected a bucket name without the gs:// scheme: use {name[5:]!r}")
    parts = name.split(".")
    if (
        not 3 <= len(name) <= 222
        or any(not _GCS_BUCKET_PART.match(p) and len(p) != 1 for p in parts)
        or any(len(p) > 63 or not p for p in parts)
        or not re.match(r"^[a-z0-9]", name)
        or name.startswith("goog")
        or "google" in name
    ):
        raise ValueError(
            f"{name!r} is not a valid GCS bucket name: 3-63 characters of lowercase letters, "
            "digits, dashes, underscores and dots, starting and ending with a letter or digit, "
            "not starting with 'goog' (e.g. 'acme-mixpanel-people')"
        )
    return name


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, use_enum_values=True)


class S3ConnectorProperties(_Spec):
    """Where an s3Import connector reads: bucket, prefix, region, and the role Mixpanel assumes."""

    s3_bucket: _Text = Field(description="Bucket name (not an ARN), e.g. 'acme-events'.")
    s3_prefix: _Text = Field("", description="Key prefix to import; '' means the whole bucket.")
    s3_region: S3Region = Field(description="The bucket's AWS region, e.g. 'us-east-2'.")
    s3_role: _Text = Field(description="ARN of the cross-account IAM role Mixpanel assumes.")

    @field_validator("s3_bucket")
    @classmethod
    def _bucket(cls, value: str) -> str:
        return _check_s3_bucket(value)

    @field_validator("s3_role")
    @classmethod
    def _role(cls, value: str) -> str:
        if not _ROLE_ARN.match(value):
            raise ValueError(
                f"{value!r} is not an IAM role ARN; expected "
                "'arn:aws:iam::<12-digit account>:role/<name>', "
                "e.g. 'arn:aws:iam::123456789012:role/mixpanel-import'"
            )
        return value


class GcsConnectorProperties(_Spec):
    """Where a gcsImport connector reads: bucket and prefix (region optional)."""

    gcs_bucket: _Text = Field(description="Bucket name without gs://, e.g. 'acme-people'.")
    gcs_prefix: _Text = Field("", description="Object prefix to import; '' means the whole bucket.")
    gcs_region: _Text | None = Field(None, description="Optional bucket location, echoed back.")

    @field_validator("gcs_bucket")
    @classmethod
    def _bucket(cls, value: str) -> str:
        return _check_gcs_bucket(value)


class CategoryProperties(_Spec):
    """What the files hold and how they are compressed."""

    data_format: DataFormat = Field(description="Record shape, e.g. 'mixpanel_event'.")
    compression: Compression = Field(Compression.NONE, description="'none' or 'gzip'.")
    property_remap: dict[_Text, _Text] | None = Field(
        None,
        validate_default=True,
        description="For remap_* formats: Mixpanel field -> column name in the files.",
    )

    @field_validator("compression", mode="before")
    @classmethod
    def _null_is_none(cls, value: object) -> object:
        return Compression.NONE.value if value is None else value

    @field_validator("property_remap")
    @classmethod
    def _remap_keys(
        cls, value: dict[str, str] | None, info: ValidationInfo
    ) -> dict[str, str] | None:
        fmt = info.data.get("data_format")
        if fmt is None:
            return value
        required = REMAP_REQUIRED_KEYS.get(DataFormat(fmt))
        if required is None:
            if value is not None:
                raise ValueError(
                    f"property_remap applies only to remap_* formats, not {fmt}; remove it "
                    "or use a remap format"
                )
            return value
        missing = [key for key in required if key not in (value or {})]
        if missing:
            example = ", ".join(f"{k!r}: '<column>'" for k in required)
            raise ValueError(
                f"{fmt} needs property_remap with the keys {', '.join(required)}; "
                f"missing {', '.join(missing)} (e.g. {{{example}}})"
            )
        return value


class S3ConnectorSpec(_Spec):
    """A connector to create that imports from S3."""

    connector_type: Literal["s3Import"] = "s3Import"
    label: _Text = ""
    connector_properties: S3ConnectorProperties
    category_properties: CategoryProperties


class GcsConnectorSpec(_Spec):
    """A connector to create that imports from GCS."""

    connector_type: Literal["gcsImport"] = "gcsImport"
    label: _Text = ""
    connector_properties: GcsConnectorProperties
    category_properties: CategoryProperties


ConnectorSpec = Annotated[
    Annotated[S3ConnectorSpec, Tag("s3Import")] | Annotated[GcsConnectorSpec, Tag("gcsImport")],
    Discriminator("connector_type"),
]
_SPEC_ADAPTER: TypeAdapter[S3ConnectorSpec | GcsConnectorSpec] = TypeAdapter(ConnectorSpec)


def parse_spec(data: object) -> S3ConnectorSpec | GcsConnectorSpec:
    """Validate a create request body (a dict) into a spec; raises pydantic's ValidationError."""
    return _SPEC_ADAPTER.validate_python(data)


def _family_hint(connector_type: object) -> str:
    fields = (
        S3ConnectorProperties.model_fields
        if connector_type == "s3Import"
        else GcsConnectorProperties.model_fields
    )
    return f"{connector_type} takes {', '.join(fields)}"


def spec_problems(data: object) -> list[tuple[str, str]]:
    """Every problem with a create body, as (dotted property path, what is expected) pairs."""
    if not isinstance(data, dict):
        return [("", f"expected an object of connector inputs, got {type(data).__name__}")]
    try:
        parse_spec(data)
    except ValidationError as exc:
        problems: list[tuple[str, str]] = []
        for err in exc.errors(include_url=False):
            loc = [str(p) for p in err["loc"] if p not in ("s3Import", "gcsImport")]
            kind = err["type"]
            path = ".".join(loc)
            if kind in ("union_tag_invalid", "union_tag_not_found"):
                got = data.get("connector_type")
                reason = (
                    "connector_type is required: 's3Import' or 'gcsImport'"
                    if got is None
                    else f"expected 's3Import' or 'gcsImport', got {got!r}"
                )
                problems.append(("connector_type", reason))
                continue
            if kind == "extra_forbidden" and loc[:1] == ["connector_properties"]:
                reason = f"{loc[-1]} is not a property here: {_family_hint(data['connector_type'])}"
            elif kind == "extra_forbidden":
                reason = f"unknown property {loc[-1]!r}"
            elif kind == "missing":
                reason = f"{loc[-1]} is required"
            elif kind == "model_type":
                reason = f"expected an object, got {type(err['input']).__name__}"
            elif kind in ("enum", "literal_error", "string_type", "dict_type"):
                reason = f"{err['msg']}, got {err['input']!r}"
            else:
                reason = err["msg"].removeprefix("Value error, ")
            problems.append((path, reason))
        return problems
    return []


def normalize_project_id(value: object) -> int:
    """A Mixpanel project id as the integer the API paths use.

    Accepts an int, a numeric string, or an integral float (Pulumi sends 1234567 as 1234567.0).
    """
    number: int | None = None
    if isinstance(value, bool):
        number = None
    elif isinstance(value, int):
        number = value
    elif isinstance(value, float) and math.isfinite(value) and value.is_integer():
        number = int(value)
    elif isinstance(value, str) and value.strip().isdigit():
        number = int(value.strip())
    if number is None or number <= 0:
        raise ValueError(f"a project id is a positive integer such as 1234567, got {value!r}")
    return number


_GO_TIME = re.compile(
    r"^(?P<date>\d{4}-\d{2}-\d{2}) (?P<time>\d{2}:\d{2}:\d{2}(?:\.\d+)?) "
    r"(?P<offset>[+-]\d{4})(?: (?:[A-Za-z]+|[+-]\d{4}))?(?: m=[+-]\d+(?:\.\d+)?)?$"
)
_GO_ZERO_YEAR = 1


_EPOCH_MS_FROM = 1e11
"""Epoch values this large are milliseconds (1e11 seconds is the year 5138)."""


def _from_epoch(seconds: float) -> datetime:
    if seconds >= _EPOCH_MS_FROM:
        seconds /= 1000
    try:
        return datetime.fromtimestamp(seconds, tz=timezone.utc)
    except (OverflowError, OSError, ValueError):
        raise ValueError(f"{seconds:g} is not a time in epoch seconds or milliseconds") from None


def parse_api_time(value: object) -> datetime | None:
    """A time as the API writes it, or None for "not set".

    Accepts ISO-8601, epoch seconds (number or digit string) and Go's default format
    (`2020-09-16 07:00:00 +0000 UTC`); `""`, null and Go's zero time mean "not set"
    (docs/api-contract.md, "History").
    """
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        parsed = value
    elif (isinstance(value, (int, float)) and not isinstance(value, bool)) or (
        isinstance(value, str) and re.fullmatch(r"\d+(\.\d+)?", value.strip())
    ):
        parsed = _from_epoch(float(value))
    elif isinstance(value, str) and (go := _GO_TIME.match(value.strip())):
        fraction = go["time"].partition(".")[2]
        clock = go["time"].partition(".")[0] + (f".{fraction[:6]:0<6}" if fraction else "")
        parsed = datetime.fromisoformat(f"{go['date']}T{clock}{go['offset']}")
    elif isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value.strip())
        except ValueError:
            raise ValueError(
                f"{value!r} is not a time (expected ISO-8601, epoch seconds, or "
                "'2020-09-16 07:00:00 +0000 UTC')"
            ) from None
    else:
        raise ValueError(f"expected a time, got {type(value).__name__}")
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return None if parsed.year == _GO_ZERO_YEAR else parsed.astimezone(timezone.utc)


def describe_invalid(exc: ValidationError) -> str:
    """A pydantic error as one line: each bad field's path, what was expected, and what came."""
    parts = []
    for err in exc.errors(include_url=False)[:3]:
        path = ".".join(str(p) for p in err["loc"]) or "(the object)"
        reason = err["msg"].removeprefix("Value error, ")
        got = repr(err["input"])
        got = got if len(got) <= 60 else got[:57] + "..."
        parts.append(f"field {path}: {reason} (got {got})")
    more = exc.error_count() - len(parts)
    return "; ".join(parts) + (f"; and {more} more" if more > 0 else "")


class _Response(BaseModel):
    # Built on first use: preview (check and diff) never parses a response, so the provider
    # host does not pay for these schemas at start.
    model_config = ConfigDict(extra="allow", populate_by_name=True, defer_build=True)


class ConnectorRecord(_Response):
    """A connector as the API returns it; unknown fields are kept in `model_extra`."""

    connector_id: str
    connector_type: str
    label: str = ""
    connector_properties: dict[str, Any] = Field(default_factory=dict)
    category_properties: dict[str, Any] = Field(default_factory=dict)
    status: str | None = None
    failure_message: str | None = None
    created_at: datetime | None = None
    created_by: str | None = None

    @field_validator("connector_id", mode="before")
    @classmethod
    def _id_text(cls, value: object) -> object:
        return str(value) if isinstance(value, int) and not isinstance(value, bool) else value

    @field_validator("label", mode="before")
    @classmethod
    def _label(cls, value: object) -> object:
        return "" if value is None else value

    @field_validator("connector_properties", "category_properties", mode="before")
    @classmethod
    def _props(cls, value: object) -> object:
        return {} if value is None else value

    @field_validator("created_at", mode="before")
    @classmethod
    def _created_at(cls, value: object) -> object:
        return parse_api_time(value)

    @field_validator("created_by", mode="before")
    @classmethod
    def _created_by(cls, value: object) -> object:
        if isinstance(value, dict):
            for key in ("email", "name", "id"):
                if value.get(key) is not None:
                    return str(value[key])
            return None
        return value


class ImportRunError(_Response):
    """Why an import run failed; `code` is the API's `code`, or its `type` in the spec's shape."""

    message: str | None = None
    code: str | None = Field(None, validation_alias=AliasChoices("code", "type"))

    @field_validator("code", mode="before")
    @classmethod
    def _code_text(cls, value: object) -> object:
        return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


RUN_COUNTERS = (
    "num_events_imported",
    "num_events_processed",
    "num_events_dropped",
    "num_files_imported",
    "size_imported",
)


class ImportRun(_Response):
    """One import run of a connector, from its history (docs/api-contract.md, "History").

    `counters` holds every counter the API reports, known or not: the documented runs carry them
    under `connector_properties`, older shapes at the top level.
    """

    id: str | None = Field(None, validation_alias=AliasChoices("id", "run_id"))
    status: str | None = None
    start_time: datetime | None = None
    end_time: datetime | None = None
    progress: float | None = None
    error: ImportRunError | None = None
    counters: dict[str, Any] = Field(
        default_factory=dict, validation_alias=AliasChoices("connector_properties", "counters")
    )

    @model_validator(mode="before")
    @classmethod
    def _top_level_counters(cls, data: object) -> object:
        if not isinstance(data, dict):
            return data
        flat = {k: data[k] for k in RUN_COUNTERS if k in data}
        if not flat:
            return data
        nested = data.get("connector_properties") or data.get("counters") or {}
        rest = {k: v for k, v in data.items() if k not in RUN_COUNTERS}
        return {**rest, "counters": {**flat, **(nested if isinstance(nested, dict) else {})}}

    @field_validator("id", mode="before")
    @classmethod
    def _id_text(cls, value: object) -> object:
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)
        return None if value == "" else value

    @field_validator("start_time", "end_time", mode="before")
    @classmethod
    def _times(cls, value: object) -> object:
        return parse_api_time(value)

    @field_validator("counters", mode="before")
    @classmethod
    def _no_counters(cls, value: object) -> object:
        return {} if value is None else value

    @field_validator("error", mode="before")
    @classmethod
    def _error(cls, value: object) -> object:
        if isinstance(value, str):
            return {"message": value} if value else None
        if isinstance(value, (list, tuple)) and not value:
            return None
        if isinstance(value, dict) and not any(value.get(k) for k in ("message", "code", "type")):
            return None
        return value

    def _count(self, name: str) -> int | None:
        value = self.counters.get(name)
        if isinstance(value, str) and re.fullmatch(r"\d+(\.0+)?", value.strip()):
            return int(float(value))
        if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):
            return int(value)
        return None

    @property
    def num_events_imported(self) -> int | None:
        return self._count("num_events_imported")

    @property
    def num_events_processed(self) -> int | None:
        return self._count("num_events_processed")

    @property
    def num_events_dropped(self) -> int | None:
        return self._count("num_events_dropped")

    @property
    def num_files_imported(self) -> int | None:
        return self._count("num_files_imported")

    @property
    def size_imported(self) -> int | None:
        return self._count("size_imported")

    @property
    def started_or_ended(self) -> datetime | None:
        """When the run began (or, when it never began, ended); None for a queued run."""
        return self.start_time or self.end_time
