"""Read-side queries for staff pages: the case queue with its filters and search, one
case's timeline.

The queue must stay fast with 100,000 cases (see benchmarks/queue.py): every filter is a
plain indexed predicate, the search is an indexed prefix lookup on the normalised keys
kept beside each person (desk.cases.search), and the first page asks the database for
one page of rows only.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from math import ceil

from flask import current_app, has_app_context
from sqlalchemy import and_, exists, func, or_, select

from desk import catalogue
from desk.audit.models import AuditEvent
from desk.auth.models import StaffUser
from desk.cases import lifecycle, search
from desk.cases.models import Case, Requester, RequestItem
from desk.decisions.models import Approval
from desk.extensions import db
from desk.forms import unstorable_character

PER_PAGE = 50
#: Pseudo-statuses of the status filter besides the lifecycle's own states.
OPEN, ALL = "open", "all"
_REFERENCE = re.compile(r"^\d{4}-\d{1,10}$")
_PHONE = re.compile(r"^[\d\-‐－−ー()（）\s+]+$")
#: Part of a reference: its number has six digits (a longer run of digits is a phone number).
_DIGITS = re.compile(r"^\d{1,6}$")
_KANA_ONLY = re.compile(r"^[\u3040-\u30ff\uff66-\uff9f\s\u3000・･ー]+$")
#: Above every character a key can hold: the upper end of a prefix range.
_TOP = "\U0010ffff"


@dataclass
class QueueFilters:
    """What the officer asked the queue for; parsed from the URL so a view is bookmarkable."""

    status: str = OPEN
    kind: str | None = None
    #: A staff id, "mine" or "none" (unassigned).
    assignee: str | None = None
    channel: str | None = None
    waiting: bool = False
    overdue: bool = False
    duplicate: bool = False
    #: A lapse the daily job proposed waits for a supervisor.
    lapse: bool = False
    q: str = ""
    page: int = 1

    @classmethod
    def from_args(cls, args) -> QueueFilters:
        q = (args.get("q") or "").strip()[:100]
        if unstorable_character(q):
            q = ""  # nothing stored holds a control character: nothing to find
        status = args.get("status") or (ALL if q else OPEN)
        if status not in lifecycle.STATES and status not in (OPEN, ALL):
            status = OPEN
        kind = args.get("kind") if args.get("kind") in catalogue.REQUEST_KINDS else None
        channel = args.get("channel") if args.get("channel") in catalogue.CHANNELS else None
        assignee = args.get("assignee") or None
        if assignee not in (None, "mine", "none") and not assignee.isdigit():
            assignee = None
        try:
            page = max(int(args.get("page", 1)), 1)
        except ValueError:
            page = 1
        flag = lambda name: args.get(name) in ("1", "on", "true")  # noqa: E731
        return cls(
            status=status,
            kind=kind,
            assignee=assignee,
            channel=channel,
            waiting=flag("waiting"),
            overdue=flag("overdue"),
            duplicate=flag("duplicate"),
            lapse=flag("lapse"),
            q=q,
            page=page,
        )

    def args(self, **changes) -> dict:
        """The URL arguments for this view (with changes), defaults left out."""
        values = {
            "status": self.status,
            "kind": self.kind,
            "assignee": self.assignee,
            "channel": self.channel,
            "waiting": "1" if self.waiting else None,
            "overdue": "1" if self.overdue else None,
            "duplicate": "1" if self.duplicate else None,
            "lapse": "1" if self.lapse else None,
            "q": self.q or None,
            "page": self.page,
        }
        values.update(changes)
        if values.get("page") == 1:
            values["page"] = None
        if values.get("status") == OPEN and not values.get("q"):
            values["status"] = None
        return {k: v for k, v in values.items() if v not in (None, "")}

    @property
    def active(self) -> bool:
        return any(
            (self.kind, self.assignee, self.channel, self.waiting, self.overdue, self.duplicate, self.lapse, self.q)
        )


@dataclass
class QueuePage:
    items: list
    total: int
    page: int
    per_page: int
    filters: QueueFilters = field(default_factory=QueueFilters)

    @property
    def pages(self) -> int:
        return max(ceil(self.total / self.per_page), 1)

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


_COUNTS = "desk_queue_counts"


def status_counts() -> dict[str, int]:
    """Cases per status. Counting 100,000 rows costs more than the rest of the page, so
    the counts are kept per app process until any case changes: a new case raises the
    highest id, a change moves the newest updated_at (two indexed lookups), and a
    transition in this process forgets them at once (see forget_counts)."""
    # Two subqueries: SQLite answers a lone max() from the index, two in one select by a scan.
    key = tuple(
        db.session.execute(
            select(select(func.max(Case.id)).scalar_subquery(), select(func.max(Case.updated_at)).scalar_subquery())
        ).one()
    )
    cached = current_app.extensions.get(_COUNTS)
    if cached is not None and cached[0] == key:
        return dict(cached[1])
    counts = dict(db.session.execute(select(Case.status, func.count()).group_by(Case.status)).all())
    current_app.extensions[_COUNTS] = (key, counts)
    return dict(counts)


def forget_counts(case=None, **_) -> None:
    if has_app_context():
        current_app.extensions.pop(_COUNTS, None)


def _search_condition(q: str):
    """Which people match the search text, as a condition on Requester; None when the text
    cannot name a person. A name or reading matches from the start of the whole name (the
    family name) or of the given name."""
    q = unicodedata.normalize("NFKC", q)
    if "@" in q:
        key = search.email_key(q)
        return and_(Requester.email_key >= key, Requester.email_key < key + _TOP)
    if _PHONE.match(q) and sum(c.isdigit() for c in q) >= 3:
        key = search.phone_key(q)
        return and_(Requester.phone_key >= key, Requester.phone_key < key + _TOP)
    if _KANA_ONLY.match(q):
        key = search.kana_key(q)
        return or_(_prefix(Requester.kana_key, key), _prefix(Requester.given_kana_key, key))
    key = search.name_key(q)
    if not key:
        return None
    return or_(_prefix(Requester.name_key, key), _prefix(Requester.given_key, key))


def _prefix(column, key: str):
    return and_(column >= key, column < key + _TOP)


def _reference_condition(q: str):
    """A reference typed whole (2026-61 is 2026-000061), or a run of digits found anywhere
    in one (「61」); None when the text is neither."""
    q = unicodedata.normalize("NFKC", q).strip()
    if _REFERENCE.match(q):
        year, number = q.split("-")
        return Case.reference == f"{year}-{int(number):06d}"
    if _DIGITS.match(q):
        return Case.reference.like(f"%{q}%")
    return None


def _filtered(filters: QueueFilters, user_id: int | None, as_of: date):
    query = select(Case)
    conditions = []
    if filters.status == OPEN:
        # closed_on is NULL exactly while a case is open (set on completion, withdrawal, lapse).
        conditions.append(Case.closed_on.is_(None))
    elif filters.status != ALL:
        conditions.append(Case.status == filters.status)
    if filters.kind:
        conditions.append(exists().where(RequestItem.case_id == Case.id, RequestItem.kind == filters.kind))
    if filters.assignee == "mine":
        conditions.append(Case.assignee_id == user_id)
    elif filters.assignee == "none":
        conditions.append(Case.assignee_id.is_(None))
    elif filters.assignee:
        conditions.append(Case.assignee_id == int(filters.assignee))
    if filters.channel:
        conditions.append(Case.channel == filters.channel)
    if filters.waiting:
        conditions.append(Case.status.in_(sorted(lifecycle.WAITING)))
    if filters.overdue:
        conditions.append(Case.overdue_on(as_of))
    if filters.duplicate:
        conditions.append(Case.possible_duplicate.is_(True))
    if filters.lapse:
        conditions.append(Case.status.in_(sorted(lifecycle.WAITING)))
        conditions.append(exists().where(Approval.case_id == Case.id, Approval.pending_lapse()))
    if filters.q:
        # A whole reference names one case; digits may be part of a reference or a phone
        # number; anything else names a person.
        found = []
        reference = _reference_condition(filters.q)
        if reference is not None:
            found.append(reference)
        people = None if _REFERENCE.match(filters.q.strip()) else _search_condition(filters.q)
        if people is not None:
            found.append(Case.id.in_(select(Requester.case_id).where(people)))
        conditions.append(or_(*found) if found else Case.id.is_(None))
    return query.where(*conditions)


def _ordered(query, filters: QueueFilters):
    """What is due first. One status at a time walks ix_cases_queue in order; the open
    queue (a small share of all cases) is sorted: paused cases by their requester due date
    after the running ones; "all" lists newest arrivals first."""
    if filters.status == ALL:
        return query.order_by(Case.arrived_on.desc(), Case.id.desc())
    if filters.status in lifecycle.WAITING:
        return query.order_by(Case.requester_due_on, Case.id)
    if filters.status == OPEN:
        # closed_on (NULL on every open case) leads, so PostgreSQL too sees the index order.
        return query.order_by(Case.closed_on, Case.internal_target_on, Case.statutory_horizon_on, Case.id)
    return query.order_by(Case.internal_target_on, Case.statutory_horizon_on, Case.id)


def case_queue(
    filters: QueueFilters,
    *,
    user_id: int | None,
    as_of: date,
    per_page: int = PER_PAGE,
    counts: dict[str, int] | None = None,
) -> QueuePage:
    """One page of the queue. `counts` (from status_counts) spares a second count when only
    the status narrows the list."""
    query = _filtered(filters, user_id, as_of)
    if counts is not None and not filters.active and filters.status in lifecycle.STATES:
        total = counts.get(filters.status, 0)
    elif counts is not None and not filters.active and filters.status == ALL:
        total = sum(counts.values())
    elif counts is not None and not filters.active and filters.status == OPEN:
        total = sum(n for s, n in counts.items() if s in lifecycle.OPEN)
    else:
        total = db.session.scalar(query.with_only_columns(func.count(Case.id)).order_by(None)) or 0
    page = min(filters.page, max(ceil(total / per_page), 1))
    offset = (page - 1) * per_page
    if filters.status == OPEN:
        rows = _open_page(query, filters, offset, per_page)
    else:
        rows = _load(_ordered(query, filters).limit(per_page).offset(offset))
    return QueuePage(rows, total, page, per_page, filters)


def _load(query) -> list[Case]:
    # People and kinds come separately as plain rows (see row_details): cheaper than
    # building ORM objects for every requester and item of the page.
    return list(db.session.scalars(query))


def row_details(cases: list[Case]) -> tuple[dict, dict]:
    """For a page of cases: {case_id: {"principal": (name, furigana), "proxy": (name, furigana)}}
    and {case_id: [kind, ...]}, in two indexed queries."""
    ids = [case.id for case in cases]
    people: dict[int, dict] = {}
    kinds: dict[int, list[str]] = {}
    if not ids:
        return people, kinds
    for case_id, role, name, furigana in db.session.execute(
        select(Requester.case_id, Requester.role, Requester.name, Requester.furigana)
        .where(Requester.case_id.in_(ids))
        .order_by(Requester.id)
    ):
        people.setdefault(case_id, {}).setdefault(role, (name, furigana))
    for case_id, kind in db.session.execute(
        select(RequestItem.case_id, RequestItem.kind).where(RequestItem.case_id.in_(ids)).order_by(RequestItem.id)
    ):
        kinds.setdefault(case_id, []).append(kind)
    return people, kinds


def _open_page(query, filters: QueueFilters, offset: int, per_page: int) -> list[Case]:
    """Running cases by internal target (an ordered walk of ix_cases_open_queue), then the
    paused ones, whose clock is stopped, by the date the requester owes us something."""
    running = query.where(Case.internal_target_on.is_not(None))
    paused = query.where(Case.internal_target_on.is_(None))
    rows = _load(_ordered(running, filters).limit(per_page).offset(offset))
    if len(rows) == per_page:
        return rows
    running_total = (
        offset + len(rows)
        if rows
        else db.session.scalar(running.with_only_columns(func.count(Case.id)).order_by(None)) or 0
    )
    paused_offset = max(offset - running_total, 0)
    return rows + _load(
        paused.order_by(Case.requester_due_on, Case.id).limit(per_page - len(rows)).offset(paused_offset)
    )


def assignable_staff() -> list[StaffUser]:
    return list(
        db.session.scalars(
            select(StaffUser)
            .where(StaffUser.active.is_(True), StaffUser.role.in_(("officer", "supervisor")))
            .order_by(StaffUser.name)
        )
    )


#: How the timeline names audit actions (codes stay in the trail; people read words).
def timeline(case: Case) -> list[dict]:
    """The audit events of a case and its notes, oldest first."""
    rows = db.session.execute(
        select(AuditEvent, StaffUser.name)
        .outerjoin(StaffUser, StaffUser.id == AuditEvent.actor_id)
        .where(AuditEvent.case_id == case.id)
        .order_by(AuditEvent.id)
    ).all()
    entries = [{"at": event.at, "who": name, "event": event, "note": None} for event, name in rows]
    entries += [
        {"at": note.created_at, "who": note.author.name if note.author else None, "event": None, "note": note}
        for note in case.notes
    ]
    return sorted(entries, key=lambda e: e["at"])
