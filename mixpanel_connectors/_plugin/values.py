"""The protocol's PropertyValues as the lifecycle's plain values, and back.

Unknowns reach the provider as the wire's sentinel string (the SDK's server never builds
Computed values) and stay that string both ways, which is also how the lifecycle spells them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi.provider.experimental.property_value import Computed, PropertyValue

from .._lifecycle.translate import UNKNOWN_SENTINEL

__all__ = ["plain", "plain_map", "property_map", "property_value"]


def plain(value: PropertyValue) -> Any:
    """A value as the lifecycle reads it: secrets unwrapped, unknowns as the sentinel."""
    inner = value.value
    if isinstance(inner, Computed):
        return UNKNOWN_SENTINEL
    if inner is None or isinstance(inner, (bool, float, str)):
        return inner
    if isinstance(inner, Mapping):
        return plain_map(inner)
    if isinstance(inner, tuple):
        return [plain(item) for item in inner]
    # assets, archives and resource references: no Connector property takes one
    raise TypeError(f"a {value.type.value} value cannot be a Connector property")


def plain_map(props: Mapping[str, PropertyValue]) -> dict[str, Any]:
    return {key: plain(value) for key, value in props.items()}


def property_value(value: Any) -> PropertyValue:
    """A plain value on the wire; integers become floats, the wire's only numbers."""
    if value is None or isinstance(value, (bool, float, str)):
        return PropertyValue(value)
    if isinstance(value, int):
        return PropertyValue(float(value))
    if isinstance(value, Mapping):
        return PropertyValue(property_map(value))
    if isinstance(value, (list, tuple)):
        return PropertyValue([property_value(item) for item in value])
    raise TypeError(f"{type(value).__name__} is not a property value")


def property_map(props: Mapping[str, Any]) -> dict[str, PropertyValue]:
    return {key: property_value(value) for key, value in props.items()}
