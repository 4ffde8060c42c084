"""Staff pages for retention: the overview, legal holds, disposal certificates."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from desk.auth.permissions import require
from desk.cases.service import by_reference
from desk.clock import today
from desk.extensions import db
from desk.i18n import current_language, tr
from desk.retention import service
from desk.retention.forms import HoldForm, ReleaseForm
from desk.retention.models import DisposalRun

blueprint = Blueprint("retention", __name__, url_prefix="/staff")

UPCOMING_DAYS = 30


@blueprint.route("/retention")
@require("retention.view")
def overview():
    as_of = today()
    upcoming, upcoming_total = service.upcoming(as_of, UPCOMING_DAYS)
    return render_template(
        "staff/retention/overview.html",
        as_of=as_of,
        days=UPCOMING_DAYS,
        upcoming=upcoming,
        upcoming_total=upcoming_total,
        holds=service.current_holds(),
        runs=service.runs(),
        totals=service.run_totals,
        release_form=ReleaseForm(),
    )


@blueprint.route("/cases/<reference>/hold", methods=["GET", "POST"])
@require("retention.hold")
def place_hold(reference: str):
    case = by_reference(reference)
    if case is None:
        abort(404)
    form = HoldForm()
    error = None
    if form.validate_on_submit():
        try:
            service.place_hold(case, form.reason.data, actor=current_user)
        except service.RetentionError as refused:
            db.session.rollback()
            error = refused.message(current_language())
        else:
            db.session.commit()
            flash(
                tr(
                    "訴訟等保全を設定しました。解除するまで廃棄されません。",
                    "The legal hold is in place: the case will not be disposed of until it is released.",
                ),
                "success",
            )
            return redirect(url_for("cases.show_case", reference=case.reference))
    status = 400 if form.is_submitted() else 200
    return render_template("staff/retention/hold.html", case=case, form=form, error=error), status


@blueprint.route("/cases/<reference>/hold/release", methods=["POST"])
@require("retention.hold")
def release_hold(reference: str):
    case = by_reference(reference)
    if case is None:
        abort(404)
    if not ReleaseForm().validate_on_submit():
        abort(400)
    hold = service.active_hold(case)
    if hold is None:
        flash(tr("この案件に解除する保全はありません。", "This case has no hold to release."), "error")
        return redirect(url_for("cases.show_case", reference=reference))
    try:
        service.release_hold(hold, actor=current_user)
    except service.RetentionError as refused:
        db.session.rollback()
        flash(refused.message(current_language()), "error")
    else:
        db.session.commit()
        flash(tr("保全を解除しました。", "The hold has been released."), "success")
    return redirect(url_for("cases.show_case", reference=reference))


@blueprint.route("/retention/runs/<run_id>/certificate.pdf")
@require("retention.view")
def certificate(run_id: str):
    from desk.retention.certificate import render_certificate

    run = db.session.get(DisposalRun, int(run_id)) if run_id.isdigit() else None
    if run is None:
        abort(404)
    pdf = render_certificate(run)
    return Response(
        pdf,
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="disposal-certificate-{run.id}.pdf"',
            "Cache-Control": "no-store",
        },
    )
