"""Exactly-once create: an unknown outcome is reconciled before any retry."""

from __future__ import annotations

from typing import Any

import pytest

from mixpanel_connectors import CreateFailedError, MixpanelClient, RetryPolicy
from mixpanel_connectors._api.models import parse_spec
from mixpanel_connectors._lifecycle.exactly_once import create_exactly_once
from mixpanel_connectors._lifecycle.ledger import Ledger
from mixpanel_connectors.emulator import Emulator
from tests.conftest import PROJECT, api_requests, s3_spec


def spec(**overrides: object) -> dict[str, Any]:
    """A create body as check leaves it (create posts it without parsing it again)."""
    return parse_spec(s3_spec(**overrides)).model_dump(mode="json", exclude_none=True)


def live(client: MixpanelClient) -> list[str]:
    return [c.connector_id for c in client.list_connectors(PROJECT)]


def create(client: MixpanelClient, claims: Ledger | None = None, **kwargs: object) -> str:
    made = create_exactly_once(client, PROJECT, spec(), claims=claims or Ledger(), **kwargs)  # type: ignore[arg-type]
    return str(made["connector_id"])


def test_happy_path_is_one_request(client: MixpanelClient, emulator: Emulator) -> None:
    create(client)
    assert [(r["method"], r["status"]) for r in api_requests(emulator)] == [("POST", 200)]


@pytest.mark.parametrize("status", [503, "drop"])
def test_lost_response_adopts_the_connector_the_attempt_made(
    client: MixpanelClient, emulator: Emulator, status: object
) -> None:
    emulator.app.faults.configure(
        {"queue": [{"method": "POST", "status": status, "mode": "lose_response"}]}
    )
    made = create(client)
    emulator.app.clear_requests()
    assert live(client) == [made]
    methods = [r["method"] for r in api_requests(emulator)]
    assert methods == ["GET"]


@pytest.mark.parametrize("status", [500, 503, "drop"])
def test_rejected_create_is_retried_after_finding_nothing(
    client: MixpanelClient, emulator: Emulator, status: object
) -> None:
    emulator.app.faults.configure({"queue": [{"method": "POST", "status": status}]})
    made = create(client)
    methods = [r["method"] for r in api_requests(emulator)]
    assert methods[0] == "POST" and methods[-1] == "POST" and methods.count("POST") == 2
    assert set(methods[1:-1]) == {"GET"}  # looked, patiently, before sending it again
    assert live(client) == [made]


def test_connectors_claimed_by_this_process_are_never_adopted(
    client: MixpanelClient, emulator: Emulator
) -> None:
    claims = Ledger()
    twin = create(client, claims)
    emulator.app.faults.configure({"queue": [{"method": "POST", "status": 503}]})
    mine = create(client, claims)
    assert mine != twin
    assert sorted(live(client)) == sorted([twin, mine])


def test_several_candidates_fail_listing_them_rather_than_guess(
    client: MixpanelClient, emulator: Emulator
) -> None:
    first, second = create(client), create(client)
    emulator.app.faults.configure({"queue": [{"method": "POST", "status": 503}]})
    with pytest.raises(CreateFailedError, match="2 identical connectors") as caught:
        create(client)
    assert first in str(caught.value)
    assert second in str(caught.value)
    assert len(live(client)) == 2


def test_unreadable_create_answer_deletes_what_was_made(
    client: MixpanelClient, emulator: Emulator
) -> None:
    emulator.app.faults.configure({"queue": [{"method": "POST", "status": "truncate"}]})
    with pytest.raises(CreateFailedError, match=r"unreadable.*was deleted again"):
        create(client)
    assert live(client) == []


def test_deadline_stops_and_reports_every_attempt(emulator: Emulator) -> None:
    client = MixpanelClient(
        "demo", "demo-secret", base_url=emulator.url, retry=RetryPolicy(backoff_base=0.2)
    )
    emulator.app.faults.configure({"queue": [{"method": "POST", "status": 503}] * 50})
    with pytest.raises(CreateFailedError) as caught:
        create(client, deadline_seconds=0.5)
    message = str(caught.value)
    assert "gave up after" in message
    assert "the last look found no connector from these attempts" in message
    assert "attempt 1: HTTP 503" in message
    assert live(client) == []


def test_failed_listing_says_a_connector_may_exist(emulator: Emulator) -> None:
    client = MixpanelClient(
        "demo",
        "demo-secret",
        base_url=emulator.url,
        retry=RetryPolicy(max_retries=1, backoff_base=0.01),
    )
    emulator.app.faults.configure(
        {"queue": [{"method": "POST", "status": 503, "mode": "lose_response"}]
         + [{"method": "GET", "status": 503}] * 2}
    )  # fmt: skip
    with pytest.raises(CreateFailedError, match="MAY exist"):
        create(client)


def test_an_unreadable_create_whose_cleanup_fails_names_the_live_orphan(
    client: MixpanelClient, emulator: Emulator
) -> None:
    emulator.app.faults.configure(
        {"queue": [{"method": "POST", "status": "truncate"}]
         + [{"method": "DELETE", "status": 503}] * 6}
    )  # fmt: skip
    with pytest.raises(CreateFailedError) as caught:
        create(client)
    (orphan,) = live(client)
    assert f"{orphan} is live and managed by nobody" in str(caught.value)
