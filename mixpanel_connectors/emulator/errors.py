"""Typed emulator errors, rendered into the API's JSON error shape only at the edge."""

from __future__ import annotations


class ApiProblem(Exception):
    """An error answer: HTTP status, message, and for validation the type and property."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        kind: str | None = None,
        prop: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.kind = kind
        self.prop = prop
        self.headers = headers or {}
