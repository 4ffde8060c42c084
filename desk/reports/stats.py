"""Pure statistics for the dashboard: no database, no Flask, unit-tested by hand."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from datetime import date


def median(values: Iterable[float]) -> float | None:
    """The middle value; on an even count, the mean of the two middle values. None if empty."""
    ordered = sorted(values)
    n = len(ordered)
    if n == 0:
        return None
    middle = n // 2
    if n % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def percentile(values: Iterable[float], p: float) -> float | None:
    """The nearest-rank percentile: the smallest value with at least p% of the values at
    or below it (so the 90th percentile of 1..10 is 9, of 1..20 is 18). None if empty."""
    if not 0 < p <= 100:
        raise ValueError("p must be in (0, 100]")
    ordered = sorted(values)
    if not ordered:
        return None
    rank = math.ceil(p / 100 * len(ordered))
    return ordered[max(rank, 1) - 1]


def months_between(start: date, end: date) -> list[str]:
    """Every month from start to end inclusive as "YYYY-MM", also the months with no data."""
    months, year, month = [], start.year, start.month
    while (year, month) <= (end.year, end.month):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


#: Histogram buckets of days from arrival to dispatch: (low, high inclusive or None = open).
DAY_BUCKETS: tuple[tuple[int, int | None], ...] = ((0, 7), (8, 14), (15, 21), (22, 28), (29, 42), (43, None))


def histogram(values: Iterable[int], buckets: Sequence[tuple[int, int | None]] = DAY_BUCKETS) -> list[int]:
    counts = [0] * len(buckets)
    for value in values:
        for i, (low, high) in enumerate(buckets):
            if value >= low and (high is None or value <= high):
                counts[i] += 1
                break
    return counts


def bucket_label(bucket: tuple[int, int | None], lang: str) -> str:
    low, high = bucket
    if high is None:
        return f"{low}日以上" if lang == "ja" else f"{low}+ days"
    return f"{low}〜{high}日" if lang == "ja" else f"{low}–{high} days"
