"""What an officer does to a case, one function per action. Each checks the case's state,
changes the case only through desk.cases.service.transition, writes an audit event (codes
and numbers only) and flushes; the view commits."""
from __future__ import annotations

from datetime import date

from dateutil.relativedelta import relativedelta
from sqlalchemy import select

from desk import catalogue
from desk.audit.service import record
from desk.cases import lifecycle, service
from desk.cases.models import Case, CaseNote, RequestItem
from desk.clock import now, today
from desk.extensions import db
from desk.fees import service as fees
from desk.fees.models import FeePayment
from desk.identity.models import Document
from desk.letters.models import Letter
from desk.workbench.models import DataSearch, Verification


class Refused(Exception):
    """An action the case's state or the rules do not allow; the message is for the officer."""

    def __init__(self, ja: str, en: str):
        self.ja, self.en = ja, en
        super().__init__(en)

    def message(self, lang: str) -> str:
        return self.en if lang == "en" else self.ja


def _require_status(case: Case, allowed, ja_action: str, en_action: str) -> None:
    if case.status not in allowed:
        state = lifecycle.STATES[case.status]
        raise Refused(f"状態「{state.ja}」の案件では{ja_action}できません。",
                      f"You cannot {en_action} while the case is “{state.en}”.")


# --------------------------------------------------------------------------- basics

def verification_of(case: Case, create: bool = False) -> Verification | None:
    found = db.session.scalars(select(Verification).where(Verification.case_id == case.id)).first()
    if found is None and create:
        found = Verification(case_id=case.id)
        db.session.add(found)
    return found


def working_state(case: Case) -> str:
    """Where work resumes after a pause: verification until identity (and a proxy's
    authority) is confirmed, the search for the data after."""
    check = verification_of(case)
    identified = check is not None and check.identity_result == "identified"
    authorised = case.proxy_kind is None or (check is not None and check.proxy_result == "confirmed")
    return "in_progress" if identified and authorised else "verifying"


def queue_letter(case: Case, kind: str, *, actor=None) -> Letter:
    """A Letter row without a file and without a dispatch date: the letters area renders it."""
    letter = db.session.scalars(select(Letter).where(
        Letter.case_id == case.id, Letter.kind == kind, Letter.dispatched_on.is_(None),
        Letter.storage_name.is_(None))).first()
    if letter is None:
        letter = Letter(case_id=case.id, kind=kind, language=case.language, dated_on=today(),
                        created_by_id=getattr(actor, "id", None))
        db.session.add(letter)
        db.session.flush()
        record("letter.queued", actor=actor, case=case, detail={"kind": kind, "letter_id": letter.id})
    return letter


def assign(case: Case, assignee, *, actor) -> None:
    if not case.is_open:
        raise Refused("完了した案件の担当は変更できません。", "A closed case cannot be reassigned.")
    if assignee is not None and (not assignee.active or assignee.role not in ("officer", "supervisor")):
        raise Refused("この職員には案件を割り当てられません。", "Cases cannot be assigned to this user.")
    service.assign(case, assignee, actor=actor)
    db.session.flush()


def add_note(case: Case, body: str, *, actor) -> CaseNote:
    note = CaseNote(case_id=case.id, author_id=actor.id, body=body.strip())
    db.session.add(note)
    db.session.flush()
    case.notes.append(note)
    record("case.note_added", actor=actor, case=case, detail={"note_id": note.id})
    return note


# --------------------------------------------------------------------------- identity

CHECKABLE = {"received", "verifying", "in_progress", "awaiting_documents", "awaiting_clarification"}


def record_addresses(case: Case, document_address: str, records_address: str, *, actor) -> Verification:
    _require_status(case, CHECKABLE, "住所を記録", "record addresses")
    check = verification_of(case, create=True)
    check.document_address = document_address.strip() or None
    check.records_address = records_address.strip() or None
    db.session.flush()
    record("identity.addresses_recorded", actor=actor, case=case)
    return check


def _move_to(case: Case, target: str, *, actor, detail: dict | None = None) -> None:
    """Walk to `target` through verifying when the lifecycle needs a step in between."""
    if case.status == target:
        return
    if not lifecycle.allowed(case.status, target) and lifecycle.allowed(case.status, "verifying"):
        service.transition(case, "verifying", actor=actor)
    service.transition(case, target, actor=actor, detail=detail)


