"""The case service: the only way a case is created or changes state.

Every change checks the lifecycle table, writes an audit event and recomputes the
deadlines from the stored events. Domain code flushes; the request (or command) commits.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date

from sqlalchemy import bindparam, select, update

from desk import catalogue, settings
from desk.audit.service import record
from desk.cases import deadlines, hooks, lifecycle
from desk.cases.lifecycle import Refused, TransitionRefused
from desk.cases.models import Case, CaseExtension, CaseNote, CasePause
from desk.clock import now, today
from desk.extensions import db
from desk.text.characters import japanese_sentence


def require_status(case: Case, allowed, ja_action: str, en_action: str) -> None:
    """Refuse an action the case's state does not allow, naming the action and the state."""
    if case.status not in allowed:
        state = lifecycle.STATES[case.status]
        raise Refused(
            f"状態「{state.ja}」の案件では{ja_action}できません。",
            f"You cannot {en_action} while the case is “{state.en}”.",
        )


#: Which pause reason each waiting state stands for.
PAUSE_REASONS = {"awaiting_fee": "fee", "awaiting_documents": "documents", "awaiting_clarification": "clarification"}


def require_day(case: Case, day: date, ja_what: str, en_what: str) -> None:
    """Refuse a date that cannot be: before the request arrived, or after today."""
    if day < case.arrived_on:
        raise Refused(
            f"{ja_what}に、請求の到達日（{case.arrived_on.isoformat()}）より前の日付は入力できません。",
            f"The {en_what} cannot be before the request arrived ({case.arrived_on.isoformat()}).",
        )
    if day > today():
        raise Refused(f"{ja_what}に未来の日付は入力できません。", f"The {en_what} cannot be in the future.")


def new_reference(case: Case) -> str:
    """A reference unique across app servers: the year of arrival and the row id."""
    return f"{case.arrived_on.year}-{case.id:06d}"


def open_case(
    *, channel: str, arrived_on: date, language: str = "ja", actor=None, audited: bool = True, **fields
) -> Case:
    """Create a case in state "received". People, items and documents may be given in
    `fields` (requesters=[...], items=[...], documents=[...]): they are then inserted by the
    same flush that assigns the reference, and nothing has to be read back.

    With `audited=False` the caller records the case's opening itself, as intake does in
    its one "intake.submitted" event (to status "received"): one append, not two saying
    the same thing."""
    case = Case(
        channel=channel,
        arrived_on=arrived_on,
        language=language,
        status="received",
        statutory_horizon_on=deadlines.statutory_horizon(arrived_on),
        reference="tmp-" + secrets.token_hex(8),
        **fields,
    )
    db.session.add(case)
    db.session.flush()
    case.reference = new_reference(case)
    # A case opened a moment ago has no pause and no extension to read back.
    recompute_deadlines(case, pauses=[], extended=0)
    if audited:
        record("case.opened", actor=actor, case=case, to_status="received", detail={"channel": channel})
    return case


def pauses_of(case: Case) -> list[CasePause]:
    if case.id is None:
        return []
    return list(
        db.session.scalars(
            select(CasePause).where(CasePause.case_id == case.id).order_by(CasePause.started_on, CasePause.id)
        )
    )


def open_pause(case: Case) -> CasePause | None:
    """The pause the case is in (what it waits for from the requester), if any."""
    return next((p for p in pauses_of(case) if p.ended_on is None), None)


def extension_days(case: Case) -> int:
    if case.id is None:
        return 0
    return sum(db.session.scalars(select(CaseExtension.business_days).where(CaseExtension.case_id == case.id)))


def recompute_deadlines(case: Case, *, pauses: list | None = None, extended: int | None = None) -> None:
    """Derive every stored deadline of the case from its arrival, pauses and extensions
    (read from the database unless the caller knows them, as open_case does)."""
    pauses = pauses_of(case) if pauses is None else pauses
    extended = extension_days(case) if extended is None else extended
    case.statutory_horizon_on = deadlines.statutory_horizon(case.arrived_on)
    case.internal_target_on = deadlines.internal_target(
        case.arrived_on,
        int(settings.get("target_business_days")) + extended,
        settings.closed_days(),
        [deadlines.Pause(p.started_on, p.ended_on) for p in pauses],
        # The horizon is a hard outer limit: only a paused clock or an extension the
        # requester was told of moves the target past it.
        cap=None if pauses or extended else case.statutory_horizon_on,
    )
    open_pause = next((p for p in pauses if p.ended_on is None), None)
    case.requester_due_on = open_pause.due_on if open_pause else None


def transition(
    case: Case,
    to_status: str,
    *,
    actor=None,
    on: date | None = None,
    detail: dict | None = None,
    due_on: date | None = None,
) -> None:
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
        db.session.add(
            CasePause(
                case_id=case.id,
                reason=PAUSE_REASONS[to_status],
                started_on=day,
                due_on=due_on or deadlines.requester_due(day, int(settings.get("requester_due_days"))),
            )
        )
    case.status = to_status
    if to_status in lifecycle.CLOSED and to_status != "disposed":
        case.closed_on = day
    db.session.flush()
    recompute_deadlines(case)
    record("case.transition", actor=actor, case=case, from_status=from_status, to_status=to_status, detail=detail)
    for callback in hooks.of().entering.get(to_status, ()):
        callback(case, actor=actor, on=day)


