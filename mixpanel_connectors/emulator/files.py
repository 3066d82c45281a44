"""A bucket's files, found inside the buckets folder and never outside it, links included."""

from __future__ import annotations

import os
from pathlib import Path


class OutsideBuckets(Exception):
    """A bucket folder, folder or file resolves to a place outside the buckets folder."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _inside(top: Path, path: Path) -> bool:
    return path == top or top in path.parents


def bucket_files(buckets: Path, folder: Path) -> list[tuple[str, Path]]:
    """Every regular file under `folder`, keyed by its path relative to it, sorted by key.

    Links are followed only while they resolve inside `buckets`; one that leaves it raises
    OutsideBuckets with its key ("" for the bucket folder itself). A folder is walked once.
    """
    top = buckets.resolve()
    seen: set[Path] = set()
    found: list[tuple[str, Path]] = []
    for current, dirs, names in os.walk(folder, followlinks=True):
        here = Path(current)
        real = here.resolve()
        if not _inside(top, real):
            raise OutsideBuckets("" if here == folder else here.relative_to(folder).as_posix())
        if real in seen:
            dirs.clear()
            continue
        seen.add(real)
        for name in names:
            path = here / name
            key = path.relative_to(folder).as_posix()
            resolved = path.resolve()
            if not _inside(top, resolved):
                raise OutsideBuckets(key)
            if resolved.is_file():
                found.append((key, path))
    return sorted(found)
