"""Documents the requester sends from the status page while the case waits for them.

The page is opened with the reference and the access code; the code is never put back in
the page. Instead the session remembers, for a short while, which case was opened, and the
upload goes to that case only. The files are checked as on the request form, stored
encrypted and audited; the clock does not restart until the officer records that the
requested documents arrived."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import Blueprint, current_app, render_template, session

from desk.cases.lifecycle import Refused
from desk.cases.service import by_reference
from desk.clock import now
from desk.extensions import db, limiter
from desk.i18n import current_language, tr
from desk.identity import service as identity
from desk.identity.forms import AddDocumentForm

blueprint = Blueprint("status_documents", __name__)

SESSION_KEY = "status_case"
#: How long after the reference and code were given the page may send documents.
OPEN_FOR = timedelta(minutes=30)


def remember(case) -> None:
    session[SESSION_KEY] = {"reference": case.reference, "at": now().isoformat()}


def remembered_case():
    """The case opened on the status page in this session, while it is fresh; else None."""
    entry = session.get(SESSION_KEY)
    if not isinstance(entry, dict):
        return None
    try:
        opened = datetime.fromisoformat(entry.get("at", ""))
    except (TypeError, ValueError):
        return None
    if now() - opened > OPEN_FOR:
        session.pop(SESSION_KEY, None)
        return None
    return by_reference(str(entry.get("reference", "")))


def upload_form(case, formdata=None) -> AddDocumentForm | None:
    if case.status not in identity.REQUESTER_MAY_SEND:
        return None
    if formdata is None:
        return AddDocumentForm(case, formdata=None)
    return AddDocumentForm(case)


def sent_documents(case) -> list:
    return [d for d in case.documents if d.origin == "requester"]


def _limit() -> str:
    return current_app.config.get("STATUS_RATE_LIMIT", "10 per minute;40 per hour")


@blueprint.post("/requests/status/documents")
@limiter.limit(_limit)
def send_documents():
    from desk.intake.status import view_of

    case = remembered_case()
    if case is None:
        return render_template("public/intake/status.html", form=_status_form(), expired=True), 400
    form = upload_form(case, formdata=True)
    if form is None:
        view = view_of(case)
        return render_template("public/intake/status.html", form=None, view=view, not_waiting=True), 400
    files = form.checked_files() if form.validate_on_submit() else []
    if not files:
        view = view_of(case)
        view.upload = form
        return render_template("public/intake/status.html", form=None, view=view), 400
    party, kind = form.chosen()
    try:
        for file in files:
            identity.add_document(case, party, kind, file, by_requester=True)
        db.session.commit()
    except Refused as refusal:
        db.session.rollback()
        view = view_of(by_reference(case.reference))
        return render_template(
            "public/intake/status.html", form=None, view=view, refused=tr(refusal.ja, refusal.en)
        ), 400
    remember(case)
    view = view_of(case)
    return render_template(
        "public/intake/status.html", form=None, view=view, received=len(files), lang_=current_language()
    )


def _status_form():
    from desk.intake.status import StatusForm

    return StatusForm(formdata=None)


def whose(party: str) -> str:
    return tr("代理人", "Proxy") if party == "proxy" else tr("ご本人", "Principal")
