"""Identity and proxy checks: the three addresses, the review of each submitted document,
and whether the principal is identified and the proxy's authority confirmed.

A verification belongs to one case and is never copied (a duplicate or resubmitted request
starts unverified). Each action checks the case's state, audits, and flushes; the request
commits."""

from __future__ import annotations

from datetime import date

from dateutil.relativedelta import relativedelta
from sqlalchemy import select

from desk import catalogue
from desk.audit.service import record
from desk.cases.lifecycle import Refused
from desk.cases.models import Case
from desk.cases.service import move_to, require_status
from desk.clock import now, today
from desk.extensions import db
from desk.identity.models import Document, Verification

#: States in which documents and addresses can still be checked.
CHECKABLE = {"received", "verifying", "in_progress", "awaiting_documents", "awaiting_clarification"}
#: States in which identity and authority can be decided.
DECIDABLE = {"received", "verifying", "in_progress"}
REVIEWS = ("received", "acceptable", "deficient")


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


def record_addresses(case: Case, document_address: str, records_address: str, *, actor) -> Verification:
    require_status(case, CHECKABLE, "住所を記録", "record addresses")
    check = verification_of(case, create=True)
    check.document_address = document_address.strip() or None
    check.records_address = records_address.strip() or None
    db.session.flush()
    record("identity.addresses_recorded", actor=actor, case=case)
    return check


def confirm_identity(case: Case, *, actor) -> None:
    require_status(case, DECIDABLE, "本人確認を完了", "confirm identity")
    check = verification_of(case, create=True)
    check.identity_result, check.identity_by_id, check.identity_at = "identified", actor.id, now()
    db.session.flush()
    record("identity.confirmed", actor=actor, case=case)
    move_to(case, working_state(case), actor=actor)


def record_unidentified(case: Case, *, actor) -> None:
    """The principal cannot be identified. The refusal that follows is drafted by the
    decisions area (desk.decisions.service.refuse_unidentified)."""
    require_status(case, DECIDABLE, "本人確認の結果を記録", "record the identity check")
    check = verification_of(case, create=True)
    check.identity_result, check.identity_by_id, check.identity_at = "unidentified", actor.id, now()
    db.session.flush()
    record("identity.unidentified", actor=actor, case=case)


def certificate_too_old(document: Document, as_of: date | None = None) -> bool:
    kind = catalogue.DOCUMENT_KINDS.get(document.kind)
    if kind is None or not kind.dated or document.issued_on is None:
        return False
    return document.issued_on < (as_of or today()) - relativedelta(months=catalogue.CERTIFICATE_MAX_AGE_MONTHS)


def review_document(document: Document, review: str, deficiency: str, issued_on: date | None, *, actor) -> None:
    case = document.case
    require_status(case, CHECKABLE, "書類を確認", "review documents")
    if review not in REVIEWS:
        raise Refused("確認結果を選んでください。", "Choose a review result.")
    if review == "deficient" and not deficiency.strip():
        raise Refused("不備の内容を入力してください。", "Say what is deficient.")
    document.review = review
    document.deficiency = deficiency.strip() or None if review == "deficient" else None
    document.issued_on = issued_on
    if review == "acceptable" and certificate_too_old(document):
        months = catalogue.CERTIFICATE_MAX_AGE_MONTHS
        raise Refused(
            f"発行から{months}か月を超えた証明書は「適」にできません。",
            f"A certificate issued more than {months} months ago cannot be accepted.",
        )
    db.session.flush()
    record("document.reviewed", actor=actor, case=case, detail={"document_id": document.id, "review": review})


def proxy_documents(case: Case) -> list[Document]:
    return [d for d in case.documents if d.kind in catalogue.PROXY_DOCUMENTS]


def confirm_proxy(case: Case, *, actor) -> None:
    require_status(case, DECIDABLE, "代理権を確認", "confirm the proxy's authority")
    if not case.proxy_kind:
        raise Refused("この案件に代理人はいません。", "No proxy acts in this case.")
    acceptable = {d.kind for d in proxy_documents(case) if d.review == "acceptable" and not certificate_too_old(d)}
    if not catalogue.PROXY_KINDS[case.proxy_kind].satisfied_by(acceptable):
        raise Refused(
            "代理権を証明する書類がそろっていません（必要な書類を「適」にしてください）。",
            "The documents proving the authority are not complete: mark the required ones acceptable.",
        )
    check = verification_of(case, create=True)
    check.proxy_result, check.proxy_by_id, check.proxy_at = "confirmed", actor.id, now()
    db.session.flush()
    record("proxy.confirmed", actor=actor, case=case, detail={"proxy_kind": case.proxy_kind})
    move_to(case, working_state(case), actor=actor)


def record_proxy_unconfirmed(case: Case, *, actor) -> None:
    """The proxy's authority cannot be confirmed; the decisions area drafts the refusal
    (desk.decisions.service.refuse_proxy_unconfirmed)."""
    require_status(case, DECIDABLE, "代理権の確認結果を記録", "record the proxy check")
    if not case.proxy_kind:
        raise Refused("この案件に代理人はいません。", "No proxy acts in this case.")
    check = verification_of(case, create=True)
    check.proxy_result, check.proxy_by_id, check.proxy_at = "unconfirmed", actor.id, now()
    db.session.flush()
    record("proxy.unconfirmed", actor=actor, case=case, detail={"proxy_kind": case.proxy_kind})
