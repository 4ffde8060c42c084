"""The business's calendar: the days it does not work (weekends, Japanese public holidays,
the year-end closure), as every deadline and the settings page need it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import jpholiday


@dataclass(frozen=True)
class ClosedDays:
    """Days the business does not work: weekdays (0 = Monday) and yearly ranges."""

    weekdays: frozenset[int] = frozenset({5, 6})
    #: Yearly ranges as (month, day) pairs, inclusive, which may wrap the new year.
    yearly: tuple[tuple[tuple[int, int], tuple[int, int]], ...] = (((12, 29), (1, 3)),)

    def closed(self, day: date) -> bool:
        if day.weekday() in self.weekdays or jpholiday.is_holiday(day):
            return True
        md = (day.month, day.day)
        for start, end in self.yearly:
            if start <= end:
                if start <= md <= end:
                    return True
            elif md >= start or md <= end:
                return True
        return False

    @classmethod
    def parse(cls, weekdays: Iterable[int], yearly: Iterable[str]) -> ClosedDays:
        """yearly entries are "MM-DD/MM-DD" strings, as kept in settings."""
        ranges = []
        for item in yearly:
            start, _, end = item.partition("/")
            sm, sd = (int(x) for x in start.split("-"))
            em, ed = (int(x) for x in (end or start).split("-"))
            ranges.append(((sm, sd), (em, ed)))
        return cls(frozenset(int(w) for w in weekdays), tuple(ranges))
