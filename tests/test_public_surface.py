"""The package's public surface: one exception tree, and an `__init__` whose three lists agree."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

import mixpanel_connectors
from mixpanel_connectors import MixpanelClient, MixpanelError, RetryPolicy, ServerError
from mixpanel_connectors.emulator import Emulator
from tests.conftest import PROJECT, SECRET

INIT = Path(mixpanel_connectors.__file__)


def test_every_exported_error_descends_from_mixpanel_error() -> None:
    errors = [
        getattr(mixpanel_connectors, name)
        for name in mixpanel_connectors.__all__
        if name.endswith("Error")
    ]
    outside = [e.__name__ for e in errors if not issubclass(e, MixpanelError)]
    assert outside == []
    assert len(errors) > 20


def _imported_names(body: list[ast.stmt]) -> set[str]:
    return {
        alias.asname or alias.name
        for node in body
        if isinstance(node, ast.ImportFrom) and node.module not in ("__future__", "typing")
        for alias in node.names
    }


def test_all_the_lazy_table_and_the_type_checking_imports_agree() -> None:
    tree = ast.parse(INIT.read_text())
    eager = _imported_names(tree.body)
    checking = next(
        node
        for node in tree.body
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
    )
    typed = _imported_names(checking.body)
    lazy = set(importlib.import_module("mixpanel_connectors")._LAZY)
    assert typed == lazy
    assert set(mixpanel_connectors.__all__) == eager | typed
    for name in mixpanel_connectors.__all__:
        assert getattr(mixpanel_connectors, name) is not None


def test_a_status_error_keeps_the_answer_and_the_attempts_as_attributes() -> None:
    policy = RetryPolicy(max_retries=2, backoff_base=0.01, backoff_max=0.02, deadline_seconds=10)
    with Emulator(port=0) as emu:
        emu.app.faults.configure({"queue": [{"method": "GET", "status": 503}] * 3})
        client = MixpanelClient("demo", SECRET, base_url=emu.url, retry=policy)
        with pytest.raises(ServerError) as caught:
            list(client.list_connectors(PROJECT))
    error = caught.value
    assert error.body == {"status": "error", "error": "injected fault: HTTP 503"}
    assert error.attempts == ["HTTP 503", "HTTP 503", "HTTP 503"]
    assert error.args == (
        f"GET /api/app/projects/{PROJECT}/connectors/: {error.args[0].split(': ', 1)[1]}",
    )
    assert "retries exhausted after 3 attempt(s)" in str(error)
    assert "retries exhausted" not in error.args[0]
