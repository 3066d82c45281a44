"""The exception tree of the connectors client.

Every error names what failed (HTTP method and path, status, the API's own message) and what to do.
None ever carries the Authorization header or the service account secret.
"""

from __future__ import annotations

__all__ = [
    "APIConnectionError",
    "APIError",
    "APIStatusError",
    "APITimeoutError",
    "AccessInputError",
    "AmbiguousCreateError",
    "AuthenticationError",
    "BadRequestError",
    "CertificateError",
    "ConfigurationError",
    "ConnectorError",
    "CreateFailedError",
    "ImportFailedError",
    "InvalidResponseError",
    "InvalidSpecError",
    "MixpanelError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "RedirectRefusedError",
    "ServerError",
    "TransportError",
    "UnexpectedStatusError",
]


class MixpanelError(Exception):
    """Base of every error raised by mixpanel_connectors."""


class ConfigurationError(MixpanelError, ValueError):
    """Settings are missing or unsafe (no credentials, a plain-http URL to a remote host, ...)."""


class InvalidSpecError(MixpanelError, ValueError):
    """A connector spec failed validation before any request: one line per problem, by path."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        self.problems = problems
        super().__init__(
            "\n".join(f"{path}: {reason}" if path else reason for path, reason in problems)
        )


class ConnectorError(MixpanelError):
    """A connector operation of the provider failed; the message says which, why, what to do."""


class CreateFailedError(MixpanelError):
    """A create could not be completed; the message lists the attempts and what is live."""


class ImportFailedError(MixpanelError):
    """The first import of a connector created with `wait_for_import` failed or timed out."""


class AccessInputError(MixpanelError, ValueError):
    """A component input is wrong; the message names the component, the input and the fix."""


class APIError(MixpanelError):
    """A request to the connectors API failed; `method` and `path` say which one.

    `attempts` lists why each earlier attempt failed, once retries have run out (empty before).
    """

    def __init__(self, method: str, path: str, message: str) -> None:
        self.method = method
        self.path = path
        self.attempts: list[str] = []
        self.gave_up: str | None = None
        super().__init__(f"{method} {path}: {message}")

    def give_up(self, summary: str, attempts: list[str]) -> None:
        """Record that retrying stopped: a summary for the message, and every attempt's failure."""
        self.gave_up, self.attempts = summary, list(attempts)

    def __str__(self) -> str:
        base = super().__str__()
        return base if self.gave_up is None else f"{base} ({self.gave_up})"


class APIStatusError(APIError):
    """The API answered with an error status; `body` is its decoded JSON (or text) answer."""

    hint = "check the request and try again"

    def __init__(
        self,
        method: str,
        path: str,
        status_code: int,
        api_message: str,
        *,
        api_type: str | None = None,
        details: object = None,
        retry_after: float | None = None,
        body: object = None,
    ) -> None:
        self.status_code = status_code
        self.body = body
        self.api_message = api_message
        self.api_type = api_type
        self.details = details
        self.retry_after = retry_after
        kind = f" [{api_type}]" if api_type else ""
        super().__init__(
            method, path, f"HTTP {status_code}{kind}: {api_message or '(no message)'} ({self.hint})"
        )


class BadRequestError(APIStatusError):
    """HTTP 400: the API rejected the request body or parameters."""

    hint = "fix the property the message names"


class AuthenticationError(APIStatusError):
    """HTTP 401: the service account username or secret is wrong."""

    hint = (
        "check the service account username and secret "
        "(mixpanel:serviceAccount / MIXPANEL_SERVICE_ACCOUNT and "
        "mixpanel:serviceAccountSecret / MIXPANEL_SERVICE_ACCOUNT_SECRET)"
    )


class PermissionDeniedError(APIStatusError):
    """HTTP 403: the service account may not use this project."""

    hint = "give the service account a role on this project, or use another project id"


class NotFoundError(APIStatusError):
    """HTTP 404: unknown project or connector."""

    hint = "check the project id, the connector id and the region or base URL"


class RateLimitError(APIStatusError):
    """HTTP 429: too many requests."""

    hint = "the client backs off and retries; raise max_retries or wait and try again"


class ServerError(APIStatusError):
    """HTTP 5xx: trouble on the server side."""

    hint = "retry later; the client already retried what was safe to retry"


class UnexpectedStatusError(APIStatusError):
    """Any other error status (409, 413, ...)."""


class RedirectRefusedError(APIError):
    """The API answered with a redirect that would change the method or leave the host."""


class InvalidResponseError(APIError):
    """The API answered successfully, but not with a body this client can read."""


class TransportError(APIError):
    """The request did not get an HTTP answer.

    `not_sent` is True when the request provably never reached the server (connection refused,
    connect timeout), which makes even a POST safe to retry.
    """

    def __init__(self, method: str, path: str, message: str, *, not_sent: bool = False) -> None:
        self.not_sent = not_sent
        super().__init__(method, path, message)


class APIConnectionError(TransportError):
    """The connection failed, or was dropped before an answer arrived."""


class CertificateError(APIConnectionError):
    """The server's TLS certificate is not trusted: nothing was sent, and retrying cannot help."""


class APITimeoutError(TransportError):
    """No answer arrived within the configured timeout."""


class AmbiguousCreateError(APIError):
    """A create request was sent, but whether the API created the connector is unknown.

    Raised for a timeout after sending, a dropped connection, or a 5xx answer to POST: retrying
    blindly could create a duplicate connector, so the caller must reconcile first.
    """

    def __init__(self, method: str, path: str, cause: Exception, started_at: float) -> None:
        self.cause = cause
        self.started_at = started_at
        super().__init__(
            method,
            path,
            f"the outcome of the create is unknown ({cause}); the connector may or may not "
            "exist, so list the project's connectors before trying again",
        )


# Tracebacks and Pulumi's error lines name the public path (`mixpanel_connectors.ConnectorError`).
for _name in __all__:
    globals()[_name].__module__ = "mixpanel_connectors"
