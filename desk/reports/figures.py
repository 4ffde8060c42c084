"""The dashboard's figures, computed in SQL where it pays (grouping and counting) and
finished with the pure functions in desk.reports.stats."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import and_, exists, func, or_, select

from desk import settings
from desk.cases import lifecycle
from desk.cases.models import Case, RequestItem
from desk.catalogue import OUTCOMES, REFUSAL_GROUNDS, REQUEST_KINDS
from desk.extensions import db
from desk.reports import stats

#: Outcomes that end a kind without a reply on its merits: such cases were not "dispatched".
_NO_REPLY = tuple(code for code, o in OUTCOMES.items() if o.terminal_without_decision)


@dataclass
class DateRange:
    start: date
    end: date

    @classmethod
    def default(cls, today: date, months: int = 12) -> DateRange:
        year, month = today.year, today.month - (months - 1)
        while month < 1:
            year, month = year - 1, month + 12
        return cls(date(year, month, 1), today)


@dataclass
class Dashboard:
    range: DateRange
    months: list[str]
    #: month -> kind -> count of request items received (by arrival date)
    received: dict[str, dict[str, int]]
    #: status -> count, open cases now
    open_by_status: dict[str, int]
    #: month -> (count, median, p90) of days from arrival to dispatch (by completion month)
    response_days: dict[str, tuple[int, float | None, float | None]]
    #: all days values in the range (for the histogram and the overall figures)
    all_days: list[int]
    histogram: list[int]
    #: kind -> outcome -> count (kinds of cases closed in the range)
    outcomes: dict[str, dict[str, int]]
    #: ground code -> count
    grounds: dict[str, int]
    #: open cases past their internal target / the statutory horizon / near the horizon
    overdue: list[Case]
    past_horizon: list[Case]
    near_horizon: list[Case]
    #: month -> lapsed cases (by closing month)
    lapses: dict[str, int]
    overall_median: float | None = None
    overall_p90: float | None = None
    totals: dict[str, int] = field(default_factory=dict)


def month_of(column):
    """The "YYYY-MM" of a date column, in the dialect of the database in use."""
    if db.engine.dialect.name == "postgresql":
        return func.to_char(column, "YYYY-MM")
    return func.strftime("%Y-%m", column)


def received_per_month(r: DateRange) -> dict[str, dict[str, int]]:
    month = month_of(Case.arrived_on)
    rows = db.session.execute(
        select(month, RequestItem.kind, func.count())
        .join(RequestItem, RequestItem.case_id == Case.id)
        .where(Case.arrived_on.between(r.start, r.end), Case.in_register())
        .group_by(month, RequestItem.kind)
    ).all()
    result = {m: dict.fromkeys(REQUEST_KINDS, 0) for m in stats.months_between(r.start, r.end)}
    for m, kind, count in rows:
        if m in result and kind in result[m]:
            result[m][kind] = count
    return result


def open_by_status() -> dict[str, int]:
    rows = dict(
        db.session.execute(
            select(Case.status, func.count()).where(Case.status.in_(sorted(lifecycle.OPEN))).group_by(Case.status)
        ).all()
    )
    return {code: rows.get(code, 0) for code in lifecycle.STATES if code in lifecycle.OPEN}


def _dispatched_cases(r: DateRange):
    """Cases answered on their merits and closed in the range: completed ones, and disposed
    ones whose kinds were decided (not withdrawn or lapsed)."""
    decided = exists().where(
        RequestItem.case_id == Case.id, RequestItem.outcome.is_not(None), RequestItem.outcome.not_in(_NO_REPLY)
    )
    return and_(
        Case.closed_on.between(r.start, r.end),
        or_(Case.status == "completed", and_(Case.status == "disposed", decided)),
    )


def response_days(r: DateRange) -> dict[str, list[int]]:
    """month of completion -> days from arrival to dispatch (the completion date)."""
    month = month_of(Case.closed_on)
    rows = db.session.execute(select(month, Case.arrived_on, Case.closed_on).where(_dispatched_cases(r))).all()
    result: dict[str, list[int]] = {m: [] for m in stats.months_between(r.start, r.end)}
    for m, arrived, closed in rows:
        result.setdefault(m, []).append((closed - arrived).days)
    return result


def outcomes_and_grounds(r: DateRange) -> tuple[dict[str, dict[str, int]], dict[str, int]]:
    rows = db.session.execute(
        select(RequestItem.kind, RequestItem.outcome, func.count())
        .join(Case, Case.id == RequestItem.case_id)
        .where(Case.closed_on.between(r.start, r.end), RequestItem.outcome.is_not(None))
        .group_by(RequestItem.kind, RequestItem.outcome)
    ).all()
    outcomes: dict[str, dict[str, int]] = {}
    for kind, outcome, count in rows:
        outcomes.setdefault(kind, {})[outcome] = count
    # Grounds are a JSON list per item: counted here, over only the items that carry some.
    grounds: Counter = Counter()
    for (codes,) in db.session.execute(
        select(RequestItem.grounds)
        .join(Case, Case.id == RequestItem.case_id)
        .where(Case.closed_on.between(r.start, r.end), RequestItem.outcome.is_not(None))
    ):
        for code in codes or ():
            grounds[code] += 1
    ordered = {code: grounds[code] for code in REFUSAL_GROUNDS if grounds.get(code)}
    return outcomes, ordered


def lapses_per_month(r: DateRange) -> dict[str, int]:
    """Cases that lapsed (treated as not made), by month closed; disposed ones count too."""
    month = month_of(Case.closed_on)
    lapsed_item = exists().where(RequestItem.case_id == Case.id, RequestItem.outcome == "lapsed")
    rows = dict(
        db.session.execute(
            select(month, func.count())
            .where(
                Case.closed_on.between(r.start, r.end),
                or_(Case.status == "lapsed", and_(Case.status == "disposed", lapsed_item)),
            )
            .group_by(month)
        ).all()
    )
    return {m: rows.get(m, 0) for m in stats.months_between(r.start, r.end)}


def attention_now(today: date) -> tuple[list[Case], list[Case], list[Case]]:
    """Open cases past their binding date (clock running; Case.overdue_on, as the queue and
    the daily job count), past the statutory horizon, and within N days of the horizon
    (setting dashboard_near_days)."""
    overdue = list(
        db.session.scalars(select(Case).where(Case.overdue_on(today)).order_by(Case.internal_target_on, Case.id))
    )
    past = list(
        db.session.scalars(
            select(Case)
            .where(Case.status.in_(sorted(lifecycle.OPEN)), Case.statutory_horizon_on < today)
            .order_by(Case.statutory_horizon_on, Case.id)
        )
    )
    near_limit = today + timedelta(days=int(settings.get("dashboard_near_days")))
    near = list(
        db.session.scalars(
            select(Case)
            .where(Case.status.in_(sorted(lifecycle.OPEN)), Case.statutory_horizon_on.between(today, near_limit))
            .order_by(Case.statutory_horizon_on, Case.id)
        )
    )
    return overdue, past, near


def dashboard(r: DateRange, today: date) -> Dashboard:
    received = received_per_month(r)
    days_by_month = response_days(r)
    all_days = [d for values in days_by_month.values() for d in values]
    outcomes, grounds = outcomes_and_grounds(r)
    overdue, past, near = attention_now(today)
    board = Dashboard(
        range=r,
        months=stats.months_between(r.start, r.end),
        received=received,
        open_by_status=open_by_status(),
        response_days={
            m: (len(v), stats.median(v), stats.percentile(v, 90) if v else None) for m, v in days_by_month.items()
        },
        all_days=all_days,
        histogram=stats.histogram(all_days),
        outcomes=outcomes,
        grounds=grounds,
        overdue=overdue,
        past_horizon=past,
        near_horizon=near,
        lapses=lapses_per_month(r),
        overall_median=stats.median(all_days),
        overall_p90=stats.percentile(all_days, 90) if all_days else None,
    )
    board.totals = {
        "received": sum(sum(k.values()) for k in received.values()),
        "open": sum(board.open_by_status.values()),
        "dispatched": len(all_days),
        "lapsed": sum(board.lapses.values()),
    }
    return board
