"""Tables for people: rich on a terminal, plain aligned text when piped."""

from __future__ import annotations

import sys
from collections.abc import Sequence


def is_terminal() -> bool:
    return sys.stdout.isatty()


def shown(text: str) -> str:
    """`text` with control characters escaped (ESC as \\x1b, newline as \\n), safe to print."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def table(headers: Sequence[str], rows: Sequence[Sequence[str]], *, title: str = "") -> None:
    """Print rows under headers."""
    rows = [[shown(cell) for cell in row] for row in rows]
    if is_terminal():
        from rich.console import Console
        from rich.markup import escape
        from rich.table import Table

        styled = Table(title=title or None, header_style="bold")
        for header in headers:
            styled.add_column(header, overflow="fold")
        for row in rows:
            styled.add_row(*(escape(cell) for cell in row))
        Console().print(styled)
        return
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
