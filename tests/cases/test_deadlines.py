"""Deadlines: statutory horizon, internal target with holidays, closures and pauses."""

from datetime import date

import pytest

from desk.cases.deadlines import (
    ClosedDays,
    Pause,
    business_days_left,
    internal_target,
    requester_due,
    statutory_horizon,
)

STANDARD = ClosedDays()  # weekends, public holidays, 29 Dec – 3 Jan


def test_statutory_horizon_is_fourteen_calendar_days():
    assert statutory_horizon(date(2026, 11, 22)) == date(2026, 12, 6)
    assert statutory_horizon(date(2028, 2, 20)) == date(2028, 3, 5)  # across a leap day


def test_plain_ten_business_days():
    # Mon 9 Nov 2026 → counting from Tue 10th; 23 Nov is 勤労感謝の日.
    assert internal_target(date(2026, 11, 9), 10, STANDARD) == date(2026, 11, 24)


def test_golden_week_is_skipped():
    # Fri 24 Apr 2026: 29 Apr 昭和の日, 4–5 May holidays, 6 May 振替休日 (3 May was a Sunday):
    # 27, 28, 30 Apr, 1, 7, 8, 11, 12, 13, 14 May.
    assert internal_target(date(2026, 4, 24), 10, STANDARD) == date(2026, 5, 14)


def test_substitute_holiday_is_skipped():
    # 2026-05-06 is a substitute holiday (振替休日); a request arriving Tue 5 May counts from the 7th.
    assert internal_target(date(2026, 5, 5), 1, STANDARD) == date(2026, 5, 7)


def test_year_end_closure_is_skipped():
    # Fri 25 Dec 2026: Mon 28th counts, then 29 Dec – 3 Jan closed, 4 Jan counts...
    assert internal_target(date(2026, 12, 25), 2, STANDARD) == date(2027, 1, 4)
    # 11 Jan 2027 is 成人の日.
    assert internal_target(date(2026, 12, 25), 6, STANDARD) == date(2027, 1, 8)
    assert internal_target(date(2026, 12, 25), 7, STANDARD) == date(2027, 1, 12)


def test_closure_setting_changes_the_answer():
    no_closure = ClosedDays.parse([5, 6], [])
    assert internal_target(date(2026, 12, 25), 2, no_closure) == date(2026, 12, 29)


def test_pause_spanning_a_month_end():
    # Arrived Fri 23 Oct 2026. Fee notice Wed 28 Oct, fee arrived Tue 3 Nov (文化の日, a holiday).
    # Paused days: 29, 30 Oct and 2 Nov (business days), 3 Nov is a holiday anyway.
    pauses = [Pause(date(2026, 10, 28), date(2026, 11, 3))]
    unpaused = internal_target(date(2026, 10, 23), 10, STANDARD)
    paused = internal_target(date(2026, 10, 23), 10, STANDARD, pauses)
    assert unpaused == date(2026, 11, 9)
    assert paused == date(2026, 11, 12)


def test_open_pause_has_no_target():
    assert internal_target(date(2026, 11, 2), 10, STANDARD, [Pause(date(2026, 11, 4))]) is None


def test_leap_day_counts_as_a_business_day():
    # Thu 29 Feb 2024 is a weekday and counts.
    assert internal_target(date(2024, 2, 27), 2, STANDARD) == date(2024, 2, 29)
    assert internal_target(date(2024, 2, 28), 2, STANDARD) == date(2024, 3, 1)


def test_requester_due_is_calendar_days():
    assert requester_due(date(2026, 12, 25), 14) == date(2027, 1, 8)


@pytest.mark.parametrize(
    "today,expected",
    [
        (date(2026, 11, 20), 2),  # Fri → Mon 23 holiday → Tue 24, Wed 25: two business days left
        (date(2026, 11, 25), 0),
        (date(2026, 11, 27), -2),  # two business days past
    ],
)
def test_business_days_left(today, expected):
    assert business_days_left(date(2026, 11, 25), today, STANDARD) == expected


def test_closed_days_parse_rejects_garbage():
    with pytest.raises(ValueError):
        ClosedDays.parse([5, 6], ["not a date"])


def test_a_past_target_is_overdue_even_after_closed_days():
    """Target Fri 20 Nov 2026; on Mon 23 Nov (勤労感謝の日) after a weekend it is overdue, not due today."""
    assert business_days_left(date(2026, 11, 20), date(2026, 11, 23), STANDARD) == -1


def test_the_target_never_passes_the_horizon_unless_the_clock_stopped():
    """Ten business days from Fri 18 Dec 2026 run into the year-end closure: capped at the
    horizon (1 Jan); a pause lets the target move past it."""
    arrived = date(2026, 12, 18)
    horizon = statutory_horizon(arrived)
    assert internal_target(arrived, 10, STANDARD) > horizon
    assert internal_target(arrived, 10, STANDARD, cap=horizon) == horizon
    assert internal_target(arrived, 3, STANDARD, cap=horizon) == date(2026, 12, 23)
    paused = [Pause(date(2026, 12, 21), date(2026, 12, 24))]
    assert internal_target(arrived, 10, STANDARD, paused) > horizon
