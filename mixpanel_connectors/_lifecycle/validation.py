"""Every problem with a connector spec, read off the declaration in schema.py (no pydantic).

Check runs this on every preview; the client's pydantic models (`_api/models.py`) enforce the
same rules on create, and tests/reliability/test_spec_validation.py holds the two to agreeing.
A null value counts as absent, as check hands specs over with nulls dropped.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from .schema import FIELDS, Field, ObjectType, Prop, spec_fields

__all__ = ["CONNECTOR_TYPES", "spec_problems"]

Problems = list[tuple[str, str]]

_SPEC = tuple(f for f in FIELDS if f.name in spec_fields())
_SELECTOR = "connector_type"
CONNECTOR_TYPES = tuple(dict.fromkeys(o.when for f in _SPEC for o in f.objects if o.when))
"""The values of connector_type, each picking the object types declared `when` it."""
_SPEC_NAMES = {f.name for f in _SPEC}


def spec_problems(spec: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Every problem with a create body, as (dotted property path, what is expected) pairs."""
    kind = spec.get(_SELECTOR)
    if kind is None:
        return [(_SELECTOR, f"{_SELECTOR} is required: {_either(CONNECTOR_TYPES)}")]
    if kind not in CONNECTOR_TYPES:
        return [(_SELECTOR, f"expected {_either(CONNECTOR_TYPES)}, got {kind!r}")]
    problems: Problems = []
    _fields(spec, kind, problems)
    _unknown(spec, _SPEC_NAMES, "", problems)
    return problems


# Each check below appends what it finds to `problems`: check runs on every preview, and
# building a list per property (as generators did) cost a third of its time.


def _fields(spec: Mapping[str, Any], kind: str, problems: Problems) -> None:
    for field in _SPEC:
        value = spec.get(field.name)
        if field.name == _SELECTOR or (value is None and not field.required):
            continue
        if value is None:
            problems.append((field.name, f"{field.name} is required"))
        elif field.objects:
            _object(field, _object_for(field, kind), value, kind, problems)
        else:
            _KINDS[str(field.input)](value, field.name, problems)


def _object_for(field: Field, kind: str) -> ObjectType:
    return next(o for o in field.objects if o.when in (None, kind))


def _object(field: Field, obj: ObjectType, value: object, kind: str, problems: Problems) -> None:
    if not isinstance(value, Mapping):
        problems.append((field.name, f"expected an object, got {type(value).__name__}"))
        return
    valid: dict[str, Any] = {}
    for prop in obj.props:
        item = value.get(prop.name)
        before = len(problems)
        _prop(prop, item, valid, f"{field.name}.{prop.name}", problems)
        if len(problems) == before and item is not None:
            valid[prop.name] = item
    known = {p.name for p in obj.props}
    if len(field.objects) == 1:
        _unknown(value, known, f"{field.name}.", problems)
        return
    hint = f"{kind} takes {', '.join(sorted(known))}"
    problems.extend(
        (f"{field.name}.{key}", f"{key} is not a property here: {hint}")
        for key in value
        if key not in known
    )


def _prop(
    prop: Prop, value: object, valid: Mapping[str, Any], path: str, problems: Problems
) -> None:
    """The problems of one key; `valid` holds the keys before it that passed."""
    if value is None and prop.required:
        problems.append((path, f"{prop.name} is required"))
        return
    if value is not None:
        before = len(problems)
        if prop.choices:
            if value not in prop.choices:
                problems.append((path, _not_one_of(prop.choices, value)))
        else:
            _KINDS[prop.type](value, path, problems)
        if len(problems) > before:
            return
    if prop.rule is not None and all(key in valid for key in prop.given):
        problem = prop.rule(value, *(valid[key] for key in prop.given))
        if problem is not None:
            problems.append((path, problem))


def _text(value: object, path: str, problems: Problems) -> None:
    if not isinstance(value, str):
        problems.append((path, _not_text(value)))


def _text_map(value: object, path: str, problems: Problems) -> None:
    if not isinstance(value, Mapping):
        problems.append((path, f"Input should be a valid dictionary, got {value!r}"))
        return
    for key, item in value.items():
        if not isinstance(key, str):
            problems.append((f"{path}.{key}.[key]", _not_text(key)))
        if not isinstance(item, str):
            problems.append((f"{path}.{key}", _not_text(item)))


_KINDS: dict[str, Callable[[object, str, Problems], None]] = {
    "str": _text,
    "Mapping[str, pulumi.Input[str]]": _text_map,
}
"""How a value of each declared type is checked."""


def _unknown(value: Mapping[Any, Any], known: set[str], prefix: str, problems: Problems) -> None:
    problems.extend(
        (f"{prefix}{key}", f"unknown property {key!r}") for key in value if key not in known
    )


def _not_text(value: object) -> str:
    return f"Input should be a valid string, got {value!r}"


def _not_one_of(choices: tuple[str, ...], value: object) -> str:
    return f"Input should be {_either(choices)}, got {value!r}"


def _either(choices: tuple[str, ...]) -> str:
    """'a', 'b' or 'c'."""
    quoted = [repr(choice) for choice in choices]
    return " or ".join([", ".join(quoted[:-1]), quoted[-1]]) if len(quoted) > 1 else quoted[0]
