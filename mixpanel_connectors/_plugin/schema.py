"""The package schema of the `mixpanel` plugin, built from `_lifecycle/schema.py`.

Every property, its type, description, default, requiredness, secrecy and whether a change
replaces the connector come from the one declaration; this module only spells them the way
Pulumi's package schema does (camelCase names, type tokens, `$ref`s).
"""

from __future__ import annotations

import json
import re
from enum import Enum
from importlib import metadata
from typing import Any

from .._api.rules import Compression, ConnectorType, DataFormat, Region, S3Region
from .._lifecycle.schema import FIELDS, SETTINGS, Field, ObjectType, Prop, Setting, SettingKind
from .names import setting_wire_name, wire_name

__all__ = ["CONNECTOR", "PACKAGE", "package_schema", "schema_json", "token", "version"]

PACKAGE = "mixpanel"
CONNECTOR = f"{PACKAGE}:index:Connector"

_ENUMS: dict[str, type[Enum]] = {
    "connector_type": ConnectorType,
    "region": Region,
    "s3_region": S3Region,
    "data_format": DataFormat,
    "compression": Compression,
}
"""The declared names that take only the values of one of the API's enums (the same enums the
spec is validated with, so the schema cannot allow what check refuses)."""

_TYPES: dict[str, dict[str, Any]] = {
    "str": {"type": "string"},
    "int": {"type": "integer"},
    "float": {"type": "number"},
    "dict[str, Any]": {"type": "object", "additionalProperties": {"$ref": "pulumi.json#/Any"}},
    "dict[str, list[str]]": {
        "type": "object",
        "additionalProperties": {"type": "array", "items": {"type": "string"}},
    },
    "Mapping[str, pulumi.Input[str]]": {
        "type": "object",
        "additionalProperties": {"type": "string"},
    },
}
"""The declaration's Python types as schema types (`| None` only makes an output optional)."""

_SETTING_TYPES: dict[SettingKind, dict[str, Any]] = {
    "username": {"type": "string"},
    "text": {"type": "string"},
    "project": {"type": "integer"},
    "region": {"type": "string", "$ref": "#/types/mixpanel:index:Region"},
    "url": {"type": "string"},
    "seconds": {"type": "number"},
    "count": {"type": "integer"},
}

_REPLACES = (
    " Changing it replaces the connector, deleting the old one first (the API has no update)."
)
_DESCRIPTION = (
    "A Mixpanel Cloud Import connector: Mixpanel pulls NDJSON files from an S3 or GCS bucket "
    "into a project. The API cannot change a connector, so every change of what it imports "
    "replaces it, deleting the old one first so that no two connectors import the same files. "
    "Import an existing one with `pulumi import mixpanel:index:Connector <name> "
    "<project_id>:<connector_id>`."
)


def token(name: str) -> str:
    """The type token of a type of this package: `mixpanel:index:<name>`."""
    return f"{PACKAGE}:index:{name}"


def version() -> str:
    """The installed distribution's version, which is also the plugin's."""
    try:
        return metadata.version("mixpanel-connectors")
    except metadata.PackageNotFoundError:  # run from a source tree that was never installed
        return "0.0.0"


_DECLARED = {f.name for f in FIELDS} | {p.name for f in FIELDS for o in f.objects for p in o.props}
_QUOTED_NAME = re.compile(r"`([a-z][a-z0-9]*(?:_[a-z0-9]+)+)`")


def _doc(text: str) -> str:
    """A declaration's doc with the declared names it quotes spelled as in the schema."""

    def rename(match: re.Match[str]) -> str:
        name = match.group(1)
        return f"`{wire_name(name)}`" if name in _DECLARED else match.group(0)

    return _QUOTED_NAME.sub(rename, text)


def _type(name: str, python_type: str) -> dict[str, Any]:
    enum = _ENUMS.get(name)
    if enum is not None:
        return {"type": "string", "$ref": f"#/types/{token(enum.__name__)}"}
    return dict(_TYPES[python_type.removesuffix(" | None")])


