"""Check-time rules that keep one live connector managed by exactly one resource.

`existing_connector_id` is read as Pulumi reads an import id: only when the resource is not yet in
state. Within a deployment, no two resources may adopt one connector, adopt one another created,
or declare identical connectors (reconciliation after a lost create answer could not tell them
apart, and both would import the same files).
"""

from __future__ import annotations

import json
from typing import Any

from .ledger import Ledger, owner_label
from .properties import OWNER_KEY, SPEC_FIELDS, contains_unknown, is_unknown

__all__ = ["owner_of", "ownership_problems"]


def owner_of(props: dict[str, Any]) -> str | None:
    """The Pulumi resource name the Connector class sends with its inputs, if any."""
    owner = props.get(OWNER_KEY)
    return owner if isinstance(owner, str) and owner else None


def _fingerprint(inputs: dict[str, Any]) -> str | None:
    declared = {k: inputs.get(k) for k in (*SPEC_FIELDS, "project_id")}
    if contains_unknown(declared):
        return None
    return json.dumps(declared, sort_keys=True, default=str)


def _changed_adoption(olds: dict[str, Any], new: object) -> str | None:
    old = olds.get("existing_connector_id")
    if new is None or is_unknown(new) or new == old:
        return None
    if old:
        return (
            f"existing_connector_id changed from {old!r} to {new!r}, but it is read only when the "
            f"resource is first created: this resource manages {old!r}. Put {old!r} back; to "
            f"manage {new!r} instead, run `pulumi state delete` on this resource (which leaves "
            f"{old!r} running, unmanaged) and `pulumi up` again"
        )
    return (
        f"existing_connector_id {new!r} was added to a Connector that already manages the "
        "connector it created, but it is read only when the resource is first created. Remove "
        f"it; to manage {new!r} instead, run `pulumi state delete` on this resource (its "
        "connector keeps running, unmanaged) and `pulumi up` again"
    )


def ownership_problems(
    olds: dict[str, Any], inputs: dict[str, Any], ledger: Ledger
) -> list[tuple[str, str]]:
    """What would make two resources manage one connector, as (property path, reason) pairs."""
    owner = owner_of(inputs)
    existing = inputs.get("existing_connector_id")
    if olds:
        changed = _changed_adoption(olds, existing)
        if changed:
            return [("existing_connector_id", changed)]
    problems: list[tuple[str, str]] = []
    if owner is None:
        return problems  # without the resource's name, no two resources can be told apart
    if isinstance(existing, str) and existing and not ledger.was_deleted(existing):
        other = ledger.claim(existing, owner)
        if other is not None:
            problems.append(
                (
                    "existing_connector_id",
                    f"connector {existing} is already managed by {other} in this deployment, and "
                    f"{owner_label(owner)} adopts it too; one connector must never be managed by "
                    "two resources: remove existing_connector_id from one of them",
                )
            )
    fingerprint = _fingerprint(inputs)
    if fingerprint is not None:
        twin = ledger.declare(owner, fingerprint)
        if twin is not None:
            problems.append(
                (
                    "",
                    f"Connectors {twin!r} and {owner!r} declare identical connectors (same type, "
                    "properties, category properties and label in one project): both would "
                    "import the same files, and a create whose answer is lost could not be told "
                    "apart from its twin. Give them different labels, or remove one",
                )
            )
    return problems
