"""Pure statistics of the dashboard, checked against hand-computed values."""

from datetime import date

import pytest

from desk.reports import stats


def test_median_odd_and_even_counts():
    """Odd count: the middle value; even count: the mean of the two middle ones."""
    assert stats.median([9, 5, 30]) == 9
    assert stats.median([10, 14]) == 12
    assert stats.median([1, 2, 3, 4]) == 2.5
    assert stats.median([]) is None


def test_percentile_is_nearest_rank():
    """90th percentile by nearest rank: 1..10 -> 9, 1..20 -> 18, a single value is itself."""
    assert stats.percentile(range(1, 11), 90) == 9
    assert stats.percentile(range(20, 0, -1), 90) == 18
    assert stats.percentile([7], 90) == 7
    assert stats.percentile([1, 2, 3, 100], 90) == 100
    assert stats.percentile([10, 14], 90) == 14
    assert stats.percentile([5, 9, 30], 50) == 9
    assert stats.percentile([], 90) is None
    with pytest.raises(ValueError):
        stats.percentile([1], 0)


def test_months_between_includes_empty_months_and_crosses_years():
    """Every month is listed, so a month with no cases still gets a bar (of zero)."""
    assert stats.months_between(date(2025, 11, 15), date(2026, 2, 1)) == ["2025-11", "2025-12", "2026-01", "2026-02"]
    assert stats.months_between(date(2026, 3, 1), date(2026, 3, 31)) == ["2026-03"]


def test_histogram_bucket_edges():
    """Bucket edges are inclusive: 7 is in 0-7, 8 in 8-14, 43 and more in the last."""
    assert stats.histogram([0, 7, 8, 14, 15, 28, 29, 42, 43, 400]) == [2, 2, 1, 1, 2, 2]
    assert stats.bucket_label((43, None), "ja") == "43日以上"
    assert stats.bucket_label((8, 14), "en") == "8–14 days"
