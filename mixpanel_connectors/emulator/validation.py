"""The emulator's own check of a create body, written from API.md (not from the client's models)."""

from __future__ import annotations

import re
from typing import Any

from .errors import ApiProblem

S3_REGIONS = frozenset(
    (
        "us-east-1", "us-east-2", "us-west-1", "us-west-2", "ca-central-1", "sa-east-1",
        "eu-central-1", "eu-west-1", "eu-west-2", "eu-west-3", "eu-north-1", "ap-south-1",
        "ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-southeast-1", "ap-southeast-2",
        "cn-north-1", "cn-northwest-1",
    )
)  # fmt: skip
DATA_FORMATS = (
    "mixpanel_event",
    "mixpanel_people",
    "mixpanel_group",
    "remap_event",
    "remap_people",
    "remap_group",
)
REMAP_KEYS = {
    "remap_event": ("event_name", "time", "distinct_id"),
    "remap_people": ("$distinct_id",),
    "remap_group": ("$group_key", "$group_id"),
}
PROPERTIES = {
    "s3Import": {"required": ("s3_bucket", "s3_prefix", "s3_region", "s3_role"), "optional": ()},
    "gcsImport": {"required": ("gcs_bucket", "gcs_prefix"), "optional": ("gcs_region",)},
}
TOP_LEVEL = ("connector_type", "label", "connector_properties", "category_properties")
CATEGORY = ("data_format", "compression", "property_remap")
_ROLE = re.compile(r"^arn:aws[a-z-]*:iam::\d{12}:role/\S+$")
_BUCKET = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9._-]{0,221}$")


def _missing(prop: str) -> ApiProblem:
    return ApiProblem(
        400, f"Missing required property: {prop}", kind="missing_required_property", prop=prop
    )


def _invalid(prop: str, why: str) -> ApiProblem:
    return ApiProblem(400, f"Invalid property {prop}: {why}", kind="invalid_property", prop=prop)


def _object(body: dict[str, Any], key: str) -> dict[str, Any]:
    if key not in body:
        raise _missing(key)
    value = body[key]
    if not isinstance(value, dict):
        raise _invalid(key, "must be an object")
    return value


def _unknown(given: dict[str, Any], allowed: tuple[str, ...], where: str) -> None:
    for key in given:
        if key not in allowed:
            raise _invalid(f"{where}{key}", "unknown property")


def validate_create(body: dict[str, Any]) -> dict[str, Any]:
    """The connector fields to store, or ApiProblem(400) naming the first bad property."""
    _unknown(body, TOP_LEVEL, "")
    kind = body.get("connector_type")
    if kind is None:
        raise _missing("connector_type")
    if not isinstance(kind, str) or kind not in PROPERTIES:
        raise _invalid("connector_type", f"must be one of {', '.join(PROPERTIES)}")
    label = body.get("label", "")
    if label is None:
        label = ""
    if not isinstance(label, str):
        raise _invalid("label", "must be a string")

    props = _object(body, "connector_properties")
    family = PROPERTIES[kind]
    _unknown(props, family["required"] + family["optional"], "connector_properties.")
    for key in family["required"] + family["optional"]:
        path = f"connector_properties.{key}"
        if key not in props:
            if key in family["required"]:
                raise _missing(path)
            continue
        if not isinstance(props[key], str):
            raise _invalid(path, "must be a string")
    bucket_key = "s3_bucket" if kind == "s3Import" else "gcs_bucket"
    if not props[bucket_key]:
        raise _invalid(f"connector_properties.{bucket_key}", "must not be empty")
    if not _BUCKET.match(props[bucket_key]) or ".." in props[bucket_key]:
        raise _invalid(
            f"connector_properties.{bucket_key}",
            "a bucket name is letters, digits, '.', '-' and '_', not a path",
        )
    if kind == "s3Import":
        if props["s3_region"] not in S3_REGIONS:
            raise _invalid("connector_properties.s3_region", "not a supported AWS region")
        if not _ROLE.match(props["s3_role"]):
            raise _invalid("connector_properties.s3_role", "must be an IAM role ARN")

    category = _object(body, "category_properties")
    _unknown(category, CATEGORY, "category_properties.")
    data_format = category.get("data_format")
    if data_format is None:
        raise _missing("category_properties.data_format")
    if data_format not in DATA_FORMATS:
        raise _invalid(
            "category_properties.data_format", f"must be one of {', '.join(DATA_FORMATS)}"
        )
    compression = category.get("compression")
    if compression not in (None, "none", "gzip"):
        raise _invalid("category_properties.compression", "must be none or gzip")
    stored_category: dict[str, Any] = {"data_format": data_format, "compression": compression}
    if data_format in REMAP_KEYS:
        remap = category.get("property_remap")
        if not isinstance(remap, dict):
            raise _missing("category_properties.property_remap")
        for key in REMAP_KEYS[data_format]:
            if not isinstance(remap.get(key), str):
                raise _missing(f"category_properties.property_remap.{key}")
        stored_category["property_remap"] = remap
    elif category.get("property_remap") is not None:
        raise _invalid("category_properties.property_remap", f"not used by {data_format}")

    stored_props = dict(props)
    if kind == "gcsImport":
        stored_props.setdefault("gcs_region", None)
    return {
        "connector_type": kind,
        "label": label,
        "connector_properties": stored_props,
        "category_properties": stored_category,
    }
