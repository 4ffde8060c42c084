"""The intake service: one submission becomes one case, its people, items and documents,
in one transaction. Views and the registration page call submit(); nothing else creates
cases from outside.
"""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass, field
from datetime import date, timedelta
from email.message import EmailMessage
from email.utils import make_msgid

from flask import current_app, url_for
from sqlalchemy import bindparam, select

from desk import catalogue, settings
from desk.audit.service import record
from desk.cases import service as cases
from desk.cases.models import Case, Requester, RequestItem
from desk.cases.search import search_keys
from desk.clock import today
from desk.extensions import db
from desk.fees.models import FeePayment
from desk.identity.models import Document
from desk.identity.uploads import CheckedFile
from desk.intake import codes
from desk.letters import service as letters
from desk.storage import service as storage

log = logging.getLogger(__name__)

#: Channels whose requester expects a paper acknowledgement (queued for the print run).
PAPER_CHANNELS = ("mail", "fax")


@dataclass
class Person:
    name: str
    furigana: str | None = None
    birth_date: date | None = None
    postal_code: str | None = None
    address: str | None = None
    phone: str | None = None
    email: str | None = None
    known_as: str | None = None


@dataclass
class Upload:
    """One checked file for one slot: whose document, which catalogue kind, its place."""

    party: str | None
    kind: str
    file: CheckedFile
    #: 1-based position within the slot, and the slot's count, for the neutral label.
    position: int = 1
    of: int = 1


@dataclass
class Application:
    kinds: list[str]
    principal: Person
    requester_type: str = "principal"
    proxy_kind: str | None = None
    proxy: Person | None = None
    delivery_method: str | None = None
    particulars: str | None = None
    language: str = "ja"
    channel: str = "web"
    arrived_on: date | None = None
    uploads: list[Upload] = field(default_factory=list)
    #: Staff registration: postage stamps enclosed with a paper application (yen).
    stamps_enclosed: int = 0


@dataclass
class Submission:
    case: Case
    #: The access code, in clear only here, to be shown once.
    access_code: str
    duplicates: list[str]


#: The channels on which requesters send a request themselves; every other channel's
#: requests are registered by staff.
SELF_SERVICE_CHANNELS = frozenset({"web", "api"})


def document_label(kind: str, position: int, of: int) -> str:
    """A neutral label for staff, e.g. 「運転免許証 1/2」: never the uploaded file name."""
    entry = catalogue.DOCUMENT_KINDS.get(kind)
    base = entry.ja if entry else {"enclosure": "同封書類", "application": "請求書"}.get(kind, kind)
    return f"{base} {position}/{of}" if of > 1 else base


def _requester(person: Person, role: str, proxy_kind: str | None = None) -> Requester:
    row = Requester(
        role=role,
        proxy_kind=proxy_kind,
        name=person.name,
        furigana=person.furigana,
        birth_date=person.birth_date,
        postal_code=person.postal_code,
        address=person.address,
        phone=person.phone,
        email=person.email,
        known_as=person.known_as,
    )
    row.name_key, row.kana_key, row.phone_key, row.email_key = search_keys(
        person.name, person.furigana, person.phone, person.email
    )
    return row


#: Earlier cases of one principal asking for one of the same kinds: on the indexed search
#: key of the name (ix_requesters_name_key), built once with its parameters bound per call.
_DUPLICATES = (
    select(Case.id, Case.reference, Case.arrived_on)
    .join(Requester, Requester.case_id == Case.id)
    .join(RequestItem, RequestItem.case_id == Case.id)
    .where(
        Requester.role == "principal",
        Requester.name_key == bindparam("name_key"),
        Requester.birth_date == bindparam("birth_date"),
        Case.id != bindparam("case_id"),
        Case.arrived_on >= bindparam("since"),
        Case.arrived_on <= bindparam("until"),
        RequestItem.kind.in_(bindparam("kinds", expanding=True)),
    )
    .distinct()
    .order_by(Case.arrived_on, Case.id)
)


