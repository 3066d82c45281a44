"""Pydantic models of the connectors API: validated create specs and the objects it returns.

Specs are strict (unknown fields and wrong types are errors); response models are tolerant
(every documented shape, unknown extra fields kept), because the live service may answer
either way.
"""

from __future__ import annotations

import math
import re
from datetime import datetime, timezone
from typing import Annotated, Any, Literal, cast

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

from .rules import (
    RUN_COUNTERS,
    Compression,
    ConnectorType,
    DataFormat,
    Region,
    S3Region,
    gcs_bucket_problem,
    normalize_project_id,
    remap_problem,
    role_arn_problem,
    s3_bucket_problem,
)
from .urls import REGION_BASE_URLS

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


_Text = Annotated[str, StringConstraints(strict=True)]


def _valid(value: str, problem: str | None) -> str:
    """The value, or the rule's problem raised for pydantic to report."""
    if problem is not None:
        raise ValueError(problem)
    return value


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
        return _valid(value, s3_bucket_problem(value))

    @field_validator("s3_role")
    @classmethod
    def _role(cls, value: str) -> str:
        return _valid(value, role_arn_problem(value))


class GcsConnectorProperties(_Spec):
    """Where a gcsImport connector reads: bucket and prefix (region optional)."""

    gcs_bucket: _Text = Field(description="Bucket name without gs://, e.g. 'acme-people'.")
    gcs_prefix: _Text = Field("", description="Object prefix to import; '' means the whole bucket.")
    gcs_region: _Text | None = Field(None, description="Optional bucket location, echoed back.")

    @field_validator("gcs_bucket")
    @classmethod
    def _bucket(cls, value: str) -> str:
        return _valid(value, gcs_bucket_problem(value))


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
        problem = None if fmt is None else remap_problem(value, fmt)
        if problem is not None:
            raise ValueError(problem)
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
# mypy 1.20 reads the parameter as type[T] in some runs and TypeForm[T] in others (it varied here
# with the cache); the cast type-checks under both.
_SPEC_ADAPTER = TypeAdapter(cast("type[S3ConnectorSpec | GcsConnectorSpec]", ConnectorSpec))


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


_GO_TIME = re.compile(
    r"^(?P<date>\d{4}-\d{2}-\d{2}) (?P<time>\d{2}:\d{2}:\d{2}(?:\.\d+)?) "
    r"(?P<offset>[+-]\d{4})(?: (?:[A-Za-z]+|[+-]\d{4}))?(?: m=[+-]\d+(?:\.\d+)?)?$"
)
_GO_ZERO_YEAR = 1


_ISO_FRACTION = re.compile(r"(T\d{2}:\d{2}:\d{2})\.(\d+)")


def _as_python_310_reads(text: str) -> str:
    """ISO-8601 text in the form Python 3.10's `fromisoformat` reads too, meaning the same: a
    trailing Z as +00:00, a fraction of seconds as six digits (3.11 reads both as they are; on
    3.10 the documented `2020-09-17T02:10:33.799738Z` failed)."""
    if text[-1:] in ("Z", "z"):
        text = f"{text[:-1]}+00:00"
    return _ISO_FRACTION.sub(lambda m: f"{m[1]}.{m[2][:6]:0<6}", text, count=1)


_EPOCH_TEXT = re.compile(r"\d+(\.\d+)?")
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
        isinstance(value, str) and _EPOCH_TEXT.fullmatch(value.strip())
    ):
        parsed = _from_epoch(float(value))
    elif isinstance(value, str) and (go := _GO_TIME.match(value.strip())):
        fraction = go["time"].partition(".")[2]
        clock = go["time"].partition(".")[0] + (f".{fraction[:6]:0<6}" if fraction else "")
        parsed = datetime.fromisoformat(f"{go['date']}T{clock}{go['offset']}")
    elif isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(_as_python_310_reads(value.strip()))
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

    def plain(self) -> dict[str, Any]:
        """Its fields as plain values, as state keeps them: the time as ISO-8601 text in UTC,
        property objects as new dicts; unknown fields as the API sent them."""
        values = {**(self.model_extra or {})}
        values.update((name, getattr(self, name)) for name in type(self).model_fields)
        values["created_at"] = None if self.created_at is None else self.created_at.isoformat()
        for name in ("connector_properties", "category_properties"):
            values[name] = dict(values[name])
        return values


def connector_values(payload: dict[str, Any]) -> dict[str, Any]:
    """A connector answer (a decoded JSON object: its keys are strings) as
    `ConnectorRecord.model_validate(payload).plain()` reads it, raising the same ValidationError
    where that raises.

    The documented shape is read without building the model: the provider reads an answer on
    every create and refresh, and validating it through the model measured 0.75 to 1.4% of a
    refresh's time in the provider host (benchmarks/README.md, "Variants in plain hosts").
    """
    values = _documented_values(payload)
    return values if values is not None else ConnectorRecord.model_validate(payload).plain()


_PLAIN_UTC_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{6})?(?:Z|\+00:00)")
"""ISO-8601 in UTC as Mixpanel writes it (and as Python 3.10 reads it, after Z -> +00:00)."""


def _documented_values(payload: dict[str, Any]) -> dict[str, Any] | None:
    """`connector_values` for an answer whose every field has its plainest documented form
    (unknown fields are kept as they are, as the model keeps them); None for anything else,
    which the model reads. Reads every field of `ConnectorRecord` (a test holds them to its
    fields: one added there must be read here too, or its validator would be skipped)."""
    get = payload.get
    connector_id, connector_type = get("connector_id"), get("connector_type")
    props, category = get("connector_properties"), get("category_properties")
    if not (
        type(connector_id) is str
        and type(connector_type) is str
        and type(props) is dict
        and type(category) is dict
    ):
        return None
    label, status, failure, created_by = (
        get("label"), get("status"), get("failure_message"), get("created_by")
    )  # fmt: skip
    for text in (label, status, failure, created_by):
        if text is not None and type(text) is not str:
            return None
    created = get("created_at")
    if created == "":
        created = None
    elif created is not None:
        if type(created) is not str or not _PLAIN_UTC_TIME.fullmatch(created):
            return None
        try:
            when = datetime.fromisoformat(
                f"{created[:-1]}+00:00" if created[-1] == "Z" else created
            )
        except ValueError:
            return None  # a day or hour that does not exist: the model says which
        created = None if when.year == _GO_ZERO_YEAR else when.isoformat()
    return {
        **payload,
        "connector_id": connector_id,
        "connector_type": connector_type,
        "label": "" if label is None else label,
        "connector_properties": dict(props),
        "category_properties": dict(category),
        "status": status,
        "failure_message": failure,
        "created_at": created,
        "created_by": created_by,
    }


class ImportRunError(_Response):
    """Why an import run failed; `code` is the API's `code`, or its `type` in the spec's shape."""

    message: str | None = None
    code: str | None = Field(None, validation_alias=AliasChoices("code", "type"))

    @field_validator("code", mode="before")
    @classmethod
    def _code_text(cls, value: object) -> object:
        return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


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
