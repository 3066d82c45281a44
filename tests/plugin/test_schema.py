"""The package schema: valid for Pulumi, whole, and saying what the declaration says."""

from __future__ import annotations

import copy
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from mixpanel_connectors._api.models import ConnectorType
from mixpanel_connectors._lifecycle.schema import FIELDS, SETTINGS, field_named
from mixpanel_connectors._plugin.names import setting_wire_name, wire_name
from mixpanel_connectors._plugin.schema import CONNECTOR, package_schema, token
from mixpanel_connectors.testing import PluginHost

ROOT = Path(__file__).resolve().parents[2]
BUILTIN_REFS = {"pulumi.json#/Any", "pulumi.json#/Archive", "pulumi.json#/Asset"}
TOKEN = re.compile(r"^mixpanel:index:[A-Z][A-Za-z0-9]*$")


def metaschema_path() -> Path | None:
    """Pulumi's published metaschema (pkg/codegen/schema/pulumi.json), which this repository
    may not carry: from $PULUMI_METASCHEMA, else ../shared beside the checkout."""
    named = os.environ.get("PULUMI_METASCHEMA")
    if named:
        return Path(named)  # named explicitly: a missing file must fail, not skip
    beside = ROOT.parent / "shared" / "pulumi-metaschema.json"
    return beside if beside.exists() else None


