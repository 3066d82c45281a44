"""Every problem with a connector spec, read off the declaration in schema.py (no pydantic).

Check runs this on every preview; the client's pydantic models (`_api/models.py`) enforce the
same rules on create, and tests/reliability/test_spec_validation.py holds the two to agreeing.
A null value counts as absent, as check hands specs over with nulls dropped.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

from .schema import FIELDS, Field, ObjectType, Prop, spec_fields

__all__ = ["CONNECTOR_TYPES", "spec_problems"]

Problems = Iterator[tuple[str, str]]

_SPEC = tuple(f for f in FIELDS if f.name in spec_fields())
_SELECTOR = "connector_type"
CONNECTOR_TYPES = tuple(dict.fromkeys(o.when for f in _SPEC for o in f.objects if o.when))
"""The values of connector_type, each picking the object types declared `when` it."""


def spec_problems(spec: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Every problem with a create body, as (dotted property path, what is expected) pairs."""
    kind = spec.get(_SELECTOR)
    if kind is None:
        return [(_SELECTOR, f"{_SELECTOR} is required: {_either(CONNECTOR_TYPES)}")]
    if kind not in CONNECTOR_TYPES:
        return [(_SELECTOR, f"expected {_either(CONNECTOR_TYPES)}, got {kind!r}")]
    return [*_fields(spec, kind), *_unknown(spec, {f.name for f in _SPEC}, "")]


def _fields(spec: Mapping[str, Any], kind: str) -> Problems:
    for field in _SPEC:
        value = spec.get(field.name)
        if field.name == _SELECTOR or (value is None and not field.required):
            continue
        if value is None:
            yield field.name, f"{field.name} is required"
        elif field.objects:
            yield from _object(field, _object_for(field, kind), value, kind)
        else:
            yield from _KINDS[str(field.input)](value, field.name)


def _object_for(field: Field, kind: str) -> ObjectType:
    return next(o for o in field.objects if o.when in (None, kind))


def _object(field: Field, obj: ObjectType, value: object, kind: str) -> Problems:
    if not isinstance(value, Mapping):
        yield field.name, f"expected an object, got {type(value).__name__}"
        return
    valid: dict[str, Any] = {}
    for prop in obj.props:
        found = list(_prop(prop, value.get(prop.name), valid, f"{field.name}.{prop.name}"))
        yield from found
        if not found and value.get(prop.name) is not None:
            valid[prop.name] = value[prop.name]
    known = {p.name for p in obj.props}
    if len(field.objects) == 1:
        yield from _unknown(value, known, f"{field.name}.")
        return
    hint = f"{kind} takes {', '.join(sorted(known))}"
    for key in value:
        if key not in known:
            yield f"{field.name}.{key}", f"{key} is not a property here: {hint}"


def _prop(prop: Prop, value: object, valid: Mapping[str, Any], path: str) -> Problems:
    """The problems of one key; `valid` holds the keys before it that passed."""
    if value is None and prop.required:
        yield path, f"{prop.name} is required"
        return
    if value is not None:
        if prop.choices:
            found = [] if value in prop.choices else [(path, _not_one_of(prop.choices, value))]
        else:
            found = list(_KINDS[prop.type](value, path))
        if found:
            yield from found
            return
    if prop.rule is not None and all(key in valid for key in prop.given):
        problem = prop.rule(value, *(valid[key] for key in prop.given))
        if problem is not None:
            yield path, problem


def _text(value: object, path: str) -> Problems:
    if not isinstance(value, str):
        yield path, _not_text(value)


def _text_map(value: object, path: str) -> Problems:
    if not isinstance(value, Mapping):
        yield path, f"Input should be a valid dictionary, got {value!r}"
        return
    for key, item in value.items():
        if not isinstance(key, str):
            yield f"{path}.{key}.[key]", _not_text(key)
        if not isinstance(item, str):
            yield f"{path}.{key}", _not_text(item)


_KINDS: dict[str, Callable[[object, str], Problems]] = {
    "str": _text,
    "Mapping[str, pulumi.Input[str]]": _text_map,
}
"""How a value of each declared type is checked."""


def _unknown(value: Mapping[Any, Any], known: set[str], prefix: str) -> Problems:
    for key in value:
        if key not in known:
            yield f"{prefix}{key}", f"unknown property {key!r}"


def _not_text(value: object) -> str:
    return f"Input should be a valid string, got {value!r}"


def _not_one_of(choices: tuple[str, ...], value: object) -> str:
    return f"Input should be {_either(choices)}, got {value!r}"


def _either(choices: tuple[str, ...]) -> str:
    """'a', 'b' or 'c'."""
    quoted = [repr(choice) for choice in choices]
    return " or ".join([", ".join(quoted[:-1]), quoted[-1]]) if len(quoted) > 1 else quoted[0]