def find_duplicates(case: Case, principal: Requester | None = None, kinds: list[str] | None = None) -> list[str]:
    """References of earlier cases of the same principal (normalised name and date of
    birth) asking for one of the same kinds within the window. Flagged for the officer;
    never merged. Reads committed rows only (this case is excluded), so nothing pending
    is flushed for it; `principal` and `kinds` spare reading back what the caller built."""
    principal = principal if principal is not None else case.principal
    kinds = kinds if kinds is not None else case.kinds
    if principal is None or principal.birth_date is None or not principal.name_key:
        return []
    since = case.arrived_on - timedelta(days=int(settings.get("duplicate_window_days")))
    rows = db.session.connection().execute(
        _DUPLICATES,
        {
            "name_key": principal.name_key,
            "birth_date": principal.birth_date,
            "case_id": case.id,
            "since": since,
            "until": case.arrived_on + timedelta(days=1),
            "kinds": list(kinds),
        },
    )
    return [row.reference for row in rows]


def duplicates_of(case: Case) -> list[Case]:
    """The other cases, earlier or later, of the same principal (normalised name and date
    of birth) asking for one of the same kinds within the window either side: what the
    case page and the queue name and link. Flagged, never merged."""
    principal = case.principal
    if principal is None or principal.birth_date is None or not principal.name_key:
        return []
    window = timedelta(days=int(settings.get("duplicate_window_days")))
    query = (
        select(Case)
        .join(Requester, Requester.case_id == Case.id)
        .join(RequestItem, RequestItem.case_id == Case.id)
        .where(
            Requester.role == "principal",
            Requester.name_key == principal.name_key,
            Requester.birth_date == principal.birth_date,
            Case.id != case.id,
            Case.arrived_on >= case.arrived_on - window,
            Case.arrived_on <= case.arrived_on + window,
            RequestItem.kind.in_(case.kinds),
        )
        .distinct()
        .order_by(Case.arrived_on, Case.id)
    )
    return list(db.session.scalars(query))


def submit(application: Application, *, actor=None) -> Submission:
    """Create the case with everything in it. Flushes; the caller commits. Any exception
    leaves nothing once the caller rolls back (files written here are removed then).

    The files are encrypted and written first, then the case, its people, items and
    documents go in with one flush; the audit events (one for the submission, more only
    for enclosed stamps, a possible duplicate or a paper acknowledgement) are appended
    after everything else is done, so the audit chain's head is locked only from then to
    the caller's commit."""
    arrived_on = application.arrived_on or today()
    is_proxy = application.requester_type == "proxy"
    wants_disclosure = any(catalogue.REQUEST_KINDS[k].disclosure for k in application.kinds)
    documents = []
    for upload in application.uploads:
        document = Document(
            party=upload.party,
            kind=upload.kind,
            label=document_label(upload.kind, upload.position, upload.of),
        )
        storage.store(document, upload.file.data, upload.file.media_type)
        documents.append(document)
    principal = _requester(application.principal, "principal")
    requesters = [principal]
    if is_proxy and application.proxy is not None:
        requesters.append(_requester(application.proxy, "proxy", application.proxy_kind))
    case = cases.open_case(
        channel=application.channel,
        arrived_on=arrived_on,
        language=application.language,
        actor=actor,
        audited=False,  # the "intake.submitted"/"intake.registered" event below says the case was opened
        requester_type=application.requester_type,
        proxy_kind=application.proxy_kind if is_proxy else None,
        delivery_method=application.delivery_method if wants_disclosure else None,
        requesters=requesters,
        items=[RequestItem(kind=kind, particulars=application.particulars or None) for kind in application.kinds],
        documents=documents,
    )

    code = codes.new_code()
    case.access_code_hash = codes.code_hash(case.reference, code)

    duplicates = find_duplicates(case, principal, application.kinds)
    if duplicates:
        case.possible_duplicate = True

    # The opening comes first in the trail, then what came with it. A request the requester
    # sent themselves (the form, the API) was submitted; one that came by post, fax, e-mail or
    # at the counter was registered by staff (or a staff system), and the timeline says so.
    record(
        "intake.submitted" if application.channel in SELF_SERVICE_CHANNELS else "intake.registered",
        actor=actor,
        case=case,
        to_status="received",
        detail={
            "channel": application.channel,
            "kinds": list(application.kinds),
            "requester_type": application.requester_type,
            "proxy_kind": application.proxy_kind if is_proxy else None,
            "documents": len(application.uploads),
        },
    )

    if application.stamps_enclosed:
        db.session.add(
            FeePayment(
                case_id=case.id,
                amount=application.stamps_enclosed,
                method="postage_stamps",
                received_on=arrived_on,
                recorded_by_id=getattr(actor, "id", None),
                note="郵便切手（請求書に同封）",
            )
        )
        record(
            "fee.recorded",
            actor=actor,
            case=case,
            detail={"amount": application.stamps_enclosed, "method": "postage_stamps"},
        )

    if duplicates:
        record("case.possible_duplicate", actor=actor, case=case, detail={"matches": duplicates})

    if application.channel in PAPER_CHANNELS:
        letters.queue(case, "ack", lang=application.language, actor=actor, on=arrived_on)

    db.session.flush()
    return Submission(case=case, access_code=code, duplicates=duplicates)


