"""The documents panel of the case page: what was submitted, grouped by what it proves."""

from __future__ import annotations

from sqlalchemy import select

from desk import catalogue
from desk.extensions import db
from desk.i18n import tr
from desk.identity.models import Document


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
        "other": tr("その他の書類", "Other documents"),
    }
    for document in documents:
        if document.party == "proxy" and document.kind in catalogue.PROXY_DOCUMENTS:
            key = "authority"
        elif document.party in ("proxy", "principal") and document.kind in catalogue.IDENTITY_DOCUMENTS:
            key = document.party
        else:
            key = "other"
        groups.setdefault(key, []).append(document)
    missing = ""
    if case.proxy_kind in catalogue.PROXY_KINDS:
        proxy_kind = catalogue.PROXY_KINDS[case.proxy_kind]
        present = {d.kind for d in documents if d.review != "deficient" and d.destroyed_at is None}
        if not proxy_kind.satisfied_by(present) and case.disposed_on is None:
            missing = tr(" または ", " or ").join(
                tr("と", " and ").join(
                    tr(catalogue.PROXY_DOCUMENTS[c].ja, catalogue.PROXY_DOCUMENTS[c].en) for c in alt
                )
                for alt in proxy_kind.requirements
            )
    return {
        "groups": [(titles[k], groups[k]) for k in ("authority", "proxy", "principal", "other") if k in groups],
        "missing": missing,
    }
