"""Staff pages of the suppression register: the register, adding an entry, screening a
list by upload, the screening log. Search terms travel in POST bodies, never in URLs."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from desk.auth.permissions import require
from desk.cases.lifecycle import Refused
from desk.extensions import db
from desk.i18n import current_language, tr
from desk.provisions import screening as provision_screening
from desk.provisions import service as provisions
from desk.suppression import entries, runs
from desk.suppression.errors import SuppressionError
from desk.suppression.forms import EntryForm, ScreenAndRecordForm, SearchForm
from desk.suppression.models import DIRECTIONS, ORIGINS, SCOPES, ScreeningRun

blueprint = Blueprint("suppression", __name__, url_prefix="/staff/suppression")


@blueprint.context_processor
def _names():
    return {"SCOPES": SCOPES, "ORIGINS": ORIGINS, "DIRECTIONS": DIRECTIONS}


@blueprint.route("", methods=["GET", "POST"])
@require("suppression.view")
def register():
    form = SearchForm()
    results = None
    if request.method == "POST" and form.validate_on_submit():
        results = entries.search(form.q.data or "")
    page = request.args.get("page", 1, type=int)
    return render_template(
        "staff/suppression/register.html",
        form=form,
        results=results,
        pagination=entries.entries_page(max(page, 1)),
        size=entries.register_size(),
    )


@blueprint.route("/new", methods=["GET", "POST"])
@require("suppression.manage")
def add_entry():
    form = EntryForm()
    status = 200
    if form.validate_on_submit():
        try:
            entry = entries.add_entry(
                name=form.name.data,
                kana=form.kana.data or None,
                birth_date=form.birth_date.data or None,
                phone=form.phone.data or None,
                address=form.address.data or None,
                scope=form.scope.data,
                origin="manual",
                source_reference=form.source_reference.data or None,
                actor=current_user,
            )
        except SuppressionError as error:
            db.session.rollback()
            getattr(form, error.field or "name").errors.append(error.message(current_language()))
            status = 400
        else:
            db.session.commit()
            flash(
                tr(f"提供停止名簿に登録しました（{entry.number}）。", f"Added to the register ({entry.number})."),
                "success",
            )
            return redirect(url_for("suppression.register"))
    elif request.method == "POST":
        status = 400
    return render_template("staff/suppression/entry_form.html", form=form), status


@blueprint.route("/screen", methods=["GET", "POST"])
@require("suppression.manage")
def screen():
    form = ScreenAndRecordForm()
    form.counterparty.choices = [("", tr("記録しない", "Do not record"))] + [
        (c.code, f"{c.code} — {c.name}") for c in provisions.counterparties(active_only=True)
    ]
    status, error_message = 200, None
    if form.validate_on_submit():
        upload = form.file.data
        try:
            wanted = _recording(form)
            run, entry = provision_screening.screen_upload_and_record(
                upload.read(),
                list_name=upload.filename or "list.csv",
                direction=form.direction.data,
                wanted=wanted,
                actor=current_user,
            )
        except SuppressionError as error:
            db.session.rollback()
            form.file.errors.append(error.message(current_language()))
            status = 400
        except Refused as refused:
            db.session.rollback()
            error_message, status = refused.message(current_language()), 400
        else:
            db.session.commit()
            if wanted is not None:
                flash(
                    tr(
                        f"照合し、{entry.counterparty.name}への提供として記録しました（{entry.number}）。"
                        if entry.direction == "provision"
                        else f"照合し、{entry.counterparty.name}からの受領として記録しました（{entry.number}）。",
                        f"Screened, and recorded as {'provided to' if entry.direction == 'provision' else 'received from'} {entry.counterparty.name} ({entry.number}).",
                    ),
                    "success",
                )
            return redirect(url_for("suppression.show_run", run_id=run.id))
    elif request.method == "POST":
        status = 400
    return render_template("staff/suppression/screen.html", form=form, error_message=error_message), status


def _recording(form):
    """The record the screening will make (checked before the list is screened), or None."""
    if not form.counterparty.data:
        return None
    return provision_screening.particulars(
        form.direction.data, form.counterparty.data, form.basis.data, form.acquisition.data
    )


@blueprint.route("/screenings")
@require("suppression.view")
def screening_log():
    page = request.args.get("page", 1, type=int)
    return render_template("staff/suppression/log.html", pagination=runs.screening_log(max(page, 1)))


def _run(run_id: str) -> ScreeningRun:
    # A plain path segment (checked here, after the permission) rather than <int:>, so an
    # unsigned visitor is sent to sign in whatever they typed.
    run = db.session.get(ScreeningRun, int(run_id)) if run_id.isdigit() and len(run_id) < 10 else None
    return run or abort(404)


@blueprint.route("/screenings/<run_id>")
@require("suppression.view")
def show_run(run_id: str):
    run = _run(run_id)
    available = {f.kind for f in run.files if f.wrapped_key is not None}
    return render_template("staff/suppression/run.html", run=run, available=available)


_CHARSETS = {"cp932": "Windows-31J", "utf-8": "utf-8", "utf-8-sig": "utf-8"}


@blueprint.route("/screenings/<run_id>/<kind>.csv")
@require("suppression.manage")
def download(run_id: str, kind: str):
    if kind not in ("output", "report"):
        abort(404)
    run = _run(run_id)
    try:
        data = runs.result_file(run, kind, current_user)
    except SuppressionError:
        abort(404)
    db.session.commit()  # the read is audited
    filename = f"screened-{run.id}.csv" if kind == "output" else f"screened-{run.id}-report.csv"
    return Response(
        data,
        # The file keeps the list's own encoding, and says so (cp932 is IANA's Windows-31J).
        content_type=f"text/csv; charset={_CHARSETS.get(run.encoding, 'utf-8')}",
        headers={"Content-Disposition": f'attachment; filename="{filename}"', "X-Content-Type-Options": "nosniff"},
    )
