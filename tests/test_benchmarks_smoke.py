"""The benchmark suite at tiny sizes, so it cannot rot; the real run is `make bench`."""

from __future__ import annotations

from pathlib import Path

from benchmarks import run


def test_benchmarks_run_end_to_end_at_tiny_sizes(tmp_path: Path) -> None:
    assert run.main(["--quick", "--output", str(tmp_path)]) == 0
    results = (tmp_path / "RESULTS.md").read_text()
    assert "Quick smoke run" in results
    for section in ("1. Provider overhead", "2. HTTP requests", "3. Serialized provider",
                    "4. Cold start", "5. Scale", "6. Under faults"):  # fmt: skip
        assert section in results
    assert "| create | 1 | 1: met |" in results
    assert (tmp_path / "results.png").stat().st_size > 10_000
