"""Asking the requester for documents or a clarification, and recording that the answer
arrived. The case waits (its clock paused) from the request to the answer."""

from __future__ import annotations

from datetime import date

from desk.cases.lifecycle import Refused
from desk.cases.models import Case
from desk.cases.service import open_pause, require_day, require_status, transition
from desk.clock import today
from desk.extensions import db
from desk.identity.service import working_state
from desk.text.characters import japanese_sentence

#: What can be asked of the requester -> the state the case waits in.
ASK_STATES = {"documents": "awaiting_documents", "clarification": "awaiting_clarification"}


def ask_requester(case: Case, what: str, due_on: date | None, body: str, *, actor) -> None:
    if what not in ASK_STATES:
        raise Refused("照会の種類を選んでください。", "Choose what to ask for.")
    require_status(case, {"received", "verifying", "in_progress"}, "依頼者への照会を", "ask the requester")
    if due_on is not None and due_on <= today():
        raise Refused("提出期限は明日以降の日付にしてください。", "The due date must be after today.")
    if what == "clarification" and not body.strip():
        raise Refused(
            "お尋ねする内容を入力してください（通知書にそのまま記載されます）。",
            "Write the question: the notice prints it as you write it.",
        )
    if case.language == "en" and japanese_sentence(body):
        raise Refused(
            "この案件のお知らせは英語で作成します。依頼する内容は英語で入力してください（通知書にそのまま記載されます）。",
            "This case's letters are in English: write what you ask in English (the notice prints it as you write it).",
        )
    transition(case, ASK_STATES[what], actor=actor, due_on=due_on, detail={"asked": what})
    # The notice (queued by the letters area on entering the waiting state) prints it.
    open_pause(case).message = body.strip() or None
    db.session.flush()


def reply_received(case: Case, on: date, *, actor) -> None:
    require_status(case, {"awaiting_documents", "awaiting_clarification"}, "回答の受領を記録", "record a reply")
    require_day(case, on, "受領日", "date the reply arrived")
    transition(case, working_state(case), actor=actor, on=on, detail={"reason": "reply"})
