"""Every Python sample of the README and docs/*.md runs as written.

Samples that declare resources run as Pulumi programs through the offline runner (`up`, then
`destroy`): Connectors go to a real emulator, cloud resources are mocked. Fragments, which elide
arguments with `...`, and samples that are not programs are compiled only.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from mixpanel_connectors import ConnectorProvider
from mixpanel_connectors.emulator import Emulator
from mixpanel_connectors.testing import ProviderHost
from mixpanel_connectors.testing.runner import OfflineRunner
from tests.conftest import stack_config

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = re.compile(r"^```python\n(.*?)^```", re.DOTALL | re.MULTILINE)
PROGRAM = re.compile(r"\b(Connector|S3Import|GcsImport)\(")
FRAGMENT = re.compile(r"[(,]\s*\.\.\.\s*[,)]|=\.\.\.")


def samples() -> list[tuple[str, str]]:
    found = []
    for doc in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        text = doc.read_text()
        for match in SAMPLE.finditer(text):
            line = text[: match.start()].count("\n") + 1
            found.append((f"{doc.relative_to(ROOT)}:{line}", match.group(1)))
    return found


SAMPLES = samples()
PROGRAMS = [(w, c) for w, c in SAMPLES if PROGRAM.search(c) and not FRAGMENT.search(c)]


@pytest.fixture(scope="module")
def host() -> Iterator[tuple[Emulator, ProviderHost]]:
    with Emulator(port=0, run_delay_ms=10) as api, ProviderHost(ConnectorProvider()) as host:
        host.configure(stack_config(api.url))
        yield api, host


@pytest.mark.parametrize(("where", "code"), SAMPLES, ids=[w for w, _ in SAMPLES])
def test_every_sample_compiles(where: str, code: str) -> None:
    compile(code, where, "exec")


@pytest.mark.parametrize(("where", "code"), PROGRAMS, ids=[w for w, _ in PROGRAMS])
def test_every_program_sample_deploys_and_destroys(
    where: str, code: str, host: tuple[Emulator, ProviderHost], tmp_path: Path
) -> None:
    api, provider_host = host
    api.app.reset()
    (tmp_path / "Pulumi.yaml").write_text("name: sample\nruntime: python\n")
    (tmp_path / "__main__.py").write_text(code)
    runner = OfflineRunner(
        tmp_path, provider_host, state_file=tmp_path / "state.json", config=stack_config(api.url)
    )
    result = runner.up()
    assert result.connectors(), f"{where} declares no Connector"
    assert all(r.op == "create" for r in result.connectors())
    runner.destroy()
    items, _ = api.app.store.page(1234567, 0, 100)
    assert list(items) == []
