"""Connector resource properties: normalised inputs, outputs from the API, and what changed.

The one place where Pulumi property bags are converted to and from the API's shapes, so that
check, diff, create and read agree and no normalisation shows up as a perpetual diff.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pulumi.output import Unknown

from .models import Connector, normalize_project_id, spec_problems

UNKNOWN_SENTINEL = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
SPEC_FIELDS = ("connector_type", "label", "connector_properties", "category_properties")
REPLACING_FIELDS = (*SPEC_FIELDS, "project_id", "region")
IN_PLACE_FIELDS = ("existing_connector_id", "wait_for_import")
DEFAULT_IMPORT_TIMEOUT = 600.0
MAX_IMPORT_TIMEOUT = 86_400.0
PROVIDER_KEY = "__provider"
_PROPERTY_DEFAULTS = {"s3_prefix": "", "gcs_prefix": ""}


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


def canonical_connector_properties(props: object) -> object:
    """Connector properties with defaults filled in, and null fields the API adds dropped."""
    if not isinstance(props, dict):
        return props
    out = {k: v for k, v in props.items() if v is not None}
    for key, default in _PROPERTY_DEFAULTS.items():
        prefix_family = key.split("_", 1)[0]
        if key not in out and any(k.startswith(prefix_family + "_") for k in out):
            out[key] = default
    return out


def canonical_category_properties(props: object) -> object:
    """Category properties with compression defaulting to none, null remaps dropped."""
    if not isinstance(props, dict):
        return props
    out = {k: v for k, v in props.items() if v is not None}
    if "compression" not in out:
        out["compression"] = "none"
    return out


def normalize_inputs(
    news: dict[str, Any], default_project: int | None, default_region: str
) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """Checked inputs (defaults filled, project and region resolved) and the problems found."""
    inputs = {k: v for k, v in news.items() if k != PROVIDER_KEY and v is not None}
    problems: list[tuple[str, str]] = []
    inputs.setdefault("label", "")
    for key, canonical in (
        ("connector_properties", canonical_connector_properties),
        ("category_properties", canonical_category_properties),
    ):
        if key in inputs and not is_unknown(inputs[key]):
            inputs[key] = canonical(inputs[key])

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
    unknown_keys = set(inputs) - {*REPLACING_FIELDS, *IN_PLACE_FIELDS}
    problems.extend((key, f"unknown property {key!r}") for key in sorted(unknown_keys))
    return mark_unknowns(inputs), problems


def _wait_for_import(value: Any) -> tuple[Any, list[tuple[str, str]]]:
    """`wait_for_import` with its default timeout, and what is wrong with it."""
    if is_unknown(value):
        return value, []
    if not isinstance(value, dict):
        return value, [("wait_for_import", f"expected {{timeout_seconds: ...}}, got {value!r}")]
    problems = [
        (f"wait_for_import.{k}", f"unknown property {k!r}") for k in value if k != "timeout_seconds"
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


def mark_unknowns(value: Any) -> Any:
    """Unknown objects, anywhere in the value, as the wire's sentinel string."""
    if is_unknown(value):
        return UNKNOWN_SENTINEL
    if isinstance(value, dict):
        return {k: mark_unknowns(v) for k, v in value.items()}
    if isinstance(value, list):
        return [mark_unknowns(v) for v in value]
    return value


def spec_body(inputs: dict[str, Any]) -> dict[str, Any]:
    """The create request body from checked inputs."""
    return {k: inputs[k] for k in SPEC_FIELDS if k in inputs}


def outputs(connector: Connector, inputs: dict[str, Any]) -> dict[str, Any]:
    """Outputs: everything the API returned, plus project and region (a superset of inputs)."""
    outs: dict[str, Any] = {
        "connector_id": connector.connector_id,
        "connector_type": connector.connector_type,
        "label": connector.label,
        "connector_properties": dict(connector.connector_properties),
        "category_properties": dict(connector.category_properties),
        "status": connector.status,
        "failure_message": connector.failure_message,
        "created_at": None if connector.created_at is None else connector.created_at.isoformat(),
        "created_by": connector.created_by,
        "project_id": inputs["project_id"],
        "region": inputs["region"],
    }
    for key in IN_PLACE_FIELDS:
        if inputs.get(key) is not None:
            outs[key] = inputs[key]
    return outs


def inputs_from_outputs(outs: dict[str, Any]) -> dict[str, Any]:
    """The inputs that would declare exactly this connector (for refresh and get)."""
    inputs = {k: outs[k] for k in (*REPLACING_FIELDS, *IN_PLACE_FIELDS) if k in outs}
    inputs["connector_properties"] = canonical_connector_properties(
        inputs.get("connector_properties", {})
    )
    inputs["category_properties"] = canonical_category_properties(
        inputs.get("category_properties", {})
    )
    return inputs


def _same(old: object, new: object) -> bool:
    if is_unknown(new):
        return False
    if isinstance(old, dict) and isinstance(new, dict):
        keys = set(old) | set(new)
        return all(_same(old.get(k), new.get(k)) for k in keys)
    if isinstance(old, (int, float)) and isinstance(new, (int, float)):
        return not isinstance(old, bool) and not isinstance(new, bool) and old == new
    return old == new


def changed_fields(olds: dict[str, Any], news: dict[str, Any]) -> list[str]:
    """The replacing top-level properties whose value differs (unknown counts as changed).

    `olds` are the previous outputs, `news` the checked inputs; both are canonicalised first, so
    defaults, float project ids, key order and null fields the API adds are not changes.
    """
    old = inputs_from_outputs(olds)
    new = {k: v for k, v in news.items() if k != PROVIDER_KEY}
    for key, canonical in (
        ("connector_properties", canonical_connector_properties),
        ("category_properties", canonical_category_properties),
    ):
        if key in new and not is_unknown(new[key]):
            new[key] = canonical(new[key])
    new.setdefault("label", "")
    return [key for key in REPLACING_FIELDS if not _same(old.get(key), new.get(key))]
