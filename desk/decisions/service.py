"""Decisions per request kind, the supervisor's approval, and lapse ("treated as not made").

A decision is validated against the catalogue: the outcome must be one of that kind's
outcomes, grounds only those that apply to it (catalogue.grounds_for with the PrivacyMark
setting), and every refusal or partial outcome carries an explanation (Art. 36). Refusals,
partial outcomes and lapses need a supervisor's approval, never the drafter's own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from desk import catalogue, settings
from desk.audit.service import record
from desk.cases import lifecycle, service
from desk.cases.lifecycle import Refused
from desk.cases.models import Case, RequestItem
from desk.cases.service import require_status
from desk.clock import now, today
from desk.decisions.models import Approval
from desk.extensions import db
from desk.identity import service as identity
from desk.letters import service as letters
from desk.letters.models import Letter
from desk.text.characters import japanese_sentence

#: The letter that tells the requester what a pause waits for (and by when).
NOTICE_OF_PAUSE = {"fee": "shortfall", "documents": "shortfall", "clarification": "shortfall"}

DECIDABLE = {"verifying", "in_progress", "decision_drafted"}


class DecisionInvalid(Exception):
    """Field -> (ja, en) messages for the decision form."""

    def __init__(self, errors: dict[str, tuple[str, str]]):
        self.errors = errors
        super().__init__("; ".join(en for _, en in errors.values()))


@dataclass
class Draft:
    outcome: str
    grounds: list[str] = field(default_factory=list)
    explanation: str = ""
    withheld: list[str] = field(default_factory=list)
    corrected: str = ""
    alternative_measure: str = ""
    #: For a granted cessation: catalogue.CESSATION_MEASURES codes (stopped using, erased, or both).
    measures: list[str] = field(default_factory=list)
    paper_instead: bool = False
    fallback_to_paper_reason: str = ""


def grounds_offered(item: RequestItem) -> list[catalogue.RefusalGround]:
    return catalogue.grounds_for(item.kind, bool(settings.get("privacy_mark_mode")))


def outcomes_offered(item: RequestItem) -> list[catalogue.Outcome]:
    return [catalogue.OUTCOMES[c] for c in catalogue.REQUEST_KINDS[item.kind].outcomes]


def decide(item: RequestItem, draft: Draft, *, actor) -> None:
    case = item.case
    require_status(case, DECIDABLE, "決定を起案", "draft a decision")
    kind = catalogue.REQUEST_KINDS[item.kind]
    errors: dict[str, tuple[str, str]] = {}
    if draft.outcome not in kind.outcomes:
        errors["outcome"] = ("この請求の種類で選べる決定を選んでください。", "Choose an outcome this kind allows.")
        raise DecisionInvalid(errors)
    outcome = catalogue.OUTCOMES[draft.outcome]
    allowed = {g.code for g in grounds_offered(item)}
    if any(g not in allowed for g in draft.grounds):
        errors["grounds"] = (
            "この請求の種類に当てはまらない理由が含まれています。",
            "A ground that does not apply to this kind was chosen.",
        )
    elif (outcome.refusal or draft.outcome == "partly_disclosed") and not draft.grounds:
        errors["grounds"] = ("不開示・不実施の理由を1つ以上選んでください。", "Choose at least one ground.")
    if outcome.needs_explanation and not draft.explanation.strip():
        errors["explanation"] = ("理由の説明を入力してください（法第36条）。", "Explain the reasons (Art. 36).")
    if draft.outcome in ("disclosed", "partly_disclosed") and not _has_disclosed_data(item):
        errors["outcome"] = (
            "開示するデータがまだ記録されていません。「データの調査」で開示する表を入力するか、ファイルを添付してから決定してください。",
            "No data to disclose has been recorded yet: enter the table or attach the files under "
            "“Locating the data” first.",
        )
    if draft.outcome == "partly_disclosed" and not draft.withheld:
        errors["withheld"] = ("開示しない項目を入力してください。", "List the items withheld.")
    if draft.outcome == "corrected" and not draft.corrected.strip():
        errors["corrected"] = ("訂正等の内容を入力してください。", "Say what was corrected.")
    measures_asked = draft.outcome == "done" and item.kind == "cessation"
    if measures_asked and (not draft.measures or any(m not in catalogue.CESSATION_MEASURES for m in draft.measures)):
        errors["measures"] = (
            "実施した措置（利用の停止・消去）を選んでください。回答書に記載します。",
            "Choose what was done (use stopped, erased): the reply says so.",
        )
    if draft.outcome == "alternative_measure" and not draft.alternative_measure.strip():
        errors["alternative_measure"] = ("代替措置の内容を入力してください。", "Describe the alternative measure.")
    if case.language == "en":
        # The reply prints these as they are typed: an English letter carries no Japanese
        # sentences (a name or an address in Japanese is fine).
        for name in ("explanation", "corrected", "alternative_measure", "fallback_to_paper_reason", "withheld"):
            value = getattr(draft, name)
            if japanese_sentence("\n".join(value) if isinstance(value, list) else value):
                errors[name] = (
                    "この案件の回答書は英語で作成します。回答書に記載される文章は英語で入力してください。",
                    "This case is answered in English: write the text the reply prints in English.",
                )
    paper_fallback = draft.paper_instead and kind.disclosure and case.delivery_method == "electronic"
    if paper_fallback and not draft.fallback_to_paper_reason.strip():
        errors["fallback_to_paper_reason"] = (
            "書面で交付する理由を入力してください。",
            "Give the reason for delivering on paper instead.",
        )
    if errors:
        raise DecisionInvalid(errors)
    details = {k: v for k, v in (item.details or {}).items() if k == "disclosed"}
    if draft.outcome == "partly_disclosed":
        details["withheld"] = draft.withheld
    if draft.outcome == "corrected":
        details["corrected"] = draft.corrected.strip()
    if draft.outcome == "alternative_measure":
        details["alternative_measure"] = draft.alternative_measure.strip()
    if measures_asked:
        details["measures"] = [m for m in catalogue.CESSATION_MEASURES if m in draft.measures]
    if paper_fallback:
        details["fallback_to_paper_reason"] = draft.fallback_to_paper_reason.strip()
    item.outcome = draft.outcome
    item.grounds = list(draft.grounds) if (outcome.refusal or outcome.partial) else []
    item.explanation = draft.explanation.strip() or None
    item.details = details
    item.decided_by_id, item.decided_at = actor.id, now()
    db.session.flush()
    record(
        "decision.drafted",
        actor=actor,
        case=case,
        detail={"item_id": item.id, "kind": item.kind, "outcome": item.outcome, "grounds": item.grounds},
    )


def draft_refusal(case: Case, ground: str, *, actor) -> None:
    """Every undecided kind becomes a refusal on `ground`, drafted for approval."""
    for item in case.items:
        kind = catalogue.REQUEST_KINDS[item.kind]
        if item.outcome is None or item.outcome not in kind.outcomes:
            item.outcome = next(c for c in kind.outcomes if catalogue.OUTCOMES[c].refusal)
            item.grounds = [ground]
            item.explanation = catalogue.REFUSAL_GROUNDS[ground].letter(case.language)
            item.decided_by_id, item.decided_at = actor.id, now()
    db.session.flush()
    service.move_to(case, "decision_drafted", actor=actor, detail={"ground": ground})


def refuse_unidentified(case: Case, *, actor) -> None:
    """The principal cannot be identified: recorded, and every kind drafted as refused."""
    identity.record_unidentified(case, actor=actor)
    draft_refusal(case, "unidentified", actor=actor)


def refuse_proxy_unconfirmed(case: Case, *, actor) -> None:
    """The proxy's authority cannot be confirmed: recorded, and every kind drafted as refused."""
    identity.record_proxy_unconfirmed(case, actor=actor)
    draft_refusal(case, "proxy_unconfirmed", actor=actor)


