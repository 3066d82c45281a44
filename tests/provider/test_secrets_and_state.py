"""What reaches state: a tiny provider reference and never a credential."""

from __future__ import annotations

import base64
from collections.abc import Callable

import dill
import pytest
from pulumi.dynamic.dynamic import serialize_provider

from mixpanel_connectors import ConnectorProvider
from mixpanel_connectors.emulator import Emulator
from mixpanel_connectors.testing import Engine, ProviderCallError, ProviderHost
from tests.conftest import PROJECT, SECRET, configured_provider, s3_spec


def test_serialized_provider_is_a_class_reference_under_100_characters() -> None:
    blob = serialize_provider(ConnectorProvider())
    assert len(blob) < 100
    assert type(dill.loads(base64.b64decode(blob))) is ConnectorProvider


def test_a_configured_provider_still_pickles_without_its_settings() -> None:
    provider = configured_provider()
    provider.client("us")
    blob = serialize_provider(provider)
    assert blob == serialize_provider(ConnectorProvider())
    assert SECRET.encode() not in base64.b64decode(blob)


def test_no_credential_leaves_the_provider(
    engine: Engine, api: Emulator, host: ProviderHost
) -> None:
    sent_back: list[object] = [engine.preview("a", s3_spec()).outputs]
    sent_back.append(engine.up("a", s3_spec()).outputs)
    sent_back.append(engine.refresh("a").outputs)
    sent_back.append(engine.state["a"].inputs)
    api.app.faults.configure({"queue": [{"method": "POST", "status": 401}]})
    with pytest.raises(ProviderCallError) as caught:
        engine.up("b", s3_spec(label="b"))
    sent_back.append(caught.value.details)
    engine.destroy("a")
    text = repr(sent_back) + host.stderr
    assert SECRET not in text
    assert base64.b64encode(f"demo:{SECRET}".encode()).decode() not in text


def test_check_without_credentials_names_what_to_set(api: Emulator) -> None:
    with ProviderHost(
        ConnectorProvider(),
        env={"MIXPANEL_SERVICE_ACCOUNT": "", "MIXPANEL_SERVICE_ACCOUNT_SECRET": ""},
    ) as host:
        host.configure({"mixpanel:projectId": str(PROJECT), "mixpanel:baseUrl": api.url})
        _, failures = host.check("a", {}, s3_spec())
    reasons = [f.reason for f in failures]
    assert any("mixpanel:serviceAccount <value>" in r for r in reasons)
    assert any("--secret mixpanel:serviceAccountSecret" in r for r in reasons)


def test_settings_fall_back_to_the_environment(
    api: Emulator, start_host: Callable[..., ProviderHost]
) -> None:
    env = {
        "MIXPANEL_SERVICE_ACCOUNT": "demo",
        "MIXPANEL_SERVICE_ACCOUNT_SECRET": SECRET,
        "MIXPANEL_PROJECT_ID": str(PROJECT),
        "MIXPANEL_BASE_URL": api.url,
    }
    api.app.reset()
    host = start_host(env=env)
    host.configure({})
    engine = Engine(host)
    created = engine.up("a", s3_spec()).outputs
    assert created["project_id"] == PROJECT
    engine.destroy("a")
