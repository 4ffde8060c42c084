"""The case service: the only way a case is created or changes state.

Every change checks the lifecycle table, writes an audit event and recomputes the
deadlines from the stored events. Domain code flushes; the request (or command) commits.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date
from typing import Callable

from sqlalchemy import bindparam, select, update

from desk import settings
from desk.audit.service import record
from desk.cases import deadlines, lifecycle
from desk.cases.lifecycle import TransitionRefused
from desk.cases.models import Case, CaseExtension, CasePause
from desk.clock import now, today
from desk.extensions import db

#: Callbacks run after a case enters a state, in the same transaction: other areas react
#: to the lifecycle (e.g. the suppression register on completion) without the case
#: service knowing them. Registered once at start-up with on_enter().
_ON_ENTER: dict[str, list[Callable]] = {}


def on_enter(state: str, callback: Callable) -> None:
    """Register `callback(case, actor=..., on=...)` to run whenever a case enters `state`."""
    if state not in lifecycle.STATES:
        raise ValueError(f"unknown state {state}")
    if callback not in _ON_ENTER.setdefault(state, []):
        _ON_ENTER[state].append(callback)


#: Which pause reason each waiting state stands for.
PAUSE_REASONS = {"awaiting_fee": "fee", "awaiting_documents": "documents",
                 "awaiting_clarification": "clarification"}


def new_reference(case: Case) -> str:
    """A reference unique across app servers: the year of arrival and the row id."""
    return f"{case.arrived_on.year}-{case.id:06d}"


def open_case(*, channel: str, arrived_on: date, language: str = "ja", actor=None, **fields) -> Case:
    """Create a case in state "received". People and items are added by the caller
    (intake) before the flush that assigns the reference."""
    case = Case(channel=channel, arrived_on=arrived_on, language=language, status="received",
                statutory_horizon_on=deadlines.statutory_horizon(arrived_on),
                reference="tmp-" + secrets.token_hex(8), **fields)
    db.session.add(case)
    db.session.flush()
    case.reference = new_reference(case)
    recompute_deadlines(case)
    record("case.opened", actor=actor, case=case, to_status="received",
           detail={"channel": channel})
    return case


def pauses_of(case: Case) -> list[CasePause]:
    if case.id is None:
        return []
    return list(db.session.scalars(
        select(CasePause).where(CasePause.case_id == case.id).order_by(CasePause.started_on, CasePause.id)))


def extension_days(case: Case) -> int:
    if case.id is None:
        return 0
    return sum(db.session.scalars(select(CaseExtension.business_days).where(CaseExtension.case_id == case.id)))


def recompute_deadlines(case: Case) -> None:
    """Derive every stored deadline of the case from its arrival, pauses and extensions."""
    pauses = pauses_of(case)
    case.statutory_horizon_on = deadlines.statutory_horizon(case.arrived_on)
    case.internal_target_on = deadlines.internal_target(
        case.arrived_on,
        int(settings.get("target_business_days")) + extension_days(case),
        settings.closed_days(),
        [deadlines.Pause(p.started_on, p.ended_on) for p in pauses],
    )
    open_pause = next((p for p in pauses if p.ended_on is None), None)
    case.requester_due_on = open_pause.due_on if open_pause else None


def transition(case: Case, to_status: str, *, actor=None, on: date | None = None,
               detail: dict | None = None, due_on: date | None = None) -> None:
    """Move a case to another state, or raise TransitionRefused with a clear message.

    Entering a waiting state opens a pause (the notice, due N days later); leaving one
    closes it on `on` (the day the reply arrived)."""
    from_status = case.status
    lifecycle.check(from_status, to_status)
    day = on or today()
    if from_status in lifecycle.WAITING:
        for pause in pauses_of(case):
            if pause.ended_on is None:
                pause.ended_on = max(day, pause.started_on)
    if to_status in lifecycle.WAITING:
        db.session.add(CasePause(
            case_id=case.id, reason=PAUSE_REASONS[to_status], started_on=day,
            due_on=due_on or deadlines.requester_due(day, int(settings.get("requester_due_days")))))
    case.status = to_status
    if to_status in lifecycle.CLOSED and to_status != "disposed":
        case.closed_on = day
    db.session.flush()
    recompute_deadlines(case)
    record("case.transition", actor=actor, case=case, from_status=from_status, to_status=to_status,
           detail=detail)
    for callback in _ON_ENTER.get(to_status, ()):
        callback(case, actor=actor, on=day)


_CASES = Case.__table__
#: The move of a closed case, per set of further columns (the disposal job reuses one).
_CLOSED_MOVES: dict[tuple[str, ...], object] = {}


def _closed_move(columns: tuple[str, ...]):
    if columns not in _CLOSED_MOVES:
        _CLOSED_MOVES[columns] = (
            update(_CASES).where(_CASES.c.id == bindparam("the_case"), _CASES.c.status == bindparam("from_status"))
            .values({name: bindparam(f"new_{name}", type_=_CASES.c[name].type)
                     for name in ("status", "updated_at") + columns}))
    return _CLOSED_MOVES[columns]


def transition_closed(case_id: int, reference: str, from_status: str, to_status: str, *, actor=None,
                      on: date | None = None, detail: dict | None = None, values: dict | None = None,
                      connection=None, follows: str | None = None) -> str:
    """transition() for a closed case known by its id, without loading it: the retention
    job moves 100,000 of them in a run, on a `connection` of its own. A closed case has no
    pause to open or close and its deadlines no longer move, so only the status (and
    `values`, further columns of the same row) changes, audited as transition() audits it.
    Returns the audit event's hash; `follows` is passed to audit.record().

    Nothing here reads an answer of the database, so that a pipelined connection need not
    wait: the database itself refuses what must not happen. Disposal is the only way out
    of a closed state, and a case under legal hold cannot be disposed (a check constraint
    on cases), so moving a held case fails the transaction. The update takes the row lock
    place_hold() takes, so a hold and a move never cross. A case no longer in
    `from_status` has been disposed already, and the update leaves it alone: the caller's
    record of the disposal (disposed_cases, one line per case) fails then. The on_enter
    callbacks of `to_status` receive an object with the case's id, reference and status."""
    lifecycle.check(from_status, to_status)
    if from_status not in lifecycle.CLOSED:
        raise ValueError(f"transition_closed() moves closed cases only, not {from_status}")
    values = values or {}
    connection = connection if connection is not None else db.session.connection()
    params = {"the_case": case_id, "from_status": from_status, "new_status": to_status, "new_updated_at": now()}
    params.update((f"new_{name}", value) for name, value in values.items())
    connection.execute(_closed_move(tuple(values)), params)
    event = record("case.transition", actor=actor, case_id=case_id, case_reference=reference,
                   from_status=from_status, to_status=to_status, detail=detail, connection=connection,
                   follows=follows)
    moved = ClosedCase(case_id, reference, to_status)
    for callback in _ON_ENTER.get(to_status, ()):
        callback(moved, actor=actor, on=on or today())
    return event


