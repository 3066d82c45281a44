"""Check's validator (read off schema.py) and the client's pydantic models find the same problems.

Specs are generated near the edges of every rule (bucket names, role ARNs, enums, remap keys,
types, missing and unknown keys) and handed over as check hands them: nulls dropped, declared
defaults filled. Both must report the same (path, reason) pairs, so they accept the same specs.
"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from mixpanel_connectors._api import models
from mixpanel_connectors._api.rules import (
    REMAP_REQUIRED_KEYS,
    Compression,
    ConnectorType,
    DataFormat,
    S3Region,
)
from mixpanel_connectors._api.rules import values as enum_values
from mixpanel_connectors._lifecycle import validation
from mixpanel_connectors._lifecycle.translate import canonical, normalize_inputs, spec_body
from tests.conftest import s3_spec

ABSENT = object()
"""Drawn for a key that a mutation removes."""

wrong_types = (
    st.booleans()
    | st.integers(-5, 5)
    | st.floats(allow_nan=True)
    | st.lists(st.integers(0, 3), max_size=2)
    | st.dictionaries(st.text(max_size=3), st.integers(0, 3), max_size=2)
)
texts = st.text(alphabet="abz09.-_:/A é", max_size=70)

s3_buckets = (
    st.from_regex(r"[a-z0-9][a-z0-9.-]{0,63}[a-z0-9]", fullmatch=True)
    | st.builds("arn:aws:s3:::{}".format, st.from_regex(r"[a-z]{3,8}", fullmatch=True))
    | st.sampled_from(["192.168.10.1", "a..b", "ab", "a" * 63, "a" * 64, "Acme", "acme_x", "-ab"])
    | texts
)
gcs_buckets = (
    st.from_regex(r"[a-z0-9][a-z0-9._-]{0,70}[a-z0-9]", fullmatch=True)
    | st.builds("gs://{}".format, st.from_regex(r"[a-z]{3,8}", fullmatch=True))
    | st.sampled_from(["goog-x", "my-google-b", "a.b", "a..bc", ".ab", "x" * 64 + ".ab", "ab"])
    | texts
)
roles = (
    st.builds(
        "arn:aws{}:iam::{}:role/{}".format,
        st.sampled_from(["", "-cn", "-us-gov", "-eu"]),
        st.from_regex(r"[0-9]{11,13}", fullmatch=True),
        st.text(alphabet="ab+=,.@_/-* ", max_size=12),
    )
    | texts
)
remap_keys = st.sampled_from(
    sorted({k for keys in REMAP_REQUIRED_KEYS.values() for k in keys} | {"name", "$x"})
)
# models.spec_problems drops a connector type from error paths, even when it is a remap key
remaps = st.dictionaries(
    remap_keys | st.text(max_size=8).filter(lambda k: k not in ("s3Import", "gcsImport")),
    st.text(max_size=8) | wrong_types | st.none(),
    max_size=5,
)


def near(choices: tuple[str, ...]) -> st.SearchStrategy[str]:
    """One of the choices, or one that is almost one of them."""
    return st.sampled_from([*choices, choices[0].upper(), f"{choices[1]} ", ""])


EDGES: dict[str, st.SearchStrategy[Any]] = {
    "connector_type": st.sampled_from(["s3Import", "gcsImport", "ftp", "S3Import", ""]),
    "s3_bucket": s3_buckets,
    "s3_region": near(enum_values(S3Region)),
    "s3_role": roles,
    "gcs_bucket": gcs_buckets,
    "data_format": near(enum_values(DataFormat)),
    "compression": near(enum_values(Compression)),
    "property_remap": remaps,
}
"""Values near the edge of each key's rules; any other key gets text."""
PLACES = {
    "": ["connector_type", "label", "connector_properties", "category_properties", "colour"],
    "connector_properties": [
        "s3_bucket", "s3_region", "s3_role", "s3_prefix", "gcs_bucket", "gcs_prefix",
        "gcs_region", "extra",
    ],
    "category_properties": ["data_format", "compression", "property_remap", "extra"],
}  # fmt: skip
"""Where a mutation may land: the object (empty: the top level), and its keys."""


