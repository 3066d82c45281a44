"""What one provider host has seen in the current deployment: who manages which connector.

The engine starts one dynamic-provider host per deployment and every Connector of the stack goes
through it, so this memory spans exactly one `pulumi preview` or `pulumi up`. It is never pickled
into state (the provider's `__getstate__` drops it). Owners are Pulumi resource names; an unknown
owner (None) never matches another, so it is always treated as someone else.
"""

from __future__ import annotations

import threading

__all__ = ["Ledger", "owner_label"]


def owner_label(owner: str | None) -> str:
    """How a message names a resource."""
    return f"Connector {owner!r}" if owner else "another Connector"


class Ledger:
    """Claimed connector ids, declared specs, deletions and replacements under way."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._owners: dict[str, str | None] = {}
        self._specs: dict[str, bytes] = {}
        self._declaring: dict[bytes, tuple[str, ...]] = {}
        """Owners by the spec they declare: nearly always one, and a 1-tuple is a quarter of
        a set's memory (the ledger holds one per connector of the stack)."""
        self._deleted: set[str] = set()
        self._replacing: dict[str, str] = {}

    def claim(self, connector_id: str, owner: str | None = None) -> str | None:
        """Record that `owner` manages the connector; returns the label of a different owner
        that already does (and records nothing), or None."""
        with self._lock:
            if connector_id in self._owners:
                current = self._owners[connector_id]
                if owner is None or current != owner:
                    return owner_label(current)
                return None
            self._owners[connector_id] = owner
            return None

    def managed_by_another(self, connector_id: str, owner: str | None) -> bool:
        """True when a resource other than `owner` (both named) has claimed the connector."""
        with self._lock:
            current = self._owners.get(connector_id)
            return owner is not None and current is not None and current != owner

    def release(self, connector_id: str) -> None:
        """Forget a claim once its connector is deleted."""
        with self._lock:
            self._owners.pop(connector_id, None)

    def __contains__(self, connector_id: object) -> bool:
        with self._lock:
            return connector_id in self._owners

    def declare(self, owner: str, fingerprint: bytes) -> str | None:
        """Record the spec a resource declares; returns another owner declaring the same one.

        Indexed by fingerprint, so a Check costs the same in a stack of 10 or 10,000 connectors.
        """
        with self._lock:
            before = self._specs.get(owner)
            if before is not None and before != fingerprint:
                rest = tuple(o for o in self._declaring[before] if o != owner)
                if rest:
                    self._declaring[before] = rest
                else:
                    del self._declaring[before]
            self._specs[owner] = fingerprint
            owners = self._declaring.get(fingerprint, ())
            if owner not in owners:
                owners = self._declaring[fingerprint] = (*owners, owner)
            return next((other for other in sorted(owners) if other != owner), None)

    def deleted(self, connector_id: str) -> None:
        """Record a connector this deployment deleted."""
        with self._lock:
            self._deleted.add(connector_id)
            self._owners.pop(connector_id, None)

    def was_deleted(self, connector_id: str) -> bool:
        with self._lock:
            return connector_id in self._deleted

    def replacing(self, owner: str | None, connector_id: str) -> None:
        """Record that `owner`'s connector is about to be replaced (deleted first)."""
        if owner:
            with self._lock:
                self._replacing[owner] = connector_id

    def replaced(self, owner: str | None) -> str | None:
        """The connector `owner`'s replacement deleted, if any."""
        if not owner:
            return None
        with self._lock:
            old = self._replacing.get(owner)
            return old if old in self._deleted else None

    def replaced_done(self, owner: str | None) -> None:
        if owner:
            with self._lock:
                self._replacing.pop(owner, None)
