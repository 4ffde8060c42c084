"""Fees: what an application owes, the payments received, and the notice of a shortfall."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from desk import catalogue, settings
from desk.audit.service import record
from desk.cases import lifecycle
from desk.cases.lifecycle import Refused
from desk.cases.models import Case
from desk.cases.service import require_day, require_status, transition
from desk.clock import today
from desk.extensions import db
from desk.fees.models import FeePayment
from desk.identity.service import working_state


def amount_paid(case: Case) -> int:
    return int(
        db.session.scalar(select(func.coalesce(func.sum(FeePayment.amount), 0)).where(FeePayment.case_id == case.id))
        or 0
    )


def fee_due(case: Case) -> int:
    """The fee the application owes: once, if any kind still in question carries one. The
    kinds that lapsed for the unpaid fee owe nothing more (the fee is not refunded either)."""
    return settings.fee_due([item.kind for item in case.items if item.outcome not in ("lapsed", "not_a_request")])


def balance(case: Case) -> int:
    """Yen still owed (never negative)."""
    return max(fee_due(case) - amount_paid(case), 0)


def kinds_at_stake(case: Case) -> tuple[list, list]:
    """(the undecided kinds an unpaid fee would end, the undecided kinds that go on without
    it), as catalogue entries: an unpaid fee ends only the kinds that carry one (setting
    "fee_kinds"), so the notice and the status page warn of those only."""
    charged = set(settings.get("fee_kinds"))
    undecided = [item.kind for item in case.items if item.outcome is None]
    return (
        [catalogue.REQUEST_KINDS[k] for k in undecided if k in charged],
        [catalogue.REQUEST_KINDS[k] for k in undecided if k not in charged],
    )


def payments_of(case: Case) -> list[FeePayment]:
    return list(
        db.session.scalars(
            select(FeePayment).where(FeePayment.case_id == case.id).order_by(FeePayment.received_on, FeePayment.id)
        )
    )


def record_payment(case: Case, amount: int, method: str, received_on: date, *, actor) -> FeePayment:
    """A payment arrived; once nothing is owed, a case waiting for its fee resumes."""
    require_status(case, lifecycle.OPEN - {"dispatched"}, "手数料を記録", "record a payment")
    if method not in catalogue.PAYING_METHODS:
        raise Refused("支払方法を選んでください。", "Choose a payment method.")
    if amount < 1:
        raise Refused("金額は1円以上で入力してください。", "The amount must be at least 1 yen.")
    require_day(case, received_on, "受領日", "date received")
    payment = FeePayment(
        case_id=case.id, amount=amount, method=method, received_on=received_on, recorded_by_id=actor.id
    )
    db.session.add(payment)
    db.session.flush()
    record("fee.payment_recorded", actor=actor, case=case, detail={"amount": amount, "method": method})
    if case.status == "awaiting_fee" and balance(case) == 0:
        transition(case, working_state(case), actor=actor, on=received_on, detail={"reason": "fee_paid"})
    return payment


def refund_all(case: Case, on: date, *, actor=None) -> int:
    """Return whatever was received for a case that keeps no fee (closed as not a statutory
    request): one negative row of method "refund", audited. Returns the yen returned."""
    paid = amount_paid(case)
    if paid <= 0:
        return 0
    db.session.add(
        FeePayment(
            case_id=case.id, amount=-paid, method="refund", received_on=on, recorded_by_id=getattr(actor, "id", None)
        )
    )
    db.session.flush()
    record("fee.refunded", actor=actor, case=case, detail={"amount": paid})
    return paid


def ask_for_fee(case: Case, due_on: date | None, *, actor) -> None:
    """The fee is short: the case waits for it, the clock paused (the letters area queues
    the shortfall notice on entering "awaiting_fee")."""
    require_status(case, {"received", "verifying", "in_progress"}, "不足の通知を", "send a shortfall notice")
    owed = balance(case)
    if owed <= 0:
        raise Refused("手数料に不足はありません。", "Nothing is owed.")
    if due_on is not None and due_on <= today():
        raise Refused("納付期限は明日以降の日付にしてください。", "The due date must be after today.")
    transition(case, "awaiting_fee", actor=actor, due_on=due_on, detail={"owed": owed})
