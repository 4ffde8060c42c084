"""The requester's status page: reference + access code in, plain words out."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from wtforms import StringField
from wtforms.validators import InputRequired, Length

from desk import catalogue
from desk.cases.service import by_reference
from desk.extensions import db
from desk.fees.service import balance
from desk.forms import DeskForm
from desk.i18n import lazy, tr
from desk.identity.uploads import Limits
from desk.intake import codes
from desk.letters.models import Letter
from desk.text.characters import nfkc

#: Plain names of the letters a requester may receive.
LETTER_NAMES = {
    "ack": ("受付のお知らせ", "Acknowledgement of your request"),
    "shortfall": ("手数料・書類のご案内", "Notice of fee or documents needed"),
    "extension": ("回答期限の延長のお知らせ", "Notice that our answer will take longer"),
    "reply": ("回答書", "Our answer"),
    "lapse": ("手続き終了のお知らせ", "Notice that the request was closed"),
}


class StatusForm(DeskForm):
    reference = StringField(
        lazy("受付番号", "Reference number"),
        validators=[InputRequired(lazy("受付番号を入力してください。", "Enter the reference number.")), Length(max=40)],
    )
    code = StringField(
        lazy("アクセスコード", "Access code"),
        validators=[
            InputRequired(lazy("アクセスコードを入力してください。", "Enter the access code.")),
            Length(max=60),
        ],
    )


def clean_reference(typed: str) -> str:
    text = nfkc(typed)
    text = re.sub(r"[‐‑‒–—―−ー－]", "-", text)
    return re.sub(r"\s+", "", text)[:40]


@dataclass
class StatusView:
    reference: str
    arrived_on: date
    state: object
    kinds: list
    waiting_documents: bool
    fee_owed: int
    due_on: date | None
    letters: list[tuple[date, str]]
    closed: bool
    #: Documents the requester sent from this page (labels and when), and the form to send
    #: more while the case waits for documents (desk.intake.status_documents).
    sent: list = field(default_factory=list)
    upload: object = None
    limits: object = None


def look_up(reference: str, code: str) -> StatusView | None:
    """The case's status, or None for any wrong pair (the same answer, the same work)."""
    reference = clean_reference(reference)
    case = by_reference(reference)
    if not codes.matches(reference, code, case.access_code_hash if case is not None else None):
        return None
    from desk.intake.status_documents import remember

    remember(case)
    return view_of(case)


def view_of(case) -> StatusView:
    """What the status page shows of a case whose reference and code were given."""
    from desk.intake.status_documents import sent_documents, upload_form

    letters = db.session.scalars(
        select(Letter)
        .where(Letter.case_id == case.id, Letter.dispatched_on.is_not(None))
        .order_by(Letter.dispatched_on, Letter.id)
    )
    owed = balance(case) if case.is_open else 0
    return StatusView(
        reference=case.reference,
        arrived_on=case.arrived_on,
        state=case.state,
        kinds=[catalogue.REQUEST_KINDS[k] for k in case.kinds],
        waiting_documents=case.status == "awaiting_documents",
        fee_owed=owed,
        due_on=case.requester_due_on if case.state.waiting_on_requester else None,
        letters=[
            (letter.dispatched_on, tr(*LETTER_NAMES.get(letter.kind, (letter.kind, letter.kind)))) for letter in letters
        ],
        closed=not case.is_open,
        sent=sent_documents(case),
        upload=upload_form(case),
        limits=Limits.from_settings(),
    )
