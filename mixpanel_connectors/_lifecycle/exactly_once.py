"""Creating a connector exactly once, even when the outcome of a POST is unknown.

The happy path is one POST. When the outcome is unknown (a 5xx, a read timeout, a dropped
connection), the project's connectors are listed before anything is retried, again and again over
a bounded window, because a slow POST may still be landing: a connector with every declared value
of the spec, created at or after the attempt began on the server's own clock (its Date header),
and not already claimed in this deployment, is the one the attempt made. One match is adopted;
none after the window means the POST is sent again; several fail with their ids, and a match with
no creation time fails too, because guessing could adopt a connector someone made by hand or leave
an orphan. A create that succeeded but whose answer cannot be read is found the same way and
deleted, so that create stays transactional.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from .._api.errors import (
    AmbiguousCreateError,
    APIStatusError,
    APITimeoutError,
    CreateFailedError,
    InvalidResponseError,
    MixpanelError,
    NotFoundError,
)
from .ledger import Ledger
from .translate import SPEC_FIELDS, differences

if TYPE_CHECKING:
    from .._api.client import MixpanelClient
    from .._api.models import ConnectorRecord

Spec = Mapping[str, Any]
"""A create body that check validated: the JSON the POST sends, without nulls."""

__all__ = ["CreateFailedError", "create_exactly_once", "still_exists"]


def _same_spec(connector: ConnectorRecord, spec: Spec) -> bool:
    """True when the live connector has every value the spec declares (extra keys allowed)."""
    live = connector.model_dump(include={*SPEC_FIELDS})
    return not differences(live, dict(spec))


_ANSWERED_SETTLE_SECONDS = 2.0
"""How long to keep looking after the server answered a create with a 5xx (it is done with it)."""
_DROPPED_SETTLE_SECONDS = 5.0
"""How long to keep looking after the connection dropped without an answer."""
_DATE_MARGIN_SECONDS = 1.0
"""The Date header, like many `created_at` values, has whole seconds."""


@dataclass
class _Found:
    """Connectors matching the spec that this process has not claimed, by what their time says."""

    new: list[ConnectorRecord]
    undated: list[ConnectorRecord]


def _server_time_of(client: MixpanelClient, local_wall: float) -> datetime | None:
    """When `local_wall` was on the server's clock (from its Date header), less the header's
    whole-second precision; None when the server sends no Date header."""
    offset = client.server_offset
    if offset is None:
        return None
    return datetime.fromtimestamp(local_wall + offset - _DATE_MARGIN_SECONDS, tz=timezone.utc)


def _candidates(
    client: MixpanelClient,
    project: int,
    spec: Spec,
    attempt_wall: float,
    claims: Ledger,
) -> _Found:
    found = _Found([], [])
    listed = list(client.list_connectors(project))
    since = _server_time_of(client, attempt_wall)
    for connector in listed:
        if connector.connector_id in claims or not _same_spec(connector, spec):
            continue
        created = connector.created_at
        if created is None or since is None:
            found.undated.append(connector)
        elif created >= since:
            found.new.append(connector)
    return found


def still_exists(client: MixpanelClient, project: int, connector_id: str) -> bool | None:
    """Whether the connector is there, asked after a delete failed: True, False, or None when
    even that cannot be told. A 404 counts as gone only if the project itself answers."""
    try:
        client.get_connector(project, connector_id)
    except NotFoundError:
        try:
            client.list_first_page(project)
        except MixpanelError:
            return None
        return False
    except MixpanelError:
        return None
    return True


def _settle_window(cause: Exception, settle: float) -> float:
    """How long an attempt's POST may still land, by how it ended."""
    if isinstance(cause, APIStatusError):
        return _ANSWERED_SETTLE_SECONDS  # the server answered: it is done with the request
    if isinstance(cause, APITimeoutError):
        return max(_DROPPED_SETTLE_SECONDS, settle)  # it was still working when we stopped
    return _DROPPED_SETTLE_SECONDS


def _summary(attempts: list[str]) -> str:
    shown = attempts if len(attempts) <= 3 else [*attempts[:2], "...", attempts[-1]]
    return f"{len(attempts)} attempt(s): {'; '.join(shown)}"