# ----------------------------------------------------------------------------- e-mail


def acknowledgement_text(reference: str, lang: str) -> tuple[str, str]:
    """Subject and body of the acknowledgement: the reference and nothing personal."""
    desk_name = settings.get("desk_name_en" if lang == "en" else "desk_name")
    business = settings.get("business_name_en" if lang == "en" else "business_name")
    status_url = url_for("intake.status", _external=True)
    if lang == "en":
        subject = f"We have received your request (reference {reference})"
        body = (
            f"We have received your request about your personal data.\n\n"
            f"Reference number: {reference}\n\n"
            f"You can see where your request stands at {status_url}\n"
            f"with this reference number and the access code shown when you sent the request.\n\n"
            f"If you did not make this request, please contact us.\n\n"
            f"{business}\n{desk_name}  {settings.get('desk_phone')}\n"
        )
    else:
        subject = f"ご請求を受け付けました（受付番号 {reference}）"
        body = (
            f"個人情報の開示等のご請求を受け付けました。\n\n"
            f"受付番号：{reference}\n\n"
            f"手続きの状況は、次のページで受付番号と、送信時に表示されたアクセスコードを入力するとご確認いただけます。\n"
            f"{status_url}\n\n"
            f"このメールにお心当たりのない場合は、お手数ですが下記までご連絡ください。\n\n"
            f"{business}\n{desk_name}　電話 {settings.get('desk_phone')}\n"
        )
    return subject, body


def send_acknowledgement(case: Case, to_address: str) -> bool:
    """Send the acknowledgement through the configured SMTP server. Returns False (and logs
    without personal data) when no server is configured or sending fails: the request
    itself is already safely stored."""
    subject, body = acknowledgement_text(case.reference, case.language)
    return send_mail(case, to_address, subject, body, what="acknowledgement")


def send_mail(case: Case, to_address: str | None, subject: str, body: str, *, what: str) -> bool:
    """One e-mail to the requester through DESK_SMTP_*; False (logged by case id and the
    kind of error only) when no server is configured, no address is given or sending fails."""
    config = current_app.config
    if not config.get("SMTP_HOST") or not to_address:
        return False
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = config["SMTP_FROM"]
    message["To"] = to_address
    message["Message-ID"] = make_msgid(domain="desk.local")
    message.set_content(body)
    try:
        with smtplib.SMTP(config["SMTP_HOST"], int(config.get("SMTP_PORT") or 25), timeout=15) as smtp:
            if config.get("SMTP_STARTTLS"):
                smtp.starttls()
            if config.get("SMTP_USER"):
                smtp.login(config["SMTP_USER"], config.get("SMTP_PASSWORD") or "")
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as error:
        log.warning("%s e-mail for case id %s not sent: %s", what, case.id, type(error).__name__)
        return False
    return True
