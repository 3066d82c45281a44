"""A dynamic provider whose Check says which of the named modules its host has loaded.

Sent to the same host as the ConnectorProvider, it shows what the host imported for it. It
imports nothing but what every dynamic provider does.
"""

from __future__ import annotations

import sys
from typing import Any

from pulumi.dynamic import CheckResult, ResourceProvider


class ModulesProbe(ResourceProvider):
    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        """`news["modules"]` names modules; the checked inputs list those loaded."""
        return CheckResult({"loaded": [m for m in news["modules"] if m in sys.modules]}, [])
