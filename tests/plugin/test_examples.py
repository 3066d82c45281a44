"""The YAML and TypeScript programs of examples/ and of the docs, checked against the plugin.

Every Connector property they set must be one the schema declares (nested keys included), every
output they read one it exports, and the YAML program's Connector must pass the plugin's Check
with the other resources' outputs unknown, as in a first preview.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from pulumi.runtime.proto import provider_pb2

from mixpanel_connectors._plugin.schema import CONNECTOR, package_schema
from mixpanel_connectors.testing import UNKNOWN, PluginHost, to_struct
from tests.conftest import PLUGIN_DIR

ROOT = Path(__file__).resolve().parents[2]
DOCS = [ROOT / "README.md", ROOT / "docs" / "other-languages.md"]
SCHEMA = package_schema()
INTERPOLATION = re.compile(r"\$\{[^}]+\}")


def fenced(language: str) -> list[tuple[str, str]]:
    """The docs' code blocks in `language` that declare a Connector, as (where, code)."""
    found = []
    for doc in DOCS:
        text = doc.read_text()
        for match in re.finditer(rf"^```{language}\n(.*?)^```", text, re.DOTALL | re.MULTILINE):
            if "Connector" in match.group(1):
                line = text[: match.start()].count("\n") + 1
                found.append((f"{doc.relative_to(ROOT)}:{line}", match.group(1)))
    return found


YAML_PROGRAMS = [("examples/yaml/Pulumi.yaml", (ROOT / "examples/yaml/Pulumi.yaml").read_text())]
YAML_PROGRAMS += fenced("yaml")
TS_PROGRAMS = [
    ("examples/typescript/index.ts", (ROOT / "examples/typescript/index.ts").read_text())
]
TS_PROGRAMS += fenced("typescript")


def input_paths() -> set[str]:
    """Every property path a program may set: `label`, `connectorProperties.s3Bucket`, ..."""
    connector = SCHEMA["resources"][CONNECTOR]
    paths = set(connector["inputProperties"])
    for name, spec in connector["inputProperties"].items():
        for ref in [spec, *spec.get("oneOf", [])]:
            target = ref.get("$ref", "").removeprefix("#/types/")
            keys = SCHEMA["types"].get(target, {}).get("properties", {})
            paths.update(f"{name}.{key}" for key in keys)
    return paths


def unknown_paths(props: dict[str, Any]) -> list[str]:
    paths = input_paths()
    found = []
    for key, value in props.items():
        if key not in paths:
            found.append(key)
        elif isinstance(value, dict) and any(p.startswith(f"{key}.") for p in paths):
            found += [f"{key}.{k}" for k in value if f"{key}.{k}" not in paths]
    return found


def yaml_connectors(text: str) -> dict[str, dict[str, Any]]:
    resources = yaml.safe_load(text)["resources"]
    return {
        name: resource.get("properties", {})
        for name, resource in resources.items()
        if resource["type"].startswith("mixpanel:")
    }


_TS_TOKEN = re.compile(
    r"\"(?:\\.|[^\"\\])*\"|'(?:\\.|[^'\\])*'|`(?:\\.|[^`\\])*`|([A-Za-z_$][\w$]*)\s*:|[{}\[\]]"
)


def ts_connectors(source: str) -> dict[str, tuple[dict[str, Any], set[str]]]:
    """Each `new mixpanel.Connector(...)`: its args' keys as nested dicts, and the outputs the
    program reads from it (`events.connectorId`)."""
    found = {}
    for start in re.finditer(r"const (\w+) = new mixpanel\.Connector\(\s*\"[^\"]*\",\s*\{", source):
        args: dict[str, Any] = {}
        open_objects: list[dict[str, Any] | None] = []
        key: str | None = None
        for token in _TS_TOKEN.finditer(source, start.end() - 1):
            text = token.group(0)
            if token.group(1):
                key = token.group(1)
                if open_objects and open_objects[-1] is not None:
                    open_objects[-1][key] = None
            elif text in "{[":
                parent = open_objects[-1] if open_objects else None
                child: dict[str, Any] | None = {} if text == "{" else None
                if parent is not None and key is not None and child is not None:
                    parent[key] = child
                open_objects.append(child if open_objects else args)
                key = None
            elif text in "}]":
                open_objects.pop()
                if not open_objects:
                    break
        reads = set(re.findall(rf"\b{start.group(1)}\.(\w+)", source))
        found[start.group(1)] = (args, reads)
    return found


