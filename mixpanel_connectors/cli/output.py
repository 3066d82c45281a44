"""Tables for people: rich on a terminal, plain aligned text when piped."""

from __future__ import annotations

import json
import os
import shutil
import sys
from collections.abc import Collection, Sequence

from .fit import fit


def is_terminal() -> bool:
    return sys.stdout.isatty()


def shown(text: str) -> str:
    """`text` with control characters escaped (ESC as \\x1b, newline as \\n), safe to print."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def cell(value: object) -> str:
    """A value as people read it: None empty, text as it is, other data as JSON."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return json.dumps(value, default=str)


def width() -> int | None:
    """Columns to fit tables in: the terminal's, or COLUMNS; None (no limit) when piped."""
    if is_terminal() or os.environ.get("COLUMNS"):
        return shutil.get_terminal_size().columns
    return None


def table(
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    title: str = "",
    whole: Collection[str] = (),
    optional: Sequence[str] = (),
) -> None:
    """Print rows under headers, fitted to the width (see `fit.fit` for `whole` and `optional`)."""
    rows = [[shown(cell) for cell in row] for row in rows]
    columns = width()
    if is_terminal():
        from rich.console import Console
        from rich.markup import escape
        from rich.table import Table

        headers, rows = fit(
            headers, rows, (columns or 80) - 4, gap=3, whole=whole, optional=optional
        )
        styled = Table(title=title or None, header_style="bold")
        for i, header in enumerate(headers):
            kept = max([len(header), *(len(r[i]) for r in rows)]) if header in whole else None
            styled.add_column(header, no_wrap=True, overflow="ellipsis", min_width=kept)
        for row in rows:
            styled.add_row(*(escape(cell) for cell in row))
        Console().print(styled)
        return
    if columns is not None:
        headers, rows = fit(headers, rows, columns, whole=whole, optional=optional)
    if title:
        print(title)
    widths = [max([len(h), *(len(r[i]) for r in rows)]) for i, h in enumerate(headers)]
    for row in (headers, *rows):
        print(
            "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        )


def fields(pairs: Sequence[tuple[str, str]]) -> None:
    """Print `name: value` lines, aligned."""
    width = max((len(name) for name, _ in pairs), default=0)
    for name, value in pairs:
        print(f"{shown(name):<{width}}  {shown(value)}")
