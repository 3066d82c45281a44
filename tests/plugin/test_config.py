"""CheckConfig: the provider's settings refused before any resource, with the dynamic face's
messages, each under the config key it concerns."""

from __future__ import annotations

from collections.abc import Callable

from google.protobuf import struct_pb2
from pulumi.runtime.proto import provider_pb2

from mixpanel_connectors._lifecycle.config import Settings
from mixpanel_connectors.emulator import Emulator
from mixpanel_connectors.testing import UNKNOWN, PluginHost, to_struct
from mixpanel_connectors.testing.host import from_struct
from tests.conftest import PROJECT, SECRET, stack_config

NO_CREDENTIALS = {"MIXPANEL_SERVICE_ACCOUNT": "", "MIXPANEL_SERVICE_ACCOUNT_SECRET": ""}
PROVIDER_URN = "urn:pulumi:dev::test::pulumi:providers:mixpanel::default"


def check_config(host: PluginHost, news: dict[str, object]) -> provider_pb2.CheckResponse:
    request = provider_pb2.CheckRequest(
        urn=PROVIDER_URN, olds=struct_pb2.Struct(), news=to_struct(news)
    )
    response: provider_pb2.CheckResponse = host.call("CheckConfig", request)
    return response


def test_missing_credentials_are_refused_under_their_keys_with_the_dynamic_faces_words(
    start_host: Callable[..., PluginHost], api: Emulator
) -> None:
    host = start_host(env=NO_CREDENTIALS)
    _, failures = host.check_config(
        {"mixpanel:projectId": str(PROJECT), "mixpanel:baseUrl": api.url}
    )
    # the dynamic face reports exactly these, as Check failures of every resource
    expected = Settings.resolve({}, NO_CREDENTIALS).missing_credentials()
    assert [(f.property, f.reason) for f in failures] == [
        ("serviceAccount", expected[0]),
        ("serviceAccountSecret", expected[1]),
    ]
    assert "mixpanel:serviceAccount <value>" in failures[0].reason
    assert "--secret mixpanel:serviceAccountSecret" in failures[1].reason


def test_unusable_settings_are_refused_under_their_keys(host: PluginHost, api: Emulator) -> None:
    config = stack_config(
        "http://mixpanel.example", **{"mixpanel:maxRetries": "many", "mixpanel:region": "mars"}
    )
    _, failures = host.check_config(config)
    named = {f.property: f.reason for f in failures}
    assert set(named) == {"baseUrl", "maxRetries", "region"}
    assert named["maxRetries"].startswith("mixpanel:maxRetries = 'many' cannot be used")
    assert named["region"].startswith("mixpanel:region = 'mars' cannot be used: expected one of")


def test_a_bad_value_from_the_environment_is_named_by_its_variable(
    start_host: Callable[..., PluginHost], api: Emulator
) -> None:
    host = start_host(env={"MIXPANEL_TIMEOUT_SECONDS": "-1"})
    _, failures = host.check_config(stack_config(api.url))
    assert [f.property for f in failures] == ["timeoutSeconds"]
    assert failures[0].reason.startswith("MIXPANEL_TIMEOUT_SECONDS = '-1' cannot be used")


def test_every_input_is_kept_as_given_the_version_included(host: PluginHost) -> None:
    # the engine stores what CheckConfig returns as the provider's inputs and picks the
    # plugin's version from them
    news = {"serviceAccount": "demo", "serviceAccountSecret": SECRET, "version": "0.1.0"}
    response = check_config(host, {**news, "projectId": str(PROJECT)})
    assert list(response.failures) == []
    assert from_struct(response.inputs) == {**news, "projectId": str(PROJECT)}


def test_an_explicit_providers_unknown_secret_is_not_missing(
    start_host: Callable[..., PluginHost],
) -> None:
    host = start_host(env=NO_CREDENTIALS)
    response = check_config(host, {"serviceAccount": "demo", "serviceAccountSecret": UNKNOWN})
    assert list(response.failures) == []


def test_an_explicit_providers_numbers_are_read_like_the_stacks_strings(
    host: PluginHost, api: Emulator
) -> None:
    news = {
        "serviceAccount": "demo",
        "serviceAccountSecret": SECRET,
        "projectId": float(PROJECT),
        "maxRetries": 2.0,
        "baseUrl": api.url,
    }
    assert list(check_config(host, news).failures) == []


def test_a_credential_in_a_base_url_is_never_repeated(host: PluginHost) -> None:
    config = stack_config(f"http://demo:{SECRET}@mixpanel.example")
    _, failures = host.check_config(config)
    assert [f.property for f in failures] == ["baseUrl"]
    assert SECRET not in failures[0].reason


def test_credentials_the_client_cannot_send_are_refused_before_any_create(
    host: PluginHost, api: Emulator
) -> None:
    secret = "TOPSECRET-xyz-123\u00e9\u20ac"
    news = {"serviceAccount": 5.0, "serviceAccountSecret": secret, "baseUrl": api.url}
    response = check_config(host, news)
    named = {f.property: f.reason for f in response.failures}
    assert set(named) == {"serviceAccount", "serviceAccountSecret"}
    assert "expected text, got float" in named["serviceAccount"]
    assert "only Latin-1 text" in named["serviceAccountSecret"]
    assert "TOPSECRET" not in named["serviceAccountSecret"]
    assert "\u20ac" not in named["serviceAccountSecret"]
