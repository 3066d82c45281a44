"""Check-time rules that keep one live connector managed by exactly one resource.

`existing_connector_id` is read as Pulumi reads an import id: only when the resource is not yet in
state. Within a deployment, no two resources may adopt one connector, adopt one another created,
or declare identical connectors (reconciliation after a lost create answer could not tell them
apart, and both would import the same files).
"""

from __future__ import annotations

import hashlib
from typing import Any

from .ledger import Ledger, owner_label
from .translate import OWNER_KEY, SPEC_FIELDS, is_unknown

__all__ = ["owner_of", "ownership_problems"]


def owner_of(props: dict[str, Any]) -> str | None:
    """The Pulumi resource name the Connector class sends with its inputs, if any."""
    owner = props.get(OWNER_KEY)
    return owner if isinstance(owner, str) and owner else None


_UNCOMPARED_WHEN_ABSENT = ("gcs_region",)
"""Optional keys without a default: the server fills them, so reconciliation cannot tell a
connector that declares one from one that does not."""


class _NotYetKnown(Exception):
    """A value the fingerprint needs is unknown (preview)."""


def _fingerprint(inputs: dict[str, Any]) -> bytes | None:
    """A short digest of what reconciliation compares; None while anything is unknown.

    `inputs` are checked: plain values, with unknowns marked by the sentinel string. The digest
    is of the `repr` of `_ordered(...)`, as exact as JSON with sorted keys (distinct values
    give distinct text) and cheaper: check runs on every preview.
    """
    declared = {k: inputs.get(k) for k in (*SPEC_FIELDS, "project_id")}
    props = declared.get("connector_properties")
    if isinstance(props, dict):
        declared["connector_properties"] = {
            k: v for k, v in props.items() if k not in _UNCOMPARED_WHEN_ABSENT
        }
    try:
        text = repr(_ordered(declared))
    except (_NotYetKnown, TypeError):  # TypeError: keys that cannot be ordered, as JSON's
        return None
    return hashlib.blake2b(text.encode(), digest_size=16).digest()


def _ordered(value: object) -> object:
    """The value with each object as a tuple of its (key, value) pairs in key order and each
    sequence as a list; raises _NotYetKnown at an unknown."""
    if isinstance(value, dict):
        return tuple(sorted([(k, _ordered(v)) for k, v in value.items()]))
    if isinstance(value, (list, tuple)):
        return [_ordered(v) for v in value]
    if is_unknown(value):
        raise _NotYetKnown
    return value


def adoption_change(olds: dict[str, Any], news: dict[str, Any]) -> str | None:
    """Why a resource in state cannot take the `existing_connector_id` now declared, if so.

    `olds` are the resource's outputs: the connector it manages, and the id it adopted (which
    a replacement may have deleted since). Declaring either, or nothing, changes nothing.
    """
    new = news.get("existing_connector_id")
    managed = olds.get("connector_id")
    adopted = olds.get("existing_connector_id")
    if new is None or is_unknown(new) or new in (managed, adopted):
        return None
    return (
        f"existing_connector_id is now {new!r}, but it is read only when the resource is first "
        f"created, and this resource manages connector {managed!r}. Declare {managed!r} or "
        f"nothing; to manage {new!r} instead, run `pulumi state delete` on this resource (which "
        f"leaves {managed!r} running, unmanaged) and `pulumi up` again"
    )


def ownership_problems(
    olds: dict[str, Any], inputs: dict[str, Any], ledger: Ledger
) -> list[tuple[str, str]]:
    """What would make two resources manage one connector, as (property path, reason) pairs.

    A resource already in state is checked in diff instead, where its connector id is known.
    """
    owner = owner_of(inputs)
    existing = inputs.get("existing_connector_id")
    problems: list[tuple[str, str]] = []
    if owner is None:
        return problems  # without the resource's name, no two resources can be told apart
    adopting = isinstance(existing, str) and existing != "" and not is_unknown(existing)
    if adopting and not olds and not ledger.was_deleted(str(existing)):
        other = ledger.claim(str(existing), owner)
        if other is not None:
            problems.append(
                (
                    "existing_connector_id",
                    f"connector {existing} is already managed by {other} in this deployment, and "
                    f"{owner_label(owner)} adopts it too; one connector must never be managed by "
                    "two resources: remove existing_connector_id from one of them",
                )
            )
    fingerprint = None if existing is not None else _fingerprint(inputs)
    if fingerprint is not None:
        twin = ledger.declare(owner, fingerprint)
        if twin is not None:
            problems.append(
                (
                    "",
                    f"Connectors {twin!r} and {owner!r} declare connectors that cannot be told "
                    "apart (same project, type, properties, category properties and label, "
                    "gcs_region aside): both would import the same files, and a create whose "
                    "answer is lost could adopt its twin. Give them different labels, or remove "
                    "one",
                )
            )
    return problems
