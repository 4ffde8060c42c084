"""Staff pages of the provision records: the records, a manual record, holds, counterparties,
and the case panel's confirmation of a record-disclosure search."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from desk.auth.permissions import require
from desk.cases.lifecycle import Refused
from desk.cases.service import by_reference
from desk.clock import today
from desk.extensions import db
from desk.i18n import current_language, tr
from desk.provisions import disclosure, service
from desk.provisions.bases import BASES, DIRECTIONS, EXEMPT
from desk.provisions.forms import ConfirmForm, CounterpartyForm, HoldForm, RecordForm
from desk.provisions.models import Counterparty, ProvisionRecord

blueprint = Blueprint("provisions", __name__, url_prefix="/staff/provisions")


@blueprint.context_processor
def _names():
    return {"BASES": BASES, "EXEMPT": EXEMPT, "DIRECTIONS": DIRECTIONS}


def _get(model, ident: str):
    # A plain path segment checked after the permission, so an unsigned visitor is sent to sign in.
    found = db.session.get(model, int(ident)) if ident.isdigit() and len(ident) < 10 else None
    return found or abort(404)


@blueprint.route("")
@require("provisions.view")
def records():
    direction = request.args.get("direction")
    page = request.args.get("page", 1, type=int)
    return render_template(
        "staff/provisions/records.html",
        pagination=service.records_page(direction, max(page, 1)),
        direction=direction if direction in DIRECTIONS else None,
    )


@blueprint.route("/<record_id>")
@require("provisions.view")
def show_record(record_id: str):
    entry = _get(ProvisionRecord, record_id)
    return render_template("staff/provisions/record.html", entry=entry, hold_form=HoldForm(formdata=None))


@blueprint.route("/new", methods=["GET", "POST"])
@require("provisions.record")
def new_record():
    form = RecordForm()
    form.counterparty.choices = [(str(c.id), f"{c.code} — {c.name}") for c in service.counterparties(True)]
    if request.method == "GET":
        form.occurred_on.data = today()
    status, error = 200, None
    if form.validate_on_submit():
        counterparty = (
            db.session.get(Counterparty, int(form.counterparty.data)) if form.counterparty.data.isdigit() else None
        )
        try:
            if counterparty is None or not counterparty.active:
                raise Refused("相手方を選んでください。", "Choose the counterparty.")
            wanted = service.Particulars(
                direction=form.direction.data,
                counterparty=counterparty,
                basis=form.basis.data,
                items=form.items.data,
                occurred_on=form.occurred_on.data,
                acquisition=form.acquisition.data,
            )
            service.check(wanted)
            entry = service.record_list(
                wanted, service.people_as_csv(form.people.data), list_name="個別記録", via="manual", actor=current_user
            )
        except Refused as refused:
            db.session.rollback()
            error, status = refused.message(current_language()), 400
        else:
            db.session.commit()
            flash(tr(f"記録しました（{entry.number}）。", f"Recorded ({entry.number})."), "success")
            return redirect(url_for("provisions.show_record", record_id=entry.id))
    elif request.method == "POST":
        status = 400
    return render_template("staff/provisions/record_form.html", form=form, error=error), status


@blueprint.route("/<record_id>/hold", methods=["POST"])
@require("retention.hold")
def hold(record_id: str):
    entry = _get(ProvisionRecord, record_id)
    releasing = request.form.get("release") == "1"
    form = ConfirmForm() if releasing else HoldForm()
    if not form.validate_on_submit():
        flash(tr("保全の理由を入力してください。", "Give the reason for the hold."), "error")
        return redirect(url_for("provisions.show_record", record_id=entry.id))
    try:
        service.set_hold(entry, None if releasing else form.reason.data, actor=current_user)
    except Refused as refused:
        db.session.rollback()
        flash(refused.message(current_language()), "error")
    else:
        db.session.commit()
        flash(
            tr("保全を解除しました。", "The hold is released.")
            if releasing
            else tr("保全を設定しました。解除するまで廃棄されません。", "Held: not disposed of until released."),
            "success",
        )
    return redirect(url_for("provisions.show_record", record_id=entry.id))


@blueprint.route("/counterparties")
@require("provisions.view")
def counterparties():
    return render_template("staff/provisions/counterparties.html", counterparties=service.counterparties())


@blueprint.route("/counterparties/new", methods=["GET", "POST"], defaults={"counterparty_id": None})
@blueprint.route("/counterparties/<counterparty_id>", methods=["GET", "POST"])
@require("provisions.counterparties")
def edit_counterparty(counterparty_id: str | None):
    counterparty = _get(Counterparty, counterparty_id) if counterparty_id is not None else None
    form = CounterpartyForm(obj=counterparty)
    status, error = 200, None
    if form.validate_on_submit():
        values = {name: getattr(form, name).data for name in service.COUNTERPARTY_FIELDS}
        try:
            saved = service.save_counterparty(counterparty, values, actor=current_user)
        except Refused as refused:
            db.session.rollback()
            error, status = refused.message(current_language()), 400
        else:
            db.session.commit()
            flash(tr(f"相手方「{saved.code}」を保存しました。", f"Counterparty {saved.code} saved."), "success")
            return redirect(url_for("provisions.counterparties"))
    elif request.method == "POST":
        status = 400
    return render_template(
        "staff/provisions/counterparty_form.html", form=form, counterparty=counterparty, error=error
    ), status


@blueprint.route("/cases/<reference>/confirm", methods=["POST"])
@require("case.work")
def confirm_search(reference: str):
    case = by_reference(reference)
    if case is None:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        count = disclosure.confirm(case, actor=current_user)
    except Refused as refused:
        db.session.rollback()
        flash(refused.message(current_language()), "error")
    else:
        db.session.commit()
        flash(
            tr(
                f"第三者提供記録の照合結果（{count}件）を確定し、回答書の別紙に記載しました。決定を起案してください。"
                if count
                else "第三者提供記録に該当はありませんでした（記録なし）。決定を起案してください。",
                f"The search of the records is confirmed ({count} found) and listed in the reply's attachment. Draft the decision next."
                if count
                else "No record of provision or receipt holds the principal (no record). Draft the decision next.",
            ),
            "success",
        )
    return redirect(url_for("cases.show_case", reference=case.reference, _anchor="provision-records"))
