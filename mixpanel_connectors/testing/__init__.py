"""Test Pulumi programs and providers without the Pulumi engine.

`ProviderHost` drives the SDK's real dynamic-provider host over gRPC as the engine does;
`Engine` runs the engine's workflows (preview, up, refresh, get, destroy) through it.
"""

from .engine import Engine, ResourceState, Step
from .host import UNKNOWN, CheckFailed, InputFailure, ProviderCallError, ProviderHost, to_struct

__all__ = [
    "UNKNOWN",
    "CheckFailed",
    "Engine",
    "InputFailure",
    "ProviderCallError",
    "ProviderHost",
    "ResourceState",
    "Step",
    "to_struct",
]
