"""Reading an import file's records one line at a time, within Mixpanel's size limits."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol

from .parsing import depth, strict_loads

MAX_FILE_BYTES = 2 * 1024**3
MAX_LINE_BYTES = 1024**2
MAX_DEPTH = 100
_CHUNK = 1 << 16


class Readable(Protocol):
    def readline(self, size: int = -1, /) -> bytes: ...


class ImportFailed(Exception):
    """The run fails with this message and code, as Mixpanel reports it."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def size_text(size: int) -> str:
    """2147483648 as "2 GB"; sizes that are not whole GB in bytes."""
    return f"{size // 1024**3} GB" if size % 1024**3 == 0 else f"{size} bytes"


def read_lines(handle: Readable, key: str, cap: int) -> Iterator[bytes | None]:
    """Each line of `handle`; None for a line over MAX_LINE_BYTES, which is skipped unkept.

    Raises ImportFailed once `cap` bytes have been read: for gzip, the decompressed size.
    """
    total = 0

    def counted(chunk: bytes) -> bytes:
        nonlocal total
        total += len(chunk)
        if total >= cap:
            raise ImportFailed(
                "file_too_large",
                f"{key} decompresses to {size_text(cap)} or more; a file of "
                f"{size_text(cap)} or more cancels the import",
            )
        return chunk

    while line := counted(handle.readline(MAX_LINE_BYTES + 1)):
        if len(line) <= MAX_LINE_BYTES or line.endswith(b"\n"):
            yield line
            continue
        while line and not line.endswith(b"\n"):
            line = counted(handle.readline(_CHUNK))
        yield None


def parse_record(line: bytes, key: str, number: int) -> object:
    """The line's JSON value, None when it is not JSON (NaN included); too deep fails the run."""
    too_deep = ImportFailed(
        "record_too_deep",
        f"{key} line {number}: a record nested more than {MAX_DEPTH} levels deep; "
        "flatten it or split it into properties",
    )
    try:
        record = strict_loads(line)
    except RecursionError:
        raise too_deep from None
    except ValueError:
        return None
    if line.count(b"[") + line.count(b"{") > MAX_DEPTH and depth(record) > MAX_DEPTH:
        raise too_deep
    return record
