"""Translation between Pulumi property bags and the API: normalised inputs, outputs, what changed.

The one place where Pulumi property bags are converted to and from the API's shapes, so that
check, diff, create and read agree and no normalisation shows up as a perpetual diff.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from pulumi.output import Unknown

from .._api.rules import normalize_project_id
from .schema import (
    FIELDS,
    field_named,
    in_place_fields,
    property_objects,
    replacing_fields,
    spec_fields,
)
from .validation import spec_problems

UNKNOWN_SENTINEL = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
SPEC_FIELDS = spec_fields()
PROPERTY_OBJECTS = property_objects()
REPLACING_FIELDS = replacing_fields()
IN_PLACE_FIELDS = in_place_fields()
OWNER_KEY = "resource_name"
"""The Pulumi resource name, sent by the Connector class so that messages can name resources."""
_WAIT_PROPS = {p.name: p for p in field_named("wait_for_import").objects[0].props}
DEFAULT_IMPORT_TIMEOUT = float(str(_WAIT_PROPS["timeout_seconds"].default))
MAX_IMPORT_TIMEOUT = 86_400.0
PROVIDER_KEY = "__provider"
_INPUT_NAMES = frozenset({*REPLACING_FIELDS, *IN_PLACE_FIELDS, OWNER_KEY})
_INPUT_DEFAULTS = {
    f.name: f.default for f in FIELDS if f.input is not None and f.default is not None
}


def is_unknown(value: object) -> bool:
    """True for a value that is not known yet (preview)."""
    return isinstance(value, Unknown) or value == UNKNOWN_SENTINEL


def contains_unknown(value: object) -> bool:
    """True if the value, or anything nested in it, is unknown."""
    if is_unknown(value):
        return True
    if isinstance(value, dict):
        return any(contains_unknown(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return any(contains_unknown(v) for v in value)
    return False


def _walk(value: object, path: list[str]) -> Iterator[object]:
    """The values along `path` inside nested dicts, from the top."""
    yield value
    for part in path:
        if not isinstance(value, dict) or part not in value:
            return
        value = value[part]
        yield value


def _touches_unknown(data: dict[str, Any], path: str) -> bool:
    """True when a problem at `path` may only be there because something is not known yet."""
    values = list(_walk(data, path.split(".") if path else []))
    return any(is_unknown(v) for v in values) or contains_unknown(values[-1])


def _default_plan(name: str) -> tuple[bool, tuple[tuple[str, object, str], ...]]:
    """Whether the property object has one type, and each default as (key, value, family)."""
    objects = field_named(name).objects
    defaults = tuple(
        (prop.name, prop.default, prop.name.split("_", 1)[0] + "_")
        for obj in objects
        for prop in obj.props
        if prop.default is not None
    )
    return len(objects) == 1, defaults


_DEFAULT_PLANS = {name: _default_plan(name) for name in PROPERTY_OBJECTS}


def canonical(name: str, value: object) -> object:
    """A property object with its declared defaults filled in and null fields dropped.

    Of several object types (S3 or GCS), a default applies when a key of its family (`s3_`)
    is present. Other properties are returned as they are.
    """
    plan = _DEFAULT_PLANS.get(name)
    if plan is None or not isinstance(value, dict):
        return value
    single, defaults = plan
    out = {k: v for k, v in value.items() if v is not None}
    families = {k.split("_", 1)[0] + "_" for k in out if isinstance(k, str)}
    for key, default, family in defaults:
        if key not in out and (single or family in families):
            out[key] = default
    return out


def normalize_inputs(
    news: dict[str, Any], default_project: int | None, default_region: str
) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """Checked inputs (defaults filled, project and region resolved) and the problems found."""
    inputs = {k: v for k, v in news.items() if k != PROVIDER_KEY and v is not None}
    problems: list[tuple[str, str]] = []
    for key, default in _INPUT_DEFAULTS.items():
        inputs.setdefault(key, default)
    for key in PROPERTY_OBJECTS:
        if key in inputs and not is_unknown(inputs[key]):
            inputs[key] = canonical(key, inputs[key])

    if "project_id" not in inputs and default_project is not None:
        inputs["project_id"] = default_project
    if "project_id" not in inputs:
        problems.append(
            (
                "project_id",
                "no project id: set project_id on the resource, or `pulumi config set "
                "mixpanel:projectId 1234567` (or MIXPANEL_PROJECT_ID)",
            )
        )
    elif not is_unknown(inputs["project_id"]):
        try:
            inputs["project_id"] = normalize_project_id(inputs["project_id"])
        except ValueError as exc:
            problems.append(("project_id", str(exc)))

    region = inputs.setdefault("region", default_region)
    if not is_unknown(region) and region not in ("us", "eu", "in"):
        problems.append(("region", f"expected 'us', 'eu' or 'in', got {region!r}"))

    existing = inputs.get("existing_connector_id")
    valid_id = isinstance(existing, str) and existing.strip() != "" and "/" not in existing
    if existing is not None and not is_unknown(existing) and not valid_id:
        problems.append(
            ("existing_connector_id", f"expected a connector id string, got {existing!r}")
        )

    spec = {k: inputs[k] for k in SPEC_FIELDS if k in inputs}
    for path, reason in spec_problems(spec):
        if not _touches_unknown(spec, path):
            problems.append((path, reason))
    if "wait_for_import" in inputs:
        inputs["wait_for_import"], wait_problems = _wait_for_import(inputs["wait_for_import"])
        problems.extend(wait_problems)
    owner = inputs.get(OWNER_KEY)
    if owner is not None and not isinstance(owner, str):
        problems.append((OWNER_KEY, f"expected the resource's name, got {owner!r}"))
    unknown_keys = sorted(key for key in inputs if key not in _INPUT_NAMES)
    problems.extend((key, f"unknown property {key!r}") for key in unknown_keys)
    return mark_unknowns(inputs), problems


def _wait_for_import(value: Any) -> tuple[Any, list[tuple[str, str]]]:
    """`wait_for_import` with its default timeout, and what is wrong with it."""
    if is_unknown(value):
        return value, []
    if not isinstance(value, dict):
        return value, [("wait_for_import", f"expected {{timeout_seconds: ...}}, got {value!r}")]
    problems = [
        (f"wait_for_import.{k}", f"unknown property {k!r}") for k in value if k not in _WAIT_PROPS
    ]
    timeout = value.get("timeout_seconds", DEFAULT_IMPORT_TIMEOUT)
    valid = isinstance(timeout, (int, float)) and not isinstance(timeout, bool)
    if not is_unknown(timeout) and not (valid and 0 < timeout <= MAX_IMPORT_TIMEOUT):
        problems.append(
            (
                "wait_for_import.timeout_seconds",
                f"expected seconds from 1 to {MAX_IMPORT_TIMEOUT:.0f}, e.g. 600; got {timeout!r}",
            )
        )
    return {**value, "timeout_seconds": timeout}, problems


_PLAIN = frozenset({str, int, float, bool, type(None)})
"""Types whose values are what they are: the sentinel string marks itself."""


def mark_unknowns(value: Any) -> Any:
    """Unknown objects, anywhere in the value, as the wire's sentinel string."""
    if isinstance(value, dict):
        return {k: v if type(v) in _PLAIN else mark_unknowns(v) for k, v in value.items()}
    if isinstance(value, list):
        return [v if type(v) in _PLAIN else mark_unknowns(v) for v in value]
    return UNKNOWN_SENTINEL if is_unknown(value) else value


