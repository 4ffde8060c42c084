"""The lifecycle of a case: its states and the transitions allowed between them.

Pure data and pure functions, no Flask: the service in desk/cases/service.py is the only
caller that changes a case's state, and it asks here first.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class State:
    code: str
    ja: str
    en: str
    #: Plain words for the requester's status page.
    public_ja: str
    public_en: str
    #: The internal clock stops while the desk waits for the requester.
    waiting_on_requester: bool = False
    #: No more work happens on the case (it may still be disposed later).
    closed: bool = False

    def label(self, lang: str) -> str:
        return self.en if lang == "en" else self.ja

    def public_label(self, lang: str) -> str:
        return self.public_en if lang == "en" else self.public_ja


_STATES = [
    State("received", "受付", "Received", "受け付けました", "Received"),
    State(
        "awaiting_fee",
        "手数料待ち",
        "Awaiting fee",
        "手数料のお支払いをお待ちしています",
        "Waiting for your fee",
        waiting_on_requester=True,
    ),
    State(
        "awaiting_documents",
        "書類待ち",
        "Awaiting documents",
        "書類のご提出をお待ちしています",
        "Waiting for documents from you",
        waiting_on_requester=True,
    ),
    State(
        "awaiting_clarification",
        "照会中",
        "Awaiting clarification",
        "ご請求内容の確認をお願いしています",
        "Waiting for your answer to our question",
        waiting_on_requester=True,
    ),
    State("verifying", "本人確認中", "Verifying identity", "ご本人確認をしています", "Checking identity"),
    State("in_progress", "調査中", "In progress", "調査・対応をしています", "Being handled"),
    State("decision_drafted", "決定起案済", "Decision drafted", "回答を準備しています", "Preparing our answer"),
    State("awaiting_approval", "承認待ち", "Awaiting approval", "回答を準備しています", "Preparing our answer"),
    State(
        "approved",
        "承認済・発送待ち",
        "Approved, to dispatch",
        "回答を発送する準備をしています",
        "Our answer is about to be sent",
    ),
    State("dispatched", "発送済", "Dispatched", "回答を発送しました", "Our answer has been sent"),
    State("completed", "完了", "Completed", "対応を完了しました", "Completed", closed=True),
    State("withdrawn", "取下げ", "Withdrawn", "ご請求は取り下げられました", "Withdrawn", closed=True),
    State(
        "lapsed",
        "請求なしとして終了",
        "Lapsed (treated as not made)",
        "期限までにお手続きがなかったため、ご請求はなかったものとして取り扱いました",
        "Closed: treated as not made because what we asked for did not arrive in time",
        closed=True,
    ),
    State(
        "not_a_request",
        "法定の請求に当たらないため終了",
        "Closed: not a statutory request",
        "法律上の請求に当たらないため、お問い合わせとしてお受けしています",
        "Not a request under the Act: we are handling it as an inquiry",
        closed=True,
    ),
    State(
        "disposed",
        "廃棄済",
        "Disposed",
        "保存期間が満了し、書類を廃棄しました",
        "The retention period has ended and the documents were destroyed",
        closed=True,
    ),
]
STATES: dict[str, State] = {s.code: s for s in _STATES}

WAITING = frozenset(s.code for s in _STATES if s.waiting_on_requester)
CLOSED = frozenset(s.code for s in _STATES if s.closed)
OPEN = frozenset(STATES) - CLOSED
#: States from which a case can still be withdrawn at the requester's word.
WITHDRAWABLE = OPEN - {"dispatched"}

_WORK = {"received", "verifying", "in_progress"}

#: from-state -> the states it may move to.
TRANSITIONS: dict[str, frozenset[str]] = {
    "received": frozenset(WAITING | {"verifying", "in_progress"}),
    "awaiting_fee": frozenset((WAITING - {"awaiting_fee"}) | _WORK | {"lapsed"}),
    "awaiting_documents": frozenset((WAITING - {"awaiting_documents"}) | _WORK | {"lapsed"}),
    "awaiting_clarification": frozenset((WAITING - {"awaiting_clarification"}) | _WORK | {"lapsed"}),
    "verifying": frozenset(WAITING | {"in_progress", "decision_drafted"}),
    "in_progress": frozenset(WAITING | {"verifying", "decision_drafted"}),
    "decision_drafted": frozenset({"in_progress", "awaiting_approval", "approved"}),
    "awaiting_approval": frozenset({"approved", "decision_drafted"}),
    "approved": frozenset({"dispatched", "decision_drafted"}),
    "dispatched": frozenset({"completed"}),
    "completed": frozenset({"disposed"}),
    "withdrawn": frozenset({"disposed"}),
    "lapsed": frozenset({"disposed"}),
    "not_a_request": frozenset({"disposed"}),
    "disposed": frozenset(),
}
for _state in WITHDRAWABLE:
    TRANSITIONS[_state] = TRANSITIONS[_state] | {"withdrawn"}


@dataclass(frozen=True)
class Conversion:
    """A way between a case and an inquiry (desk.inquiries carries it out)."""

    code: str
    #: The case's states it can start from.
    from_states: frozenset[str]
    #: The state the case enters (a new case from an inquiry starts in it).
    to_state: str
    #: Every request kind of the case takes this outcome (kept after disposal).
    item_outcome: str | None = None
    #: A fee received is returned, and nothing is owed.
    keeps_fee: bool = True
    #: Whether the case still counts in the register of requests and the dashboard.
    in_register: bool = True


#: An inquiry that turns out to be a statutory request opens a case; a case that turns out
#: not to be one (about a deceased person, by a third party, …) closes into an inquiry
#: before its reply is sent: no fee kept, out of the register of requests.
CONVERSIONS: dict[str, Conversion] = {
    c.code: c
    for c in [
        Conversion("inquiry_to_case", frozenset(), "received"),
        Conversion(
            "case_to_inquiry",
            frozenset(WITHDRAWABLE),
            "not_a_request",
            item_outcome="not_a_request",
            keeps_fee=False,
            in_register=False,
        ),
    ]
}
#: Outcomes whose case has left the register of requests (they outlive disposal).
OUT_OF_REGISTER_OUTCOMES = frozenset(
    c.item_outcome for c in CONVERSIONS.values() if not c.in_register and c.item_outcome
)
for _conversion in CONVERSIONS.values():
    for _state in _conversion.from_states:
        TRANSITIONS[_state] = TRANSITIONS[_state] | {_conversion.to_state}


class Refused(Exception):
    """An action on a case that its state or the rules do not allow; the message, in both
    languages, is for the officer. Every area raises it (or a subclass), so a screen needs
    to catch one kind of refusal."""

    def __init__(self, ja: str, en: str):
        self.ja, self.en = ja, en
        super().__init__(en)

    def message(self, lang: str) -> str:
        return self.en if lang == "en" else self.ja


class TransitionRefused(Refused):
    """A transition the lifecycle table forbids."""

    def __init__(self, from_state: str, to_state: str, reason_ja: str | None = None, reason_en: str | None = None):
        self.from_state, self.to_state = from_state, to_state
        src, dst = STATES.get(from_state), STATES.get(to_state)
        super().__init__(
            reason_ja
            or f"状態「{src.ja if src else from_state}」から「{dst.ja if dst else to_state}」へは移れません。",
            reason_en
            or f"A case cannot move from “{src.en if src else from_state}” to “{dst.en if dst else to_state}”.",
        )


def allowed(from_state: str, to_state: str) -> bool:
    return to_state in TRANSITIONS.get(from_state, frozenset())


def check(from_state: str, to_state: str) -> None:
    if to_state not in STATES:
        raise TransitionRefused(from_state, to_state, f"未知の状態です: {to_state}", f"Unknown state: {to_state}")
    if not allowed(from_state, to_state):
        raise TransitionRefused(from_state, to_state)


def next_states(from_state: str) -> list[State]:
    return [STATES[c] for c in STATES if c in TRANSITIONS.get(from_state, ())]
