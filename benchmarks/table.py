"""Markdown table rows."""

from __future__ import annotations


def row(*cells: object) -> str:
    return "| " + " | ".join(str(c) for c in cells) + " |"


def header(*names: str) -> list[str]:
    return [row(*names), row(*["---"] * len(names))]