def spec_body(inputs: dict[str, Any]) -> dict[str, Any]:
    """The create request body from checked inputs."""
    return {k: inputs[k] for k in SPEC_FIELDS if k in inputs}


def declared_keys(inputs: dict[str, Any]) -> dict[str, list[str]]:
    """Which keys of each property object the checked inputs declare (defaults included)."""
    return {
        name: sorted(inputs[name])
        for name in PROPERTY_OBJECTS
        if isinstance(inputs.get(name), dict)
    }


def outputs(
    connector: dict[str, Any], inputs: dict[str, Any], declared: dict[str, list[str]]
) -> dict[str, Any]:
    """Outputs: everything the API returned, plus project, region and the declared keys.

    `connector` is the connector as plain values (`ConnectorRecord.plain()`, or the client's
    `*_values` methods), which the outputs take as they are.

    The property objects are kept as the API returned them, keys the server added included
    (docs/api-contract.md, "Fields the server adds"); `declared_keys` says which of their keys the
    program declares, and only those are ever compared. It is left out when the declared keys
    are exactly the keys the objects hold, as `declared_of` then reads them: the engine
    serializes every output on every create, read and delete, and it was most of them.
    """
    outs = {name: connector.get(name) for name in _FROM_API}
    if declared != _held_keys(outs):
        outs["declared_keys"] = declared
    for name in _FROM_INPUTS:
        outs[name] = inputs[name]
    for name in _KEPT:
        if inputs.get(name) is not None:
            outs[name] = inputs[name]
    return outs


_FROM_API = tuple(f.name for f in FIELDS if f.from_api)
_FROM_INPUTS = tuple(
    f.name for f in FIELDS if f.output is not None and f.input is not None and not f.from_api
)
_KEPT = (*IN_PLACE_FIELDS, OWNER_KEY)


def _held_keys(outs: dict[str, Any]) -> dict[str, list[str]]:
    """The keys each property object of the outputs holds a value for."""
    return {
        name: sorted(k for k, v in outs[name].items() if v is not None)
        for name in PROPERTY_OBJECTS
        if isinstance(outs.get(name), dict)
    }


