"""Deadlines of a case, computed from stored events (never remembered).

- statutory horizon: deemed arrival + 14 calendar days (Art. 39: a principal may sue two
  weeks after the request arrived);
- internal target: arrival + N business days, the clock stopped while the desk waits for
  the requester, skipping weekends, Japanese public holidays and the closed days;
- requester due dates: notice + N calendar days.

Days are counted the Japanese way (初日不算入): the day of arrival is not counted, and
a day the clock resumes on is like a new arrival day. So a pause from a notice on day P to
a reply on day R stops the clock on the days P < d <= R.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from desk.business_calendar import ClosedDays

STATUTORY_DAYS = 14


@dataclass(frozen=True)
class Pause:
    """The desk waited for the requester from `start` (the notice) to `end` (the reply);
    end is None while still waiting."""

    start: date
    end: date | None = None

    def covers(self, day: date) -> bool:
        return self.start < day and (self.end is None or day <= self.end)


def statutory_horizon(arrived_on: date) -> date:
    return arrived_on + timedelta(days=STATUTORY_DAYS)


def is_business_day(day: date, closed: ClosedDays) -> bool:
    return not closed.closed(day)


def internal_target(
    arrived_on: date, business_days: int, closed: ClosedDays, pauses: Sequence[Pause] = (), cap: date | None = None
) -> date | None:
    """The date of the Nth counted business day after arrival, never later than `cap`
    (the statutory horizon, when the clock never stopped); None while the clock is stopped
    (an open pause has not ended, so the date cannot be known yet)."""
    if any(p.end is None for p in pauses):
        return None
    if cap is not None:
        target = internal_target(arrived_on, business_days, closed, pauses)
        return min(target, cap) if target else target
    counted, day = 0, arrived_on
    # A generous bound: even years of pauses cannot loop forever on bad data.
    for _ in range(366 * 5):
        day += timedelta(days=1)
        if any(p.covers(day) for p in pauses) or closed.closed(day):
            continue
        counted += 1
        if counted >= business_days:
            return day
    raise ValueError("internal target beyond five years: check the pauses")


def business_days_left(target: date | None, today: date, closed: ClosedDays) -> int | None:
    """Business days from today to the target (negative when overdue), for the queue badge."""
    if target is None:
        return None
    if target < today:
        # A past target is overdue even when the days since were all closed (a weekend and
        # a holiday): never "due today" once the date has gone by.
        return -max(
            1, sum(1 for n in range((today - target).days) if not closed.closed(target + timedelta(days=n + 1)))
        )
    return sum(1 for n in range((target - today).days) if not closed.closed(today + timedelta(days=n + 1)))


def requester_due(notice_on: date, due_days: int) -> date:
    """Fee and document requests are due N calendar days after the notice."""
    return notice_on + timedelta(days=due_days)
