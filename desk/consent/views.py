"""The consent pages: public (sign-up, confirmation, unsubscribe, opt-out) and staff (look-up, entry, import, export, a case's opt-outs)."""

from __future__ import annotations

import io

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from desk import settings
from desk.auth.permissions import require
from desk.cases.lifecycle import Refused
from desk.consent import public, service
from desk.consent.export import write_log
from desk.consent.forms import (
    ButtonForm,
    CaseOptOutForm,
    ImportForm,
    LookupForm,
    OptOutForm,
    RecordForm,
    SignupForm,
    purpose_choices,
)
from desk.consent.imports import import_records, parse_moment
from desk.consent.keys import address_for
from desk.consent.purposes import label as purpose_label
from desk.consent.purposes import purposes
from desk.extensions import csrf, db, limiter
from desk.i18n import current_language, tr
from desk.suppression.errors import SuppressionError

public_pages = Blueprint("consent_public", __name__)
blueprint = Blueprint("consent", __name__, url_prefix="/staff/consent")


@public_pages.after_request
def _public_headers(response):
    # The links carry signed tokens: no cache keeps them. The sign-up form may be framed by
    # the sites named in the setting consent_embed_origins (same-site: the session cookie is Lax).
    response.headers["Cache-Control"] = "no-store"
    origins = (settings.get("consent_embed_origins") or "").split()
    if request.endpoint == "consent_public.signup" and origins:
        policy = current_app.config.get("DESK_CSP") or (
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            "object-src 'none'; base-uri 'self'; form-action 'self'"
        )
        response.headers["Content-Security-Policy"] = f"{policy}; frame-ancestors 'self' {' '.join(origins)}"
        response.headers["X-Frame-Options"] = "SAMEORIGIN"
    return response


def _public_limit():
    return current_app.config.get("CONSENT_RATE_LIMIT", "20 per hour")


# ----------------------------------------------------------------------------- public


@public_pages.route("/consent/signup", methods=["GET", "POST"])
@limiter.limit(_public_limit, methods=["POST"])
def signup():
    form = SignupForm()
    form.purposes.choices = purpose_choices()
    if request.method == "GET" and not form.purposes.data:
        form.purposes.data = list(purposes())[:1]
    status, error = 200, None
    if form.validate_on_submit():
        try:
            public.start_signup(form.email.data, form.purposes.data or [], current_language())
        except Refused as refused:
            db.session.rollback()
            error, status = refused.message(current_language()), 400
        else:
            db.session.commit()
            return redirect(url_for("consent_public.signup_sent", embed=request.args.get("embed")))
    elif request.method == "POST":
        status = 400
    return (
        render_template(
            "public/consent/signup.html",
            form=form,
            error=error,
            text=public.consent_text(current_language()),
            version=settings.get("consent_text_version"),
            embed=bool(request.args.get("embed")),
        ),
        status,
    )


@public_pages.route("/consent/signup/sent")
def signup_sent():
    return render_template("public/consent/signup_sent.html", embed=bool(request.args.get("embed")))


@public_pages.route("/consent/confirm/<token>", methods=["GET", "POST"])
def confirm(token: str):
    try:
        signup_row = public.signup_for(token)
    except Refused as refused:
        return render_template("public/consent/invalid.html", message=refused.message(current_language())), 400
    form = ButtonForm()
    if signup_row.confirmed_at is None and form.validate_on_submit():
        public.confirm(token)
        db.session.commit()
        return redirect(url_for("consent_public.confirm", token=token))
    return render_template(
        "public/consent/confirm.html",
        form=form,
        signup=signup_row,
        chosen=[purpose_label(c, current_language()) for c in signup_row.purposes.split(",")],
    )


