"""Mixpanel Cloud Import connectors as Pulumi resources.

Only the errors, the enums and the retry policy load eagerly; the pydantic models, the HTTP
client, the provider and the resource load on first use, so that the provider host starts fast
and preview imports neither pydantic nor the HTTP stack.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ._api.errors import (
    AccessInputError,
    AmbiguousCreateError,
    APIConnectionError,
    APIError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    CertificateError,
    ConfigurationError,
    ConnectorError,
    CreateFailedError,
    ImportFailedError,
    InvalidResponseError,
    InvalidSpecError,
    MixpanelError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    RedirectRefusedError,
    ServerError,
    TransportError,
    UnexpectedStatusError,
)
from ._api.retries import RetryPolicy
from ._api.rules import Compression, ConnectorType, DataFormat, Region, S3Region

if TYPE_CHECKING:
    from ._api.client import MixpanelClient
    from ._api.models import (
        CategoryProperties,
        ConnectorRecord,
        GcsConnectorProperties,
        GcsConnectorSpec,
        ImportRun,
        S3ConnectorProperties,
        S3ConnectorSpec,
    )
    from .provider import ConnectorProvider
    from .resource import (
        CategoryPropertiesArgs,
        CategoryPropertiesArgsDict,
        Connector,
        GcsConnectorPropertiesArgs,
        GcsConnectorPropertiesArgsDict,
        S3ConnectorPropertiesArgs,
        S3ConnectorPropertiesArgsDict,
        WaitForImportArgs,
        WaitForImportArgsDict,
    )

_LAZY = {
    "CategoryProperties": "_api.models",
    "ConnectorRecord": "_api.models",
    "GcsConnectorProperties": "_api.models",
    "GcsConnectorSpec": "_api.models",
    "ImportRun": "_api.models",
    "S3ConnectorProperties": "_api.models",
    "S3ConnectorSpec": "_api.models",
    "MixpanelClient": "_api.client",
    "ConnectorProvider": "provider",
    "Connector": "resource",
    "CategoryPropertiesArgs": "resource",
    "CategoryPropertiesArgsDict": "resource",
    "GcsConnectorPropertiesArgs": "resource",
    "GcsConnectorPropertiesArgsDict": "resource",
    "S3ConnectorPropertiesArgs": "resource",
    "S3ConnectorPropertiesArgsDict": "resource",
    "WaitForImportArgs": "resource",
    "WaitForImportArgsDict": "resource",
}

__all__ = [
    "APIConnectionError",
    "APIError",
    "APIStatusError",
    "APITimeoutError",
    "AccessInputError",
    "AmbiguousCreateError",
    "AuthenticationError",
    "BadRequestError",
    "CategoryProperties",
    "CategoryPropertiesArgs",
    "CategoryPropertiesArgsDict",
    "CertificateError",
    "Compression",
    "ConfigurationError",
    "Connector",
    "ConnectorError",
    "ConnectorProvider",
    "ConnectorRecord",
    "ConnectorType",
    "CreateFailedError",
    "DataFormat",
    "GcsConnectorProperties",
    "GcsConnectorPropertiesArgs",
    "GcsConnectorPropertiesArgsDict",
    "GcsConnectorSpec",
    "ImportFailedError",
    "ImportRun",
    "InvalidResponseError",
    "InvalidSpecError",
    "MixpanelClient",
    "MixpanelError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "RedirectRefusedError",
    "Region",
    "RetryPolicy",
    "S3ConnectorProperties",
    "S3ConnectorPropertiesArgs",
    "S3ConnectorPropertiesArgsDict",
    "S3ConnectorSpec",
    "S3Region",
    "ServerError",
    "TransportError",
    "UnexpectedStatusError",
    "WaitForImportArgs",
    "WaitForImportArgsDict",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'mixpanel_connectors' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value
