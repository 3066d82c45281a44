"""Every problem with a connector spec, read off the declaration in schema.py (no pydantic).

Check runs this on every preview; the client's pydantic models (`_api/models.py`) enforce the
same rules on create, and tests/reliability/test_spec_validation.py holds the two to agreeing.
A null value counts as absent, as check hands specs over with nulls dropped.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Set
from dataclasses import dataclass
from typing import Any

from .schema import FIELDS, Field, ObjectType, spec_fields

__all__ = ["CONNECTOR_TYPES", "spec_problems"]

Problems = list[tuple[str, str]]

_SPEC = tuple(f for f in FIELDS if f.name in spec_fields())
_SELECTOR = "connector_type"
CONNECTOR_TYPES = tuple(dict.fromkeys(o.when for f in _SPEC for o in f.objects if o.when))
"""The values of connector_type, each picking the object types declared `when` it."""
_SPEC_NAMES = frozenset(f.name for f in _SPEC)


def spec_problems(spec: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Every problem with a create body, as (dotted property path, what is expected) pairs."""
    kind = spec.get(_SELECTOR)
    if kind is None:
        return [(_SELECTOR, f"{_SELECTOR} is required: {_either(CONNECTOR_TYPES)}")]
    if kind not in CONNECTOR_TYPES:
        return [(_SELECTOR, f"expected {_either(CONNECTOR_TYPES)}, got {kind!r}")]
    problems: Problems = []
    for plan in _PLANS[kind]:
        value = spec.get(plan.name)
        if value is None:
            if plan.required:
                problems.append((plan.name, f"{plan.name} is required"))
        elif plan.obj is not None:
            _object(plan.obj, value, problems)
        elif plan.check is not None:
            plan.check(value, plan.name, problems)
    if not _SPEC_NAMES.issuperset(spec):
        _unknown(spec, _SPEC_NAMES, "", problems)
    return problems


# Check runs this on every preview: what does not depend on the spec is planned once, below,
# and each check appends what it finds to one list.


@dataclass(frozen=True)
class _PropPlan:
    name: str
    path: str
    required: bool
    choices: tuple[str, ...]
    check: Callable[[object, str, Problems], None]
    rule: Callable[..., str | None] | None
    given: tuple[str, ...]


@dataclass(frozen=True)
class _ObjectPlan:
    name: str
    props: tuple[_PropPlan, ...]
    known: frozenset[str]
    hint: str | None
    """For a field of several object types, what this type takes."""


@dataclass(frozen=True)
class _FieldPlan:
    name: str
    required: bool
    obj: _ObjectPlan | None
    check: Callable[[object, str, Problems], None] | None
    """For a field that is no object."""


def _plan(field: Field, kind: str) -> _FieldPlan:
    if not field.objects:
        return _FieldPlan(field.name, field.required, None, _KINDS[str(field.input)])
    obj: ObjectType = next(o for o in field.objects if o.when in (None, kind))
    known = frozenset(p.name for p in obj.props)
    props = tuple(
        _PropPlan(
            p.name, f"{field.name}.{p.name}", p.required, p.choices, _KINDS[p.type], p.rule, p.given
        )
        for p in obj.props
    )
    hint = None if len(field.objects) == 1 else f"{kind} takes {', '.join(sorted(known))}"
    return _FieldPlan(field.name, field.required, _ObjectPlan(field.name, props, known, hint), None)


def _object(plan: _ObjectPlan, value: object, problems: Problems) -> None:
    if not isinstance(value, Mapping):
        problems.append((plan.name, f"expected an object, got {type(value).__name__}"))
        return
    valid: dict[str, Any] = {}
    for prop in plan.props:
        item = value.get(prop.name)
        if item is None:
            if prop.required:
                problems.append((prop.path, f"{prop.name} is required"))
                continue
        elif prop.choices:
            if item not in prop.choices:
                problems.append((prop.path, _not_one_of(prop.choices, item)))
                continue
        elif prop.check is _text:  # most keys: spare the call
            if not isinstance(item, str):
                problems.append((prop.path, _not_text(item)))
                continue
        else:
            before = len(problems)
            prop.check(item, prop.path, problems)
            if len(problems) > before:
                continue
        if prop.rule is not None and not _rule_holds(prop.rule, prop, item, valid, problems):
            continue
        if item is not None:
            valid[prop.name] = item
    if plan.known.issuperset(value):
        return
    if plan.hint is None:
        _unknown(value, plan.known, f"{plan.name}.", problems)
        return
    problems.extend(
        (f"{plan.name}.{key}", f"{key} is not a property here: {plan.hint}")
        for key in value
        if key not in plan.known
    )


def _rule_holds(
    rule: Callable[..., str | None],
    prop: _PropPlan,
    value: object,
    valid: Mapping[str, Any],
    problems: Problems,
) -> bool:
    """Whether the key's rule finds nothing wrong; `valid` holds the keys before it that passed
    (a rule that needs one that did not cannot run, and finds nothing)."""
    if not prop.given:
        problem = rule(value)
    elif all(key in valid for key in prop.given):
        problem = rule(value, *(valid[key] for key in prop.given))
    else:
        return True
    if problem is None:
        return True
    problems.append((prop.path, problem))
    return False


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


def _unknown(value: Mapping[Any, Any], known: Set[str], prefix: str, problems: Problems) -> None:
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


_PLANS = {
    kind: tuple(_plan(f, kind) for f in _SPEC if f.name != _SELECTOR) for kind in CONNECTOR_TYPES
}
"""Per connector_type, what each field of the spec is checked against."""
