"""When a case's documents fall due for disposal.

Retention counts from the day the case closed (the final reply dispatched, or the lapse or
withdrawal) plus the retention period from settings. The documents are kept for the whole
period and disposed of the day after it ends: closed on 29 Feb 2024 with two years'
retention, the period ends on 28 Feb 2026 (relativedelta clamps), and the case is due on
1 Mar 2026.
"""

from __future__ import annotations

from datetime import date, timedelta

from dateutil.relativedelta import relativedelta


def retention_ends(closed_on: date, years: int) -> date:
    return closed_on + relativedelta(years=years)


def disposal_due(closed_on: date | None, years: int) -> date | None:
    """The first day the case may be disposed of; None while the case is open."""
    if closed_on is None:
        return None
    return retention_ends(closed_on, years) + timedelta(days=1)