@pytest.mark.parametrize(("where", "text"), YAML_PROGRAMS, ids=[w for w, _ in YAML_PROGRAMS])
def test_yaml_programs_set_only_declared_properties(where: str, text: str) -> None:
    connectors = yaml_connectors(text)
    assert connectors, f"{where} declares no Connector"
    for props in connectors.values():
        assert unknown_paths(props) == []
        assert set(SCHEMA["resources"][CONNECTOR]["requiredInputs"]) <= set(props)
    types = {r["type"] for r in yaml.safe_load(text)["resources"].values()}
    assert {t for t in types if t.startswith("mixpanel:")} == {CONNECTOR}
    outputs = SCHEMA["resources"][CONNECTOR]["properties"]
    for name in connectors:
        assert set(re.findall(rf"\$\{{{name}\.(\w+)\}}", text)) <= set(outputs)


@pytest.mark.parametrize(("where", "text"), YAML_PROGRAMS, ids=[w for w, _ in YAML_PROGRAMS])
def test_yaml_programs_reference_only_what_they_declare(where: str, text: str) -> None:
    program = yaml.safe_load(text)
    declared = {*program.get("resources", {}), *program.get("config", {})}
    declared |= set(program.get("variables", {}))
    roots = {ref[2:-1].split(".")[0].split("[")[0] for ref in INTERPOLATION.findall(text)}
    assert roots - declared == set(), f"{where} references undeclared names"


@pytest.mark.parametrize(("where", "text"), YAML_PROGRAMS, ids=[w for w, _ in YAML_PROGRAMS])
def test_yaml_programs_pass_the_plugins_check_in_a_first_preview(
    host: PluginHost, where: str, text: str
) -> None:
    for name, props in yaml_connectors(text).items():
        news = yaml.safe_load(INTERPOLATION.sub(UNKNOWN, yaml.safe_dump(props)))
        request = provider_pb2.CheckRequest(
            urn=host.urn(name), olds=to_struct({}), news=to_struct(news)
        )
        failures = host.call("Check", request).failures
        assert [(f.property, f.reason) for f in failures] == []


@pytest.mark.parametrize(("where", "source"), TS_PROGRAMS, ids=[w for w, _ in TS_PROGRAMS])
def test_typescript_programs_set_and_read_only_declared_properties(where: str, source: str) -> None:
    connectors = ts_connectors(source)
    assert connectors, f"{where} declares no Connector"
    for args, reads in connectors.values():
        assert unknown_paths(args) == []
        assert set(SCHEMA["resources"][CONNECTOR]["requiredInputs"]) <= set(args)
        assert reads <= set(SCHEMA["resources"][CONNECTOR]["properties"])


def test_the_checks_see_a_misspelled_key_and_an_undeclared_output() -> None:
    source = (
        TS_PROGRAMS[0][1].replace("s3Bucket:", "s3Bukcet:").replace("events.status", "events.state")
    )
    ((args, reads),) = ts_connectors(source).values()
    assert unknown_paths(args) == ["connectorProperties.s3Bukcet"]
    assert "state" in reads
    assert unknown_paths({"connectorProperties": {"s3Bucket": "b"}, "lable": "x"}) == ["lable"]


def test_the_example_projects_name_this_plugin_folder() -> None:
    for example in ("yaml", "typescript"):
        project = yaml.safe_load((ROOT / "examples" / example / "Pulumi.yaml").read_text())
        assert (ROOT / "examples" / example / project["packages"]["mixpanel"]).resolve() == (
            PLUGIN_DIR
        )
    assert (PLUGIN_DIR / "PulumiPlugin.yaml").exists()
    assert not (PLUGIN_DIR / "Pulumi.yaml").exists()  # the CLI refuses a folder with both
