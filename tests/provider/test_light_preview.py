"""Preview's calls (host start, Configure, Check, Diff) load neither pydantic nor requests.

They run in the real dynamic-provider host, whose process is then asked which modules it holds.
"""

from __future__ import annotations

from pathlib import Path

from pulumi.dynamic.dynamic import serialize_provider
from pulumi.runtime.proto import provider_pb2

from mixpanel_connectors import ConnectorProvider
from mixpanel_connectors.testing import UNKNOWN, Engine, ProviderHost, to_struct
from tests.conftest import gcs_spec, s3_spec, stack_config
from tests.provider.modules_probe import ModulesProbe

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ["pydantic", "requests", "mixpanel_connectors._api.models"]


def loaded(host: ProviderHost, modules: list[str]) -> list[str]:
    """Which of `modules` the host process has imported."""
    probe = serialize_provider(ModulesProbe())
    news = to_struct({"modules": modules, "__provider": probe})
    answer = host.stub.Check(provider_pb2.CheckRequest(urn=host.urn("probe"), news=news))
    return list(answer.inputs["loaded"])


def test_configure_check_and_diff_load_neither_pydantic_nor_requests() -> None:
    with ProviderHost(ConnectorProvider(), env={"PYTHONPATH": str(ROOT)}, cwd=ROOT) as host:
        host.configure(stack_config("http://127.0.0.1:9"))
        engine = Engine(host)  # adds each resource's name: the ownership checks run too
        assert engine.preview("events", s3_spec()).op == "create"
        assert engine.preview("people", gcs_spec(existing_connector_id="c1")).op == "create"
        assert engine.preview("pending", s3_spec(label=UNKNOWN)).op == "create"

        bad = s3_spec(label=3, colour="blue", category_properties={"data_format": "csv"})
        bad["connector_properties"] = {"s3_bucket": "Bad_B", "s3_region": "us", "x": 1}
        _, failures = host.check("bad", {}, bad)
        assert {f.property for f in failures} == {
            "label",
            "colour",
            "category_properties.data_format",
            "connector_properties.s3_bucket",
            "connector_properties.s3_region",
            "connector_properties.s3_role",
            "connector_properties.x",
        }

        checked, failures = host.check("events", {}, s3_spec())
        assert failures == []
        renamed, _ = host.check("events", checked, s3_spec(label="renamed"))
        olds = {**checked, "connector_id": "c2"}
        assert host.diff("events", "c2", olds, renamed, checked).replaces == ["label"]

        modules = [*HEAVY, "mixpanel_connectors.provider"]
        assert loaded(host, modules) == ["mixpanel_connectors.provider"]
