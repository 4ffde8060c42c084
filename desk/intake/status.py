"""The requester's status page: reference + access code in, plain words out."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from wtforms import StringField
from wtforms.validators import InputRequired, Length

from desk import catalogue, settings, throttle
from desk.cases.service import by_reference, open_pause
from desk.extensions import db
from desk.fees.service import balance, kinds_at_stake
from desk.forms import DeskForm
from desk.i18n import lazy, tr
from desk.identity.service import documents_still_needed
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
    "access_code": ("アクセスコード再発行のお知らせ", "Your new access code"),
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
    #: What the desk asked, in the officer's words (the notice prints the same), while waiting.
    asked: str | None
    letters: list[tuple[date, str]]
    closed: bool
    #: How the application came (the way to pay the fee depends on it).
    channel: str = "web"
    #: Documents the requester sent from this page (labels and when), and the form to send
    #: more while the case waits for documents (desk.intake.status_documents).
    sent: list = field(default_factory=list)
    upload: object = None
    limits: object = None
    #: The package of an electronically delivered reply (desk.delivery), if any.
    package: object = None
    #: The case waits for an answer to a question: the page takes it in text.
    answer: object = None
    #: The request can still be withdrawn at the requester's word.
    withdrawable: bool = False
    #: How the principal chose to receive a disclosure (catalogue.DELIVERY_METHODS), if asked.
    delivery_method: str | None = None
    #: Documents the officer found deficient, with the officer's note, while documents are awaited.
    missing: list = field(default_factory=list)
    #: While the fee is awaited: the kinds an unpaid fee would end, and those that go on
    #: without it (the page warns of the first only, as the notice does).
    fee_kinds: list = field(default_factory=list)
    free_kinds: list = field(default_factory=list)


#: Wrong codes an address may give for one reference in a day before it has to wait.
FREE_TRIES = 5
#: The first wait, doubling with each further wrong code from that address, up to MAX_WAIT.
FIRST_WAIT, MAX_WAIT = 30, 3600
#: Wrong codes for one reference in a day (from anywhere) after which its requester is told.
ALERT_AFTER = 20
DAY = 86400


@dataclass
class Wait:
    """The address must wait this many seconds before its next try on this reference."""

    seconds: int


def attempt(reference: str, code: str, address: str) -> StatusView | Wait | None:
    """One try on the status page from `address`.

    Wrong codes slow only the address that gives them: after FREE_TRIES for a reference it
    waits, longer each time, and within its wait is refused without the code being looked
    at. Tries from other addresses are untouched, so the requester is never kept out by
    someone else's guessing. When a reference has had ALERT_AFTER wrong codes in a day, its
    requester is told by e-mail (the reference only). The counting is the same whether or
    not the case exists."""
    reference = clean_reference(reference)
    own = f"status:{reference}:{address}"
    held, until = throttle.peek(own + ":wait")
    if held:
        return Wait(seconds=max(1, int(until - time.time()) + 1))
    found = look_up(reference, code)
    if found is not None:
        throttle.forget(own)
        return found
    wrong = throttle.hit(own, DAY)
    if wrong >= FREE_TRIES:
        throttle.hold(own + ":wait", min(FIRST_WAIT * 2 ** (wrong - FREE_TRIES), MAX_WAIT))
    if throttle.hit(f"status:{reference}", DAY) == ALERT_AFTER:
        _tell_requester(reference)
    return None


def _tell_requester(reference: str) -> bool:
    from desk.intake.service import send_mail

    case = by_reference(reference)
    addressee = case.addressee if case is not None else None
    if addressee is None or not addressee.email:
        return False
    subject, body = guessing_text(reference, case.language)
    return send_mail(case, addressee.email, subject, body, what="status-guessing")


def guessing_text(reference: str, lang: str) -> tuple[str, str]:
    """Subject and body of the e-mail when a reference's code is being guessed: the reference only."""
    desk_name = settings.get("desk_name_en" if lang == "en" else "desk_name")
    business = settings.get("business_name_en" if lang == "en" else "business_name")
    if lang == "en":
        return (
            f"Wrong access codes were entered for your request (reference {reference})",
            f"On our status page, the access code for reference number {reference} has been entered wrongly "
            f"many times today.\n\n"
            f"Nobody has seen your request: the page shows nothing without the right code. Your code still "
            f"works, from your own device, as before. If you did not enter these codes and are worried, "
            f"please contact us.\n\n"
            f"{business}\n{desk_name}  {settings.get('desk_phone')}\n",
        )
    return (
        f"アクセスコードの誤入力がありました（受付番号 {reference}）",
        f"手続きの状況を確認するページで、本日、受付番号 {reference} のアクセスコードが何度も誤って入力されました。\n\n"
        f"正しいアクセスコードがなければ、ページには何も表示されません。お手元のアクセスコードは、"
        f"これまでどおりお使いいただけます。お心当たりがなくご心配な場合は、下記までご連絡ください。\n\n"
        f"{business}\n{desk_name}　電話 {settings.get('desk_phone')}\n",
    )


# The states in which the page asks for a balance still owed.
FEE_SHOWN_WHILE = ("received", "verifying", "in_progress", "awaiting_fee")


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
    from desk.cases import lifecycle
    from desk.delivery.service import state_of
    from desk.intake.status_actions import answer_form

    # Only what is asked now: the balance shows while the fee is what the case waits for, and
    # before anything else is asked (a web applicant pays after sending the form); while we
    # wait for documents or an answer, only those are asked.
    owed = balance(case) if case.status in FEE_SHOWN_WHILE else 0
    fee_kinds, free_kinds = kinds_at_stake(case) if case.status == "awaiting_fee" else ([], [])
    return StatusView(
        reference=case.reference,
        arrived_on=case.arrived_on,
        state=case.state,
        kinds=[catalogue.REQUEST_KINDS[k] for k in case.kinds],
        waiting_documents=case.status == "awaiting_documents",
        fee_owed=owed,
        due_on=case.requester_due_on if case.state.waiting_on_requester else None,
        asked=(pause.message if (pause := open_pause(case)) is not None else None),
        letters=[
            (
                letter.dispatched_on,
                tr(*LETTER_NAMES.get(letter.kind, (letter.kind, letter.kind)))
                # Not posted: put on this page, where it is downloaded.
                + (tr("（このページで提供）", " (on this page)") if letter.dispatch_method == "electronic" else ""),
            )
            for letter in letters
        ],
        closed=not case.is_open,
        channel=case.channel,
        sent=sent_documents(case),
        upload=upload_form(case),
        limits=Limits.from_settings(),
        package=state_of(case),
        answer=answer_form(case),
        withdrawable=case.status in lifecycle.WITHDRAWABLE,
        delivery_method=case.delivery_method,
        # The same list the notice asking for documents prints: only what is still needed.
        missing=[(needed, needed.note) for needed in documents_still_needed(case)]
        if case.status == "awaiting_documents"
        else [],
        fee_kinds=fee_kinds,
        free_kinds=free_kinds,
    )
