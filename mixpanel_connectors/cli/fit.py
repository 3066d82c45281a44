"""Fit a table to a width: some columns stay whole, optional ones go, the rest are shortened."""

from __future__ import annotations

import sys
from collections.abc import Collection, Sequence

READABLE = 16  # a shortened column keeps this many characters while optional ones can go
LEGIBLE = 4  # and this many when nothing else is left to leave out


def ellipsis() -> str:
    """`…` where standard output can write it, else `...`."""
    try:
        "…".encode(sys.stdout.encoding or "ascii")
    except (UnicodeEncodeError, LookupError):
        return "..."
    return "…"


def shorten(text: str, width: int) -> str:
    """`text` in at most `width` characters, ending in an ellipsis when cut."""
    if len(text) <= width:
        return text
    mark = ellipsis()
    return text[: max(width - len(mark), 0)] + mark[: max(width, 0)]


def fit(
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    width: int,
    *,
    gap: int = 2,
    whole: Collection[str] = (),
    optional: Sequence[str] = (),
) -> tuple[list[str], list[list[str]]]:
    """The headers and rows to print in `width` columns, `gap` apart.

    Columns named in `whole` are never shortened; those in `optional` are left out, in that order,
    while the others would otherwise be shorter than READABLE; then these go down to LEGIBLE.
    When even that does not fit, the table is wider than `width`: a `whole` column is never cut.
    """
    natural = [max([len(h), *(len(r[i]) for r in rows)]) for i, h in enumerate(headers)]
    kept: list[int] = []
    for left_out in range(len(optional) + 1):
        kept = [i for i, h in enumerate(headers) if h not in optional[:left_out]]
        widths = _shrink(headers, natural, kept, width - gap * (len(kept) - 1), whole, READABLE)
        if widths is not None:
            break
    else:
        budget = width - gap * (len(kept) - 1)
        widths = _shrink(headers, natural, kept, budget, whole, LEGIBLE) or {
            i: natural[i] for i in kept
        }
    return (
        [shorten(headers[i], w) for i, w in widths.items()],
        [[shorten(row[i], w) for i, w in widths.items()] for row in rows],
    )


def _shrink(
    headers: Sequence[str],
    natural: Sequence[int],
    kept: Sequence[int],
    budget: int,
    whole: Collection[str],
    floor: int,
) -> dict[int, int] | None:
    """Widths of the kept columns within `budget`, taken from the widest first; None if none do."""
    widths = {i: natural[i] for i in kept}
    excess = sum(widths.values()) - budget
    while excess > 0:
        candidates = [
            i for i in kept if headers[i] not in whole and widths[i] > min(natural[i], floor)
        ]
        if not candidates:
            return None
        widest = max(candidates, key=lambda i: widths[i])
        widths[widest] -= 1
        excess -= 1
    return widths
