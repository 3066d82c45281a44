"""Spread and verdicts: a figure is reported with its spread, and judged only as far as it allows.

A ratio is measured once per round; the verdict is about the median of the rounds, through a
95% confidence interval for that median. For "at most a target" the interval comes from the
rounds' own order statistics (distribution-free: no assumption about how the noise is shaped);
for "flat" (the median at N over the median at the first N) from a seeded bootstrap.
"""

from __future__ import annotations

import math
import random
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

CONFIDENCE = 0.95
MET, MISSED = "met", "missed"
FLAT, GROWS = "flat", "grows"
UNRESOLVED = "not resolved at this noise"
VERDICTS = (MET, MISSED, FLAT, GROWS, UNRESOLVED)


def median_interval(
    values: Sequence[float], confidence: float = CONFIDENCE
) -> tuple[float, float] | None:
    """A confidence interval for the median: the k-th smallest and k-th largest values.

    With n values, the median lies below the k-th smallest with probability P(B <= k - 1),
    B ~ Binomial(n, 1/2), and likewise above the k-th largest; k is the largest whose interval
    still covers the median with `confidence`. None when n is too small for any k (n < 6 at
    95%).
    """
    n = len(values)
    ordered = sorted(values)
    best = None
    for k in range(1, n // 2 + 1):
        below = sum(math.comb(n, i) for i in range(k)) / 2**n
        if 1 - 2 * below < confidence:
            break
        best = k
    if best is None:
        return None
    return ordered[best - 1], ordered[n - best]


@dataclass(frozen=True)
class Spread:
    """The median of per-round values, their range, and the median's confidence interval."""

    n: int
    median: float
    low: float
    high: float
    interval: tuple[float, float] | None

    @classmethod
    def of(cls, values: Sequence[float]) -> Spread:
        return cls(
            len(values),
            statistics.median(values),
            min(values),
            max(values),
            median_interval(values),
        )

    def show(self, digits: int = 3) -> str:
        """`1.021 (0.990-1.060; CI 1.005-1.031)`: median, min-max and the median's interval."""
        f = f"{{:.{digits}f}}"
        text = f"{f.format(self.median)} ({f.format(self.low)}-{f.format(self.high)}"
        if self.interval is not None:
            text += f"; CI {f.format(self.interval[0])}-{f.format(self.interval[1])}"
        return text + ")"


def at_most(values: Sequence[float], target: float) -> str:
    """`met` when the median's whole interval is at or under the target, `missed` when it is
    wholly over it (the median and most rounds exceed it), else not resolved."""
    interval = median_interval(values)
    if interval is None:
        return UNRESOLVED
    if interval[1] <= target:
        return MET
    if interval[0] > target:
        return MISSED
    return UNRESOLVED


def ratio_interval(
    top: Sequence[float],
    bottom: Sequence[float],
    confidence: float = CONFIDENCE,
    resamples: int = 4000,
    seed: int = 0,
) -> tuple[float, float]:
    """A percentile-bootstrap interval of median(top) / median(bottom), from a fixed seed."""
    dice = random.Random(seed)
    ratios = sorted(
        statistics.median(dice.choices(top, k=len(top)))
        / statistics.median(dice.choices(bottom, k=len(bottom)))
        for _ in range(resamples)
    )
    tail = (1 - confidence) / 2
    return ratios[int(tail * resamples)], ratios[int((1 - tail) * resamples) - 1]


def flat(windows: Sequence[Sequence[float]], tolerance: float) -> str:
    """`flat` when, at every later window, median / first median is surely at most `tolerance`;
    `grows` when at some window it surely exceeds it; else not resolved. Needs 6+ per window."""
    if len(windows) < 2 or any(len(window) < 6 for window in windows):
        return UNRESOLVED
    bounds = [ratio_interval(window, windows[0]) for window in windows[1:]]
    if all(high <= tolerance for _, high in bounds):
        return FLAT
    if any(low > tolerance for low, _ in bounds):
        return GROWS
    return UNRESOLVED