@public_pages.route("/consent/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt  # RFC 8058: the mail client POSTs without a page; the signed token is the authority
def unsubscribe(token: str):
    lang = current_language()
    if request.method == "GET":
        try:
            channel, _digest, purpose = public.links.read_unsubscribe_token(token)
            service.check_purpose(purpose, "withdrawn")
        except Refused as refused:
            return render_template("public/consent/invalid.html", message=refused.message(lang)), 400
        return render_template("public/consent/unsubscribe.html", purpose=purpose, channel=channel, done=False)
    try:
        _entry, channel, purpose = public.unsubscribe(token)
    except Refused as refused:
        db.session.rollback()
        if request.form.get("List-Unsubscribe") == "One-Click":
            return Response(refused.message("en") + "\n", status=400, content_type="text/plain; charset=utf-8")
        return render_template("public/consent/invalid.html", message=refused.message(lang)), 400
    db.session.commit()
    if request.form.get("List-Unsubscribe") == "One-Click":
        return Response("unsubscribed\n", content_type="text/plain; charset=utf-8")
    return render_template("public/consent/unsubscribe.html", purpose=purpose, channel=channel, done=True)


@public_pages.route("/consent/optout", methods=["GET", "POST"])
@limiter.limit(_public_limit, methods=["POST"])
def optout():
    form = OptOutForm()
    form.purpose.choices = purpose_choices(with_all=True)
    status, error = 200, None
    if form.validate_on_submit():
        try:
            public.opt_out(
                form.channel.data,
                form.purpose.data,
                phone=form.phone.data,
                name=form.name.data,
                postal_address=form.postal_address.data,
            )
        except Refused as refused:
            db.session.rollback()
            error, status = refused.message(current_language()), 400
        else:
            db.session.commit()
            return redirect(url_for("consent_public.optout_done"))
    elif request.method == "POST":
        status = 400
    return render_template("public/consent/optout.html", form=form, error=error), status


@public_pages.route("/consent/optout/done")
def optout_done():
    return render_template("public/consent/optout_done.html")


# ----------------------------------------------------------------------------- staff


def _looked_up(form) -> list:
    return service.person_addresses(
        email=form.email.data or None,
        phone=form.phone.data or None,
        name=form.name.data or None,
        postal_address=form.postal_address.data or None,
    )


@blueprint.route("", methods=["GET", "POST"])
@require("consent.view")
def overview():
    form = LookupForm()
    found = None
    if request.method == "POST" and form.validate_on_submit():
        digests = service.digests_of(_looked_up(form))
        found = {"records": service.history(digests), "states": service.current_states(digests)}
    page = request.args.get("page", 1, type=int)
    return render_template(
        "staff/consent/overview.html",
        form=form,
        found=found,
        pagination=service.log_page(max(page, 1)),
        total=service.count_records(),
    )


@blueprint.route("/new", methods=["GET", "POST"])
@require("consent.manage")
def new_record():
    form = RecordForm()
    form.purpose.choices = purpose_choices(with_all=True)
    status, error = 200, None
    if form.validate_on_submit():
        try:
            moment = parse_moment(form.occurred_at.data)
            if moment is None:
                raise Refused(
                    "日時として読めません（例: 2026-12-02 10:30）。", "Not a date and time (e.g. 2026-12-02 10:30)."
                )
            address = address_for(
                form.channel.data,
                email=form.email.data,
                phone=form.phone.data,
                name=form.name.data,
                postal_address=form.postal_address.data,
            )
            entry = service.add(
                address,
                purpose=form.purpose.data,
                action=form.action.data,
                method=form.method.data,
                occurred_at=moment,
                shown_text=form.shown_text.data or None,
                text_version=form.text_version.data or None,
                source=form.source.data or None,
                actor=current_user,
            )
        except Refused as refused:
            db.session.rollback()
            error, status = refused.message(current_language()), 400
        else:
            db.session.commit()
            flash(tr(f"記録しました（{entry.number}）。", f"Recorded ({entry.number})."), "success")
            return redirect(url_for("consent.overview"))
    elif request.method == "POST":
        status = 400
    return render_template("staff/consent/record_form.html", form=form, error=error), status


@blueprint.route("/import", methods=["GET", "POST"])
@require("consent.manage")
def import_file():
    form = ImportForm()
    form.purpose.choices = [SelectChoice("", "—")] + purpose_choices()
    status = 200
    if form.validate_on_submit():
        upload = form.file.data
        try:
            count = import_records(
                io.BytesIO(upload.read()),
                source_name=upload.filename or "import.csv",
                channel=form.channel.data or None,
                purpose=form.purpose.data or None,
                actor=current_user,
            )
        except SuppressionError as error:
            db.session.rollback()
            form.file.errors.append(error.message(current_language()))
            status = 400
        else:
            db.session.commit()
            flash(tr(f"{count}件の記録を取り込みました。", f"Imported {count} record(s)."), "success")
            return redirect(url_for("consent.overview"))
    elif request.method == "POST":
        status = 400
    return render_template("staff/consent/import.html", form=form), status


@blueprint.route("/export.csv")
@require("consent.view")
def export():
    buffer = io.BytesIO()
    write_log(buffer, current_language(), actor=current_user)
    db.session.commit()  # the export is audited
    return Response(
        buffer.getvalue(),
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="consent-log.csv"'},
    )


@blueprint.route("/cases/<reference>/opt-out", methods=["POST"])
@require("consent.manage")
def case_opt_out(reference: str):
    from desk.consent.cases import opt_out_from_case

    case = _case(reference)
    form = CaseOptOutForm()
    form.purpose.choices = purpose_choices(with_all=True)
    if form.validate_on_submit():
        try:
            done = opt_out_from_case(case, form.channels.data or [], form.purpose.data, actor=current_user)
        except Refused as refused:
            db.session.rollback()
            flash(refused.message(current_language()), "error")
        else:
            db.session.commit()
            flash(
                tr(f"配信停止を{len(done)}件記録しました。", f"Recorded {len(done)} opt-out(s)."),
                "success",
            )
    return redirect(url_for("cases.show_case", reference=case.reference, _anchor="consent"))


def _case(reference: str):
    from desk.cases.service import by_reference

    case = by_reference(reference)
    return case or abort(404)