def confirm_identity(case: Case, *, actor) -> None:
    _require_status(case, {"received", "verifying", "in_progress"}, "本人確認を完了", "confirm identity")
    check = verification_of(case, create=True)
    check.identity_result, check.identity_by_id, check.identity_at = "identified", actor.id, now()
    db.session.flush()
    record("identity.confirmed", actor=actor, case=case)
    _move_to(case, working_state(case), actor=actor)


def _draft_refusal(case: Case, ground: str, *, actor) -> None:
    """Every undecided kind becomes a refusal on `ground`, drafted for approval."""
    for item in case.items:
        if item.outcome is None or item.outcome not in catalogue.REQUEST_KINDS[item.kind].outcomes:
            kind = catalogue.REQUEST_KINDS[item.kind]
            item.outcome = next(c for c in kind.outcomes if catalogue.OUTCOMES[c].refusal)
            item.grounds = [ground]
            item.explanation = catalogue.REFUSAL_GROUNDS[ground].letter(case.language)
            item.decided_by_id, item.decided_at = actor.id, now()
    db.session.flush()
    _move_to(case, "decision_drafted", actor=actor, detail={"ground": ground})


def record_unidentified(case: Case, *, actor) -> None:
    _require_status(case, {"received", "verifying", "in_progress"}, "本人確認の結果を記録", "record the identity check")
    check = verification_of(case, create=True)
    check.identity_result, check.identity_by_id, check.identity_at = "unidentified", actor.id, now()
    db.session.flush()
    record("identity.unidentified", actor=actor, case=case)
    _draft_refusal(case, "unidentified", actor=actor)


# --------------------------------------------------------------------------- documents

REVIEWS = ("received", "acceptable", "deficient")


def certificate_too_old(document: Document, as_of: date | None = None) -> bool:
    kind = catalogue.DOCUMENT_KINDS.get(document.kind)
    if kind is None or not kind.dated or document.issued_on is None:
        return False
    return document.issued_on < (as_of or today()) - relativedelta(months=catalogue.CERTIFICATE_MAX_AGE_MONTHS)


def review_document(document: Document, review: str, deficiency: str, issued_on: date | None, *, actor) -> None:
    case = document.case
    _require_status(case, CHECKABLE, "書類を確認", "review documents")
    if review not in REVIEWS:
        raise Refused("確認結果を選んでください。", "Choose a review result.")
    if review == "deficient" and not deficiency.strip():
        raise Refused("不備の内容を入力してください。", "Say what is deficient.")
    document.review = review
    document.deficiency = deficiency.strip() or None if review == "deficient" else None
    document.issued_on = issued_on
    if review == "acceptable" and certificate_too_old(document):
        raise Refused(f"発行から{catalogue.CERTIFICATE_MAX_AGE_MONTHS}か月を超えた証明書は「適」にできません。",
                      f"A certificate issued more than {catalogue.CERTIFICATE_MAX_AGE_MONTHS} months ago cannot be accepted.")
    db.session.flush()
    record("document.reviewed", actor=actor, case=case, detail={"document_id": document.id, "review": review})


def proxy_documents(case: Case) -> list[Document]:
    return [d for d in case.documents if d.kind in catalogue.PROXY_DOCUMENTS]


def confirm_proxy(case: Case, *, actor) -> None:
    _require_status(case, {"received", "verifying", "in_progress"}, "代理権を確認", "confirm the proxy's authority")
    if not case.proxy_kind:
        raise Refused("この案件に代理人はいません。", "No proxy acts in this case.")
    acceptable = {d.kind for d in proxy_documents(case) if d.review == "acceptable" and not certificate_too_old(d)}
    if not catalogue.PROXY_KINDS[case.proxy_kind].satisfied_by(acceptable):
        raise Refused("代理権を証明する書類がそろっていません（必要な書類を「適」にしてください）。",
                      "The documents proving the authority are not complete: mark the required ones acceptable.")
    check = verification_of(case, create=True)
    check.proxy_result, check.proxy_by_id, check.proxy_at = "confirmed", actor.id, now()
    db.session.flush()
    record("proxy.confirmed", actor=actor, case=case, detail={"proxy_kind": case.proxy_kind})
    _move_to(case, working_state(case), actor=actor)