def _refs(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "$ref" and isinstance(item, str):
                yield item
            else:
                yield from _refs(item)
    elif isinstance(value, list):
        for item in value:
            yield from _refs(item)


def structural_problems(schema: dict[str, Any]) -> list[str]:
    """What the metaschema cannot see: dangling or unused types, required names that do not
    exist, malformed tokens, empty descriptions."""
    problems: list[str] = []
    types = schema.get("types", {})
    used = set()
    for ref in _refs(schema):
        name = ref.removeprefix("#/types/")
        if ref in BUILTIN_REFS:
            continue
        if name == ref or name not in types:
            problems.append(f"$ref {ref} resolves to nothing")
        used.add(name)
    problems += [f"type {name} is never used" for name in types if name not in used]
    objects = {name: spec for name, spec in types.items() if spec.get("type") == "object"}
    for name, spec in {**schema.get("resources", {}), **objects}.items():
        if not TOKEN.match(name):
            problems.append(f"{name} is not a token of the form mixpanel:index:Name")
        for listed, holder in (("required", "properties"), ("requiredInputs", "inputProperties")):
            problems += [
                f"{name} {listed} names {key}, which is not in its {holder}"
                for key in spec.get(listed, [])
                if key not in spec.get(holder, {})
            ]
        for holder in ("properties", "inputProperties"):
            problems += [
                f"{name}.{key} has no description"
                for key, prop in spec.get(holder, {}).items()
                if not prop.get("description")
            ]
    for name, spec in types.items():
        values = [item["value"] for item in spec.get("enum", [])]
        if len(values) != len(set(values)):
            problems.append(f"enum {name} repeats a value")
    return problems


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    return package_schema()


def test_the_schema_validates_against_pulumis_metaschema(schema: dict[str, Any]) -> None:
    path = metaschema_path()
    if path is None:
        pytest.skip("no metaschema: set PULUMI_METASCHEMA or put ../shared/pulumi-metaschema.json")
    import jsonschema

    # its semver patterns use ECMAScript's (?<name>...), which Python spells (?P<name>...)
    meta = json.loads(path.read_text().replace("(?<", "(?P<"))
    validator = jsonschema.Draft202012Validator(meta)
    assert [error.message for error in validator.iter_errors(schema)] == []
    broken = {**schema, "version": "one", "types": {"x:y:Z": {"type": "str"}}}
    assert len(list(validator.iter_errors(broken))) >= 2  # the validator really looks


def test_the_schema_has_no_structural_problems(schema: dict[str, Any]) -> None:
    assert structural_problems(schema) == []


def test_the_structural_check_sees_each_kind_of_problem(schema: dict[str, Any]) -> None:
    broken = copy.deepcopy(schema)
    connector = broken["resources"][CONNECTOR]
    connector["inputProperties"]["label"]["$ref"] = "#/types/mixpanel:index:Nowhere"
    connector["requiredInputs"].append("nothing")
    connector["properties"]["status"]["description"] = ""
    broken["types"]["mixpanel::Unused"] = {"type": "object", "properties": {}}
    found = structural_problems(broken)
    assert any("resolves to nothing" in p for p in found)
    assert any("requiredInputs names nothing" in p for p in found)
    assert any("status has no description" in p for p in found)
    assert any("mixpanel::Unused is never used" in p for p in found)
    assert any("not a token" in p for p in found)


def test_every_declared_field_is_an_input_or_output_as_declared(schema: dict[str, Any]) -> None:
    connector = schema["resources"][CONNECTOR]
    inputs = {wire_name(f.name) for f in FIELDS if f.input is not None}
    outputs = {wire_name(f.name) for f in FIELDS if f.output is not None}
    assert set(connector["inputProperties"]) == inputs
    assert set(connector["properties"]) == outputs
    assert set(connector["requiredInputs"]) == {wire_name(f.name) for f in FIELDS if f.required}
    for f in FIELDS:
        spec = connector["inputProperties"].get(wire_name(f.name), {})
        assert spec.get("default") == f.default
        assert spec.get("replaceOnChanges", False) is (f.replaces and f.input is not None)


def test_every_nested_key_is_typed_with_its_default_and_requiredness(
    schema: dict[str, Any],
) -> None:
    for f in FIELDS:
        for obj in f.objects:
            spec = schema["types"][token(obj.name)]
            assert set(spec["properties"]) == {wire_name(p.name) for p in obj.props}
            assert set(spec["required"]) == {wire_name(p.name) for p in obj.props if p.required}
            for p in obj.props:
                assert spec["properties"][wire_name(p.name)].get("default") == p.default


def test_connector_properties_take_either_object_and_outputs_keep_what_the_api_adds(
    schema: dict[str, Any],
) -> None:
    connector = schema["resources"][CONNECTOR]
    refs = [ref["$ref"] for ref in connector["inputProperties"]["connectorProperties"]["oneOf"]]
    assert refs == [f"#/types/{token(o.name)}" for o in field_named("connector_properties").objects]
    output = connector["properties"]["connectorProperties"]
    assert output["additionalProperties"] == {"$ref": "pulumi.json#/Any"}


def test_the_connector_types_are_the_property_objects_types(schema: dict[str, Any]) -> None:
    whens = {o.when for o in field_named("connector_properties").objects}
    enum = schema["types"][token("ConnectorType")]["enum"]
    assert {item["value"] for item in enum} == whens == {t.value for t in ConnectorType}


def test_every_setting_is_config_and_a_provider_input_and_the_secret_is_secret(
    schema: dict[str, Any],
) -> None:
    variables = schema["config"]["variables"]
    assert variables == schema["provider"]["inputProperties"]
    assert set(variables) == {setting_wire_name(s) for s in SETTINGS}
    for s in SETTINGS:
        spec = variables[setting_wire_name(s)]
        assert spec["defaultInfo"]["environment"] == [s.env]
        assert spec.get("secret", False) is s.secret
    assert variables["serviceAccountSecret"]["secret"] is True


def test_descriptions_use_the_schemas_names(schema: dict[str, Any]) -> None:
    text = json.dumps(schema)
    for name in ("existing_connector_id", "wait_for_import", "project_id"):
        assert f"`{name}`" not in text
    assert "set no `projectId`" in text  # the projectId setting quotes the field


def test_make_schema_prints_what_get_schema_returns(host: PluginHost) -> None:
    printed = subprocess.run(
        [sys.executable, "-m", "mixpanel_connectors._plugin", "--schema"],
        capture_output=True, text=True, check=True, timeout=60,
    ).stdout  # fmt: skip
    assert json.loads(printed) == host.get_schema() == package_schema()
