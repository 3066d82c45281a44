"""The layers of docs/architecture.md hold: no part imports one that sits below it."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import mixpanel_connectors

PACKAGE = Path(mixpanel_connectors.__file__).parent

# What each part may import from the package, besides itself.
ALLOWED = {
    "_api": set(),
    "_lifecycle": {"_api"},
    "_plugin": {"_api", "_lifecycle"},
    "emulator": {"cli"},
    "testing": {"_lifecycle", "_plugin", "emulator", "provider", "resource"},
}


def _part_of(module: str) -> str:
    return module.split(".")[1] if module.count(".") else ""


def _package_imports(path: Path, root: Path = PACKAGE.parent) -> set[str]:
    """The package's modules that `path` (a module under `root`) imports, as dotted names."""
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    else:
        parts = parts[:-1]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = parts[: len(parts) - node.level + 1]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            if target == "mixpanel_connectors" or not target.startswith("mixpanel_connectors."):
                found.update(f"{target}.{alias.name}" for alias in node.names)
            else:
                found.add(target)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {name for name in found if name.startswith("mixpanel_connectors.")}


@pytest.mark.parametrize("part", sorted(ALLOWED))
def test_a_part_imports_only_the_parts_above_it(part: str) -> None:
    strays = {
        f"{path.relative_to(PACKAGE)} imports {name}"
        for path in (PACKAGE / part).rglob("*.py")
        for name in _package_imports(path)
        if _part_of(name) not in ALLOWED[part] | {part}
    }
    assert strays == set()


def test_the_layer_check_sees_a_stray_import(tmp_path: Path) -> None:
    stray = tmp_path / "mixpanel_connectors" / "_api" / "stray.py"
    stray.parent.mkdir(parents=True)
    stray.write_text("from .._lifecycle.schema import FIELDS\nfrom .errors import MixpanelError\n")
    assert _package_imports(stray, tmp_path) == {
        "mixpanel_connectors._lifecycle.schema",
        "mixpanel_connectors._api.errors",
    }
