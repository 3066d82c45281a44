"""The schema's camelCase names for the declaration's snake_case ones, and back.

Only declared names are renamed. Keys a user chose (`property_remap`'s), keys the server adds to
a property object and anything undeclared pass through unchanged, so renaming is lossless both
ways and an unknown input is reported under the name the program used.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .._lifecycle.schema import FIELDS, Setting

__all__ = [
    "from_wire",
    "misnamed",
    "path_from_wire",
    "path_to_wire",
    "setting_wire_name",
    "to_wire",
    "wire_name",
]


def wire_name(name: str) -> str:
    """The schema's name for a declared name: `s3_prefix` -> `s3Prefix`."""
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def setting_wire_name(setting: Setting) -> str:
    """A setting's name in the schema's config and in the provider's inputs: `projectId`."""
    return setting.key.partition(":")[2]


@dataclass(frozen=True)
class _Renaming:
    top: Mapping[str, str]
    nested: Mapping[str, Mapping[str, str]]
    """Per property object (by its name on this side), its keys' new names."""
    key_lists: str
    """The output whose values list property-object keys (`declared_keys`): names, not data."""

    def inverse(self) -> _Renaming:
        return _Renaming(
            top={new: old for old, new in self.top.items()},
            nested={
                self.top[name]: {new: old for old, new in keys.items()}
                for name, keys in self.nested.items()
            },
            key_lists=self.top[self.key_lists],
        )

    def props(self, props: Mapping[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in props.items():
            if key == self.key_lists and isinstance(value, dict):
                value = {
                    self.top.get(name, name): self._key_list(name, keys)
                    for name, keys in value.items()
                }
            elif key in self.nested and isinstance(value, dict):
                # one level only: deeper values (property_remap's) are the user's data
                value = {self.nested[key].get(k, k): v for k, v in value.items()}
            out[self.top.get(key, key)] = value
        return out

    def _key_list(self, name: str, keys: object) -> object:
        if not isinstance(keys, list):
            return keys
        inner = self.nested.get(name, {})
        return [inner.get(k, k) if isinstance(k, str) else k for k in keys]

    def path(self, path: str) -> str:
        head, dot, rest = path.partition(".")
        sub, dot2, tail = rest.partition(".")
        inner = self.nested.get(head, {})
        return f"{self.top.get(head, head)}{dot}{inner.get(sub, sub)}{dot2}{tail}"


_TO_WIRE = _Renaming(
    top={f.name: wire_name(f.name) for f in FIELDS},
    nested={
        f.name: {p.name: wire_name(p.name) for o in f.objects for p in o.props}
        for f in FIELDS
        if f.objects
    },
    key_lists="declared_keys",
)
_FROM_WIRE = _TO_WIRE.inverse()


def to_wire(props: Mapping[str, Any]) -> dict[str, Any]:
    """Lifecycle properties (snake_case) with the schema's names."""
    return _TO_WIRE.props(props)


def from_wire(props: Mapping[str, Any]) -> dict[str, Any]:
    """Properties with the schema's names as the lifecycle names them."""
    return _FROM_WIRE.props(props)


def path_to_wire(path: str) -> str:
    """`connector_properties.s3_prefix` -> `connectorProperties.s3Prefix` (empty stays empty)."""
    return _TO_WIRE.path(path)


def path_from_wire(path: str) -> str:
    """`connectorProperties.s3Prefix` -> `connector_properties.s3_prefix`."""
    return _FROM_WIRE.path(path)


def misnamed(props: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Declared names given in the Python spelling (`s3_bucket` for `s3Bucket`), as (path,
    reason): accepted as they are, they would merge with or shadow the schema's name."""
    found: list[tuple[str, str]] = []
    for key, value in props.items():
        wire = _TO_WIRE.top.get(key)
        if wire is not None and wire != key:
            found.append((key, f"{key!r} is not a property: its name is {wire!r}"))
        inner = _TO_WIRE.nested.get(_FROM_WIRE.top.get(key, ""), {})
        if isinstance(value, Mapping):
            for sub in value:
                sub_wire = inner.get(sub)
                if sub_wire is not None and sub_wire != sub:
                    found.append(
                        (f"{key}.{sub}", f"{sub!r} is not a property: its name is {sub_wire!r}")
                    )
    return found
