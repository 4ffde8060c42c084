"""The inquiries queue, with the case queue's conventions: what is due first, filters in the
URL (bookmarkable), search by reference, name or phone, 50 a page."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import func, select

from desk.audit.models import AuditEvent
from desk.auth.models import StaffUser
from desk.cases.search import name_key, phone_key
from desk.clock import today
from desk.extensions import db
from desk.forms import unstorable_character
from desk.inquiries.catalogue import CATEGORIES, CHANNELS, OPEN_STATES, STATES
from desk.inquiries.models import Inquiry

PER_PAGE = 50
OPEN, ALL = "open_all", "all"
_REFERENCE = re.compile(r"^[qQ]?\d{4}-\d{1,10}$")
_PHONE = re.compile(r"^[\d\-‐－−ー()（）\s+]+$")
_TOP = "\U0010ffff"


@dataclass
class Filters:
    status: str = OPEN
    category: str | None = None
    channel: str | None = None
    #: A staff id, "mine" or "none".
    assignee: str | None = None
    overdue: bool = False
    q: str = ""
    page: int = 1

    @classmethod
    def from_args(cls, args) -> Filters:
        q = (args.get("q") or "").strip()[:100]
        if unstorable_character(q):
            q = ""
        status = args.get("status") or (ALL if q else OPEN)
        if status not in STATES and status not in (OPEN, ALL):
            status = OPEN
        assignee = args.get("assignee") or None
        if assignee not in (None, "mine", "none") and not assignee.isdigit():
            assignee = None
        try:
            page = max(int(args.get("page", 1)), 1)
        except ValueError:
            page = 1
        return cls(
            status=status,
            category=args.get("category") if args.get("category") in CATEGORIES else None,
            channel=args.get("channel") if args.get("channel") in CHANNELS else None,
            assignee=assignee,
            overdue=args.get("overdue") in ("1", "on", "true"),
            q=q,
            page=page,
        )

    def args(self, **changes) -> dict:
        values = {
            "status": self.status,
            "category": self.category,
            "channel": self.channel,
            "assignee": self.assignee,
            "overdue": "1" if self.overdue else None,
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
        return any((self.category, self.channel, self.assignee, self.overdue, self.q))


def _search(query, q: str):
    if _REFERENCE.match(q):
        ref = q.upper() if q[0] in "qQ" else "Q" + q
        year, _, number = ref[1:].partition("-")
        return query.where(Inquiry.reference == f"Q{year}-{int(number):06d}")
    if _PHONE.match(q) and sum(ch.isdigit() for ch in q) >= 3:
        key = phone_key(q)
        return query.where(Inquiry.phone_key >= key, Inquiry.phone_key < key + _TOP)
    key = name_key(q)
    if not key:
        return query.where(False)
    return query.where(Inquiry.name_key >= key, Inquiry.name_key < key + _TOP)


def page_of(filters: Filters, user) -> tuple[list[Inquiry], int]:
    query = select(Inquiry)
    if filters.status == OPEN:
        query = query.where(Inquiry.status.in_(sorted(OPEN_STATES)))
    elif filters.status != ALL:
        query = query.where(Inquiry.status == filters.status)
    if filters.category:
        query = query.where(Inquiry.category == filters.category)
    if filters.channel:
        query = query.where(Inquiry.channel == filters.channel)
    if filters.assignee == "mine":
        query = query.where(Inquiry.assignee_id == user.id)
    elif filters.assignee == "none":
        query = query.where(Inquiry.assignee_id.is_(None))
    elif filters.assignee:
        query = query.where(Inquiry.assignee_id == int(filters.assignee))
    if filters.overdue:
        query = query.where(Inquiry.status == "open", Inquiry.due_on < today())
    if filters.q:
        query = _search(query, filters.q)
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    if filters.status == ALL:
        query = query.order_by(Inquiry.received_on.desc(), Inquiry.id.desc())
    else:
        # Due first: an unanswered inquiry before one answered, then by due date.
        query = query.order_by((Inquiry.status != "open"), Inquiry.due_on, Inquiry.id)
    rows = db.session.scalars(query.limit(PER_PAGE).offset((filters.page - 1) * PER_PAGE)).all()
    return list(rows), total


def counts() -> dict[str, int]:
    return dict(db.session.execute(select(Inquiry.status, func.count()).group_by(Inquiry.status)).all())


def timeline(inquiry: Inquiry) -> list[tuple[AuditEvent, str | None]]:
    """Every audited event of the inquiry with the staff member's name, oldest first."""
    return list(
        db.session.execute(
            select(AuditEvent, StaffUser.name)
            .outerjoin(StaffUser, StaffUser.id == AuditEvent.actor_id)
            .where(AuditEvent.case_reference == inquiry.reference, AuditEvent.case_id.is_(None))
            .order_by(AuditEvent.id)
        ).all()
    )
