"""The emulator command's settings: a flag, else its MIXPANEL_EMULATOR_* variable, else a default.

A value is read only when the emulator starts, so a bad variable never breaks another subcommand,
and a bad value is a UsageError naming the flag or variable it came from.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable
from typing import TypeVar

from ..cli.common import UsageError

ENV_PREFIX = "MIXPANEL_EMULATOR_"
T = TypeVar("T")


def _shown(raw: str) -> str:
    return raw if raw.isprintable() and len(raw) <= 40 else repr(raw[:40])


class Settings:
    """Reads the emulator's settings from parsed flags and the environment."""

    def __init__(self, args: argparse.Namespace) -> None:
        self._args = args

    def source(self, dest: str, variable: str) -> str:
        """The flag when it was given, else the variable."""
        if getattr(self._args, dest, None) is not None:
            return "--" + dest.replace("_", "-")
        return ENV_PREFIX + variable

    def _read(
        self, dest: str, variable: str, raw: str, read: Callable[[str], T], secret: bool
    ) -> T:
        try:
            return read(raw)
        except ValueError as exc:
            shown = "" if secret else f" {_shown(raw)}"
            raise UsageError(f"{self.source(dest, variable)}{shown}: {exc}") from None

    def one(self, dest: str, variable: str, read: Callable[[str], T], default: T) -> T:
        raw = getattr(self._args, dest, None)
        if raw is None:
            raw = os.environ.get(ENV_PREFIX + variable) or None
        return default if raw is None else self._read(dest, variable, raw, read, False)

    def many(
        self, dest: str, variable: str, read: Callable[[str], T], *, secret: bool = False
    ) -> list[T]:
        raws: list[str] | None = getattr(self._args, dest, None)
        if not raws:
            joined = os.environ.get(ENV_PREFIX + variable, "")
            raws = [item.strip() for item in joined.split(",") if item.strip()]
        return [self._read(dest, variable, raw, read, secret) for raw in raws]