def record_proxy_unconfirmed(case: Case, *, actor) -> None:
    _require_status(case, {"received", "verifying", "in_progress"}, "代理権の確認結果を記録", "record the proxy check")
    if not case.proxy_kind:
        raise Refused("この案件に代理人はいません。", "No proxy acts in this case.")
    check = verification_of(case, create=True)
    check.proxy_result, check.proxy_by_id, check.proxy_at = "unconfirmed", actor.id, now()
    db.session.flush()
    record("proxy.unconfirmed", actor=actor, case=case, detail={"proxy_kind": case.proxy_kind})
    _draft_refusal(case, "proxy_unconfirmed", actor=actor)


# --------------------------------------------------------------------------- fees

def record_payment(case: Case, amount: int, method: str, received_on: date, *, actor) -> FeePayment:
    _require_status(case, lifecycle.OPEN - {"dispatched"}, "手数料を記録", "record a payment")
    if method not in catalogue.PAYMENT_METHODS:
        raise Refused("支払方法を選んでください。", "Choose a payment method.")
    if amount < 1:
        raise Refused("金額は1円以上で入力してください。", "The amount must be at least 1 yen.")
    payment = FeePayment(case_id=case.id, amount=amount, method=method, received_on=received_on,
                         recorded_by_id=actor.id)
    db.session.add(payment)
    db.session.flush()
    record("fee.payment_recorded", actor=actor, case=case, detail={"amount": amount, "method": method})
    if case.status == "awaiting_fee" and fees.balance(case) == 0:
        service.transition(case, working_state(case), actor=actor, on=received_on, detail={"reason": "fee_paid"})
    return payment


def send_shortfall_notice(case: Case, due_on: date | None, *, actor) -> Letter:
    _require_status(case, {"received", "verifying", "in_progress"}, "不足の通知を", "send a shortfall notice")
    owed = fees.balance(case)
    if owed <= 0:
        raise Refused("手数料に不足はありません。", "Nothing is owed.")
    if due_on is not None and due_on <= today():
        raise Refused("納付期限は明日以降の日付にしてください。", "The due date must be after today.")
    service.transition(case, "awaiting_fee", actor=actor, due_on=due_on, detail={"owed": owed})
    return queue_letter(case, "shortfall", actor=actor)


# --------------------------------------------------------------------------- requests to the requester

ASK_STATES = {"documents": "awaiting_documents", "clarification": "awaiting_clarification"}


def ask_requester(case: Case, what: str, due_on: date | None, body: str, *, actor) -> None:
    if what not in ASK_STATES:
        raise Refused("照会の種類を選んでください。", "Choose what to ask for.")
    _require_status(case, {"received", "verifying", "in_progress"}, "依頼者への照会を", "ask the requester")
    if due_on is not None and due_on <= today():
        raise Refused("提出期限は明日以降の日付にしてください。", "The due date must be after today.")
    service.transition(case, ASK_STATES[what], actor=actor, due_on=due_on, detail={"asked": what})
    if body.strip():
        add_note(case, body, actor=actor)


def reply_received(case: Case, on: date, *, actor) -> None:
    _require_status(case, {"awaiting_documents", "awaiting_clarification"}, "回答の受領を記録", "record a reply")
    if on > today():
        raise Refused("受領日に未来の日付は入力できません。", "The reply cannot arrive in the future.")
    service.transition(case, working_state(case), actor=actor, on=on, detail={"reason": "reply"})


# --------------------------------------------------------------------------- locating the data

SEARCHABLE = {"verifying", "in_progress", "decision_drafted"}


def record_search(case: Case, systems: str, findings: str, *, actor) -> DataSearch:
    _require_status(case, SEARCHABLE, "調査結果を記録", "record a search")
    search = DataSearch(case_id=case.id, systems=systems.strip(), findings=findings.strip(), recorded_by_id=actor.id)
    db.session.add(search)
    db.session.flush()
    record("data.searched", actor=actor, case=case, detail={"search_id": search.id})
    return search


def searches_of(case: Case) -> list[DataSearch]:
    return list(db.session.scalars(select(DataSearch).where(DataSearch.case_id == case.id).order_by(DataSearch.id)))