def _objects(objects: tuple[ObjectType, ...]) -> dict[str, Any]:
    refs = [{"type": "object", "$ref": f"#/types/{token(o.name)}"} for o in objects]
    return refs[0] if len(refs) == 1 else {"oneOf": refs}


def _input(field: Field) -> dict[str, Any]:
    assert field.input is not None
    spec = _objects(field.objects) if field.objects else _type(field.name, field.input)
    spec["description"] = _doc(field.doc)
    if field.default_doc:
        spec["description"] += f" Defaults to {field.default_doc}."
    if field.default is not None:
        spec["default"] = field.default
    if field.replaces:
        spec["description"] += _REPLACES
        spec["replaceOnChanges"] = True
    return spec


def _output(field: Field) -> dict[str, Any]:
    assert field.output is not None
    spec = _type(field.name, field.output)
    spec["description"] = _doc(field.doc)
    if field.replaces and field.input is not None:
        # codegen reads replaceOnChanges from the outputs and sends it with the resource
        spec["replaceOnChanges"] = True
    return spec


def _prop(prop: Prop) -> dict[str, Any]:
    spec = _type(prop.name, prop.type)
    spec["description"] = _doc(prop.doc)
    if prop.default is not None:
        spec["default"] = prop.default
    return spec


def _object_type(obj: ObjectType) -> dict[str, Any]:
    doc = _doc(obj.doc)
    if obj.when is not None:
        doc += f" Only with `connectorType: {obj.when}`."
    return {
        "type": "object",
        "description": doc,
        "properties": {wire_name(p.name): _prop(p) for p in obj.props},
        "required": [wire_name(p.name) for p in obj.props if p.required],
    }


def _enum_type(enum: type[Enum]) -> dict[str, Any]:
    return {
        "type": "string",
        "description": (enum.__doc__ or "").strip(),
        "enum": [
            {"name": member.name.title().replace("_", ""), "value": member.value} for member in enum
        ],
    }


def _setting(setting: Setting) -> dict[str, Any]:
    spec = dict(_SETTING_TYPES[setting.kind])
    spec["description"] = _doc(setting.doc)
    if setting.default is not None:
        spec["default"] = setting.default
    spec["defaultInfo"] = {"environment": [setting.env]}
    if setting.secret:
        spec["secret"] = True
    return spec


def package_schema() -> dict[str, Any]:
    """The package schema as a dict (see https://www.pulumi.com/docs/iac/extending-pulumi/schema/)."""
    inputs = [f for f in FIELDS if f.input is not None]
    outputs = [f for f in FIELDS if f.output is not None]
    settings = {setting_wire_name(s): _setting(s) for s in SETTINGS}
    types = {token(o.name): _object_type(o) for f in FIELDS for o in f.objects}
    types.update({token(e.__name__): _enum_type(e) for e in _ENUMS.values()})
    return {
        "name": PACKAGE,
        "displayName": "Mixpanel Cloud Import",
        "version": version(),
        "description": "Mixpanel Cloud Import connectors, with exactly-once creates and previews "
        "that name each changed field.",
        "keywords": ["pulumi", "mixpanel", "category/utility"],
        "license": "Apache-2.0",
        "config": {"variables": settings},
        "provider": {
            "description": "The Mixpanel service account and API the connectors are managed with.",
            "inputProperties": settings,
        },
        "resources": {
            CONNECTOR: {
                "description": _DESCRIPTION,
                "inputProperties": {wire_name(f.name): _input(f) for f in inputs},
                "requiredInputs": [wire_name(f.name) for f in inputs if f.required],
                "properties": {wire_name(f.name): _output(f) for f in outputs},
                "required": [
                    wire_name(f.name)
                    for f in outputs
                    if f.output is not None and not f.output.endswith("| None")
                ],
            }
        },
        "types": types,
        "language": {"python": {"packageName": "pulumi_mixpanel"}},
    }


def schema_json() -> str:
    """The package schema as GetSchema returns it."""
    return json.dumps(package_schema(), indent=2)
