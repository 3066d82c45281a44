"""The API's vocabulary and value rules in plain Python: enums, names, project ids, counters.

`models.py` builds the pydantic models on these; check validates with them through the
declaration in `_lifecycle/schema.py`, so that preview never loads pydantic. Each rule returns
what is wrong (and how to fix it), or None.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from enum import Enum

__all__ = [
    "REMAP_REQUIRED_KEYS",
    "RUN_COUNTERS",
    "Compression",
    "ConnectorType",
    "DataFormat",
    "Region",
    "S3Region",
    "gcs_bucket_problem",
    "normalize_project_id",
    "remap_problem",
    "role_arn_problem",
    "s3_bucket_problem",
    "values",
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


class S3Region(str, Enum):
    """The AWS regions the connectors API accepts for an S3 connector's bucket region."""

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


def values(enum: type[Enum]) -> tuple[str, ...]:
    """An enum's values, in declaration order."""
    return tuple(str(member.value) for member in enum)


REMAP_REQUIRED_KEYS: dict[DataFormat, tuple[str, ...]] = {
    DataFormat.REMAP_EVENT: ("event_name", "time", "distinct_id"),
    DataFormat.REMAP_PEOPLE: ("$distinct_id",),
    DataFormat.REMAP_GROUP: ("$group_key", "$group_id"),
}

RUN_COUNTERS = (
    "num_events_imported",
    "num_events_processed",
    "num_events_dropped",
    "num_files_imported",
    "size_imported",
)
"""The counters an import run reports."""

_S3_BUCKET = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
_GCS_BUCKET_PART = re.compile(r"^[a-z0-9][a-z0-9._-]*[a-z0-9]$")
_IPV4 = re.compile(r"^\d{1,3}(\.\d{1,3}){3}$")
_ROLE_ARN = re.compile(r"^arn:aws(-cn|-us-gov)?:iam::\d{12}:role/[A-Za-z0-9+=,.@_/-]{1,512}$")


def s3_bucket_problem(name: str) -> str | None:
    """What is wrong with an S3 bucket name, if anything."""
    if name.startswith("arn:"):
        return f"expected a bucket name, not an ARN: use {name.rsplit(':', 1)[-1]!r}"
    if not _S3_BUCKET.match(name) or ".." in name or _IPV4.match(name):
        return (
            f"{name!r} is not a valid S3 bucket name: 3-63 characters of lowercase letters, "
            "digits, dots and hyphens, starting and ending with a letter or digit "
            "(e.g. 'acme-mixpanel-events')"
        )
    return None


def gcs_bucket_problem(name: str) -> str | None:
    """What is wrong with a GCS bucket name, if anything."""
    if name.startswith("gs://"):
        return f"expected a bucket name without the gs:// scheme: use {name[5:]!r}"
    parts = name.split(".")
    if (
        not 3 <= len(name) <= 222
        or any(not _GCS_BUCKET_PART.match(p) and len(p) != 1 for p in parts)
        or any(len(p) > 63 or not p for p in parts)
        or not re.match(r"^[a-z0-9]", name)
        or name.startswith("goog")
        or "google" in name
    ):
        return (
            f"{name!r} is not a valid GCS bucket name: 3-63 characters of lowercase letters, "
            "digits, dashes, underscores and dots, starting and ending with a letter or digit, "
            "not starting with 'goog' (e.g. 'acme-mixpanel-people')"
        )
    return None


def role_arn_problem(arn: str) -> str | None:
    """What is wrong with the ARN of the IAM role Mixpanel assumes, if anything."""
    if _ROLE_ARN.match(arn):
        return None
    return (
        f"{arn!r} is not an IAM role ARN; expected "
        "'arn:aws:iam::<12-digit account>:role/<name>', "
        "e.g. 'arn:aws:iam::123456789012:role/mixpanel-import'"
    )


def remap_problem(remap: Mapping[str, str] | None, data_format: str) -> str | None:
    """What is wrong with `property_remap` (None: not given) for a valid data format."""
    required = REMAP_REQUIRED_KEYS.get(data_format)  # type: ignore[call-overload]  # members equal their values
    if required is None:
        if remap is None:
            return None
        return (
            f"property_remap applies only to remap_* formats, not {DataFormat(data_format).value}; "
            "remove it or use a remap format"
        )
    missing = [key for key in required if key not in (remap or {})]
    if not missing:
        return None
    fmt = DataFormat(data_format)
    example = ", ".join(f"{k!r}: '<column>'" for k in required)
    return (
        f"{fmt.value} needs property_remap with the keys {', '.join(required)}; "
        f"missing {', '.join(missing)} (e.g. {{{example}}})"
    )


MAX_PROJECT_ID = 2**53 - 1
"""The largest integer a float (how Pulumi sends numbers) holds exactly."""


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
    if number > MAX_PROJECT_ID:
        raise ValueError(
            f"a project id is at most {MAX_PROJECT_ID} (larger numbers lose digits on the way "
            f"through Pulumi, which sends numbers as floats), got {value!r}"
        )
    return number