def parse_table(text: str) -> dict | None:
    """Rows typed or pasted (from a spreadsheet: tabs; or '|' or ','), the first being the
    column names, into {"columns": [...], "rows": [[...], ...]}; None when empty."""
    lines = [line for line in text.replace("\r\n", "\n").split("\n") if line.strip()]
    if not lines:
        return None
    separator = "\t" if "\t" in lines[0] else "|" if "|" in lines[0] else ","
    cells = [[cell.strip() for cell in line.strip().strip("|").split(separator)] for line in lines]
    columns = cells[0]
    rows = [(row + [""] * len(columns))[:len(columns)] for row in cells[1:]]
    if not rows:
        raise Refused("1行目は項目名です。2行目以降にデータを入力してください。",
                      "The first line holds the column names; type the data from the second line on.")
    return {"columns": columns, "rows": rows}


def set_disclosed_table(item: RequestItem, text: str, *, actor) -> None:
    case = item.case
    _require_status(case, SEARCHABLE, "開示データを記録", "record the disclosed data")
    if not catalogue.REQUEST_KINDS[item.kind].disclosure:
        raise Refused("開示の請求ではありません。", "This is not a disclosure request.")
    table = parse_table(text)
    details = dict(item.details or {})
    if table is None:
        details.pop("disclosed", None)
    else:
        details["disclosed"] = table
    item.details = details
    db.session.flush()
    record("data.disclosed_table", actor=actor, case=case,
           detail={"item_id": item.id, "rows": len(table["rows"]) if table else 0})


ATTACHABLE_TYPES = {"application/pdf", "image/png", "image/jpeg"}


def attach_disclosed_file(case: Case, data: bytes, *, actor) -> Document:
    import filetype

    from desk.storage.service import store

    _require_status(case, SEARCHABLE, "開示データを添付", "attach disclosed data")
    kind = filetype.guess(data)
    media_type = kind.mime if kind else None
    if media_type not in ATTACHABLE_TYPES:
        raise Refused("PDF、PNG、JPEGのファイルを添付してください。", "Attach a PDF, PNG or JPEG file.")
    count = sum(1 for d in case.documents if d.kind == "disclosed_data")
    document = Document(case_id=case.id, kind="disclosed_data", label=f"開示データ {count + 1}")
    store(document, data, media_type)
    db.session.add(document)
    db.session.flush()
    record("document.attached", actor=actor, case=case, detail={"document_id": document.id, "kind": "disclosed_data"})
    return document


# --------------------------------------------------------------------------- extension, withdrawal

def extend(case: Case, business_days: int, reason: str, *, actor) -> Letter:
    _require_status(case, lifecycle.OPEN - {"approved", "dispatched"}, "期限を延長", "extend the deadline")
    if not reason.strip():
        raise Refused("延長の理由を入力してください。", "Give the reason for the extension.")
    service.extend(case, business_days, reason.strip(), actor=actor)
    return queue_letter(case, "extension", actor=actor)


def withdraw(case: Case, channel: str, on: date, *, actor) -> None:
    if channel not in catalogue.CHANNELS:
        raise Refused("取下げの連絡方法を選んでください。", "Choose how the withdrawal reached us.")
    if case.status not in lifecycle.WITHDRAWABLE:
        _require_status(case, lifecycle.WITHDRAWABLE, "取下げを記録", "record a withdrawal")
    service.transition(case, "withdrawn", actor=actor, on=on, detail={"channel": channel})
    for item in case.items:
        item.outcome = "withdrawn"
        item.grounds = []
    db.session.flush()


def _queue_lapse_letter(case: Case, *, actor=None, on: date | None = None) -> None:
    """A case treated as not made (the daily job) gets its lapse letter in the print run."""
    queue_letter(case, "lapse", actor=actor)


service.on_enter("lapsed", _queue_lapse_letter)


def _erase_at_disposal() -> None:
    """The addresses an officer typed while checking identity and the notes on where the
    data was found are personal data: disposal erases them with the rest of the case."""
    from desk.retention.service import erase_at_disposal
    from desk.workbench.models import DataSearch, Verification

    erase_at_disposal(Verification,
                      still_there=(Verification.document_address.is_not(None)) | (Verification.records_address.is_not(None)),
                      values={"document_address": None, "records_address": None})
    erase_at_disposal(DataSearch)


_erase_at_disposal()