def create_exactly_once(
    client: MixpanelClient,
    project: int,
    spec: Spec,
    *,
    claims: Ledger,
    owner: str | None = None,
    deadline_seconds: float = 300.0,
    settle_seconds: float | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> dict[str, Any]:
    """POST the connector; on an unknown outcome, reconcile before any retry (see module doc).

    Returns the connector as plain values (`ConnectorRecord.plain()`).

    The listing is repeated over a window before the POST is sent again, since the first POST
    may still be landing: after a read timeout, `settle_seconds` (default: the read timeout,
    at least 5 s); after a dropped connection, 5 s; after a 5xx answer, 2 s.
    """
    with client.deadline(deadline_seconds):
        return _create(
            client, project, spec, claims, owner, deadline_seconds, settle_seconds, sleep
        )


def _create(
    client: MixpanelClient,
    project: int,
    spec: Spec,
    claims: Ledger,
    owner: str | None,
    deadline_seconds: float,
    settle_seconds: float | None,
    sleep: Callable[[float], None],
) -> dict[str, Any]:
    started = time.monotonic()
    settle = settle_seconds if settle_seconds is not None else client.timeout[1]
    attempts: list[str] = []
    while True:
        attempt = len(attempts) + 1
        attempt_wall, attempt_mono = time.time(), time.monotonic()
        try:
            connector = client.post_connector_values(project, spec)
        except AmbiguousCreateError as exc:
            cause = str(exc.cause).split(": ", 1)[-1]
            window = _settle_window(exc.cause, settle)
        except InvalidResponseError as exc:
            look = _Look(client, project, spec, claims, attempts, str(exc))
            found = look.patiently(attempt_wall, attempt_mono, _ANSWERED_SETTLE_SECONDS, sleep)
            if len(found) != 1:
                ids = ", ".join(c.connector_id for c in found) or "none"
                raise CreateFailedError(
                    f"the API answered the create with something unreadable ({exc}); matching "
                    f"connectors: {ids}. Check them in Mixpanel and delete any left over."
                ) from None
            made = found[0].connector_id
            try:
                client.delete_connector(project, made)
            except MixpanelError as failed:
                if still_exists(client, project, made) is not False:
                    raise CreateFailedError(
                        f"the API made connector {made} but answered the create with something "
                        f"unreadable ({exc}), and deleting it again failed ({failed}): {made} is "
                        "live and managed by nobody. Delete it in Mixpanel, or adopt it with "
                        "existing_connector_id"
                    ) from None
            raise CreateFailedError(
                f"the API answered the create with something unreadable ({exc}), so the connector "
                f"it made ({made}) was deleted again; try again later"
            ) from None
        else:
            claims.claim(connector["connector_id"], owner)
            return connector
        remaining = deadline_seconds - (time.monotonic() - started)
        look = _Look(client, project, spec, claims, attempts, cause)
        found = look.patiently(attempt_wall, attempt_mono, min(window, remaining), sleep)
        attempts.append(f"attempt {attempt}: {cause}; {len(found)} matching connector(s) found")
        if len(found) == 1 and claims.claim(found[0].connector_id, owner) is None:
            return found[0].plain()
        if len(found) > 1:
            ids = ", ".join(c.connector_id for c in found)
            raise CreateFailedError(
                f"the create's outcome was unknown and {len(found)} identical connectors made "
                f"since it began exist ({ids}); not guessing which is this resource's. Delete the "
                f"extra ones, or adopt one with existing_connector_id. {_summary(attempts)}"
            )
        elapsed = time.monotonic() - started
        delay = client.retry.delay(attempt)
        if elapsed + delay > deadline_seconds:
            raise CreateFailedError(
                f"gave up after {elapsed:.1f}s; the last look found no connector from these "
                f"attempts: {_summary(attempts)}"
            )
        sleep(delay)


@dataclass
class _Look:
    """Listing the project to find what an attempt made, as often as its window allows."""

    client: MixpanelClient
    project: int
    spec: Spec
    claims: Ledger
    attempts: list[str]
    cause: str

    def patiently(
        self,
        attempt_wall: float,
        attempt_mono: float,
        window: float,
        sleep: Callable[[float], None],
    ) -> list[ConnectorRecord]:
        """The new matching connectors, looking again until the window closes."""
        delay = 0.25
        looked = False
        while True:
            try:
                found = self._once(attempt_wall)
            except CreateFailedError:
                if looked and self.client.deadline_passed():
                    return []  # the last look found nothing; time ran out before the next
                raise
            looked = True
            if found.undated and not found.new:
                ids = ", ".join(c.connector_id for c in found.undated)
                raise CreateFailedError(
                    f"the create's outcome is unknown ({self.cause}) and connector(s) {ids} match "
                    "it, but the API gives no creation time (or no Date header to read it "
                    "against), so whether one was made by this "
                    "attempt or existed before cannot be told. Nothing was adopted and nothing "
                    "sent again: check them in Mixpanel, then adopt the right one with "
                    "existing_connector_id or delete it, and run again"
                )
            waited = time.monotonic() - attempt_mono
            if found.new or waited >= window:
                return found.new
            sleep(min(delay, window - waited))
            delay = min(delay * 2, 2.0)

    def _once(self, attempt_wall: float) -> _Found:
        try:
            return _candidates(self.client, self.project, self.spec, attempt_wall, self.claims)
        except MixpanelError as exc:
            self.attempts.append(f"attempt {len(self.attempts) + 1}: {self.cause}")
            raise CreateFailedError(
                f"the create's outcome is unknown and listing the project's connectors to find "
                f"out failed ({exc}); a connector MAY exist: list them before trying again. "
                f"{_summary(self.attempts)}"
            ) from None
