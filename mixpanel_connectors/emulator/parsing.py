"""Reading numbers and JSON from requests strictly: ASCII digits, bounded sizes and depths."""

from __future__ import annotations

import json
import re
from typing import Any

from .errors import ApiProblem

MAX_ID = 2**63 - 1
MAX_BODY_DEPTH = 32
_DIGITS = re.compile(r"[0-9]{1,19}")


def whole_number(raw: str, maximum: int = MAX_ID) -> int | None:
    """`raw` as an int when it is 1-19 ASCII digits worth at most `maximum`, else None."""
    if not _DIGITS.fullmatch(raw):
        return None
    value = int(raw)
    return value if value <= maximum else None


def depth(value: object) -> int:
    """How deeply lists and objects nest in `value` (a scalar is 1), without recursion."""
    deepest, todo = 0, [(value, 1)]
    while todo:
        item, level = todo.pop()
        deepest = max(deepest, level)
        if isinstance(item, dict):
            todo.extend((child, level + 1) for child in item.values())
        elif isinstance(item, list):
            todo.extend((child, level + 1) for child in item)
    return deepest


def _refuse_constant(name: str) -> object:
    raise ValueError(f"{name} is not JSON")


def strict_loads(data: bytes | str) -> Any:
    """JSON without NaN or Infinity; RecursionError when nested past the parser's limit."""
    return json.loads(data, parse_constant=_refuse_constant)


def load_body(body: bytes) -> Any:
    """A request body's JSON, or ApiProblem(400) saying what is wrong with it."""
    too_deep = ApiProblem(
        400, f"Request body nested more than {MAX_BODY_DEPTH} levels deep", kind="invalid_request"
    )
    try:
        value = strict_loads(body)
    except RecursionError:
        raise too_deep from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise ApiProblem(400, f"Malformed JSON body: {exc}", kind="invalid_request") from exc
    if depth(value) > MAX_BODY_DEPTH:
        raise too_deep
    return value
