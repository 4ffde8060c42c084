"""The inquiry service: the only way an inquiry is recorded, answered, closed, turned into a
case or made from one, and disposed of. Every change is audited (codes and the reference
only); domain code flushes, the request (or command) commits."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date

from dateutil.relativedelta import relativedelta
from sqlalchemy import select

from desk import catalogue as desk_catalogue
from desk import settings
from desk.audit.service import record
from desk.cases import deadlines, lifecycle
from desk.cases import service as cases
from desk.cases.lifecycle import Refused
from desk.cases.models import Case
from desk.cases.search import name_key, phone_key
from desk.clock import today
from desk.extensions import db
from desk.fees.service import refund_all
from desk.identity.uploads import CheckedFile
from desk.inquiries.catalogue import ANSWER_CHANNELS, CATEGORIES, CHANNELS, STATES, TRANSITIONS
from desk.inquiries.models import Inquiry, InquiryAttachment, InquiryCase
from desk.retention.schedule import disposal_due
from desk.storage import service as storage

REPLY_KIND = "inquiry_reply"


@dataclass
class Particulars:
    """What an inquiry says when it arrives; everything about the person is optional."""

    category: str
    matter: str
    channel: str = "web"
    received_on: date | None = None
    language: str = "ja"
    name: str | None = None
    email: str | None = None
    phone: str | None = None
    postal_code: str | None = None
    address: str | None = None


def _audit(action: str, inquiry: Inquiry, *, actor=None, detail: dict | None = None, **kwargs) -> None:
    """Inquiry events name the inquiry by its reference (never a person) and its id."""
    db.session.flush()
    record(
        action,
        actor=actor,
        case_reference=inquiry.reference,
        detail={"inquiry_id": inquiry.id, **(detail or {})},
        **kwargs,
    )


def answer_due(received_on: date) -> date:
    """The day an answer is due: `inquiry_answer_days` business days after arrival."""
    return deadlines.internal_target(received_on, int(settings.get("inquiry_answer_days")), settings.closed_days())


def _move(inquiry: Inquiry, to_status: str) -> str:
    from_status = inquiry.status
    if to_status not in TRANSITIONS.get(from_status, frozenset()):
        raise Refused(
            f"状態「{STATES[from_status].ja}」のお問い合わせは「{STATES[to_status].ja}」にできません。",
            f"An inquiry that is “{STATES[from_status].en}” cannot become “{STATES[to_status].en}”.",
        )
    inquiry.status = to_status
    return from_status


def _require_open(inquiry: Inquiry, ja: str, en: str) -> None:
    if not inquiry.is_open:
        raise Refused(f"終了したお問い合わせには{ja}できません。", f"You cannot {en} a closed inquiry.")


def receive(
    particulars: Particulars, files: list[CheckedFile] | None = None, *, actor=None, added_by: str = "staff"
) -> Inquiry:
    """Record an inquiry (web form or staff registration) with its files, encrypted."""
    if particulars.category not in CATEGORIES:
        raise Refused("お問い合わせの種類を選んでください。", "Choose what the inquiry is about.")
    if particulars.channel not in CHANNELS:
        raise Refused("受付経路を選んでください。", "Choose the channel.")
    matter = (particulars.matter or "").strip()
    if not matter:
        raise Refused("お問い合わせの内容を入力してください。", "Write what the inquiry is about.")
    received_on = particulars.received_on or today()
    if received_on > today():
        raise Refused("受付日に未来の日付は指定できません。", "The date received cannot be in the future.")
    inquiry = Inquiry(
        reference="tmp-" + secrets.token_hex(8),
        channel=particulars.channel,
        received_on=received_on,
        language=particulars.language if particulars.language in ("ja", "en") else "ja",
        category=particulars.category,
        status="open",
        name=particulars.name or None,
        name_key=name_key(particulars.name) if particulars.name else None,
        email=particulars.email or None,
        phone=particulars.phone or None,
        phone_key=phone_key(particulars.phone) if particulars.phone else None,
        postal_code=particulars.postal_code or None,
        address=particulars.address or None,
        matter=matter,
        due_on=answer_due(received_on),
    )
    db.session.add(inquiry)
    db.session.flush()
    inquiry.reference = f"Q{received_on.year}-{inquiry.id:06d}"
    for checked in files or []:
        _attach(inquiry, checked, added_by)
    _audit(
        "inquiry.received",
        inquiry,
        actor=actor,
        to_status="open",
        detail={"category": inquiry.category, "channel": inquiry.channel, "files": len(files or [])},
        actor_kind=None if actor is not None else "public",
    )
    return inquiry


def _attach(inquiry: Inquiry, checked: CheckedFile, added_by: str) -> InquiryAttachment:
    attachment = InquiryAttachment(inquiry_id=inquiry.id, added_by=added_by)
    storage.store(attachment, checked.data, checked.media_type)
    db.session.add(attachment)
    db.session.flush()
    return attachment


def attach(inquiry: Inquiry, checked: CheckedFile, *, actor) -> InquiryAttachment:
    _require_not_disposed(inquiry)
    attachment = _attach(inquiry, checked, "staff")
    _audit("inquiry.attachment_added", inquiry, actor=actor, detail={"attachment_id": attachment.id})
    return attachment


def read_attachment(attachment: InquiryAttachment, *, actor) -> bytes:
    data = storage.read(attachment)
    _audit("inquiry.attachment_viewed", attachment.inquiry, actor=actor, detail={"attachment_id": attachment.id})
    return data


def _require_not_disposed(inquiry: Inquiry) -> None:
    if inquiry.status == "disposed":
        raise Refused("保存期間が満了し廃棄したお問い合わせです。", "This inquiry has been disposed of.")


def assign(inquiry: Inquiry, assignee, *, actor) -> None:
    _require_open(inquiry, "担当者を設定", "assign")
    if assignee is not None and (not assignee.active or assignee.role not in ("officer", "supervisor")):
        raise Refused("この職員には割り当てられません。", "Inquiries cannot be assigned to this user.")
    inquiry.assignee_id = getattr(assignee, "id", None)
    _audit("inquiry.assigned", inquiry, actor=actor, detail={"assignee_id": inquiry.assignee_id})


def _require_answer_day(inquiry: Inquiry, on: date) -> None:
    if on < inquiry.received_on:
        raise Refused(
            "回答日に受付日より前の日付は指定できません。", "The answer cannot be before the inquiry arrived."
        )
    if on > today():
        raise Refused("回答日に未来の日付は指定できません。", "The answer date cannot be in the future.")


def _answered(inquiry: Inquiry, text: str, on: date, channel: str) -> str:
    from_status = _move(inquiry, "answered")
    inquiry.answer, inquiry.answered_on, inquiry.answer_channel = text, on, channel
    if inquiry.first_answered_on is None:
        inquiry.first_answered_on = on
    return from_status


def record_answer(inquiry: Inquiry, text: str, on: date, channel: str, *, actor) -> None:
    """An answer given by phone, e-mail or at the counter, as the officer records it."""
    _require_open(inquiry, "回答を記録", "record an answer to")
    if channel not in ANSWER_CHANNELS or channel == "letter":
        raise Refused(
            "回答の方法を選んでください（書面は回答書から）。",
            "Choose how it was answered (a letter goes through the reply letter).",
        )
    text = (text or "").strip()
    if not text:
        raise Refused("回答の内容を入力してください。", "Write what was answered.")
    _require_answer_day(inquiry, on)
    from_status = _answered(inquiry, text, on, channel)
    _audit(
        "inquiry.answered",
        inquiry,
        actor=actor,
        from_status=from_status,
        to_status="answered",
        detail={"channel": channel},
    )


def queue_reply(inquiry: Inquiry, text: str, *, lang: str | None = None, actor):
    """The answer goes by letter: its text is kept as the draft and the `inquiry_reply`
    letter joins the print run (one waiting per inquiry); marked sent there, the inquiry
    is answered (letter_sent)."""
    from desk.letters.models import Letter

    _require_open(inquiry, "回答書を作成", "write a reply to")
    text = (text or "").strip()
    if not text:
        raise Refused("回答の内容を入力してください。", "Write the answer.")
    if not (inquiry.name and inquiry.address):
        raise Refused(
            "氏名と住所がないため、書面では回答できません。電話・メール等で回答した場合は「回答を記録」を使ってください。",
            "Without a name and address the answer cannot go by letter; record an answer given another way instead.",
        )
    lang = lang if lang in ("ja", "en") else inquiry.language
    inquiry.answer = text
    letter = db.session.scalars(
        select(Letter).where(Letter.inquiry_id == inquiry.id, Letter.kind == REPLY_KIND, Letter.waiting())
    ).first()
    if letter is None:
        letter = Letter(inquiry_id=inquiry.id, kind=REPLY_KIND, language=lang, dated_on=today(), created_by_id=actor.id)
        db.session.add(letter)
    letter.language = lang
    db.session.flush()
    _audit("inquiry.reply_queued", inquiry, actor=actor, detail={"letter_id": letter.id, "lang": lang})
    return letter


def letter_sent(letter, on: date, *, actor=None) -> None:
    """The print run marked the reply sent: the inquiry is answered by letter on that day."""
    inquiry = letter.inquiry
    if inquiry.is_open:
        from_status = _answered(inquiry, inquiry.answer or "", on, "letter")
        _audit(
            "inquiry.answered",
            inquiry,
            actor=actor,
            from_status=from_status,
            to_status="answered",
            detail={"channel": "letter", "letter_id": letter.id},
        )


def close(inquiry: Inquiry, on: date | None = None, *, actor) -> None:
    _require_not_disposed(inquiry)
    day = on or today()
    from_status = _move(inquiry, "closed")
    inquiry.closed_on = day
    _withdraw_waiting_letters(inquiry, actor)
    _audit("inquiry.closed", inquiry, actor=actor, from_status=from_status, to_status="closed")


def reopen(inquiry: Inquiry, *, actor) -> None:
    from_status = _move(inquiry, "open")
    inquiry.closed_on = None
    _audit("inquiry.reopened", inquiry, actor=actor, from_status=from_status, to_status="open")


def _withdraw_waiting_letters(inquiry: Inquiry, actor) -> None:
    from desk.letters.models import Letter
    from desk.letters.service import withdraw

    for letter in db.session.scalars(select(Letter).where(Letter.inquiry_id == inquiry.id, Letter.waiting())):
        withdraw(letter, "reason_gone", actor=actor)


# --------------------------------------------------------------------------- both ways to a case


def open_case(inquiry: Inquiry, kinds: list[str], arrived_on: date, *, actor):
    """The inquiry turned out to be a statutory request: a case opens from it (through
    intake, as a registration would: access code, acknowledgement letter for paper), and
    the link stays on both. The inquiry itself stays open for its own answer."""
    from desk.intake.service import Application, Person, submit

    conversion = lifecycle.CONVERSIONS["inquiry_to_case"]
    _require_open(inquiry, "請求の案件を開始", "open a case from")
    kinds = [k for k in kinds if k in desk_catalogue.REQUEST_KINDS]
    if not kinds:
        raise Refused("請求の種類を1つ以上選んでください。", "Choose at least one kind of request.")
    if not inquiry.name:
        raise Refused(
            "請求者の氏名がないため、案件を開始できません。先に氏名を記録してください。",
            "The requester's name is needed to open a case: record it first.",
        )
    if arrived_on < inquiry.received_on or arrived_on > today():
        raise Refused(
            "到達日は、お問い合わせの受付日から今日までの日付にしてください。",
            "The date of arrival must lie between the inquiry's arrival and today.",
        )
    channel = inquiry.channel if inquiry.channel in desk_catalogue.CHANNELS else "phone"
    submission = submit(
        Application(
            kinds=kinds,
            principal=Person(
                name=inquiry.name,
                postal_code=inquiry.postal_code,
                address=inquiry.address,
                phone=inquiry.phone,
                email=inquiry.email,
            ),
            particulars=inquiry.matter,
            language=inquiry.language,
            channel=channel,
            arrived_on=arrived_on,
        ),
        actor=actor,
    )
    case = submission.case
    assert case.status == conversion.to_state
    db.session.add(InquiryCase(inquiry_id=inquiry.id, case_id=case.id, relation="opened_case"))
    _audit("inquiry.case_opened", inquiry, actor=actor, detail={"case_id": case.id, "case_reference": case.reference})
    record("case.from_inquiry", actor=actor, case=case, detail={"inquiry_id": inquiry.id})
    return submission


def close_case_as_inquiry(case: Case, category: str, *, actor, on: date | None = None) -> Inquiry:
    """The case is not a statutory request (about a deceased person, by a third party, …):
    it closes as "not a statutory request" through the lifecycle, every kind takes that
    outcome (so it leaves the register of requests, after disposal too), a fee received is
    returned, and an inquiry carries the matter on, linked to the case."""
    conversion = lifecycle.CONVERSIONS["case_to_inquiry"]
    cases.require_status(
        case, conversion.from_states, "法定の請求に当たらないものとして終了", "close as not a statutory request"
    )
    if category not in CATEGORIES:
        raise Refused("お問い合わせとしての種類を選んでください。", "Choose what the inquiry is about.")
    day = on or today()
    cases.transition(case, conversion.to_state, actor=actor, on=day, detail={"category": category})
    for item in case.items:
        item.outcome, item.grounds = conversion.item_outcome, []
    if not conversion.keeps_fee:
        refund_all(case, day, actor=actor)
    person = case.addressee
    matter = "\n".join(item.particulars for item in case.items if item.particulars) or "、".join(
        desk_catalogue.REQUEST_KINDS[k].label(case.language or "ja") for k in case.kinds
    )
    inquiry = receive(
        Particulars(
            category=category,
            matter=matter,
            channel="case",
            received_on=case.arrived_on,
            language=case.language or "ja",
            name=getattr(person, "name", None),
            email=getattr(person, "email", None),
            phone=getattr(person, "phone", None),
            postal_code=getattr(person, "postal_code", None),
            address=getattr(person, "address", None),
        ),
        actor=actor,
    )
    inquiry.assignee_id = case.assignee_id
    db.session.add(InquiryCase(inquiry_id=inquiry.id, case_id=case.id, relation="from_case"))
    _audit("inquiry.from_case", inquiry, actor=actor, detail={"case_id": case.id, "case_reference": case.reference})
    return inquiry


def links_of_case(case: Case) -> list[InquiryCase]:
    return list(db.session.scalars(select(InquiryCase).where(InquiryCase.case_id == case.id).order_by(InquiryCase.id)))


def by_reference(reference: str) -> Inquiry | None:
    return db.session.scalars(select(Inquiry).where(Inquiry.reference == reference)).first()


# --------------------------------------------------------------------------- retention


def retention_years() -> int:
    return int(settings.get("inquiry_retention_years"))


def disposal_date(inquiry: Inquiry) -> date | None:
    if inquiry.status != "closed":
        return None
    return disposal_due(inquiry.closed_on, retention_years())


def due_for_disposal(as_of: date) -> list[Inquiry]:
    years = retention_years()
    candidates = db.session.scalars(
        select(Inquiry)
        .where(
            Inquiry.status == "closed",
            Inquiry.closed_on.is_not(None),
            Inquiry.closed_on <= as_of - relativedelta(years=years),
        )
        .order_by(Inquiry.closed_on, Inquiry.id)
    ).all()
    return [i for i in candidates if disposal_due(i.closed_on, years) <= as_of]


def dispose(as_of: date, *, dry_run: bool = False, actor_kind: str = "system") -> list[str]:
    """Dispose of the inquiries closed longer than `inquiry_retention_years`: the person,
    the matter and the answer erased, attachments and stored letters crypto-shredded (the
    files removed after commit), the skeleton kept (reference, channel, category, dates,
    links). Each inquiry in its own transaction. Returns the references."""
    from desk.letters.models import Letter

    done = []
    for inquiry in due_for_disposal(as_of):
        done.append(inquiry.reference)
        if dry_run:
            continue
        files = list(inquiry.attachments) + list(
            db.session.scalars(select(Letter).where(Letter.inquiry_id == inquiry.id))
        )
        shredded = 0
        for row in files:
            if row.wrapped_key is not None:
                name = row.storage_name
                storage.shred_key(row)
                db.session.info.setdefault("desk_remove_after_commit", []).append(name)
                shredded += 1
        for field in ("name", "name_key", "email", "phone", "phone_key", "postal_code", "address", "matter", "answer"):
            setattr(inquiry, field, None)
        _move(inquiry, "disposed")
        inquiry.disposed_on = as_of
        _audit(
            "inquiry.disposed",
            inquiry,
            actor_kind=actor_kind,
            from_status="closed",
            to_status="disposed",
            detail={"files": shredded},
        )
        db.session.commit()
    return done