def _has_disclosed_data(item: RequestItem) -> bool:
    """Art. 33: a disclosure discloses something: rows recorded for the item, or files
    attached to the case as disclosed data."""
    if (item.details or {}).get("disclosed"):
        return True
    return any(d.kind == "disclosed_data" and d.destroyed_at is None for d in item.case.documents)


def needs_approval(case: Case) -> bool:
    """Whether the decision goes to a supervisor. A kind that lapsed for the unpaid fee was
    approved as a lapse already (approve_lapse is the only way an item lapses): it asks for
    no second approval of the kinds that went on."""
    return any(
        item.outcome and item.outcome != "lapsed" and catalogue.OUTCOMES[item.outcome].needs_approval
        for item in case.items
    )


def submit(case: Case, *, actor) -> None:
    """The draft is complete: to a supervisor when the outcome needs one, else approved."""
    require_status(case, {"verifying", "in_progress", "decision_drafted"}, "決定を確定", "submit the decision")
    undecided = [i for i in case.items if i.outcome is None]
    if undecided:
        raise Refused(
            "決定していない請求があります。すべての種類について決定を入力してください。",
            "Some request kinds have no decision yet.",
        )
    if case.status != "decision_drafted":
        service.transition(case, "decision_drafted", actor=actor)
    if needs_approval(case):
        db.session.add(Approval(case_id=case.id, drafter_id=actor.id))
        service.transition(case, "awaiting_approval", actor=actor)
    else:
        service.transition(case, "approved", actor=actor, detail={"approval": "not_required"})


