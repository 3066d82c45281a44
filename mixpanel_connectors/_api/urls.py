"""Where each region's API is, and the base-URL rule: shared by the client and by settings (so
check needs no HTTP stack)."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from .errors import ConfigurationError

__all__ = ["REGION_BASE_URLS", "check_base_url"]

REGION_BASE_URLS: dict[str, str] = {
    "us": "https://mixpanel.com",
    "eu": "https://eu.mixpanel.com",
    "in": "https://in.mixpanel.com",
}


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_base_url(base_url: str) -> str:
    """The URL without a trailing slash; ConfigurationError unless https, or http to loopback."""
    parts = urlsplit(base_url)
    if "@" in parts.netloc:
        shown = f"{parts.scheme}://***@{parts.netloc.rpartition('@')[2]}{parts.path}"
        raise ConfigurationError(
            f"base URL {shown!r} carries credentials (user:password@); remove them: the client "
            "sends the service account itself"
        )
    host = parts.hostname or ""
    if parts.scheme not in ("http", "https") or not host:
        raise ConfigurationError(
            f"base URL {base_url!r} is not an http(s) URL; expected e.g. https://mixpanel.com"
        )
    if parts.scheme == "http" and not _is_loopback(host):
        raise ConfigurationError(
            f"refusing plain-http base URL {base_url!r}: the service account secret would travel "
            "in clear text; use https (plain http is allowed only for loopback hosts such as "
            "the local emulator)"
        )
    return f"{parts.scheme}://{parts.netloc}{parts.path.rstrip('/')}"
