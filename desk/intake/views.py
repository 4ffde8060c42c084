"""Intake pages: the public request form with its confirmation and completion pages, the
status page, the printable application form, staff registration and document download."""

from __future__ import annotations

import io

from flask import (
    Blueprint,
    abort,
    current_app,
    make_response,
    redirect,
    render_template,
    request,
    send_file,
    session,
    url_for,
)
from flask_limiter.util import get_remote_address
from flask_login import current_user

from desk import settings
from desk.audit.service import record
from desk.auth.permissions import require
from desk.clock import today
from desk.extensions import db, limiter
from desk.i18n import current_language
from desk.identity.models import Document
from desk.identity.uploads import ACCEPT_ATTRIBUTE, HEIC_SUPPORTED, Limits
from desk.intake import sends, staging
from desk.intake import status as status_service
from desk.intake.files import read_slots, uploads_from
from desk.intake.forms import RegistrationForm, RequestForm
from desk.intake.service import Application, Person, send_acknowledgement, submit
from desk.intake.slots import WHO, slots_for
from desk.storage import service as storage

blueprint = Blueprint("intake", __name__)

DONE_KEY = "intake_done"


def _person(form) -> Person:
    data = {f.short_name: (f.data or None) for f in form}
    return Person(**data)


def application_from(
    form: RequestForm, uploads, *, channel="web", arrived_on=None, language=None, stamps=0
) -> Application:
    """What the service takes, from a validated form: the request form, staff registration
    and the API (desk.api), which validates the same forms."""
    return Application(
        kinds=list(form.kinds.data),
        principal=_person(form.principal.form),
        requester_type="proxy" if form.is_proxy else "principal",
        proxy_kind=form.who_value if form.is_proxy else None,
        proxy=_person(form.proxy.form) if form.is_proxy else None,
        delivery_method=form.delivery_method.data or None,
        particulars=form.particulars.data or None,
        language=language or current_language(),
        channel=channel,
        arrived_on=arrived_on,
        uploads=uploads,
        stamps_enclosed=stamps or 0,
    )


def _page_context(form, slots, reading=None, **extra):
    fee_kinds = set(settings.get("fee_kinds"))
    return dict(
        form=form,
        slots=slots,
        reading=reading,
        accept=ACCEPT_ATTRIBUTE,
        heic=HEIC_SUPPORTED,
        limits=Limits.from_settings(),
        fee_kinds=fee_kinds,
        fee_amount=int(settings.get("fee_amount")),
        fee_due=settings.fee_due(form.kinds.data or []),
        **extra,
    )


# ----------------------------------------------------------------------------- public form


@blueprint.route("/requests/new", methods=["GET", "POST"])
@blueprint.route("/requests/new/<any(principal, parent, minor_guardian, adult_guardian, delegated):who>")
@limiter.limit(lambda: current_app.config.get("INTAKE_RATE_LIMIT", "30 per hour"), methods=["POST"])
def new_request(who: str | None = None):
    # The requester kind is in the path, so the language switch keeps it.
    who = who or request.values.get("who")
    if request.method == "GET":
        if who not in WHO:
            return render_template("public/intake/start.html")
        staging.discard()
        form = RequestForm(who=who)
        return render_template("public/intake/form.html", **_page_context(form, slots_for(who)))

    staging.purge_stale()
    if request.form.get("principal_deceased"):
        # Only a living person has these rights: a request about a deceased person is an
        # inquiry (desk.inquiries), explained there; no case, no fee, nothing staged kept.
        staging.discard()
        return redirect(url_for("inquiries_public.new_inquiry", about="deceased"))
    form = RequestForm()
    if who not in WHO:
        return redirect(url_for("intake.new_request"))
    slots = slots_for(who)
    action = request.form.get("action", "confirm")
    staged_slots = staging.staged_slots() & {s.name for s in slots}
    if action == "edit":
        form.validate()
        return render_template(
            "public/intake/form.html",
            **_page_context(form, slots, staged=staged_slots, kinds_chosen=_slot_kinds(slots)),
        )

    valid = form.validate()
    if action == "send":
        token = request.form.get("send_token", "")
        first = sends.completed(token) if sends.valid(token) else None
        if first is not None:  # a repeated send: the first one's completion page
            session[DONE_KEY] = first
            return redirect(url_for("intake.done"))
        reading = read_slots(slots, request.form, _NoFiles(), staged_slots)
        if not valid or not reading.ok:
            return _form_again(form, slots, reading, staged_slots)
        if not sends.valid(token):
            staging.discard()
            return render_template("public/intake/form.html", **_page_context(form, slots, expired=True)), 400
        if not sends.claim(token):  # a concurrent send of the same page made the case
            session[DONE_KEY] = sends.completed(token)
            return redirect(url_for("intake.done"))
        try:
            files = staging.load()
        except LookupError:
            staging.discard()
            return render_template("public/intake/form.html", **_page_context(form, slots, expired=True)), 400
        application = application_from(
            form, uploads_from(slots, reading.kinds, {k: v for k, v in files.items() if k in reading.kinds})
        )
        addressee = application.proxy if application.proxy else application.principal
        try:
            result = submit(application)
            completion = {
                "reference": result.case.reference,
                "code": result.access_code,
                "fee": settings.fee_due(application.kinds),
                "mailed": False,
                "email_given": bool(addressee.email and current_app.config.get("SMTP_HOST")),
                "kinds": application.kinds,
            }
            sends.complete(token, completion)
            db.session.commit()
        except Exception:
            db.session.rollback()
            raise
        staging.discard()
        completion["mailed"] = send_acknowledgement(result.case, addressee.email) if addressee.email else False
        session[DONE_KEY] = completion
        return redirect(url_for("intake.done"))

    reading = read_slots(slots, request.form, request.files, staged_slots)
    if not valid or not reading.ok:
        return _form_again(form, slots, reading, staged_slots)
    try:
        staging.stage(reading.new)
    except staging.StagingFull:
        return render_template("public/intake/form.html", **_page_context(form, slots, busy=True)), 503
    keep = {s.name for s in slots if s.name in reading.kinds}
    _drop_staged_except(keep)
    return render_template(
        "public/intake/confirm.html",
        **_page_context(
            form, slots, reading, staged=_staged_summary(slots), slot_kinds=reading.kinds, send_token=sends.issue()
        ),
    )


