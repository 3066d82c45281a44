"""When to retry a request, and how long to wait before the next attempt."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime

__all__ = ["RetryPolicy", "parse_retry_after"]


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date), or None."""
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=timezone.utc)
        seconds = (when - (now or datetime.now(timezone.utc))).total_seconds()
    if seconds != seconds:  # NaN
        return None
    return max(0.0, seconds)


@dataclass(frozen=True)
class RetryPolicy:
    """Capped exponential backoff with jitter that honours Retry-After (capped too).

    `max_retries` counts retries after the first attempt; `deadline_seconds` bounds the total
    time an operation may spend, waits included.
    """

    max_retries: int = 4
    backoff_base: float = 0.5
    backoff_max: float = 20.0
    max_retry_after: float = 60.0
    deadline_seconds: float | None = 300.0
    _random: random.Random = field(default_factory=random.Random, repr=False, compare=False)

    def delay(self, retry_number: int, retry_after: float | None = None) -> float:
        """How long to wait before retry number `retry_number` (1 for the first retry)."""
        if retry_after is not None:
            return min(retry_after, self.max_retry_after)
        ceiling = min(self.backoff_max, self.backoff_base * 2.0 ** (retry_number - 1))
        jitter: float = self._random.uniform(0.5, 1.0)
        return ceiling * jitter
