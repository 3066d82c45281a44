"""Each Connector field and each setting is declared once in schema.py; the rest follows from it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import BaseModel

from mixpanel_connectors import _codegen
from mixpanel_connectors._api import models
from mixpanel_connectors._lifecycle import schema

ROOT = Path(__file__).resolve().parents[1]
NEW_FIELD = (
    'Field("description", "A note kept with the connector.", input="str", output="str", '
    "replaces=True, from_api=True),"
)
NEW_PROP = 'Prop("s3_kms_key", "str", "KMS key of the objects."),'
NEW_SETTING = (
    'Setting("user_agent", "mixpanel:userAgent", "MIXPANEL_USER_AGENT", "text", '
    '"Text added to the User-Agent."),'
)
# Runs against the copy whose declaration gained the field, the key and the setting above.
PROBE = """
import inspect, json, sys
import pulumi.dynamic
import mixpanel_connectors as mc
from mixpanel_connectors import resource
from mixpanel_connectors._lifecycle import translate
from mixpanel_connectors.cli.export import render_program
from mixpanel_connectors._lifecycle.config import Settings
from mixpanel_connectors._api.models import ConnectorRecord as Record, connector_values

captured = []
def fake_init(self, provider, name, props, opts=None):
    captured.append(dict(props))
pulumi.dynamic.Resource.__init__ = fake_init

resource.Connector("c", connector_type="s3Import", connector_properties={}, category_properties={},
                   description="d")
resource.Connector.get("c", "id")
answer = {"connector_id": "id", "connector_type": "s3Import", "description": "d",
    "connector_properties": {}, "category_properties": {}}
record = Record.model_validate(answer)
print(json.dumps({
    "module": mc.__file__,
    "signature": list(inspect.signature(resource.Connector.__init__).parameters),
    "outputs": list(resource.Connector.__annotations__),
    "args": list(inspect.signature(resource.S3ConnectorPropertiesArgs.__init__).parameters),
    "args_dict": list(resource.S3ConnectorPropertiesArgsDict.__annotations__),
    "init_props": list(captured[0]),
    "get_props": list(captured[1]),
    "replacing": list(translate.REPLACING_FIELDS),
    "changed": translate.changed_fields({"description": "a", "label": ""}, {"description": "b"}),
    "state": translate.outputs(record.plain(), {"project_id": 1, "region": "us"}, {}),
    "read": translate.outputs(connector_values(answer), {"project_id": 1, "region": "us"}, {}),
    "refresh": list(translate.inputs_from_outputs({"description": "d"})),
    "export": render_program([record], 1),
    "setting": Settings.resolve({}, {"MIXPANEL_USER_AGENT": "ua"}).user_agent,
}))
"""


def _edit(path: Path, anchor: str, insert: str) -> None:
    text = path.read_text()
    assert text.count(anchor) == 1, anchor
    path.write_text(text.replace(anchor, anchor + "\n    " + insert))


@pytest.fixture
def edited(tmp_path: Path) -> Path:
    """A copy of the package and docs whose declaration gained one field, key and setting."""
    ignore = shutil.ignore_patterns("__pycache__")
    shutil.copytree(ROOT / "mixpanel_connectors", tmp_path / "mixpanel_connectors", ignore=ignore)
    shutil.copytree(ROOT / "docs", tmp_path / "docs")
    declaration = tmp_path / "mixpanel_connectors/_lifecycle/schema.py"
    _edit(declaration, "FIELDS: tuple[Field, ...] = (", NEW_FIELD)
    _edit(declaration, '"Where an `s3Import` connector reads from.",\n    (', NEW_PROP)
    _edit(declaration, "SETTINGS: tuple[Setting, ...] = (", NEW_SETTING)
    return tmp_path


def _python(root: Path, *args: str) -> str:
    env = {**os.environ, "PYTHONPATH": str(root)}
    done = subprocess.run(
        [sys.executable, *args], cwd=root, env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_generated_code_and_docs_match_the_declaration(tmp_path: Path) -> None:
    for path in _codegen.TARGETS:
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / path, tmp_path / path)
    assert _codegen.main(["--root", str(tmp_path)]) == 0
    stale = [p for p in _codegen.TARGETS if (tmp_path / p).read_text() != (ROOT / p).read_text()]
    assert stale == [], "run python -m mixpanel_connectors._codegen"


def test_the_generator_refuses_a_file_without_its_markers() -> None:
    with pytest.raises(ValueError, match="no markers"):
        _codegen.fill("text\n", _codegen.TARGETS["docs/resource.md"], _codegen.Declaration())


def test_a_field_added_once_reaches_every_artefact(edited: Path) -> None:
    _python(edited, "-m", "mixpanel_connectors._codegen")
    seen = json.loads(_python(edited, "-c", PROBE))

    assert seen["module"].startswith(str(edited))
    assert "description" in seen["signature"]
    assert "description" in seen["outputs"]
    assert "s3_kms_key" in seen["args"]
    assert "s3_kms_key" in seen["args_dict"]
    assert "description" in seen["init_props"]
    assert "description" in seen["get_props"]
    assert "description" in seen["replacing"]
    assert seen["changed"] == ["description"]
    assert seen["state"]["description"] == "d"
    assert seen["read"]["description"] == "d"
    assert "description" in seen["refresh"]
    assert "    description='d',\n" in seen["export"]
    assert seen["setting"] == "ua"
    reference = (edited / "docs/resource.md").read_text()
    assert "| `description` | `str` | none | replaces | A note kept" in reference
    assert "| `s3_kms_key` | `str` | none | KMS key of the objects. |" in reference
    assert (
        "| `mixpanel:userAgent` | `MIXPANEL_USER_AGENT` |"
        in (edited / "docs/configuration.md").read_text()
    )


@pytest.mark.parametrize(
    ("model", "obj"),
    [
        (models.S3ConnectorProperties, "S3ConnectorProperties"),
        (models.GcsConnectorProperties, "GcsConnectorProperties"),
        (models.CategoryProperties, "CategoryProperties"),
    ],
)
def test_the_declared_keys_are_the_keys_the_api_models_accept(
    model: type[BaseModel], obj: str
) -> None:
    declared = {o.name: o for f in schema.FIELDS for o in f.objects}[obj]
    assert {p.name for p in declared.props} == set(model.model_fields)
    assert {p.name for p in declared.props if p.required} == {
        name for name, info in model.model_fields.items() if info.is_required()
    }


def test_the_declared_spec_is_the_api_models_spec() -> None:
    for spec in (models.S3ConnectorSpec, models.GcsConnectorSpec):
        assert set(schema.spec_fields()) == set(spec.model_fields)