@st.composite
def valid_specs(draw: st.DrawFn) -> dict[str, Any]:
    if draw(st.booleans()):
        props: dict[str, Any] = {
            "s3_bucket": draw(st.from_regex(r"[a-z0-9][a-z0-9-]{1,20}[a-z0-9]", fullmatch=True)),
            "s3_region": draw(st.sampled_from(enum_values(S3Region))),
            "s3_role": draw(
                st.from_regex(r"arn:aws:iam::[0-9]{12}:role/[a-z/_-]{1,20}", fullmatch=True)
            ),
            "s3_prefix": draw(texts),
        }
        kind = "s3Import"
    else:
        props = {
            "gcs_bucket": draw(st.from_regex(r"[a-z0-9][a-z0-9_-]{1,20}[a-z0-9]", fullmatch=True))
        }
        props.update(
            draw(st.fixed_dictionaries({}, optional={"gcs_prefix": texts, "gcs_region": texts}))
        )
        kind = "gcsImport"
    fmt = draw(st.sampled_from(list(DataFormat)))
    category: dict[str, Any] = {"data_format": fmt.value}
    category.update(
        draw(
            st.fixed_dictionaries(
                {}, optional={"compression": st.sampled_from(enum_values(Compression))}
            )
        )
    )
    if fmt in REMAP_REQUIRED_KEYS:
        required = {key: draw(st.text(max_size=8)) for key in REMAP_REQUIRED_KEYS[fmt]}
        category["property_remap"] = {
            **draw(st.dictionaries(remap_keys, st.text(max_size=8))),
            **required,
        }
    spec = {"connector_type": kind, "connector_properties": props, "category_properties": category}
    spec.update(draw(st.fixed_dictionaries({}, optional={"label": texts})))
    return spec


@st.composite
def specs(draw: st.DrawFn) -> dict[str, Any]:
    """A valid spec with one to four keys set to values near or past the edge of their rules."""
    spec = draw(valid_specs())
    for _ in range(draw(st.integers(1, 4))):
        place = draw(st.sampled_from(sorted(PLACES)))
        target = spec.get(place) if place else spec
        if not isinstance(target, dict):
            continue
        ruled = [key for key in PLACES[place] if key in EDGES]
        key = draw(st.sampled_from(PLACES[place]) | st.sampled_from(ruled))
        edge = EDGES.get(key, texts)
        value = draw(st.one_of(edge, edge, edge, wrong_types, st.none(), st.just(ABSENT)))
        if value is ABSENT:
            target.pop(key, None)
        else:
            target[key] = value
    return spec


def as_check_hands_over(news: dict[str, Any]) -> dict[str, Any]:
    """Nulls dropped and the property objects' defaults filled, as check does first."""
    return {k: canonical(k, v) for k, v in news.items() if v is not None}


@settings(max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(news=specs())
@example(news=s3_spec())
@example(news={"connector_type": "s3Import"})
@example(news={"connector_type": "gcsImport", "connector_properties": {}})
@example(news=s3_spec(category_properties={"data_format": "remap_group", "compression": "gzip"}))
@example(news=s3_spec(category_properties={"data_format": "remap_people", "property_remap": {}}))
@example(news=s3_spec(category_properties={"data_format": "mixpanel_event", "property_remap": {}}))
@example(news=s3_spec(category_properties={"data_format": "x", "property_remap": {"a": 1}}))
@example(
    news=s3_spec(category_properties={"data_format": "remap_people", "property_remap": {5: 6}})
)
def test_check_and_the_pydantic_models_find_the_same_problems(news: dict[str, Any]) -> None:
    spec = as_check_hands_over(news)
    assert sorted(validation.spec_problems(spec)) == sorted(models.spec_problems(spec))


def test_the_connector_types_declared_are_the_api_models_ones() -> None:
    assert enum_values(ConnectorType) == validation.CONNECTOR_TYPES


def test_the_generated_specs_reach_both_outcomes() -> None:
    """The generator is no use if nearly everything it makes is rejected (or accepted)."""
    outcomes: list[bool] = []

    @settings(max_examples=400, deadline=None, database=None)
    @given(news=specs())
    def collect(news: dict[str, Any]) -> None:
        outcomes.append(models.spec_problems(as_check_hands_over(news)) == [])

    collect()
    assert 0.02 < sum(outcomes) / len(outcomes) < 0.98


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(news=specs() | valid_specs())
@example(news=s3_spec())
@example(news={k: v for k, v in s3_spec().items() if k != "label"})
@example(news=s3_spec(category_properties={"data_format": "mixpanel_event", "compression": None}))
def test_create_sends_the_body_the_pydantic_models_would_send(news: dict[str, Any]) -> None:
    """Create posts check's inputs without parsing them again, so every spec check accepts
    must post exactly what the client's models make of it (their defaults, no nulls)."""
    inputs, problems = normalize_inputs(news, 1234567, "us")
    if problems:
        return
    parsed = models.parse_spec(as_check_hands_over(spec_body(news)))
    expected = parsed.model_dump(mode="json", exclude_none=True)
    assert spec_body(inputs) == expected