@dataclass(frozen=True)
class ClosedCase:
    id: int
    reference: str
    status: str


def change_requester_due(case: Case, due_on: date) -> None:
    """Give the requester until `due_on` for what the case waits for (the open pause's
    due date); the caller audits why."""
    pause = next((p for p in pauses_of(case) if p.ended_on is None), None)
    if pause is None:
        raise TransitionRefused(case.status, case.status, "この案件は依頼者からの提出を待っていません。",
                                "The case is not waiting for the requester.")
    pause.due_on = due_on
    db.session.flush()
    recompute_deadlines(case)


def extend(case: Case, business_days: int, reason: str, *, actor=None, on: date | None = None) -> CaseExtension:
    if not case.is_open:
        raise TransitionRefused(case.status, case.status, "完了した案件は延長できません。",
                                "A closed case cannot be extended.")
    if business_days < 1:
        raise ValueError("an extension adds at least one business day")
    extension = CaseExtension(case_id=case.id, business_days=business_days, reason=reason,
                              decided_on=on or today(), decided_by_id=getattr(actor, "id", None))
    db.session.add(extension)
    db.session.flush()
    recompute_deadlines(case)
    record("case.extended", actor=actor, case=case, detail={"business_days": business_days})
    return extension


def assign(case: Case, assignee, *, actor=None) -> None:
    case.assignee_id = getattr(assignee, "id", None)
    record("case.assigned", actor=actor, case=case, detail={"assignee_id": case.assignee_id})


def by_reference(reference: str) -> Case | None:
    return db.session.scalars(select(Case).where(Case.reference == reference)).first()
