"""The retention boundary: nothing early, nothing late."""

from datetime import date

from desk.retention.schedule import disposal_due


def test_due_the_day_after_two_years():
    assert disposal_due(date(2024, 11, 22), 2) == date(2026, 11, 23)


def test_leap_day_case():
    assert disposal_due(date(2024, 2, 29), 2) == date(2026, 3, 1)


def test_open_case_is_never_due():
    assert disposal_due(None, 2) is None
