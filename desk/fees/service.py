"""Fees: what an application owes, what was paid, and lapse when nothing arrives in time."""
from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from desk import settings
from desk.cases import lifecycle
from desk.cases.models import Case
from desk.cases.service import transition
from desk.catalogue import REFUSAL_GROUNDS
from desk.extensions import db
from desk.fees.models import FeePayment


def amount_paid(case: Case) -> int:
    return int(db.session.scalar(select(func.coalesce(func.sum(FeePayment.amount), 0))
                                 .where(FeePayment.case_id == case.id)) or 0)


def balance(case: Case) -> int:
    """Yen still owed (never negative)."""
    return max(settings.fee_due(case.kinds) - amount_paid(case), 0)


def overdue_waiting_cases(as_of: date) -> list[Case]:
    return list(db.session.scalars(
        select(Case).where(Case.status.in_(sorted(lifecycle.WAITING)), Case.requester_due_on < as_of)
        .order_by(Case.requester_due_on, Case.id)))


def lapse(case: Case, reason: str, *, actor, on: date) -> None:
    """Treat the request as not made: the case closes, every undecided kind records the
    lapse (with the unpaid-fee ground where it applies), and the lapse letter is queued
    (desk.workbench, on entering "lapsed")."""
    transition(case, "lapsed", actor=actor, on=on, detail={"reason": reason})
    for item in case.items:
        if item.outcome is None:
            item.outcome = "lapsed"
            if reason == "fee" and item.kind in REFUSAL_GROUNDS["fee_unpaid"].applies_to:
                item.grounds = ["fee_unpaid"]
    db.session.flush()
