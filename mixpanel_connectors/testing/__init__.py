"""Test Pulumi programs and providers without the Pulumi engine.

`ProviderHost` drives the SDK's real dynamic-provider host over gRPC as the engine does;
`PluginHost` does the same for the `mixpanel` resource-provider plugin; `Engine` runs the
engine's workflows (preview, up, refresh, get, import, destroy) through either.
"""

from .engine import Engine, ResourceState, Step
from .host import (
    UNKNOWN,
    CheckFailed,
    GrpcHost,
    InputFailure,
    ProviderCallError,
    ProviderHost,
    to_struct,
)
from .plugin_host import PluginHost

__all__ = [
    "UNKNOWN",
    "CheckFailed",
    "Engine",
    "GrpcHost",
    "InputFailure",
    "PluginHost",
    "ProviderCallError",
    "ProviderHost",
    "ResourceState",
    "Step",
    "to_struct",
]
