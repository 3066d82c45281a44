"""Provider settings: the stack config the engine passes to configure(), then the environment."""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .._api.retries import RetryPolicy
from .._api.rules import normalize_project_id
from .._api.urls import REGION_BASE_URLS, check_base_url
from .schema import SETTINGS, SettingKind

if TYPE_CHECKING:
    from .._api.client import MixpanelClient

__all__ = ["SETTINGS_SOURCES", "Settings"]

SETTINGS_SOURCES: dict[str, tuple[str, str]] = {s.name: (s.key, s.env) for s in SETTINGS}
"""setting -> (stack config key, environment variable)."""
_SECRET = {s.name for s in SETTINGS if s.secret}


def source_names(setting: str) -> str:
    """How a user sets a setting, e.g. "mixpanel:projectId (or MIXPANEL_PROJECT_ID)"."""
    key, env = SETTINGS_SOURCES[setting]
    flag = "--secret " if setting in _SECRET else ""
    return f"`pulumi config set {flag}{key} <value>` (or the environment variable {env})"


@dataclass(frozen=True)
class Settings:
    """Resolved provider settings. `problems` lists values that could not be used."""

    # BEGIN GENERATED settings: python -m mixpanel_connectors._codegen
    service_account: str | None = None
    """The service account's username."""
    secret: str | None = field(default=None, repr=False)
    """The service account's secret."""
    project_id: int | None = None
    """The project of resources that set no `project_id` (without it, every resource sets one)."""
    region: str = "us"
    """us, eu or in."""
    base_url: str | None = None
    """The API's base URL, e.g. the emulator's; wins over the region."""
    connect_timeout: float = 5.0
    """Seconds to wait for a connection."""
    read_timeout: float = 30.0
    """Seconds to wait for an answer."""
    max_retries: int = 4
    """Retries of a failed request that is safe to retry."""
    timeout_seconds: float = 300.0
    """Seconds per operation in total, retries included."""
    # END GENERATED settings
    problems: tuple[str, ...] = ()
    unusable: frozenset[str] = frozenset()
    """Settings given with a value that could not be used (so not reported missing too)."""

    @classmethod
    def resolve(
        cls,
        config: Mapping[str, Any] | None = None,
        environ: Mapping[str, str] | None = None,
        *,
        labels: Mapping[str, str] | None = None,
    ) -> Settings:
        """Stack config first, then the environment; bad values become `problems`.

        `labels` names config keys as the user set them (the CLI passes its flags).
        """
        config = config or {}
        labels = labels or {}
        environ = os.environ if environ is None else environ
        problems: list[str] = []
        values: dict[str, Any] = {}
        unusable: set[str] = set()

        for setting in SETTINGS:
            raw = config.get(setting.key)
            origin = labels.get(setting.key, setting.key)
            if raw is None or raw == "":
                raw, origin = environ.get(setting.env), setting.env
            if raw is None or raw == "":
                continue
            try:
                values[setting.name] = _CONVERT[setting.kind](raw)
            except (TypeError, ValueError) as exc:
                shown = "<hidden>" if setting.secret else repr(_redacted(str(raw)))
                named = f"{origin} {shown}" if origin.startswith("--") else f"{origin} = {shown}"
                problems.append(f"{named} cannot be used: {exc}")
                unusable.add(setting.name)
        return cls(**values, problems=tuple(problems), unusable=frozenset(unusable))

    def missing_credentials(self) -> list[str]:
        """What to set for each credential that is missing."""
        return [
            f"no {label}: set {source_names(setting)}"
            for setting, label in (
                ("service_account", "service account username"),
                ("secret", "service account secret"),
            )
            if not getattr(self, setting) and setting not in self.unusable
        ]

    def retry_policy(self) -> RetryPolicy:
        return RetryPolicy(max_retries=self.max_retries, deadline_seconds=self.timeout_seconds)

    def client(self, region: str | None = None) -> MixpanelClient:
        """The one way a client is built from settings (credentials, URL, timeouts, retries).

        Raises ConfigurationError for missing credentials or an unusable base URL.
        """
        from .._api.client import MixpanelClient

        return MixpanelClient(
            self.service_account or "",
            self.secret or "",
            region=region or self.region,
            base_url=self.base_url,
            connect_timeout=self.connect_timeout,
            read_timeout=self.read_timeout,
            retry=self.retry_policy(),
        )


def _region(value: Any) -> str:
    text = str(value).strip().lower()
    if text not in REGION_BASE_URLS:
        raise ValueError(f"expected one of {', '.join(REGION_BASE_URLS)}")
    return text


def _text(value: Any) -> str:
    """A credential: text that HTTP Basic authentication can carry (messages never echo it)."""
    if not isinstance(value, str):
        raise ValueError(f"expected text, got {type(value).__name__}")
    if any(ord(c) < 32 or ord(c) == 127 for c in value):
        raise ValueError("it contains a control character (a stray newline?)")
    try:
        value.encode("latin-1")
    except UnicodeEncodeError:
        raise ValueError(
            "it contains a character HTTP Basic authentication cannot send (only Latin-1 text); "
            "copy it again from Mixpanel's project settings"
        ) from None
    return value


def _username(value: Any) -> str:
    text = _text(value)
    if ":" in text:
        raise ValueError("a service account username has no ':' (HTTP Basic auth splits there)")
    return text


def _positive_float(value: Any) -> float:
    number = float(value)
    if not (number > 0 and math.isfinite(number)):
        raise ValueError("expected a positive, finite number of seconds")
    return number


MAX_RETRIES = 100


def _count(value: Any) -> int:
    number = float(value)
    if not number.is_integer() or not 0 <= number <= MAX_RETRIES:
        raise ValueError(f"expected a whole number from 0 to {MAX_RETRIES}")
    return int(number)


_CONVERT: dict[SettingKind, Callable[[Any], Any]] = {
    "text": _text,
    "username": _username,
    "project": normalize_project_id,
    "region": _region,
    "url": check_base_url,
    "seconds": _positive_float,
    "count": _count,
}


def _redacted(raw: str) -> str:
    """A value as messages may show it: a URL's user:password@ part hidden."""
    scheme, sep, rest = raw.partition("://")
    netloc, slash, path = rest.partition("/")
    if sep and "@" in netloc:
        return f"{scheme}://***@{netloc.rpartition('@')[2]}{slash}{path}"
    return raw
