"""Creating a connector exactly once, even when the outcome of a POST is unknown.

The happy path is one POST. When the outcome is unknown (a 5xx, a read timeout, a dropped
connection), the project's connectors are listed before anything is retried: a connector with the
same type, properties, category properties and label, created at or after the attempt began
(allowing for clock skew) and not already claimed by this process, is the one the attempt made.
One match is adopted; none means the POST is retried; several fail with their ids, because
guessing could leave an orphan or manage the same connector twice. A create that succeeded but
whose answer cannot be read is found the same way and deleted, so that create stays transactional.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime, timezone
from typing import TYPE_CHECKING

from .errors import AmbiguousCreateError, InvalidResponseError, MixpanelError
from .ledger import Ledger
from .models import Connector, GcsConnectorSpec, S3ConnectorSpec
from .properties import SPEC_FIELDS, differences

if TYPE_CHECKING:
    from .client import MixpanelClient

__all__ = ["CreateFailedError", "create_exactly_once"]

Spec = S3ConnectorSpec | GcsConnectorSpec


class CreateFailedError(MixpanelError):
    """The create could not be completed; the message lists every attempt and what is live."""


def _same_spec(connector: Connector, spec: Spec) -> bool:
    """True when the live connector has every value the spec declares (extra keys allowed)."""
    live = connector.model_dump(include={*SPEC_FIELDS})
    return not differences(live, spec.model_dump(mode="json", exclude_none=True))


def _candidates(
    client: MixpanelClient, project: int, spec: Spec, since: float, claims: Ledger
) -> list[Connector]:
    found = []
    for connector in client.list_connectors(project):
        if connector.connector_id in claims or not _same_spec(connector, spec):
            continue
        created = connector.created_at
        if created is not None and created.tzinfo is None:
            created = created.replace(tzinfo=timezone.utc)
        if created is None or created >= datetime.fromtimestamp(since, tz=timezone.utc):
            found.append(connector)
    return found


def create_exactly_once(
    client: MixpanelClient,
    project: int,
    spec: Spec,
    *,
    claims: Ledger,
    owner: str | None = None,
    deadline_seconds: float = 300.0,
    clock_skew_seconds: float = 120.0,
    sleep: Callable[[float], None] = time.sleep,
) -> Connector:
    """POST the connector; on an unknown outcome, reconcile before any retry (see module doc)."""
    started = time.monotonic()
    attempts: list[str] = []
    while True:
        attempt = len(attempts) + 1
        attempt_started = time.time()
        try:
            connector = client.create_connector(project, spec)
        except AmbiguousCreateError as exc:
            since = exc.started_at - clock_skew_seconds
            cause = str(exc.cause).split(": ", 1)[-1]
        except InvalidResponseError as exc:
            since = attempt_started - clock_skew_seconds
            found = _list_or_fail(client, project, spec, since, claims, attempts, str(exc))
            if len(found) != 1:
                ids = ", ".join(c.connector_id for c in found) or "none"
                raise CreateFailedError(
                    f"the API answered the create with something unreadable ({exc}); matching "
                    f"connectors: {ids}. Check them in Mixpanel and delete any left over."
                ) from None
            client.delete_connector(project, found[0].connector_id)
            raise CreateFailedError(
                f"the API answered the create with something unreadable ({exc}), so the connector "
                f"it made ({found[0].connector_id}) was deleted again; try again later"
            ) from None
        else:
            claims.claim(connector.connector_id, owner)
            return connector
        found = _list_or_fail(client, project, spec, since, claims, attempts, cause)
        attempts.append(f"attempt {attempt}: {cause}; {len(found)} matching connector(s) found")
        if len(found) == 1 and claims.claim(found[0].connector_id, owner) is None:
            return found[0]
        if len(found) > 1:
            ids = ", ".join(c.connector_id for c in found)
            raise CreateFailedError(
                f"the create's outcome was unknown and {len(found)} identical connectors made "
                f"since it began exist ({ids}); not guessing which is this resource's. Delete the "
                f"extra ones, or adopt one with existing_connector_id. {'; '.join(attempts)}"
            )
        elapsed = time.monotonic() - started
        delay = client.retry.delay(attempt)
        if elapsed + delay > deadline_seconds:
            raise CreateFailedError(
                f"gave up after {attempt} attempt(s) in {elapsed:.1f}s, and no connector was left "
                f"behind: {'; '.join(attempts)}"
            )
        sleep(delay)


def _list_or_fail(
    client: MixpanelClient,
    project: int,
    spec: Spec,
    since: float,
    claims: Ledger,
    attempts: list[str],
    cause: str,
) -> list[Connector]:
    try:
        return _candidates(client, project, spec, since, claims)
    except MixpanelError as exc:
        attempts.append(f"attempt {len(attempts) + 1}: {cause}")
        raise CreateFailedError(
            f"the create's outcome is unknown and listing the project's connectors to find out "
            f"failed ({exc}); a connector MAY exist: list them before trying again. "
            f"{'; '.join(attempts)}"
        ) from None
