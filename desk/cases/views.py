"""Staff pages for cases: the list and one case."""
from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from desk import settings
from desk.auth.permissions import can, require
from desk.cases import deadlines, lifecycle, queries
from desk.cases.panels import CASE_PANELS
from desk.cases.service import by_reference
from desk.clock import today

blueprint = Blueprint("cases", __name__, url_prefix="/staff")


@blueprint.route("/")
@login_required
def home():
    """Where a user lands after sign-in: their own work."""
    if can(current_user, "case.view"):
        return redirect(url_for("cases.queue"))
    if can(current_user, "settings.edit"):
        return redirect(url_for("settings.edit_settings"))
    abort(403)


@blueprint.route("/cases")
@require("case.view")
def queue():
    status = request.args.get("status") or None
    if status is not None and status not in lifecycle.STATES:
        status = None
    page = request.args.get("page", 1, type=int)
    return render_template(
        "staff/cases/list.html", pagination=queries.case_list(status, page=max(page, 1)),
        counts=queries.status_counts(), status=status, today=today(),
        closed=settings.closed_days(), days_left=deadlines.business_days_left)


@blueprint.route("/cases/<reference>")
@require("case.view")
def show_case(reference: str):
    case = by_reference(reference)
    if case is None:
        abort(404)
    panels = [(panel.template, panel.context(case) if panel.context else {})
              for panel in CASE_PANELS if can(current_user, panel.permission)]
    return render_template("staff/cases/show.html", case=case, panels=panels, today=today(),
                           fee_due=settings.fee_due(case.kinds))
