"""Checks and documents shared by the AWS and GCP components (no cloud SDK needed)."""

from __future__ import annotations

import re
from typing import Any

import pulumi

from ._api.errors import AccessInputError

__all__ = [
    "AccessInputError",
    "check_bucket_name",
    "check_email",
    "check_kms_key_arn",
    "check_prefix",
    "validated",
]

_KMS_ARN = re.compile(r"^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:(key|alias)/[A-Za-z0-9/_+=.@-]+$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def check_prefix(component: str, value: str) -> str:
    if value.startswith("/"):
        raise AccessInputError(
            f"{component}: prefix {value!r} must not start with '/': object keys have no leading "
            f"slash, so it would match nothing; use {value.lstrip('/')!r}"
        )
    return value


def check_bucket_name(component: str, value: str, scheme: str) -> str:
    if value.startswith("arn:"):
        raise AccessInputError(
            f"{component}: bucket {value!r} is an ARN; pass the bucket name "
            f"({value.rsplit(':', 1)[-1]!r}) or the bucket resource"
        )
    if value.startswith(f"{scheme}://") or "/" in value:
        raise AccessInputError(
            f"{component}: bucket {value!r} must be a bare bucket name, without {scheme}:// or a "
            "path; put the path in prefix"
        )
    return value


def check_kms_key_arn(component: str, value: str) -> str:
    if not _KMS_ARN.match(value):
        raise AccessInputError(
            f"{component}: kms_key_arn {value!r} is not a KMS key ARN; expected "
            "'arn:aws:kms:<region>:<account>:key/<key-id>'"
        )
    return value


def check_email(component: str, value: str) -> str:
    if not _EMAIL.match(value):
        raise AccessInputError(
            f"{component}: service_account_email {value!r} is not an email address; use the "
            "service account Mixpanel gave you, e.g. 'export-123@mixpanel.iam.gserviceaccount.com'"
        )
    return value


def validated(
    value: pulumi.Input[str], check: Any, component: str, *extra: Any
) -> pulumi.Output[str]:
    """Check a plain value now (so preview fails at once), an Output once it is known."""
    if isinstance(value, str):
        return pulumi.Output.from_input(check(component, value, *extra))
    known: pulumi.Output[str] = pulumi.Output.from_input(value)
    return known.apply(lambda v: check(component, v, *extra))
