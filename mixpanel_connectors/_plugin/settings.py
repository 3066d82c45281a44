"""The provider's configuration as the protocol carries it, read into the lifecycle's settings.

The engine sends the stack's `mixpanel:*` config (or an explicit provider's inputs) under the
schema's bare names, `projectId`, every value a string or a JSON value; `Settings.resolve`
reads `mixpanel:projectId` keys. Problems are the ones the dynamic face reports, attributed to
the setting they name.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from .._lifecycle.config import Settings
from .._lifecycle.schema import SETTINGS
from .._lifecycle.translate import is_unknown
from .names import setting_wire_name

__all__ = ["config_of", "config_problems"]


def config_of(
    inputs: Mapping[str, Any], variables: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """`mixpanel:<key>` -> value, from the provider's inputs, else Configure's `variables`.

    Variables are keyed `mixpanel:config:<key>`; unknown values count as unset.
    """
    variables = variables or {}
    config: dict[str, Any] = {}
    for setting in SETTINGS:
        name = setting_wire_name(setting)
        value = inputs.get(name)
        if value is None:
            value = variables.get(setting.key.replace(":", ":config:", 1))
        if value is not None and not is_unknown(value):
            config[setting.key] = value
    return config


def _named(setting_key: str, setting_env: str) -> re.Pattern[str]:
    # whole names only: mixpanel:serviceAccount must not match mixpanel:serviceAccountSecret
    return re.compile(rf"(?<![\w:]){re.escape(setting_key)}(?!\w)|(?<!\w){setting_env}(?!\w)")


_MENTIONS = [(setting_wire_name(s), _named(s.key, s.env)) for s in SETTINGS]


def _property(problem: str) -> str:
    """The setting a problem names first (its config key or environment variable), else ''."""
    found = [(m.start(), name) for name, pattern in _MENTIONS if (m := pattern.search(problem))]
    return min(found)[1] if found else ""


def config_problems(
    inputs: Mapping[str, Any], environ: Mapping[str, str] | None = None
) -> list[tuple[str, str]]:
    """What is wrong with the configuration, as (setting's schema name, message) pairs.

    A value not known yet (an explicit provider's input during preview) is not missing.
    """
    pending = {
        setting_wire_name(s) for s in SETTINGS if is_unknown(inputs.get(setting_wire_name(s)))
    }
    settings = Settings.resolve(config_of(inputs), environ)
    problems = [*settings.problems, *settings.missing_credentials()]
    named = [(_property(problem), problem) for problem in problems]
    return [(name, problem) for name, problem in named if name not in pending]
