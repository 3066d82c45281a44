"""check(): defaults, resolution from settings, and every problem reported by property path."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from pulumi.output import Unknown

from mixpanel_connectors._lifecycle.config import Settings
from tests.conftest import PROJECT, configured_provider, gcs_spec, s3_spec

provider = configured_provider


def failures(news: dict[str, Any], **settings: Any) -> dict[str, str]:
    result = provider(**settings).check({}, news)
    return {f.property: f.reason for f in result.failures}


def test_defaults_are_filled_and_project_and_region_recorded() -> None:
    news = s3_spec(label=None)
    del news["connector_properties"]["s3_prefix"]
    del news["category_properties"]["compression"]
    result = provider().check({}, news)
    assert result.failures == []
    assert result.inputs["label"] == ""
    assert result.inputs["connector_properties"]["s3_prefix"] == ""
    assert result.inputs["category_properties"]["compression"] == "none"
    assert result.inputs["project_id"] == PROJECT
    assert result.inputs["region"] == "us"


def test_float_project_id_becomes_an_integer() -> None:
    result = provider().check({}, s3_spec(project_id=42.0))
    assert result.inputs["project_id"] == 42
    assert isinstance(result.inputs["project_id"], int)


def test_resource_region_wins_over_the_configured_one() -> None:
    assert provider(region="eu").check({}, s3_spec()).inputs["region"] == "eu"
    assert provider(region="eu").check({}, s3_spec(region="in")).inputs["region"] == "in"


@pytest.mark.parametrize(
    ("news", "path", "fragment"),
    [
        (s3_spec(connector_type="ftp"), "connector_type", "'s3Import' or 'gcsImport'"),
        (s3_spec(connector_properties={"gcs_bucket": "x"}), "connector_properties.gcs_bucket",
         "s3Import takes s3_bucket"),
        (s3_spec(connector_properties={**s3_spec()["connector_properties"], "s3_role": "admin"}),
         "connector_properties.s3_role", "arn:aws:iam::123456789012:role/mixpanel-import"),
        (s3_spec(connector_properties={**s3_spec()["connector_properties"], "s3_region": "us"}),
         "connector_properties.s3_region", "got 'us'"),
        (s3_spec(connector_properties={**s3_spec()["connector_properties"], "s3_bucket": "Bad_B"}),
         "connector_properties.s3_bucket", "not a valid S3 bucket name"),
        (gcs_spec(connector_properties={"gcs_bucket": "gs://people"}),
         "connector_properties.gcs_bucket", "use 'people'"),
        (s3_spec(category_properties={"data_format": "csv"}), "category_properties.data_format",
         "mixpanel_event"),
        (s3_spec(category_properties={"data_format": "mixpanel_event", "compression": "zip"}),
         "category_properties.compression", "got 'zip'"),
        (s3_spec(category_properties={"data_format": "remap_people"}),
         "category_properties.property_remap", "$distinct_id"),
        (s3_spec(project_id=-3), "project_id", "positive integer"),
        (s3_spec(region="mars"), "region", "'us', 'eu' or 'in'"),
        (s3_spec(label=["x"]), "label", "valid string"),
        (s3_spec(existing_connector_id=""), "existing_connector_id", "connector id"),
        (s3_spec(colour="blue"), "colour", "unknown property"),
        (s3_spec(connector_properties=None), "connector_properties", "required"),
        (s3_spec(category_properties="gzip"), "category_properties", "expected an object"),
    ],
)  # fmt: skip
def test_invalid_input_fails_with_its_full_property_path(
    news: dict[str, Any], path: str, fragment: str
) -> None:
    found = failures(news)
    assert path in found, found
    assert fragment in found[path]


def test_missing_project_id_says_where_to_set_it() -> None:
    found = failures(s3_spec(), project_id=None)
    assert "mixpanel:projectId" in found["project_id"]
    assert "MIXPANEL_PROJECT_ID" in found["project_id"]


def test_missing_credentials_name_the_config_keys_and_variables() -> None:
    result = provider(service_account=None, secret=None).check({}, s3_spec())
    reasons = [f.reason for f in result.failures if f.property == ""]
    assert len(reasons) == 2
    assert "mixpanel:serviceAccount " in reasons[0]
    assert "MIXPANEL_SERVICE_ACCOUNT)" in reasons[0]
    assert "pulumi config set --secret mixpanel:serviceAccountSecret" in reasons[1]
    assert "MIXPANEL_SERVICE_ACCOUNT_SECRET" in reasons[1]


def test_unusable_settings_are_reported_by_config_key() -> None:
    settings = Settings.resolve({"mixpanel:projectId": "abc", "mixpanel:region": "mars"}, {})
    assert len(settings.problems) == 2
    assert "mixpanel:projectId = 'abc'" in settings.problems[0]


@pytest.mark.parametrize(
    ("key", "value", "reason"),
    [
        ("mixpanel:serviceAccountSecret", "TOPSECRET-xyz-123\u00e9\u20ac", "only Latin-1 text"),
        ("mixpanel:serviceAccountSecret", "TOPSECRET-xyz-123\n", "control character"),
        ("mixpanel:serviceAccount", "de:mo", "has no ':'"),
        ("mixpanel:readTimeout", "inf", "finite"),
        ("mixpanel:timeoutSeconds", "1e309", "finite"),
        ("mixpanel:maxRetries", "1000000000", "from 0 to 100"),
        ("mixpanel:projectId", "9007199254740993", "at most 9007199254740991"),
    ],
)
def test_settings_the_client_cannot_use_fail_check_without_echoing_secrets(
    key: str, value: str, reason: str
) -> None:
    settings = Settings.resolve({key: value}, {})
    assert len(settings.problems) == 1
    assert reason in settings.problems[0]
    if "Secret" in key:
        assert "TOPSECRET" not in settings.problems[0]
        assert "\u20ac" not in settings.problems[0]


def test_unknown_values_are_never_an_error_and_stay_unknown() -> None:
    news = s3_spec()
    news["connector_properties"]["s3_bucket"] = Unknown()
    news["connector_properties"]["s3_role"] = Unknown()
    news["label"] = Unknown()
    result = provider().check({}, news)
    assert result.failures == []
    assert (
        result.inputs["connector_properties"]["s3_bucket"] == "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
    )


def test_unknowns_nested_in_a_property_map_reach_the_engine_marked() -> None:
    news = s3_spec(
        category_properties={
            "data_format": "remap_event",
            "property_remap": {"event_name": "name", "time": Unknown(), "distinct_id": "user"},
        }
    )
    news["wait_for_import"] = {"timeout_seconds": Unknown()}
    result = provider().check({}, news)
    assert result.failures == []
    marked = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
    assert result.inputs["category_properties"]["property_remap"]["time"] == marked
    assert result.inputs["wait_for_import"] == {"timeout_seconds": marked}
    assert result.inputs["category_properties"]["property_remap"]["event_name"] == "name"


def test_unknown_whole_section_still_checks_the_rest() -> None:
    news = s3_spec(connector_properties=Unknown())
    news["category_properties"] = {"data_format": "csv"}
    assert list(failures(news)) == ["category_properties.data_format"]


@pytest.mark.parametrize("news", [{}, {"connector_type": None}, {"__provider": "x"}])
def test_empty_input_lists_what_is_required(news: dict[str, Any]) -> None:
    assert "connector_type" in failures(news)


@pytest.mark.parametrize(
    ("base_url", "reason"),
    [
        ("mixpanel.com", "mixpanel:baseUrl = 'mixpanel.com' cannot be used: base URL"),
        ("http://mixpanel.example", "refusing plain-http base URL 'http://mixpanel.example'"),
    ],
)
def test_an_unusable_base_url_fails_check_without_loading_the_http_client(
    base_url: str, reason: str
) -> None:
    script = (
        "import sys\n"
        "from mixpanel_connectors import ConnectorProvider\n"
        "from mixpanel_connectors._lifecycle.config import Settings\n"
        f"settings = Settings.resolve({{'mixpanel:baseUrl': {base_url!r}}}, environ={{}})\n"
        "p = ConnectorProvider(settings)\n"
        f"result = p.check({{}}, {{**{s3_spec()!r}, 'project_id': 1}})\n"
        "print([f.reason for f in result.failures])\n"
        "print('requests' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True,
        cwd=Path(__file__).resolve().parents[2],
    )  # fmt: skip
    reasons, requests_loaded = done.stdout.splitlines()
    assert reason in reasons
    assert requests_loaded == "False"
