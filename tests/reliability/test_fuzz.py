"""Property-based tests: arbitrary JSON-like input never crashes check(), diff() or the emulator."""

from __future__ import annotations

import json
from typing import Any

import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pulumi.output import Unknown

from mixpanel_connectors import ConnectorProvider
from mixpanel_connectors._api.models import DataFormat, S3Region, spec_problems
from mixpanel_connectors._lifecycle.translate import contains_unknown, spec_body
from tests.conftest import PROJECT, SECRET, configured_provider

INPUT_KEYS = (
    "connector_type", "connector_properties", "category_properties", "label", "project_id",
    "region", "existing_connector_id",
)  # fmt: skip
REMAP_KEYS = {
    "remap_event": ("event_name", "time", "distinct_id"),
    "remap_people": ("$distinct_id",),
    "remap_group": ("$group_key", "$group_id"),
}

huge = st.builds(
    str.__mul__, st.sampled_from(["x", "é", "\x00", "🚀"]), st.sampled_from([10, 20_000])
)
scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=40) | huge
unknowns = st.builds(Unknown)
json_like = st.recursive(
    scalars | unknowns,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=20), inner, max_size=5)
    ),
    max_leaves=8,
)

LOWER = "abcdefghijklmnopqrstuvwxyz0123456789"
s3_buckets = st.text(alphabet=LOWER + "-", min_size=1, max_size=40).map(lambda s: f"b{s}0")
gcs_buckets = st.text(alphabet=LOWER + "-_", min_size=1, max_size=40).map(lambda s: f"b{s}0")
prefixes = st.text(alphabet=LOWER + "/_-.=", max_size=30)
roles = st.builds(
    "arn:aws:iam::{:012d}:role/{}".format,
    st.integers(0, 10**12 - 1),
    st.text(alphabet=LOWER + "_+=,.@-", min_size=1, max_size=40),
)


@st.composite
def categories(draw: st.DrawFn) -> dict[str, Any]:
    fmt = draw(st.sampled_from([f.value for f in DataFormat]))
    category: dict[str, Any] = {"data_format": fmt}
    if draw(st.booleans()):
        category["compression"] = draw(st.sampled_from(["none", "gzip", None]))
    if fmt in REMAP_KEYS:
        category["property_remap"] = {
            k: draw(st.text(min_size=1, max_size=10)) for k in REMAP_KEYS[fmt]
        }
    return category


@st.composite
def valid_specs(draw: st.DrawFn) -> dict[str, Any]:
    if draw(st.booleans()):
        props: dict[str, Any] = {
            "s3_bucket": draw(s3_buckets),
            "s3_region": draw(st.sampled_from([r.value for r in S3Region])),
            "s3_role": draw(roles),
        }
        if draw(st.booleans()):
            props["s3_prefix"] = draw(prefixes)
        kind = "s3Import"
    else:
        props = {"gcs_bucket": draw(gcs_buckets)}
        if draw(st.booleans()):
            props["gcs_prefix"] = draw(prefixes)
        kind = "gcsImport"
    spec = {
        "connector_type": kind,
        "connector_properties": props,
        "category_properties": draw(categories()),
    }
    if draw(st.booleans()):
        spec["label"] = draw(st.text(max_size=50))
    if draw(st.booleans()):
        spec["project_id"] = draw(st.sampled_from([PROJECT, float(PROJECT), str(PROJECT)]))
    return spec


@st.composite
def mangled_specs(draw: st.DrawFn) -> dict[str, Any]:
    spec = draw(valid_specs())
    for _ in range(draw(st.integers(1, 4))):
        target = draw(
            st.sampled_from([*INPUT_KEYS, "connector_properties.", "category_properties."])
        )
        if target.endswith(".") and isinstance(spec.get(target[:-1]), dict):
            inner = spec[target[:-1]]
            key = draw(st.sampled_from([*inner, "s3_bucket", "gcs_bucket", "extra"]))
            inner[key] = draw(json_like)
        elif not target.endswith("."):
            spec[target] = draw(json_like)
    if draw(st.booleans()):
        spec[draw(st.text(max_size=10))] = draw(json_like)
    return spec


def provider() -> ConnectorProvider:
    return configured_provider()


FUZZ = settings(max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(news=st.dictionaries(st.text(max_size=20), json_like, max_size=8) | mangled_specs())
def test_check_never_raises_and_names_full_paths(news: dict[str, Any]) -> None:
    result = provider().check({}, news)
    for failure in result.failures:
        head = failure.property.split(".", 1)[0]
        assert failure.property in ("", *news) or head in INPUT_KEYS, failure.property
        assert failure.reason
        assert not failure.reason.startswith("could not read the inputs"), failure.reason
    if not result.failures and not contains_unknown(result.inputs):
        # whatever check lets through, create can send
        assert spec_problems(spec_body(result.inputs)) == []


@settings(max_examples=1000, deadline=None)
@given(spec=valid_specs())
def test_every_valid_spec_passes_check_and_diffs_clean_against_itself(spec: dict[str, Any]) -> None:
    p = provider()
    result = p.check({}, spec)
    assert result.failures == []
    outputs = {
        **result.inputs,
        "connector_id": "c",
        "project_id": float(result.inputs["project_id"]),
    }
    assert p.diff("c", outputs, p.check({}, spec).inputs).changes is False


@settings(max_examples=500, deadline=None)
@given(olds=json_like, news=json_like)
def test_diff_never_raises(olds: Any, news: Any) -> None:
    p = provider()
    old = olds if isinstance(olds, dict) else {"label": olds}
    new = news if isinstance(news, dict) else {"label": news}
    result = p.diff("c", old, new)
    assert result.changes in (True, False)


def test_emulator_answers_arbitrary_bodies_with_4xx_and_keeps_serving() -> None:
    from mixpanel_connectors.emulator import Emulator

    with Emulator(port=0) as emu, requests.Session() as session:
        url = f"{emu.url}/api/app/projects/{PROJECT}/connectors/"

        @settings(max_examples=200, deadline=None)
        @given(body=json_like | mangled_specs())
        def post(body: Any) -> None:
            if contains_unknown(body):
                return
            data = json.dumps(body)  # NaN and Infinity included, as Python's json writes them
            response = session.post(url, data=data, auth=("demo", SECRET), timeout=5)
            assert response.status_code in (200, 400), response.text
            if response.status_code == 400:
                assert response.json()["status"] == "error"

        post()
        stored = session.get(url, auth=("demo", SECRET), timeout=5).json()["results"]["data"]
        assert len(stored) == sum(
            1 for r in emu.app.requests() if r["method"] == "POST" and r["status"] == 200
        )