def pending_approval(case: Case, kind: str = "decision") -> Approval | None:
    return db.session.scalars(
        select(Approval)
        .where(Approval.case_id == case.id, Approval.kind == kind, Approval.result == "pending")
        .order_by(Approval.id.desc())
    ).first()


def drafters(case: Case) -> set[int]:
    ids = {item.decided_by_id for item in case.items if item.decided_by_id}
    approval = pending_approval(case)
    if approval and approval.drafter_id:
        ids.add(approval.drafter_id)
    return ids


def _decide_approval(case: Case, result: str, to_status: str, *, actor, comment: str | None = None) -> None:
    require_status(case, {"awaiting_approval"}, "承認", "approve or return the decision")
    if actor.id in drafters(case):
        raise Refused(
            "自分が起案した決定は承認できません。別の責任者の承認が必要です。",
            "You drafted this decision: another supervisor must approve it.",
        )
    approval = pending_approval(case) or Approval(case_id=case.id)
    db.session.add(approval)
    approval.result, approval.approver_id, approval.decided_at = result, actor.id, now()
    approval.comment = comment
    detail = {"approval": result} | ({"comment": comment} if comment else {})
    service.transition(case, to_status, actor=actor, detail=detail)


def approve(case: Case, *, actor) -> None:
    """The supervisor agrees; entering "approved" queues the reply letter (desk.letters)."""
    _decide_approval(case, "approved", "approved", actor=actor)


def return_for_revision(case: Case, comment: str = "", *, actor) -> None:
    """Back to the drafter, always with the reason, which the case page shows them."""
    if not (comment or "").strip():
        raise Refused(
            "差し戻す理由を入力してください。起案者に表示されます。",
            "Give the reason for returning the decision: the drafter sees it.",
        )
    _decide_approval(case, "returned", "decision_drafted", actor=actor, comment=comment.strip())


def last_return(case: Case) -> Approval | None:
    """The latest return of a decision, while the case is back with its drafter."""
    if case.status != "decision_drafted":
        return None
    latest = db.session.scalars(
        select(Approval).where(Approval.case_id == case.id, Approval.kind == "decision").order_by(Approval.id.desc())
    ).first()
    return latest if latest is not None and latest.result == "returned" else None


@dataclass
class Waiting:
    """One thing waiting for a supervisor: a decision to approve or a lapse to agree to."""

    approval: Approval
    case: Case
    drafter_id: int | None

    @property
    def kind(self) -> str:
        return self.approval.kind


def waiting_for_approval(limit: int = 200) -> list[Waiting]:
    """Every decision and lapse that waits for a supervisor, oldest first: decisions of
    cases awaiting approval, and lapses proposed on cases still waiting on the requester."""
    rows = db.session.execute(
        select(Approval, Case)
        .join(Case, Case.id == Approval.case_id)
        .where(
            Approval.result == "pending",
            (
                (Approval.kind == "decision") & (Case.status == "awaiting_approval")
                | (Approval.kind == "lapse") & Case.status.in_(sorted(lifecycle.WAITING))
            ),
        )
        .order_by(Approval.submitted_at, Approval.id)
        .limit(limit)
    ).all()
    return [Waiting(approval, case, approval.drafter_id) for approval, case in rows]


# --------------------------------------------------------------------------- lapse


def overdue_waiting_cases(as_of: date) -> list[Case]:
    return list(
        db.session.scalars(
            select(Case)
            .where(Case.status.in_(sorted(lifecycle.WAITING)), Case.requester_due_on < as_of)
            .order_by(Case.requester_due_on, Case.id)
        )
    )


def lapse(case: Case, reason: str, *, actor, on: date) -> None:
    """Treat the request as not made for what the missing thing was owed for.

    An unpaid fee ends only the kinds that carry one (settings "fee_kinds"): the free
    kinds (correction, cessation, stop-provision) of the same application go on, and the
    case resumes work on them. Missing documents or a missing answer end the whole
    application: the case closes as lapsed. Either way every kind ended records the lapse
    (with the unpaid-fee ground), and the letters area queues the lapse notice."""
    undecided = [item for item in case.items if item.outcome is None]
    fee_kinds = set(settings.get("fee_kinds"))
    ended = [item for item in undecided if item.kind in fee_kinds] if reason == "fee" else undecided
    going_on = [item for item in undecided if item not in ended]
    for item in ended:
        item.outcome = "lapsed"
        item.grounds = ["fee_unpaid"] if reason == "fee" else []
    db.session.flush()
    detail = {"reason": reason, "lapsed_kinds": [item.kind for item in ended]}
    if going_on:
        service.transition(case, identity.working_state(case), actor=actor, on=on, detail=detail)
        letters.queue(case, "lapse", actor=actor)
    else:
        service.transition(case, "lapsed", actor=actor, on=on, detail=detail)