def move_to(case: Case, target: str, *, actor, detail: dict | None = None) -> None:
    """Walk to `target` through "verifying" when the lifecycle needs a step in between."""
    if case.status == target:
        return
    if not lifecycle.allowed(case.status, target) and lifecycle.allowed(case.status, "verifying"):
        transition(case, "verifying", actor=actor)
    transition(case, target, actor=actor, detail=detail)


_CASES = Case.__table__
#: The move of a closed case, per set of further columns (the disposal job reuses one).
_CLOSED_MOVES: dict[tuple[str, ...], object] = {}


def _closed_move(columns: tuple[str, ...]):
    if columns not in _CLOSED_MOVES:
        _CLOSED_MOVES[columns] = (
            update(_CASES)
            .where(_CASES.c.id == bindparam("the_case"), _CASES.c.status == bindparam("from_status"))
            .values(
                {
                    name: bindparam(f"new_{name}", type_=_CASES.c[name].type)
                    for name in ("status", "updated_at") + columns
                }
            )
        )
    return _CLOSED_MOVES[columns]


def transition_closed(
    case_id: int,
    reference: str,
    from_status: str,
    to_status: str,
    *,
    actor=None,
    on: date | None = None,
    detail: dict | None = None,
    values: dict | None = None,
    connection=None,
    follows: str | None = None,
) -> str:
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
    event = record(
        "case.transition",
        actor=actor,
        case_id=case_id,
        case_reference=reference,
        from_status=from_status,
        to_status=to_status,
        detail=detail,
        connection=connection,
        follows=follows,
    )
    moved = ClosedCase(case_id, reference, to_status)
    for callback in hooks.of().entering.get(to_status, ()):
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
        raise TransitionRefused(
            case.status,
            case.status,
            "この案件は依頼者からの提出を待っていません。",
            "The case is not waiting for the requester.",
        )
    pause.due_on = due_on
    db.session.flush()
    recompute_deadlines(case)


def extend(case: Case, business_days: int, reason: str, *, actor=None, on: date | None = None) -> CaseExtension:
    """Give the desk more business days to answer, for a reason the requester is told
    (the letters area queues the notice: hooks.on_extended)."""
    require_status(case, lifecycle.OPEN - {"approved", "dispatched"}, "期限を延長", "extend the deadline")
    if not reason.strip():
        raise Refused("延長の理由を入力してください。", "Give the reason for the extension.")
    if case.language == "en" and japanese_sentence(reason):
        raise Refused(
            "この案件のお知らせは英語で作成します。延長の理由は英語で入力してください（通知書にそのまま記載されます）。",
            "This case's letters are in English: give the reason in English (the notice prints it as you write it).",
        )
    if business_days < 1:
        raise Refused("延長する日数は1営業日以上にしてください。", "An extension adds at least one business day.")
    extension = CaseExtension(
        case_id=case.id,
        business_days=business_days,
        reason=reason.strip(),
        decided_on=on or today(),
        decided_by_id=getattr(actor, "id", None),
    )
    db.session.add(extension)
    db.session.flush()
    recompute_deadlines(case)
    record("case.extended", actor=actor, case=case, detail={"business_days": business_days})
    for callback in hooks.of().extended:
        callback(case, extension, actor=actor)
    return extension


def assign(case: Case, assignee, *, actor=None) -> None:
    """Give the case to an officer or supervisor (None: nobody)."""
    if not case.is_open:
        raise Refused("完了した案件の担当は変更できません。", "A closed case cannot be reassigned.")
    if assignee is not None and (not assignee.active or assignee.role not in ("officer", "supervisor")):
        raise Refused("この職員には案件を割り当てられません。", "Cases cannot be assigned to this user.")
    case.assignee_id = getattr(assignee, "id", None)
    db.session.flush()
    record("case.assigned", actor=actor, case=case, detail={"assignee_id": case.assignee_id})


def take_if_unassigned(case: Case, *, actor) -> bool:
    """The first piece of work on an unassigned open case gives it to whoever did it (an
    officer or supervisor), so nobody has to assign it first; True when it did."""
    if case.assignee_id is not None or not case.is_open:
        return False
    if not getattr(actor, "active", False) or actor.role not in ("officer", "supervisor"):
        return False
    assign(case, actor, actor=actor)
    return True


def add_note(case: Case, body: str, *, actor) -> CaseNote:
    if case.status == "disposed" or case.disposed_on:
        # Disposal erased the case's personal data; a note now would bring some back.
        raise Refused("保存期間が満了し廃棄した案件にはメモを追加できません。", "A disposed case takes no more notes.")
    note = CaseNote(case_id=case.id, author_id=actor.id, body=body.strip())
    db.session.add(note)
    db.session.flush()
    case.notes.append(note)
    record("case.note_added", actor=actor, case=case, detail={"note_id": note.id})
    return note


def withdraw(case: Case, channel: str, on: date, *, actor) -> None:
    """The requester withdrew the request: the case closes and every kind records it."""
    if channel not in catalogue.CHANNELS:
        raise Refused("取下げの連絡方法を選んでください。", "Choose how the withdrawal reached us.")
    require_status(case, lifecycle.WITHDRAWABLE, "取下げを記録", "record a withdrawal")
    require_day(case, on, "取下げの受領日", "date of the withdrawal")
    transition(case, "withdrawn", actor=actor, on=on, detail={"channel": channel})
    for item in case.items:
        item.outcome = "withdrawn"
        item.grounds = []
    db.session.flush()


def by_reference(reference: str) -> Case | None:
    return db.session.scalars(select(Case).where(Case.reference == reference)).first()