class _NoFiles:
    """The confirmation page sends no files: every slot is read from the staged ones."""

    def getlist(self, name):
        return []


def _slot_kinds(slots) -> dict[str, str]:
    return {s.name: request.form.get(f"{s.name}-kind", "") for s in slots}


def _drop_staged_except(keep: set[str]) -> None:
    entries = session.get(staging.SESSION_KEY, [])
    for e in entries:
        if e["slot"] not in keep:
            staging._remove(e["name"])
    session[staging.SESSION_KEY] = [e for e in entries if e["slot"] in keep]


def _staged_summary(slots) -> dict[str, list]:
    return {s.name: staging.staged(s.name) for s in slots}


def _form_again(form, slots, reading, staged_slots):
    """A rejected submission: the form again with every message and what was typed; new
    files are not kept (nothing is stored for a rejected submission)."""
    if reading.attached:
        # Files chosen this time were not kept: drop any staged ones too, so what the page
        # says ("choose the files again") is exactly true.
        staging.discard()
        staged_slots = set()
    return render_template(
        "public/intake/form.html",
        **_page_context(form, slots, reading, staged=staged_slots, kinds_chosen=_slot_kinds(slots), rejected=True),
    ), 400


@blueprint.route("/requests/done")
def done():
    """The completion page. The access code is in the session only until this page is
    shown once; a reload shows the page without it."""
    result = session.pop(DONE_KEY, None)
    if result is None:
        return render_template("public/intake/done.html", result=None)
    return render_template("public/intake/done.html", result=result, due_days=int(settings.get("requester_due_days")))


# ----------------------------------------------------------------------------- status page


def _status_limit() -> str:
    return current_app.config.get("STATUS_RATE_LIMIT", "10 per minute;40 per hour")


@blueprint.route("/requests/status", methods=["GET", "POST"])
@limiter.limit(_status_limit, methods=["POST"])
def status():
    form = status_service.StatusForm()
    if request.method == "POST" and form.validate():
        found = status_service.attempt(form.reference.data, form.code.data, get_remote_address())
        if isinstance(found, status_service.StatusView):
            return render_template("public/intake/status.html", form=None, view=found)
        form.code.data = ""  # never echo a code back
        if isinstance(found, status_service.Wait):
            minutes = -(-found.seconds // 60)
            return render_template("public/intake/status.html", form=form, wait_minutes=minutes), 429
        return render_template("public/intake/status.html", form=form, failed=True), 200
    return render_template("public/intake/status.html", form=form)


# ----------------------------------------------------------------------------- application form PDF


@blueprint.route("/application-form.pdf")
def application_form():
    from desk.intake.application_form import render

    response = make_response(render())
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = 'inline; filename="application-form.pdf"'
    return response


# ----------------------------------------------------------------------------- staff


@blueprint.route("/staff/intake/new", methods=["GET", "POST"])
@require("case.register")
def register_case():
    who = request.values.get("who")
    if who not in WHO:
        who = "principal"
    slots = slots_for(who, staff=True)
    if request.method == "GET":
        form = RegistrationForm(who=who, arrived_on=today(), channel="mail")
        return render_template("staff/intake/register.html", **_page_context(form, slots))
    if request.form.get("principal_deceased"):
        # Recorded as an inquiry instead (desk.inquiries), with the explanation there.
        channel = request.form.get("channel")
        return redirect(
            url_for(
                "inquiries.register_inquiry",
                category="deceased",
                channel=channel if channel in ("mail", "fax", "email", "counter") else "mail",
                **{"from": "intake"},
            )
        )
    form = RegistrationForm()
    valid = form.validate()
    reading = read_slots(slots, request.form, request.files, set())
    if not valid or not reading.ok:
        return render_template(
            "staff/intake/register.html",
            **_page_context(form, slots, reading, kinds_chosen=_slot_kinds(slots), rejected=True),
        ), 400
    application = application_from(
        form,
        uploads_from(slots, reading.kinds, reading.new),
        channel=form.channel.data,
        arrived_on=form.arrived_on.data,
        language=form.language.data,
        stamps=form.stamps_enclosed.data,
    )
    try:
        result = submit(application, actor=current_user)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    mailed = False
    if application.channel == "email":
        # An application that came by e-mail is acknowledged the same way.
        addressee = application.proxy if application.proxy else application.principal
        mailed = send_acknowledgement(result.case, addressee.email) if addressee.email else False
    return render_template("staff/intake/registered.html", result=result, case=result.case, mailed=mailed)


@blueprint.route("/staff/documents/<int:document_id>")
@require("document.view")
def document(document_id: int):
    """Download one document: audited, never cached, never rendered by the browser."""
    row = db.session.get(Document, document_id)
    if row is None or row.wrapped_key is None:
        abort(404)
    data = storage.read(row)
    record("document.viewed", actor=current_user, case=row.case, detail={"document_id": row.id, "kind": row.kind})
    db.session.commit()
    extension = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}.get(row.media_type or "", "bin")
    response = send_file(
        io.BytesIO(data),
        mimetype=row.media_type or "application/octet-stream",
        as_attachment=True,
        download_name=f"{row.case.reference}-{row.id}.{extension}",
        max_age=0,
    )
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
