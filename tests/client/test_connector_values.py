"""The provider's plain reading of a connector answer agrees with the model's, shape for shape.

`connector_values` reads the documented shape without building `ConnectorRecord`; whatever it
reads must come out exactly as `ConnectorRecord.model_validate(...).plain()` does, and what it
does not read must fail as the model fails.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from mixpanel_connectors import MixpanelClient
from mixpanel_connectors._api.models import (
    ConnectorRecord,
    _documented_values,
    connector_values,
)
from tests.canned import CannedServer
from tests.conftest import FAST_RETRY, SECRET, s3_spec
from tests.contract.samples import answer, sample

PROJECT = 1234567
CONNECTOR = "232f40cc-7ccc-4da3-b9c3-d8c1d14142c6"

moments = st.datetimes(
    min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 30), timezones=st.just(timezone.utc)
)


@st.composite
def api_times(draw: st.DrawFn) -> object:
    """A time as an API might write it: ISO-8601 in many spellings, Go's format, epoch, junk."""
    when = draw(moments)
    date = f"{when.year:04d}-{when.month:02d}-{when.day:02d}"
    clock = f"{when.hour:02d}:{when.minute:02d}:{when.second:02d}"
    fraction = draw(
        st.sampled_from(["", f".{when.microsecond:06d}", ".123", ".000000", ".1234567"])
    )
    suffix = draw(st.sampled_from(["Z", "+00:00", "+0000", "+02:00", "-05:30", "", "z"]))
    return draw(
        st.sampled_from(
            [
                f"{date}T{clock}{fraction}{suffix}",
                f" {date}T{clock}{fraction}{suffix}",
                f"{date} {clock}{fraction} +0000 UTC",
                f"{date}T{clock}",
                "2020-02-30T00:00:00Z",
                "2020-01-01T24:00:00Z",
                "0001-01-01T00:00:00Z",
                "",
                None,
                int(when.replace(year=max(when.year, 1971)).timestamp()) if when.year < 3000 else 0,
                "1600308633",
                "yesterday",
                True,
                [],
            ]
        )
    )


texts = st.none() | st.text(max_size=12) | st.integers() | st.booleans() | st.floats()
objects = (
    st.none()
    | st.dictionaries(st.text(max_size=8), st.none() | st.text(max_size=8) | st.integers())
    | st.lists(st.text(max_size=4), max_size=2)
    | st.text(max_size=4)
)
creators = texts | st.fixed_dictionaries(
    {}, optional={"email": texts, "name": texts, "id": st.integers() | st.none()}
)
answers = st.fixed_dictionaries(
    {},
    optional={
        "connector_id": texts,
        "connector_type": texts,
        "label": texts,
        "connector_properties": objects,
        "category_properties": objects,
        "status": texts,
        "failure_message": texts,
        "created_at": api_times(),
        "created_by": creators,
        "description": texts,
    },
)
documented = st.fixed_dictionaries(
    {
        "connector_id": st.text(max_size=12),
        "connector_type": st.sampled_from(["s3Import", "gcsImport"]),
        "connector_properties": st.dictionaries(st.text(max_size=8), st.text(max_size=8)),
        "category_properties": st.dictionaries(st.text(max_size=8), st.none() | st.text()),
    },
    optional={
        "label": st.none() | st.text(max_size=12),
        "status": st.none() | st.sampled_from(["active", "paused", ""]),
        "failure_message": st.none() | st.text(max_size=12),
        "created_at": st.none()
        | st.just("")
        | st.builds(
            lambda when, zulu: when.isoformat().replace("+00:00", "Z" if zulu else "+00:00"),
            moments.map(lambda when: when.replace(year=max(when.year, 2))),
            st.booleans(),
        ),
        "created_by": st.none() | st.emails(),
        "trial": st.booleans(),
    },
)


def by_the_model(payload: dict[str, Any]) -> dict[str, Any] | type[ValidationError]:
    try:
        return ConnectorRecord.model_validate(payload).plain()
    except ValidationError:
        return ValidationError


def by_values(payload: dict[str, Any]) -> dict[str, Any] | type[ValidationError]:
    try:
        return connector_values(payload)
    except ValidationError:
        return ValidationError


@settings(max_examples=600, deadline=None)
@given(answers)
def test_any_answer_reads_as_the_model_reads_it(payload: dict[str, Any]) -> None:
    assert by_values(payload) == by_the_model(payload)


@settings(max_examples=300, deadline=None)
@given(documented)
def test_documented_answers_are_read_without_the_model_and_alike(payload: dict[str, Any]) -> None:
    fast = _documented_values(payload)
    assert fast is not None
    assert fast == by_the_model(payload)
    for name in ("connector_properties", "category_properties"):
        assert fast[name] is not payload[name]  # state never shares the answer's objects


@pytest.mark.parametrize(
    ("created_at", "state"),
    [
        ("2020-09-17T02:10:33.799738Z", "2020-09-17T02:10:33.799738+00:00"),
        ("2020-09-17T02:10:33.000000Z", "2020-09-17T02:10:33+00:00"),
        ("2020-09-17T02:10:33+00:00", "2020-09-17T02:10:33+00:00"),
        ("0001-01-01T00:00:00Z", None),
        ("", None),
    ],
)
def test_documented_times_keep_the_state_form(created_at: str, state: str | None) -> None:
    payload = {**sample("connector_get")["results"], "created_at": created_at}
    assert _documented_values(payload) is not None
    assert connector_values(payload)["created_at"] == state


def test_a_time_in_another_zone_is_read_by_the_model() -> None:
    payload = {**sample("connector_get")["results"], "created_at": "2020-09-17T04:10:33+02:00"}
    assert _documented_values(payload) is None
    later = datetime(2020, 9, 17, 2, 10, 33, tzinfo=timezone.utc)
    assert connector_values(payload)["created_at"] == later.isoformat()


def client_of(server: CannedServer) -> MixpanelClient:
    return MixpanelClient("demo", SECRET, base_url=server.url, retry=FAST_RETRY)


@pytest.mark.parametrize("name", ["connector_get", "create_bare_spec"])
def test_every_documented_sample_reads_the_same_as_values_and_as_a_record(name: str) -> None:
    body = sample(name)
    with CannedServer(answer(body), answer(body)) as server, client_of(server) as client:
        values = client.get_connector_values(PROJECT, CONNECTOR)
        record = client.get_connector(PROJECT, CONNECTOR)
    assert values == record.plain()
    assert values["connector_id"] == record.connector_id


def test_every_connector_of_the_documented_list_page_is_read_directly_and_alike() -> None:
    items = sample("list_page")["results"]["data"]
    for item in items:
        assert _documented_values(item) is not None
        assert connector_values(item) == ConnectorRecord.model_validate(item).plain()


def test_a_create_answer_reads_as_values() -> None:
    body = sample("connector_get")
    with CannedServer(answer(body, 201)) as server, client_of(server) as client:
        values = client.post_connector_values(PROJECT, s3_spec())
    assert values["connector_id"] == CONNECTOR
    assert values["created_at"] == "2020-09-17T02:10:33.799738+00:00"
    assert values["connector_properties"]["gcs_region"] == "us"


def test_the_direct_reading_covers_every_field_of_the_model() -> None:
    """A field added to ConnectorRecord must be read directly too, or its validator is skipped."""
    required = {"connector_id": "c", "connector_type": "s3Import"}
    props: dict[str, Any] = {"connector_properties": {}, "category_properties": {}}
    fast = _documented_values({**required, **props})
    assert fast is not None
    assert set(fast) == set(ConnectorRecord.model_fields)
