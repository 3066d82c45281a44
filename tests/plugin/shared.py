"""Collect the dynamic face's test functions into a module of this folder.

pytest resolves a test's fixtures where it is collected, so a test function taken from
tests/provider and collected here runs with the plugin's `host` and `engine`.
"""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType
from typing import Any


def collected_from(
    *modules: ModuleType, leaving: dict[str, str] | None = None
) -> dict[str, Callable[..., Any]]:
    """Every `test_*` function of the modules, except those `leaving` names (with the reason
    they cannot run against the plugin)."""
    leaving = leaving or {}
    found: dict[str, Callable[..., Any]] = {}
    for module in modules:
        for name, test in vars(module).items():
            if name.startswith("test_") and callable(test) and name not in leaving:
                assert name not in found, f"two shared tests are called {name}"
                found[name] = test
    missing = set(leaving) - {n for m in modules for n in vars(m)}
    assert not missing, f"no such tests to leave out: {missing}"
    return found