def declared_of(outs: dict[str, Any]) -> dict[str, list[str]]:
    """The declared keys recorded in outputs; when none are (outputs leave them out when they
    are every key held, and older state never had them), every key the outputs hold."""
    recorded = outs.get("declared_keys")
    if not isinstance(recorded, dict):
        return _held_keys(outs)
    held = _held_keys(outs)
    declared: dict[str, list[str]] = {}
    for name in PROPERTY_OBJECTS:
        keys = recorded.get(name)
        if isinstance(keys, list):
            declared[name] = [str(k) for k in keys]
        elif name in held:
            declared[name] = held[name]
    return declared


INPUT_SOURCES = (*REPLACING_FIELDS, *IN_PLACE_FIELDS, OWNER_KEY, "declared_keys")
"""The outputs `inputs_from_outputs` reads."""


def inputs_from_outputs(outs: dict[str, Any]) -> dict[str, Any]:
    """The inputs that declare this connector as the program does (for refresh and get).

    Only the declared keys of each property object, with their live values.
    """
    inputs = {k: outs[k] for k in (*REPLACING_FIELDS, *IN_PLACE_FIELDS, OWNER_KEY) if k in outs}
    declared = declared_of(outs)
    for name in PROPERTY_OBJECTS:
        live = canonical(name, inputs.get(name, {}))
        keys = declared.get(name)
        if isinstance(live, dict) and keys is not None:
            live = {k: live[k] for k in keys if k in live}
        inputs[name] = live
    return inputs


@dataclass(frozen=True)
class Difference:
    """One declared property whose live value differs; `path` is `field` or `field.key`."""

    path: str
    live: object
    declared: object

    def __str__(self) -> str:
        return f"{self.path}: live {self.live!r}, declared {self.declared!r}"


def compare(live: dict[str, Any], declared: dict[str, Any]) -> list[Difference]:
    """Each declared property whose live value differs, property objects key by key.

    Keys only the live connector has (the server adds some) are not differences.
    """
    found: list[Difference] = []
    for key in REPLACING_FIELDS:
        if key not in declared:
            continue
        old, new = canonical(key, live.get(key)), canonical(key, declared[key])
        if key in PROPERTY_OBJECTS and isinstance(old, dict) and isinstance(new, dict):
            found.extend(
                Difference(f"{key}.{sub}", old.get(sub), new[sub])
                for sub in sorted(new)
                if not _same(old.get(sub), new[sub])
            )
        elif not _same(old, new):
            found.append(Difference(key, old, new))
    return found


def differences(live: dict[str, Any], declared: dict[str, Any]) -> list[str]:
    """Each declared property whose live value differs, as `path: live X, declared Y`."""
    return [str(found) for found in compare(live, declared)]


def _same(old: object, new: object) -> bool:
    if is_unknown(new):
        return False
    if isinstance(old, dict) and isinstance(new, dict):
        keys = set(old) | set(new)
        return all(_same(old.get(k), new.get(k)) for k in keys)
    if isinstance(old, (int, float)) and isinstance(new, (int, float)):
        return not isinstance(old, bool) and not isinstance(new, bool) and old == new
    return old == new


def changed_paths(olds: dict[str, Any], news: dict[str, Any]) -> list[Difference]:
    """The replacing properties whose declared value differs (unknown counts as changed).

    `olds` are the previous outputs, `news` the checked inputs; both are canonicalised first, so
    defaults, float project ids, key order, null fields and keys the server adds are not changes.
    A key the program no longer declares is not compared either: the connector keeps its value.
    """
    new = {k: v for k, v in news.items() if k != PROVIDER_KEY}
    for key, default in _INPUT_DEFAULTS.items():
        new.setdefault(key, default)
    return compare(olds, {key: new.get(key) for key in REPLACING_FIELDS})


def dropped_keys(olds: dict[str, Any], news: dict[str, Any], fields: list[str]) -> list[Difference]:
    """Keys of the property objects in `fields` that the old outputs declared and the new
    inputs no longer do: worth showing when those objects are replaced anyway (a dropped key
    alone replaces nothing: the connector keeps its value)."""
    before = declared_of(olds)
    found: list[Difference] = []
    for name in fields:
        new = news.get(name)
        old = olds.get(name)
        if name not in PROPERTY_OBJECTS or not isinstance(new, dict) or not isinstance(old, dict):
            continue
        found.extend(
            Difference(f"{name}.{key}", old.get(key), None)
            for key in before.get(name, [])
            if key not in new and old.get(key) is not None
        )
    return found


def changed_fields(olds: dict[str, Any], news: dict[str, Any]) -> list[str]:
    """The top-level names of `changed_paths`, in declaration order."""
    paths = {found.path.split(".")[0] for found in changed_paths(olds, news)}
    return [key for key in REPLACING_FIELDS if key in paths]
