"""Creates whose outcome is unknown: patient, server-timed reconciliation, never a second POST
while the first may still land, never adopting a connector that existed before the attempt."""

from __future__ import annotations

import pytest

from mixpanel_connectors import CreateFailedError, MixpanelClient, RetryPolicy
from mixpanel_connectors._lifecycle.exactly_once import create_exactly_once
from mixpanel_connectors._lifecycle.ledger import Ledger
from tests.conftest import PROJECT, SECRET, s3_spec
from tests.reliability.fake_api import FakeApi

RETRY = RetryPolicy(max_retries=2, backoff_base=0.01, backoff_max=0.05, deadline_seconds=30)


def client_of(api: FakeApi, read_timeout: float = 5.0) -> MixpanelClient:
    return MixpanelClient("demo", SECRET, base_url=api.url, retry=RETRY, read_timeout=read_timeout)


def test_a_post_slower_than_the_read_timeout_is_found_not_sent_again() -> None:
    with FakeApi(post_seconds=1.0) as api:
        made = create_exactly_once(
            client_of(api, read_timeout=0.3), PROJECT, s3_spec(), claims=Ledger()
        )
        assert api.posts == 1
        assert [c["connector_id"] for c in api.connectors] == [made["connector_id"]]


@pytest.mark.parametrize("skew", [-300.0, 300.0])
def test_a_server_clock_minutes_apart_still_finds_the_connector(skew: float) -> None:
    with FakeApi(skew_seconds=skew) as api:
        api.lose_post_answers = True
        made = create_exactly_once(
            client_of(api), PROJECT, s3_spec(), claims=Ledger(), deadline_seconds=5
        )
        assert api.posts == 1 and len(api.connectors) == 1
        assert made["connector_id"] == api.connectors[0]["connector_id"]


@pytest.mark.parametrize("created_at", [None, "2020-01-01T00:00:00Z"])
def test_a_hand_made_twin_that_existed_before_the_attempt_is_never_adopted(
    created_at: str | None,
) -> None:
    with FakeApi() as api:
        twin = api.add_by_hand(s3_spec(), created_at)
        api.post_status = 503
        with pytest.raises(CreateFailedError) as caught:
            create_exactly_once(
                client_of(api),
                PROJECT,
                s3_spec(),
                claims=Ledger(),
                deadline_seconds=3,
            )
        if created_at is None:
            assert twin in str(caught.value) and "no creation time" in str(caught.value)


@pytest.mark.parametrize("skew", [-300.0, 0.0])
def test_without_a_date_header_nothing_is_adopted_and_nothing_sent_twice(skew: float) -> None:
    with FakeApi(skew_seconds=skew) as api:
        api.sends_date = False
        api.lose_post_answers = True
        with pytest.raises(CreateFailedError, match="no Date header"):
            create_exactly_once(
                client_of(api), PROJECT, s3_spec(), claims=Ledger(), deadline_seconds=5
            )
        assert api.posts == 1 and len(api.connectors) == 1


def test_a_twin_made_by_hand_a_minute_before_is_not_adopted_without_a_date_header() -> None:
    with FakeApi() as api:
        api.sends_date = False
        twin = api.add_by_hand(s3_spec(), api.iso(api.now() - 60))
        api.post_status = 503
        with pytest.raises(CreateFailedError) as caught:
            create_exactly_once(
                client_of(api), PROJECT, s3_spec(), claims=Ledger(), deadline_seconds=3
            )
        assert twin in str(caught.value)
