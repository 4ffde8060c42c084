"""The documents panel of the case page: what was submitted, grouped by what it proves."""

from __future__ import annotations

from flask import g
from sqlalchemy import select

from desk import catalogue
from desk.extensions import db
from desk.i18n import tr
from desk.identity.forms import AddDocumentForm
from desk.identity.models import Document
from desk.identity.service import CHECKABLE, authority_missing, missing_text


def documents_context(case) -> dict:
    documents = list(
        db.session.scalars(
            select(Document).where(Document.case_id == case.id).order_by(Document.party, Document.kind, Document.id)
        )
    )
    groups: dict[str, list[Document]] = {}
    titles = {
        "authority": tr("代理権を確認する書類", "Proxy authority"),
        "proxy": tr("代理人の本人確認書類", "Proxy's identity"),
        "principal": tr("本人の本人確認書類", "Principal's identity"),
        "link": tr("住所のつながりを示す書類", "Documents linking addresses"),
        "other": tr("その他の書類", "Other documents"),
    }
    for document in documents:
        if document.party == "proxy" and document.kind in catalogue.PROXY_DOCUMENTS:
            key = "authority"
        elif document.party in ("proxy", "principal") and document.kind in catalogue.IDENTITY_DOCUMENTS:
            key = document.party
        elif document.kind in catalogue.LINKING_DOCUMENTS:
            key = "link"
        else:
            key = "other"
        groups.setdefault(key, []).append(document)
    missing = missing_text(authority_missing(case)) if case.disposed_on is None else ""
    kept = getattr(g, "workbench_forms", {}).get("add_document")
    add_form = kept if kept is not None else AddDocumentForm(case, formdata=None)
    return {
        "groups": [(titles[k], groups[k]) for k in ("authority", "proxy", "principal", "link", "other") if k in groups],
        "missing": missing,
        "add_form": add_form if case.status in CHECKABLE else None,
        "origins": {
            "staff": tr("職員が追加", "added by staff"),
            "requester": tr("依頼者が追加", "sent by the requester"),
        },
    }


def documents_summary(case, panel: dict) -> tuple[str, str] | None:
    documents = [d for _, group in panel["groups"] for d in group]
    if not documents:
        return ("提出書類なし", "No documents")
    waiting = sum(1 for d in documents if d.review == "received")
    deficient = sum(1 for d in documents if d.review == "deficient")
    ja, en = [f"{len(documents)}点"], [f"{len(documents)} document{'s' if len(documents) != 1 else ''}"]
    if waiting:
        ja.append(f"未確認 {waiting}点")
        en.append(f"{waiting} not reviewed")
    if deficient:
        ja.append(f"不備 {deficient}点")
        en.append(f"{deficient} deficient")
    return ("・".join(ja), ", ".join(en))
