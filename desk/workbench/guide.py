"""The case page's guide: which panel holds the case's next step, worked out from its state
and what is still missing, in the order the law needs (identity → proxy → fee → locating
the data → decision → approval → letters). No rule lives here: each fact comes from its
area's service, and the step only says where the officer works next."""

from __future__ import annotations

from dataclasses import dataclass

from desk import catalogue
from desk.cases.models import Case
from desk.decisions import data as decision_data
from desk.decisions import service as decisions
from desk.fees import service as fees
from desk.formatting import format_date
from desk.identity import service as identity
from desk.letters import service as letters


@dataclass(frozen=True)
class Step:
    #: The key of the panel that holds the step (desk.cases.hooks.Panel.key).
    panel: str
    #: What to do, in one sentence (ja, en).
    ja: str
    en: str
    #: Someone's words the step is about, quoted above its form (a supervisor's reason for
    #: returning the decision), with who wrote them and when.
    quote: str | None = None
    quoted_by: int | None = None
    quoted_at: object = None


def _day(day, lang: str) -> str:
    return format_date(day, "short", lang)


def next_step(case: Case, can_approve: bool = False) -> Step | None:
    """The one thing that moves the case on now, or None when nothing is left to do here."""
    status = case.status
    if case.state.closed:
        return None
    if status == "awaiting_fee":
        due = case.requester_due_on
        return Step(
            "fees",
            f"手数料の納付を待っています（期限 {_day(due, 'ja')}）。届いたら入金を記録してください。",
            f"Waiting for the fee (due {_day(due, 'en')}): record the payment when it arrives.",
        )
    if status == "awaiting_documents":
        return Step(
            "documents",
            "書類の提出を待っています。届いたら追加して確認し、「回答を受領した」を記録してください。",
            "Waiting for documents: add and review them when they arrive, then record the reply.",
        )
    if status == "awaiting_clarification":
        return Step(
            "requests",
            "照会への回答を待っています。届いたら受領を記録してください。",
            "Waiting for an answer to the question: record it when it arrives.",
        )
    if status == "awaiting_approval":
        if can_approve:
            return Step(
                "approval",
                "決定を確認し、承認するか理由を添えて差し戻してください。",
                "Review the decision: approve it or return it with a reason.",
            )
        if letters.replies_electronically(case):
            return Step(
                "approval",
                "責任者の承認を待っています。承認されると、回答書を電磁的記録で提供できるようになります。",
                "Waiting for a supervisor's approval: once approved, the reply can be delivered electronically.",
            )
        return Step(
            "approval",
            "責任者の承認を待っています。承認されると回答書が本日の発送に入ります。",
            "Waiting for a supervisor's approval: once approved, the reply goes into the print run.",
        )
    if status == "approved":
        if letters.replies_electronically(case):
            return Step(
                "letters",
                "回答書を電磁的記録で提供してください：発送方法「電子的な方法による提供」で発送を記録すると、依頼者のページに掲載されます。",
                "Deliver the reply electronically: record the dispatch with “Electronic delivery” and it goes on the "
                "requester's page.",
            )
        return Step(
            "letters",
            "印刷待ちの回答書を印刷して発送し、発送を記録してください。",
            "Print the reply waiting in the print run, send it, then record the dispatch.",
        )
    if status == "dispatched":
        return Step("letters", "回答書は発送済みです。", "The reply has been sent.")
    if status == "decision_drafted":
        returned = decisions.last_return(case)
        if returned is not None:
            return Step(
                "decision",
                "責任者から差し戻されました。理由を確かめて決定を見直し、もう一度確定してください。",
                "A supervisor returned the decision: read the reason, revise the decision and submit it again.",
                quote=returned.comment,
                quoted_by=returned.approver_id,
                quoted_at=returned.decided_at,
            )
        return Step(
            "decision",
            "すべての請求を決定しました。内容を確かめて「決定を確定」してください。",
            "Every kind is decided: check the decision and submit it.",
        )
    check = identity.verification_of(case)
    if not (check and check.identity_result):
        return Step(
            "identity",
            "本人確認書類を確認し、住所を照合して本人確認を完了してください。",
            "Review the identity documents, compare the addresses and confirm the identity.",
        )
    if case.proxy_kind and not check.proxy_result:
        return Step(
            "proxy",
            "代理権を確認する書類を確認してください。",
            "Review the documents that prove the proxy's authority.",
        )
    if fees.balance(case) > 0:
        return Step(
            "fees",
            "手数料が不足しています。入金を記録するか、不足の通知を作成してください。",
            "The fee is not fully paid: record a payment or queue a shortfall notice.",
        )
    # The search record is what shows the data was located (the table alone does not).
    if any(catalogue.REQUEST_KINDS[i.kind].disclosure for i in case.items) and not decision_data.searches_of(case):
        return Step(
            "data",
            "保有個人データを調査し、調査結果と開示するデータを記録してください。",
            "Locate the data: record where you searched, what you found and the data to disclose.",
        )
    undecided = sum(1 for i in case.items if not i.outcome)
    if undecided:
        return Step(
            "decision",
            f"請求ごとに決定を起案してください（未決定 {undecided}件）。",
            f"Draft a decision for each kind ({undecided} undecided).",
        )
    return Step(
        "decision",
        "すべての請求を決定しました。「決定を確定」してください。"
        if not decisions.needs_approval(case)
        else "すべての請求を決定しました。「決定を確定して責任者の承認に回す」を押してください。",
        "Every kind is decided: submit the decision."
        if not decisions.needs_approval(case)
        else "Every kind is decided: submit it for a supervisor's approval.",
    )