def notice_sent(case: Case) -> bool:
    """Whether the notice that set the requester's due date was sent: a lapse may follow
    only a request the requester was told of."""
    pause = service.open_pause(case)
    if pause is None:
        return False
    return (
        db.session.scalar(
            select(Letter.id).where(
                Letter.case_id == case.id,
                Letter.kind == NOTICE_OF_PAUSE[pause.reason],
                Letter.dispatched_on.is_not(None),
                Letter.dispatched_on >= pause.started_on,
            )
        )
        is not None
    )


@dataclass
class LapseRound:
    """What one run of propose_lapses found."""

    #: References proposed to a supervisor.
    proposed: list[str] = field(default_factory=list)
    #: Overdue, but the notice that set the due date was never sent: nothing proposed.
    notice_not_sent: list[str] = field(default_factory=list)


def propose_lapses(as_of: date, *, dry_run: bool = False) -> LapseRound:
    """Every case whose fee, documents or answer did not arrive by the due date, after a
    notice that was sent, goes to a supervisor, who either treats the request as not made
    (approve_lapse) or gives the requester a new due date. Nothing lapses without that
    approval. Each case is proposed once and commits on its own; with `dry_run` nothing
    is written."""
    found = LapseRound()
    for case in overdue_waiting_cases(as_of):
        if db.session.scalar(select(Approval.id).where(Approval.case_id == case.id, Approval.pending_lapse())):
            continue
        if not notice_sent(case):
            found.notice_not_sent.append(case.reference)
            continue
        found.proposed.append(case.reference)
        if dry_run:
            continue
        reason = case.status.removeprefix("awaiting_")
        db.session.add(Approval(case_id=case.id, kind="lapse", reason=reason))
        record("lapse.proposed", case=case, detail={"reason": reason, "due_on": case.requester_due_on.isoformat()})
        db.session.commit()
    return found


def pending_lapse(case: Case) -> Approval | None:
    """The daily job's proposal to treat the request as not made, while it stands."""
    if case.status not in lifecycle.WAITING:
        return None
    return pending_approval(case, "lapse")


def _lapse_in_question(case: Case) -> Approval:
    approval = pending_lapse(case)
    if approval is None:
        raise Refused(
            "この案件には承認待ちの「請求なしとして終了」の提案がありません。",
            "There is no proposed lapse waiting for approval on this case.",
        )
    return approval


def approve_lapse(case: Case, *, actor) -> None:
    """The supervisor agrees: the request is treated as not made and the lapse letter
    queued. The daily job proposed it, so any supervisor may approve."""
    approval = _lapse_in_question(case)
    approval.result, approval.approver_id, approval.decided_at = "approved", actor.id, now()
    lapse(case, approval.reason or case.status.removeprefix("awaiting_"), actor=actor, on=today())


def return_lapse(case: Case, due_on: date | None, *, actor) -> None:
    """The supervisor does not agree (the payment is in the post, the requester asked for
    time): the requester gets until `due_on`, and the case stays waiting."""
    approval = _lapse_in_question(case)
    if due_on is None or due_on <= today():
        raise Refused("新しい期限には明日以降の日付を入力してください。", "Give a new due date after today.")
    approval.result, approval.approver_id, approval.decided_at = "returned", actor.id, now()
    service.change_requester_due(case, due_on)
    record("lapse.returned", actor=actor, case=case, detail={"approval_id": approval.id, "due_on": due_on.isoformat()})


def supersede_lapse(case: Case, **_) -> None:
    """The case moved (what was owed arrived, it was withdrawn, or it waits for something
    else now): a lapse proposed earlier is no longer in question. Runs on entering every
    state a waiting case can move to except "lapsed" (see desk.decisions.register)."""
    for approval in db.session.scalars(select(Approval).where(Approval.case_id == case.id, Approval.pending_lapse())):
        approval.result, approval.decided_at = "superseded", now()


def reopen(case: Case, *, actor) -> None:
    """Back from a drafted decision to the search, to change it."""
    require_status(case, {"decision_drafted"}, "起案を取り消", "reopen the draft")
    service.transition(case, "in_progress", actor=actor)
